/* vo-media-session.c: one call's audio as a GStreamer pipeline.
 *
 *   capture ! audioconvert ! audioresample ! capsfilter ! volume (mute)
 *     ! encoder ! payloader ! rtpdtmfmux ! valve (send) ! rtpbin ! udpsink (RTP)
 *   rtpdtmfsrc ! rtpdtmfmux.priority_sink                 rtpbin ! udpsink (RTCP)
 *
 *   udpsrc (RTP) ! rtpbin    udpsrc (RTCP) ! rtpbin
 *   With SRTP, rtpbin puts srtpenc after its session and srtpdec before it
 *   (its request-*-encoder/decoder signals); srtpdec asks for the peer's
 *   key per SSRC ("request-key").
 *   rtpbin's jitter buffers expose one pad per sender SSRC and payload type:
 *     audio:           depayloader ! decoder ! audioconvert ! audioresample ! input-selector
 *     telephone-event: rtpdtmfdepay ! fakesink
 *     anything else:   fakesink
 *   input-selector ! valve (receive) ! playback
 *
 * The UDP elements all use the two sockets bound in _new(), so we send from
 * the port we announced (symmetric RTP: NATs and SBCs send back there).
 *
 * Threads: rtpbin calls request-pt-map, pad-added and pad-removed from its
 * streaming threads. They only read what is fixed for the pipeline's life
 * (codec, payload types) and tell the main thread anything else by posting
 * application messages on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-session.h"
#include "vo-media-codecs.h"
#include "vo-media-gst.h"
#include "vo-media-testing.h"
#include "vo-error.h"

#include <gst/rtp/gstrtpbuffer.h>
#include <stdio.h>
#include <string.h>

/* Enough jitter buffer for Wi-Fi and mobile uplinks, small enough to talk
 * over. */
#define JITTER_LATENCY_MS 80
/* The kernel picks the RTP port; about half its picks are odd. */
#define PORT_ATTEMPTS 64
/* RFC 4733 events: -10 dBm0, and start/end packets sent three times so one
 * lost packet does not lose or stretch a digit. */
#define DTMF_VOLUME 10
#define DTMF_REDUNDANCY 3
#define DTMF_DEFAULT_CLOCK_RATE 8000

#define MSG_DTMF "vo-dtmf"
#define MSG_BRANCH_UNUSED "vo-branch-unused"
#define BRANCH_KEY "vo-branch"

/* Streaming threads add elements (a new sender's decoder, a new output)
 * while the main thread may be tearing the pipeline down: an element added
 * after the pipeline went to NULL would be left playing. Such changes happen
 * under this lock and not at all once teardown began. Refcounted: pending
 * probes may outlive the session. */
typedef struct {
  GMutex lock;
  gboolean closing;
  gint last_received;     /* monotonic seconds of the last RTP or RTCP packet; atomic */
} PipelineGuard;

struct _VoMediaSession {
  GObject parent_instance;

  GSocket *rtp_socket;
  GSocket *rtcp_socket;
  guint local_port;
  gboolean closed;

  char *input_device;
  char *output_device;
  char *source_override;
  char *sink_override;
  gboolean muted;

  /* Fixed for the life of a pipeline: changing them rebuilds it. */
  const VoMediaCodecInfo *codec;
  guint payload_type;
  guint dtmf_pt;
  guint dtmf_clock_rate;
  VoMediaSrtpSuite srtp_suite;
  guint8 srtp_local_key[VO_MEDIA_SRTP_KEY_LEN];
  guint8 srtp_remote_key[VO_MEDIA_SRTP_KEY_LEN];
  /* The peer's SSRC → SRTP rollover counter when the last pipeline stopped:
   * a rebuilt srtpdec must not assume ROC 0 for a stream whose sequence
   * numbers already wrapped (every packet would fail authentication). */
  GHashTable *srtp_rocs;

  /* Changed in place. */
  char *remote_address;
  guint remote_rtp_port;
  guint remote_rtcp_port;
  gboolean remote_unspecified;  /* c=0.0.0.0: old-style hold, send nothing */
  VoMediaDirection direction;

  GstElement *pipeline;
  PipelineGuard *guard;
  guint bus_watch_id;
  /* Owned: replaced when the devices change. */
  GstElement *source;
  GstElement *sink;
  /* Borrowed from the pipeline. */
  GstElement *rtpbin;
  GstElement *capture_convert;
  GstElement *mute;
  GstElement *send_valve;
  GstElement *dtmf_source;
  GstElement *rtp_sink;
  GstElement *rtcp_sink;
  GstElement *selector;
  GstElement *recv_valve;
  GstElement *srtp_encoder;
  GstElement *srtp_decoder;
};

enum { SIGNAL_DTMF_RECEIVED, SIGNAL_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoMediaSession, vo_media_session, G_TYPE_OBJECT)

/* ---- DTMF digits ------------------------------------------------------ */

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

static char
dtmf_digit_for_event (int event)
{
  static const char digits[] = "0123456789*#ABCD";

  return event >= 0 && event < 16 ? digits[event] : '\0';
}

static void
pipeline_guard_clear (gpointer data)
{
  g_mutex_clear (&((PipelineGuard *) data)->lock);
}

static void
pipeline_guard_release (PipelineGuard *guard)
{
  g_atomic_rc_box_release_full (guard, pipeline_guard_clear);
}

/* Locks @guard; FALSE (unlocked) if the pipeline is going away. */
static gboolean
pipeline_guard_enter (PipelineGuard *guard)
{
  g_mutex_lock (&guard->lock);
  if (!guard->closing)
    return TRUE;
  g_mutex_unlock (&guard->lock);
  return FALSE;
}

/* ---- receive branches (streaming threads) ----------------------------- */

/* Every packet from the peer, RTP or RTCP (a peer with DTX sends no RTP in
 * silence but RTCP every few seconds): proof that it is alive. */
