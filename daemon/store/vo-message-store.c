/* vo-message-store.c: conversations and messages rows in and out, with
 * cached prepared statements and every value bound as a parameter.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-store"

#include "vo-message-store.h"
#include "vo-error.h"

#include <string.h>

#define MESSAGE_COLUMNS                                                                       \
  "id, uuid, conversation_id, direction, kind, text, time_us, status, reason, dedup, "       \
  "imdn_id, imdn_datetime, imdn_to, notify, notify_due, notify_sent"

/* The summary of a conversation: unread from the partial index, the newest
 * message from (conversation_id, time_us) scanned backwards. */
#define CONVERSATION_COLUMNS                                                                  \
  "c.id, c.peer, c.peer_name, c.kind, c.created_us, "                                        \
  "(SELECT count(*) FROM messages WHERE conversation_id = c.id "                             \
  "  AND direction = 'incoming' AND status = 'delivered'), "                                 \
  "(SELECT time_us FROM messages WHERE conversation_id = c.id "                              \
  "  ORDER BY time_us DESC, id DESC LIMIT 1), "                                              \
  "(SELECT text FROM messages WHERE conversation_id = c.id "                                 \
  "  ORDER BY time_us DESC, id DESC LIMIT 1)"

typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_CONVERSATION_INSERT,
  STMT_CONVERSATION_BY_PEER,
  STMT_CONVERSATION_GET,
  STMT_CONVERSATION_LIST,
  STMT_CONVERSATION_NAME,
  STMT_CONVERSATION_DELETE_MESSAGES,
  STMT_CONVERSATION_DELETE,
  STMT_MESSAGE_INSERT,
  STMT_MESSAGE_GET,
  STMT_MESSAGE_GET_BY_ID,
  STMT_MESSAGE_STATUS,
  STMT_MESSAGE_NOTIFY_SENT,
  STMT_OUTBOX,
  STMT_RECEIPTS,
  STMT_UNREAD_IDS,
  STMT_MARK_READ,
  STMT_PAGE,
  STMT_SEARCH,
  N_STMTS
} Stmt;

static const char *const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_CONVERSATION_INSERT] = "INSERT OR IGNORE INTO conversations (peer, peer_name, kind, "
                               "created_us) VALUES (?1, ?2, ?3, ?4)",
  [STMT_CONVERSATION_BY_PEER] = "SELECT " CONVERSATION_COLUMNS
                                " FROM conversations c WHERE c.peer = ?1",
  [STMT_CONVERSATION_GET] = "SELECT " CONVERSATION_COLUMNS " FROM conversations c WHERE c.id = ?1",
  [STMT_CONVERSATION_LIST] = "SELECT " CONVERSATION_COLUMNS " FROM conversations c ORDER BY c.id",
  [STMT_CONVERSATION_NAME] = "UPDATE conversations SET peer_name = ?2 WHERE id = ?1",
  [STMT_CONVERSATION_DELETE_MESSAGES] = "DELETE FROM messages WHERE conversation_id = ?1",
  [STMT_CONVERSATION_DELETE] = "DELETE FROM conversations WHERE id = ?1",
  [STMT_MESSAGE_INSERT] = "INSERT OR IGNORE INTO messages (uuid, conversation_id, direction, kind, "
                          "text, time_us, status, reason, dedup, imdn_id, imdn_datetime, "
                          "imdn_to, notify, notify_due, notify_sent) VALUES "
                          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
  [STMT_MESSAGE_GET] = "SELECT " MESSAGE_COLUMNS " FROM messages WHERE uuid = ?1",
  [STMT_MESSAGE_GET_BY_ID] = "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?1",
  [STMT_MESSAGE_STATUS] = "UPDATE messages SET status = ?2, reason = ?3 WHERE id = ?1",
  [STMT_MESSAGE_NOTIFY_SENT] = "UPDATE messages SET notify_sent = notify_sent | ?2 WHERE id = ?1",
  [STMT_OUTBOX] = "SELECT id FROM messages WHERE status = 'pending' ORDER BY id",
  [STMT_RECEIPTS] = "SELECT id FROM messages WHERE notify_due != notify_sent ORDER BY id",
  [STMT_UNREAD_IDS] = "SELECT id FROM messages INDEXED BY messages_unread "
                      "WHERE conversation_id = ?1 AND direction = 'incoming' "
                      "AND status = 'delivered' ORDER BY id",
  [STMT_MARK_READ] = "UPDATE messages SET status = 'read', "
                     "notify_due = notify_due | (notify & 2) WHERE id = ?1",
  [STMT_PAGE] = "SELECT " MESSAGE_COLUMNS " FROM messages WHERE conversation_id = ?1 "
                "AND (time_us, id) < (?2, ?3) ORDER BY time_us DESC, id DESC LIMIT ?4",
  /* FTS5 walks its doclist backwards for rowid DESC: the newest matches
   * first, without sorting every match. */
  [STMT_SEARCH] = "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id IN ("
                  "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 "
                  "ORDER BY rowid DESC LIMIT ?2 OFFSET ?3) ORDER BY id DESC",
};

