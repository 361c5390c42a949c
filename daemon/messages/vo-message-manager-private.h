/* vo-message-manager-private.h: what the manager's files share. The manager
 * (vo-message-manager.c) keeps the conversations and sends; the inbox
 * (vo-message-inbox.c) takes what the stack receives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contacts.h"
#include "vo-message-manager.h"
#include "vo-message-outbox.h"
#include "vo-message-row.h"
#include "vo-message-store.h"
#include "vo-sip-message.h"

G_BEGIN_DECLS

struct _VoMessageManager {
  GObject parent_instance;

  VoMessageStore *store;
  VoSipStack *stack;
  VoAccount *account;
  VoConfig *config;
  VoMessageOutbox *outbox;

  GList *conversations;   /* VoConversation *, owned, oldest first */
  GHashTable *by_id;      /* gint64 * row id → VoConversation * */
  GHashTable *by_peer;    /* peer → VoConversation * */
  guint unread;

  GQueue sends;           /* PendingSend *, oldest first, not stored yet */
  guint send_retry_id;

  VoContacts *contacts;   /* may be NULL: peers have no contact names */
  guint rename_id;        /* conversations to be named again (contacts changed) */
};

/* The model of the conversation with row id @id, or NULL. */
VoConversation *vo_message_manager_lookup (VoMessageManager *self, gint64 id);
/* The model of @row, made (and announced) if it is new. */
VoConversation *vo_message_manager_conversation_for_row (VoMessageManager *self,
                                                         const VoConversationRow *row);
/* Recounts "unread" over every conversation. */
void vo_message_manager_update_unread (VoMessageManager *self);
/* Emits "received". */
void vo_message_manager_announce (VoMessageManager *self, VoConversation *conversation,
                                  GVariant *message);

/* Moves an outgoing message forward to @status, announcing each step it
 * passes (a receipt may overtake the 200 that makes a message sent). */
void vo_message_manager_advance (VoMessageManager *self, const VoMessageRow *row,
                                 VoMessageStatus status);


/* Conversation names (vo-message-names.c). The name to show for @peer:
 * its contact's, else @fallback (the From display name); never NULL. */
char *vo_message_manager_peer_name (VoMessageManager *self, const char *peer,
                                    const char *fallback);
/* Names conversations from @contacts (may be NULL) from now on, and
 * again whenever contacts change. */
void vo_message_manager_follow_contacts (VoMessageManager *self, VoContacts *contacts);
void vo_message_manager_unfollow_contacts (VoMessageManager *self);

/* The stack's "message-received" handler (vo-message-inbox.c): stores a
 * text, applies a receipt. Returns a VoSipIncomingResult. */
int vo_message_manager_receive (VoSipStack *stack, const VoSipIncomingMessage *message,
                                VoMessageManager *self);

G_END_DECLS