static GstPadProbeReturn
on_packet_received (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  PipelineGuard *guard = user_data;

  g_atomic_int_set (&guard->last_received, (gint) (g_get_monotonic_time () / G_USEC_PER_SEC));
  return GST_PAD_PROBE_OK;
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

/* A bin of @first ! ... ! @last (NULL-terminated list, floating elements)
 * with ghost pads "sink" and, unless @last is a sink, "src". */
static GstElement *
make_chain (GstElement *first, ...)
{
  GstElement *bin = gst_bin_new (NULL);
  GstElement *prev = NULL;
  GstElement *element = first;
  g_autoptr(GstPad) sink_pad = NULL;
  g_autoptr(GstPad) src_pad = NULL;
  va_list ap;

  va_start (ap, first);
  while (element) {
    gst_bin_add (GST_BIN (bin), element);
    if (prev)
      gst_element_link (prev, element);
    prev = element;
    element = va_arg (ap, GstElement *);
  }
  va_end (ap);

  sink_pad = gst_element_get_static_pad (first, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink_pad));
  src_pad = gst_element_get_static_pad (prev, "src");
  if (src_pad)
    gst_element_add_pad (bin, gst_ghost_pad_new ("src", src_pad));
  return bin;
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

static GstElement *
make_audio_branch (VoMediaSession *self, GError **error)
{
  GstElement *depay, *decoder, *convert, *resample, *mono;
  g_autoptr(GstCaps) caps = NULL;

  if (!vo_media_codec_make_decoder (self->codec, &depay, &decoder, error))
    return NULL;
  convert = vo_media_make_element ("audioconvert", NULL, error);
  resample = convert ? vo_media_make_element ("audioresample", NULL, error) : NULL;
  mono = resample ? vo_media_make_element ("capsfilter", NULL, error) : NULL;
  if (!mono) {
    gst_object_unref (gst_object_ref_sink (depay));
    gst_object_unref (gst_object_ref_sink (decoder));
    if (convert)
      gst_object_unref (gst_object_ref_sink (convert));
    if (resample)
      gst_object_unref (gst_object_ref_sink (resample));
    return NULL;
  }
  /* Call audio is mono. Opus decodes to stereo (its SDP says /2), and the
   * sound server's downmix of two equal channels would play it 3 dB loud. */
  caps = gst_caps_new_simple ("audio/x-raw", "channels", G_TYPE_INT, 1, NULL);
  g_object_set (mono, "caps", caps, NULL);
  return make_chain (depay, decoder, convert, resample, mono, NULL);
}

static GstElement *
make_dtmf_branch (VoMediaSession *self, GError **error)
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
  return make_chain (depay, sink, NULL);
}

static void
on_rtpbin_pad_added (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  VoMediaSession *self = user_data;
  g_autofree char *name = gst_pad_get_name (pad);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstPad) branch_sink = NULL;
  g_autoptr(GstPad) branch_src = NULL;
  GstElement *branch;
  guint session, ssrc, pt;

  if (sscanf (name, "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) != 3)
    return;
  g_debug ("Receiving payload type %u from SSRC %08x", pt, ssrc);
  if (pt == self->payload_type) {
    branch = make_audio_branch (self, &error);
  } else if (self->dtmf_pt && pt == self->dtmf_pt) {
    branch = make_dtmf_branch (self, &error);
  } else {
    /* Comfort noise or a codec the answer did not select: an unlinked pad
     * would stop the jitter buffer's thread, so consume it. */
    branch = gst_element_factory_make ("fakesink", NULL);
    g_object_set (branch, "sync", FALSE, "async", FALSE, NULL);
  }
  if (!branch) {
    if (error)
      gst_element_post_message (rtpbin, gst_message_new_error (GST_OBJECT (rtpbin), error,
                                                               error->message));
    return;
  }

  if (!pipeline_guard_enter (self->guard)) {
    gst_object_unref (gst_object_ref_sink (branch));
    return;
  }
  gst_bin_add (GST_BIN (self->pipeline), branch);
  branch_src = gst_element_get_static_pad (branch, "src");
  if (branch_src) {
    g_autoptr(GstPad) selector_pad = gst_element_request_pad_simple (self->selector, "sink_%u");

    gst_pad_link (branch_src, selector_pad);
    /* The newest sender wins: a PBX that re-anchors media or a transfer
     * starts a new SSRC, and the old one times out later. */
    g_object_set (self->selector, "active-pad", selector_pad, NULL);
  }
  /* Playing before linked, so the first buffer does not meet a flushing pad
   * (which would stop the jitter buffer). */
  gst_element_sync_state_with_parent (branch);
  branch_sink = gst_element_get_static_pad (branch, "sink");
  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, branch_sink)))
    g_warning ("Cannot decode payload type %u", pt);
  g_object_set_data_full (G_OBJECT (pad), BRANCH_KEY, gst_object_ref (branch), gst_object_unref);
  g_mutex_unlock (&self->guard->lock);
}

static void
on_rtpbin_pad_removed (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  GstElement *branch = g_object_steal_data (G_OBJECT (pad), BRANCH_KEY);

  if (!branch)
    return;
  /* Removing elements from rtpbin's own thread could deadlock on its locks;
   * the main thread does it. */
  gst_element_post_message (branch,
                            gst_message_new_application (GST_OBJECT (branch),
                                                         gst_structure_new_empty (
                                                           MSG_BRANCH_UNUSED)));
  gst_object_unref (branch);
}

