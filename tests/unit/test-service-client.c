/* test-service-client.c: VoServiceClient and VoServiceEvents against a small
 * in-process SoupServer over real TLS (a throwaway self-signed certificate
 * made with openssl): the token refresh on 401 (once, and shared by
 * concurrent requests), the session ending, a hang, an untrusted
 * certificate, unreadable answers, Retry-After and the photo; the event
 * socket's order, resume after a reconnect, 4401 and 4403; the directory's
 * pages (a "next" elsewhere refused, 410 → sync again), its photos (type
 * and size checked) and the favorites (ids checked and percent-encoded). The
 * contract as a whole is tested against the reference service by the
 * integration tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-error.h"
#include "vo-service-client.h"
#include "vo-service-events.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

typedef struct {
  SoupServer *server;
  char *dir;
  char *ca_file;
  char *url;
  VoServiceClient *client;
  /* What the server does and saw. */
  char *valid_access;  /* the access token it takes */
  char *valid_refresh; /* the refresh token it takes */
  guint refresh_count;
  guint me_count;
  guint token_serial;
  const char *me_mode; /* "ok", "expired-always", "garbage", "html", "hang", "busy", "huge" */
  GBytes *photo;
  char *photo_type;
  GPtrArray *tokens_seen; /* refresh-token-changed values ("(null)" for NULL) */
  /* The event socket: what each connection sends, and what was seen. */
  const char *events_mode; /* "resume", "expired-first", "revoked" */
  guint sockets;           /* connections accepted */
  GString *afters;         /* the ?after= of each connection, "-" for none */
  GString *events_seen;    /* "TYPE:ID " per "event" signal */
  guint session_ended;
  /* The directory and favorites: requests seen ("METHOD PATH?QUERY "), the
   * favorites held and how many it takes. */
  GString *requests;
  GPtrArray *favorites;
  guint favorites_max;
} Fixture;

static void
reply (SoupServerMessage *message, guint status, const char *type, const char *body)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_problem (SoupServerMessage *message, guint status, const char *type)
{
  g_autofree char *body = g_strdup_printf ("{\"type\": \"https://x.test/problems/%s\","
                                           " \"status\": %u, \"detail\": \"%s\"}",
                                           type, status, type);

  reply (message, status, "application/problem+json", body);
}

static void
reply_tokens (Fixture *fixture, SoupServerMessage *message, guint status)
{
  g_autofree char *body = NULL;

  fixture->token_serial++;
  g_free (fixture->valid_access);
  g_free (fixture->valid_refresh);
  fixture->valid_access = g_strdup_printf ("access%u", fixture->token_serial);
  fixture->valid_refresh = g_strdup_printf ("refresh%u", fixture->token_serial);
  body = g_strdup_printf ("{\"access-token\": \"%s\", \"refresh-token\": \"%s\","
                          " \"token-type\": \"Bearer\", \"expires-in\": 900}",
                          fixture->valid_access, fixture->valid_refresh);
  reply (message, status, "application/json", body);
}

static gboolean
bearer_ok (Fixture *fixture, SoupServerMessage *message)
{
  const char *authorization = soup_message_headers_get_one (
      soup_server_message_get_request_headers (message), "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", fixture->valid_access, NULL);

  return fixture->valid_access && g_strcmp0 (authorization, expected) == 0;
}

static char *
request_text (SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);

  return g_strndup (body->data, (gsize)body->length);
}

static void
on_me (Fixture *fixture, SoupServerMessage *message)
{
  fixture->me_count++;
  if (g_str_equal (fixture->me_mode, "hang")) {
    soup_server_message_pause (message);
    return;
  }
  if (g_str_equal (fixture->me_mode, "expired-always") || !bearer_ok (fixture, message)) {
    reply_problem (message, 401, "invalid-token");
    return;
  }
  if (g_str_equal (fixture->me_mode, "huge")) {
    soup_server_message_set_status (message, 200, NULL);
    soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                      g_malloc0 (5 * 1024 * 1024), 5 * 1024 * 1024);
  } else if (g_str_equal (fixture->me_mode, "garbage"))
    reply (message, 200, "application/json", "{\"username\": ");
  else if (g_str_equal (fixture->me_mode, "html"))
    reply (message, 200, "text/html", "<p>{}</p>");
  else if (g_str_equal (fixture->me_mode, "busy")) {
    soup_message_headers_append (soup_server_message_get_response_headers (message), "Retry-After",
                                 "7");
    reply_problem (message, 503, "unavailable");
  } else
    reply (message, 200, "application/json; charset=utf-8",
           "{\"username\": \"alice\", \"sip-uri\": \"sip:alice@vo.test\"}");
}

