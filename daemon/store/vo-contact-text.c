/* vo-contact-text.c: names and typed words as the contacts tables want
 * them: a sort key for List, an FTS5 expression for Search
 * (vo-contact-store-private.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contact-store-private.h"

#include <string.h>

char *
vo_contact_sort_key (const char *name)
{
  g_autofree char *decomposed = g_utf8_normalize (name, -1, G_NORMALIZE_NFKD);
  g_autoptr(GString) bare = NULL;

  if (!decomposed)
    return g_strdup ("");
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    switch (g_unichar_type (c)) {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
      break;
    default:
      g_string_append_unichar (bare, c);
    }
  }
  return g_utf8_casefold (bare->str, (gssize) bare->len);
}

char *
vo_contact_index_terms (const char *name, const char *const *terms)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autofree char *ascii = NULL;

  for (guint i = 0; terms && terms[i]; i++)
    g_ptr_array_add (all, (gpointer) terms[i]);
  /* FTS5's remove_diacritics folds only what Unicode decomposes: "ł",
   * "ø" or "ß" stay, so "lukasz" would not find "Łukasz". GLib's
   * transliteration knows them; the ASCII spelling of the name is indexed
   * as a term when it differs. */
  if (name != NULL && *name != '\0') {
    ascii = g_str_to_ascii (name, "C");
    if (g_ascii_strcasecmp (ascii, name) != 0)
      g_ptr_array_add (all, ascii);
  }
  g_ptr_array_add (all, NULL);
  return vo_contact_list_join ((const char *const *) all->pdata);
}

/* Whether the tokenizer finds a word in @word: it keeps letters and
 * digits and drops the rest (accents it folds away). */
static gboolean
has_searchable_character (const char *word)
{
  for (const char *p = word; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

char *
vo_contact_search_expression (const char *const *words)
{
  g_autoptr(GString) expression = g_string_new (NULL);

  for (guint i = 0; words && words[i]; i++) {
    if (!g_utf8_validate (words[i], -1, NULL) || !has_searchable_character (words[i]))
      continue;
    if (expression->len)
      g_string_append (expression, " AND ");
    g_string_append_c (expression, '"');
    for (const char *p = words[i]; *p; p++) {
      g_string_append_c (expression, *p);
      if (*p == '"')
        g_string_append_c (expression, '"');
    }
    g_string_append (expression, "\"*");
  }
  if (!expression->len)
    return NULL;
  return g_string_free (g_steal_pointer (&expression), FALSE);
}
