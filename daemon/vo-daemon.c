/* vo-daemon.c: builds the core objects and tears them down in order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-daemon"

#include "vo-daemon.h"
#include "vo-sip-route.h"
#include "vo-sip-trust.h"
#include "vo-credentials.h"
#include "vo-network-monitor.h"
#include "vo-sip-stack.h"
#include "vo-media-sdp.h"
#include "vo-media-session.h"
#include "vo-forwarding-sync.h"

struct _VoDaemon {
  GObject parent_instance;
  VoConfig *config;
  VoStore *store;
  VoHistory *history;
  VoNetworkMonitor *network;
  VoSettings *settings;
  VoCredentials *credentials;
  VoSipStack *stack;
  VoAccount *account;
  VoContacts *contacts;
  VoCallManager *calls;
  VoForwarding *forwarding;
  VoForwardingSync *forwarding_sync;
  VoMessageManager *messages;
  VoPresence *presence;
};

G_DEFINE_FINAL_TYPE (VoDaemon, vo_daemon, G_TYPE_OBJECT)

static void
vo_daemon_dispose (GObject *object)
{
  VoDaemon *self = VO_DAEMON (object);

  g_clear_object (&self->messages);
  g_clear_object (&self->presence);
  g_clear_object (&self->calls);
  if (self->contacts)
    vo_contacts_shutdown (self->contacts);
  g_clear_object (&self->contacts);
  g_clear_object (&self->forwarding_sync);
  g_clear_object (&self->forwarding);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);
  g_clear_object (&self->network);
  g_clear_object (&self->credentials);
  g_clear_object (&self->stack);
  g_clear_object (&self->history);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_daemon_parent_class)->dispose (object);
}

static void
vo_daemon_class_init (VoDaemonClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_daemon_dispose;
}

static void
vo_daemon_init (VoDaemon *self)
{
}

/* The stack's check of an incoming INVITE's offer, before it rings: the
 * media side reads the SDP. The codecs are asked for only now, so that
 * GStreamer starts with the first call, not with the daemon. */
static gboolean
offer_playable (const char *sdp, gsize len, GError **error)
{
  return vo_media_sdp_offer_usable (sdp, len, vo_media_supported_codecs (), error);
}

VoDaemon *
vo_daemon_new (const char *config_dir, const char *data_dir, GError **error)
{
  g_autoptr(VoDaemon) self = g_object_new (VO_TYPE_DAEMON, NULL);
  g_autofree char *cdir = config_dir ? g_strdup (config_dir) : vo_config_default_dir ();
  g_autofree char *ddir = data_dir ? g_strdup (data_dir) : vo_config_default_data_dir ();
  g_autofree char *db_path = g_build_filename (ddir, "vo.db", NULL);
  g_autofree char *bind = NULL;
  g_autofree char *trusted = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr(VoSipTrust) check = vo_sip_trust_new ();

  self->config = vo_config_load (cdir, error);
  if (!self->config)
    return NULL;
  self->store = vo_store_open (db_path, error);
  if (!self->store)
    return NULL;
  self->history = vo_history_new (self->store);
  /* Checked before the SIP stack exists: a wrong list stops the start. */
  trusted = vo_config_get_string (self->config, "sip", "trusted-sources");
  if (!vo_sip_trust_set_sources (check, trusted, error))
    return NULL;
  bind = vo_config_get_string (self->config, "sip", "bind");
  if (!*bind) {
    /* Not every interface: only the one the account's server is reached on
     * (a saved account's outbound proxy, else its registrar). "*" in vo.conf
     * still means all of them. */
    g_autofree char *proxy = vo_config_get_string (self->config, "account", "proxy");
    g_autofree char *registrar = vo_config_get_string (self->config, "account", "registrar");
    g_autofree char *local = vo_sip_route_local_address (*proxy ? proxy : registrar);

    if (local) {
      g_free (bind);
      bind = g_steal_pointer (&local);
      g_debug ("SIP transports on %s, where the account's server is reached", bind);
    }
  }
  ca_file = vo_config_get_string (self->config, "sip", "ca-file");
  self->stack = vo_sip_stack_new (bind, ca_file, error);
  if (!self->stack)
    return NULL;
  vo_sip_stack_set_trusted_sources (self->stack, trusted, NULL);
  vo_sip_stack_set_offer_check (self->stack, offer_playable);
  self->network = vo_network_monitor_new ();
  self->settings = vo_settings_new (self->config, self->network);
  self->credentials = vo_credentials_new (cdir);
  self->account = vo_account_new (self->config, self->credentials, self->stack, self->network);
  self->forwarding = vo_forwarding_new (self->config);
  self->forwarding_sync = vo_forwarding_sync_new (self->forwarding,
                                                  vo_account_get_service (self->account));
  self->contacts = vo_contacts_new (self->store, self->account, self->settings, self->config,
                                    error);
  if (!self->contacts)
    return NULL;
  /* Calls, history rows, conversations and presence show the contacts' names. */
  vo_history_set_contacts (self->history, self->contacts);
  self->calls = vo_call_manager_new (self->stack, self->account, self->settings, self->config,
                                     self->forwarding, self->history, self->contacts);
  self->messages = vo_message_manager_new (self->store, self->stack, self->account, self->config,
                                           self->contacts, error);
  if (!self->messages)
    return NULL;
  self->presence = vo_presence_new (self->config, self->account, self->calls, self->stack,
                                    self->contacts);
  /* Do not disturb is a presence status the call manager acts on. */
  g_object_bind_property (self->presence, "dnd", self->calls, "dnd", G_BINDING_SYNC_CREATE);
  g_debug ("Config in %s, data in %s", cdir, ddir);
  return g_steal_pointer (&self);
}