static void
on_photo (Fixture *fixture, SoupServerMessage *message)
{
  const char *method = soup_server_message_get_method (message);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  if (!bearer_ok (fixture, message)) {
    reply_problem (message, 401, "invalid-token");
  } else if (g_str_equal (method, "PUT")) {
    SoupMessageBody *body = soup_server_message_get_request_body (message);

    g_clear_pointer (&fixture->photo, g_bytes_unref);
    fixture->photo = g_bytes_new (body->data, (gsize)body->length);
    g_free (fixture->photo_type);
    fixture->photo_type = g_strdup (soup_message_headers_get_content_type (
        soup_server_message_get_request_headers (message), NULL));
    reply (
        message, 200, "application/json",
        "{\"path\": \"/v1/me/photo\", \"etag\": \"\\\"p1\\\"\", \"content-type\": \"image/png\"}");
  } else if (!fixture->photo) {
    reply_problem (message, 404, "not-found");
  } else {
    soup_message_headers_append (headers, "ETag", "\"p1\"");
    soup_server_message_set_status (message, 200, NULL);
    soup_server_message_set_response (message, fixture->photo_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (fixture->photo, NULL),
                                      g_bytes_get_size (fixture->photo));
  }
}

/* GET /v1/directory: two pages from scratch, a delta since "tok1", 410
 * for any other token, and a page whose "next" leads elsewhere. */
static void
on_directory (SoupServerMessage *message, const char *query)
{
  if (!query || g_str_equal (query, "limit=500"))
    reply (message, 200, "application/json",
           "{\"items\": [{\"id\": \"alice\", \"display-name\": \"Alice Smith\"}],"
           " \"deleted\": [], \"next\": \"/v1/directory?cursor=2&limit=500\"}");
  else if (g_str_equal (query, "cursor=2&limit=500"))
    reply (message, 200, "application/json",
           "{\"items\": [{\"id\": \"bob\"}], \"next\": null, \"sync-token\": \"tok1\"}");
  else if (g_str_equal (query, "since=tok1&limit=500"))
    reply (message, 200, "application/json",
           "{\"items\": [], \"deleted\": [\"alice\"], \"sync-token\": \"tok2\"}");
  else if (g_str_equal (query, "cursor=evil"))
    reply (message, 200, "application/json",
           "{\"items\": [], \"next\": \"https://evil.example/v1/directory?cursor=3\"}");
  else
    reply_problem (message, 410, "sync-token-expired");
}

/* GET /v1/directory/{id}/photo: a good PNG for alice, and each way a
 * photo can be wrong for the others. */
static void
on_directory_photo (SoupServerMessage *message, const char *id)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, 3 };
  const char *type = "image/png";
  gsize size = sizeof png;
  guint8 *data;

  if (g_str_equal (id, "nobody")) {
    reply_problem (message, 404, "not-found");
    return;
  }
  if (g_str_equal (id, "html"))
    type = "text/html";
  else if (g_str_equal (id, "liar"))
    type = "image/jpeg";
  else if (g_str_equal (id, "huge"))
    size = VO_SERVICE_PHOTO_MAX_BYTES + 1;
  data = g_malloc0 (size);
  memcpy (data, png, sizeof png);
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, type, SOUP_MEMORY_TAKE, (char *)data, size);
}

/* /v1/favorites and /v1/favorites/{id} (@id decoded). */
static void
on_favorites (Fixture *fixture, SoupServerMessage *message, const char *id)
{
  const char *method = soup_server_message_get_method (message);
  guint index;
  gboolean held
      = id && g_ptr_array_find_with_equal_func (fixture->favorites, id, g_str_equal, &index);

  if (!id) {
    g_autoptr (GString) body = g_string_new ("{\"items\": [");

    for (guint i = 0; i < fixture->favorites->len; i++)
      g_string_append_printf (body, "%s\"%s\"", i ? ", " : "",
                              (char *)g_ptr_array_index (fixture->favorites, i));
    g_string_append (body, "]}");
    reply (message, 200, "application/json", body->str);
  } else if (g_str_equal (method, "DELETE")) {
    if (held)
      g_ptr_array_remove_index (fixture->favorites, index);
    soup_server_message_set_status (message, 204, NULL);
  } else if (!held && fixture->favorites->len >= fixture->favorites_max) {
    reply_problem (message, 409, "conflict");
  } else {
    if (!held)
      g_ptr_array_add (fixture->favorites, g_strdup (id));
    soup_server_message_set_status (message, 204, NULL);
  }
}