static GstCaps *
on_request_pt_map (GstElement *rtpbin, guint session, guint pt, gpointer user_data)
{
  VoMediaSession *self = user_data;

  if (pt == self->payload_type)
    return vo_media_codec_rtp_caps (self->codec, pt);
  /* Events share the audio's SSRC and, in practice (GStreamer, Asterisk,
   * baresip), its RTP timestamp clock even when the SDP said
   * telephone-event/8000 next to opus/48000: one clock keeps the jitter
   * buffer's timeline whole. Only event durations use the SDP rate, and
   * they are not needed to detect digits. */
  if (self->dtmf_pt && pt == self->dtmf_pt)
    return gst_caps_new_simple ("application/x-rtp",
                                "media", G_TYPE_STRING, "audio",
                                "clock-rate", G_TYPE_INT, (gint) self->codec->sdp.clock_rate,
                                "encoding-name", G_TYPE_STRING, "TELEPHONE-EVENT",
                                "payload", G_TYPE_INT, (gint) pt,
                                NULL);
  return NULL;
}

/* ---- main thread -------------------------------------------------------- */

static void
session_remove_branch (VoMediaSession *self, GstElement *branch)
{
  g_autoptr(GstPad) src = NULL;
  g_autoptr(GstPad) selector_pad = NULL;

  if (GST_OBJECT_PARENT (branch) != GST_OBJECT (self->pipeline))
    return;
  src = gst_element_get_static_pad (branch, "src");
  if (src)
    selector_pad = gst_pad_get_peer (src);
  gst_element_set_state (branch, GST_STATE_NULL);
  if (selector_pad) {
    gst_pad_unlink (src, selector_pad);
    gst_element_release_request_pad (self->selector, selector_pad);
  }
  gst_bin_remove (GST_BIN (self->pipeline), branch);
  g_debug ("Removed the stream of a sender that left");
}

static void session_teardown (VoMediaSession *self);

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  VoMediaSession *self = user_data;

  switch (GST_MESSAGE_TYPE (message)) {
  case GST_MESSAGE_ERROR: {
    g_autoptr(VoMediaSession) keep = g_object_ref (self);
    g_autofree char *text = vo_media_describe_error (message);

    /* This source is being dispatched: returning REMOVE destroys it. */
    self->bus_watch_id = 0;
    vo_media_session_stop (self);
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, text);
    return G_SOURCE_REMOVE;
  }
  case GST_MESSAGE_WARNING: {
    g_autoptr(GError) error = NULL;
    g_autofree char *debug = NULL;

    gst_message_parse_warning (message, &error, &debug);
    g_debug ("GStreamer warning from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message),
             error->message, debug ? debug : "");
    break;
  }
  case GST_MESSAGE_LATENCY:
    gst_bin_recalculate_latency (GST_BIN (self->pipeline));
    break;
  case GST_MESSAGE_APPLICATION: {
    const GstStructure *s = gst_message_get_structure (message);
    int event;

    if (gst_structure_has_name (s, MSG_DTMF) && gst_structure_get_int (s, "event", &event)) {
      char digit = dtmf_digit_for_event (event);

      g_debug ("DTMF %c received", digit ? digit : '?');
      if (digit)
        g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit);
    } else if (gst_structure_has_name (s, MSG_BRANCH_UNUSED)) {
      session_remove_branch (self, GST_ELEMENT (GST_MESSAGE_SRC (message)));
    }
    break;
  }
  default:
    break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
session_sending (VoMediaSession *self)
{
  return (self->direction == VO_MEDIA_SENDRECV || self->direction == VO_MEDIA_SENDONLY) &&
         !self->remote_unspecified;
}

static void
session_apply_direction (VoMediaSession *self)
{
  gboolean receive = self->direction == VO_MEDIA_SENDRECV || self->direction == VO_MEDIA_RECVONLY;

  g_object_set (self->send_valve, "drop", !session_sending (self), NULL);
  g_object_set (self->recv_valve, "drop", !receive, NULL);
}

static void
session_apply_remote (VoMediaSession *self)
{
  if (self->remote_unspecified) {
    g_signal_emit_by_name (self->rtp_sink, "clear");
    g_signal_emit_by_name (self->rtcp_sink, "clear");
    return;
  }
  g_object_set (self->rtp_sink, "host", self->remote_address, "port",
                (gint) self->remote_rtp_port, NULL);
  g_object_set (self->rtcp_sink, "host", self->remote_address, "port",
                (gint) self->remote_rtcp_port, NULL);
}

static GstElement *
session_add (VoMediaSession *self, const char *factory, GError **error)
{
  GstElement *element = vo_media_make_element (factory, NULL, error);

  if (element)
    gst_bin_add (GST_BIN (self->pipeline), element);
  return element;
}

static gboolean
link_request_pad (GstElement *src, const char *src_name, GstElement *sink, const char *sink_name)
{
  g_autoptr(GstPad) src_pad = gst_element_get_static_pad (src, src_name);
  g_autoptr(GstPad) sink_pad = gst_element_get_static_pad (sink, sink_name);

  if (!src_pad)
    src_pad = gst_element_request_pad_simple (src, src_name);
  if (!sink_pad)
    sink_pad = gst_element_request_pad_simple (sink, sink_name);
  return src_pad && sink_pad && GST_PAD_LINK_SUCCESSFUL (gst_pad_link (src_pad, sink_pad));
}

static GstElement *
make_udp (VoMediaSession *self, const char *factory, GSocket *socket, const char *caps,
          GError **error)
{
  GstElement *element = session_add (self, factory, error);

  if (!element)
    return NULL;
  /* We own the sockets: they outlive pipelines rebuilt for a new codec. */
  g_object_set (element, "socket", socket, "close-socket", FALSE, NULL);
  if (caps) {
    g_autoptr(GstCaps) filter = gst_caps_from_string (caps);

    g_object_set (element, "caps", filter, NULL);
  } else {
    g_object_set (element, "sync", FALSE, "async", FALSE, NULL);
  }
  return element;
}

/* ---- SRTP (rtpbin's encoder/decoder signals) ---------------------------- */

/* rtpbin asks once for RTP and once for RTCP and takes a reference each
 * time (the first one floating); one srtpenc serves both. Its pads for
 * the session exist before rtpbin looks for them. */
