/* vo-forwarding-sync.c: the forwarding rules, here and at the service.
 *
 * A rule changed here is marked unsynced (in vo.conf, so a restart keeps
 * the mark) until the service has accepted it; a fetch never overwrites an
 * unsynced rule. Sends and the fetch are one at a time, in that order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-forwarding-sync.h"

struct _VoForwardingSync {
  GObject parent_instance;
  VoForwarding *forwarding;
  VoAccountService *service;
  gboolean busy;       /* a request is in flight */
  gboolean again;      /* something changed meanwhile: run again after it */
};

G_DEFINE_FINAL_TYPE (VoForwardingSync, vo_forwarding_sync, G_TYPE_OBJECT)

static void sync_run (VoForwardingSync *self);

static VoServiceClient *
online_client (VoForwardingSync *self)
{
  if (vo_account_service_get_state (self->service) != VO_SERVICE_STATE_ONLINE)
    return NULL;
  return vo_account_service_get_client (self->service);
}

static void
sync_done (VoForwardingSync *self)
{
  self->busy = FALSE;
  if (self->again)
    sync_run (self);
}

static void
on_rules_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoForwardingSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = vo_service_client_get_forwarding_finish (VO_SERVICE_CLIENT (source),
                                                                         result, &error);

  if (!rules) {
    g_message ("The forwarding rules could not be fetched from the service: %s", error->message);
  } else {
    for (guint i = 0; i < rules->len; i++) {
      const VoServiceForwardingRule *rule = g_ptr_array_index (rules, i);
      g_autoptr(GError) store_error = NULL;
      VoForwardCondition condition;

      if (!vo_forwarding_condition_from_name (rule->condition, &condition))
        continue;  /* a condition of a later version */
      if (!vo_forwarding_apply_remote (self->forwarding, condition, rule->enabled, rule->target,
                                       rule->timeout_s, &store_error))
        g_warning ("%s", store_error->message);
    }
  }
  sync_done (self);
}

typedef struct {
  VoForwardingSync *self;
  VoForwardCondition condition;
} SendData;

static void
on_rule_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendData *data = user_data;
  g_autoptr(VoForwardingSync) self = data->self;
  g_autoptr(GError) error = NULL;
  VoForwardCondition condition = data->condition;

  g_free (data);
  if (vo_service_client_put_forwarding_rule_finish (VO_SERVICE_CLIENT (source), result, &error)) {
    vo_forwarding_mark_synced (self->forwarding, condition);
    self->again = TRUE;  /* the next unsynced rule, then the fetch */
  } else {
    /* Kept unsynced: sent again when the service is back online. */
    g_message ("Forwarding %s could not be stored at the service: %s",
               vo_forwarding_condition_name (condition), error->message);
    self->again = FALSE;
  }
  sync_done (self);
}

/* Sends the first unsynced rule, or (when none is left) fetches them all. */
static void
sync_run (VoForwardingSync *self)
{
  VoServiceClient *client = online_client (self);
  guint unsynced;

  self->again = self->busy;
  if (!client || self->busy)
    return;
  self->busy = TRUE;
  unsynced = vo_forwarding_get_unsynced (self->forwarding);
  for (guint i = 0; i < VO_FORWARD_N_CONDITIONS; i++) {
    if (unsynced & (1u << i)) {
      VoServiceForwardingRule rule = { 0 };
      const char *target;
      SendData *data = g_new0 (SendData, 1);

      vo_forwarding_get_rule (self->forwarding, i, &rule.enabled, &target, &rule.timeout_s);
      rule.condition = (char *) vo_forwarding_condition_name (i);
      rule.target = (char *) target;
      data->self = g_object_ref (self);
      data->condition = i;
      vo_service_client_put_forwarding_rule_async (client, &rule, NULL, on_rule_sent, data);
      return;
    }
  }
  vo_service_client_get_forwarding_async (client, NULL, on_rules_fetched, g_object_ref (self));
}

static void
on_rule_changed (VoForwarding *forwarding, guint condition, gpointer user_data)
{
  sync_run (user_data);
}

static void
on_forwarding_changed (VoAccountService *service, gpointer user_data)
{
  sync_run (user_data);
}

static void
on_service_state (GObject *service, GParamSpec *pspec, gpointer user_data)
{
  VoForwardingSync *self = user_data;
  VoServiceState state = vo_account_service_get_state (self->service);

  /* While the session lasts (even offline), its proxy applies unreachable. */
  vo_forwarding_set_service_backed (self->forwarding, state != VO_SERVICE_STATE_NONE);
}

static void
vo_forwarding_sync_dispose (GObject *object)
{
  VoForwardingSync *self = VO_FORWARDING_SYNC (object);

  if (self->forwarding)
    g_signal_handlers_disconnect_by_data (self->forwarding, self);
  if (self->service)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->forwarding);
  g_clear_object (&self->service);
  G_OBJECT_CLASS (vo_forwarding_sync_parent_class)->dispose (object);
}

static void
vo_forwarding_sync_class_init (VoForwardingSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_forwarding_sync_dispose;
}

static void
vo_forwarding_sync_init (VoForwardingSync *self)
{
}

VoForwardingSync *
vo_forwarding_sync_new (VoForwarding *forwarding, VoAccountService *service)
{
  VoForwardingSync *self = g_object_new (VO_TYPE_FORWARDING_SYNC, NULL);

  self->forwarding = g_object_ref (forwarding);
  self->service = g_object_ref (service);
  g_signal_connect (forwarding, "rule-changed", G_CALLBACK (on_rule_changed), self);
  g_signal_connect (service, "forwarding-changed", G_CALLBACK (on_forwarding_changed), self);
  g_signal_connect (service, "notify::state", G_CALLBACK (on_service_state), self);
  return self;
}