/* The directory's and favorites' requests, or FALSE for another path
 * (@path is decoded: a favorite's id may hold "/"). */
static gboolean
on_contacts_request (Fixture *fixture, SoupServerMessage *message, const char *path)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (message));
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);

  if (!g_str_has_prefix (path, "/v1/directory") && !g_str_has_prefix (path, "/v1/favorites"))
    return FALSE;
  g_string_append_printf (fixture->requests, "%s %s%s%s ", soup_server_message_get_method (message),
                          path, query ? "?" : "", query ? query : "");
  if (!bearer_ok (fixture, message))
    reply_problem (message, 401, "invalid-token");
  else if (g_str_equal (path, "/v1/directory"))
    on_directory (message, query);
  else if (g_strv_length (parts) == 5 && g_str_equal (parts[2], "directory")
           && g_str_equal (parts[4], "photo"))
    on_directory_photo (message, parts[3]);
  else if (g_str_equal (path, "/v1/favorites"))
    on_favorites (fixture, message, NULL);
  else if (g_str_has_prefix (path, "/v1/favorites/"))
    on_favorites (fixture, message, path + strlen ("/v1/favorites/"));
  else
    reply_problem (message, 404, "not-found");
  return TRUE;
}

static void
on_request (SoupServer *server, SoupServerMessage *message, const char *path, GHashTable *query,
            gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *text = request_text (message);

  if (on_contacts_request (fixture, message, path)) {
    return;
  } else if (g_str_equal (path, "/v1/session")) {
    if (strstr (text, "\"password\":\"right\""))
      reply_tokens (fixture, message, 201);
    else
      reply_problem (message, 401, "invalid-credentials");
  } else if (g_str_equal (path, "/v1/session/refresh")) {
    g_autofree char *expected
        = g_strdup_printf ("{\"refresh-token\":\"%s\"}", fixture->valid_refresh);

    fixture->refresh_count++;
    if (fixture->valid_refresh && g_str_equal (text, expected))
      reply_tokens (fixture, message, 200);
    else
      reply_problem (message, 401, "invalid-refresh-token");
  } else if (g_str_equal (path, "/v1/me")) {
    on_me (fixture, message);
  } else if (g_str_equal (path, "/v1/me/photo")) {
    on_photo (fixture, message);
  } else {
    reply_problem (message, 404, "not-found");
  }
}

static void
send_events (SoupWebsocketConnection *connection, const char *const *frames)
{
  for (guint i = 0; frames[i]; i++)
    soup_websocket_connection_send_text (connection, frames[i]);
}

/* GET /v1/events: each connection sends what fixture->events_mode says. */
static void
on_events_socket (SoupServer *server, SoupServerMessage *message, const char *path,
                  SoupWebsocketConnection *connection, gpointer user_data)
{
  static const char *const first[] = {
    "{\"id\": 1, \"type\": \"me.changed\"}",         "{\"id\": 2, \"type\": \"photo.changed\"}",
    "{\"id\": 2, \"type\": \"photo.changed\"}",      "not json",
    "{\"id\": 3, \"type\": \"forwarding.changed\"}", NULL
  };
  static const char *const next[] = { "{\"id\": 3, \"type\": \"forwarding.changed\"}",
                                      "{\"id\": 4, \"type\": \"me.changed\"}", NULL };
  Fixture *fixture = user_data;
  const char *query = g_uri_get_query (soup_server_message_get_uri (message));
  g_autofree char *key = NULL;

  fixture->sockets++;
  /* Kept until the fixture goes, so what is sent (and the close) arrives. */
  key = g_strdup_printf ("socket%u", fixture->sockets);
  g_object_set_data_full (G_OBJECT (server), key, g_object_ref (connection), g_object_unref);
  g_string_append_printf (fixture->afters, "%s ", query ? query : "-");
  if (!bearer_ok (fixture, message)) {
    soup_websocket_connection_close (connection, 4401, "token expired");
  } else if (g_str_equal (fixture->events_mode, "revoked")) {
    soup_websocket_connection_close (connection, 4403, "revoked");
  } else if (fixture->sockets == 1 && g_str_equal (fixture->events_mode, "resume")) {
    send_events (connection, first);
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  } else {
    send_events (connection, next);
  }
}

static void
on_refresh_token_changed (VoServiceClient *client, const char *token, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->tokens_seen, g_strdup (token ? token : "(null)"));
}

