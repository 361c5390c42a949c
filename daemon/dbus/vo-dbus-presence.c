/* vo-dbus-presence.c: Presence1 methods → VoPresence; Status and Note
 * mirrored; VoPresence::changed → Changed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-presence.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"

static const char *const mirrored[] = { "status", "note", NULL };

static VoPresence *
presence_of (gpointer skeleton)
{
  return g_object_get_data (G_OBJECT (skeleton), "vo-presence");
}

static gboolean
on_handle_set_status (VoDbusPresence1 *skeleton, GDBusMethodInvocation *invocation,
                      const char *status, const char *note)
{
  g_autoptr(GError) error = NULL;
  VoPresenceStatus value;

  if (vo_presence_status_parse (status, &value, &error) &&
      vo_presence_set_status (presence_of (skeleton), value, note, &error))
    vo_dbus_presence1_complete_set_status (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_watch (VoDbusPresence1 *skeleton, GDBusMethodInvocation *invocation,
                 const char *const *uris)
{
  g_autoptr(GError) error = NULL;

  if (vo_presence_watch (presence_of (skeleton), uris, &error))
    vo_dbus_presence1_complete_watch (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_get (VoDbusPresence1 *skeleton, GDBusMethodInvocation *invocation,
               const char *const *uris)
{
  g_autoptr(GError) error = NULL;
  GVariant *presence = vo_presence_get (presence_of (skeleton), uris, &error);

  if (presence)
    vo_dbus_presence1_complete_get (skeleton, invocation, presence);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_changed (VoPresence *presence, GVariant *changes, gpointer user_data)
{
  vo_dbus_presence1_emit_changed (VO_DBUS_PRESENCE1 (user_data), changes);
}

GDBusInterfaceSkeleton *
vo_dbus_presence_new (VoPresence *presence)
{
  VoDbusPresence1 *skeleton = vo_dbus_presence1_skeleton_new ();

  g_object_set_data_full (G_OBJECT (skeleton), "vo-presence", g_object_ref (presence),
                          g_object_unref);
  vo_dbus_mirror_properties (G_OBJECT (presence), G_DBUS_INTERFACE_SKELETON (skeleton),
                             mirrored);
  g_signal_connect (skeleton, "handle-set-status", G_CALLBACK (on_handle_set_status), NULL);
  g_signal_connect (skeleton, "handle-watch", G_CALLBACK (on_handle_watch), NULL);
  g_signal_connect (skeleton, "handle-get", G_CALLBACK (on_handle_get), NULL);
  g_signal_connect_object (presence, "changed", G_CALLBACK (on_changed), skeleton, 0);
  return G_DBUS_INTERFACE_SKELETON (skeleton);
}
