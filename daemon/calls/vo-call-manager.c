/* vo-call-manager.c: creates calls, applies policy, keeps the list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-call-manager.h"
#include "vo-call-address.h"
#include "vo-call-names.h"
#include "vo-call-record.h"
#include "vo-dial-target.h"
#include "vo-enum-types.h"
#include "vo-error.h"
#include "vo-media-ringer.h"
#include "vo-media-session.h"
#include "vo-sip-uri.h"

#include <string.h>

#define MAX_CODECS 8

struct _VoCallManager {
  GObject parent_instance;

  VoSipStack *stack;
  VoAccount *account;
  VoSettings *settings;
  VoConfig *config;
  VoHistory *history;
  VoContacts *contacts;  /* may be NULL: nobody has a name */

  GList *calls;      /* VoCall *, owned, on the bus */
  GList *diverted;   /* VoCall *, owned: refused or forwarded unseen, until they end */
  GList *closing;    /* VoSipCall *, owned: dialogs of ended calls still closing (BYE out) */
  VoMediaRinger *ringer;
  VoForwarding *forwarding;
  gboolean dnd;
  guint next_id;
  gboolean codecs_loaded;
  VoCallAddress *media_address;
  VoMediaCodec codecs[MAX_CODECS + 1];
};

enum { SIGNAL_CALL_ADDED, SIGNAL_CALL_ENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { PROP_0, PROP_DND, N_PROPS };
static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (VoCallManager, vo_call_manager, G_TYPE_OBJECT)

/* [media] codecs=opus,G722,PCMU,PCMA picks and orders what we offer. */
/* Loaded on the first call, not at start: GStreamer is only initialised
 * when audio is needed, so an idle daemon stays small. */
static const VoMediaCodec *
manager_codecs (VoCallManager *self)
{
  const VoMediaCodec *supported;
  g_autofree char *wanted = NULL;
  g_auto(GStrv) names = NULL;
  guint n = 0;

  if (self->codecs_loaded)
    return self->codecs;
  self->codecs_loaded = TRUE;
  supported = vo_media_supported_codecs ();
  wanted = vo_config_get_string (self->config, "media", "codecs");
  names = g_strsplit_set (wanted, ", ", -1);

  memset (self->codecs, 0, sizeof self->codecs);
  for (guint i = 0; names[i] && n < MAX_CODECS; i++) {
    if (!*names[i])
      continue;
    for (guint j = 0; supported[j].encoding; j++)
      if (g_ascii_strcasecmp (supported[j].encoding, names[i]) == 0)
        self->codecs[n++] = supported[j];
  }
  if (n == 0) {
    if (*wanted)
      g_warning ("[media] codecs=%s names no supported codec; offering all", wanted);
    for (guint j = 0; supported[j].encoding && n < MAX_CODECS; j++)
      self->codecs[n++] = supported[j];
  }
  return self->codecs;
}

/* Ring on RingOutput while any call waits for an answer. */
static void
manager_update_ringer (VoCallManager *self)
{
  gboolean waiting = FALSE;
  g_autoptr(GError) error = NULL;

  for (GList *l = self->calls; l; l = l->next)
    if (vo_call_get_state (l->data) == VO_CALL_STATE_INCOMING)
      waiting = TRUE;
  if (!waiting) {
    if (self->ringer)
      vo_media_ringer_stop (self->ringer);
    return;
  }
  if (!self->ringer)
    self->ringer = vo_media_ringer_new ();
  if (!vo_media_ringer_is_ringing (self->ringer)) {
    g_autofree char *device = NULL;

    g_object_get (self->settings, "ring-output", &device, NULL);
    if (!vo_media_ringer_start (self->ringer, device, &error))
      g_message ("Cannot ring: %s", error->message);
  }
}

static void
on_call_state (VoCall *call, GParamSpec *pspec, gpointer user_data)
{
  manager_update_ringer (VO_CALL_MANAGER (user_data));
}

static void
on_network_changed (GObject *settings, GParamSpec *pspec, gpointer user_data)
{
  VoCallManager *self = user_data;

  vo_call_address_forget (self->media_address);
}

/* Runs @ready (now, or once the name lookup is done) with the address calls
 * announce in SDP; with NULL when the manager goes away first. */
typedef void (*AddressReady) (VoCallManager *self, const char *address, gpointer data);

typedef struct {
  VoCallManager *self;
  AddressReady ready;
  gpointer data;
} AddressWait;

static void
on_media_address (const char *address, gpointer user_data)
{
  AddressWait *wait = user_data;

  wait->ready (wait->self, address, wait->data);
  g_free (wait);
}

static void
manager_with_media_address (VoCallManager *self, AddressReady ready, gpointer data)
{
  g_autofree char *bind = vo_config_get_string (self->config, "sip", "bind");
  AddressWait *wait = g_new0 (AddressWait, 1);

  wait->self = self;
  wait->ready = ready;
  wait->data = data;
  vo_call_address_get (self->media_address, bind, vo_account_get_registrar (self->account),
                       on_media_address, wait);
}

static void
on_closing_state (VoSipCall *sip, gpointer user_data)
{
  VoCallManager *self = user_data;
  GList *link;

  if (vo_sip_call_get_state (sip) != VO_SIP_CALL_TERMINATED)
    return;
  link = g_list_find (self->closing, sip);
  if (!link)
    return;
  self->closing = g_list_delete_link (self->closing, link);
  g_signal_handlers_disconnect_by_data (sip, self);
  g_object_unref (sip);
}

/* A call ends for the user at once (Hangup, SignOut); its dialog may still
 * wait for the answer to our BYE, or behind a pending INFO. Keep the dialog
 * until Sofia is done with it (answer or transaction timeout), so the BYE is
 * not cut off and the user never waits for a silent peer. */
static void
manager_keep_closing (VoCallManager *self, VoCall *call)
{
  VoSipCall *sip = vo_call_get_sip_call (call);

  g_signal_handlers_disconnect_by_data (sip, self);
  if (vo_sip_call_get_state (sip) == VO_SIP_CALL_TERMINATED)
    return;
  self->closing = g_list_prepend (self->closing, g_object_ref (sip));
  g_signal_connect (sip, "state-changed", G_CALLBACK (on_closing_state), self);
}

/* The history row is written before "call-ended" goes out: whoever sees
 * Call1.Ended finds the call in History1 already. */
static void
manager_call_over (VoCallManager *self, VoCall *call)
{
  vo_call_record (self->history, call);
  g_signal_emit (self, signals[SIGNAL_CALL_ENDED], 0, call);
}

static void
on_call_ended (VoCall *call, VoCallEndReason reason, gpointer user_data)
{
  VoCallManager *self = user_data;
  GList *link = g_list_find (self->calls, call);
  GList *diverted = g_list_find (self->diverted, call);

  if (link || diverted)
    manager_keep_closing (self, call);

  if (diverted) {
    manager_call_over (self, call);
    self->diverted = g_list_delete_link (self->diverted, diverted);
    g_signal_handlers_disconnect_by_data (call, self);
    g_object_unref (call);
    return;
  }
  if (!link)
    return;
  manager_call_over (self, call);
  self->calls = g_list_delete_link (self->calls, link);
  g_signal_handlers_disconnect_by_data (call, self);
  g_object_unref (call);
  manager_update_ringer (self);
}

static void on_refer_requested (VoSipCall *sip, const char *uri, gpointer user_data);

/* [media] rtp-timeout: seconds without RTP/RTCP before a call's peer is
 * taken for dead (0: never). 30 s outlasts any jitter and Wi-Fi roaming. */
static guint
manager_rtp_timeout (VoCallManager *self)
{
  return (guint) CLAMP (vo_config_get_int (self->config, "media", "rtp-timeout", 30), 0, 3600);
}

/* The contact's name wins over the SIP display name (incoming: From;
 * outgoing: the URI dialled). */
static void
manager_name_call (VoCallManager *self, VoCall *call)
{
  g_autofree char *contact_id = NULL;
  g_autofree char *name = NULL;

  if (vo_call_names_lookup (self->contacts, vo_call_get_remote_uri (call), &contact_id, &name))
    vo_call_set_contact (call, contact_id, name);
}

static void
manager_add (VoCallManager *self, VoCall *call)
{
  vo_call_set_rtp_timeout (call, manager_rtp_timeout (self));
  self->calls = g_list_append (self->calls, call);
  g_signal_connect (call, "ended", G_CALLBACK (on_call_ended), self);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), self);
  g_signal_connect (vo_call_get_sip_call (call), "refer-requested",
                    G_CALLBACK (on_refer_requested), self);
  g_signal_emit (self, signals[SIGNAL_CALL_ADDED], 0, call);
  manager_update_ringer (self);
}

