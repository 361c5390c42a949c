/* vo-sip-sdp.h: our SDP offer, and what the negotiated SDP means for media.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-media-session.h"

G_BEGIN_DECLS

/* The audio offer/answer capabilities Sofia's SOA negotiates from: every
 * codec in @codecs (zero-terminated) plus telephone-event at 8000 (PT 101)
 * and at every other codec rate (PT 100, 99...: opus gives /48000). */
char *vo_sip_sdp_build (const char *address, guint port, const VoMediaCodec *codecs);

/* What a negotiated session means for our media, parsed with Sofia's SDP
 * parser from the local (answer or offer as accepted) and remote SDP. */
typedef struct {
  char *remote_address;
  guint remote_port;
  char *codec_encoding;
  guint codec_payload_type;
  guint codec_clock_rate;
  guint codec_channels;
  guint dtmf_payload_type;   /* 0: the peer did not accept telephone-event */
  guint dtmf_clock_rate;     /* its telephone-event/RATE */
  VoMediaDirection direction; /* ours */
  gboolean remote_hold;       /* the peer put us on hold (sendonly/inactive from them) */
} VoSipSdpResult;

/* FALSE with an error when the SDP is unusable (no audio, no common codec). */
gboolean vo_sip_sdp_negotiated (const char *local_sdp, const char *remote_sdp,
                                VoSipSdpResult *result, GError **error);
/* Whether the offer @sdp (@len bytes) has an audio stream we can take:
 * an RTP/AVP audio m= line with a port, an address, and a codec of
 * @codecs (zero-terminated) at its rate and channel count. Else FALSE with
 * VO_ERROR_INVALID_ARGUMENT saying what is missing, for a 488. */
gboolean vo_sip_sdp_offer_usable (const char *sdp, gsize len, const VoMediaCodec *codecs,
                                  GError **error);
/* Our capabilities @capabilities renumbered for a re-offer in a session
 * whose SDP (ours, as last agreed) is @session: each codec the session has
 * keeps the payload type it has there (RFC 3264 §8.3.2), and one of ours
 * whose number the session uses for something else gets a free one. NULL
 * if either does not parse. */
char *vo_sip_sdp_keep_payload_types (const char *capabilities, const char *session);
void vo_sip_sdp_result_clear (VoSipSdpResult *result);
/* Fills @params from @result (pointers into @result stay owned by it). */
void vo_sip_sdp_result_to_params (const VoSipSdpResult *result, VoMediaParams *params);

G_END_DECLS