static GstElement *
on_request_encoder (GstElement *rtpbin, guint session, gpointer user_data, gboolean rtcp)
{
  VoMediaSession *self = user_data;
  g_autofree char *pad_name = g_strdup_printf (rtcp ? "rtcp_sink_%u" : "rtp_sink_%u", session);
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  if (self->srtp_suite == VO_MEDIA_SRTP_NONE)
    return NULL;
  if (!self->srtp_encoder) {
    self->srtp_encoder = vo_media_srtp_make_encoder (self->srtp_suite, self->srtp_local_key,
                                                     &error);
    if (!self->srtp_encoder) {
      g_warning ("Cannot encrypt the call's audio: %s", error->message);
      return NULL;
    }
    created = TRUE;
  }
  pad = gst_element_request_pad_simple (self->srtp_encoder, pad_name);
  return created ? self->srtp_encoder : gst_object_ref (self->srtp_encoder);
}

static GstElement *
on_request_rtp_encoder (GstElement *rtpbin, guint session, gpointer user_data)
{
  return on_request_encoder (rtpbin, session, user_data, FALSE);
}

static GstElement *
on_request_rtcp_encoder (GstElement *rtpbin, guint session, gpointer user_data)
{
  return on_request_encoder (rtpbin, session, user_data, TRUE);
}

/* Streaming thread: keys and ROCs are fixed for the pipeline's life. */
static GstCaps *
on_request_key (GstElement *decoder, guint ssrc, gpointer user_data)
{
  VoMediaSession *self = user_data;
  gpointer roc = NULL;

  if (self->srtp_rocs)
    g_hash_table_lookup_extended (self->srtp_rocs, GUINT_TO_POINTER (ssrc), NULL, &roc);
  return vo_media_srtp_decoder_caps (self->srtp_suite, self->srtp_remote_key,
                                     GPOINTER_TO_UINT (roc));
}

static GstElement *
on_request_decoder (GstElement *rtpbin, guint session, gpointer user_data)
{
  VoMediaSession *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->srtp_suite == VO_MEDIA_SRTP_NONE)
    return NULL;
  if (self->srtp_decoder)
    return gst_object_ref (self->srtp_decoder);
  self->srtp_decoder = vo_media_make_element ("srtpdec", NULL, &error);
  if (!self->srtp_decoder) {
    g_warning ("Cannot decrypt the call's audio: %s", error->message);
    return NULL;
  }
  g_signal_connect (self->srtp_decoder, "request-key", G_CALLBACK (on_request_key), self);
  return self->srtp_decoder;
}

/* Remembers each peer stream's rollover counter for the next pipeline. */
static void
session_save_rocs (VoMediaSession *self)
{
  g_autoptr(GstStructure) stats = NULL;
  const GValue *streams;

  if (!self->srtp_decoder)
    return;
  g_object_get (self->srtp_decoder, "stats", &stats, NULL);
  streams = stats ? gst_structure_get_value (stats, "streams") : NULL;
  if (!streams || !GST_VALUE_HOLDS_ARRAY (streams))
    return;
  if (!self->srtp_rocs)
    self->srtp_rocs = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < gst_value_array_get_size (streams); i++) {
    const GValue *v = gst_value_array_get_value (streams, i);
    const GstStructure *stream = GST_VALUE_HOLDS_STRUCTURE (v) ? gst_value_get_structure (v)
                                                                : NULL;
    guint ssrc, roc;

    if (stream && gst_structure_get_uint (stream, "ssrc", &ssrc) &&
        gst_structure_get_uint (stream, "roc", &roc))
      g_hash_table_insert (self->srtp_rocs, GUINT_TO_POINTER (ssrc), GUINT_TO_POINTER (roc));
  }
}

static gboolean
session_build_network (VoMediaSession *self, GError **error)
{
  GstElement *rtp_src, *rtcp_src;
  gboolean srtp;
  g_autofree char *cname = g_strdup_printf ("vo-%08x", g_random_int ());
  GstStructure *sdes;

  self->rtpbin = session_add (self, "rtpbin", error);
  if (!self->rtpbin)
    return FALSE;
  /* A random CNAME: the default user@host would tell the peer our login. */
  sdes = gst_structure_new ("application/x-rtp-source-sdes", "cname", G_TYPE_STRING, cname,
                            "tool", G_TYPE_STRING, "vo-daemon", NULL);
  /* No drop-on-latency: it would throw away the later packets of a burst
   * (a Wi-Fi stall), where playing them late loses nothing. do-lost lets
   * opusdec conceal gaps. */
  g_object_set (self->rtpbin, "latency", JITTER_LATENCY_MS, "do-lost", TRUE, "autoremove", TRUE,
                "sdes", sdes, NULL);
  gst_structure_free (sdes);
  g_signal_connect (self->rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map), self);
  g_signal_connect (self->rtpbin, "pad-added", G_CALLBACK (on_rtpbin_pad_added), self);
  g_signal_connect (self->rtpbin, "pad-removed", G_CALLBACK (on_rtpbin_pad_removed), self);
  if (self->srtp_suite != VO_MEDIA_SRTP_NONE) {
    g_signal_connect (self->rtpbin, "request-rtp-encoder", G_CALLBACK (on_request_rtp_encoder),
                      self);
    g_signal_connect (self->rtpbin, "request-rtcp-encoder",
                      G_CALLBACK (on_request_rtcp_encoder), self);
    g_signal_connect (self->rtpbin, "request-rtp-decoder", G_CALLBACK (on_request_decoder), self);
    g_signal_connect (self->rtpbin, "request-rtcp-decoder", G_CALLBACK (on_request_decoder),
                      self);
  }

  srtp = self->srtp_suite != VO_MEDIA_SRTP_NONE;
  rtp_src = make_udp (self, "udpsrc", self->rtp_socket,
                      srtp ? "application/x-srtp" : "application/x-rtp", error);
  rtcp_src = rtp_src ? make_udp (self, "udpsrc", self->rtcp_socket,
                                 srtp ? "application/x-srtcp" : "application/x-rtcp", error)
                     : NULL;
  self->rtp_sink = rtcp_src ? make_udp (self, "udpsink", self->rtp_socket, NULL, error) : NULL;
  self->rtcp_sink = self->rtp_sink ? make_udp (self, "udpsink", self->rtcp_socket, NULL, error)
                                   : NULL;
  if (!self->rtcp_sink)
    return FALSE;
  for (GstElement *src = rtp_src; src; src = src == rtp_src ? rtcp_src : NULL) {
    g_autoptr(GstPad) pad = gst_element_get_static_pad (src, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_packet_received,
                       g_atomic_rc_box_acquire (self->guard),
                       (GDestroyNotify) pipeline_guard_release);
  }
  if (!link_request_pad (rtp_src, "src", self->rtpbin, "recv_rtp_sink_0") ||
      !link_request_pad (rtcp_src, "src", self->rtpbin, "recv_rtcp_sink_0") ||
      !link_request_pad (self->rtpbin, "send_rtcp_src_0", self->rtcp_sink, "sink")) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot link the RTP session");
    return FALSE;
  }
  /* Never plain RTP when the call agreed on SRTP. */
  if (srtp && (!self->srtp_encoder || !self->srtp_decoder)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED,
                         "Cannot set up SRTP for the call's audio (GStreamer's srtp plugin, "
                         "gstreamer1.0-plugins-bad)");
    return FALSE;
  }
  return TRUE;
}

