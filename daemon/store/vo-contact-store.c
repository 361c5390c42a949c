/* vo-contact-store.c: contacts rows, their Resolve keys, their full-text
 * index, favorites and sync state in SQLite, with cached prepared
 * statements and every value bound as a parameter (user text reaches FTS5
 * only as quoted strings). The rows' text rules are in vo-contact-row.c
 * and vo-contact-text.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-store"

#include "vo-contact-store-private.h"
#include "vo-error.h"

/* The columns contacts_fts indexes, in its order. */
#define INDEXED_COLUMNS "name, company, department, extension, emails, terms"
#define N_INDEXED 6

#define CONTACT_COLUMNS                                                                       \
  "c.id, c.source, c.name, c.company, c.department, c.extension, c.numbers, c.uris, "       \
  "c.emails, c.photo, c.photo_etag, c.note, c.changed_us, "                                 \
  "EXISTS (SELECT 1 FROM contact_favorites f WHERE f.id = c.id AND f.favorite = 1)"

/* Lists and searches bind ?1 = source (used by the _SOURCE forms), ?2 =
 * limit, ?3 = offset and, for searches, ?4 = the FTS5 expression. Each
 * filter has its own statement so each is planned on its own index. */
#define PAGE " LIMIT ?2 OFFSET ?3"
#define JOIN_FAVORITES " JOIN contact_favorites fav ON fav.id = c.id AND fav.favorite = 1"
#define BY_NAME " ORDER BY c.sort_key, c.id"
#define SEARCH_FROM                                                                           \
  "SELECT " CONTACT_COLUMNS " FROM contacts_fts JOIN contacts c ON c.rowid = contacts_fts.rowid"
#define SEARCH_WHERE " WHERE contacts_fts MATCH ?4"
#define BY_RANK " ORDER BY contacts_fts.rank, c.sort_key, c.id"

typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_INDEXED,
  STMT_INSERT,
  STMT_UPDATE,
  STMT_FTS_INSERT,
  STMT_FTS_DELETE,
  STMT_KEYS_CLEAR,
  STMT_KEY_INSERT,
  STMT_DELETE,
  STMT_FTS_DELETE_SOURCE,
  STMT_KEYS_DELETE_SOURCE,
  STMT_DELETE_SOURCE,
  STMT_GET,
  STMT_IDS,
  STMT_LIST_ALL,
  STMT_LIST_SOURCE,
  STMT_LIST_FAVORITES,
  STMT_SEARCH_ALL,
  STMT_SEARCH_SOURCE,
  STMT_SEARCH_FAVORITES,
  STMT_FIND_KEY,
  STMT_FAVORITE_SET,
  STMT_FAVORITE_LIST,
  STMT_FAVORITE_MARK_STALE,
  STMT_FAVORITE_CONFIRM,
  STMT_FAVORITE_DROP_STALE,
  STMT_FAVORITE_UNSYNCED,
  STMT_STATE_GET,
  STMT_STATE_SET,
  STMT_STATE_UNSET,
  N_STMTS
} Stmt;

/* The next favorite goes after every other one. */
#define NEXT_POSITION "(SELECT coalesce(max(position), 0) + 1 FROM contact_favorites)"

