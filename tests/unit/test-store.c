/* test-store.c: the SQLite store opens, migrates and keeps data.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-store.h"
#include "vo-store-schema.h"

#include <glib/gstdio.h>

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("vo-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "sub", "vo.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_new_database (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoStore) store = vo_store_open (f->path, &error);
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_cmpuint (vo_store_get_version (store), ==, vo_store_latest_version ());
  g_assert_cmpint (query_int (vo_store_get_db (store), "PRAGMA user_version"), ==,
                   vo_store_latest_version ());
  /* WAL so readers never block the writer and a crash loses no commit. */
  g_assert_cmpint (query_int (vo_store_get_db (store),
                              "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), ==, 1);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* A database written by an older vo-daemon (schema 1, with a row) is brought
 * to the newest schema and keeps its row. */
static void
test_migrates_older_schema (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, vo_store_migrations[0], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO call_history (uuid, direction, remote_uri, start_us)"
                                 " VALUES ('c1', 'incoming', 'sip:bob@example.com', 42);"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = vo_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vo_store_get_version (store), ==, vo_store_latest_version ());
  db = vo_store_get_db (store);
  g_assert_cmpint (query_int (db, "SELECT start_us FROM call_history WHERE uuid = 'c1'"), ==, 42);
  /* Schema 2 added contact_id with a default for old rows. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM call_history WHERE contact_id = ''"), ==,
                   1);
  /* Schema 3: the history list indexes. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                  "name IN ('call_history_start', 'call_history_missed_start', "
                                  "'call_history_direction_start')"), ==, 3);
}

/* History pages of every kind come from an index in the promised order
 * (start DESC, id DESC) without a sort step, so a page costs the same with a
 * million rows as with ten. */
static void
test_history_pages_need_no_sort (Fixture *f, gconstpointer data)
{
  const char *const wheres[] = { "", "missed = 1 AND ", "direction = 'incoming' AND " };
  g_autoptr(GError) error = NULL;
  g_autoptr(VoStore) store = vo_store_open (f->path, &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (wheres); i++) {
    g_autofree char *sql = g_strdup_printf ("EXPLAIN QUERY PLAN SELECT id FROM call_history "
                                            "WHERE %sstart_us >= 0 ORDER BY start_us DESC, id "
                                            "DESC LIMIT 50",
                                            wheres[i]);
    sqlite3_stmt *stmt = NULL;
    g_autoptr(GString) plan = g_string_new (NULL);

    g_assert_cmpint (sqlite3_prepare_v2 (vo_store_get_db (store), sql, -1, &stmt, NULL), ==,
                     SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_string_append_printf (plan, "%s; ", sqlite3_column_text (stmt, 3));
    sqlite3_finalize (stmt);
    g_test_message ("%s: %s", sql, plan->str);
    g_assert_nonnull (strstr (plan->str, "USING COVERING INDEX"));
    g_assert_null (strstr (plan->str, "TEMP B-TREE"));
  }
}

static void
test_reopen_is_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  VoStore *store = vo_store_open (f->path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (vo_store_get_db (store),
                                 "INSERT INTO call_history (uuid, direction, remote_uri, start_us)"
                                 " VALUES ('c2', 'outgoing', 'sip:carol@example.com', 7);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_object_unref (store);

  store = vo_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (vo_store_get_db (store), "SELECT count(*) FROM call_history"), ==,
                   1);
  g_object_unref (store);
}

static void
test_refuses_newer_schema (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999;", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  store = vo_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "newer than this vo-daemon"));
}

static void
test_unwritable_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoStore) store = vo_store_open ("/proc/vo-test/vo.db", &error);

  g_assert_null (store);
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/new-database", Fixture, NULL, fixture_set_up, test_new_database,
              fixture_tear_down);
  g_test_add ("/store/migrates-older-schema", Fixture, NULL, fixture_set_up,
              test_migrates_older_schema, fixture_tear_down);
  g_test_add ("/store/reopen", Fixture, NULL, fixture_set_up, test_reopen_is_idempotent,
              fixture_tear_down);
  g_test_add ("/store/history-pages-need-no-sort", Fixture, NULL, fixture_set_up,
              test_history_pages_need_no_sort, fixture_tear_down);
  g_test_add ("/store/refuses-newer-schema", Fixture, NULL, fixture_set_up,
              test_refuses_newer_schema, fixture_tear_down);
  g_test_add_func ("/store/unwritable-folder", test_unwritable_folder);
  return g_test_run ();
}
