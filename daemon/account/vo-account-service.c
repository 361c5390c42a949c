/* vo-account-service.c: the session with the Virtual Office service.
 *
 * Stored: vo.conf [service] url and user (the sign-in user name), the
 * profile in [profile] (so it shows offline), the refresh token in the
 * secret store under (user, url), the photo in the cache folder. The SIP
 * password is VoAccount's, stored as for a SIP-only account.
 *
 * While the service is unreachable or failing, SIP goes on from the stored
 * provisioning: the state is "offline", "error" says why, and a sync is
 * retried with capped exponential backoff ([service] retry-max, 60 s). The
 * event socket noticing a loss or a return triggers the same sync.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account-service.h"
#include "vo-account-service-private.h"
#include "vo-account-photo.h"
#include "vo-enum-types.h"
#include "vo-error.h"
#include "vo-service-events.h"

#include <string.h>


/* struct _VoAccountService: vo-account-service-private.h */

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_EXTENSION,
  PROP_COMPANY,
  PROP_SIP_URI,
  PROP_PHOTO_PATH,
  PROP_CAPABILITIES,
  PROP_COUNTRY,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_SIP_ACCOUNT,
  SIGNAL_FORWARDING_CHANGED,
  SIGNAL_DIRECTORY_CHANGED,
  SIGNAL_FAVORITES_CHANGED,
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoAccountService, vo_account_service, G_TYPE_OBJECT)

static void service_sync (VoAccountService *self);
static void service_fetch_me (VoAccountService *self, gboolean then_provisioning);

/* ---- state ----------------------------------------------------------- */

static void
service_set_state (VoAccountService *self, VoServiceState state, const char *error)
{
  if (g_strcmp0 (self->error, error ? error : "") != 0) {
    g_free (self->error);
    self->error = g_strdup (error ? error : "");
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
  }
  if (self->state != state) {
    g_message ("Virtual Office service: %s%s%s", vo_enum_to_nick (VO_TYPE_SERVICE_STATE, state),
               error ? ": " : "", error ? error : "");
    self->state = state;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  }
}

VoServiceState
vo_account_service_get_state (VoAccountService *self)
{
  return self->state;
}

VoServiceClient *
vo_account_service_get_client (VoAccountService *self)
{
  return self->committed ? self->client : NULL;
}

char *
vo_account_service_configured_url (VoAccountService *self)
{
  g_autofree char *url = vo_config_get_string (self->config, VO_SERVICE_GROUP, "url");

  return url && *url ? g_steal_pointer (&url) : NULL;
}

void
vo_account_service_notify_profile (VoAccountService *self)
{
  for (guint i = PROP_USERNAME; i <= PROP_COUNTRY; i++)
    g_object_notify_by_pspec (G_OBJECT (self), props[i]);
}

void
vo_account_service_notify_photo (VoAccountService *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PHOTO_PATH]);
}

/* ---- sync and backoff ------------------------------------------------ */

static gboolean
on_retry (gpointer user_data)
{
  VoAccountService *self = user_data;

  self->retry_id = 0;
  service_sync (self);
  return G_SOURCE_REMOVE;
}

static void
service_schedule_retry (VoAccountService *self)
{
  guint max = (guint) CLAMP (vo_config_get_int (self->config, VO_SERVICE_GROUP, "retry-max", 60),
                             1, 3600);

  if (self->retry_id)
    return;
  self->retry_s = self->retry_s ? MIN (self->retry_s * 2, max) : 1;
  g_debug ("Virtual Office service: next try in %u s", self->retry_s);
  self->retry_id = g_timeout_add_seconds (self->retry_s, on_retry, self);
}

static void
session_ended (VoAccountService *self, const char *message)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->events)
    vo_service_events_stop (self->events);
  /* Stored under the client's (normalised) URL, as store_refresh_token does. */
  if (self->user && self->client)
    vo_credentials_clear_async (self->credentials, self->user,
                                vo_service_client_get_base_url (self->client), NULL, NULL);
  service_set_state (self, VO_SERVICE_STATE_ERROR, message);
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0);
}

