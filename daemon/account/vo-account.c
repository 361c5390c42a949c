/* vo-account.c: sign-in, sign-out, auto sign-in and the registration's state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account.h"
#include "vo-account-info.h"
#include "vo-account-service.h"
#include "vo-account-private.h"
#include "vo-enum-types.h"
#include "vo-error.h"
#include "vo-sip-registration.h"

#include <string.h>

#define GROUP_SIP "sip"

/* struct _VoAccount: vo-account-private.h */

enum {
  PROP_0,
  PROP_STATE,
  PROP_REGISTRATION,
  PROP_LAST_ERROR,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_EXTENSION,
  PROP_COMPANY,
  PROP_SIP_URI,
  PROP_CAPABILITIES,
  PROP_PHOTO_PATH,
  PROP_SERVICE_STATE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_SIGNING_OUT, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoAccount, vo_account, G_TYPE_OBJECT)

/* ---- state --------------------------------------------------------- */

void
vo_account_set_state (VoAccount *self, VoAccountState state)
{
  if (self->state == state)
    return;
  g_debug ("Account state: %s → %s", vo_enum_to_nick (VO_TYPE_ACCOUNT_STATE, self->state),
           vo_enum_to_nick (VO_TYPE_ACCOUNT_STATE, state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

void
vo_account_set_last_error (VoAccount *self, const char *error)
{
  if (g_strcmp0 (self->last_error, error ? error : "") == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (error ? error : "");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
}

void
vo_account_set_info (VoAccount *self, VoAccountInfo *info)
{
  vo_account_info_free (self->info);
  self->info = info;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIP_URI]);
}

VoAccountState
vo_account_get_state (VoAccount *self)
{
  return self->state;
}

const char *
vo_account_get_domain (VoAccount *self)
{
  return self->info ? self->info->domain : NULL;
}

const char *
vo_account_get_registrar (VoAccount *self)
{
  return self->info ? self->info->registrar : NULL;
}

VoRegistration
vo_account_get_registration (VoAccount *self)
{
  return self->registration ? vo_sip_registration_get_state (self->registration)
                            : VO_REGISTRATION_UNREGISTERED;
}

/* ---- registration ---------------------------------------------------- */

static void on_registration_changed (VoSipRegistration *registration, gpointer user_data);

static void
account_drop_registration (VoAccount *self)
{
  if (!self->registration)
    return;
  g_signal_handlers_disconnect_by_data (self->registration, self);
  g_clear_object (&self->registration);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REGISTRATION]);
}

void
vo_account_register (VoAccount *self, const char *password)
{
  VoSipRegistrationInfo reg = {
    .user = self->info->user,
    .domain = self->info->domain,
    .registrar = self->info->registrar,
    .proxy = self->info->proxy,
    .display_name = self->info->display_name,
    .expires_s = (guint) CLAMP (vo_config_get_int (self->config, GROUP_SIP, "register-expires",
                                                   600), 1, 86400),
    .retry_max_s = (guint) CLAMP (vo_config_get_int (self->config, GROUP_SIP, "retry-max", 60),
                                  1, 3600),
    /* A registrar that lost the binding is noticed within this many seconds. */
    .keepalive_s = (guint) CLAMP (vo_config_get_int (self->config, GROUP_SIP, "keepalive", 10),
                                  0, 3600),
  };

  account_drop_registration (self);
  if (g_str_has_prefix (self->info->registrar, "sips:") && !vo_sip_stack_has_tls (self->stack)) {
    /* A stored TLS account after the CA file went missing. */
    g_message ("%s", vo_sip_stack_get_tls_error (self->stack));
    vo_account_set_last_error (self, vo_sip_stack_get_tls_error (self->stack));
    vo_account_set_state (self, VO_ACCOUNT_STATE_ERROR);
    return;
  }
  vo_sip_stack_use_tls (self->stack, g_str_has_prefix (self->info->registrar, "sips:"));
  /* Only these servers may send the user requests (vo-sip-trust.h). */
  vo_sip_stack_set_servers (self->stack, self->info->registrar, self->info->proxy);
  self->registration = vo_sip_registration_new (self->stack, &reg, password);
  g_signal_connect (self->registration, "changed", G_CALLBACK (on_registration_changed), self);
  vo_account_set_state (self, VO_ACCOUNT_STATE_SIGNING_IN);
  vo_sip_registration_start (self->registration);
}

