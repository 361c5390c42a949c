/* vo-account-photo.c: checking, reading and caching the profile photo.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account-photo.h"
#include "vo-error.h"
#include "vo-fd-read.h"
#include "vo-service-client.h"
#include "vo-service-json.h"

#include <errno.h>
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

void
vo_account_photo_read_async (int fd, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  vo_fd_read_async (fd, VO_SERVICE_PHOTO_MAX_BYTES, cancellable, callback, user_data);
}

GBytes *
vo_account_photo_read_finish (GAsyncResult *result, GError **error)
{
  return vo_fd_read_finish (result, error);
}
