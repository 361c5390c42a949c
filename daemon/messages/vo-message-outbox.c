/* vo-message-outbox.c: per-peer lanes of pending messages, a queue of
 * receipts, backoff, and the SIP requests in flight.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "vo-message-outbox.h"
#include "vo-error.h"
#include "vo-message-peer.h"
#include "vo-message-row.h"
#include "vo-sip-imdn.h"

/* Peers served at once, and receipts in flight at once: enough to keep a
 * proxy busy, few enough not to flood it. */
#define MAX_LANES_IN_FLIGHT 32
#define MAX_RECEIPTS_IN_FLIGHT 16
#define FIRST_BACKOFF_MS 1000
#define DEFAULT_BACKOFF_MAX_S 60

/* The pending messages to one peer, sent one after the other. */
typedef struct {
  VoMessageOutbox *outbox;
  gint64 conversation_id;
  char *peer;
  GQueue ids;              /* gint64 *, oldest first */
  VoMessageRequest *in_flight;
  gint64 in_flight_id;
  guint retry_id;
  guint backoff_ms;
  gboolean in_flight_cpim;
  /* The peer refused CPIM with 415 (baresip, plain RFC 3428 clients take
   * only text/plain): its IMs go as plain text, without receipts. */
  gboolean plain;
} Lane;

/* One receipt on its way. */
typedef struct {
  VoMessageOutbox *outbox;
  gint64 id;
  int bit;
  VoMessageRequest *request;
} Receipt;

struct _VoMessageOutbox {
  GObject parent_instance;

  VoMessageStore *store;
  VoMessageTransport *transport;
  VoConfig *config;
  guint first_backoff_ms;

  GHashTable *lanes;          /* gint64 * conversation id → Lane * */
  GHashTable *queued;         /* gint64 * message ids in a lane (queued or in flight) */
  guint lanes_in_flight;

  GQueue receipts;            /* gint64 *, waiting */
  GHashTable *receipts_queued; /* gint64 * ids waiting or in flight */
  GPtrArray *receipts_in_flight; /* Receipt * */
  guint receipts_retry_id;
  guint receipts_backoff_ms;
  guint pump_id;
};

enum { SIGNAL_MESSAGE_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoMessageOutbox, vo_message_outbox, G_TYPE_OBJECT)

static void outbox_pump (VoMessageOutbox *self);

