/* vo-sdp-text.h: SDP text that Sofia-SIP 1.12.11's parser cannot be given.
 *
 * Both adapters that hand SDP to Sofia's sdp_parse() need this check:
 * sip/ (vo-sip-sofia-guards.c, for what SOA parses by itself) and media/
 * (vo-media-sdp.c, which reads the SDP). It reads text only, so it lives
 * here rather than in either of them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FALSE for SDP that Sofia-SIP 1.12.11's parser would read without end: an
 * m= line whose format list has a character that is no RFC 4566 token
 * (fixed upstream in freeswitch/sofia-sip a953f25). @len bytes of @sdp. */
gboolean vo_sdp_text_parsable (const char *sdp, gsize len);

G_END_DECLS
