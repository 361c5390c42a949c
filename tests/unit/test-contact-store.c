/* test-contact-store.c: contacts in SQLite: rows in and out, List by a
 * case- and accent-insensitive name, Search (prefixes in any order, accents,
 * extensions, e-mails, number terms, typed FTS5 syntax kept harmless,
 * filters), Resolve keys with their source precedence, favorites and their
 * sync, deletion, sync state, transactions (rollback and a crash), and the
 * timings of 100,000 contacts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-error.h"
#include "vo-contact-store-private.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  char *dir;
  char *path;
  VoStore *store;
  VoContactStore *contacts;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = vo_store_open (f->path, &error);
  g_assert_no_error (error);
  f->contacts = vo_contact_store_new (f->store);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->contacts);
  g_clear_object (&f->store);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("vo-contacts-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "vo.db", NULL);
  fixture_open (f);
}

/* The store writes the full-text entries itself: FTS5 checks that they
 * match the rows exactly (rank 1: against the content table too). */
static void
assert_index_intact (Fixture *f)
{
  char *message = NULL;
  int rc = sqlite3_exec (vo_store_get_db (f->store),
                         "INSERT INTO contacts_fts (contacts_fts, rank) "
                         "VALUES ('integrity-check', 1)",
                         NULL, NULL, &message);

  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  assert_index_intact (f);
  fixture_close (f);
  /* The database and whatever journal files sqlite left beside it. */
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree char *file = g_build_filename (f->dir, name, NULL);

    g_assert_cmpint (g_unlink (file), ==, 0);
  }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->path);
  g_free (f->dir);
}

/* A row of @source named @name; the id is "SOURCE:NAME". */
static VoContactRow *
row_new (const char *source, const char *name)
{
  VoContactRow *row = vo_contact_row_new ();

  g_free (row->id);
  row->id = g_strdup_printf ("%s:%s", source, name);
  g_free (row->source);
  row->source = g_strdup (source);
  g_free (row->name);
  row->name = g_strdup (name);
  return row;
}

static void
put (Fixture *f, const VoContactRow *row, const char *const *keys, const char *const *terms)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_contact_store_put (f->contacts, row, keys, terms, &error));
  g_assert_no_error (error);
}

/* Puts a row of @source named @name with one key and nothing else. */
static void
put_simple (Fixture *f, const char *source, const char *name, const char *key)
{
  g_autoptr(VoContactRow) row = row_new (source, name);
  const char *keys[] = { key, NULL };

  put (f, row, keys, NULL);
}

/* The ids of @rows joined with ",", for one comparison per answer. */
static char *
ids_of (GPtrArray *rows)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  g_assert_nonnull (rows);
  for (guint i = 0; i < rows->len; i++) {
    const VoContactRow *row = g_ptr_array_index (rows, i);

    g_string_append_printf (ids, "%s%s", i ? "," : "", row->id);
  }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
list_ids (Fixture *f, const char *source, guint offset, guint limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vo_contact_store_list (f->contacts, source, offset, limit, &error);

  g_assert_no_error (error);
  return ids_of (rows);
}

/* The ids Search answers for the space-separated words of @query. */
static char *
search_ids (Fixture *f, const char *query, const char *source)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = g_strsplit (query, " ", -1);
  g_autoptr(GPtrArray) rows = vo_contact_store_search (f->contacts, (const char *const *) words,
                                                       source, 0, 0, &error);

  g_assert_no_error (error);
  return ids_of (rows);
}

static char *
find_key_ids (Fixture *f, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vo_contact_store_find_key (f->contacts, key, &error);

  g_assert_no_error (error);
  return ids_of (rows);
}

static char *
favorites (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = vo_contact_store_favorites (f->contacts, &error);

  g_assert_no_error (error);
  return g_strjoinv (",", ids);
}

#define assert_owned_str(expr, expected)                                                      \
  G_STMT_START {                                                                              \
    g_autofree char *assert_value = (expr);                                                   \
    g_assert_cmpstr (assert_value, ==, (expected));                                           \
  } G_STMT_END

static void
assert_not_found (Fixture *f, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoContactRow) row = vo_contact_store_get (f->contacts, id, &error);

  g_assert_null (row);
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* ---- rows ---------------------------------------------------------------- */

