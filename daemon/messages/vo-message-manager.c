/* vo-message-manager.c: the conversations, sending, and each message's
 * status from pending to read (what comes in: vo-message-inbox.c).
 *
 * Every change is committed to the store first and shown second: a message
 * is on disk before Send returns and before an incoming one is answered
 * 200, and a status is stored before MessageStatusChanged.
 *
 * Another program may hold the database locked. The store then fails fast
 * (VO_ERROR_BUSY) instead of stopping the main loop in SQLite's busy wait,
 * and a Send waits in a queue, retried from a timeout, until its message is
 * committed: it is answered only then, in the order the sends came.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "config.h"
#include "vo-message-manager-private.h"
#include "vo-call-names.h"
#include "vo-enum-types.h"
#include "vo-error.h"
#include "vo-message-peer.h"
#include "vo-message-sip-transport.h"

#include <string.h>

/* How often a Send waiting for a locked database tries again, and for how
 * long before it gives up (below the 25 s a D-Bus caller waits by default,
 * so the caller hears why). */
#define SEND_RETRY_MS 100
#define SEND_PATIENCE_US (20 * G_USEC_PER_SEC)


/* A Send not yet committed: what to store, and the task that answers it. */
typedef struct {
  char *peer;
  gboolean sms;
  char *text;
  char *uuid;
  gint64 time_us;         /* when the user sent it: the message's time */
  gint64 queued_us;       /* monotonic, for SEND_PATIENCE_US */
  GTask *task;
} PendingSend;

static void
pending_send_free (PendingSend *send)
{
  g_free (send->peer);
  g_free (send->text);
  g_free (send->uuid);
  g_clear_object (&send->task);
  g_free (send);
}

enum { PROP_0, PROP_UNREAD, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_CONVERSATION_ADDED, SIGNAL_CONVERSATION_REMOVED, SIGNAL_RECEIVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoMessageManager, vo_message_manager, G_TYPE_OBJECT)

/* ---- model ------------------------------------------------------------- */

void
vo_message_manager_update_unread (VoMessageManager *self)
{
  guint total = 0;

  for (GList *l = self->conversations; l; l = l->next)
    total += vo_conversation_get_unread (l->data);
  if (total == self->unread)
    return;
  self->unread = total;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNREAD]);
}

VoConversation *
vo_message_manager_lookup (VoMessageManager *self, gint64 id)
{
  return g_hash_table_lookup (self->by_id, &id);
}

/* Adds the model of @row; announces it unless @quiet (start-up). */
static VoConversation *
manager_add_conversation (VoMessageManager *self, const VoConversationRow *row, gboolean quiet)
{
  VoConversation *conversation = vo_conversation_new (row);
  gint64 *id = g_memdup2 (&row->id, sizeof row->id);

  self->conversations = g_list_append (self->conversations, conversation);
  g_hash_table_insert (self->by_id, id, conversation);
  g_hash_table_insert (self->by_peer, g_strdup (row->peer), conversation);
  if (!quiet)
    g_signal_emit (self, signals[SIGNAL_CONVERSATION_ADDED], 0, conversation);
  return conversation;
}

VoConversation *
vo_message_manager_conversation_for_row (VoMessageManager *self, const VoConversationRow *row)
{
  VoConversation *conversation = vo_message_manager_lookup (self, row->id);

  return conversation ? conversation : manager_add_conversation (self, row, FALSE);
}

static GVariant *
rows_to_variant (GPtrArray *rows)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < rows->len; i++) {
    g_variant_builder_add_value (&builder,
                                 vo_message_row_to_variant (g_ptr_array_index (rows, i)));
  }
  return g_variant_builder_end (&builder);
}

void
vo_message_manager_announce (VoMessageManager *self, VoConversation *conversation,
                             GVariant *message)
{
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, conversation, message);
}

/* ---- status ------------------------------------------------------------ */