static gint64 *
id_new (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static guint
outbox_backoff_max_ms (VoMessageOutbox *self)
{
  return 1000 * (guint) CLAMP (vo_config_get_int (self->config, "sip", "retry-max",
                                                  DEFAULT_BACKOFF_MAX_S), 1, 3600);
}

static guint
next_backoff (VoMessageOutbox *self, guint current_ms)
{
  return current_ms == 0 ? self->first_backoff_ms
                         : MIN (current_ms * 2, outbox_backoff_max_ms (self));
}

/* Whole seconds keep the daemon's timers coalesced with the system's;
 * only a test asks for less. */
static guint
timeout_add_ms (guint ms, GSourceFunc function, gpointer data)
{
  if (ms % 1000 == 0)
    return g_timeout_add_seconds (ms / 1000, function, data);
  return g_timeout_add (ms, function, data);
}

/* Pumping from an idle callback keeps SIP callbacks and D-Bus handlers
 * short and batches many queue calls into one pass. */
static gboolean
on_pump (gpointer user_data)
{
  VoMessageOutbox *self = user_data;

  self->pump_id = 0;
  outbox_pump (self);
  return G_SOURCE_REMOVE;
}

static void
outbox_schedule_pump (VoMessageOutbox *self)
{
  if (!self->pump_id)
    self->pump_id = g_idle_add (on_pump, self);
}

/* ---- lanes: messages -------------------------------------------------- */

static void
lane_drop_request (Lane *lane)
{
  if (!lane->in_flight)
    return;
  g_signal_handlers_disconnect_by_data (lane->in_flight, lane);
  g_clear_object (&lane->in_flight);
  lane->outbox->lanes_in_flight--;
}

static void
lane_free (Lane *lane)
{
  VoMessageOutbox *self = lane->outbox;
  gint64 *id;

  lane_drop_request (lane);
  if (lane->in_flight_id)
    g_hash_table_remove (self->queued, &lane->in_flight_id);
  while ((id = g_queue_pop_head (&lane->ids))) {
    g_hash_table_remove (self->queued, id);
    g_free (id);
  }
  g_clear_handle_id (&lane->retry_id, g_source_remove);
  g_free (lane->peer);
  g_free (lane);
}

static gboolean
on_lane_retry (gpointer user_data)
{
  Lane *lane = user_data;

  lane->retry_id = 0;
  outbox_pump (lane->outbox);
  return G_SOURCE_REMOVE;
}

static void
on_message_finished (VoMessageRequest *request, VoSipMessageResult result, int status,
                     const char *phrase, gpointer user_data)
{
  Lane *lane = user_data;
  VoMessageOutbox *self = lane->outbox;
  gint64 id = lane->in_flight_id;
  g_autofree char *reason = NULL;

  lane_drop_request (lane);
  lane->in_flight_id = 0;
  if (result == VO_SIP_MESSAGE_RETRY) {
    /* Back to the front: the order of a conversation is kept. */
    g_queue_push_head (&lane->ids, id_new (id));
    lane->backoff_ms = next_backoff (self, lane->backoff_ms);
    g_debug ("Message #%" G_GINT64_FORMAT " to %s: no final answer (%d); again in %u ms", id,
             lane->peer, status, lane->backoff_ms);
    lane->retry_id = timeout_add_ms (lane->backoff_ms, on_lane_retry, lane);
    outbox_schedule_pump (self);
    return;
  }
  if (result == VO_SIP_MESSAGE_REFUSED && status == 415 && lane->in_flight_cpim) {
    g_debug ("Message #%" G_GINT64_FORMAT ": %s takes no CPIM; again as text/plain", id,
             lane->peer);
    lane->plain = TRUE;
    g_queue_push_head (&lane->ids, id_new (id));
    outbox_schedule_pump (self);
    return;
  }
  lane->backoff_ms = 0;
  g_hash_table_remove (self->queued, &id);
  if (result == VO_SIP_MESSAGE_REFUSED)
    reason = g_strdup_printf ("%s refused the message: %d %s", lane->peer, status, phrase);
  if (g_queue_is_empty (&lane->ids))
    g_hash_table_remove (self->lanes, &lane->conversation_id);  /* frees @lane */
  g_signal_emit (self, signals[SIGNAL_MESSAGE_FINISHED], 0, id,
                 result == VO_SIP_MESSAGE_ACCEPTED, reason ? reason : "");
  outbox_schedule_pump (self);
}

/* The body and its type for @row: an IM in CPIM asking for receipts, an
 * SMS (phone networks know nothing of CPIM or IMDN) or an IM to a peer that
 * refused CPIM as plain text. */
static char *
message_body (VoMessageOutbox *self, Lane *lane, const VoMessageRow *row, const char **type)
{
  g_autofree char *from = NULL;

  if (g_str_equal (row->kind, "sms") || lane->plain) {
    *type = "text/plain;charset=utf-8";
    return g_strdup (row->text);
  }
  from = vo_message_transport_dup_local_uri (self->transport);
  *type = VO_SIP_CPIM_TYPE;
  return vo_sip_imdn_build_message (from, lane->peer, row->uuid, row->time_us, row->text);
}

/* Sends the lane's next message still pending; FALSE if it has none. */
static gboolean
lane_send_next (VoMessageOutbox *self, Lane *lane)
{
  const char *domain = vo_message_transport_get_domain (self->transport);
  gint64 *id;

  while ((id = g_queue_pop_head (&lane->ids))) {
    g_autoptr(GError) error = NULL;
    g_autoptr(VoMessageRow) row = vo_message_store_get_by_id (self->store, *id, &error);
    g_autofree char *target = NULL;
    g_autofree char *body = NULL;
    const char *type;

    if (!row || vo_message_row_get_status (row) != VO_MESSAGE_STATUS_PENDING) {
      if (error && !g_error_matches (error, VO_ERROR, VO_ERROR_NOT_FOUND))
        g_warning ("Cannot read message #%" G_GINT64_FORMAT ": %s", *id, error->message);
      g_hash_table_remove (self->queued, id);
      g_free (id);
      continue;
    }
    target = vo_message_peer_request_uri (lane->peer, domain ? domain : "localhost");
    body = message_body (self, lane, row, &type);
    lane->in_flight_id = *id;
    g_free (id);
    lane->in_flight_cpim = g_str_equal (type, VO_SIP_CPIM_TYPE);
    lane->in_flight = vo_message_transport_send (self->transport, target, type, body);
    self->lanes_in_flight++;
    g_signal_connect (lane->in_flight, "finished", G_CALLBACK (on_message_finished), lane);
    return TRUE;
  }
  return FALSE;
}

static gboolean
lane_ready (Lane *lane)
{
  return !lane->in_flight && !lane->retry_id && !g_queue_is_empty (&lane->ids);
}

/* ---- receipts ------------------------------------------------------------ */

static void
receipt_free (Receipt *receipt)
{
  if (receipt->request) {
    g_signal_handlers_disconnect_by_data (receipt->request, receipt);
    g_object_unref (receipt->request);
  }
  g_free (receipt);
}

static gboolean
on_receipts_retry (gpointer user_data)
{
  VoMessageOutbox *self = user_data;

  self->receipts_retry_id = 0;
  outbox_pump (self);
  return G_SOURCE_REMOVE;
}

static void
on_receipt_finished (VoMessageRequest *request, VoSipMessageResult result, int status,
                     const char *phrase, gpointer user_data)
{
  Receipt *receipt = user_data;
  VoMessageOutbox *self = receipt->outbox;
  gint64 id = receipt->id;
  g_autoptr(GError) error = NULL;

  if (result == VO_SIP_MESSAGE_RETRY) {
    self->receipts_backoff_ms = next_backoff (self, self->receipts_backoff_ms);
    g_clear_handle_id (&self->receipts_retry_id, g_source_remove);
    self->receipts_retry_id = timeout_add_ms (self->receipts_backoff_ms, on_receipts_retry, self);
  } else {
    self->receipts_backoff_ms = 0;
    /* Refused is final too: the peer does not want it, asking again won't help. */
    if (result == VO_SIP_MESSAGE_REFUSED)
      g_message ("A receipt for message #%" G_GINT64_FORMAT " was refused: %d %s", id, status,
                 phrase);
    if (!vo_message_store_add_notify_sent (self->store, id, receipt->bit, &error))
      g_warning ("Cannot record a sent receipt: %s", error->message);
  }
  g_ptr_array_remove (self->receipts_in_flight, receipt);
  /* Whatever is still due (a display receipt after the delivery one, or
   * this one again) goes back in the queue. */
  g_hash_table_remove (self->receipts_queued, &id);
  vo_message_outbox_queue_receipts (self, id);
}

/* The receipt to send for @row next: delivered before displayed. */
static int
receipt_next_bit (const VoMessageRow *row)
{
  int due = row->notify_due & ~row->notify_sent;

  if (due & VO_MESSAGE_NOTIFY_DELIVERED)
    return VO_MESSAGE_NOTIFY_DELIVERED;
  return due & VO_MESSAGE_NOTIFY_DISPLAYED;
}

static gboolean
receipt_send_next (VoMessageOutbox *self)
{
  gint64 *id;

  while ((id = g_queue_pop_head (&self->receipts))) {
    g_autoptr(VoMessageRow) row = vo_message_store_get_by_id (self->store, *id, NULL);
    g_autofree char *from = NULL;
    g_autofree char *notification_id = NULL;
    g_autofree char *body = NULL;
    Receipt *receipt;
    int bit = row ? receipt_next_bit (row) : 0;

    if (!bit || !*row->imdn_to) {
      g_hash_table_remove (self->receipts_queued, id);
      g_free (id);
      continue;
    }
    from = vo_message_transport_dup_local_uri (self->transport);
    notification_id = g_uuid_string_random ();
    body = vo_sip_imdn_build_notification (from, row->imdn_to, notification_id,
                                           g_get_real_time (), row->imdn_id, row->imdn_datetime,
                                           bit == VO_MESSAGE_NOTIFY_DELIVERED
                                           ? VO_SIP_IMDN_DELIVERED : VO_SIP_IMDN_DISPLAYED);
    receipt = g_new0 (Receipt, 1);
    receipt->outbox = self;
    receipt->id = *id;
    receipt->bit = bit;
    receipt->request = vo_message_transport_send (self->transport, row->imdn_to,
                                                  VO_SIP_CPIM_TYPE, body);
    g_signal_connect (receipt->request, "finished", G_CALLBACK (on_receipt_finished), receipt);
    g_ptr_array_add (self->receipts_in_flight, receipt);
    g_free (id);
    return TRUE;
  }
  return FALSE;
}

/* ---- pump ------------------------------------------------------------ */

static void
outbox_pump (VoMessageOutbox *self)
{
  GHashTableIter iter;
  Lane *lane;

  if (!vo_message_transport_is_ready (self->transport))
    return;
  g_hash_table_iter_init (&iter, self->lanes);
  while (self->lanes_in_flight < MAX_LANES_IN_FLIGHT &&
         g_hash_table_iter_next (&iter, NULL, (gpointer *) &lane))
    if (lane_ready (lane))
      lane_send_next (self, lane);

  while (!self->receipts_retry_id && self->receipts_in_flight->len < MAX_RECEIPTS_IN_FLIGHT &&
         receipt_send_next (self))
    ;
}

static void
on_ready_changed (VoMessageTransport *transport, gpointer user_data)
{
  VoMessageOutbox *self = user_data;
  GHashTableIter iter;
  Lane *lane;

  if (!vo_message_transport_is_ready (transport))
    return;
  /* Registered (again): whatever waited for the network goes now. */
  g_hash_table_iter_init (&iter, self->lanes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &lane)) {
    g_clear_handle_id (&lane->retry_id, g_source_remove);
    lane->backoff_ms = 0;
  }
  g_clear_handle_id (&self->receipts_retry_id, g_source_remove);
  self->receipts_backoff_ms = 0;
  outbox_schedule_pump (self);
}

