/* vo-media-srtp.h: SDES-SRTP (RFC 4568) keys and suites for a call's audio.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gst/gst.h>

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

/* "off", "optional", "mandatory" (case-insensitive); FALSE if none of them. */
gboolean vo_media_srtp_policy_parse (const char *text, VoMediaSrtpPolicy *policy);
const char *vo_media_srtp_policy_name (VoMediaSrtpPolicy policy);

/* The RFC 4568 name ("AES_CM_128_HMAC_SHA1_80"), or NULL for NONE. */
const char *vo_media_srtp_suite_name (VoMediaSrtpSuite suite);
/* The suite called @name (case-sensitive, as RFC 4568 registers it), or NONE. */
VoMediaSrtpSuite vo_media_srtp_suite_from_name (const char *name, gsize len);

/* A fresh master key and salt from the kernel's CSPRNG (getrandom(2)). */
gboolean vo_media_srtp_random_key (guint8 key[VO_MEDIA_SRTP_KEY_LEN], GError **error);

/* An srtpenc for @suite and @key (sessions' RTP and RTCP pads on request). */
GstElement *vo_media_srtp_make_encoder (VoMediaSrtpSuite suite,
                                        const guint8 key[VO_MEDIA_SRTP_KEY_LEN],
                                        GError **error);
/* What srtpdec's "request-key" wants for a sender using @suite and @key;
 * @roc > 0 resumes a stream whose sequence numbers already wrapped. */
GstCaps *vo_media_srtp_decoder_caps (VoMediaSrtpSuite suite,
                                     const guint8 key[VO_MEDIA_SRTP_KEY_LEN], guint roc);

G_END_DECLS