void
vo_message_manager_advance (VoMessageManager *self, const VoMessageRow *row,
                            VoMessageStatus status)
{
  VoConversation *conversation = vo_message_manager_lookup (self, row->conversation_id);
  g_autoptr(GError) error = NULL;
  VoMessageStatus from = vo_message_row_get_status (row);

  /* Outgoing statuses only move forward: pending → sent → delivered → read
   * (the enum's order); a failed message stays failed. */
  if (from == VO_MESSAGE_STATUS_FAILED || status == VO_MESSAGE_STATUS_FAILED || status <= from)
    return;
  if (!vo_message_row_set_status (self->store, row, status, "", &error)) {
    g_warning ("Message %s stays %s: %s", row->uuid, row->status, error->message);
    return;
  }
  for (VoMessageStatus step = from + 1; conversation && step <= status; step++)
    vo_conversation_status_changed (conversation, row->uuid, step);
}

static void
manager_fail (VoMessageManager *self, const VoMessageRow *row, const char *reason)
{
  VoConversation *conversation = vo_message_manager_lookup (self, row->conversation_id);
  g_autoptr(GError) error = NULL;

  g_message ("Message %s failed: %s", row->uuid, reason);
  if (!vo_message_row_set_status (self->store, row, VO_MESSAGE_STATUS_FAILED, reason, &error)) {
    g_warning ("Message %s stays %s: %s", row->uuid, row->status, error->message);
    return;
  }
  if (conversation)
    vo_conversation_status_changed (conversation, row->uuid, VO_MESSAGE_STATUS_FAILED);
}

static void
on_message_finished (VoMessageOutbox *outbox, gint64 id, gboolean accepted, const char *reason,
                     gpointer user_data)
{
  VoMessageManager *self = user_data;
  g_autoptr(VoMessageRow) row = vo_message_store_get_by_id (self->store, id, NULL);

  if (!row || vo_message_row_get_status (row) != VO_MESSAGE_STATUS_PENDING)
    return;
  if (accepted)
    vo_message_manager_advance (self, row, VO_MESSAGE_STATUS_SENT);
  else
    manager_fail (self, row, reason);
}

/* ---- sending ------------------------------------------------------------ */

gboolean
vo_message_manager_check_text (const char *text, gsize length, GError **error)
{
  gboolean blank = TRUE;

  if (!text || !g_utf8_validate_len (text, length, NULL)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The message text is not valid UTF-8; send the text as UTF-8");
    return FALSE;
  }
  for (gsize i = 0; i < length && blank; i++)
    blank = g_ascii_isspace (text[i]);
  if (blank) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The message is empty; give the text to send");
    return FALSE;
  }
  if (length > VO_MESSAGE_TEXT_MAX) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The message has %" G_GSIZE_FORMAT " bytes; a message can have at most %d "
                 "bytes of text, so split it into several messages",
                 length, VO_MESSAGE_TEXT_MAX);
    return FALSE;
  }
  return TRUE;
}

/* The account's domain, or VO_ERROR_NOT_SIGNED_IN. */
static const char *
manager_domain (VoMessageManager *self, GError **error)
{
  const char *domain = vo_account_get_domain (self->account);

  if (!domain)
    g_set_error_literal (error, VO_ERROR, VO_ERROR_NOT_SIGNED_IN,
                         "Messages need an account to send from; sign in first "
                         "(vo-ctl sign-in)");
  return domain;
}

static char *
manager_resolve (VoMessageManager *self, const char *target, gboolean *sms, GError **error)
{
  const char *domain = manager_domain (self, error);
  g_autofree char *country = NULL;
  g_autofree char *reachable = NULL;
  GError *name_error = NULL;

  if (!domain)
    return NULL;
  /* A contact's name (one match) first; else the forms Dial takes. */
  reachable = vo_call_names_target (self->contacts, target, TRUE, NULL, NULL, &name_error);
  if (name_error) {
    g_propagate_error (error, name_error);
    return NULL;
  }
  country = vo_config_get_string (self->config, "account", "country-code");
  return vo_message_peer_from_target (reachable ? reachable : target, domain, country, sms,
                                      error);
}

