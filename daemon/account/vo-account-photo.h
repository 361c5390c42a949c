/* vo-account-photo.h: the profile photo: what may be uploaded, and the
 * cached copy PhotoPath points at.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "image/jpeg" or "image/png" by the content's signature, else
 * VO_ERROR_INVALID_ARGUMENT (not an image; larger than
 * VO_SERVICE_PHOTO_MAX_BYTES) saying what to pass instead. */
const char *vo_account_photo_check (GBytes *image, GError **error);

/* Where a photo of @content_type is cached:
 * $XDG_CACHE_HOME/virtual-office/photo.{png,jpg}. */
char *vo_account_photo_cached_path (const char *content_type);

/* $XDG_CACHE_HOME/virtual-office/photo.{jpg,png}: writes @image there
 * (atomically) and returns the path; NULL @image removes every cached copy
 * and returns NULL. */
char *vo_account_photo_cache (GBytes *image, const char *content_type, GError **error);

/* Reads at most VO_SERVICE_PHOTO_MAX_BYTES + 1 bytes of @fd (taken: closed
 * when done), without blocking the main loop on a pipe. */
void vo_account_photo_read_async (int fd, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
GBytes *vo_account_photo_read_finish (GAsyncResult *result, GError **error);

G_END_DECLS
