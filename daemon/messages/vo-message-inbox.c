/* vo-message-inbox.c: what the stack receives (already opened by sip/):
 * texts are stored once and shown, receipts move our messages forward.
 * The answer is a VoSipIncomingResult; sip/ chooses the status code.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "vo-message-manager-private.h"
#include "vo-enum-types.h"

/* Incoming texts are accepted up to this size (other clients may allow
 * longer messages than we send); beyond it the sender hears 413. */
#define INCOMING_TEXT_MAX (64 * 1024)

/* A receipt for one of our messages: moves it forward; never shown. */
static void
inbox_take_receipt (VoMessageManager *self, const VoSipIncomingMessage *receipt)
{
  g_autoptr(VoMessageRow) row = vo_message_store_get (self->store, receipt->receipt_for, NULL);
  VoConversation *conversation;

  if (!row || !g_str_equal (row->direction, "outgoing")) {
    g_debug ("Receipt from %s for unknown message %s", receipt->peer, receipt->receipt_for);
    return;
  }
  conversation = vo_message_manager_lookup (self, row->conversation_id);
  if (!conversation || g_strcmp0 (vo_conversation_get_peer (conversation), receipt->peer) != 0) {
    g_message ("Ignoring a receipt from %s for a message to someone else", receipt->peer);
    return;
  }
  if (receipt->receipt_status == VO_MESSAGE_STATUS_DELIVERED)
    vo_message_manager_advance (self, row, VO_MESSAGE_STATUS_DELIVERED);
  else if (receipt->receipt_status == VO_MESSAGE_STATUS_READ)
    vo_message_manager_advance (self, row, VO_MESSAGE_STATUS_READ);
  else if (receipt->receipt_status == VO_MESSAGE_STATUS_FAILED)
    g_message ("%s reports message %s as not delivered", receipt->peer, row->uuid);
}

/* Stores an incoming text once (a copy that arrives again is recognised
 * by its dedup key), shows it and queues the receipts it asks for. */
static gboolean
inbox_store (VoMessageManager *self, const VoSipIncomingMessage *in, GError **error)
{
  g_autoptr(VoConversationRow) conversation_row = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  /* The contact's name wins over the From display name. */
  g_autofree char *peer_name = vo_message_manager_peer_name (self, in->peer, in->peer_name);
  VoConversation *conversation;
  g_autoptr(GVariant) message = NULL;
  gint64 now = g_get_real_time ();
  gboolean created = FALSE, duplicate = FALSE;
  int notify = (in->wants_delivered ? VO_MESSAGE_NOTIFY_DELIVERED : 0) |
               (in->wants_displayed ? VO_MESSAGE_NOTIFY_DISPLAYED : 0);
  VoMessageRow row = {
    .uuid = uuid,
    .direction = (char *) "incoming",
    .text = in->text,
    .time_us = now,
    .status = (char *) vo_enum_to_nick (VO_TYPE_MESSAGE_STATUS, VO_MESSAGE_STATUS_DELIVERED),
    .dedup = in->dedup,
    .imdn_id = in->imdn_id,
    .imdn_datetime = in->imdn_datetime,
    .imdn_to = in->imdn_to,
    .notify = notify,
    .notify_due = notify & VO_MESSAGE_NOTIFY_DELIVERED,
  };

  if (!vo_message_store_begin (self->store, error))
    return FALSE;
  conversation_row = vo_message_store_ensure_conversation (self->store, in->peer,
                                                           in->sms ? "sms" : "im",
                                                           peer_name, now, &created, error);
  if (conversation_row) {
    row.conversation_id = conversation_row->id;
    row.kind = conversation_row->kind;
  }
  if (!conversation_row || !vo_message_store_insert (self->store, &row, &duplicate, error) ||
      (*peer_name && g_strcmp0 (conversation_row->peer_name, peer_name) != 0 &&
       !vo_message_store_set_peer_name (self->store, conversation_row->id, peer_name,
                                        error)) ||
      !vo_message_store_commit (self->store, error)) {
    vo_message_store_rollback (self->store);
    return FALSE;
  }
  if (duplicate) {
    g_debug ("Message from %s already stored (%s)", in->peer, in->dedup);
    return TRUE;
  }

  conversation = vo_message_manager_conversation_for_row (self, conversation_row);
  if (*peer_name)
    vo_conversation_set_peer_name (conversation, peer_name);
  message = g_variant_ref_sink (vo_message_row_to_variant (&row));
  vo_conversation_add_message (conversation, message, in->text, now, TRUE);
  vo_message_manager_update_unread (self);
  vo_message_manager_announce (self, conversation, message);
  if (row.notify_due)
    vo_message_outbox_queue_receipts (self->outbox, row.id);
  return TRUE;
}

int
vo_message_manager_receive (VoSipStack *stack, const VoSipIncomingMessage *in,
                            VoMessageManager *self)
{
  g_autoptr(GError) error = NULL;

  if (in->receipt_for) {
    inbox_take_receipt (self, in);
    return VO_SIP_INCOMING_TAKEN;
  }
  if (in->length > INCOMING_TEXT_MAX)
    return VO_SIP_INCOMING_TOO_LARGE;
  if (!g_utf8_validate_len (in->text, in->length, NULL)) {
    g_message ("Ignoring a MESSAGE from %s: the text is not UTF-8", in->peer);
    return VO_SIP_INCOMING_NOT_UTF8;
  }
  if (in->length == 0)
    return VO_SIP_INCOMING_TAKEN;
  if (!inbox_store (self, in, &error)) {
    g_warning ("A message from %s could not be stored: %s", in->peer, error->message);
    return VO_SIP_INCOMING_FAILED;
  }
  return VO_SIP_INCOMING_TAKEN;
}