/* Stores an outgoing message in one transaction (the conversation too,
 * when it is new), then shows and queues it. VO_ERROR_BUSY while another
 * program holds the database locked. */
static VoConversation *
manager_store_outgoing (VoMessageManager *self, const PendingSend *send, GError **error)
{
  g_autoptr(VoConversationRow) conversation_row = NULL;
  VoConversation *conversation;
  gboolean created = FALSE, duplicate = FALSE;
  g_autofree char *peer_name = vo_message_manager_peer_name (self, send->peer, "");
  VoMessageRow row = {
    .uuid = send->uuid,
    .direction = (char *) "outgoing",
    .text = send->text,
    .time_us = send->time_us,
    .status = (char *) vo_enum_to_nick (VO_TYPE_MESSAGE_STATUS, VO_MESSAGE_STATUS_PENDING),
  };

  if (!vo_message_store_begin (self->store, error))
    return NULL;
  conversation_row = vo_message_store_ensure_conversation (self->store, send->peer,
                                                           send->sms ? "sms" : "im", peer_name,
                                                           send->time_us, &created, error);
  if (conversation_row) {
    row.conversation_id = conversation_row->id;
    row.kind = conversation_row->kind;
  }
  if (!conversation_row || !vo_message_store_insert (self->store, &row, &duplicate, error) ||
      !vo_message_store_commit (self->store, error)) {
    vo_message_store_rollback (self->store);
    return NULL;
  }

  conversation = vo_message_manager_conversation_for_row (self, conversation_row);
  vo_conversation_add_message (conversation,
                               vo_message_row_to_variant (&row),
                               send->text, send->time_us, FALSE);
  vo_message_outbox_queue_message (self->outbox, row.conversation_id, conversation_row->peer,
                                   row.id);
  return conversation;
}

static gboolean manager_retry_sends (gpointer user_data);

/* Stores the queued sends in order and answers each; stops at the first
 * that finds the database locked and tries again in SEND_RETRY_MS. */
static void
manager_flush_sends (VoMessageManager *self)
{
  PendingSend *send;

  while ((send = g_queue_peek_head (&self->sends))) {
    g_autoptr(GError) error = NULL;
    VoConversation *conversation = manager_store_outgoing (self, send, &error);

    if (!conversation && g_error_matches (error, VO_ERROR, VO_ERROR_BUSY)) {
      if (g_get_monotonic_time () - send->queued_us < SEND_PATIENCE_US) {
        if (!self->send_retry_id)
          self->send_retry_id = g_timeout_add (SEND_RETRY_MS, manager_retry_sends, self);
        return;
      }
      g_prefix_error (&error, "The message was not stored after waiting %d s; send it again "
                      "when the database is free: ",
                      (int) (SEND_PATIENCE_US / G_USEC_PER_SEC));
    }
    g_queue_pop_head (&self->sends);
    if (conversation) {
      gint64 conversation_id = vo_conversation_get_row_id (conversation);

      /* The answer is the message's id; its conversation rides along. */
      g_task_set_task_data (send->task, g_memdup2 (&conversation_id, sizeof conversation_id),
                            g_free);
      g_task_return_pointer (send->task, g_strdup (send->uuid), g_free);
    } else {
      g_task_return_error (send->task, g_steal_pointer (&error));
    }
    pending_send_free (send);
  }
}

static gboolean
manager_retry_sends (gpointer user_data)
{
  VoMessageManager *self = user_data;

  self->send_retry_id = 0;
  manager_flush_sends (self);
  return G_SOURCE_REMOVE;
}

