/* vo-dbus-service.c: owns org.virtualoffice and exports /org/virtualoffice.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "config.h"
#include "vo-dbus-service.h"
#include "vo-dbus-account.h"
#include "vo-dbus-calls.h"
#include "vo-dbus-forwarding.h"
#include "vo-dbus-contacts.h"
#include "vo-dbus-history.h"
#include "vo-dbus-messages.h"
#include "vo-dbus-presence.h"
#include "vo-dbus-settings.h"

struct _VoDbusService {
  GObject parent_instance;
  GDBusConnection *connection;
  GDBusObjectManagerServer *manager;
  GPtrArray *interfaces;
  guint name_id;
  gboolean acquired;
};

enum { SIGNAL_NAME_ACQUIRED, SIGNAL_NAME_LOST, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoDbusService, vo_dbus_service, G_TYPE_OBJECT)

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  VoDbusService *self = user_data;

  g_debug ("Owning %s", name);
  self->acquired = TRUE;
  g_signal_emit (self, signals[SIGNAL_NAME_ACQUIRED], 0);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  VoDbusService *self = user_data;

  if (self->acquired)
    g_message ("Another vo-daemon replaced this one on the bus");
  g_signal_emit (self, signals[SIGNAL_NAME_LOST], 0, self->acquired);
}

void
vo_dbus_service_unexport (VoDbusService *self)
{
  g_clear_handle_id (&self->name_id, g_bus_unown_name);
  for (guint i = 0; i < self->interfaces->len; i++)
    g_dbus_interface_skeleton_unexport (g_ptr_array_index (self->interfaces, i));
  g_ptr_array_set_size (self->interfaces, 0);
  if (self->manager)
    g_dbus_object_manager_server_set_connection (self->manager, NULL);
}

static void
vo_dbus_service_dispose (GObject *object)
{
  VoDbusService *self = VO_DBUS_SERVICE (object);

  if (self->interfaces)
    vo_dbus_service_unexport (self);
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  g_clear_object (&self->manager);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (vo_dbus_service_parent_class)->dispose (object);
}

static void
vo_dbus_service_class_init (VoDbusServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_service_dispose;

  signals[SIGNAL_NAME_ACQUIRED] = g_signal_new ("name-acquired", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 0);
  signals[SIGNAL_NAME_LOST] = g_signal_new ("name-lost", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
vo_dbus_service_init (VoDbusService *self)
{
  self->interfaces = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
service_export (VoDbusService *self, GDBusInterfaceSkeleton *skeleton, GError **error)
{
  g_ptr_array_add (self->interfaces, skeleton);
  return g_dbus_interface_skeleton_export (skeleton, self->connection, VO_OBJECT_PATH, error);
}

VoDbusService *
vo_dbus_service_new (GDBusConnection *connection, VoDaemon *daemon, gboolean replace,
                     GError **error)
{
  g_autoptr(VoDbusService) self = g_object_new (VO_TYPE_DBUS_SERVICE, NULL);
  GBusNameOwnerFlags flags = G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT;

  self->connection = g_object_ref (connection);
  /* Live objects (calls, conversations, meetings) appear below the root. */
  self->manager = g_dbus_object_manager_server_new (VO_OBJECT_PATH);
  g_dbus_object_manager_server_set_connection (self->manager, connection);

  if (!service_export (self, vo_dbus_account_new (vo_daemon_get_account (daemon)), error) ||
      !service_export (self, vo_dbus_settings_new (vo_daemon_get_settings (daemon)), error))
    return NULL;
  if (!service_export (self, vo_dbus_history_new (vo_daemon_get_history (daemon)), error) ||
      !service_export (self, vo_dbus_calls_new (vo_daemon_get_call_manager (daemon),
                                                self->manager), error) ||
      !service_export (self, vo_dbus_forwarding_new (vo_daemon_get_forwarding (daemon),
                                                     vo_daemon_get_call_manager (daemon)),
                       error))
    return NULL;
  if (!service_export (self, vo_dbus_presence_new (vo_daemon_get_presence (daemon)), error))
    return NULL;
  if (!service_export (self, vo_dbus_contacts_new (vo_daemon_get_contacts (daemon)), error))
    return NULL;
  if (!service_export (self, vo_dbus_messages_new (vo_daemon_get_message_manager (daemon),
                                                   self->manager), error))
    return NULL;

  if (replace)
    flags |= G_BUS_NAME_OWNER_FLAGS_REPLACE;
  self->name_id = g_bus_own_name_on_connection (connection, VO_BUS_NAME, flags,
                                                on_name_acquired, on_name_lost, self, NULL);
  return g_steal_pointer (&self);
}
