/* vo-media-srtp.h: SDES-SRTP (RFC 4568) keys and suites for a call's audio.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "vo-media-params.h"

G_BEGIN_DECLS

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