static const char *const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  /* What the full-text index holds for a row: the 'delete' command
   * needs exactly that (the index is external-content). */
  [STMT_INDEXED] = "SELECT rowid, " INDEXED_COLUMNS " FROM contacts WHERE id = ?1",
  /* Both bind ?1 = id, then the row's columns in the same order. */
  [STMT_INSERT] = "INSERT INTO contacts (id, source, name, sort_key, company, department, "
                  "extension, numbers, uris, emails, terms, photo, photo_etag, note, changed_us) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
  [STMT_UPDATE] = "UPDATE contacts SET source = ?2, name = ?3, sort_key = ?4, company = ?5, "
                  "department = ?6, extension = ?7, numbers = ?8, uris = ?9, emails = ?10, "
                  "terms = ?11, photo = ?12, photo_etag = ?13, note = ?14, changed_us = ?15 "
                  "WHERE id = ?1",
  [STMT_FTS_INSERT] = "INSERT INTO contacts_fts (rowid, " INDEXED_COLUMNS ") "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_FTS_DELETE] = "INSERT INTO contacts_fts (contacts_fts, rowid, " INDEXED_COLUMNS ") "
                      "VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_KEYS_CLEAR] = "DELETE FROM contact_keys WHERE contact_id = ?1",
  [STMT_KEY_INSERT] = "INSERT OR IGNORE INTO contact_keys (key, contact_id) VALUES (?1, ?2)",
  [STMT_DELETE] = "DELETE FROM contacts WHERE id = ?1",
  [STMT_FTS_DELETE_SOURCE] = "INSERT INTO contacts_fts (contacts_fts, rowid, " INDEXED_COLUMNS
                             ") SELECT 'delete', rowid, " INDEXED_COLUMNS
                             " FROM contacts WHERE source = ?1",
  [STMT_KEYS_DELETE_SOURCE] = "DELETE FROM contact_keys WHERE contact_id IN "
                              "(SELECT id FROM contacts WHERE source = ?1)",
  [STMT_DELETE_SOURCE] = "DELETE FROM contacts WHERE source = ?1",
  [STMT_GET] = "SELECT " CONTACT_COLUMNS " FROM contacts c WHERE c.id = ?1",
  [STMT_IDS] = "SELECT id FROM contacts WHERE source = ?1 ORDER BY id",
  [STMT_LIST_ALL] = "SELECT " CONTACT_COLUMNS " FROM contacts c" BY_NAME PAGE,
  [STMT_LIST_SOURCE] = "SELECT " CONTACT_COLUMNS " FROM contacts c WHERE c.source = ?1" BY_NAME
                       PAGE,
  [STMT_LIST_FAVORITES] = "SELECT " CONTACT_COLUMNS " FROM contacts c" JOIN_FAVORITES BY_NAME PAGE,
  [STMT_SEARCH_ALL] = SEARCH_FROM SEARCH_WHERE BY_RANK PAGE,
  [STMT_SEARCH_SOURCE] = SEARCH_FROM SEARCH_WHERE " AND c.source = ?1" BY_RANK PAGE,
  [STMT_SEARCH_FAVORITES] = SEARCH_FROM JOIN_FAVORITES SEARCH_WHERE BY_RANK PAGE,
  [STMT_FIND_KEY] = "SELECT " CONTACT_COLUMNS " FROM contact_keys k "
                    "JOIN contacts c ON c.id = k.contact_id WHERE k.key = ?1 "
                    "ORDER BY CASE c.source WHEN 'personal' THEN 0 WHEN 'company' THEN 1 "
                    "WHEN 'device' THEN 2 ELSE 3 END, c.id",
  /* A mark that changes state goes to the end of the order; one that
   * stays keeps its place. */
  [STMT_FAVORITE_SET] = "INSERT INTO contact_favorites (id, favorite, synced, position) "
                        "VALUES (?1, ?2, ?3, " NEXT_POSITION ") "
                        "ON CONFLICT (id) DO UPDATE SET favorite = excluded.favorite, "
                        "synced = excluded.synced, position = CASE WHEN favorite = "
                        "excluded.favorite THEN position ELSE excluded.position END",
  [STMT_FAVORITE_LIST] = "SELECT id FROM contact_favorites WHERE favorite = 1 "
                         "ORDER BY position, id",
  /* replace_favorites: synced marks become stale (2), the service's list
   * confirms them again (an unsynced change stays as it is), the rest go. */
  [STMT_FAVORITE_MARK_STALE] = "UPDATE contact_favorites SET synced = 2 WHERE synced = 1",
  [STMT_FAVORITE_CONFIRM] = "INSERT INTO contact_favorites (id, favorite, synced, position) "
                            "VALUES (?1, 1, 1, " NEXT_POSITION ") "
                            "ON CONFLICT (id) DO UPDATE SET favorite = 1, synced = 1, "
                            "position = CASE WHEN favorite = 1 THEN position "
                            "ELSE excluded.position END WHERE synced = 2",
  [STMT_FAVORITE_DROP_STALE] = "DELETE FROM contact_favorites WHERE synced = 2",
  [STMT_FAVORITE_UNSYNCED] = "SELECT id, favorite FROM contact_favorites WHERE synced = 0 "
                             "ORDER BY position, id",
  [STMT_STATE_GET] = "SELECT value FROM contact_state WHERE key = ?1",
  [STMT_STATE_SET] = "INSERT INTO contact_state (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  [STMT_STATE_UNSET] = "DELETE FROM contact_state WHERE key = ?1",
};