static void
make_certificate (Fixture *fixture, char **key_file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *errors = NULL;
  int status = 0;
  const char *argv[] = { "openssl",
                         "req",
                         "-x509",
                         "-newkey",
                         "ec",
                         "-pkeyopt",
                         "ec_paramgen_curve:prime256v1",
                         "-nodes",
                         "-days",
                         "1",
                         "-subj",
                         "/CN=127.0.0.1",
                         "-addext",
                         "subjectAltName=IP:127.0.0.1",
                         "-keyout",
                         "key.pem",
                         "-out",
                         "cert.pem",
                         NULL };

  g_spawn_sync (fixture->dir, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &errors, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl failed: %s", errors);
  fixture->ca_file = g_build_filename (fixture->dir, "cert.pem", NULL);
  *key_file = g_build_filename (fixture->dir, "key.pem", NULL);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autofree char *key_file = NULL;
  GSList *uris;

  fixture->dir = g_dir_make_tmp ("vo-test-service-XXXXXX", &error);
  g_assert_no_error (error);
  make_certificate (fixture, &key_file);
  certificate = g_tls_certificate_new_from_files (fixture->ca_file, key_file, &error);
  g_assert_no_error (error);
  fixture->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (fixture->server, NULL, on_request, fixture, NULL);
  soup_server_add_websocket_handler (fixture->server, "/v1/events", NULL, NULL, on_events_socket,
                                     fixture, NULL);
  soup_server_listen_local (fixture->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->url = g_strdup_printf ("https://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  fixture->client = vo_service_client_new (fixture->url, fixture->ca_file, &error);
  g_assert_no_error (error);
  fixture->me_mode = "ok";
  fixture->tokens_seen = g_ptr_array_new_with_free_func (g_free);
  fixture->afters = g_string_new (NULL);
  fixture->events_seen = g_string_new (NULL);
  fixture->requests = g_string_new (NULL);
  fixture->favorites = g_ptr_array_new_with_free_func (g_free);
  fixture->favorites_max = 1000;
  g_signal_connect (fixture->client, "refresh-token-changed", G_CALLBACK (on_refresh_token_changed),
                    fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autofree char *key = g_build_filename (fixture->dir, "key.pem", NULL);

  g_clear_object (&fixture->client);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_unlink (fixture->ca_file);
  g_unlink (key);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->ca_file);
  g_free (fixture->url);
  g_free (fixture->valid_access);
  g_free (fixture->valid_refresh);
  g_clear_pointer (&fixture->photo, g_bytes_unref);
  g_free (fixture->photo_type);
  g_ptr_array_unref (fixture->tokens_seen);
  g_string_free (fixture->afters, TRUE);
  g_string_free (fixture->events_seen, TRUE);
  g_string_free (fixture->requests, TRUE);
  g_ptr_array_unref (fixture->favorites);
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (!*slot)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
sign_in (Fixture *fixture)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  vo_service_client_sign_in_async (fixture->client, "alice", "right", NULL, on_result, &result);
  g_assert_true (vo_service_client_sign_in_finish (fixture->client, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (vo_service_client_has_session (fixture->client));
}

static VoServiceProfile *
get_me (Fixture *fixture, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  vo_service_client_get_me_async (fixture->client, NULL, on_result, &result);
  return vo_service_client_get_me_finish (fixture->client, wait_for (&result), error);
}

static void
test_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) me = NULL;

  vo_service_client_sign_in_async (fixture->client, "alice", "wrong", NULL, on_result, &result);
  g_assert_false (vo_service_client_sign_in_finish (fixture->client, wait_for (&result), &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_CREDENTIALS);
  g_assert_false (vo_service_client_has_session (fixture->client));
  g_assert_cmpuint (fixture->tokens_seen->len, ==, 0);
  g_clear_error (&error);

  sign_in (fixture);
  me = get_me (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (me->username, ==, "alice");
  g_assert_cmpuint (fixture->refresh_count, ==, 0);
  g_assert_cmpuint (fixture->tokens_seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens_seen, 0), ==, "refresh1");
}

/* The access token expired: one refresh, the request repeated once. */
static void
test_refresh_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) me = NULL;

  sign_in (fixture);
  g_clear_pointer (&fixture->valid_access, g_free); /* the server forgets it */
  me = get_me (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->refresh_count, ==, 1);
  g_assert_cmpuint (fixture->me_count, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens_seen, 1), ==, "refresh2");

  /* A service that refuses every token: refreshed once, not for ever. */
  fixture->me_mode = "expired-always";
  fixture->me_count = fixture->refresh_count = 0;
  g_clear_pointer (&me, vo_service_profile_free);
  me = get_me (fixture, &error);
  g_assert_null (me);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED);
  g_assert_cmpuint (fixture->refresh_count, ==, 1);
  g_assert_cmpuint (fixture->me_count, ==, 2);
}

