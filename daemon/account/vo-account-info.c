/* vo-account-info.c: the account's stored settings, and a SignIn's
 * arguments checked into them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account-info.h"
#include "vo-error.h"
#include "vo-sip-uri.h"

#include <string.h>

#define MAX_DISPLAY_NAME 128
#define MAX_PASSWORD 1024

void
vo_account_info_free (VoAccountInfo *info)
{
  if (!info)
    return;
  g_free (info->user);
  g_free (info->domain);
  g_free (info->registrar);
  g_free (info->proxy);
  g_free (info->transport);
  g_free (info->display_name);
  g_free (info);
}

gboolean
vo_account_info_save (const VoAccountInfo *info, VoConfig *config, GError **error)
{
  const char *const pairs[] = {
    "user", info->user,
    "domain", info->domain,
    "registrar", info->registrar,
    "proxy", info->proxy ? info->proxy : "",
    "transport", info->transport,
    "display-name", info->display_name ? info->display_name : "",
    NULL
  };

  return vo_config_set_strings (config, VO_ACCOUNT_INFO_GROUP, pairs, error);
}

VoAccountInfo *
vo_account_info_load (VoConfig *config)
{
  g_autoptr(VoAccountInfo) info = g_new0 (VoAccountInfo, 1);

  info->user = vo_config_get_string (config, VO_ACCOUNT_INFO_GROUP, "user");
  info->domain = vo_config_get_string (config, VO_ACCOUNT_INFO_GROUP, "domain");
  info->registrar = vo_config_get_string (config, VO_ACCOUNT_INFO_GROUP, "registrar");
  info->proxy = vo_config_get_string (config, VO_ACCOUNT_INFO_GROUP, "proxy");
  info->transport = vo_config_get_string (config, VO_ACCOUNT_INFO_GROUP, "transport");
  info->display_name = vo_config_get_string (config, VO_ACCOUNT_INFO_GROUP, "display-name");
  if (!*info->user || !*info->domain || !*info->registrar)
    return NULL;
  if (!*info->proxy)
    g_clear_pointer (&info->proxy, g_free);
  if (!*info->display_name)
    g_clear_pointer (&info->display_name, g_free);
  return g_steal_pointer (&info);
}

static gboolean
text_is_clean (const char *text, gsize max)
{
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > (glong) max)
    return FALSE;
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

VoAccountInfo *
vo_account_info_parse (const char *user_in, const char *password, GHashTable *options,
                       VoSipStack *stack, GError **error)
{
  g_autoptr(VoAccountInfo) info = g_new0 (VoAccountInfo, 1);
  const char *registrar, *domain, *proxy, *transport, *display_name, *at;

  registrar = g_hash_table_lookup (options, "registrar");
  domain = g_hash_table_lookup (options, "domain");
  proxy = g_hash_table_lookup (options, "proxy");
  transport = g_hash_table_lookup (options, "transport");
  display_name = g_hash_table_lookup (options, "display-name");

  if (!user_in || !*user_in) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The user name is empty; give the user name from your welcome "
                         "message, e.g. alice or alice@example.com");
    return NULL;
  }
  if (!password || !*password) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The password is empty; give the account's password");
    return NULL;
  }
  if (strlen (password) > MAX_PASSWORD || strpbrk (password, "\r\n") != NULL) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The password must be one line of at most %d bytes", MAX_PASSWORD);
    return NULL;
  }

  at = strrchr (user_in, '@');
  info->user = at ? g_strndup (user_in, (gsize) (at - user_in)) : g_strdup (user_in);
  if (!vo_sip_user_is_valid (info->user)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a valid SIP user name; use letters, digits and - _ . ! ~ * ' ( ) "
                 "& = + $ , ; ? / without spaces", info->user);
    return NULL;
  }
  if (at && at[1] == '\0') {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The user '%s' ends in @ without a domain; give user@domain or just the user",
                 user_in);
    return NULL;
  }
  if (at && domain && *domain && g_ascii_strcasecmp (at + 1, domain) != 0) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The user '%s' names the domain '%s' but the option domain says '%s'; "
                 "give only one", user_in, at + 1, domain);
    return NULL;
  }
  if (at)
    domain = at + 1;

  info->transport = g_strdup (transport && *transport ? transport : "udp");
  if (!g_str_equal (info->transport, "udp") && !g_str_equal (info->transport, "tcp") &&
      !g_str_equal (info->transport, "tls")) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Unknown transport '%s'; use udp, tcp or tls", info->transport);
    return NULL;
  }

  if (domain && *domain && !vo_sip_host_port_is_valid (domain)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a valid SIP domain; give a host name or IP address with an "
                 "optional :port", domain);
    return NULL;
  }
  if ((!registrar || !*registrar) && (!domain || !*domain)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "No server given; set the option registrar (e.g. pbx.example.com) "
                         "or sign in as user@domain");
    return NULL;
  }
  info->registrar = vo_sip_server_uri (registrar && *registrar ? registrar : domain,
                                       info->transport, "registrar", error);
  if (!info->registrar)
    return NULL;
  /* A sips: registrar means TLS whatever the option said: every request of
   * the account then goes over TLS (vo_sip_server_uri makes the proxy sips:). */
  if (g_str_has_prefix (info->registrar, "sips:")) {
    g_free (info->transport);
    info->transport = g_strdup ("tls");
  }
  if (g_str_equal (info->transport, "tls") && !vo_sip_stack_has_tls (stack)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                         vo_sip_stack_get_tls_error (stack));
    return NULL;
  }
  info->domain = domain && *domain ? g_strdup (domain) : vo_sip_server_host (registrar);
  if (proxy && *proxy) {
    info->proxy = vo_sip_server_uri (proxy, info->transport, "proxy", error);
    if (!info->proxy)
      return NULL;
  }
  if (display_name && *display_name) {
    if (!text_is_clean (display_name, MAX_DISPLAY_NAME)) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "The display name must be UTF-8 text of at most %d characters without "
                   "control characters", MAX_DISPLAY_NAME);
      return NULL;
    }
    info->display_name = g_strdup (display_name);
  }
  return g_steal_pointer (&info);
}
