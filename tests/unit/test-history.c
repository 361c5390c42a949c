/* test-history.c: VoHistory stores calls, lists them by kind and page, and
 * keeps the unseen-missed count.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-history.h"
#include "vo-error.h"

#include <glib/gstdio.h>

#define T0 G_GINT64_CONSTANT (1700000000000000) /* 2023-11-14, µs */
#define MINUTE (60 * G_USEC_PER_SEC)

typedef struct {
  char *dir;
  char *path;
  VoStore *store;
  VoHistory *history;
  GPtrArray *added; /* a{sv} of each "added" */
  guint notifies;
} Fixture;

static void
on_added (VoHistory *history, GVariant *entry, Fixture *f)
{
  g_ptr_array_add (f->added, g_variant_ref (entry));
}

static void
on_notify (GObject *object, GParamSpec *pspec, Fixture *f)
{
  f->notifies++;
}

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = vo_store_open (f->path, &error);
  g_assert_no_error (error);
  f->history = vo_history_new (f->store);
  g_signal_connect (f->history, "added", G_CALLBACK (on_added), f);
  g_signal_connect (f->history, "notify::unseen-missed", G_CALLBACK (on_notify), f);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->history);
  g_clear_object (&f->store);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("vo-history-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "vo.db", NULL);
  f->added = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  fixture_open (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  fixture_close (f);
  g_ptr_array_unref (f->added);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->path);
}

/* Adds a call at T0 + @minute minutes; answered calls last 65 s. */
static char *
add_call (Fixture *f, VoHistoryDirection direction, gboolean missed, int minute,
          const char *uri)
{
  g_autoptr(GError) error = NULL;
  VoHistoryEntry entry = {
    .direction = direction,
    .remote_uri = uri,
    .start_us = T0 + minute * MINUTE,
    .answer_us = missed ? 0 : T0 + minute * MINUTE + 5 * G_USEC_PER_SEC,
    .end_us = T0 + minute * MINUTE + (missed ? 30 : 70) * G_USEC_PER_SEC,
    .reason = missed ? "no-answer" : "remote",
    .missed = missed,
  };
  char *id = vo_history_add (f->history, &entry, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static GVariant *
list (Fixture *f, const char *kind, guint offset, guint limit, gint64 since)
{
  g_autoptr(GError) error = NULL;
  VoHistoryFilter filter = VO_HISTORY_FILTER_INIT;
  GVariant *entries;

  filter.kind = kind;
  filter.offset = offset;
  filter.limit = limit;
  filter.since = since;
  entries = vo_history_list (f->history, &filter, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (entries, G_VARIANT_TYPE ("aa{sv}")));
  return entries;
}

static const char *
entry_string (GVariant *entry, const char *key)
{
  const char *value = NULL;

  g_assert_true (g_variant_lookup (entry, key, "&s", &value));
  return value;
}

static gint64
entry_int64 (GVariant *entry, const char *key)
{
  gint64 value = 0;

  g_assert_true (g_variant_lookup (entry, key, "x", &value));
  return value;
}

static gboolean
entry_bool (GVariant *entry, const char *key)
{
  gboolean value = FALSE;

  g_assert_true (g_variant_lookup (entry, key, "b", &value));
  return value;
}

/* The ids of a list, newest first, as one "a,b,c" string for easy asserts. */
static char *
list_ids (GVariant *entries, char **ids_by_index, guint n)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < g_variant_n_children (entries); i++) {
    g_autoptr(GVariant) entry = g_variant_get_child_value (entries, i);
    const char *id = entry_string (entry, "id");
    guint index = G_MAXUINT;

    for (guint j = 0; j < n; j++)
      if (g_str_equal (ids_by_index[j], id))
        index = j;
    g_assert_cmpuint (index, !=, G_MAXUINT);
    g_string_append_printf (out, "%s%u", out->len ? "," : "", index);
  }
  return g_string_free (out, FALSE);
}

