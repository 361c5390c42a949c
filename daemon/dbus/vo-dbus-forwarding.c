/* vo-dbus-forwarding.c: Forwarding1.SetRule → VoForwarding; Rules mirrored.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-forwarding.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"

static const char *const mirrored[] = { "rules", NULL };

#define VO_TYPE_DBUS_FORWARDING (vo_dbus_forwarding_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusForwarding, vo_dbus_forwarding, VO, DBUS_FORWARDING, VoDbusForwarding1Skeleton)

/* The generated skeleton, implementing the interface's methods on the core
 * object it exports. */
struct _VoDbusForwarding {
  VoDbusForwarding1Skeleton parent_instance;
  VoForwarding *forwarding;
  VoCallManager *calls;     /* checks targets as Dial does */
};

static void vo_dbus_forwarding_iface_init (VoDbusForwarding1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusForwarding, vo_dbus_forwarding, VO_DBUS_TYPE_FORWARDING1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_FORWARDING1,
                                                      vo_dbus_forwarding_iface_init))

static gboolean
on_set_rule (VoDbusForwarding1 *skeleton, GDBusMethodInvocation *invocation,
             const char *condition, gboolean enabled, const char *target, guint timeout_s)
{
  VoForwarding *forwarding = VO_DBUS_FORWARDING (skeleton)->forwarding;
  VoCallManager *calls = VO_DBUS_FORWARDING (skeleton)->calls;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  /* A target is checked like a Dial target, also when the rule is switched
   * off, so nothing malformed is ever stored. */
  if (*target) {
    uri = vo_call_manager_target_uri (calls, target, &error);
    if (!uri) {
      vo_error_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  }
  if (vo_forwarding_set_rule (forwarding, condition, enabled, uri, timeout_s, &error))
    vo_dbus_forwarding1_complete_set_rule (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
vo_dbus_forwarding_dispose (GObject *object)
{
  VoDbusForwarding *self = VO_DBUS_FORWARDING (object);

  g_clear_object (&self->forwarding);
  g_clear_object (&self->calls);
  G_OBJECT_CLASS (vo_dbus_forwarding_parent_class)->dispose (object);
}

static void
vo_dbus_forwarding_class_init (VoDbusForwardingClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_forwarding_dispose;
}

static void
vo_dbus_forwarding_iface_init (VoDbusForwarding1Iface *iface)
{
  iface->handle_set_rule = on_set_rule;
}

static void
vo_dbus_forwarding_init (VoDbusForwarding *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_forwarding_new (VoForwarding *forwarding, VoCallManager *calls)
{
  VoDbusForwarding *self = g_object_new (VO_TYPE_DBUS_FORWARDING, NULL);

  self->forwarding = g_object_ref (forwarding);
  self->calls = g_object_ref (calls);
  vo_dbus_mirror_properties (G_OBJECT (forwarding), G_DBUS_INTERFACE_SKELETON (self), mirrored);
  return G_DBUS_INTERFACE_SKELETON (self);
}