struct _VoMessageStore {
  GObject parent_instance;
  VoStore *store;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
};

G_DEFINE_FINAL_TYPE (VoMessageStore, vo_message_store, G_TYPE_OBJECT)


void
vo_conversation_row_free (VoConversationRow *row)
{
  if (!row)
    return;
  g_free (row->peer);
  g_free (row->peer_name);
  g_free (row->kind);
  g_free (row->last_text);
  g_free (row);
}

void
vo_message_row_free (VoMessageRow *row)
{
  if (!row)
    return;
  g_free (row->uuid);
  g_free (row->direction);
  g_free (row->kind);
  g_free (row->text);
  g_free (row->status);
  g_free (row->reason);
  g_free (row->dedup);
  g_free (row->imdn_id);
  g_free (row->imdn_datetime);
  g_free (row->imdn_to);
  g_free (row);
}

static void
vo_message_store_finalize (GObject *object)
{
  VoMessageStore *self = VO_MESSAGE_STORE (object);

  /* Before the store: its connection closes only once these are gone. */
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (vo_message_store_parent_class)->finalize (object);
}

static void
vo_message_store_class_init (VoMessageStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vo_message_store_finalize;
}

static void
vo_message_store_init (VoMessageStore *self)
{
}

VoMessageStore *
vo_message_store_new (VoStore *store)
{
  VoMessageStore *self = g_object_new (VO_TYPE_MESSAGE_STORE, NULL);

  self->store = g_object_ref (store);
  self->db = vo_store_get_db (store);
  return self;
}

static gboolean
store_fail (VoMessageStore *self, GError **error)
{
  return vo_store_fail (self->store, "Messages", error);
}

static VoStoreStmt *
store_stmt (VoMessageStore *self, Stmt which, GError **error)
{
  return vo_store_prepare (self->store, &self->stmts[which], stmt_sql[which], "Messages", error);
}

/* Runs a statement that returns no rows, binding ?1 = @id when @id > 0. */
static gboolean
store_run (VoMessageStore *self, Stmt which, gint64 id, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, which, error);

  if (!stmt)
    return FALSE;
  if (id > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

gboolean
vo_message_store_begin (VoMessageStore *self, GError **error)
{
  return store_run (self, STMT_BEGIN, 0, error);
}

gboolean
vo_message_store_commit (VoMessageStore *self, GError **error)
{
  return store_run (self, STMT_COMMIT, 0, error);
}

void
vo_message_store_rollback (VoMessageStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    store_run (self, STMT_ROLLBACK, 0, NULL);
}

/* ---- conversations ------------------------------------------------------- */

static VoConversationRow *
conversation_from_stmt (sqlite3_stmt *stmt)
{
  VoConversationRow *row = g_new0 (VoConversationRow, 1);

  row->id = sqlite3_column_int64 (stmt, 0);
  row->peer = vo_store_column_text (stmt, 1);
  row->peer_name = vo_store_column_text (stmt, 2);
  row->kind = vo_store_column_text (stmt, 3);
  row->created_us = sqlite3_column_int64 (stmt, 4);
  row->unread = (guint) MIN (sqlite3_column_int64 (stmt, 5), (sqlite3_int64) G_MAXUINT);
  row->last_us = sqlite3_column_int64 (stmt, 6);
  row->last_text = vo_store_column_text (stmt, 7);
  return row;
}

static void
set_conversation_not_found (GError **error, gint64 id)
{
  g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
               "There is no conversation %" G_GINT64_FORMAT "; it may have been deleted", id);
}