static void
on_network_changed (VoNetworkMonitor *network, gpointer user_data)
{
  VoAccount *self = user_data;

  if (self->registration) {
    g_message ("Network changed: registering %s again", self->info->user);
    vo_sip_registration_refresh (self->registration);
  }
}

/* ---- sign in --------------------------------------------------------- */

void
vo_account_sign_in_complete (VoAccount *self, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->sign_in_task);

  g_clear_handle_id (&self->sign_in_timeout_id, g_source_remove);
  vo_credentials_free_password (g_steal_pointer (&self->sign_in_password));
  if (self->provisioned) {
    /* The SIP half failed: the service's session is not kept. */
    self->provisioned = FALSE;
    vo_account_service_abandon (self->service);
  }
  if (!task) {
    g_clear_error (&error);
    return;
  }
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

typedef struct {
  VoAccount *self;
  GError *result;  /* what SignIn answers once the password is stored */
} StoreData;

static void
on_password_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StoreData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!vo_credentials_store_finish (VO_CREDENTIALS (source), result, &error))
    g_warning ("The password could not be stored, so vo-daemon cannot sign in by itself "
               "after a restart: %s", error->message);
  vo_account_sign_in_complete (data->self, data->result);
  g_object_unref (data->self);
  g_free (data);
}

/* The registrar has answered (or not, in time): keep the account and its
 * password, then answer the SignIn with @result (NULL for success). */
static void
sign_in_accept (VoAccount *self, GError *result)
{
  g_autoptr(GError) error = NULL;
  StoreData *data;

  /* Registered, but the service's session ended: sign in again. */
  vo_account_set_state (self, self->service_ended ? VO_ACCOUNT_STATE_ERROR
                                               : VO_ACCOUNT_STATE_SIGNED_IN);
  if (self->provisioned && self->sign_in_task) {
    /* The service's session is kept only once its SIP account works. */
    self->provisioned = FALSE;
    vo_account_service_commit (self->service);
  }
  if (!self->sign_in_task || !self->sign_in_password) {
    vo_account_sign_in_complete (self, result);
    return;
  }
  if (!vo_account_info_save (self->info, self->config, &error))
    g_warning ("The account could not be saved: %s", error->message);
  data = g_new0 (StoreData, 1);
  data->self = g_object_ref (self);
  data->result = result;
  vo_credentials_store_async (self->credentials, self->info->user, self->info->domain,
                              self->sign_in_password, on_password_stored, data);
  vo_credentials_free_password (g_steal_pointer (&self->sign_in_password));
}

static void
on_registration_changed (VoSipRegistration *registration, gpointer user_data)
{
  VoAccount *self = user_data;
  VoRegistration state = vo_sip_registration_get_state (registration);
  VoSipFailure failure = vo_sip_registration_get_failure (registration);
  const char *error = vo_sip_registration_get_error (registration);

  vo_account_set_last_error (self, error);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REGISTRATION]);

  if (state == VO_REGISTRATION_FAILED && failure == VO_SIP_FAILURE_AUTH) {
    vo_account_set_state (self, VO_ACCOUNT_STATE_ERROR);
    if (self->sign_in_task)
      vo_account_sign_in_complete (self, g_error_new_literal (VO_ERROR, VO_ERROR_AUTH_FAILED,
                                                              error));
    return;
  }
  /* Not retried either (not even on a network change): SignIn tries again. */
  if (state == VO_REGISTRATION_FAILED && failure == VO_SIP_FAILURE_CERTIFICATE) {
    vo_account_set_state (self, VO_ACCOUNT_STATE_ERROR);
    if (self->sign_in_task)
      vo_account_sign_in_complete (self, g_error_new_literal (VO_ERROR, VO_ERROR_NETWORK,
                                                              error));
    return;
  }
  if (self->state != VO_ACCOUNT_STATE_SIGNING_IN)
    return;
  if (state == VO_REGISTRATION_REGISTERED)
    sign_in_accept (self, NULL);
  else if (state == VO_REGISTRATION_FAILED)
    sign_in_accept (self, g_error_new_literal (VO_ERROR, VO_ERROR_NETWORK, error));
}

