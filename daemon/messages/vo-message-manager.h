/* vo-message-manager.h: instant messages and SMS (Messages1): sending,
 * receiving, receipts, conversations and search.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-config.h"
#include "vo-contacts.h"
#include "vo-conversation.h"
#include "vo-sip-stack.h"
#include "vo-store.h"

G_BEGIN_DECLS

/* The longest text a message may have, in bytes of UTF-8. */
#define VO_MESSAGE_TEXT_MAX 4096
#define VO_MESSAGE_PAGE_DEFAULT 50
#define VO_MESSAGE_PAGE_MAX 1000

#define VO_TYPE_MESSAGE_MANAGER (vo_message_manager_get_type ())
G_DECLARE_FINAL_TYPE (VoMessageManager, vo_message_manager, VO, MESSAGE_MANAGER, GObject)

/* Property "unread" (guint): incoming messages not read, in every
 * conversation. Signals: "conversation-added" (VoConversation *),
 * "conversation-removed" (VoConversation *) as the last thing before the
 * manager drops it, "received" (VoConversation *, GVariant *message a{sv})
 * for every new incoming message (after the conversation's "message-added").
 * Message dictionaries: id, conversation (x, its row id: the glue makes it
 * the object path), direction, text, time (x),
 * status, kind, and reason (only when failed).
 * @contacts (may be NULL) names conversations (PeerName: the contact's name
 * wins over the From display name) and resolves names given to Send. */
VoMessageManager *vo_message_manager_new (VoStore *store, VoSipStack *stack, VoAccount *account,
                                          VoConfig *config, VoContacts *contacts,
                                          GError **error);

/* Every conversation, oldest first (owned by the manager). */
GList *vo_message_manager_get_conversations (VoMessageManager *self);

/* Checks @text (VO_ERROR_INVALID_ARGUMENT: empty, longer than
 * VO_MESSAGE_TEXT_MAX bytes or not UTF-8). */
gboolean vo_message_manager_check_text (const char *text, gsize length, GError **error);

/* Stores @text to @to as pending and queues it; completes once the message
 * is on disk (a database another program holds locked delays that, see
 * vo-message-manager.c). vo_message_manager_send_finish gives the
 * conversation's row id and the new message's id. Errors:
 * VO_ERROR_INVALID_ARGUMENT (text or target), VO_ERROR_NOT_SIGNED_IN,
 * VO_ERROR_BUSY (the database stayed locked too long). */
void vo_message_manager_send_async (VoMessageManager *self, const char *to, const char *text,
                                    GAsyncReadyCallback callback, gpointer user_data);
/* The same into @conversation. */
void vo_message_manager_send_in_async (VoMessageManager *self, VoConversation *conversation,
                                       const char *text, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean vo_message_manager_send_finish (GAsyncResult *result, gint64 *conversation_id,
                                         char **message_id, GError **error);

/* The conversation with @peer (any form Send takes), created if needed. */
VoConversation *vo_message_manager_open (VoMessageManager *self, const char *peer,
                                         GError **error);

/* Messages (aa{sv}) of @conversation older than @before_us, or than the
 * message @before_id when that is set, newest first; 1 ≤ @limit ≤
 * VO_MESSAGE_PAGE_MAX. An unknown @before_id is VO_ERROR_NOT_FOUND. */
GVariant *vo_message_manager_get_messages (VoMessageManager *self, VoConversation *conversation,
                                           gint64 before_us, const char *before_id,
                                           guint limit, GError **error);

/* Full-text search over every conversation (aa{sv}), newest first. */
GVariant *vo_message_manager_search (VoMessageManager *self, const char *query, guint offset,
                                     guint limit, GError **error);

/* Marks everything in @conversation read and sends the display receipts
 * that were asked for. */
gboolean vo_message_manager_mark_read (VoMessageManager *self, VoConversation *conversation,
                                       GError **error);

/* Deletes @conversation and its messages (pending ones are not sent). */
gboolean vo_message_manager_delete (VoMessageManager *self, VoConversation *conversation,
                                    GError **error);

G_END_DECLS
