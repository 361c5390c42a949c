/* vo-contacts-company.c: the company directory's cache. A delta sync from
 * the stored token (pages of 500, each page one store transaction, the
 * token saved with the last page); a full sync with mark and sweep when the
 * token expired or the service asked for a resync. One sync at a time;
 * asked again meanwhile, another runs after it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-service-error.h"
#include "vo-error.h"

#define SYNC_TOKEN_KEY "directory-sync-token"

static void sync_start (VoContacts *self);

static VoContactRow *
row_from_entry (VoContacts *self, const VoServiceDirectoryEntry *entry)
{
  VoContactRow *row = vo_contact_row_new ();

#define SET(field, value) (g_free (row->field), row->field = g_strdup (value))
  g_free (row->id);
  row->id = g_strconcat ("company:", entry->id, NULL);
  SET (source, "company");
  SET (name, *entry->display_name ? entry->display_name : entry->id);
  SET (extension, entry->extension);
  SET (company, entry->company);
  SET (department, entry->department);
  SET (photo_etag, entry->photo_etag ? entry->photo_etag : "");
#undef SET
  g_strfreev (row->numbers);
  row->numbers = g_strdupv (entry->numbers);
  g_strfreev (row->emails);
  row->emails = g_strdupv (entry->emails);
  g_strfreev (row->uris);
  row->uris = g_new0 (char *, 2);
  if (*entry->sip_uri)
    row->uris[0] = g_strdup (entry->sip_uri);
  /* A photo of this etag downloaded before (an earlier sync) is kept. */
  g_free (row->photo);
  row->photo = vo_contacts_photo_cached (self, row->id, row->photo_etag);
  return row;
}

static void
sync_finish (VoContacts *self)
{
  self->sync_busy = FALSE;
  g_clear_pointer (&self->sync_seen, g_hash_table_unref);
  if (self->sync_again || self->sync_full_wanted)
    sync_start (self);
}

/* Full sync, last page: every company row the pages did not hold is gone. */
static gboolean
sweep (VoContacts *self, GError **error)
{
  g_auto(GStrv) ids = vo_contact_store_ids (self->rows, "company", error);

  if (!ids)
    return FALSE;
  for (guint i = 0; ids[i]; i++) {
    if (g_hash_table_contains (self->sync_seen, ids[i]))
      continue;
    vo_contacts_photo_remove (self, ids[i]);
    if (!vo_contact_store_delete (self->rows, ids[i], error))
      return FALSE;
    vo_contacts_emit_changed (self, ids[i]);
  }
  return TRUE;
}

static gboolean
store_page_rows (VoContacts *self, VoServiceDirectoryPage *page, GError **error)
{
  for (guint i = 0; i < page->items->len; i++) {
    g_autoptr(VoContactRow) row = row_from_entry (self, g_ptr_array_index (page->items, i));

    vo_contacts_photo_carry_over (self, row);
    if (!vo_contacts_put_row (self, row, error))
      return FALSE;
    if (self->sync_seen)
      g_hash_table_add (self->sync_seen, g_strdup (row->id));
    vo_contacts_emit_changed (self, row->id);
  }
  for (guint i = 0; page->deleted[i]; i++) {
    g_autofree char *id = g_strconcat ("company:", page->deleted[i], NULL);
    g_autoptr(GError) delete_error = NULL;

    vo_contacts_photo_remove (self, id);
    if (!vo_contact_store_delete (self->rows, id, &delete_error)) {
      if (!g_error_matches (delete_error, VO_ERROR, VO_ERROR_NOT_FOUND)) {
        g_propagate_error (error, g_steal_pointer (&delete_error));
        return FALSE;
      }
      continue;
    }
    vo_contacts_emit_changed (self, id);
  }
  if (!page->next) {
    if (self->sync_full && !sweep (self, error))
      return FALSE;
    if (!vo_contact_store_set_state (self->rows, SYNC_TOKEN_KEY,
                                     page->sync_token ? page->sync_token : "", error))
      return FALSE;
  }
  return TRUE;
}

