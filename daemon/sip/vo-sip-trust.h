/* vo-sip-trust.h: which network addresses may send the daemon SIP requests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VO_TYPE_SIP_TRUST (vo_sip_trust_get_type ())
G_DECLARE_FINAL_TYPE (VoSipTrust, vo_sip_trust, VO, SIP_TRUST, GObject)

VoSipTrust *vo_sip_trust_new (void);

/* The [sip] trusted-sources list: "" (the default) trusts only the account's
 * registrar and outbound proxy; otherwise a ','- or ';'-separated list of
 * addresses and networks ("192.0.2.7, 2001:db8::/32") trusted besides them,
 * or "any" to switch the check off. VO_ERROR_INVALID_ARGUMENT names a bad entry. */
gboolean vo_sip_trust_set_sources (VoSipTrust *self, const char *list, GError **error);

/* The account's registrar and proxy, as typed ("host", "host:port", sip: URI;
 * either may be NULL). Names are resolved in the background; until they are,
 * only the configured sources are trusted. */
void vo_sip_trust_set_servers (VoSipTrust *self, const char *registrar, const char *proxy);

/* TRUE when a request from @address may reach the user. Matched by address
 * only, not port: proxies send over TCP from ephemeral ports and over UDP
 * from whichever of their sockets they choose. */
gboolean vo_sip_trust_allows (VoSipTrust *self, GInetAddress *source);

G_END_DECLS