static guint
manager_no_answer_timeout (VoCallManager *self)
{
  return (guint) CLAMP (vo_config_get_int (self->config, "calls", "no-answer-timeout", 60), 0,
                        600);
}

/* [media] srtp = off | optional | mandatory. Unset: mandatory on a TLS
 * account (its SDP, keys included, is encrypted on the way), optional on
 * UDP/TCP, where the keys would travel in clear anyway. */
static VoMediaSrtpPolicy
manager_srtp_policy (VoCallManager *self)
{
  g_autofree char *value = vo_config_get_string (self->config, "media", "srtp");
  g_autofree char *transport = vo_config_get_string (self->config, "account", "transport");
  const char *registrar = vo_account_get_registrar (self->account);
  VoMediaSrtpPolicy policy;

  if (*value && vo_media_srtp_policy_parse (value, &policy))
    return policy;
  if (*value)
    g_warning ("[media] srtp=%s is not off, optional or mandatory; using the default", value);
  if (g_ascii_strcasecmp (transport, "tls") == 0 ||
      (registrar && (g_str_has_prefix (registrar, "sips:") ||
                     strstr (registrar, "transport=tls"))))
    return VO_MEDIA_SRTP_MANDATORY;
  return VO_MEDIA_SRTP_OPTIONAL;
}