static void
test_add_and_get (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GVariant) entry = NULL;
  VoHistoryEntry in = {
    .direction = VO_HISTORY_DIRECTION_OUTGOING,
    .remote_uri = "sip:+31-20-555-0100@vo.test;user=phone",
    .name = "Bob Builder",
    .contact_id = "company:42",
    .start_us = T0,
    .answer_us = T0 + 3 * G_USEC_PER_SEC,
    .end_us = T0 + 3 * G_USEC_PER_SEC + 61600000, /* 61.6 s answered */
    .reason = "local",
  };
  guint32 duration = 0;

  id = vo_history_add (f->history, &in, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (id));

  entry = vo_history_get (f->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (entry), ==, 13);
  g_assert_cmpstr (entry_string (entry, "id"), ==, id);
  g_assert_cmpstr (entry_string (entry, "direction"), ==, "outgoing");
  g_assert_cmpstr (entry_string (entry, "remote-uri"), ==, in.remote_uri);
  g_assert_cmpstr (entry_string (entry, "number"), ==, "+31205550100");
  g_assert_cmpstr (entry_string (entry, "name"), ==, "Bob Builder");
  g_assert_cmpstr (entry_string (entry, "contact-id"), ==, "company:42");
  g_assert_cmpint (entry_int64 (entry, "start"), ==, in.start_us);
  g_assert_cmpint (entry_int64 (entry, "answer"), ==, in.answer_us);
  g_assert_cmpint (entry_int64 (entry, "end"), ==, in.end_us);
  g_assert_true (g_variant_lookup (entry, "duration", "u", &duration));
  g_assert_cmpuint (duration, ==, 62);
  g_assert_cmpstr (entry_string (entry, "reason"), ==, "local");
  g_assert_false (entry_bool (entry, "missed"));
  /* Only a missed call waits to be seen. */
  g_assert_true (entry_bool (entry, "seen"));

  /* "added" carried the same entry. */
  g_assert_cmpuint (f->added->len, ==, 1);
  g_assert_true (g_variant_equal (g_ptr_array_index (f->added, 0), entry));
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 0);
  g_assert_cmpuint (f->notifies, ==, 0);
}

static void
test_missed_and_number (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GVariant) entry = NULL;
  guint32 duration = 99;
  VoHistoryEntry in = {
    .direction = VO_HISTORY_DIRECTION_INCOMING,
    .remote_uri = "sip:carol@vo.test",
    .number = "+1 555 0199", /* given: kept as is */
    .name = "Caro\xffl",     /* not UTF-8: made valid */
    .start_us = T0,
    .end_us = T0 + 20 * G_USEC_PER_SEC,
    .reason = "no-answer",
    .missed = TRUE,
  };

  id = vo_history_add (f->history, &in, &error);
  g_assert_no_error (error);
  entry = vo_history_get (f->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (entry_string (entry, "number"), ==, "+1 555 0199");
  g_assert_true (g_utf8_validate (entry_string (entry, "name"), -1, NULL));
  g_assert_nonnull (strstr (entry_string (entry, "name"), "Caro"));
  g_assert_cmpstr (entry_string (entry, "contact-id"), ==, "");
  g_assert_cmpint (entry_int64 (entry, "answer"), ==, 0);
  g_assert_true (g_variant_lookup (entry, "duration", "u", &duration));
  g_assert_cmpuint (duration, ==, 0);
  g_assert_true (entry_bool (entry, "missed"));
  g_assert_false (entry_bool (entry, "seen"));
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 1);
  g_assert_cmpuint (f->notifies, ==, 1);

  /* Not a number in the URI: empty. */
  g_clear_pointer (&id, g_free);
  g_clear_pointer (&entry, g_variant_unref);
  in.number = NULL;
  id = vo_history_add (f->history, &in, &error);
  g_assert_no_error (error);
  entry = vo_history_get (f->history, id, &error);
  g_assert_cmpstr (entry_string (entry, "number"), ==, "");
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 2);
}

