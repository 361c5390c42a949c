/* vo-network-monitor.c: NetworkManager's primary connection, GNetworkMonitor as fallback.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-network-monitor.h"

#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"
#define NM_STATE_CONNECTED_LOCAL 50
/* GNetworkMonitor fires several times per change; wait for it to settle. */
#define SETTLE_MS 500
/* NetworkManager updates its properties in one burst. */
#define NM_SETTLE_MS 200

struct _VoNetworkMonitor {
  GObject parent_instance;
  GDBusProxy *nm;
  GNetworkMonitor *fallback;
  gulong fallback_handler;
  VoNetworkType type;
  char *primary_connection;
  guint settle_id;
  guint fallback_settle_id;
  GCancellable *cancellable;
};

enum { PROP_0, PROP_NETWORK_TYPE, N_PROPS };
static GParamSpec *props[N_PROPS];
enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoNetworkMonitor, vo_network_monitor, G_TYPE_OBJECT)

const char *
vo_network_type_to_string (VoNetworkType type)
{
  switch (type) {
  case VO_NETWORK_NONE: return "none";
  case VO_NETWORK_WIFI: return "wifi";
  case VO_NETWORK_ETHERNET: return "ethernet";
  case VO_NETWORK_CELLULAR: return "cellular";
  case VO_NETWORK_UNKNOWN:
  default: return "unknown";
  }
}

static VoNetworkType
type_from_nm_connection_type (const char *type)
{
  if (!type || !*type)
    return VO_NETWORK_UNKNOWN;
  if (g_str_equal (type, "802-11-wireless") || g_str_equal (type, "wifi"))
    return VO_NETWORK_WIFI;
  if (g_str_equal (type, "802-3-ethernet") || g_str_equal (type, "ethernet"))
    return VO_NETWORK_ETHERNET;
  if (g_str_equal (type, "gsm") || g_str_equal (type, "cdma") || g_str_equal (type, "wimax"))
    return VO_NETWORK_CELLULAR;
  return VO_NETWORK_UNKNOWN;
}

static gboolean
on_settled (gpointer user_data)
{
  VoNetworkMonitor *self = user_data;

  self->settle_id = 0;
  if (self->type != VO_NETWORK_NONE)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
monitor_update (VoNetworkMonitor *self, VoNetworkType type, const char *connection_id)
{
  gboolean type_changed = type != self->type;
  gboolean connection_changed = g_strcmp0 (connection_id, self->primary_connection) != 0;

  if (connection_changed) {
    g_free (self->primary_connection);
    self->primary_connection = g_strdup (connection_id);
  }
  if (type_changed) {
    g_debug ("Network type: %s → %s", vo_network_type_to_string (self->type),
             vo_network_type_to_string (type));
    self->type = type;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NETWORK_TYPE]);
  }
  /* NetworkManager changes several properties for one switch: announce the
   * change once, after they settle. */
  if ((type_changed || connection_changed) && type != VO_NETWORK_NONE) {
    g_clear_handle_id (&self->settle_id, g_source_remove);
    self->settle_id = g_timeout_add (NM_SETTLE_MS, on_settled, self);
  }
}

static void
monitor_read_nm (VoNetworkMonitor *self)
{
  g_autoptr(GVariant) state = g_dbus_proxy_get_cached_property (self->nm, "State");
  g_autoptr(GVariant) type = g_dbus_proxy_get_cached_property (self->nm,
                                                               "PrimaryConnectionType");
  g_autoptr(GVariant) primary = g_dbus_proxy_get_cached_property (self->nm,
                                                                  "PrimaryConnection");
  const char *primary_path = primary && g_variant_is_of_type (primary, G_VARIANT_TYPE_OBJECT_PATH)
                             ? g_variant_get_string (primary, NULL) : "/";
  VoNetworkType result;

  if (state && g_variant_is_of_type (state, G_VARIANT_TYPE_UINT32) &&
      g_variant_get_uint32 (state) < NM_STATE_CONNECTED_LOCAL)
    result = VO_NETWORK_NONE;
  else if (type && g_variant_is_of_type (type, G_VARIANT_TYPE_STRING))
    result = type_from_nm_connection_type (g_variant_get_string (type, NULL));
  else
    result = VO_NETWORK_UNKNOWN;
  monitor_update (self, result, primary_path);
}

