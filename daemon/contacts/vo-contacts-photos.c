/* vo-contacts-photos.c: company photos, fetched only when a contact is
 * shown (its dictionary built) and cached in $XDG_CACHE_HOME: at most a few
 * downloads at a time, each photo once. The file's name holds the etag's
 * hash, so a changed photo is a new file and a cached one is found again
 * after a restart or a full sync.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-error.h"

#include <glib/gstdio.h>

/* The escaped id keeps file names apart ("a:b" and "a_b" stay two). */
static char *
photo_prefix (const char *id)
{
  return g_uri_escape_string (id, NULL, FALSE);
}

static char *
photo_path (VoContacts *self, const char *id, const char *etag)
{
  g_autofree char *prefix = photo_prefix (id);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, etag, -1);
  g_autofree char *name = g_strdup_printf ("%s-%.16s", prefix, hash);

  return g_build_filename (self->photo_dir, name, NULL);
}

char *
vo_contacts_photo_cached (VoContacts *self, const char *id, const char *etag)
{
  g_autofree char *path = NULL;

  if (!etag || !*etag)
    return g_strdup ("");
  path = photo_path (self, id, etag);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : g_strdup ("");
}

/* The directory changed @row's entry: a changed photo's old file is shown
 * until the new one is fetched (which removes it); a removed photo's file
 * goes now. */
void
vo_contacts_photo_carry_over (VoContacts *self, VoContactRow *row)
{
  g_autoptr(VoContactRow) old = NULL;

  if (*row->photo)
    return;  /* this etag's photo is cached already */
  old = vo_contact_store_get (self->rows, row->id, NULL);
  if (!old || !*old->photo)
    return;
  if (*row->photo_etag) {
    g_free (row->photo);
    row->photo = g_strdup (old->photo);
  } else if (g_str_has_prefix (old->photo, self->photo_dir)) {
    g_unlink (old->photo);
  }
}

typedef struct {
  VoContacts *self;
  char *id;
  char *etag;
} Download;

static void
download_free (Download *download)
{
  g_object_unref (download->self);
  g_free (download->id);
  g_free (download->etag);
  g_free (download);
}

static void photos_run (VoContacts *self);

/* The row still has this photo: point it at the new file, drop the old. */
static void
photo_store (VoContacts *self, Download *download, GBytes *image)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoContactRow) row = vo_contact_store_get (self->rows, download->id, NULL);
  g_autofree char *path = NULL;

  if (!row || !g_str_equal (row->photo_etag, download->etag))
    return;  /* deleted or changed meanwhile */
  path = photo_path (self, download->id, download->etag);
  if (!g_file_set_contents_full (path, g_bytes_get_data (image, NULL), g_bytes_get_size (image),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)) {
    g_warning ("Caching the photo of %s: %s", download->id, error->message);
    return;
  }
  if (*row->photo && !g_str_equal (row->photo, path))
    g_unlink (row->photo);
  g_free (row->photo);
  row->photo = g_steal_pointer (&path);
  if (!vo_contacts_put_row (self, row, &error)) {
    g_warning ("Storing the photo of %s: %s", download->id, error->message);
    return;
  }
  vo_contacts_emit_changed (self, row->id);
}

static void
on_photo (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Download *download = user_data;
  VoContacts *self = download->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = vo_service_client_get_directory_photo_finish (
    VO_SERVICE_CLIENT (source), result, NULL, &error);

  if (vo_contacts_service_call_cancelled (error) || self->shut_down) {
    download_free (download);
    return;
  }
  self->photo_running--;
  if (image)
    photo_store (self, download, image);
  else
    g_message ("The photo of %s could not be fetched: %s", download->id, error->message);
  /* Not asked for again this run when it failed: the etag stays "wanted". */
  if (image)
    g_hash_table_remove (self->photo_wanted, download->id);
  photos_run (self);
  download_free (download);
}

static void
photos_run (VoContacts *self)
{
  while (self->photo_running < VO_CONTACTS_PHOTO_DOWNLOADS && self->photo_queue.length > 0) {
    VoServiceClient *client = vo_contacts_online_client (self, "directory");
    g_autofree char *id = g_queue_pop_head (&self->photo_queue);
    Download *download;

    if (!client) {
      /* Offline: forget the queue; the next List asks again. */
      g_hash_table_remove (self->photo_wanted, id);
      continue;
    }
    download = g_new0 (Download, 1);
    download->self = g_object_ref (self);
    download->id = g_strdup (id);
    download->etag = g_strdup (g_hash_table_lookup (self->photo_wanted, id));
    self->photo_running++;
    vo_service_client_get_directory_photo_async (client, id + strlen ("company:"),
                                                 self->cancellable, on_photo, download);
  }
}

void
vo_contacts_photo_want (VoContacts *self, const VoContactRow *row)
{
  const char *etag = g_hash_table_lookup (self->photo_wanted, row->id);

  if (!*row->photo_etag || !g_str_has_prefix (row->id, "company:") || self->shut_down)
    return;
  if (etag && g_str_equal (etag, row->photo_etag))
    return;  /* queued, downloading or failed this run */
  if (*row->photo && g_file_test (row->photo, G_FILE_TEST_IS_REGULAR)) {
    g_autofree char *path = photo_path (self, row->id, row->photo_etag);

    if (g_str_equal (path, row->photo))
      return;
  }
  if (!etag)
    g_queue_push_tail (&self->photo_queue, g_strdup (row->id));
  g_hash_table_replace (self->photo_wanted, g_strdup (row->id), g_strdup (row->photo_etag));
  photos_run (self);
}

/* Removes the cached photo of @id, before its row is deleted. */
void
vo_contacts_photo_remove (VoContacts *self, const char *id)
{
  g_autoptr(VoContactRow) row = vo_contact_store_get (self->rows, id, NULL);

  if (row && *row->photo && g_str_has_prefix (row->photo, self->photo_dir))
    g_unlink (row->photo);
}

/* Signed out: every company photo and every queued download goes. */
void
vo_contacts_photos_clear (VoContacts *self)
{
  g_autofree char *company = photo_prefix ("company:");
  g_autoptr(GDir) dir = g_dir_open (self->photo_dir, 0, NULL);
  const char *name;

  g_queue_clear_full (&self->photo_queue, g_free);
  g_hash_table_remove_all (self->photo_wanted);
  self->photo_running = 0;
  while (dir && (name = g_dir_read_name (dir))) {
    if (g_str_has_prefix (name, company)) {
      g_autofree char *path = g_build_filename (self->photo_dir, name, NULL);

      g_unlink (path);
    }
  }
}
