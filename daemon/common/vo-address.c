/* vo-address.c: phone numbers written with separators to digits.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-address.h"

#include <string.h>

char *
vo_address_number_digits (const char *text, gboolean *plus, gboolean *separators)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean has_plus = FALSE, has_separators = FALSE;

  g_return_val_if_fail (text, NULL);

  for (const char *p = text; *p; p++) {
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
    else if (*p == '+' && p == text)
      has_plus = TRUE;
    else if (strchr (" -().", *p))
      has_separators = TRUE;
    else
      return NULL;
  }
  if (digits->len == 0)
    return NULL;
  if (plus)
    *plus = has_plus;
  if (separators)
    *separators = has_separators;
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

char *
vo_address_phone_number (const char *text)
{
  gboolean plus = FALSE;
  g_autofree char *digits = vo_address_number_digits (text, &plus, NULL);

  if (!digits)
    return NULL;
  return plus ? g_strconcat ("+", digits, NULL) : g_steal_pointer (&digits);
}
