/* vo-service-client.c: VoServiceClient's session, tokens and the one
 * request path every call takes (vo-service-client-private.h); the
 * resources are in vo-service-client-resources.c.
 *
 * Tokens never reach a log: a request is logged as method, path, status
 * and duration. A 401 invalid-token starts one refresh; every request that
 * meets a 401 meanwhile waits for that refresh and is repeated once with
 * the new access token.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "config.h"
#include "vo-service-client-private.h"
#include "vo-service-json.h"
#include "vo-text.h"
#include "vo-service-problem.h"

#include <libsoup/soup.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S 20
/* The largest answer read (photos are at most 2 MiB): a bigger one that
 * says so in Content-Length is not read into memory. */
#define MAX_ANSWER_BYTES (4 * 1024 * 1024)
/* Internal: the request is a WebSocket handshake. */
#define CALL_WEBSOCKET (1 << 8)

struct _VoServiceClient {
  GObject parent_instance;

  SoupSession *session;
  char *base_url; /* https://host[:port], no trailing slash */
  char *host;     /* host[:port], for messages */
  char *ca_file;
  char *access_token;
  char *refresh_token;
  guint token_generation;     /* bumped whenever the access token changes */
  GPtrArray *refresh_waiters; /* GTask: calls to repeat, refresh_async callers */
  gboolean refreshing;
  gint64 retry_after_s;
};

enum { SIGNAL_REFRESH_TOKEN_CHANGED, N_SIGNALS };

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoServiceClient, vo_service_client, G_TYPE_OBJECT)

/* One request (the task data of vo_service_client_call_async). */
typedef struct {
  char *method;
  char *path;
  GBytes *body;
  char *content_type;
  guint flags;
  VoServiceParse parse;
  GDestroyNotify free_result;
  guint generation; /* of the access token it was sent with */
  gboolean repeated;
  SoupMessage *message;
  GTlsCertificateFlags certificate_errors;
  GTlsCertificate *peer;
  gint64 started_us;
  GCancellable *guard; /* the caller's cancellable, or ours on a huge answer */
  GCancellable *caller;
  gulong caller_handler;
  goffset too_large; /* the Content-Length that made us stop, or 0 */
} Call;

static void call_send (GTask *task);

static void
secret_clear (char **secret)
{
  if (*secret)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->content_type);
  g_clear_object (&call->message);
  g_clear_object (&call->peer);
  if (call->caller)
    g_cancellable_disconnect (call->caller, call->caller_handler);
  g_clear_object (&call->caller);
  g_clear_object (&call->guard);
  g_free (call);
}

void
vo_service_response_free (VoServiceResponse *response)
{
  if (!response)
    return;
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->etag);
  g_free (response->content_type);
  g_free (response);
}

static void
vo_service_client_dispose (GObject *object)
{
  VoServiceClient *self = VO_SERVICE_CLIENT (object);

  /* Every waiting task holds a reference to us: nothing waits here. */
  g_clear_pointer (&self->refresh_waiters, g_ptr_array_unref);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (vo_service_client_parent_class)->dispose (object);
}

static void
vo_service_client_finalize (GObject *object)
{
  VoServiceClient *self = VO_SERVICE_CLIENT (object);

  g_free (self->base_url);
  g_free (self->host);
  g_free (self->ca_file);
  secret_clear (&self->access_token);
  secret_clear (&self->refresh_token);
  G_OBJECT_CLASS (vo_service_client_parent_class)->finalize (object);
}

