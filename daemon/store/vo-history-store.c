/* vo-history-store.c: call_history rows in and out, with cached prepared
 * statements and every value bound as a parameter.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-store"

#include "vo-history-store.h"
#include "vo-error.h"

#define COLUMNS                                                                                 \
  "uuid, direction, remote_uri, number, name, contact_id, start_us, answer_us, end_us, reason, " \
  "missed, seen"

/* A page is picked from a covering index first (the inner SELECT reads only
 * the index, so even a large OFFSET skips index entries, not table rows), then
 * its rows are fetched by id. Scanning an ascending (…, start_us) index
 * backwards yields start_us DESC, id DESC: the rowid is every index's last
 * column, so the tie-break needs no sort. */
#define PAGE_SQL(where)                                                                       \
  "SELECT " COLUMNS " FROM call_history WHERE id IN ("                                        \
  "SELECT id FROM call_history WHERE " where "start_us >= ?1 "                                \
  "ORDER BY start_us DESC, id DESC LIMIT ?2 OFFSET ?3) "                                      \
  "ORDER BY start_us DESC, id DESC"

typedef enum {
  STMT_LIST_ALL,
  STMT_LIST_MISSED,
  STMT_LIST_INCOMING,
  STMT_LIST_OUTGOING,
  STMT_INSERT,
  STMT_GET,
  STMT_MARK_SEEN,
  STMT_DELETE,
  STMT_COUNT_UNSEEN_MISSED,
  N_STMTS
} Stmt;

/* STMT_LIST_ALL + kind is the page statement of a VoHistoryStoreKind. */
G_STATIC_ASSERT (STMT_LIST_ALL + VO_HISTORY_STORE_MISSED == STMT_LIST_MISSED);
G_STATIC_ASSERT (STMT_LIST_ALL + VO_HISTORY_STORE_INCOMING == STMT_LIST_INCOMING);
G_STATIC_ASSERT (STMT_LIST_ALL + VO_HISTORY_STORE_OUTGOING == STMT_LIST_OUTGOING);

static const char *const stmt_sql[N_STMTS] = {
  [STMT_LIST_ALL] = PAGE_SQL (""),
  [STMT_LIST_MISSED] = PAGE_SQL ("missed = 1 AND "),
  [STMT_LIST_INCOMING] = PAGE_SQL ("direction = 'incoming' AND "),
  [STMT_LIST_OUTGOING] = PAGE_SQL ("direction = 'outgoing' AND "),
  [STMT_INSERT] = "INSERT INTO call_history (" COLUMNS ") "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
  [STMT_GET] = "SELECT " COLUMNS " FROM call_history WHERE uuid = ?1",
  [STMT_MARK_SEEN] = "UPDATE call_history SET seen = 1 WHERE uuid = ?1",
  [STMT_DELETE] = "DELETE FROM call_history WHERE uuid = ?1",
  [STMT_COUNT_UNSEEN_MISSED] = "SELECT count(*) FROM call_history WHERE missed = 1 AND seen = 0",
};

struct _VoHistoryStore {
  GObject parent_instance;
  VoStore *store;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
};

G_DEFINE_FINAL_TYPE (VoHistoryStore, vo_history_store, G_TYPE_OBJECT)


void
vo_history_row_free (VoHistoryRow *row)
{
  if (!row)
    return;
  g_free (row->id);
  g_free (row->direction);
  g_free (row->remote_uri);
  g_free (row->number);
  g_free (row->name);
  g_free (row->contact_id);
  g_free (row->reason);
  g_free (row);
}

static void
vo_history_store_finalize (GObject *object)
{
  VoHistoryStore *self = VO_HISTORY_STORE (object);

  /* Before the store: its connection closes only once these are gone. */
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (vo_history_store_parent_class)->finalize (object);
}

static void
vo_history_store_class_init (VoHistoryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vo_history_store_finalize;
}

static void
vo_history_store_init (VoHistoryStore *self)
{
}

VoHistoryStore *
vo_history_store_new (VoStore *store)
{
  VoHistoryStore *self = g_object_new (VO_TYPE_HISTORY_STORE, NULL);

  self->store = g_object_ref (store);
  self->db = vo_store_get_db (store);
  return self;
}

static gboolean
history_fail (VoHistoryStore *self, GError **error)
{
  return vo_store_fail (self->store, "Call history", error);
}

static VoStoreStmt *
history_stmt (VoHistoryStore *self, Stmt which, GError **error)
{
  return vo_store_prepare (self->store, &self->stmts[which], stmt_sql[which], "Call history",
                           error);
}

static gboolean
history_exec (VoHistoryStore *self, const char *sql, GError **error)
{
  return vo_store_exec (self->store, sql, "Call history", error);
}