/* Three requests meet an expired token: one refresh serves them all. */
static void
test_refresh_shared (Fixture *fixture, gconstpointer data)
{
  GAsyncResult *results[3] = { NULL };

  sign_in (fixture);
  g_clear_pointer (&fixture->valid_access, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    vo_service_client_get_me_async (fixture->client, NULL, on_result, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (VoServiceProfile) me
        = vo_service_client_get_me_finish (fixture->client, wait_for (&results[i]), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (me->username, ==, "alice");
    g_clear_object (&results[i]);
  }
  g_assert_cmpuint (fixture->refresh_count, ==, 1);
  g_assert_cmpuint (fixture->me_count, ==, 6);
}

/* A restart: only the refresh token; a revoked one ends the session. */
static void
test_session_ended (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) me = NULL;

  sign_in (fixture);
  vo_service_client_set_refresh_token (fixture->client, "refresh1");
  me = get_me (fixture, &error); /* refreshes first: there is no access token */
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->refresh_count, ==, 1);
  g_clear_pointer (&me, vo_service_profile_free);

  vo_service_client_set_refresh_token (fixture->client, "revoked");
  me = get_me (fixture, &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED);
  g_assert_cmpstr (error->message, ==,
                   "Your Virtual Office session has ended; sign in again "
                   "with your user name and password");
  g_assert_false (vo_service_client_has_session (fixture->client));
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens_seen, fixture->tokens_seen->len - 1), ==,
                   "(null)");
}

static void
test_hang (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) me = NULL;
  gint64 started = g_get_monotonic_time ();

  /* Before the first request: an open connection keeps its timeout. */
  vo_service_client_set_timeout (fixture->client, 1);
  sign_in (fixture);
  fixture->me_mode = "hang";
  me = get_me (fixture, &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "no answer in time"));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

/* The caller gives up while the service is still thinking. */
static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) me = NULL;

  sign_in (fixture);
  fixture->me_mode = "hang";
  vo_service_client_get_me_async (fixture->client, cancellable, on_result, &result);
  while (fixture->me_count == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  me = vo_service_client_get_me_finish (fixture->client, wait_for (&result), &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED);
}

static void
test_unreadable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) me = NULL;

  sign_in (fixture);
  fixture->me_mode = "garbage";
  me = get_me (fixture, &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  g_clear_error (&error);
  fixture->me_mode = "html";
  me = get_me (fixture, &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "text/html instead of JSON"));
  g_clear_error (&error);
  fixture->me_mode = "huge";
  me = get_me (fixture, &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "an answer of 5242880 bytes, more than 4194304"));
  g_clear_error (&error);
  fixture->me_mode = "busy";
  me = get_me (fixture, &error);
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SERVER);
  g_assert_cmpint (vo_service_client_get_retry_after (fixture->client), ==, 7);
}

/* A client of @url trusting @ca_file fails to sign in: CERTIFICATE, saying
 * @words. */
static void
assert_certificate_refused (const char *url, const char *ca_file, const char *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (VoServiceClient) client = vo_service_client_new (url, ca_file, &error);

  g_assert_no_error (error);
  vo_service_client_sign_in_async (client, "alice", "right", NULL, on_result, &result);
  g_assert_false (vo_service_client_sign_in_finish (client, wait_for (&result), &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CERTIFICATE);
  if (!strstr (error->message, words))
    g_error ("“%s” does not say “%s”", error->message, words);
  g_assert_false (vo_service_client_has_session (client));
}

static void
test_untrusted (Fixture *fixture, gconstpointer data)
{
  g_autofree char *by_name = g_strdup_printf (
      "https://localhost:%s", strrchr (vo_service_client_get_base_url (fixture->client), ':') + 1);

  /* The system's CAs do not know the throwaway certificate. */
  assert_certificate_refused (fixture->url, NULL,
                              "(unknown CA): it is not signed by an authority this computer "
                              "trusts. If your company uses its own CA, set [service] ca-file "
                              "in vo.conf");
  /* Trusted, but issued for 127.0.0.1 only. */
  assert_certificate_refused (by_name, fixture->ca_file,
                              "certificate was issued for 127.0.0.1, not localhost (wrong name)");
}

static void
test_photo (Fixture *fixture, gconstpointer data)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, 3 };
  g_autoptr (GBytes) image = g_bytes_new_static (png, sizeof png);
  g_autoptr (GAsyncResult) put = NULL;
  g_autoptr (GAsyncResult) get = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *got_etag = NULL;
  g_autofree char *got_type = NULL;
  g_autoptr (GBytes) got = NULL;

  sign_in (fixture);
  vo_service_client_put_photo_async (fixture->client, image, "image/png", NULL, on_result, &put);
  etag = vo_service_client_put_photo_finish (fixture->client, wait_for (&put), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (etag, ==, "\"p1\"");
  g_assert_true (g_bytes_equal (fixture->photo, image));
  g_assert_cmpstr (fixture->photo_type, ==, "image/png");

  vo_service_client_get_photo_async (fixture->client, NULL, on_result, &get);
  got = vo_service_client_get_photo_finish (fixture->client, wait_for (&get), &got_etag, &got_type,
                                            &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, image));
  g_assert_cmpstr (got_etag, ==, "\"p1\"");
  g_assert_cmpstr (got_type, ==, "image/png");
}

