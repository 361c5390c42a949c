/* vo-fd-read.c: reading a passed file descriptor into memory, with a cap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fd-read.h"
#include "vo-error.h"

#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  GInputStream *stream;
  GByteArray *data;
  gsize max_bytes;
} FdRead;

static void
fd_read_free (FdRead *read)
{
  g_object_unref (read->stream);
  g_byte_array_unref (read->data);
  g_free (read);
}

static void fd_read_next (GTask *task);

static void
on_chunk_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  FdRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);

  if (!chunk) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                             "The file descriptor could not be read: %s", error->message);
    g_clear_error (&error);
    g_object_unref (task);
    return;
  }
  g_byte_array_append (read->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  /* End of file, or one byte over the cap: enough to tell "too large". */
  if (g_bytes_get_size (chunk) == 0 || read->data->len > read->max_bytes) {
    g_task_return_pointer (task, g_byte_array_free_to_bytes (g_byte_array_ref (read->data)),
                           (GDestroyNotify) g_bytes_unref);
    g_object_unref (task);
    return;
  }
  fd_read_next (task);
}

static void
fd_read_next (GTask *task)
{
  FdRead *read = g_task_get_task_data (task);

  /* A regular file comes in one piece; a pipe in several. */
  g_input_stream_read_bytes_async (read->stream, read->max_bytes + 1 - read->data->len,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_chunk_read, task);
}

/* Why @fd cannot be read, in words, or NULL when it can be tried. */
static const char *
fd_unreadable_reason (int fd)
{
  struct stat st;
  int flags = fcntl (fd, F_GETFL);

  if (flags < 0 || fstat (fd, &st) != 0)
    return "it is not an open file";
  if ((flags & O_ACCMODE) == O_WRONLY)
    return "it is not open for reading";
  if (S_ISDIR (st.st_mode))
    return "it is a directory";
  return NULL;
}

void
vo_fd_read_async (int fd, gsize max_bytes, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  const char *unreadable = fd_unreadable_reason (fd);
  FdRead *read;

  g_task_set_source_tag (task, vo_fd_read_async);
  if (unreadable) {
    close (fd);
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                             "The file descriptor cannot be read: %s; pass a file open for "
                             "reading", unreadable);
    g_object_unref (task);
    return;
  }
  read = g_new0 (FdRead, 1);
  read->stream = g_unix_input_stream_new (fd, TRUE);
  read->data = g_byte_array_new ();
  read->max_bytes = max_bytes;
  g_task_set_task_data (task, read, (GDestroyNotify) fd_read_free);
  fd_read_next (task);
}

GBytes *
vo_fd_read_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