/* The current row of a statement that selects COLUMNS. */
static VoHistoryRow *
row_from_stmt (sqlite3_stmt *stmt)
{
  VoHistoryRow *row = g_new0 (VoHistoryRow, 1);

  row->id = vo_store_column_text (stmt, 0);
  row->direction = vo_store_column_text (stmt, 1);
  row->remote_uri = vo_store_column_text (stmt, 2);
  row->number = vo_store_column_text (stmt, 3);
  row->name = vo_store_column_text (stmt, 4);
  row->contact_id = vo_store_column_text (stmt, 5);
  row->start_us = sqlite3_column_int64 (stmt, 6);
  row->answer_us = sqlite3_column_int64 (stmt, 7);
  row->end_us = sqlite3_column_int64 (stmt, 8);
  row->reason = vo_store_column_text (stmt, 9);
  row->missed = sqlite3_column_int (stmt, 10) != 0;
  row->seen = sqlite3_column_int (stmt, 11) != 0;
  return row;
}

gboolean
vo_history_store_insert (VoHistoryStore *self, const VoHistoryRow *row, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (row && row->id && row->direction, FALSE);

  stmt = history_stmt (self, STMT_INSERT, error);
  if (!stmt)
    return FALSE;
  vo_store_bind_text (stmt, 1, row->id);
  vo_store_bind_text (stmt, 2, row->direction);
  vo_store_bind_text (stmt, 3, row->remote_uri);
  vo_store_bind_text (stmt, 4, row->number);
  vo_store_bind_text (stmt, 5, row->name);
  vo_store_bind_text (stmt, 6, row->contact_id);
  sqlite3_bind_int64 (stmt, 7, row->start_us);
  sqlite3_bind_int64 (stmt, 8, row->answer_us);
  sqlite3_bind_int64 (stmt, 9, row->end_us);
  vo_store_bind_text (stmt, 10, row->reason);
  sqlite3_bind_int (stmt, 11, row->missed ? 1 : 0);
  sqlite3_bind_int (stmt, 12, row->seen ? 1 : 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return history_fail (self, error);
  return TRUE;
}

GPtrArray *
vo_history_store_list (VoHistoryStore *self, VoHistoryStoreKind kind, gint64 since,
                       guint offset, guint limit, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  g_return_val_if_fail (VO_IS_HISTORY_STORE (self), NULL);
  g_return_val_if_fail (kind < VO_HISTORY_STORE_N_KINDS, NULL);

  stmt = history_stmt (self, STMT_LIST_ALL + kind, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_history_row_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_from_stmt (stmt));
  if (rc != SQLITE_DONE) {
    history_fail (self, error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

static void
set_not_found (GError **error, const char *id)
{
  g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND,
               "No call history entry has the id '%s'; it may have been deleted "
               "(List gives the current ids)",
               id);
}

VoHistoryRow *
vo_history_store_get (VoHistoryStore *self, const char *id, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VO_IS_HISTORY_STORE (self), NULL);
  g_return_val_if_fail (id, NULL);

  stmt = history_stmt (self, STMT_GET, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return row_from_stmt (stmt);
  if (rc == SQLITE_DONE)
    set_not_found (error, id);
  else
    history_fail (self, error);
  return NULL;
}

/* Runs @which (binding ?1 = id) for each distinct id inside one transaction;
 * an id that matches no row rolls everything back. */
static gboolean
history_apply_each (VoHistoryStore *self, Stmt which, const char *const *ids, GError **error)
{
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;

  if (!ids || !ids[0])
    return TRUE;
  stmt = history_stmt (self, which, error);
  if (!stmt)
    return FALSE;
  if (!history_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; ids[i]; i++) {
    gboolean ok = TRUE;

    if (!g_hash_table_add (done, (gpointer) ids[i]))
      continue;
    vo_store_bind_text (stmt, 1, ids[i]);
    if (sqlite3_step (stmt) != SQLITE_DONE)
      ok = history_fail (self, error);
    else if (sqlite3_changes (self->db) == 0) {
      set_not_found (error, ids[i]);
      ok = FALSE;
    }
    vo_store_stmt_release (stmt);
    if (!ok) {
      history_exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  }
  if (!history_exec (self, "COMMIT", error)) {
    history_exec (self, "ROLLBACK", NULL);
    return FALSE;
  }
  return TRUE;
}

gboolean
vo_history_store_mark_seen (VoHistoryStore *self, const char *const *ids, GError **error)
{
  g_return_val_if_fail (VO_IS_HISTORY_STORE (self), FALSE);
  return history_apply_each (self, STMT_MARK_SEEN, ids, error);
}

gboolean
vo_history_store_delete (VoHistoryStore *self, const char *const *ids, GError **error)
{
  g_return_val_if_fail (VO_IS_HISTORY_STORE (self), FALSE);
  return history_apply_each (self, STMT_DELETE, ids, error);
}

gboolean
vo_history_store_count_unseen_missed (VoHistoryStore *self, guint *count, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_HISTORY_STORE (self), FALSE);

  stmt = history_stmt (self, STMT_COUNT_UNSEEN_MISSED, error);
  if (!stmt)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return history_fail (self, error);
  *count = (guint) MIN (sqlite3_column_int64 (stmt, 0), (sqlite3_int64) G_MAXUINT);
  return TRUE;
}