static void
vo_service_client_class_init (VoServiceClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_service_client_dispose;
  object_class->finalize = vo_service_client_finalize;

  signals[SIGNAL_REFRESH_TOKEN_CHANGED]
      = g_signal_new ("refresh-token-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vo_service_client_init (VoServiceClient *self)
{
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/* "https://host[:port]" from @url (a trailing "/" or "/v1" allowed). */
static gboolean
parse_base_url (VoServiceClient *self, const char *url, GError **error)
{
  g_autoptr (GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *path;

  /* Never quoted back then: the message is logged and may be shown. */
  if (uri && g_uri_get_userinfo (uri)) {
    g_set_error_literal (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST,
                         "The Virtual Office service's address must not hold a user name or "
                         "password; give https://HOST[:PORT] and sign in with the user name "
                         "and password instead");
    return FALSE;
  }
  if (!uri || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || !g_uri_get_host (uri)
      || !*g_uri_get_host (uri) || g_uri_get_userinfo (uri) || g_uri_get_query (uri)
      || g_uri_get_fragment (uri)) {
    g_set_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST,
                 "“%s” is not the address of a Virtual Office service: it must be "
                 "https://HOST[:PORT]",
                 url ? url : "");
    return FALSE;
  }
  path = g_uri_get_path (uri);
  if (*path && !g_str_equal (path, "/") && !g_str_equal (path, "/v1")
      && !g_str_equal (path, "/v1/")) {
    g_set_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST,
                 "“%s” is not the address of a Virtual Office service: it must be "
                 "https://HOST[:PORT] without a path",
                 url);
    return FALSE;
  }
  /* g_uri keeps IPv6 hosts without brackets. */
  if (strchr (g_uri_get_host (uri), ':'))
    self->host = g_uri_get_port (uri) > 0
                     ? g_strdup_printf ("[%s]:%d", g_uri_get_host (uri), g_uri_get_port (uri))
                     : g_strdup_printf ("[%s]", g_uri_get_host (uri));
  else
    self->host = g_uri_get_port (uri) > 0
                     ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
                     : g_strdup (g_uri_get_host (uri));
  self->base_url = g_strconcat ("https://", self->host, NULL);
  return TRUE;
}

VoServiceClient *
vo_service_client_new (const char *base_url, const char *ca_file, GError **error)
{
  g_autoptr (VoServiceClient) self = g_object_new (VO_TYPE_SERVICE_CLIENT, NULL);
  g_autoptr (GTlsDatabase) database = NULL;
  g_autoptr (GError) local = NULL;

  if (!parse_base_url (self, base_url, error))
    return NULL;
  self->session = soup_session_new_with_options ("user-agent", "vo-daemon/" PACKAGE_VERSION,
                                                 "timeout", DEFAULT_TIMEOUT_S, NULL);
  if (ca_file) {
    database = g_tls_file_database_new (ca_file, &local);
    if (!database) {
      g_set_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST,
                   "The CA file %s ([service] ca-file) cannot be used: %s", ca_file,
                   local->message);
      return NULL;
    }
    soup_session_set_tls_database (self->session, database);
    self->ca_file = g_strdup (ca_file);
  }
  return g_steal_pointer (&self);
}

const char *
vo_service_client_get_base_url (VoServiceClient *self)
{
  g_return_val_if_fail (VO_IS_SERVICE_CLIENT (self), NULL);
  return self->base_url;
}

const char *
vo_service_client_get_host (VoServiceClient *self)
{
  return self->host;
}

void
vo_service_client_set_timeout (VoServiceClient *self, guint timeout_s)
{
  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  soup_session_set_timeout (self->session, timeout_s);
}

gint64
vo_service_client_get_retry_after (VoServiceClient *self)
{
  g_return_val_if_fail (VO_IS_SERVICE_CLIENT (self), 0);
  return self->retry_after_s;
}

/* ---- tokens ------------------------------------------------------------- */

void
vo_service_client_set_refresh_token (VoServiceClient *self, const char *refresh_token)
{
  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  secret_clear (&self->access_token);
  secret_clear (&self->refresh_token);
  self->refresh_token = g_strdup (refresh_token);
  self->token_generation++;
}

gboolean
vo_service_client_has_session (VoServiceClient *self)
{
  g_return_val_if_fail (VO_IS_SERVICE_CLIENT (self), FALSE);
  return self->refresh_token != NULL;
}

const char *
vo_service_client_get_access_token (VoServiceClient *self)
{
  return self->access_token;
}

void
vo_service_client_take_tokens (VoServiceClient *self, char *access_token, char *refresh_token)
{
  secret_clear (&self->access_token);
  secret_clear (&self->refresh_token);
  self->access_token = access_token;
  self->refresh_token = refresh_token;
  self->token_generation++;
  g_signal_emit (self, signals[SIGNAL_REFRESH_TOKEN_CHANGED], 0, self->refresh_token);
}

void
vo_service_client_forget_tokens (VoServiceClient *self)
{
  gboolean had = self->access_token || self->refresh_token;

  secret_clear (&self->access_token);
  secret_clear (&self->refresh_token);
  self->token_generation++;
  if (had)
    g_signal_emit (self, signals[SIGNAL_REFRESH_TOKEN_CHANGED], 0, NULL);
}

/* ---- the shared refresh ------------------------------------------------ */

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VoServiceClient *self = VO_SERVICE_CLIENT (source);
  g_autoptr (VoServiceTokens) tokens = NULL;
  g_autoptr (GPtrArray) waiters = NULL;
  g_autoptr (GError) error = NULL;

  self->refreshing = FALSE;
  if (vo_service_client_call_finish (self, result, (gpointer *)&tokens, &error)) {
    vo_service_client_take_tokens (self, g_steal_pointer (&tokens->access_token),
                                   g_steal_pointer (&tokens->refresh_token));
  } else if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED)
             || g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_CREDENTIALS)
             || g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST)) {
    /* Whatever the service's words: this refresh token is no good. */
    g_clear_error (&error);
    g_set_error_literal (&error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED,
                         "Your Virtual Office session has ended; sign in again with your user "
                         "name and password");
    vo_service_client_forget_tokens (self);
  }
  g_debug ("Refresh %s; %u waiting", error ? "failed" : "done", self->refresh_waiters->len);
  waiters = g_steal_pointer (&self->refresh_waiters);
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++) {
    GTask *task = g_ptr_array_index (waiters, i);

    if (error)
      g_task_return_error (task, g_error_copy (error));
    else if (g_task_get_source_tag (task) == vo_service_client_refresh_async)
      g_task_return_boolean (task, TRUE);
    else
      call_send (g_object_ref (task));
  }
}