static gboolean
on_sign_in_timeout (gpointer user_data)
{
  VoAccount *self = user_data;

  self->sign_in_timeout_id = 0;
  sign_in_accept (self, g_error_new (VO_ERROR, VO_ERROR_NETWORK,
                                     "No answer from the registrar %s yet; vo-daemon keeps "
                                     "trying and registers by itself when it answers",
                                     self->info->registrar));
  return G_SOURCE_REMOVE;
}

static void
sign_in_begin (VoAccount *self, VoAccountInfo *info)
{
  guint timeout_s = (guint) CLAMP (vo_config_get_int (self->config, GROUP_SIP, "timeout", 20),
                                   1, 120);

  vo_account_set_info (self, info);
  vo_account_set_last_error (self, NULL);
  self->sign_in_timeout_id = g_timeout_add_seconds (timeout_s, on_sign_in_timeout, self);
  vo_account_register (self, self->sign_in_password);
}

typedef struct {
  VoAccount *self;
  VoAccountInfo *info;
} ReplaceData;

static void
on_old_account_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReplaceData *data = user_data;
  VoAccount *self = data->self;

  vo_sip_registration_stop_finish (VO_SIP_REGISTRATION (source), result);
  account_drop_registration (self);
  if (self->sign_in_task)
    sign_in_begin (self, data->info);
  else
    vo_account_info_free (data->info);
  g_object_unref (self);
  g_free (data);
}

/* Signs in with @info (taken) and @password: the SIP half of every SignIn. */
void
vo_account_sign_in_with (VoAccount *self, VoAccountInfo *info, const char *password)
{
  vo_credentials_free_password (self->sign_in_password);
  self->sign_in_password = g_strdup (password);
  self->auto_sign_in = FALSE;

  if (self->registration) {
    ReplaceData *data = g_new0 (ReplaceData, 1);

    /* The new account replaces the old one: un-REGISTER it first. */
    if (self->info && (g_strcmp0 (self->info->user, info->user) != 0 ||
                       g_strcmp0 (self->info->domain, info->domain) != 0))
      vo_credentials_clear_async (self->credentials, self->info->user, self->info->domain,
                                  NULL, NULL);
    data->self = g_object_ref (self);
    data->info = info;
    vo_account_set_state (self, VO_ACCOUNT_STATE_SIGNING_IN);
    vo_sip_registration_stop_async (self->registration, on_old_account_stopped, data);
    return;
  }
  sign_in_begin (self, info);
}

void
vo_account_sign_in_async (VoAccount *self, const char *user, const char *password,
                          GHashTable *options, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *configured = vo_account_service_configured_url (self->service);
  const char *url = g_hash_table_lookup (options, "service");
  VoAccountInfo *info;

  g_task_set_source_tag (task, vo_account_sign_in_async);
  if (self->sign_in_task) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_BUSY,
                             "A sign-in is already in progress; wait for it to finish");
    return;
  }
  /* The service when asked for, or when vo.conf names one and no SIP
   * server is given (as the app does). */
  if (url || (configured && !g_hash_table_contains (options, "registrar") &&
              !g_hash_table_contains (options, "domain"))) {
    self->sign_in_task = g_steal_pointer (&task);
    vo_account_sign_in_provisioned (self, url, user, password, options);
    return;
  }
  info = vo_account_info_parse (user, password, options, self->stack, &error);
  if (!info) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  self->sign_in_task = g_steal_pointer (&task);
  vo_account_sign_in_with (self, info, password);
}

