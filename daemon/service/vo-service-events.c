/* vo-service-events.c: the event WebSocket (docs/service-api.md §2.6).
 *
 * One socket at a time, opened through the client (same session, TLS and
 * token refresh). Events are emitted in id order and never twice: an id at
 * or below the last one is dropped, and a reconnect asks for ?after=LAST.
 * A dropped socket reconnects with capped, jittered backoff (1 s → 60 s);
 * close code 4401 refreshes the access token first, 4403 (or a refresh
 * that says the session ended) ends it: "session-ended", no reconnect.
 *
 * Silence: libsoup answers the server's pings without telling us, so we
 * ping every 30 s ourselves: a live server answers with a pong (a signal)
 * if it sends nothing else, and 75 s without a frame means the connection
 * is dead.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-events.h"
#include "vo-service-client-private.h"
#include "vo-service-json.h"

#include <libsoup/soup.h>

#define PING_INTERVAL_S 30
#define SILENCE_LIMIT_US (75 * G_USEC_PER_SEC)
#define WATCHDOG_PERIOD_S 15
#define BACKOFF_FIRST_S 1
#define BACKOFF_MAX_S 60
/* RFC 6455 private codes of §2.6. */
#define CLOSE_TOKEN_EXPIRED 4401
#define CLOSE_SESSION_REVOKED 4403

struct _VoServiceEvents {
  GObject parent_instance;

  VoServiceClient *client;
  SoupWebsocketConnection *connection;
  GCancellable *cancellable; /* of the connect or refresh in flight */
  gint64 last_id;
  gboolean running;
  guint backoff_s;
  guint reconnect_id;
  guint watchdog_id;
  gint64 heard_us; /* when the socket last brought a frame */
};

enum { SIGNAL_EVENT, SIGNAL_CONNECTED, SIGNAL_SESSION_ENDED, N_SIGNALS };

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoServiceEvents, vo_service_events, G_TYPE_OBJECT)

static void events_connect (VoServiceEvents *self);

static void
drop_connection (VoServiceEvents *self)
{
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (!self->connection)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->connection);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, FALSE);
}

static void
vo_service_events_dispose (GObject *object)
{
  VoServiceEvents *self = VO_SERVICE_EVENTS (object);

  vo_service_events_stop (self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (vo_service_events_parent_class)->dispose (object);
}

static void
vo_service_events_class_init (VoServiceEventsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_service_events_dispose;

  signals[SIGNAL_EVENT]
      = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  signals[SIGNAL_CONNECTED]
      = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_SESSION_ENDED]
      = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
}

static void
vo_service_events_init (VoServiceEvents *self)
{
  self->backoff_s = BACKOFF_FIRST_S;
}

VoServiceEvents *
vo_service_events_new (VoServiceClient *client)
{
  VoServiceEvents *self;

  g_return_val_if_fail (VO_IS_SERVICE_CLIENT (client), NULL);
  self = g_object_new (VO_TYPE_SERVICE_EVENTS, NULL);
  self->client = g_object_ref (client);
  return self;
}

gint64
vo_service_events_get_last_id (VoServiceEvents *self)
{
  g_return_val_if_fail (VO_IS_SERVICE_EVENTS (self), 0);
  return self->last_id;
}

static void
session_ended (VoServiceEvents *self)
{
  g_debug ("Event socket: the session ended");
  vo_service_events_stop (self);
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0);
}

static gboolean
on_reconnect_due (gpointer user_data)
{
  VoServiceEvents *self = user_data;

  self->reconnect_id = 0;
  events_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VoServiceEvents *self)
{
  /* Half to all of the current step, so clients do not come back at once. */
  guint delay_ms = (guint)(self->backoff_s * 1000 * g_random_double_range (0.5, 1.0));

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_debug ("Event socket: reconnecting in %u ms", delay_ms);
  self->reconnect_id = g_timeout_add (delay_ms, on_reconnect_due, self);
  self->backoff_s = MIN (self->backoff_s * 2, BACKOFF_MAX_S);
}