static void
test_bad_entries (Fixture *f, gconstpointer data)
{
  VoHistoryEntry in = {
    .direction = VO_HISTORY_DIRECTION_OUTGOING,
    .remote_uri = "sip:bob@vo.test",
    .start_us = T0,
  };
  VoHistoryEntry bad;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  bad = in;
  bad.remote_uri = "";
  id = vo_history_add (f->history, &bad, &error);
  g_assert_null (id);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bad = in;
  bad.start_us = 0;
  g_assert_null (vo_history_add (f->history, &bad, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bad = in;
  bad.missed = TRUE; /* outgoing */
  g_assert_null (vo_history_add (f->history, &bad, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bad = in;
  bad.direction = 7;
  g_assert_null (vo_history_add (f->history, &bad, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpuint (f->added->len, ==, 0);
}

/* The ids of a page, as indexes into @ids: "2,0,1". */
static char *
page_of (Fixture *f, char **ids, guint n, const char *kind, guint offset, guint limit,
         gint64 since)
{
  g_autoptr(GVariant) entries = list (f, kind, offset, limit, since);

  return list_ids (entries, ids, n);
}

static void
test_list_kinds_and_pages (Fixture *f, gconstpointer data)
{
  char *ids[8];
  const struct {
    const char *kind;
    guint offset;
    guint limit;
    gint64 since;
    const char *expected;
  } pages[] = {
    { NULL, 0, 100, G_MININT64, "7,6,2,4,3,5,1,0" },
    { "all", 0, 100, G_MININT64, "7,6,2,4,3,5,1,0" },
    { "missed", 0, 100, G_MININT64, "3,5,1" },
    { "incoming", 0, 100, G_MININT64, "7,2,3,5,1" }, /* missed ones included */
    { "outgoing", 0, 100, G_MININT64, "6,4,0" },
    { "all", 2, 3, G_MININT64, "2,4,3" },
    { "all", 6, 3, G_MININT64, "1,0" },
    { "all", 8, 3, G_MININT64, "" },
    { "incoming", 1, 2, G_MININT64, "2,3" },
    { "missed", 0, 100, T0 + 2 * MINUTE, "3,5" }, /* since is inclusive */
    { "all", 1, 100, T0 + 4 * MINUTE, "6,2,4" },
    { "outgoing", 0, 100, T0 + 7 * MINUTE, "" },
  };

  /* Added out of time order: the list sorts by start. */
  ids[0] = add_call (f, VO_HISTORY_DIRECTION_OUTGOING, FALSE, 0, "sip:1001@vo.test");
  ids[1] = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 1, "sip:1002@vo.test");
  ids[2] = add_call (f, VO_HISTORY_DIRECTION_INCOMING, FALSE, 5, "sip:1003@vo.test");
  ids[3] = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 3, "sip:1004@vo.test");
  ids[4] = add_call (f, VO_HISTORY_DIRECTION_OUTGOING, FALSE, 4, "sip:1005@vo.test");
  ids[5] = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 2, "sip:1006@vo.test");
  /* Same start: the one added later comes first. */
  ids[6] = add_call (f, VO_HISTORY_DIRECTION_OUTGOING, FALSE, 6, "sip:1007@vo.test");
  ids[7] = add_call (f, VO_HISTORY_DIRECTION_INCOMING, FALSE, 6, "sip:1008@vo.test");

  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++) {
    g_autofree char *page = page_of (f, ids, G_N_ELEMENTS (ids), pages[i].kind,
                                     pages[i].offset, pages[i].limit, pages[i].since);

    g_test_message ("page %" G_GSIZE_FORMAT ": %s", i, page);
    g_assert_cmpstr (page, ==, pages[i].expected);
  }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

static void
test_bad_filters (Fixture *f, gconstpointer data)
{
  const struct {
    const char *kind;
    guint limit;
  } bad[] = {
    { "unseen", 10 }, { "", 10 }, { "MISSED", 10 }, { NULL, 0 }, { NULL, VO_HISTORY_LIMIT_MAX + 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;
    VoHistoryFilter filter = VO_HISTORY_FILTER_INIT;
    g_autoptr(GVariant) entries = NULL;

    filter.kind = bad[i].kind;
    filter.limit = bad[i].limit;
    entries = vo_history_list (f->history, &filter, &error);
    g_assert_null (entries);
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_get_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();

  g_assert_null (vo_history_get (f->history, id, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, id));
}

static gboolean
is_seen (Fixture *f, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) entry = vo_history_get (f->history, id, &error);

  g_assert_no_error (error);
  return entry_bool (entry, "seen");
}

static void
test_mark_seen (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 0, "sip:a@vo.test");
  g_autofree char *b = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 1, "sip:b@vo.test");
  g_autofree char *c = add_call (f, VO_HISTORY_DIRECTION_INCOMING, FALSE, 2, "sip:c@vo.test");
  g_autofree char *unknown = g_uuid_string_random ();
  const char *with_unknown[] = { a, unknown, NULL };
  const char *twice[] = { a, c, a, NULL };
  const char *none[] = { NULL };

  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 2);
  g_assert_cmpuint (f->notifies, ==, 2);

  /* All or nothing. */
  g_assert_false (vo_history_mark_seen (f->history, with_unknown, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, unknown));
  g_clear_error (&error);
  g_assert_false (is_seen (f, a));
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 2);
  g_assert_cmpuint (f->notifies, ==, 2);

  g_assert_true (vo_history_mark_seen (f->history, twice, &error));
  g_assert_no_error (error);
  g_assert_true (is_seen (f, a));
  g_assert_false (is_seen (f, b));
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 1);
  g_assert_cmpuint (f->notifies, ==, 3);

  /* Again, and an empty list: fine, nothing changes, no notify. */
  g_assert_true (vo_history_mark_seen (f->history, twice, &error));
  g_assert_true (vo_history_mark_seen (f->history, none, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->notifies, ==, 3);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 0, "sip:a@vo.test");
  g_autofree char *b = add_call (f, VO_HISTORY_DIRECTION_OUTGOING, FALSE, 1, "sip:b@vo.test");
  g_autofree char *c = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 2, "sip:c@vo.test");
  const char *with_unknown[] = { a, b, "no-such-id", NULL };
  const char *ab[] = { a, b, NULL };
  g_autoptr(GVariant) entries = NULL;
  g_autoptr(GVariant) entry = NULL;

  g_assert_false (vo_history_delete (f->history, with_unknown, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  entries = list (f, NULL, 0, 100, G_MININT64);
  g_assert_cmpuint (g_variant_n_children (entries), ==, 3);

  g_assert_true (vo_history_delete (f->history, ab, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_variant_unref);
  entries = list (f, NULL, 0, 100, G_MININT64);
  g_assert_cmpuint (g_variant_n_children (entries), ==, 1);
  g_assert_null (vo_history_get (f->history, a, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  entry = vo_history_get (f->history, c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 1);

  /* Deleting a deleted entry: not found. */
  g_assert_false (vo_history_delete (f->history, ab, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

static void
test_survives_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 0, "sip:a@vo.test");
  g_autofree char *b = add_call (f, VO_HISTORY_DIRECTION_INCOMING, TRUE, 1, "sip:b@vo.test");
  g_autofree char *c = add_call (f, VO_HISTORY_DIRECTION_OUTGOING, FALSE, 2, "sip:c@vo.test");
  const char *seen[] = { b, NULL };
  g_autoptr(GVariant) entries = NULL;
  g_autofree char *order = NULL;
  char *ids[] = { a, b, c };

  g_assert_true (vo_history_mark_seen (f->history, seen, &error));
  fixture_close (f);

  fixture_open (f);
  g_assert_cmpuint (vo_history_get_unseen_missed (f->history), ==, 1);
  entries = list (f, NULL, 0, 10, G_MININT64);
  order = list_ids (entries, ids, G_N_ELEMENTS (ids));
  g_assert_cmpstr (order, ==, "2,1,0");
  g_assert_false (is_seen (f, a));
  g_assert_true (is_seen (f, b));
}

static void
test_number_from_uri (void)
{
  const struct {
    const char *uri;
    const char *number;
  } cases[] = {
    { "sip:+15550100@vo.test", "+15550100" },
    { "sips:1001@pbx.example.com:5061;transport=tls", "1001" },
    { "sip:+1-555-0100@vo.test;user=phone", "+15550100" },
    { "SIP:0031205550100@vo.test", "0031205550100" },
    { "tel:+1.555.0100;phone-context=example.com", "+15550100" },
    { "tel:(555)0100", "5550100" },
    { "sip:%2B15550100@vo.test", "+15550100" },
    { "Bob <sip:+15550100@vo.test>", "+15550100" },
    { "+15550100", "+15550100" },
    { "sip:alice@vo.test", "" },
    { "sip:1001x@vo.test", "" },
    { "sip:1+001@vo.test", "" },
    { "sip:++1001@vo.test", "" },
    { "sip:+@vo.test", "" },
    { "sip:*97@vo.test", "" },
    { "sip:vo.test", "" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *number = vo_history_number_from_uri (cases[i].uri);

    g_assert_cmpstr (number, ==, cases[i].number);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/history/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("add-and-get", test_add_and_get);
  ADD ("missed-and-number", test_missed_and_number);
  ADD ("bad-entries", test_bad_entries);
  ADD ("list-kinds-and-pages", test_list_kinds_and_pages);
  ADD ("bad-filters", test_bad_filters);
  ADD ("get-unknown", test_get_unknown);
  ADD ("mark-seen", test_mark_seen);
  ADD ("delete", test_delete);
  ADD ("survives-reopen", test_survives_reopen);
#undef ADD
  g_test_add_func ("/history/number-from-uri", test_number_from_uri);
  return g_test_run ();
}
