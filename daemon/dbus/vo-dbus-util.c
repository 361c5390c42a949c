/* vo-dbus-util.c: property mirroring and name mapping for the glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-util.h"

static void
on_source_notify (GObject *source, GParamSpec *pspec, gpointer user_data)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (user_data));
}

void
vo_dbus_mirror_properties (GObject *source, GDBusInterfaceSkeleton *skeleton,
                           const char *const *names)
{
  for (guint i = 0; names[i]; i++) {
    g_autofree char *signal = g_strdup_printf ("notify::%s", names[i]);

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
