/* vo-media-pipeline.c: one call's audio pipeline, built, stopped and
 * rebuilt (the picture is in vo-media-session.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-session-private.h"
#include "vo-media-gst.h"
#include "vo-error.h"

/* Enough jitter buffer for Wi-Fi and mobile uplinks, small enough to talk
 * over. */
#define JITTER_LATENCY_MS 80

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

gboolean
vo_media_pipeline_guard_enter (PipelineGuard *guard)
{
  g_mutex_lock (&guard->lock);
  if (!guard->closing)
    return TRUE;
  g_mutex_unlock (&guard->lock);
  return FALSE;
}

/* Every packet from the peer, RTP or RTCP (a peer with DTX sends no RTP in
 * silence but RTCP every few seconds): proof that it is alive. */
static GstPadProbeReturn
on_packet_received (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  PipelineGuard *guard = user_data;

  g_atomic_int_set (&guard->last_received, (gint) (g_get_monotonic_time () / G_USEC_PER_SEC));
  return GST_PAD_PROBE_OK;
}

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
    vo_media_session_emit_error (self, text);
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
      char digit = vo_media_dtmf_digit_for_event (event);

      g_debug ("DTMF %c received", digit ? digit : '?');
      if (digit)
        vo_media_session_emit_dtmf (self, digit);
    } else if (gst_structure_has_name (s, MSG_BRANCH_UNUSED)) {
      vo_media_receive_remove_branch (self, GST_ELEMENT (GST_MESSAGE_SRC (message)));
    }
    break;
  }
  default:
    break;
  }
  return G_SOURCE_CONTINUE;
}

gboolean
vo_media_pipeline_sending (VoMediaSession *self)
{
  return (self->direction == VO_MEDIA_SENDRECV || self->direction == VO_MEDIA_SENDONLY) &&
         !self->remote_unspecified;
}

void
vo_media_pipeline_apply_direction (VoMediaSession *self)
{
  gboolean receive = self->direction == VO_MEDIA_SENDRECV || self->direction == VO_MEDIA_RECVONLY;

  g_object_set (self->send_valve, "drop", !vo_media_pipeline_sending (self), NULL);
  g_object_set (self->recv_valve, "drop", !receive, NULL);
}

void
vo_media_pipeline_apply_remote (VoMediaSession *self)
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

GstElement *
vo_media_pipeline_add (VoMediaSession *self, const char *factory, GError **error)
{
  GstElement *element = vo_media_make_element (factory, NULL, error);

  if (element)
    gst_bin_add (GST_BIN (self->pipeline), element);
  return element;
}

gboolean
vo_media_pipeline_link_pads (GstElement *src, const char *src_name, GstElement *sink,
                             const char *sink_name)
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
  GstElement *element = vo_media_pipeline_add (self, factory, error);

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

static gboolean
session_build_network (VoMediaSession *self, GError **error)
{
  GstElement *rtp_src, *rtcp_src;
  gboolean srtp;
  g_autofree char *cname = g_strdup_printf ("vo-%08x", g_random_int ());
  GstStructure *sdes;

  self->rtpbin = vo_media_pipeline_add (self, "rtpbin", error);
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
  vo_media_receive_connect (self);
  vo_media_session_srtp_connect (self);

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
  if (!vo_media_pipeline_link_pads (rtp_src, "src", self->rtpbin, "recv_rtp_sink_0") ||
      !vo_media_pipeline_link_pads (rtcp_src, "src", self->rtpbin, "recv_rtcp_sink_0") ||
      !vo_media_pipeline_link_pads (self->rtpbin, "send_rtcp_src_0", self->rtcp_sink, "sink")) {
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
  self->capture_convert = vo_media_pipeline_add (self, "audioconvert", error);
  resample = self->capture_convert ? vo_media_pipeline_add (self, "audioresample", error) : NULL;
  filter = resample ? vo_media_pipeline_add (self, "capsfilter", error) : NULL;
  /* Mute sends silence instead of stopping RTP: peers and SBCs hang up on
   * silent RTP streams (RTP timeouts) and NAT bindings expire without
   * traffic; silence also keeps the far jitter buffer settled. */
  self->mute = filter ? vo_media_pipeline_add (self, "volume", error) : NULL;
  if (!self->mute ||
      !vo_media_codec_make_encoder (self->codec, self->payload_type, &encoder, &payloader, error))
    return FALSE;
  gst_bin_add_many (GST_BIN (self->pipeline), encoder, payloader, NULL);
  mux = vo_media_pipeline_add (self, "rtpdtmfmux", error);
  self->send_valve = mux ? vo_media_pipeline_add (self, "valve", error) : NULL;
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
      !vo_media_pipeline_link_pads (payloader, "src", mux, "sink_%u") ||
      !gst_element_link (mux, self->send_valve) ||
      !vo_media_pipeline_link_pads (self->send_valve, "src", self->rtpbin, "send_rtp_sink_0") ||
      !vo_media_pipeline_link_pads (self->rtpbin, "send_rtp_src_0", self->rtp_sink, "sink")) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot build the %s encoder",
                 self->codec->sdp.encoding);
    return FALSE;
  }

  return vo_media_dtmf_build_sender (self, mux, error);
}

static gboolean
session_build_receive (VoMediaSession *self, GError **error)
{
  self->selector = vo_media_pipeline_add (self, "input-selector", error);
  self->recv_valve = self->selector ? vo_media_pipeline_add (self, "valve", error) : NULL;
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

gboolean
vo_media_pipeline_build (VoMediaSession *self, GError **error)
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
  vo_media_pipeline_apply_remote (self);
  vo_media_pipeline_apply_direction (self);

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

void
vo_media_pipeline_teardown (VoMediaSession *self)
{
  if (!self->pipeline)
    return;
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  vo_media_session_srtp_save_rocs (self);
  /* Waits for a streaming thread that is adding an element. */
  g_mutex_lock (&self->guard->lock);
  self->guard->closing = TRUE;
  g_mutex_unlock (&self->guard->lock);
  if (!vo_media_gst_stop_pipeline (self->pipeline))
    g_warning ("The call's audio pipeline %s did not stop within %d s (a streaming thread is "
               "stuck in an element); it is left behind",
               GST_OBJECT_NAME (self->pipeline), VO_MEDIA_STOP_TIMEOUT_S);
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
gboolean
vo_media_pipeline_replace_source (VoMediaSession *self, GError **error)
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
gboolean
vo_media_pipeline_rebuild (VoMediaSession *self, GError **error)
{
  vo_media_pipeline_teardown (self);
  if (vo_media_pipeline_build (self, error))
    return TRUE;
  vo_media_pipeline_teardown (self);
  return FALSE;
}