/* One page in one transaction: a crash keeps whole pages and, without the
 * last one, the old token (the next sync fetches the rest again). */
static gboolean
store_page (VoContacts *self, VoServiceDirectoryPage *page, GError **error)
{
  if (!vo_contact_store_begin (self->rows, error))
    return FALSE;
  if (!store_page_rows (self, page, error) || !vo_contact_store_commit (self->rows, error)) {
    vo_contact_store_rollback (self->rows);
    return FALSE;
  }
  return TRUE;
}

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoContacts) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VoServiceDirectoryPage) page = NULL;
  VoServiceClient *client;

  page = vo_service_client_get_directory_page_finish (VO_SERVICE_CLIENT (source), result, &error);
  if (vo_contacts_service_call_cancelled (error) || self->shut_down)
    return;
  if (!page) {
    if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SYNC_EXPIRED)) {
      g_message ("The directory's sync token expired: fetching all of it again");
      self->sync_full_wanted = TRUE;
    } else {
      /* Tried again on the next change, resync or when back online. */
      g_message ("The company directory could not be fetched: %s", error->message);
    }
    sync_finish (self);
    return;
  }
  self->sync_pages++;
  self->sync_rows += page->items->len;
  if (!store_page (self, page, &error)) {
    g_warning ("The company directory could not be stored: %s", error->message);
    sync_finish (self);
    return;
  }
  client = page->next ? vo_contacts_online_client (self, "directory") : NULL;
  if (client) {
    vo_service_client_get_directory_page_async (client, page->next, NULL, self->cancellable,
                                                on_page, g_object_ref (self));
    return;
  }
  if (!page->next)
    g_message ("Company directory %s: %u entries in %u pages, %.2f s",
               self->sync_full ? "fetched" : "updated", self->sync_rows, self->sync_pages,
               (g_get_monotonic_time () - self->sync_start_us) / (double) G_USEC_PER_SEC);
  sync_finish (self);
}

static void
sync_start (VoContacts *self)
{
  VoServiceClient *client = vo_contacts_online_client (self, "directory");
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  self->sync_again = FALSE;
  if (!client)
    return;
  if (!self->sync_full_wanted) {
    token = vo_contact_store_get_state (self->rows, SYNC_TOKEN_KEY, &error);
    if (error)
      g_warning ("Reading the directory's sync token: %s", error->message);
  }
  self->sync_full_wanted = FALSE;
  self->sync_full = !token || !*token;
  if (self->sync_full)
    self->sync_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sync_busy = TRUE;
  self->sync_pages = 0;
  self->sync_rows = 0;
  self->sync_start_us = g_get_monotonic_time ();
  vo_service_client_get_directory_page_async (client, NULL, self->sync_full ? NULL : token,
                                              self->cancellable, on_page, g_object_ref (self));
}

void
vo_contacts_company_sync (VoContacts *self, gboolean full)
{
  if (full)
    self->sync_full_wanted = TRUE;
  if (self->sync_busy) {
    self->sync_again = TRUE;
    return;
  }
  sync_start (self);
}

/* Signed out: the next account may be another person's. Personal contacts
 * stay; the company cache, its token, photos and the favorites go. */
void
vo_contacts_company_forget (VoContacts *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = vo_contact_store_ids (self->rows, "company", &error);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->sync_busy = FALSE;
  self->sync_again = FALSE;
  self->sync_full_wanted = FALSE;
  self->favorites_busy = FALSE;
  self->favorites_again = FALSE;
  g_clear_pointer (&self->sync_seen, g_hash_table_unref);
  vo_contacts_photos_clear (self);
  if (!ids || !vo_contact_store_delete_source (self->rows, "company", NULL, &error) ||
      !vo_contact_store_set_state (self->rows, SYNC_TOKEN_KEY, "", &error) ||
      !vo_contacts_favorites_forget (self, &error)) {
    g_warning ("Forgetting the signed-out account's contacts: %s", error->message);
    return;
  }
  for (guint i = 0; ids[i]; i++)
    vo_contacts_emit_changed (self, ids[i]);
}