/* One conversation row from a statement with ?1 bound, or NULL. */
static VoConversationRow *
conversation_fetch (VoMessageStore *self, sqlite3_stmt *stmt, gboolean *found, GError **error)
{
  int rc = sqlite3_step (stmt);

  *found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW)
    return conversation_from_stmt (stmt);
  if (rc != SQLITE_DONE)
    store_fail (self, error);
  return NULL;
}

VoConversationRow *
vo_message_store_ensure_conversation (VoMessageStore *self, const char *peer, const char *kind,
                                      const char *peer_name, gint64 now_us, gboolean *created,
                                      GError **error)
{
  g_autoptr(VoStoreStmt) insert = NULL;
  g_autoptr(VoStoreStmt) select = NULL;
  g_autoptr(GError) local_error = NULL;
  VoConversationRow *row;
  gboolean found;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  insert = store_stmt (self, STMT_CONVERSATION_INSERT, error);
  if (!insert)
    return NULL;
  vo_store_bind_text (insert, 1, peer);
  vo_store_bind_text (insert, 2, peer_name);
  vo_store_bind_text (insert, 3, kind);
  sqlite3_bind_int64 (insert, 4, now_us);
  if (sqlite3_step (insert) != SQLITE_DONE) {
    store_fail (self, error);
    return NULL;
  }
  *created = sqlite3_changes (self->db) > 0;

  select = store_stmt (self, STMT_CONVERSATION_BY_PEER, error);
  if (!select)
    return NULL;
  vo_store_bind_text (select, 1, peer);
  row = conversation_fetch (self, select, &found, &local_error);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!found)
    store_fail (self, error);
  return row;
}

GPtrArray *
vo_message_store_list_conversations (VoMessageStore *self, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  stmt = store_stmt (self, STMT_CONVERSATION_LIST, error);
  if (!stmt)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_conversation_row_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, conversation_from_stmt (stmt));
  if (rc != SQLITE_DONE) {
    store_fail (self, error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

VoConversationRow *
vo_message_store_get_conversation (VoMessageStore *self, gint64 id, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  VoConversationRow *row;
  gboolean found;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  stmt = store_stmt (self, STMT_CONVERSATION_GET, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  row = conversation_fetch (self, stmt, &found, &local_error);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!found)
    set_conversation_not_found (error, id);
  return row;
}

gboolean
vo_message_store_set_peer_name (VoMessageStore *self, gint64 id, const char *name,
                                GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), FALSE);

  stmt = store_stmt (self, STMT_CONVERSATION_NAME, error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  vo_store_bind_text (stmt, 2, name);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

gboolean
vo_message_store_delete_conversation (VoMessageStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), FALSE);

  if (!vo_message_store_begin (self, error))
    return FALSE;
  /* Messages first, explicitly: the full-text index follows by trigger. */
  if (!store_run (self, STMT_CONVERSATION_DELETE_MESSAGES, id, error) ||
      !store_run (self, STMT_CONVERSATION_DELETE, id, error)) {
    vo_message_store_rollback (self);
    return FALSE;
  }
  if (sqlite3_changes (self->db) == 0) {
    vo_message_store_rollback (self);
    set_conversation_not_found (error, id);
    return FALSE;
  }
  if (!vo_message_store_commit (self, error)) {
    vo_message_store_rollback (self);
    return FALSE;
  }
  return TRUE;
}

/* ---- messages ------------------------------------------------------------ */