/* @task (taken) continues when the refresh in flight, or a new one, ends. */
static void
wait_for_refresh (VoServiceClient *self, GTask *task)
{
  g_autoptr (GBytes) body = NULL;

  if (!self->refresh_token) {
    g_task_return_new_error (task, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED,
                             "You are not signed in to the Virtual Office service at %s; sign "
                             "in with your user name and password",
                             self->host);
    g_object_unref (task);
    return;
  }
  g_ptr_array_add (self->refresh_waiters, task);
  if (self->refreshing)
    return;
  self->refreshing = TRUE;
  body = vo_service_json_refresh (self->refresh_token);
  /* No cancellable: the refresh serves every waiter, not just the first. */
  vo_service_client_call_async (self, "POST", "/v1/session/refresh", body, "application/json",
                                VO_SERVICE_CALL_PLAIN, (VoServiceParse)vo_service_parse_tokens,
                                (GDestroyNotify)vo_service_tokens_free, NULL, on_refreshed, NULL);
}

void
vo_service_client_refresh_async (VoServiceClient *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vo_service_client_refresh_async);
  wait_for_refresh (self, task);
}

gboolean
vo_service_client_refresh_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- one request --------------------------------------------------------- */

static gboolean
on_accept_certificate (SoupMessage *message, GTlsCertificate *peer, GTlsCertificateFlags errors,
                       gpointer user_data)
{
  Call *call = user_data;

  /* Never accepted: only noted, so the error can say what is wrong. */
  call->certificate_errors = errors;
  g_set_object (&call->peer, peer);
  return FALSE;
}

static gboolean
is_json (const char *content_type)
{
  return content_type
         && (g_ascii_strcasecmp (content_type, "application/json") == 0
             || g_str_has_suffix (content_type, "+json"));
}

static gint64
retry_after (SoupMessage *message)
{
  const char *value
      = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  guint64 seconds = 0;

  /* Seconds only; an HTTP date is not worth parsing for a hint. */
  if (!value || !g_ascii_string_to_unsigned (value, 10, 0, 24 * 3600, &seconds, NULL))
    return 0;
  return (gint64)seconds;
}