static gboolean
session_build_send (VoMediaSession *self, GError **error)
{
  GstElement *resample, *filter, *encoder, *payloader, *mux;
  g_autoptr(GstCaps) raw = NULL;

  self->source = vo_media_make_endpoint (&vo_media_capture, self->input_device,
                                         self->source_override, error);
  if (!self->source)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), gst_object_ref (self->source));
  self->capture_convert = session_add (self, "audioconvert", error);
  resample = self->capture_convert ? session_add (self, "audioresample", error) : NULL;
  filter = resample ? session_add (self, "capsfilter", error) : NULL;
  /* Mute sends silence instead of stopping RTP: peers and SBCs hang up on
   * silent RTP streams (RTP timeouts) and NAT bindings expire without
   * traffic; silence also keeps the far jitter buffer settled. */
  self->mute = filter ? session_add (self, "volume", error) : NULL;
  if (!self->mute ||
      !vo_media_codec_make_encoder (self->codec, self->payload_type, &encoder, &payloader, error))
    return FALSE;
  gst_bin_add_many (GST_BIN (self->pipeline), encoder, payloader, NULL);
  mux = session_add (self, "rtpdtmfmux", error);
  self->send_valve = mux ? session_add (self, "valve", error) : NULL;
  if (!self->send_valve)
    return FALSE;

  raw = gst_caps_new_simple ("audio/x-raw",
                             "rate", G_TYPE_INT, (gint) self->codec->audio_rate,
                             "channels", G_TYPE_INT, (gint) self->codec->audio_channels,
                             NULL);
  g_object_set (filter, "caps", raw, NULL);
  g_object_set (self->mute, "mute", self->muted, NULL);
  if (!gst_element_link_many (self->source, self->capture_convert, resample, filter, self->mute,
                              encoder, payloader, NULL) ||
      !link_request_pad (payloader, "src", mux, "sink_%u") ||
      !gst_element_link (mux, self->send_valve) ||
      !link_request_pad (self->send_valve, "src", self->rtpbin, "send_rtp_sink_0") ||
      !link_request_pad (self->rtpbin, "send_rtp_src_0", self->rtp_sink, "sink")) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot build the %s encoder",
                 self->codec->sdp.encoding);
    return FALSE;
  }

  if (!self->dtmf_pt)
    return TRUE;
  self->dtmf_source = session_add (self, "rtpdtmfsrc", error);
  if (!self->dtmf_source)
    return FALSE;
  g_object_set (self->dtmf_source, "pt", self->dtmf_pt, "clock-rate",
                self->codec->sdp.clock_rate, "packet-redundancy", DTMF_REDUNDANCY, NULL);
  if (self->dtmf_clock_rate != self->codec->sdp.clock_rate) {
    g_autoptr(GstPad) pad = gst_element_get_static_pad (self->dtmf_source, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_dtmf_sent, self, NULL);
  }
  if (!link_request_pad (self->dtmf_source, "src", mux, "priority_sink_%u")) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot set up DTMF sending");
    return FALSE;
  }
  return TRUE;
}

static gboolean
session_build_receive (VoMediaSession *self, GError **error)
{
  self->selector = session_add (self, "input-selector", error);
  self->recv_valve = self->selector ? session_add (self, "valve", error) : NULL;
  if (!self->recv_valve)
    return FALSE;
  /* Inactive inputs (a sender that was replaced) drop their data at once
   * instead of waiting for the active one: they must never block rtpbin. */
  g_object_set (self->selector, "sync-streams", FALSE, NULL);
  self->sink = vo_media_make_endpoint (&vo_media_playback, self->output_device,
                                       self->sink_override, error);
  if (!self->sink)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), gst_object_ref (self->sink));
  if (!gst_element_link_many (self->selector, self->recv_valve, self->sink, NULL)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot link the audio output");
    return FALSE;
  }
  return TRUE;
}

/* The error a failed state change left on the bus, as a GError. */
static void
session_take_bus_error (VoMediaSession *self, GError **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autofree char *text = message ? vo_media_describe_error (message) : NULL;

  g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED,
                       text ? text : "The call's audio pipeline could not start");
}