/* A request of the running session failed: decide what it means. */
static void
service_failed (VoAccountService *self, const GError *error)
{
  if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED) ||
      g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_FORBIDDEN)) {
    session_ended (self, error->message);
    return;
  }
  if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CERTIFICATE)) {
    /* Not retried: the user must trust it (ca-file) and sign in again. */
    service_set_state (self, VO_SERVICE_STATE_ERROR, error->message);
    return;
  }
  service_set_state (self, VO_SERVICE_STATE_OFFLINE, error->message);
  service_schedule_retry (self);
}

/* ---- events --------------------------------------------------------- */

static void
on_sip_account_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoAccountService) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VoServiceSipAccount) account =
    vo_service_client_get_sip_account_finish (VO_SERVICE_CLIENT (source), result, &error);

  if (!account) {
    service_failed (self, error);
    return;
  }
  /* VoAccount compares it with what it registers with. */
  g_signal_emit (self, signals[SIGNAL_SIP_ACCOUNT], 0, account);
}

/* The server lost track of what this client has seen: everything is
 * fetched again, the directory from scratch (entries deleted meanwhile are
 * swept). */
static void
service_resync (VoAccountService *self)
{
  service_sync (self);
  g_signal_emit (self, signals[SIGNAL_DIRECTORY_CHANGED], 0, TRUE);
}

static void
on_service_event (VoServiceEvents *events, const char *type, gint64 id, gpointer user_data)
{
  VoAccountService *self = user_data;

  g_debug ("Service event %" G_GINT64_FORMAT ": %s", id, type);
  if (g_str_equal (type, "me.changed") || g_str_equal (type, "photo.changed"))
    service_fetch_me (self, FALSE);
  else if (g_str_equal (type, "forwarding.changed"))
    g_signal_emit (self, signals[SIGNAL_FORWARDING_CHANGED], 0);
  else if (g_str_equal (type, "directory.changed"))
    g_signal_emit (self, signals[SIGNAL_DIRECTORY_CHANGED], 0, FALSE);
  else if (g_str_equal (type, "favorites.changed"))
    g_signal_emit (self, signals[SIGNAL_FAVORITES_CHANGED], 0);
  else if (g_str_equal (type, "sip-account.changed"))
    vo_service_client_get_sip_account_async (self->client, self->cancellable,
                                             on_sip_account_fetched, g_object_ref (self));
  else if (g_str_equal (type, "resync"))
    service_resync (self);
}

static void
on_events_connected (VoServiceEvents *events, gboolean up, gpointer user_data)
{
  VoAccountService *self = user_data;
  g_autofree char *message = NULL;

  if (up) {
    /* Back: what changed meanwhile is fetched again. */
    if (self->state != VO_SERVICE_STATE_ONLINE)
      service_sync (self);
    return;
  }
  if (self->state != VO_SERVICE_STATE_ONLINE)
    return;
  message = g_strdup_printf ("Lost the connection to the Virtual Office service at %s; "
                             "calls and messages go on, and vo-daemon reconnects by itself",
                             vo_service_client_get_base_url (self->client));
  service_set_state (self, VO_SERVICE_STATE_OFFLINE, message);
  service_schedule_retry (self);
}

static void
on_events_session_ended (VoServiceEvents *events, gpointer user_data)
{
  session_ended (user_data, "Your Virtual Office session has ended; sign in again with your "
                            "user name and password");
}

static void
service_online (VoAccountService *self)
{
  self->retry_s = 0;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  service_set_state (self, VO_SERVICE_STATE_ONLINE, NULL);
  if (!self->events &&
      g_strv_contains ((const char *const *) self->profile->capabilities, "events")) {
    self->events = vo_service_events_new (self->client);
    g_signal_connect_object (self->events, "event", G_CALLBACK (on_service_event), self, 0);
    g_signal_connect_object (self->events, "connected", G_CALLBACK (on_events_connected), self,
                             0);
    g_signal_connect_object (self->events, "session-ended",
                             G_CALLBACK (on_events_session_ended), self, 0);
    vo_service_events_start (self->events, 0);
  }
  /* Rules, directory entries and favorites changed while we were away are
   * fetched again (the directory from its sync token). */
  g_signal_emit (self, signals[SIGNAL_FORWARDING_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_DIRECTORY_CHANGED], 0, FALSE);
  g_signal_emit (self, signals[SIGNAL_FAVORITES_CHANGED], 0);
}