static void
on_event (VoServiceEvents *events, const char *type, gint64 id, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_string_append_printf (fixture->events_seen, "%s:%" G_GINT64_FORMAT " ", type, id);
}

static void
on_session_ended (VoServiceEvents *events, gpointer user_data)
{
  ((Fixture *)user_data)->session_ended++;
}

/* An event socket to a server in @mode, started after @after_id. */
static VoServiceEvents *
events_start (Fixture *fixture, const char *mode, gint64 after_id)
{
  VoServiceEvents *events = vo_service_events_new (fixture->client);

  fixture->events_mode = mode;
  g_signal_connect (events, "event", G_CALLBACK (on_event), fixture);
  g_signal_connect (events, "session-ended", G_CALLBACK (on_session_ended), fixture);
  vo_service_events_start (events, after_id);
  return events;
}

static void
wait_for_event (VoServiceEvents *events, gint64 id)
{
  while (vo_service_events_get_last_id (events) < id)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct {
  const char *mode;
  gboolean token_expired; /* the server forgot the access token */
  gint64 after_id;
  const char *events; /* expected "event" signals */
  const char *afters; /* expected ?after= of each connection */
  guint refreshes;
} EventsCase;

/* "resume": events in order, a repeat and an unreadable frame dropped; the
 * server goes away and the client comes back asking for what follows 3.
 * "expired-first": closed 4401, one refresh, the socket again with the new
 * token; event 3 is where it started from, so not news. */
static void
test_events (Fixture *fixture, gconstpointer data)
{
  const EventsCase *expected = data;
  g_autoptr (VoServiceEvents) events = NULL;

  sign_in (fixture);
  if (expected->token_expired)
    g_clear_pointer (&fixture->valid_access, g_free);
  events = events_start (fixture, expected->mode, expected->after_id);
  wait_for_event (events, 4);
  g_assert_cmpstr (fixture->events_seen->str, ==, expected->events);
  g_assert_cmpstr (fixture->afters->str, ==, expected->afters);
  g_assert_cmpuint (fixture->refresh_count, ==, expected->refreshes);
  vo_service_events_stop (events);
}

static void
test_events_revoked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (VoServiceEvents) events = NULL;

  sign_in (fixture);
  events = events_start (fixture, "revoked", 0);
  while (!fixture->session_ended)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->sockets, ==, 1);
  g_assert_cmpstr (fixture->events_seen->str, ==, "");
}

static void
test_bad_url (void)
{
  const char *urls[] = { "http://vo.test",      "https://", "vo.test", "https://vo.test/api",
                         "https://u:p@vo.test", "" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (VoServiceClient) client = vo_service_client_new (urls[i], NULL, &error);

    g_assert_null (client);
    g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
    /* A password in the URL is never repeated (the message is logged). */
    g_assert_null (strstr (error->message, "u:p"));
  }
  for (guint i = 0; i < 2; i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (VoServiceClient) client
        = vo_service_client_new (i ? "https://[::1]:8443/v1/" : "https://vo.test/", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (vo_service_client_get_base_url (client), ==,
                     i ? "https://[::1]:8443" : "https://vo.test");
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VoServiceClient) client
        = vo_service_client_new ("https://vo.test", "/nonexistent/ca.pem", &error);

    g_assert_null (client);
    g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
    g_assert_nonnull (strstr (error->message, "[service] ca-file"));
  }
}

/* ---- directory and favorites ------------------------------------------------ */

static VoServiceDirectoryPage *
get_page (Fixture *fixture, const char *next, const char *since, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  vo_service_client_get_directory_page_async (fixture->client, next, since, NULL, on_result,
                                              &result);
  return vo_service_client_get_directory_page_finish (fixture->client, wait_for (&result), error);
}

