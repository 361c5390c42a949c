/* vo-dial-target.c: extensions, phone numbers and URIs to SIP URIs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-dial-target.h"
#include "vo-address.h"
#include "vo-error.h"
#include "vo-sip-uri.h"

#include <string.h>

/* Extensions are short digit strings; longer ones are phone numbers. */
#define MAX_EXTENSION_DIGITS 6
#define MIN_NUMBER_DIGITS 3
#define MAX_NUMBER_DIGITS 15

static void
set_expected (GError **error, const char *target)
{
  g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
               "'%s' cannot be dialled; give an extension (201), a phone number "
               "(+31 20 123 4567), a SIP address (bob@example.com) or a sip:, sips: or tel: URI",
               target);
}

static char *
number_to_uri (const char *number_text, const char *domain, const char *country_code,
               GError **error)
{
  gboolean plus, separators;
  g_autofree char *digits = vo_address_number_digits (number_text, &plus, &separators);
  g_autofree char *e164 = NULL;

  if (!digits)
    return NULL;
  if (!plus && !separators && strlen (digits) <= MAX_EXTENSION_DIGITS)
    return g_strdup_printf ("sip:%s@%s", digits, domain);

  if (plus)
    e164 = g_strdup_printf ("+%s", digits);
  else if (g_str_has_prefix (digits, "00"))
    e164 = g_strdup_printf ("+%s", digits + 2);
  else if (digits[0] == '0' && country_code && *country_code)
    e164 = g_strdup_printf ("+%s%s", country_code, digits + 1);

  if (strlen (e164 ? e164 + 1 : digits) < MIN_NUMBER_DIGITS ||
      strlen (e164 ? e164 + 1 : digits) > MAX_NUMBER_DIGITS) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a phone number: it has too %s digits", number_text,
                 strlen (e164 ? e164 + 1 : digits) < MIN_NUMBER_DIGITS ? "few" : "many");
    return NULL;
  }
  return g_strdup_printf ("sip:%s@%s;user=phone", e164 ? e164 : digits, domain);
}

char *
vo_dial_target_to_uri (const char *target_in, const char *domain, const char *country_code,
                       GError **error)
{
  g_autofree char *target = g_strstrip (g_strdup (target_in ? target_in : ""));
  g_autoptr(GError) local_error = NULL;
  const char *at;
  char *uri;

  if (!*target || !g_utf8_validate (target, -1, NULL) || strlen (target) > 256) {
    set_expected (error, target);
    return NULL;
  }
  if (g_str_has_prefix (target, "sip:") || g_str_has_prefix (target, "sips:")) {
    /* URI headers (?X-Foo=bar) would become headers of our INVITE: a dial
     * target could inject Route or anything else. Nobody types them. */
    if (strchr (target, '?')) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "'%s' carries URI headers (after '?'), which cannot be dialled; "
                   "remove the '?' and what follows", target);
      return NULL;
    }
    uri = vo_sip_uri_checked (target);
    if (!uri)
      set_expected (error, target);
    return uri;
  }
  if (g_str_has_prefix (target, "tel:")) {
    g_autofree char *number = g_strndup (target + 4, strcspn (target + 4, ";"));

    uri = number_to_uri (number, domain, country_code, &local_error);
    if (!uri && !local_error)
      set_expected (error, target);
    else if (!uri)
      g_propagate_error (error, g_steal_pointer (&local_error));
    return uri;
  }

  uri = number_to_uri (target, domain, country_code, &local_error);
  if (uri || local_error) {
    if (local_error)
      g_propagate_error (error, g_steal_pointer (&local_error));
    return uri;
  }

  at = strchr (target, '@');
  if (at) {
    g_autofree char *user = g_strndup (target, (gsize) (at - target));

    if (vo_sip_user_is_valid (user) && vo_sip_host_port_is_valid (at + 1))
      return g_strdup_printf ("sip:%s", target);
  } else if (g_ascii_isalpha (target[0]) && vo_sip_user_is_valid (target) &&
             strspn (target, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
               == strlen (target)) {
    return g_strdup_printf ("sip:%s@%s", target, domain);
  }
  set_expected (error, target);
  return NULL;
}