/* ---- the profile ------------------------------------------------------ */

typedef struct {
  VoAccountService *self;
  gboolean then_provisioning;
} FetchMe;

static void
on_me_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FetchMe *fetch = user_data;
  g_autoptr(VoAccountService) self = fetch->self;
  gboolean then_provisioning = fetch->then_provisioning;
  g_autoptr(GError) error = NULL;
  VoServiceProfile *profile = vo_service_client_get_me_finish (VO_SERVICE_CLIENT (source), result,
                                                               &error);
  g_autofree char *old_etag = NULL;

  g_free (fetch);
  if (!profile) {
    self->syncing = FALSE;
    service_failed (self, error);
    return;
  }
  old_etag = self->profile ? g_strdup (self->profile->photo_etag) : NULL;
  g_clear_pointer (&self->profile, vo_service_profile_free);
  self->profile = profile;
  vo_account_service_profile_save (self);
  vo_account_service_notify_profile (self);
  vo_account_service_photo_follow (self, old_etag);
  if (then_provisioning) {
    self->syncing = FALSE;
    vo_service_client_get_sip_account_async (self->client, self->cancellable,
                                             on_sip_account_fetched, g_object_ref (self));
    service_online (self);
  }
}

static void
service_fetch_me (VoAccountService *self, gboolean then_provisioning)
{
  FetchMe *fetch = g_new0 (FetchMe, 1);

  fetch->self = g_object_ref (self);
  fetch->then_provisioning = then_provisioning;
  vo_service_client_get_me_async (self->client, self->cancellable, on_me_fetched, fetch);
}

/* ---- sync ------------------------------------------------------------- */

/* The profile, then the provisioning, then online (and forwarding). After
 * a restart the client has only the refresh token: its first request
 * refreshes by itself. */
static void
service_sync (VoAccountService *self)
{
  if (!self->client || !self->committed || self->syncing ||
      self->state == VO_SERVICE_STATE_ERROR)
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->syncing = TRUE;
  if (self->state != VO_SERVICE_STATE_OFFLINE)
    service_set_state (self, VO_SERVICE_STATE_CONNECTING, NULL);
  service_fetch_me (self, TRUE);
}

/* ---- tokens ----------------------------------------------------------- */

static void
store_refresh_token (VoAccountService *self)
{
  g_autofree char *url = NULL;

  if (!self->committed || !self->user)
    return;
  url = g_strdup (vo_service_client_get_base_url (self->client));
  if (self->refresh_token)
    vo_credentials_store_async (self->credentials, self->user, url, self->refresh_token, NULL,
                                NULL);
  else
    vo_credentials_clear_async (self->credentials, self->user, url, NULL, NULL);
}

static void
on_refresh_token_changed (VoServiceClient *client, const char *token, gpointer user_data)
{
  VoAccountService *self = user_data;

  vo_credentials_free_password (self->refresh_token);
  self->refresh_token = g_strdup (token);
  store_refresh_token (self);
}

/* Drops the client of the current session: its requests end, its socket
 * closes; nothing stored is touched. */
static void
service_drop_client (VoAccountService *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->events) {
    vo_service_events_stop (self->events);
    g_signal_handlers_disconnect_by_data (self->events, self);
    g_clear_object (&self->events);
  }
  if (self->client) {
    g_signal_handlers_disconnect_by_data (self->client, self);
    g_clear_object (&self->client);
  }
  vo_credentials_free_password (g_steal_pointer (&self->refresh_token));
  self->committed = FALSE;
  self->syncing = FALSE;
  self->retry_s = 0;
}