struct _VoContactStore {
  GObject parent_instance;
  VoStore *store;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
};

G_DEFINE_FINAL_TYPE (VoContactStore, vo_contact_store, G_TYPE_OBJECT)

/* ---- the object ---------------------------------------------------------- */

static void
vo_contact_store_finalize (GObject *object)
{
  VoContactStore *self = VO_CONTACT_STORE (object);

  /* Before the store: its connection closes only once these are gone. */
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (vo_contact_store_parent_class)->finalize (object);
}

static void
vo_contact_store_class_init (VoContactStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vo_contact_store_finalize;
}

static void
vo_contact_store_init (VoContactStore *self)
{
}

VoContactStore *
vo_contact_store_new (VoStore *store)
{
  VoContactStore *self = g_object_new (VO_TYPE_CONTACT_STORE, NULL);

  self->store = g_object_ref (store);
  self->db = vo_store_get_db (store);
  return self;
}

static gboolean
store_fail (VoContactStore *self, GError **error)
{
  return vo_store_fail (self->store, "Contacts", error);
}

static VoStoreStmt *
store_stmt (VoContactStore *self, Stmt which, GError **error)
{
  return vo_store_prepare (self->store, &self->stmts[which], stmt_sql[which], "Contacts", error);
}

/* Runs a statement that returns no rows, binding ?1 = @text when given. */
static gboolean
store_run (VoContactStore *self, Stmt which, const char *text, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, which, error);

  if (!stmt)
    return FALSE;
  if (text)
    vo_store_bind_text (stmt, 1, text);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

/* ---- transactions -------------------------------------------------------- */

gboolean
vo_contact_store_begin (VoContactStore *self, GError **error)
{
  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);

  if (!sqlite3_get_autocommit (self->db)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_STATE,
                         "A contacts transaction is already open; commit or roll it back first");
    return FALSE;
  }
  return store_run (self, STMT_BEGIN, NULL, error);
}

gboolean
vo_contact_store_commit (VoContactStore *self, GError **error)
{
  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  return store_run (self, STMT_COMMIT, NULL, error);
}

void
vo_contact_store_rollback (VoContactStore *self)
{
  g_return_if_fail (VO_IS_CONTACT_STORE (self));

  /* The connection knows whether a transaction is open, including one that
   * a failed COMMIT or sqlite itself already ended. */
  if (!sqlite3_get_autocommit (self->db))
    store_run (self, STMT_ROLLBACK, NULL, NULL);
}

/* A write of several statements is all or nothing: in a transaction of
 * its own when the caller holds none (*@own). Inside the caller's it runs
 * as part of that one, which the caller rolls back when a write fails: a
 * savepoint per write would be tidier but makes FTS5 flush its pending
 * terms to disk at every one, which turns a directory sync from a second
 * into a minute. */
static gboolean
write_begin (VoContactStore *self, gboolean *own, GError **error)
{
  *own = sqlite3_get_autocommit (self->db) != 0;
  return !*own || store_run (self, STMT_BEGIN, NULL, error);
}

