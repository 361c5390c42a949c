/* vo-account-photo.c: checking, reading and caching the profile photo.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account-photo.h"
#include "vo-error.h"
#include "vo-service-client.h"
#include "vo-service-json.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

const char *
vo_account_photo_check (GBytes *image, GError **error)
{
  const char *type;

  if (g_bytes_get_size (image) > VO_SERVICE_PHOTO_MAX_BYTES) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The photo is larger than %u KiB; pass a smaller JPEG or PNG image",
                 VO_SERVICE_PHOTO_MAX_BYTES / 1024);
    return NULL;
  }
  /* What the service takes (docs/service-api.md §6), by signature. */
  type = vo_service_photo_type (image);
  if (type)
    return type;
  g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                       "The file is not a JPEG or PNG image; pass a photo in one of those "
                       "formats");
  return NULL;
}

static char *
photo_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "virtual-office", NULL);
}

char *
vo_account_photo_cached_path (const char *content_type)
{
  g_autofree char *dir = photo_dir ();

  return g_build_filename (dir, g_strcmp0 (content_type, "image/png") == 0 ? "photo.png"
                                                                          : "photo.jpg", NULL);
}

char *
vo_account_photo_cache (GBytes *image, const char *content_type, GError **error)
{
  g_autofree char *dir = photo_dir ();
  g_autofree char *png = vo_account_photo_cached_path ("image/png");
  g_autofree char *jpg = vo_account_photo_cached_path ("image/jpeg");
  const char *path;
  gsize size = 0;
  const char *data;

  if (!image) {
    g_unlink (png);
    g_unlink (jpg);
    return NULL;
  }
  path = g_strcmp0 (content_type, "image/png") == 0 ? png : jpg;
  data = g_bytes_get_data (image, &size);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, data, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, error)) {
    if (error && !*error)
      g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create %s: %s", dir,
                   g_strerror (errno));
    return NULL;
  }
  /* Only one cached copy: the other type's is stale. */
  g_unlink (path == png ? jpg : png);
  return g_strdup (path);
}

typedef struct {
  GInputStream *stream;
  GByteArray *data;
} PhotoRead;

static void
photo_read_free (PhotoRead *read)
{
  g_object_unref (read->stream);
  g_byte_array_unref (read->data);
  g_free (read);
}

static void photo_read_next (GTask *task);

static void
on_photo_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PhotoRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);

  if (!chunk) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                             "The photo could not be read from the file descriptor: %s",
                             error->message);
    g_clear_error (&error);
    g_object_unref (task);
    return;
  }
  g_byte_array_append (read->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  /* End of file, or one byte over the cap: enough to tell "too large". */
  if (g_bytes_get_size (chunk) == 0 || read->data->len > VO_SERVICE_PHOTO_MAX_BYTES) {
    g_task_return_pointer (task, g_byte_array_free_to_bytes (g_byte_array_ref (read->data)),
                           (GDestroyNotify) g_bytes_unref);
    g_object_unref (task);
    return;
  }
  photo_read_next (task);
}

static void
photo_read_next (GTask *task)
{
  PhotoRead *read = g_task_get_task_data (task);

  /* A regular file comes in one piece; a pipe in several. */
  g_input_stream_read_bytes_async (read->stream, VO_SERVICE_PHOTO_MAX_BYTES + 1 - read->data->len,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_photo_read, task);
}

void
vo_account_photo_read_async (int fd, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  PhotoRead *read = g_new0 (PhotoRead, 1);

  read->stream = g_unix_input_stream_new (fd, TRUE);
  read->data = g_byte_array_new ();
  g_task_set_source_tag (task, vo_account_photo_read_async);
  g_task_set_task_data (task, read, (GDestroyNotify) photo_read_free);
  photo_read_next (task);
}

GBytes *
vo_account_photo_read_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