static gboolean
session_build (VoMediaSession *self, GError **error)
{
  g_autofree char *name = g_strdup_printf ("vo-call-audio-%u", self->local_port);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstClock) clock = NULL;

  self->pipeline = gst_pipeline_new (name);
  self->guard = g_atomic_rc_box_new0 (PipelineGuard);
  g_mutex_init (&self->guard->lock);
  /* Silence is measured from the start, not from the epoch. */
  self->guard->last_received = (gint) (g_get_monotonic_time () / G_USEC_PER_SEC);
  /* The system clock rather than a PipeWire stream's: those elements are
   * replaced while playing (device changes), and a pipeline that loses its
   * clock must go through PAUSED, which stops pipewiresrc for good. */
  clock = gst_system_clock_obtain ();
  gst_pipeline_use_clock (GST_PIPELINE (self->pipeline), clock);
  if (!session_build_network (self, error) || !session_build_send (self, error) ||
      !session_build_receive (self, error))
    return FALSE;
  session_apply_remote (self);
  session_apply_direction (self);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    session_take_bus_error (self, error);
    return FALSE;
  }
  g_debug ("Audio %s/%u to %s:%u from port %u, %s", self->codec->sdp.encoding,
           self->payload_type, self->remote_address, self->remote_rtp_port, self->local_port,
           self->srtp_suite ? vo_media_srtp_suite_name (self->srtp_suite) : "unencrypted");
  return TRUE;
}

/* Stopping a pipeline waits for every streaming thread to leave its
 * elements. A thread stuck where no state change can wake it (gst-pipewire
 * 0.3.65's pipewiresink waits without a timeout in set_caps for its stream
 * to be exactly PAUSED, and may see it go straight on to STREAMING under
 * load) would freeze the main loop: D-Bus stops answering and SIGTERM never
 * ends. So the pipeline stops in a thread of its own, and after this long it
 * is left to that thread; the call (or the daemon) goes on. */
#define STOP_TIMEOUT_S 5

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
  GstElement *pipeline;
} PipelineStop;

static void
pipeline_stop_clear (gpointer data)
{
  PipelineStop *stop = data;

  g_mutex_clear (&stop->lock);
  g_cond_clear (&stop->cond);
}

static gpointer
pipeline_stop_thread (gpointer data)
{
  PipelineStop *stop = data;

  gst_element_set_state (stop->pipeline, GST_STATE_NULL);
  g_mutex_lock (&stop->lock);
  stop->done = TRUE;
  g_cond_signal (&stop->cond);
  g_mutex_unlock (&stop->lock);
  gst_clear_object (&stop->pipeline);
  g_atomic_rc_box_release_full (stop, pipeline_stop_clear);
  return NULL;
}

/* FALSE if @pipeline did not reach NULL within STOP_TIMEOUT_S. */
static gboolean
pipeline_stop (GstElement *pipeline)
{
  PipelineStop *stop = g_atomic_rc_box_new0 (PipelineStop);
  gint64 deadline = g_get_monotonic_time () + STOP_TIMEOUT_S * G_TIME_SPAN_SECOND;
  GThread *thread;
  gboolean done;

  g_mutex_init (&stop->lock);
  g_cond_init (&stop->cond);
  stop->pipeline = gst_object_ref (pipeline);
  thread = g_thread_new ("vo-media-stop", pipeline_stop_thread, g_atomic_rc_box_acquire (stop));
  g_mutex_lock (&stop->lock);
  while (!stop->done && g_cond_wait_until (&stop->cond, &stop->lock, deadline))
    ;
  done = stop->done;
  g_mutex_unlock (&stop->lock);
  if (done)
    g_thread_join (thread);
  else
    g_thread_unref (thread);
  g_atomic_rc_box_release_full (stop, pipeline_stop_clear);
  return done;
}

static void
session_teardown (VoMediaSession *self)
{
  if (!self->pipeline)
    return;
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  session_save_rocs (self);
  /* Waits for a streaming thread that is adding an element. */
  g_mutex_lock (&self->guard->lock);
  self->guard->closing = TRUE;
  g_mutex_unlock (&self->guard->lock);
  if (!pipeline_stop (self->pipeline))
    g_warning ("The call's audio pipeline %s did not stop within %d s (a streaming thread is "
               "stuck in an element); it is left behind",
               GST_OBJECT_NAME (self->pipeline), STOP_TIMEOUT_S);
  /* Only now: streaming threads read it until they are stopped (a pipeline
   * left behind keeps its own references). Handlers first: such a
   * pipeline's threads may still emit. */
  if (self->rtpbin)
    g_signal_handlers_disconnect_by_data (self->rtpbin, self);
  g_clear_pointer (&self->guard, pipeline_guard_release);
  gst_clear_object (&self->source);
  gst_clear_object (&self->sink);
  self->rtpbin = NULL;
  self->capture_convert = NULL;
  self->mute = NULL;
  self->send_valve = NULL;
  self->dtmf_source = NULL;
  self->rtp_sink = NULL;
  self->rtcp_sink = NULL;
  self->selector = NULL;
  self->recv_valve = NULL;
  if (self->srtp_decoder)
    g_signal_handlers_disconnect_by_data (self->srtp_decoder, self);
  self->srtp_encoder = NULL;
  self->srtp_decoder = NULL;
  gst_clear_object (&self->pipeline);
}

/* The capture element can be swapped from here: once it is in NULL state
 * its thread is gone and nothing downstream notices. */
static gboolean
session_replace_source (VoMediaSession *self, GError **error)
{
  GstElement *source = vo_media_make_endpoint (&vo_media_capture, self->input_device,
                                               self->source_override, error);

  if (!source)
    return FALSE;
  gst_element_set_state (self->source, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (self->pipeline), self->source);
  gst_object_unref (self->source);
  self->source = gst_object_ref (source);
  gst_bin_add (GST_BIN (self->pipeline), source);
  if (!gst_element_link (source, self->capture_convert)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot use the new audio input");
    return FALSE;
  }
  gst_element_sync_state_with_parent (source);
  return TRUE;
}

