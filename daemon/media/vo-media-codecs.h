/* vo-media-codecs.h: the codecs vo-daemon speaks and the GStreamer elements
 * that implement them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-media-session.h"

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct {
  VoMediaCodec sdp;          /* as offered: name, default payload type, SDP clock */
  const char *rtp_name;      /* encoding-name in application/x-rtp caps */
  guint audio_rate;          /* raw audio into the encoder (G722: 16000) */
  guint audio_channels;
  const char *encoder;
  const char *decoder;
  const char *payloader;
  const char *depayloader;
} VoMediaCodecInfo;

/* The codec called @encoding (case-insensitive), or NULL if unknown. */
const VoMediaCodecInfo *vo_media_codec_find (const char *encoding);

/* The RTP caps rtpbin needs to decode @payload_type of this codec. */
GstCaps *vo_media_codec_rtp_caps (const VoMediaCodecInfo *codec, guint payload_type);

/* encoder ! payloader, configured for interactive speech. */
gboolean vo_media_codec_make_encoder (const VoMediaCodecInfo *codec, guint payload_type,
                                      GstElement **encoder, GstElement **payloader,
                                      GError **error);
/* depayloader ! decoder, with packet loss concealment where the codec has it. */
gboolean vo_media_codec_make_decoder (const VoMediaCodecInfo *codec, GstElement **depayloader,
                                      GstElement **decoder, GError **error);

G_END_DECLS