static gboolean
write_end (VoContactStore *self, gboolean own, gboolean ok, GError **error)
{
  if (!own || (ok && store_run (self, STMT_COMMIT, NULL, error)))
    return ok;
  vo_contact_store_rollback (self);
  return FALSE;
}

/* ---- writing contacts ---------------------------------------------------- */

/* A row's full-text entry: its rowid and the text of INDEXED_COLUMNS. */
typedef struct {
  sqlite3_int64 rowid;
  char *text[N_INDEXED];
} IndexEntry;

static void
index_entry_clear (IndexEntry *entry)
{
  for (guint i = 0; i < N_INDEXED; i++)
    g_free (entry->text[i]);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IndexEntry, index_entry_clear)

static void
set_contact_not_found (GError **error, const char *id)
{
  g_set_error (error, VO_ERROR, VO_ERROR_NOT_FOUND, "There is no contact with the id '%s'", id);
}

/* The entry of the row with @id into *@entry, *@found FALSE when there is
 * no such row. FALSE only when the database fails. */
static gboolean
index_entry_get (VoContactStore *self, const char *id, IndexEntry *entry, gboolean *found,
                 GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, STMT_INDEXED, error);
  int rc;

  if (!stmt)
    return FALSE;
  vo_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE || store_fail (self, error);
  entry->rowid = sqlite3_column_int64 (stmt, 0);
  for (guint i = 0; i < N_INDEXED; i++)
    entry->text[i] = vo_store_column_text (stmt, (int) i + 1);
  return TRUE;
}

static gboolean
index_entry_equal (const IndexEntry *a, const IndexEntry *b)
{
  for (guint i = 0; i < N_INDEXED; i++)
    if (!g_str_equal (a->text[i], b->text[i]))
      return FALSE;
  return TRUE;
}

/* Adds (STMT_FTS_INSERT) or removes (STMT_FTS_DELETE) @entry. */
static gboolean
index_entry_run (VoContactStore *self, Stmt which, const IndexEntry *entry, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, which, error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->rowid);
  for (guint i = 0; i < N_INDEXED; i++)
    vo_store_bind_text (stmt, (int) i + 2, entry->text[i]);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

/* Writes the row (insert or update) with INSERT's/UPDATE's parameters;
 * @entry holds the indexed text, in the order of INDEXED_COLUMNS. */