/* A new playback device means a new pipeline on the same sockets (a gap of
 * a few tens of milliseconds). Swapping only the sink element in a running
 * pipeline raced with gst-pipewire 0.3.65's pipewiresink: the decoder may
 * wait in the old sink's buffer pool outside any push, so the swap found the
 * pad idle, stopped the old sink under that wait, and the FLUSHING answer
 * stopped the jitter buffer for good (the new device was never linked). */
static gboolean
session_rebuild (VoMediaSession *self, GError **error)
{
  session_teardown (self);
  if (session_build (self, error))
    return TRUE;
  session_teardown (self);
  return FALSE;
}

/* ---- sockets ------------------------------------------------------------ */

static GSocket *
bind_udp (GInetAddress *address, guint port, GError **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (address),
                                            G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  g_autoptr(GSocketAddress) where = NULL;

  if (!socket)
    return NULL;
  where = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, where, FALSE, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* RTP on an even port and RTCP on the next one (RFC 3550 §11), both chosen
 * by the kernel so two calls or two daemons never collide. */
static gboolean
session_bind (VoMediaSession *self, GInetAddress *address, GError **error)
{
  /* Odd ports stay bound until we are done, so the kernel offers others. */
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    g_autoptr(GSocket) rtp = bind_udp (address, 0, error);
    g_autoptr(GSocketAddress) local = NULL;
    g_autoptr(GError) rtcp_error = NULL;
    GSocket *rtcp;
    guint port;

    if (!rtp)
      return FALSE;
    local = g_socket_get_local_address (rtp, error);
    if (!local)
      return FALSE;
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    if (port % 2 != 0 || port >= 65535) {
      g_ptr_array_add (rejected, g_steal_pointer (&rtp));
      continue;
    }
    rtcp = bind_udp (address, port + 1, &rtcp_error);
    if (!rtcp) {
      if (!g_error_matches (rtcp_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)) {
        g_propagate_error (error, g_steal_pointer (&rtcp_error));
        return FALSE;
      }
      g_ptr_array_add (rejected, g_steal_pointer (&rtp));
      continue;
    }
    self->rtp_socket = g_steal_pointer (&rtp);
    self->rtcp_socket = rtcp;
    self->local_port = port;
    return TRUE;
  }
  g_set_error_literal (error, VO_ERROR, VO_ERROR_NETWORK,
                       "No free pair of UDP ports for call audio; close other calls and retry");
  return FALSE;
}

static void
close_socket (GSocket **socket)
{
  if (*socket)
    g_socket_close (*socket, NULL);
  g_clear_object (socket);
}

/* ---- GObject ------------------------------------------------------------ */

static void
vo_media_session_dispose (GObject *object)
{
  vo_media_session_stop (VO_MEDIA_SESSION (object));
  G_OBJECT_CLASS (vo_media_session_parent_class)->dispose (object);
}

static void
vo_media_session_finalize (GObject *object)
{
  VoMediaSession *self = VO_MEDIA_SESSION (object);

  g_free (self->input_device);
  g_free (self->output_device);
  g_free (self->source_override);
  g_free (self->sink_override);
  g_free (self->remote_address);
  g_clear_pointer (&self->srtp_rocs, g_hash_table_unref);
  explicit_bzero (self->srtp_local_key, sizeof self->srtp_local_key);
  explicit_bzero (self->srtp_remote_key, sizeof self->srtp_remote_key);
  G_OBJECT_CLASS (vo_media_session_parent_class)->finalize (object);
}

static void
vo_media_session_class_init (VoMediaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_media_session_dispose;
  object_class->finalize = vo_media_session_finalize;

  signals[SIGNAL_DTMF_RECEIVED] = g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_CHAR);
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vo_media_session_init (VoMediaSession *self)
{
  self->input_device = g_strdup ("");
  self->output_device = g_strdup ("");
}

/* ---- public API --------------------------------------------------------- */

VoMediaSession *
vo_media_session_new (const char *bind_address, GError **error)
{
  g_autoptr(VoMediaSession) self = g_object_new (VO_TYPE_MEDIA_SESSION, NULL);
  g_autoptr(GInetAddress) address = NULL;

  if (bind_address && *bind_address) {
    address = g_inet_address_new_from_string (bind_address);
    if (!address) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to receive call audio on", bind_address);
      return NULL;
    }
    if (!session_bind (self, address, error))
      return NULL;
  } else {
    /* GSocket makes IPv6 sockets dual-stack: one pair serves IPv4 peers too. */
    address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
    if (!session_bind (self, address, NULL)) {
      g_clear_object (&address);
      address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      if (!session_bind (self, address, error))
        return NULL;
    }
  }
  return g_steal_pointer (&self);
}

guint
vo_media_session_get_local_port (VoMediaSession *self)
{
  g_return_val_if_fail (VO_IS_MEDIA_SESSION (self), 0);
  return self->local_port;
}

void
vo_media_session_set_devices (VoMediaSession *self, const char *input, const char *output)
{
  gboolean input_changed, output_changed;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VO_IS_MEDIA_SESSION (self));
  input = input ? input : "";
  output = output ? output : "";
  input_changed = !g_str_equal (input, self->input_device);
  output_changed = !g_str_equal (output, self->output_device);
  g_free (self->input_device);
  self->input_device = g_strdup (input);
  g_free (self->output_device);
  self->output_device = g_strdup (output);
  if (!self->pipeline)
    return;

  /* A new output rebuilds the pipeline, which takes the new input too. */
  if (output_changed) {
    if (!session_rebuild (self, &error)) {
      g_warning ("Cannot switch the call's audio output to “%s”: %s", output, error->message);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error->message);
    }
    return;
  }
  /* A failed switch keeps the old device: better than no audio. */
  if (input_changed && !session_replace_source (self, &error)) {
    g_warning ("Cannot switch the call's audio input to “%s”: %s", input, error->message);
    g_clear_error (&error);
  }
}