static void
on_message (SoupWebsocketConnection *connection, gint type, GBytes *message, gpointer user_data)
{
  VoServiceEvents *self = user_data;
  g_autoptr (VoServiceEvent) event = NULL;
  g_autoptr (GError) error = NULL;

  self->heard_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  self->backoff_s = BACKOFF_FIRST_S; /* a socket that delivers is a good one */
  event = vo_service_parse_event (message, vo_service_client_get_host (self->client), &error);
  if (!event) {
    g_debug ("Event socket: %s", error->message);
    return;
  }
  /* A resync restarts the count wherever the server says. */
  if (event->id <= self->last_id && !g_str_equal (event->type, "resync")) {
    g_debug ("Event socket: event %" G_GINT64_FORMAT " again, dropped", event->id);
    return;
  }
  self->last_id = event->id;
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event->type, event->id);
}

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (VoServiceEvents) self = user_data;
  g_autoptr (GError) error = NULL;

  if (vo_service_client_refresh_finish (VO_SERVICE_CLIENT (source), result, &error)) {
    if (self->running)
      events_connect (self);
    return;
  }
  if (!self->running)
    return;
  if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED))
    session_ended (self);
  else
    schedule_reconnect (self);
}

static void
on_closed (SoupWebsocketConnection *connection, gpointer user_data)
{
  VoServiceEvents *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (connection);

  g_debug ("Event socket closed (%u)", code);
  drop_connection (self);
  if (!self->running)
    return;
  if (code == CLOSE_SESSION_REVOKED) {
    session_ended (self);
  } else if (code == CLOSE_TOKEN_EXPIRED) {
    g_cancellable_cancel (self->cancellable);
    g_clear_object (&self->cancellable);
    self->cancellable = g_cancellable_new ();
    vo_service_client_refresh_async (self->client, self->cancellable, on_refreshed,
                                     g_object_ref (self));
  } else {
    schedule_reconnect (self);
  }
}

static void
on_pong (SoupWebsocketConnection *connection, GBytes *payload, gpointer user_data)
{
  VoServiceEvents *self = user_data;

  self->heard_us = g_get_monotonic_time ();
}

static gboolean
on_watchdog (gpointer user_data)
{
  VoServiceEvents *self = user_data;
  gint64 silence_us = g_get_monotonic_time () - self->heard_us;

  if (silence_us < SILENCE_LIMIT_US)
    return G_SOURCE_CONTINUE;
  g_debug ("Event socket: nothing heard for %" G_GINT64_FORMAT " s, reconnecting",
           silence_us / G_USEC_PER_SEC);
  self->watchdog_id = 0;
  drop_connection (self);
  schedule_reconnect (self);
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (VoServiceEvents) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) connection
      = vo_service_client_websocket_finish (VO_SERVICE_CLIENT (source), result, &error);

  if (!self->running)
    return;
  if (!connection) {
    g_debug ("Event socket: %s", error->message);
    if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SESSION_ENDED)) {
      session_ended (self);
    } else if (!g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED)) {
      schedule_reconnect (self);
      /* Down, even if it never was up: a service that went away before the
       * first socket opened is as unreachable as one that closed it. */
      g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, FALSE);
    }
    return;
  }
  self->connection = SOUP_WEBSOCKET_CONNECTION (g_steal_pointer (&connection));
  soup_websocket_connection_set_keepalive_interval (self->connection, PING_INTERVAL_S);
  g_signal_connect (self->connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (self->connection, "pong", G_CALLBACK (on_pong), self);
  self->heard_us = g_get_monotonic_time ();
  self->watchdog_id = g_timeout_add_seconds (WATCHDOG_PERIOD_S, on_watchdog, self);
  g_debug ("Event socket open after event %" G_GINT64_FORMAT, self->last_id);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, TRUE);
}

static void
events_connect (VoServiceEvents *self)
{
  g_autofree char *path
      = self->last_id > 0 ? g_strdup_printf ("/v1/events?after=%" G_GINT64_FORMAT, self->last_id)
                          : g_strdup ("/v1/events");

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  vo_service_client_websocket_async (self->client, path, self->cancellable, on_connected,
                                     g_object_ref (self));
}

void
vo_service_events_start (VoServiceEvents *self, gint64 after_id)
{
  g_return_if_fail (VO_IS_SERVICE_EVENTS (self));
  vo_service_events_stop (self);
  self->last_id = MAX (after_id, 0);
  self->running = TRUE;
  self->backoff_s = BACKOFF_FIRST_S;
  events_connect (self);
}

void
vo_service_events_stop (VoServiceEvents *self)
{
  g_return_if_fail (VO_IS_SERVICE_EVENTS (self));
  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drop_connection (self);
}