static gboolean
row_write (VoContactStore *self, Stmt which, const VoContactRow *row, const IndexEntry *entry,
           GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, which, error);
  g_autofree char *sort_key = NULL;
  g_autofree char *numbers = NULL;
  g_autofree char *uris = NULL;

  if (!stmt)
    return FALSE;
  sort_key = vo_contact_sort_key (entry->text[0]);
  numbers = vo_contact_list_join ((const char *const *) row->numbers);
  uris = vo_contact_list_join ((const char *const *) row->uris);
  vo_store_bind_text (stmt, 1, row->id);
  vo_store_bind_text (stmt, 2, row->source);
  vo_store_bind_text (stmt, 3, entry->text[0]);
  vo_store_bind_text (stmt, 4, sort_key);
  vo_store_bind_text (stmt, 5, entry->text[1]);
  vo_store_bind_text (stmt, 6, entry->text[2]);
  vo_store_bind_text (stmt, 7, entry->text[3]);
  vo_store_bind_text (stmt, 8, numbers);
  vo_store_bind_text (stmt, 9, uris);
  vo_store_bind_text (stmt, 10, entry->text[4]);
  vo_store_bind_text (stmt, 11, entry->text[5]);
  vo_store_bind_text (stmt, 12, row->photo);
  vo_store_bind_text (stmt, 13, row->photo_etag);
  vo_store_bind_text (stmt, 14, row->note);
  sqlite3_bind_int64 (stmt, 15, row->changed_us > 0 ? row->changed_us : g_get_real_time ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

/* The row and its index entry; the entry is rewritten only when its text
 * changed (a directory sync mostly rewrites rows as they were). */
static gboolean
put_row (VoContactStore *self, const VoContactRow *row, const char *const *terms,
         GError **error)
{
  g_auto(IndexEntry) old = { 0 };
  g_auto(IndexEntry) entry = { 0 };
  gboolean found;

  entry.text[0] = g_strdup (row->name ? row->name : "");
  entry.text[1] = g_strdup (row->company ? row->company : "");
  entry.text[2] = g_strdup (row->department ? row->department : "");
  entry.text[3] = g_strdup (row->extension ? row->extension : "");
  entry.text[4] = vo_contact_list_join ((const char *const *) row->emails);
  entry.text[5] = vo_contact_index_terms (row->name, terms);
  if (!index_entry_get (self, row->id, &old, &found, error) ||
      !row_write (self, found ? STMT_UPDATE : STMT_INSERT, row, &entry, error))
    return FALSE;
  if (found && index_entry_equal (&old, &entry))
    return TRUE;
  entry.rowid = found ? old.rowid : sqlite3_last_insert_rowid (self->db);
  return (!found || index_entry_run (self, STMT_FTS_DELETE, &old, error)) &&
         index_entry_run (self, STMT_FTS_INSERT, &entry, error);
}

static gboolean
put_keys (VoContactStore *self, const char *id, const char *const *keys, GError **error)
{
  if (!store_run (self, STMT_KEYS_CLEAR, id, error))
    return FALSE;
  for (guint i = 0; keys && keys[i]; i++) {
    g_autoptr(VoStoreStmt) stmt = NULL;

    if (!*keys[i])
      continue;
    stmt = store_stmt (self, STMT_KEY_INSERT, error);
    if (!stmt)
      return FALSE;
    vo_store_bind_text (stmt, 1, keys[i]);
    vo_store_bind_text (stmt, 2, id);
    if (sqlite3_step (stmt) != SQLITE_DONE)
      return store_fail (self, error);
  }
  return TRUE;
}

gboolean
vo_contact_store_put (VoContactStore *self, const VoContactRow *row, const char *const *keys,
                      const char *const *terms, GError **error)
{
  gboolean own;
  gboolean ok;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  if (!vo_contact_row_check (row, keys, terms, error))
    return FALSE;
  if (!write_begin (self, &own, error))
    return FALSE;
  ok = put_row (self, row, terms, error) && put_keys (self, row->id, keys, error);
  return write_end (self, own, ok, error);
}

gboolean
vo_contact_store_delete (VoContactStore *self, const char *id, GError **error)
{
  g_auto(IndexEntry) old = { 0 };
  gboolean found = FALSE;
  gboolean own;
  gboolean ok;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!write_begin (self, &own, error))
    return FALSE;
  ok = index_entry_get (self, id, &old, &found, error);
  if (ok && !found)
    set_contact_not_found (error, id);
  ok = ok && found && index_entry_run (self, STMT_FTS_DELETE, &old, error) &&
       store_run (self, STMT_KEYS_CLEAR, id, error) && store_run (self, STMT_DELETE, id, error);
  return write_end (self, own, ok, error);
}

gboolean
vo_contact_store_delete_source (VoContactStore *self, const char *source, guint *n_deleted,
                                GError **error)
{
  gboolean own;
  gboolean ok;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  if (!write_begin (self, &own, error))
    return FALSE;
  /* The index entries and keys while the rows still say which they are. */
  ok = store_run (self, STMT_FTS_DELETE_SOURCE, source, error) &&
       store_run (self, STMT_KEYS_DELETE_SOURCE, source, error) &&
       store_run (self, STMT_DELETE_SOURCE, source, error);
  if (ok && n_deleted)
    *n_deleted = (guint) sqlite3_changes (self->db);
  return write_end (self, own, ok, error);
}

