/* test-message-store.c: conversations and messages in SQLite: one
 * conversation per peer, duplicates stored once, the outbox and receipts
 * queues, read marks, pages newest first, full-text search and deletion.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-error.h"
#include "vo-message-store.h"

#include <glib/gstdio.h>

#define T0 G_GINT64_CONSTANT (1700000000000000)

typedef struct {
  char *dir;
  char *path;
  VoStore *store;
  VoMessageStore *messages;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = vo_store_open (f->path, &error);
  g_assert_no_error (error);
  f->messages = vo_message_store_new (f->store);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->messages);
  g_clear_object (&f->store);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("vo-messages-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "vo.db", NULL);
  fixture_open (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  fixture_close (f);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
conversation (Fixture *f, const char *peer, const char *kind, gboolean expect_created)
{
  g_autoptr(GError) error = NULL;
  gboolean created = !expect_created;
  g_autoptr(VoConversationRow) row =
    vo_message_store_ensure_conversation (f->messages, peer, kind, "", T0, &created, &error);

  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_cmpint (created, ==, expect_created);
  g_assert_cmpstr (row->peer, ==, peer);
  return row->id;
}

/* Inserts a message; returns its row id, or 0 when it was a duplicate. */
static gint64
add (Fixture *f, gint64 conversation_id, const char *direction, const char *text, gint64 time,
     const char *status, const char *dedup, int notify)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gboolean duplicate = TRUE;
  VoMessageRow row = {
    .uuid = uuid,
    .conversation_id = conversation_id,
    .direction = (char *) direction,
    .kind = (char *) "im",
    .text = (char *) text,
    .time_us = time,
    .status = (char *) status,
    .dedup = (char *) dedup,
    .imdn_to = (char *) "sip:alice@vo.test",
    .notify = notify,
    .notify_due = notify & VO_MESSAGE_NOTIFY_DELIVERED,
  };

  g_assert_true (vo_message_store_insert (f->messages, &row, &duplicate, &error));
  g_assert_no_error (error);
  return duplicate ? 0 : row.id;
}