static void
monitor_read_fallback (VoNetworkMonitor *self)
{
  gboolean available = g_network_monitor_get_network_available (self->fallback);

  monitor_update (self, available ? VO_NETWORK_UNKNOWN : VO_NETWORK_NONE, self->primary_connection);
}

static gboolean
on_fallback_settled (gpointer user_data)
{
  VoNetworkMonitor *self = user_data;
  g_autofree char *owner = self->nm ? g_dbus_proxy_get_name_owner (self->nm) : NULL;

  self->fallback_settle_id = 0;
  if (owner)
    return G_SOURCE_REMOVE;
  monitor_read_fallback (self);
  /* Same type, but the network did change: register again all the same. */
  if (self->type != VO_NETWORK_NONE)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
on_fallback_network_changed (GNetworkMonitor *monitor, gboolean available, gpointer user_data)
{
  VoNetworkMonitor *self = user_data;

  g_clear_handle_id (&self->fallback_settle_id, g_source_remove);
  self->fallback_settle_id = g_timeout_add (SETTLE_MS, on_fallback_settled, self);
}

static void
monitor_refresh_source (VoNetworkMonitor *self)
{
  g_autofree char *owner = self->nm ? g_dbus_proxy_get_name_owner (self->nm) : NULL;

  if (owner) {
    g_debug ("Following NetworkManager (%s)", owner);
    monitor_read_nm (self);
  } else {
    g_debug ("NetworkManager is not on the system bus; following GNetworkMonitor");
    monitor_read_fallback (self);
  }
}

static void
on_nm_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
                          gpointer user_data)
{
  monitor_read_nm (VO_NETWORK_MONITOR (user_data));
}

static void
on_nm_owner_changed (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  monitor_refresh_source (VO_NETWORK_MONITOR (user_data));
}

static void
on_nm_proxy_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusProxy *proxy = g_dbus_proxy_new_for_bus_finish (result, &error);
  VoNetworkMonitor *self;

  if (!proxy) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    self = user_data;
    g_debug ("No system bus for NetworkManager (%s)", error->message);
    monitor_refresh_source (self);
    return;
  }
  self = user_data;
  self->nm = proxy;
  g_signal_connect_object (proxy, "g-properties-changed", G_CALLBACK (on_nm_properties_changed),
                           self, 0);
  g_signal_connect_object (proxy, "notify::g-name-owner", G_CALLBACK (on_nm_owner_changed), self,
                           0);
  monitor_refresh_source (self);
}

static void
vo_network_monitor_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  VoNetworkMonitor *self = VO_NETWORK_MONITOR (object);

  switch (prop_id) {
  case PROP_NETWORK_TYPE:
    g_value_set_int (value, self->type);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_network_monitor_dispose (GObject *object)
{
  VoNetworkMonitor *self = VO_NETWORK_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_clear_handle_id (&self->fallback_settle_id, g_source_remove);
  g_clear_signal_handler (&self->fallback_handler, self->fallback);
  g_clear_object (&self->fallback);
  g_clear_object (&self->nm);
  g_clear_pointer (&self->primary_connection, g_free);
  G_OBJECT_CLASS (vo_network_monitor_parent_class)->dispose (object);
}

static void
vo_network_monitor_class_init (VoNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vo_network_monitor_get_property;
  object_class->dispose = vo_network_monitor_dispose;

  props[PROP_NETWORK_TYPE] = g_param_spec_int ("network-type", NULL, NULL, VO_NETWORK_UNKNOWN,
                                               VO_NETWORK_CELLULAR, VO_NETWORK_UNKNOWN,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                               G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
vo_network_monitor_init (VoNetworkMonitor *self)
{
  self->type = VO_NETWORK_UNKNOWN;
  self->cancellable = g_cancellable_new ();
}

VoNetworkMonitor *
vo_network_monitor_new (void)
{
  VoNetworkMonitor *self = g_object_new (VO_TYPE_NETWORK_MONITOR, NULL);

  self->fallback = g_object_ref (g_network_monitor_get_default ());
  self->fallback_handler = g_signal_connect (self->fallback, "network-changed",
                                             G_CALLBACK (on_fallback_network_changed), self);
  monitor_read_fallback (self);
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SYSTEM,
                            G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                            NULL, NM_NAME, NM_PATH, NM_NAME, self->cancellable,
                            on_nm_proxy_ready, self);
  return self;
}

VoNetworkType
vo_network_monitor_get_network_type (VoNetworkMonitor *self)
{
  return self->type;
}
