/* vo-sip-peer.h: who a message comes from or goes to. A peer is written one
 * way whatever form it came in: "sip:bob@example.com" for a SIP user (an IM
 * peer), "tel:+31201234567" for a phone number (an SMS peer).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A SIP or tel URI (a From header) as a peer, or NULL when it is neither.
 * *@sms is TRUE for phone numbers. */
char *vo_sip_peer_from_uri (const char *uri, gboolean *sms);

G_END_DECLS