/* Queues @text to @peer behind the sends still waiting for the database. */
static void
manager_queue_send (VoMessageManager *self, const char *peer, gboolean sms, const char *text,
                    GTask *task)
{
  PendingSend *send = g_new0 (PendingSend, 1);

  send->peer = g_strdup (peer);
  send->sms = sms;
  send->text = g_strdup (text);
  send->uuid = g_uuid_string_random ();
  send->time_us = g_get_real_time ();
  send->queued_us = g_get_monotonic_time ();
  send->task = task;
  g_queue_push_tail (&self->sends, send);
  manager_flush_sends (self);
}

/* The task has no source object: a send waiting for the database must not
 * keep the manager alive (its dispose answers what is still queued). */
static GTask *
manager_send_task (gpointer source_tag, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

void
vo_message_manager_send_async (VoMessageManager *self, const char *to, const char *text,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = manager_send_task (vo_message_manager_send_async, callback,
                                             user_data);
  g_autofree char *peer = NULL;
  GError *error = NULL;
  gboolean sms = FALSE;

  g_return_if_fail (VO_IS_MESSAGE_MANAGER (self));

  if (!vo_message_manager_check_text (text, text ? strlen (text) : 0, &error) ||
      !(peer = manager_resolve (self, to, &sms, &error))) {
    g_task_return_error (task, error);
    return;
  }
  manager_queue_send (self, peer, sms, text, g_steal_pointer (&task));
}

void
vo_message_manager_send_in_async (VoMessageManager *self, VoConversation *conversation,
                                  const char *text, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr(GTask) task = manager_send_task (vo_message_manager_send_async, callback,
                                             user_data);
  GError *error = NULL;

  g_return_if_fail (VO_IS_MESSAGE_MANAGER (self));

  if (!vo_message_manager_check_text (text, text ? strlen (text) : 0, &error) ||
      !manager_domain (self, &error)) {
    g_task_return_error (task, error);
    return;
  }
  manager_queue_send (self, vo_conversation_get_peer (conversation),
                      g_str_equal (vo_conversation_get_kind (conversation), "sms"), text,
                      g_steal_pointer (&task));
}

gboolean
vo_message_manager_send_finish (GAsyncResult *result, gint64 *conversation_id,
                                char **message_id, GError **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  id = g_task_propagate_pointer (G_TASK (result), error);
  if (!id)
    return FALSE;
  if (conversation_id)
    *conversation_id = *(gint64 *) g_task_get_task_data (G_TASK (result));
  if (message_id)
    *message_id = g_steal_pointer (&id);
  return TRUE;
}

VoConversation *
vo_message_manager_open (VoMessageManager *self, const char *target, GError **error)
{
  g_autofree char *peer = NULL;
  g_autoptr(VoConversationRow) row = NULL;
  VoConversation *conversation;
  gboolean sms = FALSE, created = FALSE;

  g_return_val_if_fail (VO_IS_MESSAGE_MANAGER (self), NULL);

  peer = manager_resolve (self, target, &sms, error);
  if (!peer)
    return NULL;
  conversation = g_hash_table_lookup (self->by_peer, peer);
  if (conversation)
    return conversation;
  row = vo_message_store_ensure_conversation (self->store, peer, sms ? "sms" : "im", "",
                                              g_get_real_time (), &created, error);
  return row ? vo_message_manager_conversation_for_row (self, row) : NULL;
}

/* ---- pages, search, read, delete ------------------------------------------ */

GVariant *
vo_message_manager_get_messages (VoMessageManager *self, VoConversation *conversation,
                                 gint64 before_us, const char *before_id, guint limit,
                                 GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  gint64 before_row = G_MAXINT64;

  g_return_val_if_fail (VO_IS_MESSAGE_MANAGER (self), NULL);

  if (limit < 1 || limit > VO_MESSAGE_PAGE_MAX) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "limit must be from 1 to %d, not %u", VO_MESSAGE_PAGE_MAX, limit);
    return NULL;
  }
  if (before_id && *before_id) {
    g_autoptr(VoMessageRow) row = vo_message_store_get (self->store, before_id, NULL);

    if (!row || row->conversation_id != vo_conversation_get_row_id (conversation)) {
      g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                   "This conversation has no message '%s' (before takes a message id from "
                   "GetMessages, or a time)",
                   before_id);
      return NULL;
    }
    before_us = row->time_us;
    before_row = row->id;
  } else if (before_us != G_MAXINT64) {
    before_row = G_MININT64;  /* strictly older than the time */
  }
  rows = vo_message_store_page (self->store, vo_conversation_get_row_id (conversation),
                                before_us, before_row, limit, error);
  return rows ? rows_to_variant (rows) : NULL;
}

