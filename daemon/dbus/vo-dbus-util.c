/* vo-dbus-util.c: property mirroring and name mapping for the glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-util.h"
#include "vo-error.h"
#include "vo-states.h"

static void
on_source_notify (GObject *source, GParamSpec *pspec, gpointer user_data)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (user_data));
}

/* The core keeps states as enums; the API's strings are their nicks. */
static gboolean
enum_to_nick (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_string (to, vo_enum_to_nick (G_VALUE_TYPE (from), g_value_get_enum (from)));
  return TRUE;
}

void
vo_dbus_mirror_properties (GObject *source, GDBusInterfaceSkeleton *skeleton,
                           const char *const *names)
{
  for (guint i = 0; names[i]; i++) {
    g_autofree char *signal = g_strdup_printf ("notify::%s", names[i]);
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (source), names[i]);

    g_return_if_fail (pspec != NULL);
    if (G_IS_PARAM_SPEC_ENUM (pspec))
      g_object_bind_property_full (source, names[i], skeleton, names[i], G_BINDING_SYNC_CREATE,
                                   enum_to_nick, NULL, NULL, NULL);
    else
      g_object_bind_property (source, names[i], skeleton, names[i], G_BINDING_SYNC_CREATE);
    /* Connected after the binding's own handler, so the value is already copied. */
    g_signal_connect_object (source, signal, G_CALLBACK (on_source_notify), skeleton,
                             G_CONNECT_AFTER);
  }
}

char *
vo_dbus_name_to_kebab (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++) {
    if (g_ascii_isupper (*p) && p != name)
      g_string_append_c (s, '-');
    g_string_append_c (s, g_ascii_tolower (*p));
  }
  return g_string_free (s, FALSE);
}

int
vo_dbus_take_fd (GUnixFDList *fds, GVariant *fd_index, const char *what, GError **error)
{
  gint32 index = g_variant_get_handle (fd_index);
  g_autoptr(GError) fd_error = NULL;
  int fd;

  if (!fds || index < 0 || index >= g_unix_fd_list_get_length (fds)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "No file descriptor was passed; pass %s", what);
    return -1;
  }
  fd = g_unix_fd_list_get (fds, index, &fd_error);
  if (fd < 0)
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The file descriptor could not be used: %s", fd_error->message);
  return fd;
}
