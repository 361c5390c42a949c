/* vo-store.h: the SQLite database (WAL) and its schema migrations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define VO_TYPE_STORE (vo_store_get_type ())
G_DECLARE_FINAL_TYPE (VoStore, vo_store, VO, STORE, GObject)

/* How long a query waits for another program's lock before failing. */
#define VO_STORE_BUSY_TIMEOUT_MS 100

/* Opens (creating if needed) the database at @path and migrates it to the
 * newest schema. Each migration step runs in its own transaction. */
VoStore *vo_store_open (const char *path, GError **error);

/* The schema version this build writes (PRAGMA user_version). */
guint vo_store_latest_version (void);
guint vo_store_get_version (VoStore *self);
sqlite3 *vo_store_get_db (VoStore *self);

/* Helpers for the table modules (vo-history-store, vo-message-store). */

/* *@slot, prepared from @sql on first use and kept (SQLITE_PREPARE_PERSISTENT). */
sqlite3_stmt *vo_store_prepare (VoStore *self, sqlite3_stmt **slot, const char *sql,
                                const char *what, GError **error);
/* Sets VO_ERROR_FAILED "@what in PATH: sqlite's last error", or VO_ERROR_BUSY
 * when another program holds the database locked; returns FALSE. */
gboolean vo_store_fail (VoStore *self, const char *what, GError **error);
gboolean vo_store_exec (VoStore *self, const char *sql, const char *what, GError **error);
/* NULL binds and reads as "". */
void vo_store_bind_text (sqlite3_stmt *stmt, int index, const char *text);
char *vo_store_column_text (sqlite3_stmt *stmt, int index);

/* A cached statement in use: reset and unbound when it goes out of scope
 * (g_autoptr(VoStoreStmt)). */
typedef sqlite3_stmt VoStoreStmt;
void vo_store_stmt_release (VoStoreStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoStoreStmt, vo_store_stmt_release)
const char *vo_store_get_path (VoStore *self);

G_END_DECLS