static VoCall *
manager_dial_uri (VoCallManager *self, const char *uri, VoSipCall *referrer, const char *address,
                  GError **error)
{
  VoCall *call = vo_call_new_outgoing (++self->next_id, self->stack, self->settings, uri, address,
                                       manager_codecs (self), manager_srtp_policy (self),
                                       referrer, manager_no_answer_timeout (self), error);

  if (call) {
    g_message ("Call %u: dialling %s", vo_call_get_id (call), uri);
    manager_name_call (self, call);
    manager_add (self, call);
  }
  return call;
}

static gboolean
manager_check_policy (VoCallManager *self, GError **error)
{
  if (vo_account_get_registration (self->account) != VO_REGISTRATION_REGISTERED) {
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_REGISTERED,
                 "Calls need a SIP registration and the account is %s; sign in, or see "
                 "'vo-ctl status' for why registration fails",
                 vo_enum_to_nick (VO_TYPE_REGISTRATION,
                                  vo_account_get_registration (self->account)));
    return FALSE;
  }
  if (!vo_settings_get_calls_allowed (self->settings)) {
    g_set_error (error, VO_ERROR, VO_ERROR_NETWORK_POLICY,
                 "Calls are not allowed on this network (%s); set AllowCellularData to call "
                 "over mobile data, or connect to Wi-Fi or Ethernet",
                 vo_settings_get_network_type (self->settings));
    return FALSE;
  }
  return TRUE;
}

char *
vo_call_manager_target_uri (VoCallManager *self, const char *target, GError **error)
{
  g_autofree char *country = vo_config_get_string (self->config, "account", "country-code");
  const char *domain = vo_account_get_domain (self->account);

  return vo_dial_target_to_uri (target, domain ? domain : "localhost", country, error);
}

/* What Dial and Transfer call: a contact's name (one match) or, as before,
 * an extension, number, address or URI. */
static char *
manager_dial_target_uri (VoCallManager *self, const char *target, GError **error)
{
  GError *name_error = NULL;
  g_autofree char *reachable = vo_call_names_target (self->contacts, target, FALSE, NULL, NULL,
                                                     &name_error);

  if (name_error) {
    g_propagate_error (error, name_error);
    return NULL;
  }
  return vo_call_manager_target_uri (self, reachable ? reachable : target, error);
}

static void
dial_with_address (VoCallManager *self, const char *address, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  VoCall *call;

  if (!address) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_FAILED, "The daemon is stopping");
    return;
  }
  call = manager_dial_uri (self, g_task_get_task_data (task), NULL, address, &error);
  if (call)
    g_task_return_pointer (task, g_object_ref (call), g_object_unref);
  else
    g_task_return_error (task, error);
}