void
vo_daemon_start (VoDaemon *self)
{
  vo_account_start (self->account);
  vo_contacts_start (self->contacts);
}

static void
on_stack_shut_down (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  vo_sip_stack_shutdown_finish (VO_SIP_STACK (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_account_shut_down (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  VoDaemon *self = g_task_get_source_object (task);

  vo_account_shutdown_finish (VO_ACCOUNT (source), result);
  vo_sip_stack_shutdown_async (self->stack, on_stack_shut_down, task);
}

static void
on_presence_shut_down (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  VoDaemon *self = g_task_get_source_object (task);

  vo_presence_shutdown_finish (VO_PRESENCE (source), result);
  vo_account_shutdown_async (self->account, on_account_shut_down, task);
}

void
vo_daemon_shutdown_async (VoDaemon *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_daemon_shutdown_async);
  /* No more syncs, downloads or EDS changes while the rest goes down. */
  vo_contacts_shutdown (self->contacts);
  /* Calls first (BYE/CANCEL), then presence, then un-REGISTER, then the stack. */
  vo_call_manager_hangup_all (self->calls);
  /* Un-PUBLISH and un-SUBSCRIBE while still registered. */
  vo_presence_shutdown_async (self->presence, on_presence_shut_down, task);
}

void
vo_daemon_shutdown_finish (VoDaemon *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

VoAccount *
vo_daemon_get_account (VoDaemon *self)
{
  return self->account;
}

VoSettings *
vo_daemon_get_settings (VoDaemon *self)
{
  return self->settings;
}

VoForwarding *
vo_daemon_get_forwarding (VoDaemon *self)
{
  return self->forwarding;
}

VoContacts *
vo_daemon_get_contacts (VoDaemon *self)
{
  return self->contacts;
}

VoCallManager *
vo_daemon_get_call_manager (VoDaemon *self)
{
  return self->calls;
}

VoStore *
vo_daemon_get_store (VoDaemon *self)
{
  return self->store;
}

VoPresence *
vo_daemon_get_presence (VoDaemon *self)
{
  return self->presence;
}

VoHistory *
vo_daemon_get_history (VoDaemon *self)
{
  return self->history;
}

VoMessageManager *
vo_daemon_get_message_manager (VoDaemon *self)
{
  return self->messages;
}
