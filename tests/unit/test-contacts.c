/* test-contacts.c: VoContacts without a service (as for a SIP-only
 * account) over a real store in a temporary folder: personal contacts and
 * the checks of every field, company and device contacts being read only,
 * the dictionaries, List/Search filters, Resolve and lookup in any number
 * format, Dial/Send targets by name, local favorites, vCard import and
 * export, and "changed" batched.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contacts-private.h"
#include "vo-error.h"

#include <glib/gstdio.h>

typedef struct {
  char *dir;
  VoStore *store;
  VoConfig *config;
  VoContacts *contacts;
  VoContactStore *rows;  /* the same tables, to put company and device rows */
  GHashTable *changed;   /* ids of every "changed" */
  guint changed_signals;
  GPtrArray *watched;    /* URIs of every "watch-wanted" */
} Fixture;

static void
on_changed (VoContacts *contacts, GStrv ids, Fixture *f)
{
  f->changed_signals++;
  for (guint i = 0; ids[i]; i++)
    g_hash_table_add (f->changed, g_strdup (ids[i]));
}

static void
on_watch_wanted (VoContacts *contacts, GStrv uris, Fixture *f)
{
  for (guint i = 0; uris[i]; i++)
    g_ptr_array_add (f->watched, g_strdup (uris[i]));
}

static char *
presence_of (const char *uri, gpointer user_data)
{
  return g_str_equal (uri, "sip:alice@vo.test") ? g_strdup ("available") : NULL;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("vo-contacts-core-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  db = g_build_filename (f->dir, "vo.db", NULL);
  f->store = vo_store_open (db, &error);
  g_assert_no_error (error);
  f->config = vo_config_load (f->dir, &error);
  g_assert_no_error (error);
  g_assert_true (vo_config_set_string (f->config, "account", "country", "NL", &error));
  f->contacts = vo_contacts_new (f->store, NULL, NULL, f->config, &error);
  g_assert_no_error (error);
  f->rows = vo_contact_store_new (f->store);
  f->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->watched = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->contacts, "changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->contacts, "watch-wanted", G_CALLBACK (on_watch_wanted), f);
  vo_contacts_set_presence_func (f->contacts, presence_of, NULL, NULL);
  vo_contacts_start (f->contacts);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  vo_contacts_shutdown (f->contacts);
  g_clear_object (&f->contacts);
  g_clear_object (&f->rows);
  g_clear_object (&f->config);
  g_clear_object (&f->store);
  g_hash_table_unref (f->changed);
  g_ptr_array_unref (f->watched);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

/* Runs the main loop until "changed" has named @id. */
static void
wait_changed (Fixture *f, const char *id)
{
  while (!g_hash_table_contains (f->changed, id))
    g_main_context_iteration (NULL, TRUE);
}

/* Puts a company or device row the way the sync or EDS mirror would. */
static void
put_row (Fixture *f, const char *id, const char *name, const char *number, const char *uri,
         const char *extension)
{
  g_autoptr(VoContactRow) row = vo_contact_row_new ();
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) terms = NULL;
  g_autoptr(GError) error = NULL;

  g_free (row->id);
  row->id = g_strdup (id);
  g_free (row->source);
  row->source = g_strndup (id, strchr (id, ':') - id);
  g_free (row->name);
  row->name = g_strdup (name);
  g_free (row->extension);
  row->extension = g_strdup (extension ? extension : "");
  if (number) {
    g_strfreev (row->numbers);
    row->numbers = g_strsplit (number, "|", -1);
  }
  if (uri) {
    g_strfreev (row->uris);
    row->uris = g_strsplit (uri, "|", -1);
  }
  keys = vo_contacts_row_keys (row, "NL");
  terms = vo_contacts_row_terms (row, "NL");
  g_assert_true (vo_contact_store_put (f->rows, row, (const char *const *) keys,
                                       (const char *const *) terms, &error));
  g_assert_no_error (error);
}

static char *
create (Fixture *f, const char *fields_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) fields = g_variant_ref_sink (g_variant_new_parsed (fields_text));
  char *id = vo_contacts_create (f->contacts, fields, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (id, "personal:"));
  return id;
}

static const char *
dict_string (GVariant *dict, const char *key)
{
  const char *value = NULL;

  g_assert_true (g_variant_lookup (dict, key, "&s", &value));
  return value;
}

