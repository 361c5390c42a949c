/* vo-fd-read.h: reading a file descriptor a D-Bus caller passed (a photo, a
 * vCard file) into memory, with a cap, without blocking the main loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads @fd (taken: closed when done) to its end, or to @max_bytes + 1 bytes,
 * so that the caller can tell "larger than @max_bytes" from "exactly it". A
 * directory, an fd not open for reading or a failed read fail
 * VO_ERROR_INVALID_ARGUMENT saying so. A pipe is read as it comes. */
void vo_fd_read_async (int fd, gsize max_bytes, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data);
GBytes *vo_fd_read_finish (GAsyncResult *result, GError **error);

G_END_DECLS
