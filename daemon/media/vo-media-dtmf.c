/* vo-media-dtmf.c: RFC 4733 telephone events, sent with rtpdtmfsrc and
 * detected in what rtpdtmfdepay receives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-session-private.h"
#include "vo-media-gst.h"
#include "vo-error.h"

#include <gst/rtp/gstrtpbuffer.h>

/* RFC 4733 events: -10 dBm0, and start/end packets sent three times so one
 * lost packet does not lose or stretch a digit. */
#define DTMF_VOLUME 10
#define DTMF_REDUNDANCY 3

static int
dtmf_event_for_digit (char digit)
{
  if (digit >= '0' && digit <= '9')
    return digit - '0';
  if (digit == '*')
    return 10;
  if (digit == '#')
    return 11;
  digit = g_ascii_toupper (digit);
  if (digit >= 'A' && digit <= 'D')
    return 12 + digit - 'A';
  return -1;
}

char
vo_media_dtmf_digit_for_event (int event)
{
  static const char digits[] = "0123456789*#ABCD";

  return event >= 0 && event < 16 ? digits[event] : '\0';
}

/* One event is one RTP timestamp; it is reported when a packet with the E
 * bit arrives (sent three times), or when the next event starts if every end
 * packet was lost. */
typedef struct {
  gboolean active;
  gboolean reported;
  guint32 timestamp;
  guint8 event;
} DtmfTracker;

static void
post_dtmf (GstPad *pad, guint8 event)
{
  g_autoptr(GstElement) depay = gst_pad_get_parent_element (pad);
  GstStructure *s = gst_structure_new (MSG_DTMF, "event", G_TYPE_INT, (gint) event, NULL);

  if (depay)
    gst_element_post_message (depay, gst_message_new_application (GST_OBJECT (depay), s));
  else
    gst_structure_free (s);
}

static GstPadProbeReturn
on_dtmf_packet (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  DtmfTracker *tracker = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  const guint8 *payload;
  guint32 timestamp;

  if (!buffer || !gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  if (gst_rtp_buffer_get_payload_len (&rtp) < 4) {
    gst_rtp_buffer_unmap (&rtp);
    return GST_PAD_PROBE_OK;
  }
  payload = gst_rtp_buffer_get_payload (&rtp);
  timestamp = gst_rtp_buffer_get_timestamp (&rtp);
  if (!tracker->active || timestamp != tracker->timestamp) {
    if (tracker->active && !tracker->reported)
      post_dtmf (pad, tracker->event);
    tracker->active = TRUE;
    tracker->reported = FALSE;
    tracker->timestamp = timestamp;
    tracker->event = payload[0];
  }
  if ((payload[1] & 0x80) && !tracker->reported) {
    post_dtmf (pad, tracker->event);
    tracker->reported = TRUE;
  }
  gst_rtp_buffer_unmap (&rtp);
  return GST_PAD_PROBE_OK;
}

/* rtpdtmfmux makes rtpdtmfsrc use the audio's clock, which is right for
 * the RTP timestamps (see on_request_pt_map); when the SDP negotiated another
 * telephone-event rate, the duration field is given in that rate. */
static GstPadProbeReturn
on_dtmf_sent (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  VoMediaSession *self = user_data;
  GstBuffer *buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  if (!gst_rtp_buffer_map (buffer, GST_MAP_READWRITE, &rtp))
    return GST_PAD_PROBE_OK;
  if (gst_rtp_buffer_get_payload_len (&rtp) >= 4) {
    guint8 *payload = gst_rtp_buffer_get_payload (&rtp);
    guint64 duration = GST_READ_UINT16_BE (payload + 2);

    duration = duration * self->dtmf_clock_rate / self->codec->sdp.clock_rate;
    GST_WRITE_UINT16_BE (payload + 2, (guint16) MIN (duration, G_MAXUINT16));
  }
  gst_rtp_buffer_unmap (&rtp);
  return GST_PAD_PROBE_OK;
}

GstElement *
vo_media_dtmf_make_branch (GError **error)
{
  GstElement *depay = vo_media_make_element ("rtpdtmfdepay", NULL, error);
  GstElement *sink;
  g_autoptr(GstPad) pad = NULL;

  if (!depay)
    return NULL;
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  pad = gst_element_get_static_pad (depay, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_dtmf_packet, g_new0 (DtmfTracker, 1),
                     g_free);
  return vo_media_make_chain (depay, sink, NULL);
}

gboolean
vo_media_dtmf_build_sender (VoMediaSession *self, GstElement *mux, GError **error)
{
  if (!self->dtmf_pt)
    return TRUE;
  self->dtmf_source = vo_media_pipeline_add (self, "rtpdtmfsrc", error);
  if (!self->dtmf_source)
    return FALSE;
  g_object_set (self->dtmf_source, "pt", self->dtmf_pt, "clock-rate",
                self->codec->sdp.clock_rate, "packet-redundancy", DTMF_REDUNDANCY, NULL);
  if (self->dtmf_clock_rate != self->codec->sdp.clock_rate) {
    g_autoptr(GstPad) pad = gst_element_get_static_pad (self->dtmf_source, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_dtmf_sent, self, NULL);
  }
  if (!vo_media_pipeline_link_pads (self->dtmf_source, "src", mux, "priority_sink_%u")) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot set up DTMF sending");
    return FALSE;
  }
  return TRUE;
}

gboolean
vo_media_session_send_dtmf (VoMediaSession *self, char digit, GError **error)
{
  int event = dtmf_event_for_digit (digit);
  g_autoptr(GstPad) pad = NULL;

  g_return_val_if_fail (VO_IS_MEDIA_SESSION (self), FALSE);
  if (event < 0) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "“%c” is not a DTMF digit; use 0-9, *, # or A-D", digit);
    return FALSE;
  }
  if (!self->pipeline) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_STATE, "The call has no audio yet");
    return FALSE;
  }
  if (!self->dtmf_source) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                         "The other party does not accept RFC 4733 telephone events");
    return FALSE;
  }
  if (!vo_media_pipeline_sending (self)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_STATE,
                         "No audio is being sent to the other party (the call is on hold)");
    return FALSE;
  }
  /* rtpdtmfsrc queues start/stop pairs and stretches each event to its
   * minimum length, so digits can be sent back to back. The events go to
   * its pad: GstBaseSrc's element-level send_event ignores custom ones. */
  pad = gst_element_get_static_pad (self->dtmf_source, "src");
  for (guint i = 0; i < 2; i++) {
    GstStructure *s = gst_structure_new ("dtmf-event",
                                         "type", G_TYPE_INT, 1,
                                         "method", G_TYPE_INT, 1,
                                         "start", G_TYPE_BOOLEAN, i == 0,
                                         "number", G_TYPE_INT, event,
                                         "volume", G_TYPE_INT, DTMF_VOLUME,
                                         NULL);

    if (!gst_pad_send_event (pad, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM, s))) {
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "The DTMF digit %c could not be sent",
                   digit);
      return FALSE;
    }
  }
  return TRUE;
}