gboolean
vo_account_sign_in_finish (VoAccount *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- auto sign-in ---------------------------------------------------- */

static void
on_stored_password (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password = vo_credentials_lookup_finish (VO_CREDENTIALS (source), result, &error);

  if (!self->auto_sign_in || self->sign_in_task) {
    vo_credentials_free_password (password);
    return;  /* a SignIn or SignOut came first */
  }
  self->auto_sign_in = FALSE;
  if (!password) {
    g_message ("No stored password for %s; waiting for SignIn", self->info->user);
    vo_account_set_last_error (self, "No stored password; sign in again");
    vo_account_set_state (self, VO_ACCOUNT_STATE_SIGNED_OUT);
    return;
  }
  g_message ("Signing in as %s@%s with the stored password", self->info->user,
             self->info->domain);
  /* signing-in until the registrar's first final answer, as for SignIn. */
  vo_account_register (self, password);
  vo_credentials_free_password (password);
}

void
vo_account_start (VoAccount *self)
{
  VoAccountInfo *info = vo_account_info_load (self->config);

  if (!info)
    return;
  vo_account_set_info (self, info);
  /* The service's half resumes from its refresh token, in parallel: SIP
   * works from the stored provisioning whether the service answers or not. */
  vo_account_service_resume (self->service);
  self->auto_sign_in = TRUE;
  vo_credentials_lookup_async (self->credentials, info->user, info->domain, on_stored_password,
                               g_object_ref (self));
}

/* ---- sign out / shutdown --------------------------------------------- */

static void
on_password_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!vo_credentials_clear_finish (VO_CREDENTIALS (source), result, &error))
    g_warning ("The stored password could not be removed: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/* @unregister_error: why the registrar may still hold the contact, or NULL;
 * LastError keeps it after the sign-out. */
static void
sign_out_forget (VoAccount *self, GTask *task, const char *unregister_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user = self->info ? g_strdup (self->info->user) : NULL;
  g_autofree char *domain = self->info ? g_strdup (self->info->domain) : NULL;

  account_drop_registration (self);
  /* The stack's copy of the password (for INVITE challenges) goes too. */
  vo_sip_stack_clear_identity (self->stack);
  if (!vo_config_remove_group (self->config, VO_ACCOUNT_INFO_GROUP, &error))
    g_warning ("%s", error->message);
  vo_account_set_info (self, NULL);
  vo_account_set_last_error (self, unregister_error);
  vo_account_set_state (self, VO_ACCOUNT_STATE_SIGNED_OUT);
  if (user)
    vo_credentials_clear_async (self->credentials, user, domain, on_password_cleared, task);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_signed_out_registration_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  VoSipRegistration *registration = VO_SIP_REGISTRATION (source);
  g_autofree char *error = g_strdup (vo_sip_registration_get_error (registration));

  vo_sip_registration_stop_finish (registration, result);
  sign_out_forget (g_task_get_source_object (task), task, *error ? error : NULL);
}

void
vo_account_sign_out_async (VoAccount *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_account_sign_out_async);
  if (!self->info && !self->registration && !self->sign_in_task &&
      vo_account_service_get_state (self->service) == VO_SERVICE_STATE_NONE) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_NOT_SIGNED_IN,
                             "Not signed in, so there is nothing to sign out of");
    g_object_unref (task);
    return;
  }
  self->auto_sign_in = FALSE;
  self->service_ended = FALSE;
  /* Calls end (BYE) while we are still registered. */
  g_signal_emit (self, signals[SIGNAL_SIGNING_OUT], 0);
  if (self->sign_in_task)
    vo_account_sign_in_complete (self, g_error_new_literal (VO_ERROR, VO_ERROR_FAILED,
                                                 "The sign-in was cancelled by SignOut"));
  /* Ends the service's session too (DELETE /v1/session, best effort). */
  vo_account_service_sign_out_async (self->service, NULL, NULL);
  if (self->registration)
    vo_sip_registration_stop_async (self->registration, on_signed_out_registration_stopped,
                                    task);
  else
    sign_out_forget (self, task, NULL);
}

