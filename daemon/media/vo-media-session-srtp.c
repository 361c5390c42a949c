/* vo-media-session-srtp.c: SRTP inside rtpbin, through its
 * request-*-encoder/decoder signals: one srtpenc with our key, one srtpdec
 * that asks for the peer's key per SSRC ("request-key"), and the peer's
 * rollover counters kept across rebuilt pipelines.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-session-private.h"
#include "vo-media-gst.h"

#include <string.h>

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

void
vo_media_session_srtp_connect (VoMediaSession *self)
{
  if (self->srtp_suite == VO_MEDIA_SRTP_NONE)
    return;
  g_signal_connect (self->rtpbin, "request-rtp-encoder", G_CALLBACK (on_request_rtp_encoder),
                    self);
  g_signal_connect (self->rtpbin, "request-rtcp-encoder", G_CALLBACK (on_request_rtcp_encoder),
                    self);
  g_signal_connect (self->rtpbin, "request-rtp-decoder", G_CALLBACK (on_request_decoder), self);
  g_signal_connect (self->rtpbin, "request-rtcp-decoder", G_CALLBACK (on_request_decoder), self);
}

void
vo_media_session_srtp_save_rocs (VoMediaSession *self)
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

/* Whether @params keep the suite and both keys of the running pipeline. */
gboolean
vo_media_session_srtp_same (VoMediaSession *self, const VoMediaParams *params)
{
  if (params->srtp_suite != self->srtp_suite)
    return FALSE;
  return params->srtp_suite == VO_MEDIA_SRTP_NONE ||
         (memcmp (params->srtp_local_key, self->srtp_local_key, VO_MEDIA_SRTP_KEY_LEN) == 0 &&
          memcmp (params->srtp_remote_key, self->srtp_remote_key, VO_MEDIA_SRTP_KEY_LEN) == 0);
}
