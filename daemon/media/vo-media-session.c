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

#include "vo-media-session-private.h"
#include "vo-media-gst.h"
#include "vo-media-testing.h"
#include "vo-error.h"

#include <string.h>

/* The kernel picks the RTP port; about half its picks are odd. */
#define PORT_ATTEMPTS 64
/* telephone-event/8000 when the SDP gave no rate for it (RFC 4733 §2.1). */
#define DTMF_DEFAULT_CLOCK_RATE 8000

enum { SIGNAL_DTMF_RECEIVED, SIGNAL_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoMediaSession, vo_media_session, G_TYPE_OBJECT)

void
vo_media_session_emit_dtmf (VoMediaSession *self, char digit)
{
  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit);
}

void
vo_media_session_emit_error (VoMediaSession *self, const char *message)
{
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
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
    if (!vo_media_pipeline_rebuild (self, &error)) {
      g_warning ("Cannot switch the call's audio output to “%s”: %s", output, error->message);
      vo_media_session_emit_error (self, error->message);
    }
    return;
  }
  /* A failed switch keeps the old device: better than no audio. */
  if (input_changed && !vo_media_pipeline_replace_source (self, &error)) {
    g_warning ("Cannot switch the call's audio input to “%s”: %s", input, error->message);
    g_clear_error (&error);
  }
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
      vo_media_session_srtp_same (self, params)) {
    vo_media_pipeline_apply_remote (self);
    vo_media_pipeline_apply_direction (self);
    return TRUE;
  }

  vo_media_pipeline_teardown (self);
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
  if (!vo_media_pipeline_build (self, error)) {
    vo_media_pipeline_teardown (self);
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
  vo_media_pipeline_teardown (self);
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