gboolean
vo_account_sign_out_finish (VoAccount *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_shutdown_registration_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  vo_sip_registration_stop_finish (VO_SIP_REGISTRATION (source), result);
  g_task_return_boolean (task, TRUE);
}

void
vo_account_shutdown_async (VoAccount *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_account_shutdown_async);
  self->auto_sign_in = FALSE;
  /* Calls end (BYE) while we are still registered. */
  g_signal_emit (self, signals[SIGNAL_SIGNING_OUT], 0);
  if (self->sign_in_task)
    vo_account_sign_in_complete (self, g_error_new_literal (VO_ERROR, VO_ERROR_FAILED,
                                                 "vo-daemon is shutting down"));
  if (!self->registration) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  vo_sip_registration_stop_async (self->registration, on_shutdown_registration_stopped, task);
}

void
vo_account_shutdown_finish (VoAccount *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- the service's half --------------------------------------------- */

VoAccountService *
vo_account_get_service (VoAccount *self)
{
  return self->service;
}

static void
on_service_notify (GObject *service, GParamSpec *pspec, gpointer user_data)
{
  VoAccount *self = user_data;

  if (g_str_equal (pspec->name, "state")) {
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SERVICE_STATE]);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAPABILITIES]);
  } else if (g_str_equal (pspec->name, "error")) {
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
  } else {
    /* A profile property of the same name. */
    GParamSpec *ours = g_object_class_find_property (G_OBJECT_GET_CLASS (self), pspec->name);
    if (ours)
      g_object_notify_by_pspec (G_OBJECT (self), ours);
  }
}

static void
on_service_session_ended (VoAccountService *service, gpointer user_data)
{
  VoAccount *self = user_data;

  /* SIP goes on with the stored provisioning; the user must sign in again
   * for the rest. LastError says so (the service's error). */
  self->service_ended = TRUE;
  if (self->state != VO_ACCOUNT_STATE_SIGNING_IN)
    vo_account_set_state (self, VO_ACCOUNT_STATE_ERROR);
}

/* ---- GObject --------------------------------------------------------- */

/* What works in SIP-only mode, and what the service offers. */
static char **
account_capabilities (VoAccount *self)
{
  static const char *const sip_only[] = { "registration", "calls", "history", "presence",
                                          "messages", NULL };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) offered = NULL;

  g_strv_builder_addv (builder, (const char **) sip_only);
  if (vo_account_service_get_state (self->service) != VO_SERVICE_STATE_NONE) {
    g_object_get (self->service, "capabilities", &offered, NULL);
    for (guint i = 0; offered && offered[i]; i++)
      if (!g_strv_contains (sip_only, offered[i]))
        g_strv_builder_add (builder, offered[i]);
  }
  return g_strv_builder_end (builder);
}

