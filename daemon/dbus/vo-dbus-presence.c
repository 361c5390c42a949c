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

#define VO_TYPE_DBUS_PRESENCE (vo_dbus_presence_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusPresence, vo_dbus_presence, VO, DBUS_PRESENCE, VoDbusPresence1Skeleton)

/* The generated skeleton, implementing the interface's methods on the core
 * object it exports. */
struct _VoDbusPresence {
  VoDbusPresence1Skeleton parent_instance;
  VoPresence *presence;
};

static void vo_dbus_presence_iface_init (VoDbusPresence1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusPresence, vo_dbus_presence, VO_DBUS_TYPE_PRESENCE1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_PRESENCE1,
                                                      vo_dbus_presence_iface_init))

static VoPresence *
presence_of (gpointer skeleton)
{
  return VO_DBUS_PRESENCE (skeleton)->presence;
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

static void
vo_dbus_presence_dispose (GObject *object)
{
  VoDbusPresence *self = VO_DBUS_PRESENCE (object);

  g_clear_object (&self->presence);
  G_OBJECT_CLASS (vo_dbus_presence_parent_class)->dispose (object);
}

static void
vo_dbus_presence_class_init (VoDbusPresenceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_presence_dispose;
}

static void
vo_dbus_presence_iface_init (VoDbusPresence1Iface *iface)
{
  iface->handle_set_status = on_handle_set_status;
  iface->handle_watch = on_handle_watch;
  iface->handle_get = on_handle_get;
}

static void
vo_dbus_presence_init (VoDbusPresence *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_presence_new (VoPresence *presence)
{
  VoDbusPresence *self = g_object_new (VO_TYPE_DBUS_PRESENCE, NULL);

  self->presence = g_object_ref (presence);
  vo_dbus_mirror_properties (G_OBJECT (presence), G_DBUS_INTERFACE_SKELETON (self), mirrored);
  g_signal_connect_object (presence, "changed", G_CALLBACK (on_changed), self, 0);
  return G_DBUS_INTERFACE_SKELETON (self);
}