VoServiceClient *
vo_account_service_client_new (VoAccountService *self, const char *url, GError **error)
{
  g_autofree char *ca_file = vo_config_get_string (self->config, VO_SERVICE_GROUP, "ca-file");
  g_autoptr(GError) local = NULL;
  VoServiceClient *client = vo_service_client_new (url, ca_file && *ca_file ? ca_file : NULL,
                                                   &local);

  if (!client) {
    g_propagate_error (error, vo_service_error_to_vo (local));
    return NULL;
  }
  vo_service_client_set_timeout (client, (guint) CLAMP (vo_config_get_int (self->config,
                                                                           VO_SERVICE_GROUP,
                                                                           "timeout", 20),
                                                        1, 300));
  return client;
}

static void
service_use_client (VoAccountService *self, VoServiceClient *client, const char *user)
{
  /* The caller dropped the previous client (and so renewed the cancellable). */
  g_assert (self->client == NULL);
  self->client = client;
  g_signal_connect (client, "refresh-token-changed", G_CALLBACK (on_refresh_token_changed), self);
  g_free (self->user);
  self->user = g_strdup (user);
}

/* ---- sign in ---------------------------------------------------------- */

static void
sign_in_fail (VoAccountService *self, GTask *task, const GError *error)
{
  g_autoptr(GError) vo_error = vo_service_error_to_vo (error);

  /* Cancelled: a SignOut or another SignIn came, and set the state. */
  if (!g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    service_set_state (self, VO_SERVICE_STATE_ERROR, vo_error->message);
  g_task_return_error (task, g_steal_pointer (&vo_error));
}

static void
on_sign_in_provisioned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  VoAccountService *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  VoServiceSipAccount *account =
    vo_service_client_get_sip_account_finish (VO_SERVICE_CLIENT (source), result, &error);

  if (!account) {
    sign_in_fail (self, task, error);
    return;
  }
  g_task_return_pointer (task, account, (GDestroyNotify) vo_service_sip_account_free);
}

static void
on_sign_in_profile (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  VoAccountService *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  VoServiceProfile *profile = vo_service_client_get_me_finish (VO_SERVICE_CLIENT (source), result,
                                                               &error);

  if (!profile) {
    sign_in_fail (self, task, error);
    return;
  }
  g_clear_pointer (&self->profile, vo_service_profile_free);
  self->profile = profile;
  vo_account_service_notify_profile (self);
  /* (Not g_task_get_cancellable (task) in the call: argument order is unspecified.) */
  vo_service_client_get_sip_account_async (self->client, self->cancellable,
                                           on_sign_in_provisioned, g_steal_pointer (&task));
}

static void
on_sign_in_session (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  VoAccountService *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!vo_service_client_sign_in_finish (VO_SERVICE_CLIENT (source), result, &error)) {
    sign_in_fail (self, task, error);
    return;
  }
  vo_service_client_get_me_async (self->client, self->cancellable, on_sign_in_profile,
                                  g_steal_pointer (&task));
}

void
vo_account_service_sign_in_async (VoAccountService *self, const char *url, const char *user,
                                  const char *password, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *configured = url ? NULL : vo_account_service_configured_url (self);
  VoServiceClient *client;

  service_drop_client (self);
  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, vo_account_service_sign_in_async);
  client = vo_account_service_client_new (self, url ? url : configured, &error);
  if (!client) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  service_use_client (self, client, user);
  service_set_state (self, VO_SERVICE_STATE_CONNECTING, NULL);
  vo_service_client_sign_in_async (client, user, password, self->cancellable, on_sign_in_session,
                                   g_steal_pointer (&task));
}

