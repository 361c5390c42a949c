/* vo-message-peer.c: targets to peers, peers to request URIs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "vo-message-peer.h"
#include "vo-dial-target.h"
#include "vo-error.h"


char *
vo_message_peer_from_target (const char *target, const char *domain, const char *country_code,
                             gboolean *sms, GError **error)
{
  g_autofree char *uri = vo_dial_target_to_uri (target, domain, country_code, error);
  char *peer;

  if (!uri)
    return NULL;
  peer = vo_sip_peer_from_uri (uri, sms);
  if (!peer)
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' cannot receive messages; give a colleague's user name or extension "
                 "(bob, 201), a SIP address (bob@example.com) or a phone number "
                 "(+31 20 123 4567)",
                 target);
  return peer;
}

char *
vo_message_peer_request_uri (const char *peer, const char *domain)
{
  if (g_str_has_prefix (peer, "tel:"))
    return g_strdup_printf ("sip:%s@%s;user=phone", peer + 4, domain);
  return g_strdup (peer);
}
