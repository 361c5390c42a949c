/* vo-ctl-bus.c: the session bus, finding (or starting) vo-daemon on it, and
 * the generated VoDbus proxies every command talks to it through.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-common.h"

gboolean
vo_ctl_get_bus (VoCtl *ctl, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (ctl->bus)
    return TRUE;

  ctl->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &local_error);
  if (!ctl->bus) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                 "cannot connect to the session bus: %s (is DBUS_SESSION_BUS_ADDRESS set?)",
                 local_error->message);
    return FALSE;
  }
  return TRUE;
}

/* A method of the bus itself (org.freedesktop.DBus), which has no generated
 * proxy. */
static GVariant *
call_bus (VoCtl *ctl, const char *method, GVariant *parameters, const char *reply_type,
          GError **error)
{
  return g_dbus_connection_call_sync (ctl->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus", method, parameters,
                                      G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, -1,
                                      NULL, error);
}

gboolean
vo_ctl_daemon_is_running (VoCtl *ctl)
{
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = call_bus (ctl, "NameHasOwner", g_variant_new ("(s)", VO_BUS_NAME), "(b)", NULL);
  if (reply)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

gboolean
vo_ctl_connect (VoCtl *ctl, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) local_error = NULL;

  if (ctl->daemon_checked)
    return TRUE;
  if (!vo_ctl_get_bus (ctl, error))
    return FALSE;

  if (vo_ctl_daemon_is_running (ctl)) {
    ctl->daemon_checked = TRUE;
    return TRUE;
  }

  /* Not there: start it if a service file says how (D-Bus activation). */
  reply = call_bus (ctl, "StartServiceByName", g_variant_new ("(su)", VO_BUS_NAME, 0), "(u)",
                    &local_error);
  if (reply) {
    ctl->daemon_checked = TRUE;
    return TRUE;
  }

  if (g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, VO_CTL_NOT_RUNNING_MESSAGE);
    return FALSE;
  }
  g_dbus_error_strip_remote_error (local_error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "vo-daemon could not be started: %s",
               local_error->message);
  return FALSE;
}

typedef struct {
  VoCtlSignalFunc func;
  gpointer user_data;
} SignalHandler;

static void
on_daemon_signal (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *member,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  SignalHandler *handler = user_data;

  handler->func (path, interface, member, parameters, handler->user_data);
}

guint
vo_ctl_subscribe_daemon_signals (VoCtl *ctl, VoCtlSignalFunc func, gpointer user_data)
{
  SignalHandler *handler = g_new0 (SignalHandler, 1);

  handler->func = func;
  handler->user_data = user_data;
  return g_dbus_connection_signal_subscribe (ctl->bus, VO_BUS_NAME, NULL, NULL, NULL, NULL,
                                             G_DBUS_SIGNAL_FLAGS_NONE, on_daemon_signal, handler,
                                             g_free);
}

gpointer
vo_ctl_proxy_new (VoCtl              *ctl,
                  GType               proxy_type,
                  GDBusInterfaceInfo *info,
                  const char         *path,
                  GDBusProxyFlags     flags,
                  GError            **error)
{
  if (!vo_ctl_connect (ctl, error))
    return NULL;
  /* What the generated *_proxy_new_sync() do, for any interface. */
  return g_initable_new (proxy_type, NULL, error, "g-flags", flags, "g-name", VO_BUS_NAME,
                         "g-connection", ctl->bus, "g-object-path", path, "g-interface-name",
                         info->name, "g-interface-info", info, NULL);
}

VoDbusAccount1 *
vo_ctl_account_proxy (VoCtl *ctl, GError **error)
{
  return vo_ctl_proxy_new (ctl, VO_DBUS_TYPE_ACCOUNT1_PROXY, vo_dbus_account1_interface_info (),
                           VO_OBJECT_PATH, G_DBUS_PROXY_FLAGS_NONE, error);
}

/* VO_CTL_PROPERTIES_INTERFACE's METHOD about PROXY's interface. */
static GVariant *
call_properties (gpointer proxy, const char *method, GVariant *parameters, int timeout_ms,
                 GError **error)
{
  g_autofree char *name = g_strconcat (VO_CTL_PROPERTIES_INTERFACE ".", method, NULL);

  return g_dbus_proxy_call_sync (proxy, name, parameters, G_DBUS_CALL_FLAGS_NONE, timeout_ms,
                                 NULL, error);
}

GVariant *
vo_ctl_get_all (VoCtl *ctl, GDBusInterfaceInfo *info, const char *path, GError **error)
{
  g_autoptr (GDBusProxy) proxy = NULL;
  g_autoptr (GVariant) reply = NULL;
  GVariant *properties;

  proxy = vo_ctl_proxy_new (ctl, G_TYPE_DBUS_PROXY, info, path, VO_CTL_METHOD_PROXY_FLAGS, error);
  if (!proxy)
    return NULL;
  reply = call_properties (proxy, "GetAll", g_variant_new ("(s)", info->name), -1, error);
  if (!reply)
    return NULL;
  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE ("(a{sv})"))) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "Method 'GetAll' returned type '%s', but expected '(a{sv})'",
                 g_variant_get_type_string (reply));
    return NULL;
  }
  g_variant_get (reply, "(@a{sv})", &properties);
  return properties;
}

GVariant *
vo_ctl_get_property (gpointer proxy, const char *name, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *value;

  value = g_dbus_proxy_get_cached_property (proxy, name);
  if (value)
    return value;

  reply = call_properties (proxy, "Get",
                           g_variant_new ("(ss)", g_dbus_proxy_get_interface_name (proxy), name),
                           -1, error);
  if (!reply)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  return value;
}

gboolean
vo_ctl_set_property (gpointer proxy, const char *name, GVariant *value, int timeout_ms,
                     GError **error)
{
  g_autoptr (GVariant) reply = NULL;

  reply = call_properties (proxy, "Set",
                           g_variant_new ("(ssv)", g_dbus_proxy_get_interface_name (proxy), name,
                                          value),
                           timeout_ms, error);
  return reply != NULL;
}

GDBusObjectManager *
vo_ctl_object_manager (VoCtl *ctl, GError **error)
{
  if (!vo_ctl_connect (ctl, error))
    return NULL;
  return vo_dbus_object_manager_client_new_sync (ctl->bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                 VO_BUS_NAME, VO_OBJECT_PATH, NULL, error);
}

GVariant *
vo_ctl_cached_properties (gpointer proxy)
{
  g_auto (GStrv) names = g_dbus_proxy_get_cached_property_names (proxy);
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  for (char **name = names; name && *name; name++) {
    g_autoptr (GVariant) value = g_dbus_proxy_get_cached_property (proxy, *name);

    g_variant_dict_insert_value (&dict, *name, value);
  }
  return g_variant_dict_end (&dict);
}