static void
test_conversations (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(VoConversationRow) row = NULL;
  gint64 bob = conversation (f, "sip:bob@vo.test", "im", TRUE);
  gint64 sms = conversation (f, "tel:+15550100", "sms", TRUE);

  g_assert_cmpint (conversation (f, "sip:bob@vo.test", "im", FALSE), ==, bob);
  add (f, bob, "outgoing", "first", T0 + 1, "sent", NULL, 0);
  add (f, bob, "incoming", "second", T0 + 2, "delivered", "d1", 3);
  add (f, bob, "incoming", "third", T0 + 3, "delivered", "d2", 3);
  g_assert_true (vo_message_store_set_peer_name (f->messages, bob, "Bob", &error));

  list = vo_message_store_list_conversations (f->messages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  row = g_steal_pointer (&g_ptr_array_index (list, 0));
  g_assert_cmpint (row->id, ==, bob);
  g_assert_cmpstr (row->peer_name, ==, "Bob");
  g_assert_cmpstr (row->kind, ==, "im");
  g_assert_cmpuint (row->unread, ==, 2);
  g_assert_cmpint (row->last_us, ==, T0 + 3);
  g_assert_cmpstr (row->last_text, ==, "third");
  g_clear_pointer (&row, vo_conversation_row_free);

  row = vo_message_store_get_conversation (f->messages, sms, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (row->unread, ==, 0);
  g_assert_cmpint (row->last_us, ==, 0);
  g_assert_cmpstr (row->last_text, ==, "");
  g_clear_pointer (&row, vo_conversation_row_free);

  row = vo_message_store_get_conversation (f->messages, 999, &error);
  g_assert_null (row);
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* The same message (same dedup key) arriving twice is stored once. */
static void
test_duplicates (Fixture *f, gconstpointer data)
{
  gint64 bob = conversation (f, "sip:bob@vo.test", "im", TRUE);
  g_autoptr(GPtrArray) page = NULL;

  g_assert_cmpint (add (f, bob, "incoming", "hi", T0, "delivered", "imdn bob m1", 0), >, 0);
  g_assert_cmpint (add (f, bob, "incoming", "hi", T0 + 5, "delivered", "imdn bob m1", 0), ==, 0);
  g_assert_cmpint (add (f, bob, "incoming", "hi", T0, "delivered", "sip call 1", 0), >, 0);
  /* Outgoing messages have no dedup key: NULLs never clash. */
  g_assert_cmpint (add (f, bob, "outgoing", "a", T0, "pending", NULL, 0), >, 0);
  g_assert_cmpint (add (f, bob, "outgoing", "a", T0, "pending", NULL, 0), >, 0);
  page = vo_message_store_page (f->messages, bob, G_MAXINT64, G_MAXINT64, 100, NULL);
  g_assert_cmpuint (page->len, ==, 4);
}

static void
assert_ids (GArray *ids, const gint64 *expected, guint n)
{
  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

/* The outbox and the receipt queue survive a restart (a new connection). */
static void
test_outbox_and_receipts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) outbox = NULL;
  g_autoptr(GArray) receipts = NULL;
  g_autoptr(GArray) read = NULL;
  g_autoptr(VoMessageRow) row = NULL;
  gint64 bob = conversation (f, "sip:bob@vo.test", "im", TRUE);
  gint64 p1 = add (f, bob, "outgoing", "one", T0, "pending", NULL, 0);
  gint64 p2 = add (f, bob, "outgoing", "two", T0 + 1, "pending", NULL, 0);
  gint64 in1 = add (f, bob, "incoming", "x", T0 + 2, "delivered", "k1", 3);
  gint64 in2 = add (f, bob, "incoming", "y", T0 + 3, "delivered", "k2", 0);

  g_assert_true (vo_message_store_set_status (f->messages, p1, "sent", "", &error));
  fixture_close (f);
  fixture_open (f);

  outbox = vo_message_store_list_outbox (f->messages, &error);
  assert_ids (outbox, (gint64[]){ p2 }, 1);
  receipts = vo_message_store_list_receipts (f->messages, &error);
  assert_ids (receipts, (gint64[]){ in1 }, 1);
  g_clear_pointer (&receipts, g_array_unref);

  g_assert_true (vo_message_store_add_notify_sent (f->messages, in1, VO_MESSAGE_NOTIFY_DELIVERED,
                                                   &error));
  receipts = vo_message_store_list_receipts (f->messages, &error);
  assert_ids (receipts, NULL, 0);
  g_clear_pointer (&receipts, g_array_unref);

  /* Reading makes the display receipt due where it was asked for. */
  read = vo_message_store_mark_read (f->messages, bob, &error);
  g_assert_no_error (error);
  assert_ids (read, (gint64[]){ in1, in2 }, 2);
  receipts = vo_message_store_list_receipts (f->messages, &error);
  assert_ids (receipts, (gint64[]){ in1 }, 1);
  row = vo_message_store_get_by_id (f->messages, in1, &error);
  g_assert_cmpstr (row->status, ==, "read");
  g_assert_cmpint (row->notify_due, ==, 3);
  g_assert_cmpint (row->notify_sent, ==, 1);
  g_clear_pointer (&read, g_array_unref);
  read = vo_message_store_mark_read (f->messages, bob, &error);
  assert_ids (read, NULL, 0);

  g_clear_pointer (&row, vo_message_row_free);
  row = vo_message_store_get (f->messages, "no-such-id", &error);
  g_assert_null (row);
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
}

/* Pages: newest first, by time then insertion order, continuing before a row. */
static void
test_pages (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 bob = conversation (f, "sip:bob@vo.test", "im", TRUE);
  gint64 carol = conversation (f, "sip:carol@vo.test", "im", TRUE);
  gint64 ids[10];
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) older = NULL;

  for (int i = 0; i < 10; i++) {
    g_autofree char *text = g_strdup_printf ("m%d", i);

    /* Two messages share each time: the row id breaks the tie. */
    ids[i] = add (f, bob, "outgoing", text, T0 + i / 2, "sent", NULL, 0);
  }
  add (f, carol, "outgoing", "other", T0 + 100, "sent", NULL, 0);

  first = vo_message_store_page (f->messages, bob, G_MAXINT64, G_MAXINT64, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (((VoMessageRow *) first->pdata[i])->id, ==, ids[9 - i]);
  second = vo_message_store_page (f->messages, bob, ((VoMessageRow *) first->pdata[3])->time_us,
                                  ((VoMessageRow *) first->pdata[3])->id, 100, &error);
  g_assert_cmpuint (second->len, ==, 6);
  g_assert_cmpint (((VoMessageRow *) second->pdata[0])->id, ==, ids[5]);
  g_assert_cmpint (((VoMessageRow *) second->pdata[5])->id, ==, ids[0]);
  /* Strictly before a time: both messages at T0 + 1 are left out. */
  older = vo_message_store_page (f->messages, bob, T0 + 2, G_MININT64, 100, &error);
  g_assert_cmpuint (older->len, ==, 4);
  g_assert_cmpint (((VoMessageRow *) older->pdata[0])->id, ==, ids[3]);
}

static void
test_fts_query (Fixture *f, gconstpointer data)
{
  const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "hello", "\"hello\"*" },
    { "  hello   wor ", "\"hello\" \"wor\"*" },
    { "say \"hi\"", "\"say\" \"\"\"hi\"\"\"*" },
    { "a OR b NOT c", "\"a\" \"OR\" \"b\" \"NOT\" \"c\"*" },
    { "x* -- !!", "\"x*\"*" },
    { "", NULL },
    { " ... !! ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *got = vo_message_store_fts_query (cases[i].in);

    g_assert_cmpstr (got, ==, cases[i].out);
  }
}

static guint
search_count (Fixture *f, const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vo_message_store_search (f->messages, query, 0, 100, &error);

  g_assert_no_error (error);
  return rows->len;
}

static void
test_search_and_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 bob = conversation (f, "sip:bob@vo.test", "im", TRUE);
  gint64 carol = conversation (f, "sip:carol@vo.test", "im", TRUE);

  add (f, bob, "outgoing", "Lunch at noon?", T0, "sent", NULL, 0);
  add (f, bob, "incoming", "Yes, lunch sounds great", T0 + 1, "delivered", "k1", 0);
  add (f, carol, "incoming", "Café crème after lunch", T0 + 2, "delivered", "k2", 0);
  add (f, carol, "outgoing", "quarterly report", T0 + 3, "sent", NULL, 0);

  g_assert_cmpuint (search_count (f, "lunch"), ==, 3);
  g_assert_cmpuint (search_count (f, "LUNCH great"), ==, 1);
  g_assert_cmpuint (search_count (f, "lun"), ==, 3);
  g_assert_cmpuint (search_count (f, "cafe"), ==, 1);      /* diacritics folded */
  g_assert_cmpuint (search_count (f, "report\" OR \"x"), ==, 0);
  g_assert_cmpuint (search_count (f, "NEAR(lunch"), ==, 0);
  g_assert_cmpuint (search_count (f, "!!"), ==, 0);

  rows = vo_message_store_search (f->messages, "lunch", 0, 2, &error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((VoMessageRow *) rows->pdata[0])->text, ==, "Café crème after lunch");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vo_message_store_search (f->messages, "lunch", 2, 2, &error);
  g_assert_cmpuint (rows->len, ==, 1);

  g_assert_true (vo_message_store_delete_conversation (f->messages, carol, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (f, "lunch"), ==, 2);
  g_assert_cmpuint (search_count (f, "report"), ==, 0);
  g_assert_false (vo_message_store_delete_conversation (f->messages, carol, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_FOUND);
  /* The id names a D-Bus object: never handed out again, even the highest. */
  g_assert_cmpint (conversation (f, "sip:carol@vo.test", "im", TRUE), >, carol);
}

/* A failed step leaves the transaction undone. */
static void
test_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gboolean created;
  g_autoptr(VoConversationRow) row = NULL;

  g_assert_true (vo_message_store_begin (f->messages, &error));
  row = vo_message_store_ensure_conversation (f->messages, "sip:x@vo.test", "im", "", T0,
                                              &created, &error);
  g_assert_nonnull (row);
  vo_message_store_rollback (f->messages);
  list = vo_message_store_list_conversations (f->messages, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/message-store/conversations", test_conversations);
  ADD ("/message-store/duplicates", test_duplicates);
  ADD ("/message-store/outbox-and-receipts", test_outbox_and_receipts);
  ADD ("/message-store/pages", test_pages);
  ADD ("/message-store/fts-query", test_fts_query);
  ADD ("/message-store/search-and-delete", test_search_and_delete);
  ADD ("/message-store/rollback", test_rollback);
#undef ADD
  return g_test_run ();
}
