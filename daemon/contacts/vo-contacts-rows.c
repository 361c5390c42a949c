/* vo-contacts-rows.c (vo-contact-keys.h): what the store indexes a contact by: the exact keys
 * Resolve looks up (numbers, extension, SIP URIs) and the digit forms
 * Search finds by prefix, computed in the account's region.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-contact-number.h"

/* Adds each of @more to @all once. */
static void
add_unique (GPtrArray *all, GHashTable *seen, char **more)
{
  for (guint i = 0; more[i]; i++) {
    /* Not g_hash_table_add() alone: it would keep the new copy as the key. */
    if (g_hash_table_contains (seen, more[i])) {
      g_free (more[i]);
    } else {
      g_hash_table_add (seen, more[i]);
      g_ptr_array_add (all, more[i]);
    }
  }
  g_free (more);
}

static GStrv
strv_from (GPtrArray *all)
{
  g_ptr_array_add (all, NULL);
  return (GStrv) g_ptr_array_free (all, FALSE);
}

GStrv
vo_contacts_row_keys (const VoContactRow *row, const char *region)
{
  GPtrArray *all = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; row->numbers[i]; i++)
    add_unique (all, seen, vo_contact_number_keys (row->numbers[i], region));
  for (guint i = 0; row->uris[i]; i++)
    add_unique (all, seen, vo_contact_number_keys (row->uris[i], region));
  if (*row->extension) {
    char **ext = g_new0 (char *, 2);

    /* Always the extension's own key, even when it looks like a national
     * number to the number rules (a leading 0, more digits). */
    ext[0] = g_strdup_printf ("ext:%s", row->extension);
    add_unique (all, seen, ext);
    add_unique (all, seen, vo_contact_number_keys (row->extension, region));
  }
  return strv_from (all);
}

GStrv
vo_contacts_row_terms (const VoContactRow *row, const char *region)
{
  GPtrArray *all = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; row->numbers[i]; i++)
    add_unique (all, seen, vo_contact_number_terms (row->numbers[i], region));
  return strv_from (all);
}

gboolean
vo_contacts_put_row (VoContacts *self, const VoContactRow *row, GError **error)
{
  const char *region = vo_contacts_region (self);
  g_auto(GStrv) keys = vo_contacts_row_keys (row, region);
  g_auto(GStrv) terms = vo_contacts_row_terms (row, region);

  return vo_contact_store_put (self->rows, row, (const char *const *) keys,
                               (const char *const *) terms, error);
}