static void
assert_requests (Fixture *fixture, const char *expected)
{
  g_assert_cmpstr (fixture->requests->str, ==, expected);
  g_string_truncate (fixture->requests, 0);
}

/* A full sync page by page, then a delta, then a token the service no
 * longer knows. */
static void
test_directory_sync (Fixture *fixture, gconstpointer data)
{
  g_autoptr (VoServiceDirectoryPage) first = NULL;
  g_autoptr (VoServiceDirectoryPage) last = NULL;
  g_autoptr (VoServiceDirectoryPage) delta = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) vo_error = NULL;

  sign_in (fixture);
  first = get_page (fixture, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_requests (fixture, "GET /v1/directory?limit=500 ");
  g_assert_cmpuint (first->items->len, ==, 1);
  g_assert_cmpstr (((VoServiceDirectoryEntry *)first->items->pdata[0])->display_name, ==,
                   "Alice Smith");
  g_assert_cmpstr (first->next, ==, "/v1/directory?cursor=2&limit=500");
  g_assert_null (first->sync_token);

  last = get_page (fixture, first->next, NULL, &error);
  g_assert_no_error (error);
  assert_requests (fixture, "GET /v1/directory?cursor=2&limit=500 ");
  g_assert_cmpstr (((VoServiceDirectoryEntry *)last->items->pdata[0])->id, ==, "bob");
  g_assert_null (last->next);
  g_assert_cmpstr (last->sync_token, ==, "tok1");

  delta = get_page (fixture, NULL, last->sync_token, &error);
  g_assert_no_error (error);
  assert_requests (fixture, "GET /v1/directory?since=tok1&limit=500 ");
  g_assert_cmpuint (delta->items->len, ==, 0);
  g_assert_cmpstr (delta->deleted[0], ==, "alice");
  g_assert_cmpstr (delta->sync_token, ==, "tok2");

  /* 410: start over without a token. */
  g_assert_null (get_page (fixture, NULL, "tok0", &error));
  assert_requests (fixture, "GET /v1/directory?since=tok0&limit=500 ");
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SYNC_EXPIRED);
  g_assert_nonnull (strstr (error->message, "vo-daemon syncs everything again"));
  g_assert_false (vo_service_error_is_transient (error));
  vo_error = vo_service_error_to_vo (error);
  g_assert_error (vo_error, VO_ERROR, VO_ERROR_FAILED);
}

/* "next" is followed only inside /v1/directory of the service's host: a
 * page that points elsewhere is unreadable, and a caller's "next" outside
 * it is refused before anything is sent. */
