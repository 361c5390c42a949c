/* vo-media-params.h: what the SIP side and the media side agree on about a
 * call's audio: codecs, direction, SRTP suites and keys. Plain data, so that
 * sip/ and media/ share it without including each other.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* [media] srtp: whether calls encrypt their audio. */
typedef enum {
  VO_MEDIA_SRTP_OFF,        /* plain RTP/AVP; RTP/SAVP offers are refused */
  VO_MEDIA_SRTP_OPTIONAL,   /* offer RTP/AVP with a=crypto; plain peers stay plain */
  VO_MEDIA_SRTP_MANDATORY,  /* offer RTP/SAVP; plain peers are refused */
} VoMediaSrtpPolicy;

/* The suites we speak (RFC 4568 §6.2); NONE: plain RTP. */
typedef enum {
  VO_MEDIA_SRTP_NONE,
  VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80,
  VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32,
} VoMediaSrtpSuite;

/* Both suites: a 128-bit AES key and a 112-bit salt (RFC 3711 §8.2). */
#define VO_MEDIA_SRTP_KEY_LEN 30

/* A codec as negotiated in SDP. */
typedef struct {
  const char *encoding;   /* "opus", "G722", "PCMU", "PCMA" (case-insensitive) */
  guint payload_type;
  guint clock_rate;       /* as in the SDP rtpmap (G722: 8000) */
  guint channels;         /* 1, or 2 for opus */
} VoMediaCodec;

typedef enum {
  VO_MEDIA_SENDRECV,
  VO_MEDIA_SENDONLY,
  VO_MEDIA_RECVONLY,
  VO_MEDIA_INACTIVE,
} VoMediaDirection;

/* What the remote side told us in its SDP, after offer/answer. */
typedef struct {
  const char *remote_address;  /* IPv4/IPv6 literal */
  guint remote_rtp_port;
  guint remote_rtcp_port;      /* usually remote_rtp_port + 1 */
  VoMediaCodec codec;
  guint dtmf_payload_type;     /* telephone-event PT, 0 if the peer has none */
  VoMediaDirection direction;  /* from OUR point of view: sendonly = we send only */
  guint dtmf_clock_rate;       /* telephone-event/RATE from the SDP; 0: 8000 */
  /* SDES-SRTP: NONE is plain RTP both ways; else we encrypt with local_key
   * and the peer with remote_key. Never logged. */
  VoMediaSrtpSuite srtp_suite;
  guint8 srtp_local_key[VO_MEDIA_SRTP_KEY_LEN];
  guint8 srtp_remote_key[VO_MEDIA_SRTP_KEY_LEN];
} VoMediaParams;

#define VO_MEDIA_DTMF_PAYLOAD_TYPE 101

/* "off", "optional", "mandatory" (case-insensitive); FALSE if none of them. */
gboolean vo_media_srtp_policy_parse (const char *text, VoMediaSrtpPolicy *policy);
const char *vo_media_srtp_policy_name (VoMediaSrtpPolicy policy);

/* The RFC 4568 name ("AES_CM_128_HMAC_SHA1_80"), or NULL for NONE. */
const char *vo_media_srtp_suite_name (VoMediaSrtpSuite suite);
/* The suite called @name (case-sensitive, as RFC 4568 registers it), or NONE. */
VoMediaSrtpSuite vo_media_srtp_suite_from_name (const char *name, gsize len);

G_END_DECLS