VoServiceSipAccount *
vo_account_service_sign_in_finish (VoAccountService *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vo_account_service_commit (VoAccountService *self)
{
  g_autoptr(GError) error = NULL;
  const char *pairs[] = {
    "url", vo_service_client_get_base_url (self->client),
    "user", self->user,
    NULL
  };

  g_return_if_fail (self->client && self->profile);
  if (!vo_config_set_strings (self->config, VO_SERVICE_GROUP, pairs, &error))
    g_warning ("The service URL could not be saved: %s", error->message);
  self->committed = TRUE;
  vo_account_service_profile_save (self);
  store_refresh_token (self);
  vo_account_service_photo_follow (self, NULL);
  service_online (self);
}

void
vo_account_service_abandon (VoAccountService *self)
{
  if (self->committed)
    return;
  service_drop_client (self);
  g_clear_pointer (&self->profile, vo_service_profile_free);
  vo_account_service_notify_profile (self);
}

/* ---- resume after a restart ------------------------------------------ */

static void
on_stored_refresh_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoAccountService) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = vo_credentials_lookup_finish (VO_CREDENTIALS (source), result, &error);

  if (!self->client || self->committed) {
    vo_credentials_free_password (token);
    return;  /* a SignIn or SignOut came first */
  }
  if (!token) {
    service_set_state (self, VO_SERVICE_STATE_ERROR,
                       "No stored Virtual Office session; sign in again with your user name "
                       "and password");
    g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0);
    return;
  }
  vo_service_client_set_refresh_token (self->client, token);
  self->refresh_token = token;
  self->committed = TRUE;
  service_sync (self);
}

gboolean
vo_account_service_resume (VoAccountService *self)
{
  g_autofree char *url = vo_account_service_configured_url (self);
  g_autofree char *user = vo_config_get_string (self->config, VO_SERVICE_GROUP, "user");
  g_autoptr(GError) error = NULL;
  VoServiceClient *client;

  if (!url || !user || !*user)
    return FALSE;
  service_drop_client (self);
  client = vo_account_service_client_new (self, url, &error);
  if (!client) {
    service_set_state (self, VO_SERVICE_STATE_ERROR, error->message);
    return TRUE;
  }
  service_use_client (self, client, user);
  vo_account_service_profile_load (self);
  service_set_state (self, VO_SERVICE_STATE_CONNECTING, NULL);
  vo_credentials_lookup_async (self->credentials, user, vo_service_client_get_base_url (client),
                               on_stored_refresh_token, g_object_ref (self));
  return TRUE;
}

/* ---- sign out --------------------------------------------------------- */

static void
service_forget (VoAccountService *self)
{
  g_autoptr(GError) error = NULL;

  if (self->user && self->client)
    vo_credentials_clear_async (self->credentials, self->user,
                                vo_service_client_get_base_url (self->client), NULL, NULL);
  service_drop_client (self);
  g_clear_pointer (&self->user, g_free);
  if (!vo_config_remove_group (self->config, VO_PROFILE_GROUP, &error) ||
      !vo_config_set_string (self->config, VO_SERVICE_GROUP, "user", "", &error))
    g_warning ("%s", error->message);
  g_clear_pointer (&self->profile, vo_service_profile_free);
  vo_account_photo_cache (NULL, NULL, NULL);
  g_clear_pointer (&self->photo_path, g_free);
  service_set_state (self, VO_SERVICE_STATE_NONE, NULL);
  vo_account_service_notify_profile (self);
}

static void
on_service_signed_out (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vo_service_client_sign_out_finish (VO_SERVICE_CLIENT (source), result, &error))
    g_message ("The Virtual Office session could not be ended at the service: %s",
               error->message);
}

void
vo_account_service_sign_out_async (VoAccountService *self, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(VoServiceClient) client = self->client ? g_object_ref (self->client) : NULL;

  g_task_set_source_tag (task, vo_account_service_sign_out_async);
  /* Everything is forgotten at once; DELETE /v1/session goes on behind
   * (the client keeps itself alive until it has an answer). */
  service_forget (self);
  if (client && vo_service_client_has_session (client))
    vo_service_client_sign_out_async (client, NULL, on_service_signed_out, NULL);
  g_task_return_boolean (task, TRUE);
}