static void
call_return_answer (GTask *task, SoupMessage *message, GBytes *body)
{
  VoServiceClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr (VoServiceResponse) response = NULL;
  GError *error = NULL;
  gpointer parsed;

  if (call->flags & VO_SERVICE_CALL_RAW) {
    response = g_new0 (VoServiceResponse, 1);
    response->body = g_bytes_ref (body);
    response->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
    response->content_type = g_strdup (content_type);
    g_task_return_pointer (task, g_steal_pointer (&response),
                           (GDestroyNotify)vo_service_response_free);
    return;
  }
  if (!call->parse) {
    g_task_return_pointer (task, NULL, NULL);
    return;
  }
  if (!is_json (content_type)) {
    g_autofree char *type = vo_text_printable (content_type, 60);
    g_autofree char *reason = g_strdup_printf ("%s instead of JSON", type ? type : "no type");

    g_task_return_error (task, vo_service_error_unreadable (self->host, reason));
    return;
  }
  parsed = call->parse (body, self->host, &error);
  if (!parsed) {
    g_debug ("%s %s: %s", call->method, call->path, error->message);
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, parsed, call->free_result);
}

/* A 401 that a refresh may cure: invalid-token (or any 401 to a WebSocket
 * handshake, whose body libsoup does not hand over). */
static gboolean
call_wants_refresh (Call *call, guint status, const char *content_type, GBytes *body)
{
  g_autofree char *type = NULL;

  if (status != 401 || !(call->flags & VO_SERVICE_CALL_BEARER) || call->repeated)
    return FALSE;
  if (call->flags & CALL_WEBSOCKET)
    return TRUE;
  type = vo_service_problem_type (content_type, body);
  return g_strcmp0 (type, "invalid-token") == 0;
}

/* The answer (or no answer) of one send; @body NULL when @error is set. */
static void
call_answered (GTask *task, GBytes *body, GError *error)
{
  VoServiceClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  SoupMessage *message = call->message;
  guint status = soup_message_get_status (message);
  const char *content_type
      = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);
  GError *mapped;

  g_debug ("%s %s → %u (%" G_GINT64_FORMAT " ms)%s", call->method, call->path, status,
           (g_get_monotonic_time () - call->started_us) / 1000, error ? " failed" : "");
  if (call_wants_refresh (call, status, content_type, body)) {
    call->repeated = TRUE;
    if (call->generation != self->token_generation)
      call_send (task); /* another request refreshed meanwhile */
    else
      wait_for_refresh (self, task);
    return;
  }
  if (call->too_large) {
    g_autofree char *reason = g_strdup_printf ("an answer of %" G_GOFFSET_FORMAT " bytes, more "
                                               "than %d",
                                               call->too_large, MAX_ANSWER_BYTES);

    mapped = vo_service_error_unreadable (self->host, reason);
  } else if (status >= 300) {
    mapped = vo_service_error_from_response (status, content_type, body, self->host);
    if (mapped->code == VO_SERVICE_ERROR_SERVER)
      self->retry_after_s = retry_after (message);
  } else if (error && status == 0
             && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)) {
    /* libsoup says "cut short" for headers too: nothing came back at all. */
    g_autoptr (GError) closed = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                     "the connection closed without an answer");

    mapped = vo_service_error_from_transport (closed, 0, NULL, self->host, self->ca_file);
  } else if (error) {
    mapped = vo_service_error_from_transport (error, call->certificate_errors, call->peer,
                                              self->host, self->ca_file);
  } else {
    self->retry_after_s = 0;
    call_return_answer (task, message, body);
    g_object_unref (task);
    return;
  }
  if (mapped->code != VO_SERVICE_ERROR_CANCELLED)
    g_debug ("%s %s: %s", call->method, call->path, mapped->message);
  g_task_return_error (task, mapped);
  g_object_unref (task);
}

static void
on_call_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  call_answered (task, body, error);
}

static void
on_websocket_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupWebsocketConnection) connection
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (connection) {
    g_task_return_pointer (task, g_steal_pointer (&connection), g_object_unref);
    g_object_unref (task);
    return;
  }
  call_answered (task, NULL, error);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer guard)
{
  g_cancellable_cancel (guard);
}