GVariant *
vo_message_manager_search (VoMessageManager *self, const char *query, guint offset, guint limit,
                           GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_MANAGER (self), NULL);

  if (!query || !*(query + strspn (query, " \t\r\n"))) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "Give the words to search for");
    return NULL;
  }
  if (limit < 1 || limit > VO_MESSAGE_PAGE_MAX) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "limit must be from 1 to %d, not %u", VO_MESSAGE_PAGE_MAX, limit);
    return NULL;
  }
  rows = vo_message_store_search (self->store, query, offset, limit, error);
  return rows ? rows_to_variant (rows) : NULL;
}

gboolean
vo_message_manager_mark_read (VoMessageManager *self, VoConversation *conversation,
                              GError **error)
{
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_MANAGER (self), FALSE);

  ids = vo_message_store_mark_read (self->store, vo_conversation_get_row_id (conversation),
                                    error);
  if (!ids)
    return FALSE;
  vo_conversation_set_unread (conversation, 0);
  vo_message_manager_update_unread (self);
  for (guint i = 0; i < ids->len; i++) {
    gint64 id = g_array_index (ids, gint64, i);
    g_autoptr(VoMessageRow) row = vo_message_store_get_by_id (self->store, id, NULL);

    if (!row)
      continue;
    vo_conversation_status_changed (conversation, row->uuid, VO_MESSAGE_STATUS_READ);
    if (row->notify_due & ~row->notify_sent)
      vo_message_outbox_queue_receipts (self->outbox, id);
  }
  return TRUE;
}

gboolean
vo_message_manager_delete (VoMessageManager *self, VoConversation *conversation,
                           GError **error)
{
  gint64 id = vo_conversation_get_row_id (conversation);
  g_autoptr(VoConversation) keep = g_object_ref (conversation);

  g_return_val_if_fail (VO_IS_MESSAGE_MANAGER (self), FALSE);

  vo_message_outbox_forget_conversation (self->outbox, id);
  if (!vo_message_store_delete_conversation (self->store, id, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_CONVERSATION_REMOVED], 0, conversation);
  g_hash_table_remove (self->by_peer, vo_conversation_get_peer (conversation));
  g_hash_table_remove (self->by_id, &id);
  self->conversations = g_list_remove (self->conversations, conversation);
  g_object_unref (conversation);
  vo_message_manager_update_unread (self);
  return TRUE;
}

GList *
vo_message_manager_get_conversations (VoMessageManager *self)
{
  return self->conversations;
}

/* ---- start-up ------------------------------------------------------------- */