/* The current row of a statement that selects MESSAGE_COLUMNS. */
static VoMessageRow *
message_from_stmt (sqlite3_stmt *stmt)
{
  VoMessageRow *row = g_new0 (VoMessageRow, 1);

  row->id = sqlite3_column_int64 (stmt, 0);
  row->uuid = vo_store_column_text (stmt, 1);
  row->conversation_id = sqlite3_column_int64 (stmt, 2);
  row->direction = vo_store_column_text (stmt, 3);
  row->kind = vo_store_column_text (stmt, 4);
  row->text = vo_store_column_text (stmt, 5);
  row->time_us = sqlite3_column_int64 (stmt, 6);
  row->status = vo_store_column_text (stmt, 7);
  row->reason = vo_store_column_text (stmt, 8);
  row->dedup = sqlite3_column_type (stmt, 9) == SQLITE_NULL ? NULL : vo_store_column_text (stmt, 9);
  row->imdn_id = vo_store_column_text (stmt, 10);
  row->imdn_datetime = vo_store_column_text (stmt, 11);
  row->imdn_to = vo_store_column_text (stmt, 12);
  row->notify = sqlite3_column_int (stmt, 13);
  row->notify_due = sqlite3_column_int (stmt, 14);
  row->notify_sent = sqlite3_column_int (stmt, 15);
  return row;
}

gboolean
vo_message_store_insert (VoMessageStore *self, VoMessageRow *row, gboolean *duplicate,
                         GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), FALSE);
  g_return_val_if_fail (row && row->uuid && row->direction && row->kind && row->text, FALSE);

  stmt = store_stmt (self, STMT_MESSAGE_INSERT, error);
  if (!stmt)
    return FALSE;
  vo_store_bind_text (stmt, 1, row->uuid);
  sqlite3_bind_int64 (stmt, 2, row->conversation_id);
  vo_store_bind_text (stmt, 3, row->direction);
  vo_store_bind_text (stmt, 4, row->kind);
  vo_store_bind_text (stmt, 5, row->text);
  sqlite3_bind_int64 (stmt, 6, row->time_us);
  vo_store_bind_text (stmt, 7, row->status);
  vo_store_bind_text (stmt, 8, row->reason);
  if (row->dedup)
    vo_store_bind_text (stmt, 9, row->dedup);
  else
    sqlite3_bind_null (stmt, 9);
  vo_store_bind_text (stmt, 10, row->imdn_id);
  vo_store_bind_text (stmt, 11, row->imdn_datetime);
  vo_store_bind_text (stmt, 12, row->imdn_to);
  sqlite3_bind_int (stmt, 13, row->notify);
  sqlite3_bind_int (stmt, 14, row->notify_due);
  sqlite3_bind_int (stmt, 15, row->notify_sent);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  /* OR IGNORE: a UNIQUE clash is a copy of a stored message (dedup; a
   * random uuid never clashes), reported rather than failed. */
  *duplicate = sqlite3_changes (self->db) == 0;
  if (!*duplicate)
    row->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static VoMessageRow *
message_fetch (VoMessageStore *self, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return message_from_stmt (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
                 "No message has the id '%s'; it may have been deleted with its conversation",
                 what);
  else
    store_fail (self, error);
  return NULL;
}

VoMessageRow *
vo_message_store_get (VoMessageStore *self, const char *uuid, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  stmt = store_stmt (self, STMT_MESSAGE_GET, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, uuid);
  return message_fetch (self, stmt, uuid, error);
}

VoMessageRow *
vo_message_store_get_by_id (VoMessageStore *self, gint64 id, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  char what[32];

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  stmt = store_stmt (self, STMT_MESSAGE_GET_BY_ID, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  g_snprintf (what, sizeof what, "#%" G_GINT64_FORMAT, id);
  return message_fetch (self, stmt, what, error);
}

gboolean
vo_message_store_set_status (VoMessageStore *self, gint64 id, const char *status,
                             const char *reason, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), FALSE);

  stmt = store_stmt (self, STMT_MESSAGE_STATUS, error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  vo_store_bind_text (stmt, 2, status);
  vo_store_bind_text (stmt, 3, reason);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

gboolean
vo_message_store_add_notify_sent (VoMessageStore *self, gint64 id, int bits, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), FALSE);

  stmt = store_stmt (self, STMT_MESSAGE_NOTIFY_SENT, error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, bits);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