/* ---- reading contacts ---------------------------------------------------- */

/* A text column as sqlite keeps it (valid until the next step): "" for NULL. */
static const char *
column_text (sqlite3_stmt *stmt, int index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text ? (const char *) text : "";
}

/* The current row of a statement that selects CONTACT_COLUMNS. */
static VoContactRow *
contact_from_stmt (sqlite3_stmt *stmt)
{
  VoContactRow *row = g_new0 (VoContactRow, 1);

  row->id = vo_store_column_text (stmt, 0);
  row->source = vo_store_column_text (stmt, 1);
  row->name = vo_store_column_text (stmt, 2);
  row->company = vo_store_column_text (stmt, 3);
  row->department = vo_store_column_text (stmt, 4);
  row->extension = vo_store_column_text (stmt, 5);
  row->numbers = vo_contact_list_split (column_text (stmt, 6));
  row->uris = vo_contact_list_split (column_text (stmt, 7));
  row->emails = vo_contact_list_split (column_text (stmt, 8));
  row->photo = vo_store_column_text (stmt, 9);
  row->photo_etag = vo_store_column_text (stmt, 10);
  row->note = vo_store_column_text (stmt, 11);
  row->changed_us = sqlite3_column_int64 (stmt, 12);
  row->favorite = sqlite3_column_int (stmt, 13) != 0;
  return row;
}

/* Every row of a statement that selects CONTACT_COLUMNS. */
static GPtrArray *
contacts_collect (VoContactStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, contact_from_stmt (stmt));
  if (rc != SQLITE_DONE) {
    store_fail (self, error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

VoContactRow *
vo_contact_store_get (VoContactStore *self, const char *id, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = store_stmt (self, STMT_GET, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return contact_from_stmt (stmt);
  if (rc == SQLITE_DONE)
    set_contact_not_found (error, id);
  else
    store_fail (self, error);
  return NULL;
}

/* The first column of every row of @which, with ?1 = @text. */
static GStrv
store_list_texts (VoContactStore *self, Stmt which, const char *text, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = store_stmt (self, which, error);
  g_autoptr(GStrvBuilder) texts = NULL;
  int rc;

  if (!stmt)
    return NULL;
  if (text)
    vo_store_bind_text (stmt, 1, text);
  texts = g_strv_builder_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (texts, column_text (stmt, 0));
  if (rc != SQLITE_DONE) {
    store_fail (self, error);
    return NULL;
  }
  return g_strv_builder_end (texts);
}

GStrv
vo_contact_store_ids (VoContactStore *self, const char *source, GError **error)
{
  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (source != NULL, NULL);
  return store_list_texts (self, STMT_IDS, source, error);
}

/* One of three statements (every source, one source, the favorites),
 * bound with ?1 = source, ?2 = limit (0: no limit), ?3 = offset. */
static VoStoreStmt *
page_stmt (VoContactStore *self, Stmt all, const char *source, guint offset, guint limit,
           GError **error)
{
  /* all, all + 1, all + 2: the _ALL, _SOURCE and _FAVORITES forms. */
  Stmt which = !source ? all : g_str_equal (source, "favorites") ? all + 2 : all + 1;
  VoStoreStmt *stmt = store_stmt (self, which, error);

  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, source);
  sqlite3_bind_int64 (stmt, 2, limit ? (sqlite3_int64) limit : -1);
  sqlite3_bind_int64 (stmt, 3, offset);
  return stmt;
}

GPtrArray *
vo_contact_store_list (VoContactStore *self, const char *source, guint offset, guint limit,
                       GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);

  stmt = page_stmt (self, STMT_LIST_ALL, source, offset, limit, error);
  if (!stmt)
    return NULL;
  return contacts_collect (self, stmt, error);
}

GPtrArray *
vo_contact_store_search (VoContactStore *self, const char *const *words, const char *source,
                         guint offset, guint limit, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  g_autofree char *expression = NULL;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);

  expression = vo_contact_search_expression (words);
  if (!expression)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);
  stmt = page_stmt (self, STMT_SEARCH_ALL, source, offset, limit, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 4, expression);
  return contacts_collect (self, stmt, error);
}