static void
test_personal_crud (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create (f, "{'name': <' Jan de Vries '>, 'numbers': <['020-1234567']>, "
                                   "'emails': <['jan@example.test']>, 'note': <'line 1\nline 2'>}");
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) update = g_variant_ref_sink (
    g_variant_new_parsed ("{'company': <'Example BV'>}"));
  g_autoptr(GError) error = NULL;
  g_autofree const char **numbers = NULL;
  gboolean favorite = TRUE;

  wait_changed (f, id);
  dict = vo_contacts_get (f->contacts, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dict_string (dict, "name"), ==, "Jan de Vries");
  g_assert_cmpstr (dict_string (dict, "source"), ==, "personal");
  g_assert_cmpstr (dict_string (dict, "presence"), ==, "unknown");
  g_assert_cmpstr (dict_string (dict, "note"), ==, "line 1\nline 2");
  g_assert_true (g_variant_lookup (dict, "numbers", "^a&s", &numbers));
  g_assert_cmpstr (numbers[0], ==, "020-1234567");
  g_assert_true (g_variant_lookup (dict, "favorite", "b", &favorite));
  g_assert_false (favorite);
  for (const char *key = "department"; key; key = NULL)
    g_assert_cmpstr (dict_string (dict, key), ==, "");
  g_clear_pointer (&dict, g_variant_unref);

  g_hash_table_remove_all (f->changed);
  g_assert_true (vo_contacts_update (f->contacts, id, update, &error));
  g_assert_no_error (error);
  wait_changed (f, id);
  dict = vo_contacts_get (f->contacts, id, &error);
  g_assert_cmpstr (dict_string (dict, "company"), ==, "Example BV");
  g_assert_cmpstr (dict_string (dict, "name"), ==, "Jan de Vries");  /* untouched */

  g_hash_table_remove_all (f->changed);
  g_assert_true (vo_contacts_delete (f->contacts, id, &error));
  wait_changed (f, id);
  g_assert_null (vo_contacts_get (f->contacts, id, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vo_contacts_delete (f->contacts, id, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* Each bad field set fails INVALID_ARGUMENT naming the key; nothing stored. */
static void
test_personal_checks (Fixture *f, gconstpointer data)
{
  g_autofree char *long_name = g_strnfill (VO_CONTACTS_MAX_FIELD + 1, 'a');
  g_autoptr(GString) many = g_string_new ("{'name': <'Many'>, 'numbers': <[");
  struct { const char *fields; const char *named; } bad[] = {
    { "{'numbers': <['201']>}", "'name'" },
    { "{'name': <'   '>}", "'name'" },
    { "{'name': <'Jan'>, 'nickname': <'J'>}", "'nickname'" },
    { "{'name': <42>}", "'name'" },
    { "{'name': <'Jan'>, 'numbers': <'201'>}", "'numbers'" },
    { "{'name': <'Jan\tde Vries'>}", "'name'" },
    { "{'name': <'Jan'>, 'numbers': <['call me']>}", "'numbers'" },
    { "{'name': <'Jan'>, 'uris': <['http://example.test']>}", "'uris'" },
    { "{'name': <'Jan'>, 'uris': <['sip:jan@']>}", "'uris'" },
    { "{'name': <'Jan'>, 'emails': <['jan.example.test']>}", "'emails'" },
    { "{'name': <'Jan'>, 'emails': <['jan @example.test']>}", "'emails'" },
  };
  g_autoptr(GVariant) list = NULL;
  g_autofree char *long_fields = g_strdup_printf ("{'name': <'%s'>}", long_name);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GVariant) fields = g_variant_ref_sink (g_variant_new_parsed (bad[i].fields));
    g_autoptr(GError) error = NULL;
    g_autofree char *id = vo_contacts_create (f->contacts, fields, &error);

    g_test_message ("%s", bad[i].fields);
    g_assert_null (id);
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, bad[i].named));
  }
  for (guint i = 0; i <= VO_CONTACTS_MAX_VALUES; i++)
    g_string_append_printf (many, "%s'+3120%07u'", i ? ", " : "", i);
  g_string_append (many, "]>}");
  for (guint i = 0; i < 2; i++) {
    g_autoptr(GVariant) fields = g_variant_ref_sink (
      g_variant_new_parsed (i ? many->str : long_fields));
    g_autoptr(GError) error = NULL;
    g_autofree char *id = vo_contacts_create (f->contacts, fields, &error);

    g_assert_null (id);
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  }
  list = vo_contacts_list (f->contacts, "personal", NULL, NULL);
  g_assert_cmpuint (g_variant_n_children (list), ==, 0);
}

