/* vo-contact-number.c: lookup keys and search forms of numbers and URIs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contact-number.h"

#include <string.h>

/* libedataserver's headers still use GTimeVal. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

static const char *
skip_scheme (const char *text, const char *scheme)
{
  gsize len = strlen (scheme);
  return g_ascii_strncasecmp (text, scheme, len) == 0 ? text + len : NULL;
}

gboolean
vo_contact_number_is_number (const char *text)
{
  gboolean digit = FALSE;

  if (text == NULL)
    return FALSE;
  if (skip_scheme (text, "tel:"))
    text += 4;
  for (const char *p = text; *p; p++) {
    if (g_ascii_isdigit (*p))
      digit = TRUE;
    else if (!strchr (" +-().//\t", *p))
      return FALSE;
  }
  return digit;
}

/* @text's digits, with a leading "+" kept and "00" read as "+". */
static char *
number_digits (const char *text, gboolean *international)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  *international = strchr (text, '+') != NULL;
  if (!*international && g_str_has_prefix (digits->str, "00")) {
    g_string_erase (digits, 0, 2);
    *international = TRUE;
  }
  return g_string_free (digits, FALSE);
}

static gboolean
is_extension (const char *digits, gboolean international)
{
  gsize len = strlen (digits);
  return !international && len > 0 && len <= VO_CONTACT_EXTENSION_MAX_DIGITS && digits[0] != '0';
}

/* E.164 ("+31201234567") of @number read in @region, or NULL. Without a
 * region only an international number is read: EPhoneNumber would fall
 * back to the locale's region, which is not the account's. */
static char *
number_e164 (const char *number, const char *region)
{
  g_autoptr(GError) error = NULL;
  gboolean has_region = region != NULL && *region != '\0';
  EPhoneNumber *parsed;
  char *e164;

  if (!e_phone_number_is_supported () || (!has_region && number[0] != '+'))
    return NULL;
  /* An international number needs no region; "ZZ" says so. */
  parsed = e_phone_number_from_string (number, has_region ? region : "ZZ", &error);
  if (parsed == NULL)
    return NULL;
  e164 = e_phone_number_to_string (parsed, E_PHONE_NUMBER_FORMAT_E164);
  e_phone_number_free (parsed);
  return e164;
}

static void
add_unique (GPtrArray *array, char *value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), value)) {
      g_free (value);
      return;
    }
  g_ptr_array_add (array, value);
}

static GStrv
strv_steal (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (GStrv) g_ptr_array_free (array, FALSE);
}

static void
add_number_keys (GPtrArray *keys, const char *number, const char *region)
{
  gboolean international;
  g_autofree char *digits = number_digits (number, &international);
  char *e164;

  if (*digits == '\0')
    return;
  if (is_extension (digits, international)) {
    add_unique (keys, g_strconcat ("ext:", digits, NULL));
    return;
  }
  {
    g_autofree char *written = international ? g_strconcat ("+", digits, NULL) : g_strdup (number);
    e164 = number_e164 (written, region);
  }
  if (e164 != NULL)
    add_unique (keys, g_strconcat ("tel:", e164, NULL));
  else
    add_unique (keys, g_strconcat ("tel:", international ? "+" : "", digits, NULL));
  g_free (e164);
}

/* "sip:USER@HOST" of a sip:/sips: URI, lowercase, without parameters,
 * headers or port; *@user_out its user part. NULL when it has no host. */
static char *
sip_key (const char *rest, char **user_out)
{
  g_autofree char *lower = g_ascii_strdown (rest, -1);
  char *end = lower + strcspn (lower, ";?> \t");
  char *at, *colon;

  *end = '\0';
  at = strrchr (lower, '@');
  if (at == NULL || at == lower || at[1] == '\0')
    return NULL;
  colon = strchr (at, ':');
  if (colon != NULL)
    *colon = '\0';
  *user_out = g_strndup (lower, at - lower);
  return g_strconcat ("sip:", lower, NULL);
}

GStrv
vo_contact_number_keys (const char *text, const char *region)
{
  GPtrArray *keys = g_ptr_array_new ();
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  const char *rest;

  if ((rest = skip_scheme (trimmed, "sips:")) || (rest = skip_scheme (trimmed, "sip:"))) {
    g_autofree char *user = NULL;
    char *key = sip_key (rest, &user);

    if (key != NULL) {
      add_unique (keys, key);
      if (vo_contact_number_is_number (user))
        add_number_keys (keys, user, region);
    }
  } else if ((rest = skip_scheme (trimmed, "tel:"))) {
    g_autofree char *number = g_strndup (rest, strcspn (rest, ";"));
    if (vo_contact_number_is_number (number))
      add_number_keys (keys, number, region);
  } else if (vo_contact_number_is_number (trimmed)) {
    add_number_keys (keys, trimmed, region);
  }
  return strv_steal (keys);
}

GStrv
vo_contact_number_terms (const char *number, const char *region)
{
  GPtrArray *terms = g_ptr_array_new ();
  gboolean international;
  g_autofree char *digits = NULL;
  g_autofree char *e164 = NULL;

  if (number == NULL || !vo_contact_number_is_number (number))
    return strv_steal (terms);
  digits = number_digits (number, &international);
  if (!is_extension (digits, international)) {
    g_autofree char *written = international ? g_strconcat ("+", digits, NULL)
                                             : g_strdup (number);

    e164 = number_e164 (written, region);
    if (e164 != NULL) {
      g_autoptr(GError) error = NULL;
      EPhoneNumber *parsed = e_phone_number_from_string (e164, NULL, &error);

      add_unique (terms, g_strdup (e164 + 1));
      if (parsed != NULL) {
        g_autofree char *national = e_phone_number_to_string (parsed,
                                                              E_PHONE_NUMBER_FORMAT_NATIONAL);
        gboolean ignored;
        char *national_digits = number_digits (national, &ignored);

        if (*national_digits)
          add_unique (terms, national_digits);
        else
          g_free (national_digits);
        e_phone_number_free (parsed);
      }
    }
  }
  add_unique (terms, g_steal_pointer (&digits));
  return strv_steal (terms);
}

GStrv
vo_contact_search_words (const char *query)
{
  GPtrArray *words = g_ptr_array_new ();
  g_autofree char *trimmed = g_strstrip (g_strdup (query ? query : ""));

  if (vo_contact_number_is_number (trimmed)) {
    gboolean international;
    char *digits = number_digits (skip_scheme (trimmed, "tel:") ? trimmed + 4 : trimmed,
                                  &international);
    add_unique (words, digits);
    return strv_steal (words);
  }
  {
    g_auto(GStrv) parts = g_strsplit_set (trimmed, " \t\r\n", -1);
    for (guint i = 0; parts[i]; i++)
      if (*parts[i])
        add_unique (words, g_strdup (parts[i]));
  }
  return strv_steal (words);
}