/* The first column of every row of @which (?1 = @id when @id > 0). */
static GArray *
store_list_ids (VoMessageStore *self, Stmt which, gint64 id, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, which, error);
  g_autoptr(GArray) ids = NULL;
  int rc;

  if (!stmt)
    return NULL;
  if (id > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    gint64 value = sqlite3_column_int64 (stmt, 0);

    g_array_append_val (ids, value);
  }
  if (rc != SQLITE_DONE) {
    store_fail (self, error);
    return NULL;
  }
  return g_steal_pointer (&ids);
}

GArray *
vo_message_store_list_outbox (VoMessageStore *self, GError **error)
{
  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);
  return store_list_ids (self, STMT_OUTBOX, 0, error);
}

GArray *
vo_message_store_list_receipts (VoMessageStore *self, GError **error)
{
  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);
  return store_list_ids (self, STMT_RECEIPTS, 0, error);
}

GArray *
vo_message_store_mark_read (VoMessageStore *self, gint64 conversation_id, GError **error)
{
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  if (!vo_message_store_begin (self, error))
    return NULL;
  ids = store_list_ids (self, STMT_UNREAD_IDS, conversation_id, error);
  for (guint i = 0; ids && i < ids->len; i++) {
    if (!store_run (self, STMT_MARK_READ, g_array_index (ids, gint64, i), error))
      g_clear_pointer (&ids, g_array_unref);
  }
  if (!ids || !vo_message_store_commit (self, error)) {
    vo_message_store_rollback (self);
    return NULL;
  }
  return g_steal_pointer (&ids);
}

/* Every row of a statement that selects MESSAGE_COLUMNS. */
static GPtrArray *
store_list_messages (VoMessageStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_message_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, message_from_stmt (stmt));
  if (rc != SQLITE_DONE) {
    store_fail (self, error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

GPtrArray *
vo_message_store_page (VoMessageStore *self, gint64 conversation_id, gint64 before_us,
                       gint64 before_id, guint limit, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  stmt = store_stmt (self, STMT_PAGE, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, before_us);
  sqlite3_bind_int64 (stmt, 3, before_id);
  sqlite3_bind_int64 (stmt, 4, limit);
  return store_list_messages (self, stmt, error);
}

/* Whether @word has a letter or digit: the tokenizer drops everything else. */
static gboolean
word_has_token (const char *word)
{
  for (const char *p = word; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

char *
vo_message_store_fts_query (const char *query)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *last = NULL;

  if (!query || !g_utf8_validate (query, -1, NULL))
    return NULL;
  words = g_strsplit_set (query, " \t\r\n\f\v", -1);
  for (guint i = 0; words[i]; i++)
    if (word_has_token (words[i]))
      last = words[i];
  if (!last)
    return NULL;

  for (guint i = 0; words[i]; i++) {
    if (!word_has_token (words[i]))
      continue;
    if (out->len)
      g_string_append_c (out, ' ');
    /* A "string" is never FTS5 syntax; a quote inside is doubled. */
    g_string_append_c (out, '"');
    for (const char *p = words[i]; *p; p++) {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
    g_string_append_c (out, '"');
    if (words[i] == last)
      g_string_append_c (out, '*');
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GPtrArray *
vo_message_store_search (VoMessageStore *self, const char *query, guint offset, guint limit,
                         GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  g_autofree char *expression = NULL;

  g_return_val_if_fail (VO_IS_MESSAGE_STORE (self), NULL);

  expression = vo_message_store_fts_query (query);
  if (!expression)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) vo_message_row_free);
  stmt = store_stmt (self, STMT_SEARCH, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, expression);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  return store_list_messages (self, stmt, error);
}
