/* vo-contacts-import.c: ImportVCard and ExportVCard around
 * vo-contact-vcard.h (EDS's EVCard reads and writes the text): an import is
 * checked like Create and stored in one transaction, all or nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-contact-vcard.h"
#include "vo-error.h"

#include <glib/gstdio.h>

static void
remove_photos (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++) {
    const VoContactRow *row = g_ptr_array_index (rows, i);

    if (*row->photo)
      g_unlink (row->photo);
  }
}

/* Stores every row as a new personal contact in one transaction. */
static gboolean
store_imported (VoContacts *self, GPtrArray *rows, GError **error)
{
  if (!vo_contact_store_begin (self->rows, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++) {
    VoContactRow *row = g_ptr_array_index (rows, i);
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *what = g_strdup_printf ("card %u (%s)", i + 1, row->name);

    g_free (row->id);
    row->id = g_strconcat ("personal:", uuid, NULL);
    g_free (row->source);
    row->source = g_strdup ("personal");
    if (!vo_contacts_row_check (row, what, error) || !vo_contacts_put_row (self, row, error)) {
      vo_contact_store_rollback (self->rows);
      return FALSE;
    }
  }
  if (!vo_contact_store_commit (self->rows, error)) {
    vo_contact_store_rollback (self->rows);
    return FALSE;
  }
  return TRUE;
}

GStrv
vo_contacts_import_vcard (VoContacts *self, GBytes *vcard, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  if (!vcard || g_bytes_get_size (vcard) > VO_CONTACTS_MAX_VCARD_BYTES) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A vCard file to import is at most %d bytes", VO_CONTACTS_MAX_VCARD_BYTES);
    return NULL;
  }
  rows = vo_contact_vcard_parse (vcard, self->photo_dir, VO_CONTACTS_MAX_IMPORT_CARDS,
                                 VO_CONTACTS_MAX_FIELD, VO_CONTACTS_MAX_VALUES, error);
  if (!rows)
    return NULL;
  if (!store_imported (self, rows, error)) {
    remove_photos (rows);
    return NULL;
  }
  for (guint i = 0; i < rows->len; i++) {
    const VoContactRow *row = g_ptr_array_index (rows, i);

    g_strv_builder_add (ids, row->id);
    vo_contacts_emit_changed (self, row->id);
  }
  return g_strv_builder_end (ids);
}

GBytes *
vo_contacts_export_vcard (VoContacts *self, const char *const *ids, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vo_contact_row_free);
  g_auto(GStrv) personal = NULL;

  if (!ids || !ids[0]) {
    personal = vo_contact_store_ids (self->rows, "personal", error);
    if (!personal)
      return NULL;
    ids = (const char *const *) personal;
  }
  for (guint i = 0; ids[i]; i++) {
    VoContactRow *row = vo_contact_store_get (self->rows, ids[i], error);

    if (!row)
      return NULL;
    g_ptr_array_add (rows, row);
  }
  return vo_contact_vcard_write (rows);
}
