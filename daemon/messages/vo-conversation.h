/* vo-conversation.h: one conversation as the user sees it (Conversation1):
 * the peer, the unread count and the newest message. The message manager
 * owns and updates it; it never talks to SIP or the store itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-message-store.h"
#include "vo-states.h"

G_BEGIN_DECLS

/* How long LastMessage gets: a preview, not the whole text. */
#define VO_CONVERSATION_PREVIEW_CHARS 200

#define VO_TYPE_CONVERSATION (vo_conversation_get_type ())
G_DECLARE_FINAL_TYPE (VoConversation, vo_conversation, VO, CONVERSATION, GObject)

/* Properties (read-only, named as Conversation1's in kebab case): peer,
 * peer-name, kind (im, sms), unread (guint), last-activity (gint64 µs:
 * the newest message, else when the conversation began), last-message.
 * Signals: "message-added" (GVariant *message, a{sv}); "message-status-changed"
 * (const char *id, VoMessageStatus status). */
VoConversation *vo_conversation_new (const VoConversationRow *row);

gint64 vo_conversation_get_row_id (VoConversation *self);
const char *vo_conversation_get_peer (VoConversation *self);
const char *vo_conversation_get_peer_name (VoConversation *self);
const char *vo_conversation_get_kind (VoConversation *self);
guint vo_conversation_get_unread (VoConversation *self);

/* For the manager: take the summary of @row (notifies what changed). */
void vo_conversation_update (VoConversation *self, const VoConversationRow *row);
/* For the manager: a message was added (newest), or unread changed. */
void vo_conversation_add_message (VoConversation *self, GVariant *message, const char *text,
                                  gint64 time_us, gboolean unread);
void vo_conversation_set_unread (VoConversation *self, guint unread);
void vo_conversation_set_peer_name (VoConversation *self, const char *name);
void vo_conversation_status_changed (VoConversation *self, const char *id,
                                     VoMessageStatus status);

G_END_DECLS