static void
test_put_get (Fixture *f, gconstpointer data)
{
  g_autoptr(VoContactRow) row = row_new ("company", "Ann Lee");
  g_autoptr(VoContactRow) got = NULL;
  g_autoptr(GError) error = NULL;
  const char *keys[] = { "tel:+31201234567", "ext:201", "sip:ann@vo.test", NULL };
  const char *numbers[] = { "+31 20 123 4567", "", "020-7654321", NULL };
  const char *emails[] = { "ann.lee@vo.test", NULL };
  const char *new_keys[] = { "ext:202", NULL };
  gint64 before = g_get_real_time ();

  g_strfreev (row->numbers);
  row->numbers = g_strdupv ((char **) numbers);
  g_strfreev (row->emails);
  row->emails = g_strdupv ((char **) emails);
  g_free (row->company);
  row->company = g_strdup ("Virtual Office");
  g_free (row->extension);
  row->extension = g_strdup ("201");
  g_free (row->photo_etag);
  row->photo_etag = g_strdup ("\"v1\"");
  row->favorite = TRUE; /* ignored by put */
  put (f, row, keys, NULL);

  got = vo_contact_store_get (f->contacts, "company:Ann Lee", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->id, ==, "company:Ann Lee");
  g_assert_cmpstr (got->source, ==, "company");
  g_assert_cmpstr (got->name, ==, "Ann Lee");
  g_assert_cmpstr (got->company, ==, "Virtual Office");
  g_assert_cmpstr (got->department, ==, "");
  g_assert_cmpstr (got->extension, ==, "201");
  /* The empty number is dropped; the others keep their form and order. */
  g_assert_cmpuint (g_strv_length (got->numbers), ==, 2);
  g_assert_cmpstr (got->numbers[0], ==, "+31 20 123 4567");
  g_assert_cmpstr (got->numbers[1], ==, "020-7654321");
  g_assert_cmpuint (g_strv_length (got->uris), ==, 0);
  g_assert_cmpuint (g_strv_length (got->emails), ==, 1);
  g_assert_cmpstr (got->emails[0], ==, "ann.lee@vo.test");
  g_assert_cmpstr (got->photo, ==, "");
  g_assert_cmpstr (got->photo_etag, ==, "\"v1\"");
  g_assert_cmpint (got->changed_us, >=, before);
  g_assert_false (got->favorite);
  assert_owned_str (find_key_ids (f, "ext:201"), "company:Ann Lee");
  assert_owned_str (find_key_ids (f, "sip:ann@vo.test"), "company:Ann Lee");

  /* A second put replaces the row, its keys and its index entry. */
  g_free (row->name);
  row->name = g_strdup ("Ann Smith");
  g_strfreev (row->emails);
  row->emails = g_new0 (char *, 1);
  put (f, row, new_keys, NULL);
  g_clear_pointer (&got, vo_contact_row_free);
  got = vo_contact_store_get (f->contacts, "company:Ann Lee", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Ann Smith");
  assert_owned_str (find_key_ids (f, "ext:201"), "");
  assert_owned_str (find_key_ids (f, "ext:202"), "company:Ann Lee");
  assert_owned_str (search_ids (f, "lee", NULL), "");
  assert_owned_str (search_ids (f, "smith", NULL), "company:Ann Lee");
  assert_owned_str (list_ids (f, NULL, 0, 0), "company:Ann Lee");

  assert_not_found (f, "company:nobody");
}

static void
test_put_again (Fixture *f, gconstpointer data)
{
  g_autoptr(VoContactRow) row = row_new ("device", "Hal");
  const char *terms[] = { "31201234567", NULL };
  const char *other_terms[] = { "31207654321", NULL };
  g_autoptr(VoContactRow) got = NULL;

  put (f, row, NULL, terms);
  /* The same text again (the index entry stays), then other terms. */
  put (f, row, NULL, terms);
  assert_owned_str (search_ids (f, "hal 3120123", NULL), "device:Hal");
  g_free (row->note);
  row->note = g_strdup ("not indexed");
  put (f, row, NULL, terms);
  got = vo_contact_store_get (f->contacts, "device:Hal", NULL);
  g_assert_cmpstr (got->note, ==, "not indexed");
  assert_owned_str (search_ids (f, "hal", NULL), "device:Hal");
  put (f, row, NULL, other_terms);
  assert_owned_str (search_ids (f, "3120123", NULL), "");
  assert_owned_str (search_ids (f, "3120765", NULL), "device:Hal");
  assert_index_intact (f);
}

static void
test_put_refuses_bad_rows (Fixture *f, gconstpointer data)
{
  const char *bad_key[] = { "tel:+31\x1f", NULL };
  g_autoptr(VoContactRow) no_id = row_new ("personal", "X");
  g_autoptr(VoContactRow) separator = row_new ("personal", "Y");
  g_autoptr(VoContactRow) not_utf8 = row_new ("personal", "Z");
  g_autoptr(VoContactRow) key_row = row_new ("personal", "K");
  const VoContactRow *rows[] = { no_id, separator, not_utf8, key_row };

  g_free (no_id->id);
  no_id->id = g_strdup ("");
  g_strfreev (separator->emails);
  separator->emails = g_strsplit ("a@b|c\x1f" "d@e", "|", -1);
  g_free (not_utf8->note);
  not_utf8->note = g_strdup ("\xff\xfe");

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr(GError) error = NULL;

    g_assert_false (vo_contact_store_put (f->contacts, rows[i], rows[i] == key_row ? bad_key : NULL,
                                          NULL, &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_test_message ("refused: %s", error->message);
  }
  assert_owned_str (list_ids (f, NULL, 0, 0), "");
}

/* ---- List ---------------------------------------------------------------- */

static void
test_list_order (Fixture *f, gconstpointer data)
{
  /* By name without accents or case: "Émile" between "Elsa" and "Emma". */
  put_simple (f, "company", "Zoë Adams", NULL);
  put_simple (f, "company", "Emma Stone", NULL);
  put_simple (f, "personal", "Émile Zola", NULL);
  put_simple (f, "company", "elsa Berg", NULL);
  put_simple (f, "device", "Ångström", NULL);
  put_simple (f, "personal", "bob", NULL);

  assert_owned_str (list_ids (f, NULL, 0, 0),
                    "device:Ångström,personal:bob,company:elsa Berg,personal:Émile Zola,"
                    "company:Emma Stone,company:Zoë Adams");
  assert_owned_str (list_ids (f, "company", 0, 0),
                    "company:elsa Berg,company:Emma Stone,company:Zoë Adams");
  assert_owned_str (list_ids (f, "personal", 0, 0), "personal:bob,personal:Émile Zola");
  assert_owned_str (list_ids (f, "nowhere", 0, 0), "");
  /* Pages. */
  assert_owned_str (list_ids (f, NULL, 2, 2), "company:elsa Berg,personal:Émile Zola");
  assert_owned_str (list_ids (f, "company", 1, 1), "company:Emma Stone");
  assert_owned_str (list_ids (f, "company", 3, 10), "");
}

static void
test_ids (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  put_simple (f, "device", "b", NULL);
  put_simple (f, "device", "a", NULL);
  put_simple (f, "personal", "c", NULL);
  ids = vo_contact_store_ids (f->contacts, "device", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "device:a");
  g_assert_cmpstr (ids[1], ==, "device:b");
}

/* ---- Search -------------------------------------------------------------- */

static void
test_search_expression (void)
{
  const struct {
    const char *words[4];
    const char *expression;
  } cases[] = {
    { { "ann", NULL }, "\"ann\"*" },
    { { "Ann", "smi", NULL }, "\"Ann\"* AND \"smi\"*" },
    { { "wo\"rd", NULL }, "\"wo\"\"rd\"*" },
    { { "NEAR(", "a:b", NULL }, "\"NEAR(\"* AND \"a:b\"*" },
    { { "*", "-", "ann", NULL }, "\"ann\"*" },
    { { "^", "\"", "\xff", NULL }, NULL },
    { { NULL }, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_owned_str (vo_contact_search_expression (cases[i].words), cases[i].expression);
  assert_owned_str (vo_contact_sort_key ("Émile ÅSTRÖM"), "emile astrom");
  assert_owned_str (vo_contact_sort_key ("Straße"), "strasse");
  assert_owned_str (vo_contact_sort_key ("\xff"), "");
}

static void
put_searchable (Fixture *f)
{
  g_autoptr(VoContactRow) ann = row_new ("company", "Ann-Sofie Ödegård");
  g_autoptr(VoContactRow) bob = row_new ("personal", "Bob Smith");
  g_autoptr(VoContactRow) carl = row_new ("company", "Carl Jones");
  const char *ann_emails[] = { "ann.odegard@vo.test", NULL };
  const char *bob_terms[] = { "31201234567", "0201234567", NULL };

  g_strfreev (ann->emails);
  ann->emails = g_strdupv ((char **) ann_emails);
  g_free (ann->extension);
  ann->extension = g_strdup ("4711");
  g_free (ann->department);
  ann->department = g_strdup ("Sales");
  put (f, ann, NULL, NULL);
  put (f, bob, NULL, bob_terms);
  /* Smith only as his company: ranks after the Smith by name. */
  g_free (carl->company);
  carl->company = g_strdup ("Smith & Sons");
  put (f, carl, NULL, NULL);
}

static void
test_search (Fixture *f, gconstpointer data)
{
  put_searchable (f);

  /* Prefixes, any order, any case, with or without accents. */
  assert_owned_str (search_ids (f, "ode ann", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "ÖDEGÅRD", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "sofie", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "BOB smi", NULL), "personal:Bob Smith");
  /* Letters Unicode does not decompose (ł, ø, ß) by their ASCII spelling,
   * and as written. */
  put_simple (f, "company", "Łukasz Østergaard", NULL);
  put_simple (f, "personal", "Jürgen Strauß", NULL);
  assert_owned_str (search_ids (f, "lukasz oester", NULL), "company:Łukasz Østergaard");
  assert_owned_str (search_ids (f, "łuk", NULL), "company:Łukasz Østergaard");
  assert_owned_str (search_ids (f, "strauss", NULL), "personal:Jürgen Strauß");
  assert_owned_str (search_ids (f, "strauß jur", NULL), "personal:Jürgen Strauß");
  /* Every word must match. */
  assert_owned_str (search_ids (f, "bob jones", NULL), "");
  /* Extension, e-mail (whole or in parts), department, number terms. */
  assert_owned_str (search_ids (f, "4711", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "47", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "ann.odegard@vo.test", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "odegard@vo", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "sales", NULL), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "0201234", NULL), "personal:Bob Smith");
  assert_owned_str (search_ids (f, "3120123", NULL), "personal:Bob Smith");
  /* Name before company. */
  assert_owned_str (search_ids (f, "smith", NULL), "personal:Bob Smith,company:Carl Jones");
  /* Source filters. */
  assert_owned_str (search_ids (f, "smith", "company"), "company:Carl Jones");
  assert_owned_str (search_ids (f, "smith", "personal"), "personal:Bob Smith");
  assert_owned_str (search_ids (f, "smith", "device"), "");
  assert_owned_str (search_ids (f, "smith", "favorites"), "");
  g_assert_true (vo_contact_store_set_favorite (f->contacts, "company:Carl Jones", TRUE, TRUE,
                                                NULL));
  assert_owned_str (search_ids (f, "smith", "favorites"), "company:Carl Jones");
}

static void
test_search_pages (Fixture *f, gconstpointer data)
{
  const char *words[] = { "sam", NULL };

  for (guint i = 0; i < 5; i++) {
    g_autofree char *name = g_strdup_printf ("Sam %u", i);

    put_simple (f, "company", name, NULL);
  }
  for (guint offset = 0; offset < 6; offset += 2) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows =
      vo_contact_store_search (f->contacts, words, NULL, offset, 2, &error);

    g_assert_no_error (error);
    /* Equal ranks: by name. */
    for (guint i = 0; i < rows->len; i++) {
      g_autofree char *expected = g_strdup_printf ("Sam %u", offset + i);

      g_assert_cmpstr (((VoContactRow *) g_ptr_array_index (rows, i))->name, ==, expected);
    }
    g_assert_cmpuint (rows->len, ==, offset < 4 ? 2 : 1);
  }
}

static void
test_search_syntax_is_harmless (Fixture *f, gconstpointer data)
{
  const char *typed[] = { "\"", "*", "AND", "OR", "NOT", "NEAR(", "NEAR(a b)", "^", ":",
                          "-", "name:x", "a\"b", "(", ")", "{name}", "+", "\"\"", "a*b",
                          "ann OR bob", "\xff", "", "\u0301" };
  const char *and_words[] = { "AND", NULL };
  const char *quoted[] = { "\"ann", "sofie\"", NULL };
  const char *none[] = { NULL };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  put_searchable (f);
  put_simple (f, "personal", "Andrea Or", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++) {
    g_autoptr(GError) typed_error = NULL;
    g_auto(GStrv) words = g_strsplit (typed[i], " ", -1);
    g_autoptr(GPtrArray) found = vo_contact_store_search (
      f->contacts, (const char *const *) words, NULL, 0, 0, &typed_error);

    g_assert_no_error (typed_error);
    g_assert_nonnull (found);
  }
  /* Operators are words like any other. */
  rows = vo_contact_store_search (f->contacts, and_words, NULL, 0, 0, &error);
  g_assert_no_error (error);
  assert_owned_str (ids_of (rows), "personal:Andrea Or");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vo_contact_store_search (f->contacts, quoted, NULL, 0, 0, &error);
  g_assert_no_error (error);
  assert_owned_str (ids_of (rows), "company:Ann-Sofie Ödegård");
  assert_owned_str (search_ids (f, "ann OR bob", NULL), "");
  assert_owned_str (search_ids (f, "- ann *", NULL), "company:Ann-Sofie Ödegård");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vo_contact_store_search (f->contacts, none, NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vo_contact_store_search (f->contacts, NULL, NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
}

/* ---- Resolve keys -------------------------------------------------------- */

static void
test_find_key_precedence (Fixture *f, gconstpointer data)
{
  put_simple (f, "device", "a", "tel:+31201234567");
  put_simple (f, "company", "z", "tel:+31201234567");
  put_simple (f, "personal", "m", "tel:+31201234567");
  put_simple (f, "company", "b", "tel:+31201234567");
  put_simple (f, "personal", "other", "tel:+31209999999");

  assert_owned_str (find_key_ids (f, "tel:+31201234567"),
                    "personal:m,company:b,company:z,device:a");
  assert_owned_str (find_key_ids (f, "tel:+3120"), "");
}

/* ---- favorites ----------------------------------------------------------- */

static char *
unsynced (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(GArray) wanted = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_true (vo_contact_store_unsynced_favorites (f->contacts, &ids, &wanted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, wanted->len);
  for (guint i = 0; ids[i]; i++)
    g_string_append_printf (out, "%s%s=%d", i ? "," : "", ids[i],
                            g_array_index (wanted, gboolean, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
set_favorite (Fixture *f, const char *id, gboolean favorite, gboolean synced)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_contact_store_set_favorite (f->contacts, id, favorite, synced, &error));
  g_assert_no_error (error);
}

static void
replace_favorites (Fixture *f, const char *ids)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = g_strsplit (ids, ",", -1);

  g_assert_true (
    vo_contact_store_replace_favorites (f->contacts, (const char *const *) list, &error));
  g_assert_no_error (error);
}

static void
test_favorites (Fixture *f, gconstpointer data)
{
  g_autoptr(VoContactRow) row = NULL;

  put_simple (f, "company", "b", NULL);
  put_simple (f, "company", "a", NULL);
  put_simple (f, "personal", "c", NULL);

  /* In the order marked; a mark without a row (yet) is kept. */
  set_favorite (f, "company:b", TRUE, FALSE);
  set_favorite (f, "company:a", TRUE, TRUE);
  set_favorite (f, "company:ghost", TRUE, TRUE);
  assert_owned_str (favorites (f), "company:b,company:a,company:ghost");
  assert_owned_str (unsynced (f), "company:b=1");
  /* List gives the rows there are, by name, marked favorite. */
  assert_owned_str (list_ids (f, "favorites", 0, 0), "company:a,company:b");
  row = vo_contact_store_get (f->contacts, "company:a", NULL);
  g_assert_true (row->favorite);
  g_clear_pointer (&row, vo_contact_row_free);
  row = vo_contact_store_get (f->contacts, "personal:c", NULL);
  g_assert_false (row->favorite);

  /* The service's list replaces the synced marks; b (unsynced) stays. */
  replace_favorites (f, "personal:c,company:a");
  assert_owned_str (favorites (f), "company:b,company:a,personal:c");
  assert_owned_str (unsynced (f), "company:b=1");

  /* An unconfirmed removal wins over the service's older list... */
  set_favorite (f, "company:a", FALSE, FALSE);
  replace_favorites (f, "personal:c,company:a");
  assert_owned_str (favorites (f), "company:b,personal:c");
  assert_owned_str (unsynced (f), "company:b=1,company:a=0");

  /* ...until confirmed; then the service's list is all there is. */
  set_favorite (f, "company:a", FALSE, TRUE);
  set_favorite (f, "company:b", TRUE, TRUE);
  assert_owned_str (unsynced (f), "");
  replace_favorites (f, "personal:c");
  assert_owned_str (favorites (f), "personal:c");
  replace_favorites (f, "");
  assert_owned_str (favorites (f), "");
  g_assert_true (vo_contact_store_replace_favorites (f->contacts, NULL, NULL));
}

/* ---- deletion ------------------------------------------------------------ */

static void
test_delete_keeps_favorite (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoContactRow) back = NULL;

  put_simple (f, "personal", "Dora", "tel:+31201111111");
  set_favorite (f, "personal:Dora", TRUE, TRUE);
  g_assert_true (vo_contact_store_delete (f->contacts, "personal:Dora", &error));
  g_assert_no_error (error);
  assert_not_found (f, "personal:Dora");
  assert_owned_str (find_key_ids (f, "tel:+31201111111"), "");
  assert_owned_str (search_ids (f, "dora", NULL), "");
  assert_owned_str (list_ids (f, "favorites", 0, 0), "");
  assert_owned_str (favorites (f), "personal:Dora");
  g_assert_false (vo_contact_store_delete (f->contacts, "personal:Dora", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);

  /* Back again: still a favorite. */
  put_simple (f, "personal", "Dora", NULL);
  back = vo_contact_store_get (f->contacts, "personal:Dora", NULL);
  g_assert_true (back->favorite);
  assert_owned_str (search_ids (f, "dora", NULL), "personal:Dora");
}

static void
test_delete_source (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  put_simple (f, "device", "Eve", "tel:+31202222222");
  put_simple (f, "device", "Eva", "tel:+31202222222");
  put_simple (f, "personal", "Evert", "tel:+31202222222");
  g_assert_true (vo_contact_store_delete_source (f->contacts, "device", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  assert_owned_str (list_ids (f, NULL, 0, 0), "personal:Evert");
  assert_owned_str (search_ids (f, "ev", NULL), "personal:Evert");
  assert_owned_str (find_key_ids (f, "tel:+31202222222"), "personal:Evert");
  g_assert_true (vo_contact_store_delete_source (f->contacts, "device", &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (vo_contact_store_delete_source (f->contacts, "device", NULL, &error));
}

/* ---- state --------------------------------------------------------------- */

static void
test_state (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (vo_contact_store_get_state (f->contacts, "directory-sync-token", &error));
  g_assert_no_error (error);
  g_assert_true (vo_contact_store_set_state (f->contacts, "directory-sync-token", "t1", &error));
  g_assert_true (vo_contact_store_set_state (f->contacts, "directory-sync-token", "t2", &error));
  g_assert_no_error (error);
  /* Kept across a restart. */
  fixture_close (f);
  fixture_open (f);
  assert_owned_str (vo_contact_store_get_state (f->contacts, "directory-sync-token", &error),
                    "t2");
  g_assert_true (vo_contact_store_set_state (f->contacts, "directory-sync-token", NULL, &error));
  g_assert_null (vo_contact_store_get_state (f->contacts, "directory-sync-token", &error));
  g_assert_no_error (error);
}

/* ---- transactions -------------------------------------------------------- */

static void
test_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoContactRow) bad = row_new ("personal", "Bad");

  g_assert_true (vo_contact_store_begin (f->contacts, &error));
  g_assert_no_error (error);
  /* Not nested. */
  g_assert_false (vo_contact_store_begin (f->contacts, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  put_simple (f, "personal", "Fay", "tel:+31203333333");
  set_favorite (f, "personal:Fay", TRUE, FALSE);
  vo_contact_store_rollback (f->contacts);
  vo_contact_store_rollback (f->contacts); /* harmless without a transaction */
  assert_not_found (f, "personal:Fay");
  assert_owned_str (find_key_ids (f, "tel:+31203333333"), "");
  assert_owned_str (search_ids (f, "fay", NULL), "");
  assert_owned_str (favorites (f), "");

  /* A refused put inside the caller's transaction leaves the rest of it. */
  g_free (bad->name);
  bad->name = g_strdup ("\xc3");
  g_assert_true (vo_contact_store_begin (f->contacts, &error));
  put_simple (f, "personal", "Gus", "tel:+31204444444");
  g_assert_false (vo_contact_store_put (f->contacts, bad, NULL, NULL, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vo_contact_store_commit (f->contacts, &error));
  g_assert_no_error (error);
  assert_owned_str (list_ids (f, NULL, 0, 0), "personal:Gus");
  assert_owned_str (find_key_ids (f, "tel:+31204444444"), "personal:Gus");

  /* Deletions rolled back: the row, its keys and its index entry return. */
  g_assert_true (vo_contact_store_begin (f->contacts, &error));
  g_assert_true (vo_contact_store_delete (f->contacts, "personal:Gus", &error));
  g_assert_true (vo_contact_store_delete_source (f->contacts, "personal", NULL, &error));
  g_assert_no_error (error);
  assert_owned_str (list_ids (f, NULL, 0, 0), "");
  vo_contact_store_rollback (f->contacts);
  assert_owned_str (list_ids (f, NULL, 0, 0), "personal:Gus");
  assert_owned_str (find_key_ids (f, "tel:+31204444444"), "personal:Gus");
  assert_owned_str (search_ids (f, "gus", NULL), "personal:Gus");
}

static void
test_crash_mid_transaction (Fixture *f, gconstpointer data)
{
  int ready[2];
  char byte = 0;
  pid_t child;
  int status = 0;

  put_simple (f, "personal", "Kept", NULL);
  /* The child gets its own connection, writes in a transaction it never
   * commits, says so, and waits to be killed as a daemon can be: SIGKILL
   * from outside, after which nothing of it runs (not even valgrind's
   * leak check of it). */
  fixture_close (f);
  g_assert_cmpint (pipe (ready), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0) {
    close (ready[0]);
    fixture_open (f);
    if (!vo_contact_store_begin (f->contacts, NULL))
      _exit (2);
    for (guint i = 0; i < 200; i++) {
      g_autofree char *name = g_strdup_printf ("Lost %u", i);

      put_simple (f, "company", name, "tel:+31205555555");
    }
    set_favorite (f, "company:Lost 1", TRUE, FALSE);
    vo_contact_store_set_state (f->contacts, "directory-sync-token", "lost", NULL);
    if (write (ready[1], "x", 1) != 1)
      _exit (3);
    for (;;)
      pause ();
  }
  close (ready[1]);
  /* Blocks until the child has written (or died: then it reads 0 bytes). */
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);
  g_assert_cmpint (kill (child, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  fixture_open (f);
  assert_owned_str (list_ids (f, NULL, 0, 0), "personal:Kept");
  assert_owned_str (search_ids (f, "lost", NULL), "");
  assert_owned_str (find_key_ids (f, "tel:+31205555555"), "");
  assert_owned_str (favorites (f), "");
  g_assert_null (vo_contact_store_get_state (f->contacts, "directory-sync-token", NULL));
}

/* ---- many contacts ------------------------------------------------------- */

static const char *const given_names[] = {
  "Anna", "Émile", "Bjørn", "Chloé", "David", "Eva", "François", "Greta", "Hugo", "Ines",
  "José", "Karin", "Lars", "María", "Nils", "Olga", "Pål", "Quinn", "Rosa", "Sven",
};
static const char *const family_names[] = {
  "de Vries", "Jansen", "Müller", "Smith", "Øberg", "García", "Novák", "Dubois", "Rossi",
  "Kowalski", "Nielsen", "Papadopoulos", "Yılmaz", "O'Brien", "Lefèvre", "Schäfer",
};

static VoContactRow *
generated_row (guint i, GPtrArray *keys, GPtrArray *terms)
{
  VoContactRow *row = vo_contact_row_new ();
  g_autofree char *number = g_strdup_printf ("+3120%07u", i);

  g_ptr_array_set_size (keys, 0);
  g_ptr_array_set_size (terms, 0);
  g_free (row->id);
  row->id = g_strdup_printf ("company:u%06u", i);
  g_free (row->source);
  row->source = g_strdup ("company");
  g_free (row->name);
  row->name = g_strdup_printf ("%s %s %u", given_names[i % G_N_ELEMENTS (given_names)],
                               family_names[(i / 7) % G_N_ELEMENTS (family_names)], i);
  g_free (row->extension);
  /* Six digits: no prefix of another number of the row or of the name. */
  row->extension = g_strdup_printf ("%u", 200000 + i);
  g_free (row->department);
  row->department = g_strdup_printf ("Department %u", i % 50);
  g_strfreev (row->numbers);
  row->numbers = g_new0 (char *, 2);
  row->numbers[0] = g_strdup (number);
  g_strfreev (row->emails);
  row->emails = g_new0 (char *, 2);
  row->emails[0] = g_strdup_printf ("u%06u@vo.test", i);
  g_ptr_array_add (keys, g_strconcat ("tel:", number, NULL));
  g_ptr_array_add (keys, g_strdup_printf ("ext:%s", row->extension));
  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (terms, g_strdup (number + 1));
  g_ptr_array_add (terms, g_strdup_printf ("020%07u", i));
  g_ptr_array_add (terms, NULL);
  return row;
}

/* How many contacts the timing case puts: VO_TEST_CONTACTS, else 100,000;
 * 20,000 under AddressSanitizer, where every step is several times slower
 * and the times say nothing (under valgrind set VO_TEST_CONTACTS=2000). */
#ifdef __SANITIZE_ADDRESS__
#define N_MANY_DEFAULT 20000
#else
#define N_MANY_DEFAULT 100000
#endif

static guint
n_many (void)
{
  const char *n = g_getenv ("VO_TEST_CONTACTS");

  return n ? (guint) g_ascii_strtoull (n, NULL, 10) : N_MANY_DEFAULT;
}

/* This process's CPU time in ms: on a shared machine the wall-clock time
 * also counts the waits for a core. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static void
sort_times (double *times, guint n)
{
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && times[j - 1] > times[j]; j--) {
      double t = times[j];

      times[j] = times[j - 1];
      times[j - 1] = t;
    }
}

#define N_RUNS 9

/* Runs the words of @query through Search N_RUNS times and prints the
 * median and maximum, wall clock and CPU; returns how many rows it found. */
static guint
time_search (Fixture *f, const char *query, guint limit)
{
  g_auto(GStrv) words = g_strsplit (query, " ", -1);
  double wall[N_RUNS];
  double cpu[N_RUNS];
  guint found = 0;

  for (guint run = 0; run < N_RUNS; run++) {
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time ();
    double cpu_start = cpu_ms ();
    g_autoptr(GPtrArray) rows = vo_contact_store_search (f->contacts, (const char *const *) words,
                                                         NULL, 0, limit, &error);

    wall[run] = (g_get_monotonic_time () - start) / 1000.0;
    cpu[run] = cpu_ms () - cpu_start;
    g_assert_no_error (error);
    found = rows->len;
  }
  sort_times (wall, N_RUNS);
  sort_times (cpu, N_RUNS);
  g_test_message ("search '%s' (limit %u): %u rows; median %.2f ms, max %.2f ms "
                  "(CPU: median %.2f ms, max %.2f ms)",
                  query, limit, found, wall[N_RUNS / 2], wall[N_RUNS - 1], cpu[N_RUNS / 2],
                  cpu[N_RUNS - 1]);
  return found;
}

static void
test_many (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint n = n_many ();
  guint middle = n / 2;
  g_autofree char *middle_key = g_strdup_printf ("tel:+3120%07u", middle);
  g_autofree char *middle_id = g_strdup_printf ("company:u%06u", middle);
  g_autofree char *middle_term = g_strdup_printf ("020%07u", middle);
  g_autofree char *middle_extension = g_strdup_printf ("%u", 200000 + middle);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) resolved = NULL;
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_ms ();
  gint64 ten_thousand_us = 0;
  double ten_thousand_cpu = 0;

  g_assert_true (vo_contact_store_begin (f->contacts, &error));
  for (guint i = 0; i < n; i++) {
    g_autoptr(VoContactRow) row = generated_row (i, keys, terms);

    g_assert_true (vo_contact_store_put (f->contacts, row, (const char *const *) keys->pdata,
                                         (const char *const *) terms->pdata, &error));
    if (i + 1 == 10000) {
      ten_thousand_us = g_get_monotonic_time () - start;
      ten_thousand_cpu = cpu_ms () - cpu_start;
    }
  }
  g_assert_true (vo_contact_store_commit (f->contacts, &error));
  g_assert_no_error (error);
  g_test_message ("put %u contacts in one transaction: %.0f ms, CPU %.0f ms "
                  "(the first 10,000: %.0f ms, CPU %.0f ms)",
                  n, (g_get_monotonic_time () - start) / 1000.0, cpu_ms () - cpu_start,
                  ten_thousand_us / 1000.0, ten_thousand_cpu);

  start = g_get_monotonic_time ();
  resolved = vo_contact_store_find_key (f->contacts, middle_key, &error);
  g_assert_no_error (error);
  g_test_message ("find_key: %.3f ms", (g_get_monotonic_time () - start) / 1000.0);
  assert_owned_str (ids_of (resolved), middle_id);

  start = g_get_monotonic_time ();
  page = vo_contact_store_list (f->contacts, "company", middle, 50, &error);
  g_assert_no_error (error);
  g_test_message ("list 50 from offset %u: %.2f ms", middle,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (page->len, ==, MIN (50, n - middle));

  g_assert_cmpuint (time_search (f, middle_term, 50), ==, 1);
  g_assert_cmpuint (time_search (f, middle_extension, 50), ==, 1);
  g_assert_cmpuint (time_search (f, "müller émile", 50), >, 0);
  g_assert_cmpuint (time_search (f, "a", 50), ==, MIN (50, n / G_N_ELEMENTS (given_names)));
  g_assert_cmpuint (time_search (f, "sm", 50), >, 0);
  g_assert_cmpuint (time_search (f, "jose garc", 50), >, 0);
  time_search (f, "department 7", 0);
  g_assert_cmpuint (time_search (f, "nobody", 50), ==, 0);
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/contact-store/put-get", test_put_get);
  ADD ("/contact-store/put-again", test_put_again);
  ADD ("/contact-store/put-refuses-bad-rows", test_put_refuses_bad_rows);
  ADD ("/contact-store/list-order", test_list_order);
  ADD ("/contact-store/ids", test_ids);
  g_test_add_func ("/contact-store/search-expression", test_search_expression);
  ADD ("/contact-store/search", test_search);
  ADD ("/contact-store/search-pages", test_search_pages);
  ADD ("/contact-store/search-syntax-is-harmless", test_search_syntax_is_harmless);
  ADD ("/contact-store/find-key-precedence", test_find_key_precedence);
  ADD ("/contact-store/favorites", test_favorites);
  ADD ("/contact-store/delete-keeps-favorite", test_delete_keeps_favorite);
  ADD ("/contact-store/delete-source", test_delete_source);
  ADD ("/contact-store/state", test_state);
  ADD ("/contact-store/rollback", test_rollback);
  ADD ("/contact-store/crash-mid-transaction", test_crash_mid_transaction);
  ADD ("/contact-store/many", test_many);
  return g_test_run ();
}
