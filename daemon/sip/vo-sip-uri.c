/* vo-sip-uri.c: server addresses and user names, checked with Sofia's URL parser.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-uri.h"
#include "vo-error.h"

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>
#include <stdlib.h>
#include <string.h>

static gboolean
host_is_valid (const char *host)
{
  gsize len = strlen (host);

  if (len == 0 || len > 253)
    return FALSE;
  if (host[0] == '[')
    return host[len - 1] == ']' && len > 2 &&
           strspn (host + 1, "0123456789abcdefABCDEF:.") == len - 2;
  if (host[0] == '-' || host[0] == '.' || host[len - 1] == '-')
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return strstr (host, "..") == NULL;
}

static gboolean
port_is_valid (const char *port)
{
  char *end = NULL;
  long value;

  if (!port || !*port || strspn (port, "0123456789") != strlen (port) || strlen (port) > 5)
    return FALSE;
  value = strtol (port, &end, 10);
  return value >= 1 && value <= 65535;
}

gboolean
vo_sip_host_port_is_valid (const char *host_port)
{
  g_autofree char *host = NULL;
  const char *colon;

  if (!host_port || !*host_port)
    return FALSE;
  if (host_port[0] == '[') {
    const char *close = strchr (host_port, ']');

    if (!close)
      return FALSE;
    host = g_strndup (host_port, (gsize) (close - host_port + 1));
    colon = close[1] == ':' ? close + 1 : NULL;
    if (!colon && close[1] != '\0')
      return FALSE;
  } else {
    colon = strchr (host_port, ':');
    host = colon ? g_strndup (host_port, (gsize) (colon - host_port)) : g_strdup (host_port);
  }
  return host_is_valid (host) && (!colon || port_is_valid (colon + 1));
}

/* Splits @input into host[:port] and scheme, accepting a bare host or a URI. */
static gboolean
server_parse (const char *input, gboolean *is_sips, char **host_port)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url;
  gboolean ok = FALSE;

  *is_sips = FALSE;
  *host_port = NULL;
  if (!input || !*input || strpbrk (input, " \t\r\n<>\"") != NULL)
    return FALSE;

  if (g_str_has_prefix (input, "sip:") || g_str_has_prefix (input, "sips:")) {
    url = url_make (home, input);
    if (url && (url->url_type == url_sip || url->url_type == url_sips) && url->url_host &&
        !url->url_user) {
      *is_sips = url->url_type == url_sips;
      *host_port = url->url_port ? g_strdup_printf ("%s:%s", url->url_host, url->url_port)
                                 : g_strdup (url->url_host);
      ok = vo_sip_host_port_is_valid (*host_port);
    }
  } else {
    ok = vo_sip_host_port_is_valid (input);
    *host_port = g_strdup (input);
  }
  su_home_deinit (home);
  if (!ok)
    g_clear_pointer (host_port, g_free);
  return ok;
}

char *
vo_sip_server_uri (const char *input, const char *transport, const char *what, GError **error)
{
  g_autofree char *host_port = NULL;
  gboolean is_sips = FALSE;

  if (!server_parse (input, &is_sips, &host_port)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The %s '%s' is not a valid server address; give a host name or IP "
                 "address with an optional :port (1-65535), or a sip: URI",
                 what, input ? input : "");
    return NULL;
  }
  if (g_strcmp0 (transport, "tls") == 0 || is_sips)
    return g_strdup_printf ("sips:%s", host_port);
  if (g_strcmp0 (transport, "tcp") == 0)
    return g_strdup_printf ("sip:%s;transport=tcp", host_port);
  return g_strdup_printf ("sip:%s", host_port);
}

char *
vo_sip_server_host (const char *input)
{
  g_autofree char *host_port = NULL;
  gboolean is_sips = FALSE;
  char *colon;

  if (!server_parse (input, &is_sips, &host_port))
    return NULL;
  if (host_port[0] == '[') {
    char *close = strchr (host_port, ']');

    close[1] = '\0';
    return g_steal_pointer (&host_port);
  }
  colon = strchr (host_port, ':');
  if (colon)
    *colon = '\0';
  return g_steal_pointer (&host_port);
}

gboolean
vo_sip_user_is_valid (const char *user)
{
  /* RFC 3261 user = 1*( unreserved / escaped / user-unreserved ). */
  static const char allowed[] = "-_.!~*'()&=+$,;?/%";

  if (!user || !*user || strlen (user) > 128)
    return FALSE;
  for (const char *p = user; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr (allowed, *p))
      return FALSE;
  return TRUE;
}

char *
vo_sip_uri_checked (const char *text)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url = url_make (home, text);
  char *result = NULL;

  if (url && (url->url_type == url_sip || url->url_type == url_sips) && url->url_host) {
    g_autofree char *host_port = url->url_port
                                 ? g_strdup_printf ("%s:%s", url->url_host, url->url_port)
                                 : g_strdup (url->url_host);

    if (vo_sip_host_port_is_valid (host_port))
      result = g_strdup (url_as_string (home, url));
  }
  su_home_deinit (home);
  return result;
}