/* Conversations from the store, and what they still have to send. */
static gboolean
manager_load (VoMessageManager *self, GError **error)
{
  g_autoptr(GPtrArray) rows = vo_message_store_list_conversations (self->store, error);
  g_autoptr(GArray) outbox = NULL;
  g_autoptr(GArray) receipts = NULL;

  if (!rows)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    manager_add_conversation (self, g_ptr_array_index (rows, i), TRUE);
  vo_message_manager_update_unread (self);

  outbox = vo_message_store_list_outbox (self->store, error);
  receipts = outbox ? vo_message_store_list_receipts (self->store, error) : NULL;
  if (!receipts)
    return FALSE;
  for (guint i = 0; i < outbox->len; i++) {
    g_autoptr(VoMessageRow) row = vo_message_store_get_by_id (self->store,
                                                              g_array_index (outbox, gint64, i),
                                                              NULL);
    VoConversation *conversation = row ? vo_message_manager_lookup (self, row->conversation_id) : NULL;

    if (conversation)
      vo_message_outbox_queue_message (self->outbox, row->conversation_id,
                                       vo_conversation_get_peer (conversation), row->id);
  }
  for (guint i = 0; i < receipts->len; i++)
    vo_message_outbox_queue_receipts (self->outbox, g_array_index (receipts, gint64, i));
  if (outbox->len || receipts->len)
    g_message ("%u messages and %u receipts wait to be sent", outbox->len, receipts->len);
  return TRUE;
}

/* ---- GObject -------------------------------------------------------------- */

static void
vo_message_manager_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  VoMessageManager *self = VO_MESSAGE_MANAGER (object);

  switch (prop_id) {
  case PROP_UNREAD:
    g_value_set_uint (value, self->unread);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_message_manager_dispose (GObject *object)
{
  VoMessageManager *self = VO_MESSAGE_MANAGER (object);
  PendingSend *send;

  g_clear_handle_id (&self->send_retry_id, g_source_remove);
  vo_message_manager_unfollow_contacts (self);
  while ((send = g_queue_pop_head (&self->sends))) {
    g_task_return_new_error (send->task, VO_ERROR, VO_ERROR_FAILED,
                             "vo-daemon stopped while the message database was locked by "
                             "another program; the message was not stored, send it again");
    pending_send_free (send);
  }
  if (self->stack)
    g_signal_handlers_disconnect_by_data (self->stack, self);
  if (self->outbox)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_list_free_full (g_steal_pointer (&self->conversations), g_object_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_peer, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->stack);
  g_clear_object (&self->account);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_message_manager_parent_class)->dispose (object);
}

static void
vo_message_manager_class_init (VoMessageManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = vo_message_manager_get_property;
  object_class->dispose = vo_message_manager_dispose;

  props[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0,
                                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                          G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CONVERSATION_ADDED] = g_signal_new ("conversation-added", type,
                                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                     G_TYPE_NONE, 1, VO_TYPE_CONVERSATION);
  signals[SIGNAL_CONVERSATION_REMOVED] = g_signal_new ("conversation-removed", type,
                                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                       G_TYPE_NONE, 1, VO_TYPE_CONVERSATION);
  signals[SIGNAL_RECEIVED] = g_signal_new ("received", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 2, VO_TYPE_CONVERSATION,
                                           G_TYPE_VARIANT);
}

static void
vo_message_manager_init (VoMessageManager *self)
{
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->by_peer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->sends);
}

VoMessageManager *
vo_message_manager_new (VoStore *store, VoSipStack *stack, VoAccount *account, VoConfig *config,
                        VoContacts *contacts, GError **error)
{
  g_autoptr(VoMessageManager) self = g_object_new (VO_TYPE_MESSAGE_MANAGER, NULL);
  g_autoptr(VoMessageTransport) transport = NULL;

  self->store = vo_message_store_new (store);
  self->stack = g_object_ref (stack);
  self->account = g_object_ref (account);
  self->config = g_object_ref (config);
  transport = vo_message_sip_transport_new (stack, account);
  self->outbox = vo_message_outbox_new (self->store, transport, config);
  g_signal_connect (self->outbox, "message-finished", G_CALLBACK (on_message_finished), self);
  if (!manager_load (self, error))
    return NULL;
  vo_message_manager_follow_contacts (self, contacts);
  g_signal_connect (stack, "message-received", G_CALLBACK (vo_message_manager_receive), self);
  return g_steal_pointer (&self);
}