static void
test_read_only_sources (Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) fields = g_variant_ref_sink (g_variant_new_parsed ("{'name': <'X'>}"));
  g_autoptr(GError) error = NULL;

  put_row (f, "company:alice", "Alice Smith", "+31201111111", "sip:alice@vo.test", "201");
  put_row (f, "device:book:1", "Bob Device", "0612345678", NULL, NULL);
  g_assert_false (vo_contacts_update (f->contacts, "company:alice", fields, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "company contact"));
  g_clear_error (&error);
  g_assert_false (vo_contacts_delete (f->contacts, "device:book:1", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vo_contacts_set_favorite (f->contacts, "device:book:1", TRUE, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vo_contacts_update (f->contacts, "personal:nobody", fields, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* Every format of one number finds the contact; personal beats company. */
static void
test_resolve (Fixture *f, gconstpointer data)
{
  const char *formats[] = { "+31 20 123 4567", "020-1234567", "0031201234567",
                            "tel:+31201234567", "sip:+31201234567@vo.test" };
  g_autofree char *id = create (f, "{'name': <'José García'>, 'numbers': <['+31201234567']>}");
  g_autoptr(GError) error = NULL;
  g_autofree char *found_id = NULL;
  g_autofree char *found_name = NULL;
  g_autoptr(GVariant) dict = NULL;

  put_row (f, "company:alice", "Alice Smith", "+31201234567|+31612345678", "sip:alice@vo.test",
           "201");
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autoptr(GVariant) resolved = vo_contacts_resolve (f->contacts, formats[i], &error);

    g_test_message ("%s", formats[i]);
    g_assert_no_error (error);
    g_assert_cmpstr (dict_string (resolved, "id"), ==, id);
  }
  dict = vo_contacts_resolve (f->contacts, "201", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dict_string (dict, "id"), ==, "company:alice");
  g_assert_cmpstr (dict_string (dict, "presence"), ==, "available");
  g_clear_pointer (&dict, g_variant_unref);
  dict = vo_contacts_resolve (f->contacts, "sip:Alice@vo.test;transport=tcp", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dict_string (dict, "id"), ==, "company:alice");
  g_assert_true (vo_contacts_lookup (f->contacts, "06-12345678", &found_id, &found_name));
  g_assert_cmpstr (found_id, ==, "company:alice");
  g_assert_cmpstr (found_name, ==, "Alice Smith");
  g_assert_false (vo_contacts_lookup (f->contacts, "+44 20 7946 0000", NULL, NULL));
  g_assert_false (vo_contacts_lookup (f->contacts, "", NULL, NULL));
  g_assert_null (vo_contacts_resolve (f->contacts, "+44 20 7946 0000", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (vo_contacts_resolve (f->contacts, "", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
}

static void
test_target_for_name (Fixture *f, gconstpointer data)
{
  g_autofree char *jan = create (f, "{'name': <'Jan de Vries'>, 'numbers': <['0201234567']>}");
  g_autofree char *janneke = create (f, "{'name': <'Janneke Smit'>, "
                                        "'numbers': <['0207654321']>}");
  g_autofree char *mute = create (f, "{'name': <'Nobody Reachable'>}");
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  put_row (f, "company:jose", "José García", "+31201111111", "sip:jose@vo.test", "202");
  /* Accents and case do not matter; the URI wins over the number. */
  target = vo_contacts_target_for_name (f->contacts, "jose garcia", FALSE, &id, &name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target, ==, "sip:jose@vo.test");
  g_assert_cmpstr (id, ==, "company:jose");
  g_assert_cmpstr (name, ==, "José García");
  g_clear_pointer (&target, g_free);
  /* Prefixes in any order. */
  target = vo_contacts_target_for_name (f->contacts, "vri ja", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target, ==, "0201234567");
  g_clear_pointer (&target, g_free);
  /* "Jan" is a prefix of two names: ambiguous, both listed. */
  target = vo_contacts_target_for_name (f->contacts, "jan", FALSE, NULL, NULL, &error);
  g_assert_null (target);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, jan));
  g_assert_nonnull (strstr (error->message, janneke));
  g_clear_error (&error);
  /* An exact name wins over prefix matches. */
  target = vo_contacts_target_for_name (f->contacts, "JAN DE VRIES", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target, ==, "0201234567");
  g_clear_pointer (&target, g_free);
  /* An id. */
  target = vo_contacts_target_for_name (f->contacts, janneke, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target, ==, "0207654321");
  g_clear_pointer (&target, g_free);
  target = vo_contacts_target_for_name (f->contacts, "Nobody", FALSE, NULL, NULL, &error);
  g_assert_null (target);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, mute));
  g_clear_error (&error);
  target = vo_contacts_target_for_name (f->contacts, "Zebedeus", FALSE, NULL, NULL, &error);
  g_assert_null (target);
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

static void
test_list_search (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create (f, "{'name': <'Émile Zola'>, 'company': <'Les Éditions'>}");
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) found = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) bad_limit = g_variant_ref_sink (g_variant_new_parsed ("{'limit': <uint32 0>}"));
  g_autoptr(GVariant) bad_key = g_variant_ref_sink (g_variant_new_parsed ("{'kind': <'x'>}"));
  g_autoptr(GVariant) page = g_variant_ref_sink (
    g_variant_new_parsed ("{'offset': <uint32 1>, 'limit': <uint32 1>}"));
  g_autoptr(GVariant) only_company = g_variant_ref_sink (
    g_variant_new_parsed ("{'source': <'company'>}"));

  put_row (f, "company:alice", "Alice Smith", "+31201234567", "sip:alice@vo.test", "201");
  put_row (f, "company:bob", "Bob Jones", NULL, "sip:bob@vo.test", "202");
  list = vo_contacts_list (f->contacts, "all", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (list), ==, 3);
  /* The company contacts shown are asked to be watched. */
  g_assert_true (g_ptr_array_find_with_equal_func (f->watched, "sip:alice@vo.test", g_str_equal,
                                                   NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (f->watched, "sip:bob@vo.test", g_str_equal,
                                                   NULL));
  g_clear_pointer (&list, g_variant_unref);
  list = vo_contacts_list (f->contacts, "company", page, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (list), ==, 1);
  dict = g_variant_get_child_value (list, 0);
  g_assert_cmpstr (dict_string (dict, "id"), ==, "company:bob");

  found = vo_contacts_search (f->contacts, "emile", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (found), ==, 1);
  g_clear_pointer (&found, g_variant_unref);
  found = vo_contacts_search (f->contacts, "020 123", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (found), ==, 1);
  g_clear_pointer (&found, g_variant_unref);
  found = vo_contacts_search (f->contacts, "editions", only_company, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (found), ==, 0);

  g_assert_null (vo_contacts_list (f->contacts, "friends", NULL, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (vo_contacts_list (f->contacts, "all", bad_limit, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (vo_contacts_search (f->contacts, "x", bad_key, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "'kind'"));
}

/* Without a service, favorites are local; they list and show. */
static void
test_favorites_local (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create (f, "{'name': <'Fav Person'>}");
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  gboolean favorite = FALSE;

  put_row (f, "company:alice", "Alice Smith", NULL, "sip:alice@vo.test", "201");
  g_assert_true (vo_contacts_set_favorite (f->contacts, "company:alice", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_ptr_array_find_with_equal_func (f->watched, "sip:alice@vo.test", g_str_equal,
                                                   NULL));
  g_assert_true (vo_contacts_set_favorite (f->contacts, id, TRUE, &error));
  wait_changed (f, id);
  list = vo_contacts_list (f->contacts, "favorites", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (list), ==, 2);
  g_assert_true (vo_contacts_set_favorite (f->contacts, id, FALSE, &error));
  dict = vo_contacts_get (f->contacts, id, &error);
  g_assert_true (g_variant_lookup (dict, "favorite", "b", &favorite));
  g_assert_false (favorite);
  g_assert_false (vo_contacts_set_favorite (f->contacts, "personal:gone", TRUE, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* One create after another inside the batch time: one signal. */
static void
test_changed_batched (Fixture *f, gconstpointer data)
{
  g_autofree char *a = create (f, "{'name': <'A'>}");
  g_autofree char *b = create (f, "{'name': <'B'>}");

  wait_changed (f, b);
  g_assert_true (g_hash_table_contains (f->changed, a));
  g_assert_cmpuint (f->changed_signals, ==, 1);
}

static void
test_vcard_round_trip (Fixture *f, gconstpointer data)
{
  static const char vcard[] =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ångström\r\nN:Ångström;Zoë;;;\r\n"
    "TEL;TYPE=CELL:+31 6 1234 5678\r\nTEL;TYPE=WORK:020-7654321\r\n"
    "EMAIL:zoe@example.test\r\nORG:Example BV;Sales\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Second Card\r\nEND:VCARD\r\n";
  static const char broken[] =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fine\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:123\r\nEND:VCARD\r\n";
  g_autoptr(GBytes) in = g_bytes_new_static (vcard, sizeof vcard - 1);
  g_autoptr(GBytes) bad = g_bytes_new_static (broken, sizeof broken - 1);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = vo_contacts_import_vcard (f->contacts, in, &error);
  g_auto(GStrv) again = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) list = NULL;
  const char *id_one[2] = { NULL, NULL };

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  dict = vo_contacts_resolve (f->contacts, "0612345678", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dict_string (dict, "name"), ==, "Zoë Ångström");
  g_assert_cmpstr (dict_string (dict, "department"), ==, "Sales");

  id_one[0] = ids[0];
  out = vo_contacts_export_vcard (f->contacts, id_one, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                  "Zoë Ångström"));
  again = vo_contacts_import_vcard (f->contacts, out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (again), ==, 1);
  g_clear_pointer (&out, g_bytes_unref);
  out = vo_contacts_export_vcard (f->contacts, NULL, &error);
  g_assert_no_error (error);

  /* A bad card: nothing of the file is stored. */
  g_assert_null (vo_contacts_import_vcard (f->contacts, bad, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "card 2"));
  list = vo_contacts_list (f->contacts, "personal", NULL, NULL);
  g_assert_cmpuint (g_variant_n_children (list), ==, 3);
  g_clear_error (&error);
  id_one[0] = "personal:unknown";
  g_assert_null (vo_contacts_export_vcard (f->contacts, id_one, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* Every key once, however many ways a row has it. */
static void
test_row_keys (void)
{
  g_autoptr(VoContactRow) row = vo_contact_row_new ();
  g_auto(GStrv) keys = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *numbers[] = { "020-1234567", "+31 20 123 4567", "0031201234567", NULL };
  const char *uris[] = { "sip:201@vo.test", "sip:alice@vo.test", "sip:Alice@vo.test", NULL };

  g_strfreev (row->numbers);
  row->numbers = g_strdupv ((char **) numbers);
  g_strfreev (row->uris);
  row->uris = g_strdupv ((char **) uris);
  g_free (row->extension);
  row->extension = g_strdup ("201");
  keys = vo_contacts_row_keys (row, "NL");
  for (guint i = 0; keys[i]; i++)
    g_assert_true (g_hash_table_add (seen, keys[i]));
  g_assert_true (g_strv_contains ((const char *const *) keys, "tel:+31201234567"));
  g_assert_true (g_strv_contains ((const char *const *) keys, "ext:201"));
  g_assert_true (g_strv_contains ((const char *const *) keys, "sip:alice@vo.test"));
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("vo-contacts-cache-XXXXXX", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", cache);
  int status;

  /* Before GLib reads it: photos go to a folder of this test. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) \
  g_test_add ("/contacts/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("personal-crud", test_personal_crud);
  ADD ("personal-checks", test_personal_checks);
  ADD ("read-only-sources", test_read_only_sources);
  ADD ("resolve", test_resolve);
  ADD ("target-for-name", test_target_for_name);
  ADD ("list-search", test_list_search);
  ADD ("favorites-local", test_favorites_local);
  ADD ("changed-batched", test_changed_batched);
  ADD ("vcard-round-trip", test_vcard_round_trip);
#undef ADD
  g_test_add_func ("/contacts/row-keys", test_row_keys);
  status = g_test_run ();
  if (system (cmd) != 0)
    status = 1;
  return status;
}