static gboolean
session_same_srtp (VoMediaSession *self, const VoMediaParams *params)
{
  if (params->srtp_suite != self->srtp_suite)
    return FALSE;
  return params->srtp_suite == VO_MEDIA_SRTP_NONE ||
         (memcmp (params->srtp_local_key, self->srtp_local_key, VO_MEDIA_SRTP_KEY_LEN) == 0 &&
          memcmp (params->srtp_remote_key, self->srtp_remote_key, VO_MEDIA_SRTP_KEY_LEN) == 0);
}

gboolean
vo_media_session_start (VoMediaSession *self, const VoMediaParams *params, GError **error)
{
  const VoMediaCodecInfo *codec;
  guint dtmf_clock_rate;
  g_autoptr(GInetAddress) remote = NULL;

  g_return_val_if_fail (VO_IS_MEDIA_SESSION (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  if (self->closed) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_STATE,
                         "This call's audio was stopped; it cannot be restarted");
    return FALSE;
  }
  if (!params->remote_address || !*params->remote_address || params->remote_rtp_port == 0 ||
      params->remote_rtp_port > 65535 || params->remote_rtcp_port > 65535) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The other party sent no usable audio address");
    return FALSE;
  }
  codec = vo_media_codec_find (params->codec.encoding);
  if (!codec) {
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                 "The other party chose the codec “%s”, which vo-daemon does not support",
                 params->codec.encoding ? params->codec.encoding : "");
    return FALSE;
  }
  if (params->codec.payload_type > 127 || params->dtmf_payload_type > 127) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The other party sent an invalid RTP payload type");
    return FALSE;
  }
  if (!vo_media_gst_init (error))
    return FALSE;

  g_free (self->remote_address);
  self->remote_address = g_strdup (params->remote_address);
  self->remote_rtp_port = params->remote_rtp_port;
  self->remote_rtcp_port = params->remote_rtcp_port ? params->remote_rtcp_port
                                                    : params->remote_rtp_port + 1;
  remote = g_inet_address_new_from_string (params->remote_address);
  self->remote_unspecified = remote && g_inet_address_get_is_any (remote);
  self->direction = params->direction;
  dtmf_clock_rate = params->dtmf_clock_rate ? params->dtmf_clock_rate : DTMF_DEFAULT_CLOCK_RATE;

  if (self->pipeline && codec == self->codec &&
      params->codec.payload_type == self->payload_type &&
      params->dtmf_payload_type == self->dtmf_pt && dtmf_clock_rate == self->dtmf_clock_rate &&
      session_same_srtp (self, params)) {
    session_apply_remote (self);
    session_apply_direction (self);
    return TRUE;
  }

  session_teardown (self);
  self->codec = codec;
  self->payload_type = params->codec.payload_type;
  self->dtmf_pt = params->dtmf_payload_type;
  self->dtmf_clock_rate = dtmf_clock_rate;
  /* A new key from the peer starts its streams afresh. */
  if (params->srtp_suite != self->srtp_suite ||
      memcmp (params->srtp_remote_key, self->srtp_remote_key, VO_MEDIA_SRTP_KEY_LEN) != 0)
    g_clear_pointer (&self->srtp_rocs, g_hash_table_unref);
  self->srtp_suite = params->srtp_suite;
  memcpy (self->srtp_local_key, params->srtp_local_key, VO_MEDIA_SRTP_KEY_LEN);
  memcpy (self->srtp_remote_key, params->srtp_remote_key, VO_MEDIA_SRTP_KEY_LEN);
  if (!session_build (self, error)) {
    session_teardown (self);
    return FALSE;
  }
  return TRUE;
}

void
vo_media_session_set_muted (VoMediaSession *self, gboolean muted)
{
  g_return_if_fail (VO_IS_MEDIA_SESSION (self));
  self->muted = !!muted;
  if (self->mute)
    g_object_set (self->mute, "mute", self->muted, NULL);
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
  if (!session_sending (self)) {
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

void
vo_media_session_use_silence (VoMediaSession *self)
{
  g_return_if_fail (VO_IS_MEDIA_SESSION (self));
  g_free (self->source_override);
  self->source_override = g_strdup ("audiotestsrc is-live=true wave=silence");
  g_free (self->sink_override);
  self->sink_override = g_strdup ("fakesink sync=false");
}

guint
vo_media_session_get_silent_seconds (VoMediaSession *self)
{
  gint now = (gint) (g_get_monotonic_time () / G_USEC_PER_SEC);

  g_return_val_if_fail (VO_IS_MEDIA_SESSION (self), 0);
  if (!self->pipeline || !self->guard)
    return 0;
  return (guint) MAX (0, now - g_atomic_int_get (&self->guard->last_received));
}

void
vo_media_session_stop (VoMediaSession *self)
{
  g_return_if_fail (VO_IS_MEDIA_SESSION (self));
  session_teardown (self);
  close_socket (&self->rtp_socket);
  close_socket (&self->rtcp_socket);
  self->closed = TRUE;
}

/* ---- testing ------------------------------------------------------------ */

void
vo_media_session_set_endpoints_for_testing (VoMediaSession *self, const char *source,
                                            const char *sink)
{
  g_return_if_fail (VO_IS_MEDIA_SESSION (self));
  g_free (self->source_override);
  self->source_override = g_strdup (source);
  g_free (self->sink_override);
  self->sink_override = g_strdup (sink);
}

GstElement *
vo_media_session_get_element_for_testing (VoMediaSession *self, const char *name)
{
  g_return_val_if_fail (VO_IS_MEDIA_SESSION (self), NULL);
  if (!self->pipeline)
    return NULL;
  return gst_bin_get_by_name (GST_BIN (self->pipeline), name);
}