void
vo_account_service_sign_out_finish (VoAccountService *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- GObject ---------------------------------------------------------- */

static const char *
profile_field (VoAccountService *self, gsize offset)
{
  const char *value = self->profile ? G_STRUCT_MEMBER (char *, self->profile, offset) : NULL;

  return value ? value : "";
}

static void
vo_account_service_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  VoAccountService *self = VO_ACCOUNT_SERVICE (object);
  static const char *const none[] = { NULL };

  switch (prop_id) {
  case PROP_STATE:
    g_value_set_enum (value, self->state);
    break;
  case PROP_ERROR:
    g_value_set_string (value, self->error);
    break;
  case PROP_USERNAME:
    g_value_set_string (value, self->user ? self->user : "");
    break;
  case PROP_DISPLAY_NAME:
    g_value_set_string (value, profile_field (self, G_STRUCT_OFFSET (VoServiceProfile,
                                                                     display_name)));
    break;
  case PROP_EXTENSION:
    g_value_set_string (value, profile_field (self, G_STRUCT_OFFSET (VoServiceProfile,
                                                                     extension)));
    break;
  case PROP_COMPANY:
    g_value_set_string (value, profile_field (self, G_STRUCT_OFFSET (VoServiceProfile, company)));
    break;
  case PROP_SIP_URI:
    g_value_set_string (value, profile_field (self, G_STRUCT_OFFSET (VoServiceProfile, sip_uri)));
    break;
  case PROP_PHOTO_PATH:
    g_value_set_string (value, self->photo_path ? self->photo_path : "");
    break;
  case PROP_COUNTRY:
    g_value_set_string (value, profile_field (self, G_STRUCT_OFFSET (VoServiceProfile, country)));
    break;
  case PROP_CAPABILITIES:
    g_value_set_boxed (value, self->profile ? (const char *const *) self->profile->capabilities
                                            : none);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_account_service_dispose (GObject *object)
{
  VoAccountService *self = VO_ACCOUNT_SERVICE (object);

  service_drop_client (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->credentials);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_account_service_parent_class)->dispose (object);
}

static void
vo_account_service_finalize (GObject *object)
{
  VoAccountService *self = VO_ACCOUNT_SERVICE (object);

  g_free (self->user);
  g_free (self->error);
  g_free (self->photo_path);
  g_clear_pointer (&self->profile, vo_service_profile_free);
  G_OBJECT_CLASS (vo_account_service_parent_class)->finalize (object);
}

static void
vo_account_service_class_init (VoAccountServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vo_account_service_get_property;
  object_class->dispose = vo_account_service_dispose;
  object_class->finalize = vo_account_service_finalize;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, VO_TYPE_SERVICE_STATE,
                                         VO_SERVICE_STATE_NONE, ro);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, "", ro);
  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, "", ro);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, "", ro);
  props[PROP_EXTENSION] = g_param_spec_string ("extension", NULL, NULL, "", ro);
  props[PROP_COMPANY] = g_param_spec_string ("company", NULL, NULL, "", ro);
  props[PROP_SIP_URI] = g_param_spec_string ("sip-uri", NULL, NULL, "", ro);
  props[PROP_PHOTO_PATH] = g_param_spec_string ("photo-path", NULL, NULL, "", ro);
  props[PROP_CAPABILITIES] = g_param_spec_boxed ("capabilities", NULL, NULL, G_TYPE_STRV, ro);
  props[PROP_COUNTRY] = g_param_spec_string ("country", NULL, NULL, "", ro);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_SIP_ACCOUNT] = g_signal_new ("sip-account", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_FORWARDING_CHANGED] = g_signal_new ("forwarding-changed",
                                                     G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DIRECTORY_CHANGED] = g_signal_new ("directory-changed",
                                                     G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                     G_TYPE_BOOLEAN);
  signals[SIGNAL_FAVORITES_CHANGED] = g_signal_new ("favorites-changed",
                                                    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 0);
}

static void
vo_account_service_init (VoAccountService *self)
{
  self->error = g_strdup ("");
  self->cancellable = g_cancellable_new ();
}

VoAccountService *
vo_account_service_new (VoConfig *config, VoCredentials *credentials)
{
  VoAccountService *self = g_object_new (VO_TYPE_ACCOUNT_SERVICE, NULL);

  self->config = g_object_ref (config);
  self->credentials = g_object_ref (credentials);
  return self;
}
