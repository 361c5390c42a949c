/* vo-sip-route.c: picks the local address towards a server by asking the
 * kernel's routing table (connecting a UDP socket sends nothing).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-route.h"
#include "vo-sip-uri.h"

#include <gio/gio.h>
#include <string.h>

char *
vo_sip_route_local_address (const char *server)
{
  g_autofree char *host = server && *server ? vo_sip_server_host (server) : NULL;
  g_autoptr(GInetAddress) remote = NULL;
  size_t len;

  if (!host || !*host)
    return NULL;
  len = strlen (host);
  if (host[0] == '[' && host[len - 1] == ']') {
    memmove (host, host + 1, len - 2);
    host[len - 2] = '\0';
  }
  remote = g_inet_address_new_from_string (host);
  if (!remote) {
    g_autoptr(GResolver) resolver = g_resolver_get_default ();
    GList *addresses = g_resolver_lookup_by_name (resolver, host, NULL, NULL);

    if (addresses)
      remote = g_object_ref (addresses->data);
    g_resolver_free_addresses (addresses);
  }
  if (!remote)
    return NULL;
  return vo_sip_route_local_address_to (remote);
}

char *
vo_sip_route_local_address_to (GInetAddress *remote)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) target = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  socket = g_socket_new (g_inet_address_get_family (remote), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, NULL);
  target = g_inet_socket_address_new (remote, 5060);
  if (!socket || !g_socket_connect (socket, target, NULL, NULL))
    return NULL;
  local = g_socket_get_local_address (socket, NULL);
  if (!local)
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
}