static void
test_directory_next_refused (Fixture *fixture, gconstpointer data)
{
  static const char *const elsewhere[] = {
    "https://evil.example/v1/directory", "//evil.example/v1/directory", "/v1/me",
    "/v1/directory/alice/photo",         "/v1/directory?x=1#y",         "/v1/directory?x= 1",
    "/v1/directory?cursor=%zz",
  };
  g_autoptr (GError) error = NULL;

  sign_in (fixture);
  g_assert_null (get_page (fixture, "/v1/directory?cursor=evil", NULL, &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "a \"next\" page outside /v1/directory"));
  assert_requests (fixture, "GET /v1/directory?cursor=evil ");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (elsewhere); i++) {
    g_assert_null (get_page (fixture, elsewhere[i], NULL, &error));
    g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
    g_assert_nonnull (strstr (error->message, "must be a path inside /v1/directory"));
    g_clear_error (&error);
  }
  /* A sync token that could not have come from the service. */
  g_assert_null (get_page (fixture, NULL, "tok&since=x y", &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
  assert_requests (fixture, "");
}

static GBytes *
get_directory_photo (Fixture *fixture, const char *id, char **content_type, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  vo_service_client_get_directory_photo_async (fixture->client, id, NULL, on_result, &result);
  return vo_service_client_get_directory_photo_finish (fixture->client, wait_for (&result),
                                                       content_type, error);
}

static void
test_directory_photo (Fixture *fixture, gconstpointer data)
{
  static const struct {
    const char *id;
    const char *words;
  } bad[] = {
    { "html", "a photo that is not image/jpeg or image/png" },
    { "liar", "a photo that is not the image/jpeg it says it is" },
    { "huge", "a photo of 2097153 bytes, over the limit of 2097152" },
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *type = NULL;
  g_autoptr (GBytes) photo = NULL;

  sign_in (fixture);
  photo = get_directory_photo (fixture, "alice", &type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "image/png");
  g_assert_cmpuint (g_bytes_get_size (photo), ==, 12);
  assert_requests (fixture, "GET /v1/directory/alice/photo ");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_null (get_directory_photo (fixture, bad[i].id, NULL, &error));
    g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
    if (!strstr (error->message, bad[i].words))
      g_error ("“%s” does not say “%s”", error->message, bad[i].words);
    g_clear_error (&error);
  }
  g_assert_null (get_directory_photo (fixture, "nobody", NULL, &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_string_truncate (fixture->requests, 0);

  /* An id no entry can have never reaches a path. */
  g_assert_null (get_directory_photo (fixture, "../me", NULL, &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
  assert_requests (fixture, "");
}

static GStrv
get_favorites (Fixture *fixture, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  vo_service_client_get_favorites_async (fixture->client, NULL, on_result, &result);
  return vo_service_client_get_favorites_finish (fixture->client, wait_for (&result), error);
}

static gboolean
set_favorite (Fixture *fixture, const char *id, gboolean favorite, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  vo_service_client_set_favorite_async (fixture->client, id, favorite, NULL, on_result, &result);
  return vo_service_client_set_favorite_finish (fixture->client, wait_for (&result), error);
}

static void
test_favorites (Fixture *fixture, gconstpointer data)
{
  g_autofree char *too_long = g_strnfill (257, 'f');
  const char *const bad_ids[] = { "", too_long, "personal:caf\xc3\xa9", "a\tb", "a\nb" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) vo_error = NULL;
  g_auto (GStrv) ids = NULL;

  sign_in (fixture);
  fixture->favorites_max = 2;
  g_assert_true (set_favorite (fixture, "company:alice", TRUE, &error));
  g_assert_no_error (error);
  g_string_truncate (fixture->requests, 0);
  /* Every character the path gives a meaning to is percent-encoded. */
  g_assert_true (set_favorite (fixture, "device:a/b?c#d%e", TRUE, &error));
  g_assert_no_error (error);
  /* The server's GUri decodes the path: that "?" and "#" are still in it
   * (no query) and "%e" decoded shows they were sent encoded. */
  assert_requests (fixture, "PUT /v1/favorites/device:a/b?c#d%e ");

  ids = get_favorites (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "company:alice");
  g_assert_cmpstr (ids[1], ==, "device:a/b?c#d%e");

  /* 409 at the service's limit. */
  g_assert_false (set_favorite (fixture, "company:bob", TRUE, &error));
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "remove one first"));
  vo_error = vo_service_error_to_vo (error);
  g_assert_error (vo_error, VO_ERROR, VO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  g_assert_true (set_favorite (fixture, "company:alice", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->favorites->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->favorites, 0), ==, "device:a/b?c#d%e");
  g_string_truncate (fixture->requests, 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++) {
    g_assert_false (set_favorite (fixture, bad_ids[i], TRUE, &error));
    g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
    g_assert_nonnull (strstr (error->message, "1–256 printable ASCII characters"));
    g_clear_error (&error);
  }
  assert_requests (fixture, "");
}

int
main (int argc, char **argv)
{
  static const EventsCase resume = { "resume",
                                     FALSE,
                                     0,
                                     "me.changed:1 photo.changed:2 forwarding.changed:3 "
                                     "me.changed:4 ",
                                     "- after=3 ",
                                     0 };
  static const EventsCase expired
      = { "expired-first", TRUE, 3, "me.changed:4 ", "after=3 after=3 ", 1 };

  /* Nothing here goes through a proxy (and libproxy would start helpers). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/service-client/bad-url", test_bad_url);
#define ADD(path, func)                                                                            \
  g_test_add ("/service-client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sign-in", test_sign_in);
  ADD ("refresh-once", test_refresh_once);
  ADD ("refresh-shared", test_refresh_shared);
  ADD ("session-ended", test_session_ended);
  ADD ("hang", test_hang);
  ADD ("cancel", test_cancel);
  ADD ("unreadable", test_unreadable);
  ADD ("untrusted", test_untrusted);
  ADD ("photo", test_photo);
  g_test_add ("/service-client/events/resume", Fixture, &resume, fixture_set_up, test_events,
              fixture_tear_down);
  g_test_add ("/service-client/events/token-expired", Fixture, &expired, fixture_set_up,
              test_events, fixture_tear_down);
  ADD ("events/revoked", test_events_revoked);
  ADD ("directory/sync", test_directory_sync);
  ADD ("directory/next-refused", test_directory_next_refused);
  ADD ("directory/photo", test_directory_photo);
  ADD ("favorites", test_favorites);
#undef ADD
  return g_test_run ();
}