void
vo_call_manager_dial_async (VoCallManager *self, const char *target,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  GError *error = NULL;
  char *uri = manager_dial_target_uri (self, target, &error);

  g_task_set_source_tag (task, vo_call_manager_dial_async);
  if (!uri || !manager_check_policy (self, &error)) {
    g_free (uri);
    g_task_return_error (task, error);
    return;
  }
  g_task_set_task_data (task, uri, g_free);
  manager_with_media_address (self, dial_with_address, g_steal_pointer (&task));
}

VoCall *
vo_call_manager_dial_finish (VoCallManager *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  VoSipCall *referrer;
  char *uri;
} ReferDial;

static void
refer_dial_with_address (VoCallManager *self, const char *address, gpointer data)
{
  ReferDial *refer = data;
  g_autoptr(GError) error = NULL;

  if (address && !manager_dial_uri (self, refer->uri, refer->referrer, address, &error))
    g_warning ("Cannot follow the transfer to %s: %s", refer->uri, error->message);
  g_object_unref (refer->referrer);
  g_free (refer->uri);
  g_free (refer);
}

static void
on_refer_requested (VoSipCall *sip, const char *uri, gpointer user_data)
{
  VoCallManager *self = user_data;
  ReferDial *refer = g_new0 (ReferDial, 1);

  g_message ("The peer asks us to call %s (transfer)", uri);
  refer->referrer = g_object_ref (sip);
  refer->uri = g_strdup (uri);
  manager_with_media_address (self, refer_dial_with_address, refer);
}

gboolean
vo_call_manager_answer (VoCallManager *self, VoCall *call, GError **error)
{
  if (vo_call_get_state (call) != VO_CALL_STATE_INCOMING)
    return vo_call_answer (call, error);
  /* Call waiting: the call we are in waits on hold while we take this one. */
  for (GList *l = self->calls; l; l = l->next)
    if (l->data != call && vo_call_get_state (l->data) == VO_CALL_STATE_ACTIVE)
      vo_call_hold (l->data, NULL);
  return vo_call_answer (call, error);
}

