/* vo-media-receive.c: what rtpbin's jitter buffers hand us, one pad per
 * sender SSRC and payload type (see vo-media-session.c):
 *   audio:           depayloader ! decoder ! audioconvert ! audioresample ! input-selector
 *   telephone-event: rtpdtmfdepay ! fakesink (vo-media-dtmf.c)
 *   anything else:   fakesink
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

#include <stdio.h>

#define BRANCH_KEY "vo-branch"

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
  return vo_media_make_chain (depay, decoder, convert, resample, mono, NULL);
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
    branch = vo_media_dtmf_make_branch (&error);
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

  if (!vo_media_pipeline_guard_enter (self->guard)) {
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

void
vo_media_receive_connect (VoMediaSession *self)
{
  g_signal_connect (self->rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map), self);
  g_signal_connect (self->rtpbin, "pad-added", G_CALLBACK (on_rtpbin_pad_added), self);
  g_signal_connect (self->rtpbin, "pad-removed", G_CALLBACK (on_rtpbin_pad_removed), self);
}

void
vo_media_receive_remove_branch (VoMediaSession *self, GstElement *branch)
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
