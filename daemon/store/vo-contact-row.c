/* vo-contact-row.c: VoContactRow, and what a row may hold and how its
 * lists are kept in a column (vo-contact-store-private.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contact-store-private.h"
#include "vo-error.h"

#include <string.h>

VoContactRow *
vo_contact_row_new (void)
{
  VoContactRow *row = g_new0 (VoContactRow, 1);

  row->id = g_strdup ("");
  row->source = g_strdup ("");
  row->name = g_strdup ("");
  row->company = g_strdup ("");
  row->department = g_strdup ("");
  row->extension = g_strdup ("");
  row->numbers = g_new0 (char *, 1);
  row->uris = g_new0 (char *, 1);
  row->emails = g_new0 (char *, 1);
  row->photo = g_strdup ("");
  row->photo_etag = g_strdup ("");
  row->note = g_strdup ("");
  return row;
}

static char **
strv_copy_or_empty (char **strv)
{
  return strv ? g_strdupv (strv) : g_new0 (char *, 1);
}

VoContactRow *
vo_contact_row_copy (const VoContactRow *row)
{
  VoContactRow *copy = g_new0 (VoContactRow, 1);

  copy->id = g_strdup (row->id ? row->id : "");
  copy->source = g_strdup (row->source ? row->source : "");
  copy->name = g_strdup (row->name ? row->name : "");
  copy->company = g_strdup (row->company ? row->company : "");
  copy->department = g_strdup (row->department ? row->department : "");
  copy->extension = g_strdup (row->extension ? row->extension : "");
  copy->numbers = strv_copy_or_empty (row->numbers);
  copy->uris = strv_copy_or_empty (row->uris);
  copy->emails = strv_copy_or_empty (row->emails);
  copy->photo = g_strdup (row->photo ? row->photo : "");
  copy->photo_etag = g_strdup (row->photo_etag ? row->photo_etag : "");
  copy->note = g_strdup (row->note ? row->note : "");
  copy->changed_us = row->changed_us;
  copy->favorite = row->favorite;
  return copy;
}

void
vo_contact_row_free (VoContactRow *row)
{
  if (!row)
    return;
  g_free (row->id);
  g_free (row->source);
  g_free (row->name);
  g_free (row->company);
  g_free (row->department);
  g_free (row->extension);
  g_strfreev (row->numbers);
  g_strfreev (row->uris);
  g_strfreev (row->emails);
  g_free (row->photo);
  g_free (row->photo_etag);
  g_free (row->note);
  g_free (row);
}

char *
vo_contact_list_join (const char *const *list)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; list && list[i]; i++) {
    if (!*list[i])
      continue;
    if (joined->len)
      g_string_append (joined, VO_CONTACT_LIST_SEPARATOR);
    g_string_append (joined, list[i]);
  }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

char **
vo_contact_list_split (const char *joined)
{
  if (!joined || !*joined)
    return g_new0 (char *, 1);
  return g_strsplit (joined, VO_CONTACT_LIST_SEPARATOR, -1);
}

static gboolean
check_text (const char *field, const char *text, gboolean in_list, GError **error)
{
  if (!text)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The contact's %s is not valid UTF-8 text", field);
    return FALSE;
  }
  if (in_list && strchr (text, VO_CONTACT_LIST_SEPARATOR[0])) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The contact's %s holds the control character U+001F", field);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_list (const char *field, const char *const *list, GError **error)
{
  for (guint i = 0; list && list[i]; i++)
    if (!check_text (field, list[i], TRUE, error))
      return FALSE;
  return TRUE;
}

gboolean
vo_contact_row_check (const VoContactRow *row, const char *const *keys,
                      const char *const *terms, GError **error)
{
  if (!row->id || !*row->id || !row->source || !*row->source) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "A contact needs an id and a source");
    return FALSE;
  }
  return check_text ("id", row->id, FALSE, error) &&
         check_text ("source", row->source, FALSE, error) &&
         check_text ("name", row->name, FALSE, error) &&
         check_text ("company", row->company, FALSE, error) &&
         check_text ("department", row->department, FALSE, error) &&
         check_text ("extension", row->extension, FALSE, error) &&
         check_text ("photo", row->photo, FALSE, error) &&
         check_text ("photo ETag", row->photo_etag, FALSE, error) &&
         check_text ("note", row->note, FALSE, error) &&
         check_list ("numbers", (const char *const *) row->numbers, error) &&
         check_list ("URIs", (const char *const *) row->uris, error) &&
         check_list ("e-mail addresses", (const char *const *) row->emails, error) &&
         check_list ("keys", keys, error) && check_list ("search terms", terms, error);
}
