/* vo-media-sdp.h: our SDP offer and answer, and what the negotiated SDP
 * means for media. sip/ only carries these strings.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-media-params.h"

G_BEGIN_DECLS

/* The audio offer/answer capabilities Sofia's SOA negotiates from: every
 * codec in @codecs (zero-terminated) plus telephone-event at 8000 (PT 101)
 * and at every other codec rate (PT 100, 99...: opus gives /48000). */
char *vo_media_sdp_build (const char *address, guint port, const VoMediaCodec *codecs);

/* The same as an offer under [media] srtp @policy: OFF is the above;
 * OPTIONAL adds a=crypto lines (AES_CM_128_HMAC_SHA1_80 tag 1, _32 tag 2,
 * both with @key) to RTP/AVP; MANDATORY puts them on RTP/SAVP. */
char *vo_media_sdp_build_offer (const char *address, guint port, const VoMediaCodec *codecs,
                              VoMediaSrtpPolicy policy, const guint8 key[VO_MEDIA_SRTP_KEY_LEN]);
/* Our capabilities for answering @offer (@len bytes; none: an offer as
 * above): its profile, and one crypto line (the first offered one we speak,
 * its tag, our @key) when we answer with SRTP. NULL with an error (for a
 * 488) when @policy cannot take the offer; see vo_media_sdp_offer_acceptable. */
char *vo_media_sdp_build_answer (const char *address, guint port, const VoMediaCodec *codecs,
                               VoMediaSrtpPolicy policy, const guint8 key[VO_MEDIA_SRTP_KEY_LEN],
                               const char *offer, gsize len, GError **error);
/* Whether @policy takes the offer's audio: OFF refuses RTP/SAVP, MANDATORY
 * refuses offers without a crypto line we speak, and RTP/SAVP needs one.
 * FALSE with VO_ERROR_NOT_SUPPORTED saying why. */
gboolean vo_media_sdp_offer_acceptable (const char *offer, gsize len, VoMediaSrtpPolicy policy,
                                      GError **error);
/* One a=crypto value ("1 AES_CM_128_HMAC_SHA1_80 inline:KEY[|lifetime]"):
 * FALSE unless it has a suite we speak, exactly one 30-byte inline key, no
 * MKI and no session parameters. */
gboolean vo_media_sdp_parse_crypto (const char *value, guint *tag, VoMediaSrtpSuite *suite,
                                  guint8 key[VO_MEDIA_SRTP_KEY_LEN]);

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
  /* SRTP both ways (the answer took a crypto line of the offer), else NONE.
   * Our key encrypts what we send, the peer's what it sends. */
  VoMediaSrtpSuite srtp_suite;
  guint srtp_tag;             /* the crypto line's tag */
  guint8 srtp_local_key[VO_MEDIA_SRTP_KEY_LEN];
  guint8 srtp_remote_key[VO_MEDIA_SRTP_KEY_LEN];
} VoMediaSdpResult;

/* FALSE with an error when the SDP is unusable (no audio, no common codec
 * of @codecs, zero-terminated). */
gboolean vo_media_sdp_negotiated (const char *local_sdp, const char *remote_sdp,
                                const VoMediaCodec *codecs, VoMediaSdpResult *result,
                                GError **error);
/* Whether the offer @sdp (@len bytes) has an audio stream we can take:
 * an RTP/AVP audio m= line with a port, an address, and a codec of
 * @codecs (zero-terminated) at its rate and channel count. Else FALSE with
 * VO_ERROR_INVALID_ARGUMENT saying what is missing, for a 488. */
gboolean vo_media_sdp_offer_usable (const char *sdp, gsize len, const VoMediaCodec *codecs,
                                  GError **error);
/* Our capabilities @capabilities renumbered for a re-offer in a session
 * whose SDP (ours, as last agreed) is @session: each codec the session has
 * keeps the payload type it has there (RFC 3264 §8.3.2), and one of ours
 * whose number the session uses for something else gets a free one. NULL
 * if either does not parse. */
char *vo_media_sdp_keep_payload_types (const char *capabilities, const char *session);
/* @sdp without the a=crypto lines whose tag is not @tag. */
char *vo_media_sdp_keep_crypto (const char *sdp, guint tag);
void vo_media_sdp_result_clear (VoMediaSdpResult *result);
/* Fills @params from @result (pointers into @result stay owned by it). */
void vo_media_sdp_result_to_params (const VoMediaSdpResult *result, VoMediaParams *params);

G_END_DECLS
