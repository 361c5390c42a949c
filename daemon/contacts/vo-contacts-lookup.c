/* vo-contacts-lookup.c: from what a person or a call has (a number in any
 * format, a SIP URI, a name) to the contact: Resolve, the core's lookup and
 * Dial/Send's target by name.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-contact-number.h"
#include "vo-error.h"

/* How many choices an ambiguous name lists. */
#define AMBIGUOUS_LISTED 10

/* The best row for @number (personal, then company, then device, as the
 * store orders them), trying its most specific key first; NULL when none. */
static VoContactRow *
row_for_number (VoContacts *self, const char *number)
{
  g_auto(GStrv) keys = vo_contact_number_keys (number, vo_contacts_region (self));

  for (guint i = 0; keys[i]; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = vo_contact_store_find_key (self->rows, keys[i], &error);

    if (!rows)
      g_warning ("Looking up %s: %s", keys[i], error->message);
    else if (rows->len > 0)
      return vo_contact_row_copy (g_ptr_array_index (rows, 0));
  }
  return NULL;
}

GVariant *
vo_contacts_resolve (VoContacts *self, const char *number, GError **error)
{
  g_autoptr(VoContactRow) row = NULL;

  if (!number || !*number || strlen (number) > VO_CONTACTS_MAX_FIELD ||
      !g_utf8_validate (number, -1, NULL)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Resolve needs a number, extension or SIP URI of at most %d characters",
                 VO_CONTACTS_MAX_FIELD);
    return NULL;
  }
  row = row_for_number (self, number);
  if (!row) {
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "No contact has the number or URI %s",
                 number);
    return NULL;
  }
  /* A lookup (a script's, a caller's number), not a contact the user looks
   * at: no watch is wanted. */
  return vo_contacts_row_to_dict (self, row);
}

gboolean
vo_contacts_lookup (VoContacts *self, const char *number_or_uri, char **id_out,
                    char **name_out)
{
  g_autoptr(VoContactRow) row = NULL;

  if (!number_or_uri || !*number_or_uri || strlen (number_or_uri) > VO_CONTACTS_MAX_FIELD ||
      !g_utf8_validate (number_or_uri, -1, NULL))
    return FALSE;
  row = row_for_number (self, number_or_uri);
  if (!row)
    return FALSE;
  if (id_out)
    *id_out = g_strdup (row->id);
  if (name_out)
    *name_out = g_strdup (row->name);
  return TRUE;
}

/* ---- by name ---------------------------------------------------------- */

/* @text without accents, case-folded, its words joined by one space: how
 * names are compared ("José  García" → "jose garcia"). */
static char *
name_fold (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (!decomposed)
    return g_strdup ("");
  for (const char *p = decomposed; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (!g_unichar_ismark (c))
      g_string_append_unichar (plain, c);
  }
  folded = g_utf8_casefold (plain->str, -1);
  words = g_strsplit_set (folded, " \t\n\r", -1);
  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

/* TRUE when every word of @query (folded) is a prefix of a word of @name
 * (folded), each name word used once. */
static gboolean
name_has_prefixes (const char *name, const char *query)
{
  g_auto(GStrv) name_words = g_strsplit (name, " ", -1);
  g_auto(GStrv) query_words = g_strsplit (query, " ", -1);
  guint n = g_strv_length (name_words);
  g_autofree gboolean *used = g_new0 (gboolean, n + 1);

  for (guint q = 0; query_words[q]; q++) {
    gboolean found = FALSE;

    for (guint w = 0; w < n && !found; w++) {
      if (!used[w] && g_str_has_prefix (name_words[w], query_words[q])) {
        used[w] = TRUE;
        found = TRUE;
      }
    }
    if (!found)
      return FALSE;
  }
  return query_words[0] != NULL;
}

/* The rows whose name is @text: exact (folded) matches when there are
 * any, else prefix matches. */
static GPtrArray *
rows_named (VoContacts *self, const char *text, GError **error)
{
  g_autofree char *query = name_fold (text);
  g_auto(GStrv) words = g_strsplit (query, " ", -1);
  g_autoptr(GPtrArray) found = NULL;
  GPtrArray *exact = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);
  g_autoptr(GPtrArray) prefix = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vo_contact_row_free);

  found = vo_contact_store_search (self->rows, (const char *const *) words, NULL, 0,
                                   VO_CONTACTS_MAX_LIMIT, error);
  if (!found) {
    g_ptr_array_unref (exact);
    return NULL;
  }
  for (guint i = 0; i < found->len; i++) {
    const VoContactRow *row = g_ptr_array_index (found, i);
    g_autofree char *name = name_fold (row->name);

    if (g_str_equal (name, query))
      g_ptr_array_add (exact, vo_contact_row_copy (row));
    else if (name_has_prefixes (name, query))
      g_ptr_array_add (prefix, vo_contact_row_copy (row));
  }
  if (exact->len > 0)
    return exact;
  g_ptr_array_unref (exact);
  return g_steal_pointer (&prefix);
}

static void
set_ambiguous (GError **error, const char *text, GPtrArray *rows)
{
  g_autoptr(GString) choices = g_string_new (NULL);

  for (guint i = 0; i < rows->len && i < AMBIGUOUS_LISTED; i++) {
    const VoContactRow *row = g_ptr_array_index (rows, i);

    g_string_append_printf (choices, "%s%s (%s)", i ? ", " : "", row->name, row->id);
  }
  if (rows->len > AMBIGUOUS_LISTED)
    g_string_append_printf (choices, " and %u more", rows->len - AMBIGUOUS_LISTED);
  g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
               "Several contacts match '%s': %s; use the contact's id or a number", text,
               choices->str);
}

char *
vo_contacts_target_for_name (VoContacts *self, const char *text, gboolean for_message,
                             char **id_out, char **name_out, GError **error)
{
  g_autoptr(VoContactRow) row = NULL;
  const char *target;

  if (!text || !*text || g_utf8_strlen (text, -1) > VO_CONTACTS_MAX_FIELD ||
      !g_utf8_validate (text, -1, NULL)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A contact's name or id of at most %d characters is needed",
                 VO_CONTACTS_MAX_FIELD);
    return NULL;
  }
  row = vo_contact_store_get (self->rows, text, NULL);
  if (!row) {
    g_autoptr(GPtrArray) rows = rows_named (self, text, error);

    if (!rows)
      return NULL;
    if (rows->len == 0) {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "No contact is called '%s'", text);
      return NULL;
    }
    if (rows->len > 1) {
      set_ambiguous (error, text, rows);
      return NULL;
    }
    row = vo_contact_row_copy (g_ptr_array_index (rows, 0));
  }
  /* A message goes best to the SIP URI (IM); no number type is known here,
   * so the first number serves both calls and messages. */
  (void) for_message;
  target = row->uris[0] ? row->uris[0] : row->numbers[0];
  if (!target) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "%s (%s) has no number or SIP address", row->name, row->id);
    return NULL;
  }
  if (id_out)
    *id_out = g_strdup (row->id);
  if (name_out)
    *name_out = g_strdup (row->name);
  return g_strdup (target);
}
