/* vo-sip-peer.c: From URIs to peers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-peer.h"
#include "vo-address.h"

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>
#include <string.h>

char *
vo_sip_peer_from_uri (const char *uri, gboolean *sms)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url;
  char *peer = NULL;
  char user_param[16] = "";
  g_autofree char *number = NULL;

  *sms = FALSE;
  if (!uri || !*uri || !g_utf8_validate (uri, -1, NULL))
    return NULL;
  if (g_ascii_strncasecmp (uri, "tel:", 4) == 0) {
    g_autofree char *text = g_strndup (uri + 4, strcspn (uri + 4, ";"));

    number = vo_address_phone_number (text);
    *sms = number != NULL;
    return number ? g_strconcat ("tel:", number, NULL) : NULL;
  }

  url = url_make (home, uri);
  if (url && (url->url_type == url_sip || url->url_type == url_sips) && url->url_user &&
      *url->url_user && url->url_host && *url->url_host) {
    /* The ';' added: Sofia's url_param() (1.12.11, still upstream) steps
     * past the end of the string when the last parameter starts with the
     * name but is longer (";userx"); found by tests/fuzz/fuzz-message. */
    g_autofree char *params = g_strconcat (url->url_params ? url->url_params : "", ";", NULL);
    gboolean user_phone = url_param (params, "user", user_param, sizeof user_param) &&
                          g_ascii_strcasecmp (user_param, "phone") == 0;

    number = vo_address_phone_number (url->url_user);
    /* A number dialled as one (user=phone) or in international form is a
     * phone; a short all-digit user is an extension, a colleague. */
    if (number && (user_phone || number[0] == '+')) {
      *sms = TRUE;
      peer = g_strconcat ("tel:", number, NULL);
    } else {
      g_autofree char *host = g_ascii_strdown (url->url_host, -1);

      peer = g_strdup_printf ("%s:%s@%s%s%s", url->url_type == url_sips ? "sips" : "sip",
                              url->url_user, host, url->url_port ? ":" : "",
                              url->url_port ? url->url_port : "");
    }
  }
  su_home_deinit (home);
  return peer;
}
