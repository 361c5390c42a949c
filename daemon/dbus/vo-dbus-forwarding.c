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

static gboolean
on_set_rule (VoDbusForwarding1 *skeleton, GDBusMethodInvocation *invocation,
             const char *condition, gboolean enabled, const char *target, guint timeout_s,
             gpointer user_data)
{
  VoForwarding *forwarding = g_object_get_data (G_OBJECT (skeleton), "vo-forwarding");
  VoCallManager *calls = g_object_get_data (G_OBJECT (skeleton), "vo-call-manager");
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

GDBusInterfaceSkeleton *
vo_dbus_forwarding_new (VoForwarding *forwarding, VoCallManager *calls)
{
  VoDbusForwarding1 *skeleton = vo_dbus_forwarding1_skeleton_new ();

  g_object_set_data_full (G_OBJECT (skeleton), "vo-forwarding", g_object_ref (forwarding),
                          g_object_unref);
  g_object_set_data_full (G_OBJECT (skeleton), "vo-call-manager", g_object_ref (calls),
                          g_object_unref);
  vo_dbus_mirror_properties (G_OBJECT (forwarding), G_DBUS_INTERFACE_SKELETON (skeleton),
                             mirrored);
  g_signal_connect (skeleton, "handle-set-rule", G_CALLBACK (on_set_rule), NULL);
  return G_DBUS_INTERFACE_SKELETON (skeleton);
}
