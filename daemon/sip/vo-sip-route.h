/* vo-sip-route.h: the local address this machine uses to reach a server.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The local IP address of the route to @server ("host", "host:port",
 * "[v6]:port" or a sip: URI; names are looked up, blocking), or NULL when
 * there is no route or the name does not resolve. */
char *vo_sip_route_local_address (const char *server);
/* The same for an address already known (nothing is looked up). */
char *vo_sip_route_local_address_to (GInetAddress *remote);

G_END_DECLS