static void
on_transferred (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (vo_call_transfer_finish (VO_CALL (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vo_call_manager_transfer_async (VoCallManager *self, VoCall *call, const char *target,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  GError *error = NULL;
  g_autofree char *uri = manager_dial_target_uri (self, target, &error);

  if (!uri) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  vo_call_transfer_async (call, uri, on_transferred, task);
}

gboolean
vo_call_manager_transfer_finish (VoCallManager *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A call the user never sees: it is refused or forwarded at once, and kept
 * only until it has ended, for the history. */
static void
manager_divert (VoCallManager *self, VoCall *call)
{
  self->diverted = g_list_append (self->diverted, call);
  g_signal_connect (call, "ended", G_CALLBACK (on_call_ended), self);
}

static gboolean
manager_has_call_in_progress (VoCallManager *self)
{
  for (GList *l = self->calls; l; l = l->next) {
    switch (vo_call_get_state (l->data)) {
    case VO_CALL_STATE_ACTIVE:
    case VO_CALL_STATE_HELD:
    case VO_CALL_STATE_DIALING:
    case VO_CALL_STATE_RINGING:
      return TRUE;
    default:
      break;
    }
  }
  return FALSE;
}

/* Network policy: no calls over mobile data unless allowed; then either
 * the cellular voice fallback takes the call (302 to the mobile number) or
 * the caller hears 480. Returns TRUE when the call was dealt with. */
static gboolean
manager_apply_network_policy (VoCallManager *self, VoCall *call)
{
  g_autofree char *mobile = NULL;
  g_autofree char *mobile_uri = NULL;
  gboolean fallback = FALSE;

  if (vo_settings_get_calls_allowed (self->settings))
    return FALSE;
  g_object_get (self->settings, "cellular-voice-fallback", &fallback, "mobile-number", &mobile,
                NULL);
  if (fallback && mobile && *mobile)
    mobile_uri = vo_call_manager_target_uri (self, mobile, NULL);
  if (mobile_uri) {
    vo_call_forward (call, mobile_uri);
  } else {
    g_message ("Call %u refused: calls are not allowed on this network (%s)",
               vo_call_get_id (call), vo_settings_get_network_type (self->settings));
    vo_call_refuse (call, VO_SIP_REFUSAL_UNAVAILABLE, VO_CALL_END_REASON_NETWORK);
  }
  return TRUE;
}

/* Incoming calls on the bus, ringing or answered. */
static guint
manager_count_incoming (VoCallManager *self)
{
  guint n = 0;

  for (GList *l = self->calls; l; l = l->next)
    n += vo_call_is_incoming (l->data) ? 1 : 0;
  return n;
}

static guint
manager_max_incoming (VoCallManager *self)
{
  return (guint) CLAMP (vo_config_get_int (self->config, "calls", "max-incoming", 4), 1, 100);
}

/* An INVITE waiting for the media address. */
typedef struct {
  VoSipCall *sip_call;
  gint64 start_us;
} IncomingWait;

static void
incoming_wait_free (IncomingWait *wait)
{
  g_object_unref (wait->sip_call);
  g_free (wait);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IncomingWait, incoming_wait_free)

static void
incoming_with_address (VoCallManager *self, const char *address, gpointer data)
{
  g_autoptr(IncomingWait) wait = data;
  VoSipCall *sip_call = wait->sip_call;
  g_autoptr(GError) error = NULL;
  const char *always, *busy, *no_answer;
  VoCall *call;

  /* We are stopping while the address was looked up. */
  if (!address) {
    vo_sip_call_refuse (sip_call, VO_SIP_REFUSAL_UNAVAILABLE);
    return;
  }
  /* The caller gave up meanwhile. */
  if (vo_sip_call_get_state (sip_call) != VO_SIP_CALL_INCOMING) {
    vo_call_record_unrung (self->history, self->contacts, sip_call, wait->start_us);
    return;
  }
  call = vo_call_new_incoming (++self->next_id, sip_call, self->settings, address,
                               manager_codecs (self), manager_srtp_policy (self),
                               manager_no_answer_timeout (self));
  g_message ("Call %u: incoming from %s", vo_call_get_id (call), vo_call_get_remote_uri (call));
  manager_name_call (self, call);
  /* Refused before it rings, as an offer without usable audio is. */
  if (!vo_call_offer_acceptable (call, &error)) {
    g_message ("Call %u refused with 488: %s", vo_call_get_id (call), error->message);
    vo_call_refuse (call,
                    manager_srtp_policy (self) == VO_MEDIA_SRTP_MANDATORY
                      ? VO_SIP_REFUSAL_ENCRYPTION_REQUIRED : VO_SIP_REFUSAL_ENCRYPTION_DISABLED,
                    VO_CALL_END_REASON_ENCRYPTION_REFUSED);
    manager_divert (self, call);
    return;
  }

  always = vo_forwarding_target (self->forwarding, VO_FORWARD_ALWAYS);
  busy = vo_forwarding_target (self->forwarding, VO_FORWARD_BUSY);
  if (manager_apply_network_policy (self, call)) {
    manager_divert (self, call);
  } else if (self->dnd) {
    g_message ("Call %u refused: do not disturb", vo_call_get_id (call));
    vo_call_refuse (call, VO_SIP_REFUSAL_BUSY, VO_CALL_END_REASON_DND);
    manager_divert (self, call);
  } else if (always) {
    vo_call_forward (call, always);
    manager_divert (self, call);
  } else if (busy && manager_has_call_in_progress (self)) {
    vo_call_forward (call, busy);
    manager_divert (self, call);
  } else {
    manager_add (self, call);
    vo_call_ring (call);
    no_answer = vo_forwarding_target (self->forwarding, VO_FORWARD_NO_ANSWER);
    if (no_answer)
      vo_call_forward_when_unanswered (call, no_answer,
                                       vo_forwarding_no_answer_timeout (self->forwarding));
  }
}

static gboolean
on_incoming_call (VoSipStack *stack, VoSipCall *sip_call, gpointer user_data)
{
  VoCallManager *self = user_data;
  IncomingWait *wait;

  if (!vo_account_get_domain (self->account))
    return FALSE;
  if (manager_count_incoming (self) >= manager_max_incoming (self)) {
    /* A flood of INVITEs must not become a flood of ringing calls. */
    g_message ("Incoming call refused: already %u incoming calls ([calls] max-incoming)",
               manager_count_incoming (self));
    vo_sip_call_refuse (sip_call, VO_SIP_REFUSAL_BUSY);
    return TRUE;
  }
  wait = g_new0 (IncomingWait, 1);
  wait->sip_call = g_object_ref (sip_call);
  wait->start_us = g_get_real_time ();
  manager_with_media_address (self, incoming_with_address, wait);
  return TRUE;
}

void
vo_call_manager_set_dnd (VoCallManager *self, gboolean dnd)
{
  if (self->dnd == dnd)
    return;
  self->dnd = dnd;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DND]);
}

GList *
vo_call_manager_get_calls (VoCallManager *self)
{
  return self->calls;
}

void
vo_call_manager_hangup_all (VoCallManager *self)
{
  GList *calls = g_list_copy_deep (self->calls, (GCopyFunc) g_object_ref, NULL);

  for (GList *l = calls; l; l = l->next)
    vo_call_terminate (l->data, VO_CALL_END_REASON_LOCAL);
  g_list_free_full (calls, g_object_unref);
}

static void
vo_call_manager_dispose (GObject *object)
{
  VoCallManager *self = VO_CALL_MANAGER (object);

  if (self->stack)
    g_signal_handlers_disconnect_by_data (self->stack, self);
  for (GList *l = self->calls; l; l = l->next)
    g_signal_handlers_disconnect_by_data (l->data, self);
  g_list_free_full (g_steal_pointer (&self->calls), g_object_unref);
  for (GList *l = self->diverted; l; l = l->next)
    g_signal_handlers_disconnect_by_data (l->data, self);
  g_list_free_full (g_steal_pointer (&self->diverted), g_object_unref);
  for (GList *l = self->closing; l; l = l->next)
    g_signal_handlers_disconnect_by_data (l->data, self);
  g_list_free_full (g_steal_pointer (&self->closing), g_object_unref);
  g_clear_object (&self->forwarding);
  /* Calls still waiting for the address are abandoned here, while the
   * manager they need is whole. */
  g_clear_pointer (&self->media_address, vo_call_address_free);
  if (self->ringer)
    vo_media_ringer_stop (self->ringer);
  g_clear_object (&self->ringer);
  g_clear_object (&self->stack);
  if (self->account)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->config);
  g_clear_object (&self->history);
  g_clear_object (&self->contacts);
  G_OBJECT_CLASS (vo_call_manager_parent_class)->dispose (object);
}

static void
vo_call_manager_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id) {
  case PROP_DND:
    g_value_set_boolean (value, VO_CALL_MANAGER (object)->dnd);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_call_manager_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  switch (prop_id) {
  case PROP_DND:
    vo_call_manager_set_dnd (VO_CALL_MANAGER (object), g_value_get_boolean (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_call_manager_class_init (VoCallManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_call_manager_dispose;
  object_class->get_property = vo_call_manager_get_property;
  object_class->set_property = vo_call_manager_set_property;
  props[PROP_DND] = g_param_spec_boolean ("dnd", NULL, NULL, FALSE,
                                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                          G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CALL_ADDED] = g_signal_new ("call-added", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, VO_TYPE_CALL);
  signals[SIGNAL_CALL_ENDED] = g_signal_new ("call-ended", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, VO_TYPE_CALL);
}

static void
vo_call_manager_init (VoCallManager *self)
{
  self->media_address = vo_call_address_new ();
}

VoCallManager *
vo_call_manager_new (VoSipStack *stack, VoAccount *account, VoSettings *settings,
                     VoConfig *config, VoForwarding *forwarding, VoHistory *history,
                     VoContacts *contacts)
{
  VoCallManager *self = g_object_new (VO_TYPE_CALL_MANAGER, NULL);

  self->history = g_object_ref (history);
  self->contacts = contacts ? g_object_ref (contacts) : NULL;
  self->forwarding = g_object_ref (forwarding);
  self->stack = g_object_ref (stack);
  self->account = g_object_ref (account);
  self->settings = g_object_ref (settings);
  self->config = g_object_ref (config);
  g_signal_connect (stack, "incoming-call", G_CALLBACK (on_incoming_call), self);
  g_signal_connect (settings, "notify::network-type", G_CALLBACK (on_network_changed), self);
  /* Signing out ends every call (BYE, history) before the un-REGISTER. */
  g_signal_connect_swapped (account, "signing-out", G_CALLBACK (vo_call_manager_hangup_all),
                            self);
  return self;
}