/* ---- GObject ---------------------------------------------------------- */

static void
vo_message_outbox_dispose (GObject *object)
{
  VoMessageOutbox *self = VO_MESSAGE_OUTBOX (object);
  gint64 *id;

  /* Requests in flight are abandoned: their messages stay pending in the
   * store and go again after a restart. */
  if (self->transport)
    g_signal_handlers_disconnect_by_data (self->transport, self);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_handle_id (&self->receipts_retry_id, g_source_remove);
  if (self->lanes)
    g_hash_table_remove_all (self->lanes);
  g_clear_pointer (&self->receipts_in_flight, g_ptr_array_unref);
  while ((id = g_queue_pop_head (&self->receipts)))
    g_free (id);
  g_clear_object (&self->store);
  g_clear_object (&self->transport);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_message_outbox_parent_class)->dispose (object);
}

static void
vo_message_outbox_finalize (GObject *object)
{
  VoMessageOutbox *self = VO_MESSAGE_OUTBOX (object);

  g_hash_table_unref (self->lanes);
  g_hash_table_unref (self->queued);
  g_hash_table_unref (self->receipts_queued);
  G_OBJECT_CLASS (vo_message_outbox_parent_class)->finalize (object);
}

static void
vo_message_outbox_class_init (VoMessageOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_message_outbox_dispose;
  object_class->finalize = vo_message_outbox_finalize;

  signals[SIGNAL_MESSAGE_FINISHED] = g_signal_new ("message-finished", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_BOOLEAN,
                                                   G_TYPE_STRING);
}

