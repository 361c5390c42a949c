/* vo-store.c: opens the SQLite database and keeps its schema current.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-store"

#include "vo-store.h"
#include "vo-store-schema.h"
#include "vo-error.h"

#include <glib/gstdio.h>

struct _VoStore {
  GObject parent_instance;
  sqlite3 *db;
  char *path;
  guint version;
};

G_DEFINE_FINAL_TYPE (VoStore, vo_store, G_TYPE_OBJECT)

static void
vo_store_finalize (GObject *object)
{
  VoStore *self = VO_STORE (object);

  if (self->db)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  G_OBJECT_CLASS (vo_store_parent_class)->finalize (object);
}

static void
vo_store_class_init (VoStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vo_store_finalize;
}

static void
vo_store_init (VoStore *self)
{
}

static gboolean
store_exec (VoStore *self, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Database %s: %s", self->path,
                 msg ? msg : sqlite3_errmsg (self->db));
    sqlite3_free (msg);
    return FALSE;
  }
  return TRUE;
}

static guint
store_read_version (VoStore *self)
{
  sqlite3_stmt *stmt = NULL;
  guint version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
store_migrate (VoStore *self, GError **error)
{
  guint version = store_read_version (self);

  if (version > vo_store_n_migrations) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED,
                 "Database %s has schema version %u, newer than this vo-daemon knows (%u); "
                 "run a newer vo-daemon or move the file away",
                 self->path, version, vo_store_n_migrations);
    return FALSE;
  }

  for (; version < vo_store_n_migrations; version++) {
    g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u;", version + 1);

    /* One transaction per step: a crash mid-way leaves the previous version. */
    if (!store_exec (self, "BEGIN IMMEDIATE;", error))
      return FALSE;
    if (!store_exec (self, vo_store_migrations[version], error) ||
        !store_exec (self, bump, error)) {
      store_exec (self, "ROLLBACK;", NULL);
      g_prefix_error (error, "Migrating to schema %u: ", version + 1);
      return FALSE;
    }
    if (!store_exec (self, "COMMIT;", error))
      return FALSE;
    g_debug ("Database migrated to schema %u", version + 1);
  }
  self->version = version;
  return TRUE;
}

VoStore *
vo_store_open (const char *path, GError **error)
{
  g_autoptr(VoStore) self = g_object_new (VO_TYPE_STORE, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  self->path = g_strdup (path);
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create data folder %s: %s", dir,
                 g_strerror (errno));
    return NULL;
  }
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot open database %s: %s", path,
                 self->db ? sqlite3_errmsg (self->db) : "out of memory");
    return NULL;
  }
  g_chmod (path, 0600);
  /* Opening comes before the main loop: there waiting a while for a lock
   * blocks nobody and may spare a failed start. */
  sqlite3_busy_timeout (self->db, 5000);
  /* WAL + synchronous=FULL: a commit is on disk when it returns, so a daemon
   * killed right after loses nothing it has acknowledged. */
  if (!store_exec (self, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                         "PRAGMA foreign_keys=ON;", error))
    return NULL;
  if (!store_migrate (self, error))
    return NULL;
  /* From here on short: every query runs on the main loop, which must keep
   * answering D-Bus while another program holds the database locked. A
   * write that still finds it locked fails with VO_ERROR_BUSY and its
   * caller tries again later (see vo-message-manager's send queue). */
  sqlite3_busy_timeout (self->db, VO_STORE_BUSY_TIMEOUT_MS);
  return g_steal_pointer (&self);
}

guint
vo_store_latest_version (void)
{
  return vo_store_n_migrations;
}

guint
vo_store_get_version (VoStore *self)
{
  g_return_val_if_fail (VO_IS_STORE (self), 0);
  return self->version;
}

sqlite3 *
vo_store_get_db (VoStore *self)
{
  g_return_val_if_fail (VO_IS_STORE (self), NULL);
  return self->db;
}

const char *
vo_store_get_path (VoStore *self)
{
  g_return_val_if_fail (VO_IS_STORE (self), NULL);
  return self->path;
}

sqlite3_stmt *
vo_store_prepare (VoStore *self, sqlite3_stmt **slot, const char *sql, const char *what,
                  GError **error)
{
  if (!*slot && sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) !=
                  SQLITE_OK) {
    vo_store_fail (self, what, error);
    return NULL;
  }
  return *slot;
}

gboolean
vo_store_fail (VoStore *self, const char *what, GError **error)
{
  int code = sqlite3_errcode (self->db);

  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    g_set_error (error, VO_ERROR, VO_ERROR_BUSY,
                 "%s in %s: another program holds the database locked; close it "
                 "(e.g. an open sqlite3 shell)", what, self->path);
    return FALSE;
  }
  g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "%s in %s: %s", what, self->path,
               sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
vo_store_exec (VoStore *self, const char *sql, const char *what, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vo_store_fail (self, what, error);
  return TRUE;
}

void
vo_store_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  sqlite3_bind_text (stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

char *
vo_store_column_text (sqlite3_stmt *stmt, int index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return g_strdup (text ? (const char *) text : "");
}

void
vo_store_stmt_release (VoStoreStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}