static void
vo_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VoAccount *self = VO_ACCOUNT (object);

  g_autofree char *from_service = NULL;

  switch (prop_id) {
  case PROP_STATE:
    g_value_set_enum (value, vo_account_get_state (self));
    break;
  case PROP_REGISTRATION:
    g_value_set_enum (value, vo_account_get_registration (self));
    break;
  case PROP_LAST_ERROR:
    /* The SIP side's problem first: it is the one that stops calls. */
    if (*self->last_error)
      g_value_set_string (value, self->last_error);
    else
      g_object_get_property (G_OBJECT (self->service), "error", value);
    break;
  case PROP_USERNAME:
  case PROP_DISPLAY_NAME:
  case PROP_SIP_URI:
    /* The service's words, else what the SIP account says. */
    g_object_get (self->service, pspec->name, &from_service, NULL);
    if (*from_service)
      g_value_take_string (value, g_steal_pointer (&from_service));
    else if (!self->info)
      g_value_set_string (value, "");
    else if (prop_id == PROP_USERNAME)
      g_value_set_string (value, self->info->user);
    else if (prop_id == PROP_DISPLAY_NAME)
      g_value_set_string (value, self->info->display_name ? self->info->display_name : "");
    else
      g_value_take_string (value, g_strdup_printf ("sip:%s@%s", self->info->user,
                                                   self->info->domain));
    break;
  case PROP_CAPABILITIES:
    g_value_take_boxed (value, account_capabilities (self));
    break;
  case PROP_EXTENSION:
  case PROP_COMPANY:
  case PROP_PHOTO_PATH:
    /* Only the Virtual Office service knows these. */
    g_object_get_property (G_OBJECT (self->service), pspec->name, value);
    break;
  case PROP_SERVICE_STATE:
    g_value_set_enum (value, vo_account_service_get_state (self->service));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_account_dispose (GObject *object)
{
  VoAccount *self = VO_ACCOUNT (object);

  g_clear_handle_id (&self->sign_in_timeout_id, g_source_remove);
  if (self->network)
    g_signal_handlers_disconnect_by_data (self->network, self);
  account_drop_registration (self);
  if (self->service)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  g_clear_object (&self->network);
  g_clear_object (&self->stack);
  g_clear_object (&self->credentials);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_account_parent_class)->dispose (object);
}

static void
vo_account_finalize (GObject *object)
{
  VoAccount *self = VO_ACCOUNT (object);

  vo_account_info_free (self->info);
  g_free (self->last_error);
  vo_credentials_free_password (self->sign_in_password);
  G_OBJECT_CLASS (vo_account_parent_class)->finalize (object);
}

static void
vo_account_class_init (VoAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vo_account_get_property;
  object_class->dispose = vo_account_dispose;
  object_class->finalize = vo_account_finalize;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, VO_TYPE_ACCOUNT_STATE,
                                         VO_ACCOUNT_STATE_SIGNED_OUT, ro);
  props[PROP_REGISTRATION] = g_param_spec_enum ("registration", NULL, NULL, VO_TYPE_REGISTRATION,
                                                VO_REGISTRATION_UNREGISTERED, ro);
  props[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, "", ro);
  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, "", ro);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, "", ro);
  props[PROP_EXTENSION] = g_param_spec_string ("extension", NULL, NULL, "", ro);
  props[PROP_COMPANY] = g_param_spec_string ("company", NULL, NULL, "", ro);
  props[PROP_SIP_URI] = g_param_spec_string ("sip-uri", NULL, NULL, "", ro);
  props[PROP_CAPABILITIES] = g_param_spec_boxed ("capabilities", NULL, NULL, G_TYPE_STRV, ro);
  props[PROP_PHOTO_PATH] = g_param_spec_string ("photo-path", NULL, NULL, "", ro);
  props[PROP_SERVICE_STATE] = g_param_spec_enum ("service-state", NULL, NULL,
                                                 VO_TYPE_SERVICE_STATE, VO_SERVICE_STATE_NONE, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[SIGNAL_SIGNING_OUT] = g_signal_new ("signing-out", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
}

static void
vo_account_init (VoAccount *self)
{
  self->last_error = g_strdup ("");
}

VoAccount *
vo_account_new (VoConfig *config, VoCredentials *credentials, VoSipStack *stack,
                VoNetworkMonitor *network)
{
  VoAccount *self = g_object_new (VO_TYPE_ACCOUNT, NULL);

  self->config = g_object_ref (config);
  self->credentials = g_object_ref (credentials);
  self->stack = g_object_ref (stack);
  self->network = g_object_ref (network);
  g_signal_connect (network, "changed", G_CALLBACK (on_network_changed), self);
  self->service = vo_account_service_new (config, credentials);
  g_signal_connect (self->service, "notify", G_CALLBACK (on_service_notify), self);
  g_signal_connect (self->service, "session-ended", G_CALLBACK (on_service_session_ended), self);
  g_signal_connect (self->service, "sip-account",
                    G_CALLBACK (vo_account_on_service_sip_account), self);
  return self;
}