static void
vo_message_outbox_init (VoMessageOutbox *self)
{
  self->lanes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify) lane_free);
  self->queued = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->receipts_queued = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->receipts_in_flight = g_ptr_array_new_with_free_func ((GDestroyNotify) receipt_free);
  g_queue_init (&self->receipts);
  self->first_backoff_ms = FIRST_BACKOFF_MS;
}

VoMessageOutbox *
vo_message_outbox_new (VoMessageStore *store, VoMessageTransport *transport, VoConfig *config)
{
  VoMessageOutbox *self = g_object_new (VO_TYPE_MESSAGE_OUTBOX, NULL);

  self->store = g_object_ref (store);
  self->transport = g_object_ref (transport);
  self->config = g_object_ref (config);
  g_signal_connect (transport, "ready-changed", G_CALLBACK (on_ready_changed), self);
  return self;
}

void
vo_message_outbox_set_first_backoff_ms (VoMessageOutbox *self, guint ms)
{
  self->first_backoff_ms = MAX (ms, 1);
}

void
vo_message_outbox_queue_message (VoMessageOutbox *self, gint64 conversation_id,
                                 const char *peer, gint64 id)
{
  Lane *lane = g_hash_table_lookup (self->lanes, &conversation_id);

  if (g_hash_table_contains (self->queued, &id))
    return;
  if (!lane) {
    lane = g_new0 (Lane, 1);
    lane->outbox = self;
    lane->conversation_id = conversation_id;
    lane->peer = g_strdup (peer);
    g_queue_init (&lane->ids);
    g_hash_table_insert (self->lanes, id_new (conversation_id), lane);
  }
  g_hash_table_add (self->queued, id_new (id));
  g_queue_push_tail (&lane->ids, id_new (id));
  outbox_schedule_pump (self);
}

void
vo_message_outbox_queue_receipts (VoMessageOutbox *self, gint64 id)
{
  if (!g_hash_table_add (self->receipts_queued, id_new (id)))
    return;
  g_queue_push_tail (&self->receipts, id_new (id));
  outbox_schedule_pump (self);
}

void
vo_message_outbox_forget_conversation (VoMessageOutbox *self, gint64 conversation_id)
{
  g_hash_table_remove (self->lanes, &conversation_id);
  outbox_schedule_pump (self);
}