GPtrArray *
vo_contact_store_find_key (VoContactStore *self, const char *key, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = store_stmt (self, STMT_FIND_KEY, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, key);
  return contacts_collect (self, stmt, error);
}

/* ---- favorites ----------------------------------------------------------- */

gboolean
vo_contact_store_set_favorite (VoContactStore *self, const char *id, gboolean favorite,
                               gboolean synced, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stmt = store_stmt (self, STMT_FAVORITE_SET, error);
  if (!stmt)
    return FALSE;
  vo_store_bind_text (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, favorite ? 1 : 0);
  sqlite3_bind_int (stmt, 3, synced ? 1 : 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}

GStrv
vo_contact_store_favorites (VoContactStore *self, GError **error)
{
  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);
  return store_list_texts (self, STMT_FAVORITE_LIST, NULL, error);
}

static gboolean
favorites_confirm (VoContactStore *self, const char *const *ids, GError **error)
{
  if (!store_run (self, STMT_FAVORITE_MARK_STALE, NULL, error))
    return FALSE;
  for (guint i = 0; ids && ids[i]; i++)
    if (*ids[i] && !store_run (self, STMT_FAVORITE_CONFIRM, ids[i], error))
      return FALSE;
  return store_run (self, STMT_FAVORITE_DROP_STALE, NULL, error);
}

gboolean
vo_contact_store_replace_favorites (VoContactStore *self, const char *const *ids,
                                    GError **error)
{
  gboolean own;
  gboolean ok;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);

  if (!write_begin (self, &own, error))
    return FALSE;
  ok = favorites_confirm (self, ids, error);
  return write_end (self, own, ok, error);
}

gboolean
vo_contact_store_unsynced_favorites (VoContactStore *self, GStrv *ids_out,
                                     GArray **favorite_out, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) ids = NULL;
  g_autoptr(GArray) favorite = NULL;
  int rc;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (ids_out != NULL && favorite_out != NULL, FALSE);

  stmt = store_stmt (self, STMT_FAVORITE_UNSYNCED, error);
  if (!stmt)
    return FALSE;
  ids = g_strv_builder_new ();
  favorite = g_array_new (FALSE, FALSE, sizeof (gboolean));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    gboolean wanted = sqlite3_column_int (stmt, 1) != 0;

    g_strv_builder_add (ids, column_text (stmt, 0));
    g_array_append_val (favorite, wanted);
  }
  if (rc != SQLITE_DONE)
    return store_fail (self, error);
  *ids_out = g_strv_builder_end (ids);
  *favorite_out = g_steal_pointer (&favorite);
  return TRUE;
}

/* ---- sync state ---------------------------------------------------------- */

char *
vo_contact_store_get_state (VoContactStore *self, const char *key, GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = store_stmt (self, STMT_STATE_GET, error);
  if (!stmt)
    return NULL;
  vo_store_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return vo_store_column_text (stmt, 0);
  if (rc != SQLITE_DONE)
    store_fail (self, error);
  return NULL;
}

gboolean
vo_contact_store_set_state (VoContactStore *self, const char *key, const char *value,
                            GError **error)
{
  g_autoptr(VoStoreStmt) stmt = NULL;

  g_return_val_if_fail (VO_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!value)
    return store_run (self, STMT_STATE_UNSET, key, error);
  stmt = store_stmt (self, STMT_STATE_SET, error);
  if (!stmt)
    return FALSE;
  vo_store_bind_text (stmt, 1, key);
  vo_store_bind_text (stmt, 2, value);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_fail (self, error);
  return TRUE;
}
