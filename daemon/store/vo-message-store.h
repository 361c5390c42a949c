/* vo-message-store.h: SQL access to the conversations and messages tables
 * (and their full-text index).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-store.h"

G_BEGIN_DECLS

/* Receipt bits of the notify columns. */
#define VO_MESSAGE_NOTIFY_DELIVERED 1
#define VO_MESSAGE_NOTIFY_DISPLAYED 2

/* One conversation with its summary (computed from its messages). */
typedef struct {
  gint64 id;
  char *peer;
  char *peer_name;
  char *kind;          /* im, sms */
  gint64 created_us;
  guint unread;        /* incoming messages not read */
  gint64 last_us;      /* time of the newest message, 0 if none */
  char *last_text;     /* its text, "" if none */
} VoConversationRow;

void vo_conversation_row_free (VoConversationRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoConversationRow, vo_conversation_row_free)

/* One message. uuid is the public id. */
typedef struct {
  gint64 id;
  char *uuid;
  gint64 conversation_id;
  char *direction;     /* incoming, outgoing */
  char *kind;          /* im, sms */
  char *text;
  gint64 time_us;
  char *status;        /* pending, sent, delivered, read, failed */
  char *reason;        /* why it failed */
  char *dedup;         /* incoming: what identifies it at its sender; NULL otherwise */
  char *imdn_id;       /* incoming IM: the sender's imdn.Message-ID */
  char *imdn_datetime; /* and its DateTime */
  char *imdn_to;       /* where receipts go */
  int notify;          /* receipts asked for (VO_MESSAGE_NOTIFY_*) */
  int notify_due;
  int notify_sent;
} VoMessageRow;

void vo_message_row_free (VoMessageRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoMessageRow, vo_message_row_free)

#define VO_TYPE_MESSAGE_STORE (vo_message_store_get_type ())
G_DECLARE_FINAL_TYPE (VoMessageStore, vo_message_store, VO, MESSAGE_STORE, GObject)

VoMessageStore *vo_message_store_new (VoStore *store);

/* Transactions around several calls (BEGIN IMMEDIATE / COMMIT / ROLLBACK).
 * Every other call outside one commits on its own. */
gboolean vo_message_store_begin (VoMessageStore *self, GError **error);
gboolean vo_message_store_commit (VoMessageStore *self, GError **error);
void vo_message_store_rollback (VoMessageStore *self);

/* Conversations */

/* The conversation with @peer, created (with @kind, @peer_name, @now_us)
 * when there is none; *@created says which. */
VoConversationRow *vo_message_store_ensure_conversation (VoMessageStore *self, const char *peer,
                                                         const char *kind,
                                                         const char *peer_name, gint64 now_us,
                                                         gboolean *created, GError **error);
/* Every conversation with its summary, oldest first: VoConversationRow. */
GPtrArray *vo_message_store_list_conversations (VoMessageStore *self, GError **error);
/* One conversation with its summary, or NULL with VO_ERROR_NOT_FOUND. */
VoConversationRow *vo_message_store_get_conversation (VoMessageStore *self, gint64 id,
                                                      GError **error);
gboolean vo_message_store_set_peer_name (VoMessageStore *self, gint64 id, const char *name,
                                         GError **error);
/* Deletes the conversation and all its messages, in one transaction. */
gboolean vo_message_store_delete_conversation (VoMessageStore *self, gint64 id, GError **error);

/* Messages */

/* Inserts @row (uuid must be new) and sets row->id. A row whose dedup is
 * already stored is not inserted: TRUE with *@duplicate set. */
gboolean vo_message_store_insert (VoMessageStore *self, VoMessageRow *row, gboolean *duplicate,
                                  GError **error);
/* By public id or row id; NULL with VO_ERROR_NOT_FOUND when there is none. */
VoMessageRow *vo_message_store_get (VoMessageStore *self, const char *uuid, GError **error);
VoMessageRow *vo_message_store_get_by_id (VoMessageStore *self, gint64 id, GError **error);
gboolean vo_message_store_set_status (VoMessageStore *self, gint64 id, const char *status,
                                      const char *reason, GError **error);
/* notify_sent |= @bits. */
gboolean vo_message_store_add_notify_sent (VoMessageStore *self, gint64 id, int bits,
                                           GError **error);

/* Row ids of outgoing messages still pending, oldest first (gint64). */
GArray *vo_message_store_list_outbox (VoMessageStore *self, GError **error);
/* Row ids of messages with receipts due but not sent, oldest first (gint64). */
GArray *vo_message_store_list_receipts (VoMessageStore *self, GError **error);

/* Marks every unread incoming message of the conversation read, makes the
 * display receipts their senders asked for due, in one transaction. Returns
 * the row ids it changed (gint64), oldest first. */
GArray *vo_message_store_mark_read (VoMessageStore *self, gint64 conversation_id,
                                    GError **error);

/* Up to @limit messages of the conversation older than (@before_us,
 * @before_id) in (time, row id) order, newest first: VoMessageRow. */
GPtrArray *vo_message_store_page (VoMessageStore *self, gint64 conversation_id,
                                  gint64 before_us, gint64 before_id, guint limit,
                                  GError **error);

/* Messages whose text has every word of @query (the last one as a prefix),
 * newest first: VoMessageRow. A query with no word in it matches nothing. */
GPtrArray *vo_message_store_search (VoMessageStore *self, const char *query, guint offset,
                                    guint limit, GError **error);

/* @query as an FTS5 expression: each word quoted (so nothing the user
 * types is syntax), the last one a prefix. NULL when it has no word. */
char *vo_message_store_fts_query (const char *query);

G_END_DECLS
