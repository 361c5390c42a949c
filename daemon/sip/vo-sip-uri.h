/* vo-sip-uri.h: checks and normalises what people type as SIP servers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE for a DNS name, IPv4 or [IPv6] address, with an optional :port 1-65535. */
gboolean vo_sip_host_port_is_valid (const char *host_port);

/* Turns "host", "host:port" or a sip:/sips: URI into the URI to send to, for
 * @transport (udp, tcp, tls). Errors are VO_ERROR_INVALID_ARGUMENT. */
char *vo_sip_server_uri (const char *input, const char *transport, const char *what,
                         GError **error);

/* The host[:port] of a server as typed ("sip:pbx.example.com:5080" → "pbx.example.com"):
 * the default SIP domain when none is given. */
char *vo_sip_server_host (const char *input);

/* TRUE when @user can be the user part of a SIP URI (RFC 3261 unreserved and
 * user-unreserved characters, no spaces). */
gboolean vo_sip_user_is_valid (const char *user);

/* @text as a sip:/sips: URI with a valid host, as Sofia's URL parser
 * writes it back; NULL if it is none. */
char *vo_sip_uri_checked (const char *text);

G_END_DECLS