static void
on_got_headers (SoupMessage *message, gpointer user_data)
{
  Call *call = user_data;
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  goffset length = soup_message_headers_get_content_length (headers);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && length > MAX_ANSWER_BYTES) {
    call->too_large = length;
    g_cancellable_cancel (call->guard);
  }
}

/* Sends @task's request (taking @task) with the current access token. */
static void
call_send (GTask *task)
{
  VoServiceClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  SoupMessageHeaders *headers;

  if ((call->flags & VO_SERVICE_CALL_BEARER) && !self->access_token) {
    wait_for_refresh (self, task);
    return;
  }
  url = g_strconcat (self->base_url, call->path, NULL);
  g_clear_object (&call->message);
  g_clear_object (&call->peer);
  call->certificate_errors = 0;
  call->message = soup_message_new (call->method, url);
  g_assert (call->message); /* our base URL and our paths */
  headers = soup_message_get_request_headers (call->message);
  if (!(call->flags & (VO_SERVICE_CALL_RAW | CALL_WEBSOCKET)))
    soup_message_headers_append (headers, "Accept", "application/json");
  if (call->flags & VO_SERVICE_CALL_BEARER) {
    authorization = g_strconcat ("Bearer ", self->access_token, NULL);
    soup_message_headers_replace (headers, "Authorization", authorization);
    call->generation = self->token_generation;
  }
  if (call->body)
    soup_message_set_request_body_from_bytes (call->message, call->content_type, call->body);
  g_signal_connect (call->message, "accept-certificate", G_CALLBACK (on_accept_certificate), call);
  g_signal_connect (call->message, "got-headers", G_CALLBACK (on_got_headers), call);
  call->started_us = g_get_monotonic_time ();
  if (call->flags & CALL_WEBSOCKET) {
    soup_session_websocket_connect_async (self->session, call->message, NULL, NULL,
                                          G_PRIORITY_DEFAULT, call->guard, on_websocket_connected,
                                          task);
  } else {
    soup_session_send_and_read_async (self->session, call->message, G_PRIORITY_DEFAULT, call->guard,
                                      on_call_sent, task);
  }
}

static GTask *
call_new (VoServiceClient *self, const char *method, const char *path, guint flags,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  call->method = g_strdup (method);
  call->path = g_strdup (path);
  call->flags = flags;
  /* libsoup gets a cancellable of ours that the caller's cancels. */
  call->guard = g_cancellable_new ();
  if (cancellable) {
    call->caller = g_object_ref (cancellable);
    call->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  g_object_ref (call->guard), g_object_unref);
  }
  g_task_set_task_data (task, call, (GDestroyNotify)call_free);
  /* A cancelled call fails VO_SERVICE_ERROR_CANCELLED (mapped from
   * libsoup's error), not with GIO's error that GTask would put first. */
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

void
vo_service_client_call_async (VoServiceClient *self, const char *method, const char *path,
                              GBytes *body, const char *content_type, VoServiceCallFlags flags,
                              VoServiceParse parse, GDestroyNotify free_result,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task;
  Call *call;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  task = call_new (self, method, path, flags, cancellable, callback, user_data);
  g_task_set_source_tag (task, vo_service_client_call_async);
  call = g_task_get_task_data (task);
  call->body = body ? g_bytes_ref (body) : NULL;
  call->content_type = g_strdup (content_type);
  call->parse = parse;
  call->free_result = free_result;
  call_send (task);
}

gboolean
vo_service_client_call_finish (VoServiceClient *self, GAsyncResult *result, gpointer *result_out,
                               GError **error)
{
  g_autoptr (GError) local = NULL;
  gpointer value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  value = g_task_propagate_pointer (G_TASK (result), &local);
  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (result_out)
    *result_out = value;
  else if (value && ((Call *)g_task_get_task_data (G_TASK (result)))->free_result)
    ((Call *)g_task_get_task_data (G_TASK (result)))->free_result (value);
  return TRUE;
}

void
vo_service_client_websocket_async (VoServiceClient *self, const char *path,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = call_new (self, "GET", path, VO_SERVICE_CALL_BEARER | CALL_WEBSOCKET, cancellable,
                          callback, user_data);

  g_task_set_source_tag (task, vo_service_client_websocket_async);
  call_send (task);
}

GObject *
vo_service_client_websocket_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
