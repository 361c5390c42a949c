/* test-outbox.c: the outbox against a fake transport and a real message
 * store: per-peer order one request at a time, backoff on no final answer,
 * a refusal's reason, nothing sent until the transport is ready, CPIM
 * refused with 415 sent again as plain text, SMS as plain text, and
 * receipts sent and marked.
 *
 * The fake stands where the daemon has SIP (vo-message-sip-transport.c), as
 * power-profiles-daemon's tests put fake drivers under the real daemon.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-message-outbox.h"
#include "vo-sip-imdn.h"

#include <glib/gstdio.h>
#include <string.h>

#define T0 G_GINT64_CONSTANT (1700000000000000)
#define BOB "sip:bob@vo.test"
#define CAROL "sip:carol@vo.test"
#define PLAIN_TYPE "text/plain;charset=utf-8"
/* The first retry's wait here; the daemon's is 1 s. */
#define BACKOFF_MS 20
/* How long a test waits for something that should come at once. */
#define WAIT_LIMIT_US (5 * G_USEC_PER_SEC)

/* ---- the fake transport ---------------------------------------------- */

/* One request the outbox made. */
typedef struct {
  char *target;
  char *type;
  char *body;
  gint64 time_us;
  VoMessageRequest *request;
} FakeSend;

static void
fake_send_free (FakeSend *send)
{
  g_free (send->target);
  g_free (send->type);
  g_free (send->body);
  g_object_unref (send->request);
  g_free (send);
}

#define FAKE_TYPE_TRANSPORT (fake_transport_get_type ())
G_DECLARE_FINAL_TYPE (FakeTransport, fake_transport, FAKE, TRANSPORT, GObject)

struct _FakeTransport {
  GObject parent_instance;

  gboolean ready;
  GPtrArray *sent; /* FakeSend *, oldest first */
};

static void fake_transport_iface_init (VoMessageTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeTransport, fake_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VO_TYPE_MESSAGE_TRANSPORT,
                                                      fake_transport_iface_init))

static gboolean
fake_is_ready (VoMessageTransport *transport)
{
  return FAKE_TRANSPORT (transport)->ready;
}

static char *
fake_dup_local_uri (VoMessageTransport *transport)
{
  return g_strdup ("sip:me@vo.test");
}

static const char *
fake_get_domain (VoMessageTransport *transport)
{
  return "vo.test";
}

static VoMessageRequest *
fake_send (VoMessageTransport *transport, const char *target_uri, const char *content_type,
           const char *body)
{
  FakeSend *send = g_new0 (FakeSend, 1);

  send->target = g_strdup (target_uri);
  send->type = g_strdup (content_type);
  send->body = g_strdup (body);
  send->time_us = g_get_monotonic_time ();
  send->request = vo_message_request_new (NULL);
  g_ptr_array_add (FAKE_TRANSPORT (transport)->sent, send);
  return g_object_ref (send->request);
}

static void
fake_transport_iface_init (VoMessageTransportInterface *iface)
{
  iface->is_ready = fake_is_ready;
  iface->dup_local_uri = fake_dup_local_uri;
  iface->get_domain = fake_get_domain;
  iface->send = fake_send;
}

static void
fake_transport_finalize (GObject *object)
{
  g_ptr_array_unref (FAKE_TRANSPORT (object)->sent);
  G_OBJECT_CLASS (fake_transport_parent_class)->finalize (object);
}

static void
fake_transport_class_init (FakeTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_transport_finalize;
}

static void
fake_transport_init (FakeTransport *self)
{
  self->ready = TRUE;
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_send_free);
}

static void
fake_transport_set_ready (FakeTransport *self, gboolean ready)
{
  self->ready = ready;
  g_signal_emit_by_name (self, "ready-changed");
}

/* ---- fixture ---------------------------------------------------------- */

/* One "message-finished" of the outbox. */
typedef struct {
  gint64 id;
  gboolean accepted;
  char *reason;
} Finished;

static void
finished_free (Finished *finished)
{
  g_free (finished->reason);
  g_free (finished);
}

typedef struct {
  char *dir;
  VoStore *store;
  VoMessageStore *messages;
  VoConfig *config;
  FakeTransport *transport;
  VoMessageOutbox *outbox;
  GPtrArray *finished; /* Finished * */
} Fixture;

static void
on_message_finished (VoMessageOutbox *outbox, gint64 id, gboolean accepted, const char *reason,
                     gpointer user_data)
{
  Fixture *f = user_data;
  Finished *finished = g_new0 (Finished, 1);

  finished->id = id;
  finished->accepted = accepted;
  finished->reason = g_strdup (reason);
  g_ptr_array_add (f->finished, finished);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("vo-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "vo.db", NULL);
  f->store = vo_store_open (path, &error);
  g_assert_no_error (error);
  f->messages = vo_message_store_new (f->store);
  f->config = vo_config_load (f->dir, &error);
  g_assert_no_error (error);
  f->transport = g_object_new (FAKE_TYPE_TRANSPORT, NULL);
  f->outbox = vo_message_outbox_new (f->messages, VO_MESSAGE_TRANSPORT (f->transport),
                                     f->config);
  vo_message_outbox_set_first_backoff_ms (f->outbox, BACKOFF_MS);
  f->finished = g_ptr_array_new_with_free_func ((GDestroyNotify) finished_free);
  g_signal_connect (f->outbox, "message-finished", G_CALLBACK (on_message_finished), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->outbox);
  g_clear_object (&f->transport);
  g_clear_object (&f->config);
  g_clear_object (&f->messages);
  g_clear_object (&f->store);
  g_clear_pointer (&f->finished, g_ptr_array_unref);
  /* The outbox's idle and retry sources are gone with it. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);

    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* A phone number is an SMS conversation, anyone else an IM one. */
static const char *
kind_of (const char *peer)
{
  return g_str_has_prefix (peer, "tel:") ? "sms" : "im";
}

static gint64
conversation (Fixture *f, const char *peer)
{
  g_autoptr(GError) error = NULL;
  gboolean created;
  g_autoptr(VoConversationRow) row =
    vo_message_store_ensure_conversation (f->messages, peer, kind_of (peer), "", T0, &created,
                                          &error);

  g_assert_no_error (error);
  return row->id;
}

/* Stores a pending outgoing message to @peer and queues it; returns its row
 * id. */
static gint64
queue_message (Fixture *f, const char *peer, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 conversation_id = conversation (f, peer);
  gboolean duplicate = TRUE;
  VoMessageRow row = {
    .uuid = uuid,
    .conversation_id = conversation_id,
    .direction = (char *) "outgoing",
    .kind = (char *) kind_of (peer),
    .text = (char *) text,
    .time_us = g_get_real_time (),
    .status = (char *) "pending",
    .imdn_to = (char *) "",
    .notify = VO_MESSAGE_NOTIFY_DELIVERED | VO_MESSAGE_NOTIFY_DISPLAYED,
  };

  g_assert_true (vo_message_store_insert (f->messages, &row, &duplicate, &error));
  g_assert_no_error (error);
  g_assert_false (duplicate);
  vo_message_outbox_queue_message (f->outbox, conversation_id, peer, row.id);
  return row.id;
}

/* Runs what is due now (the outbox pumps from idle callbacks), without
 * waiting for any timer. */
static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs the main loop until the transport has had @n requests. */
static void
wait_for_sent (Fixture *f, guint n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (f->transport->sent->len < n) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_main_context_iteration (NULL, TRUE);
  }
  settle ();
  g_assert_cmpuint (f->transport->sent->len, ==, n);
}

static FakeSend *
sent (Fixture *f, guint i)
{
  g_assert_cmpuint (i, <, f->transport->sent->len);
  return g_ptr_array_index (f->transport->sent, i);
}

static void
answer (Fixture *f, guint i, VoSipMessageResult result, int status, const char *phrase)
{
  vo_message_request_finish (sent (f, i)->request, result, status, phrase);
  settle ();
}

static void
assert_message (FakeSend *send, const char *target, const char *text)
{
  g_assert_cmpstr (send->target, ==, target);
  g_assert_cmpstr (send->type, ==, VO_SIP_CPIM_TYPE);
  g_assert_nonnull (strstr (send->body, text));
}

static void
assert_finished (Fixture *f, guint i, gint64 id, gboolean accepted, const char *reason)
{
  Finished *finished;

  g_assert_cmpuint (i, <, f->finished->len);
  finished = g_ptr_array_index (f->finished, i);
  g_assert_cmpint (finished->id, ==, id);
  g_assert_cmpint (finished->accepted, ==, accepted);
  g_assert_cmpstr (finished->reason, ==, reason);
}

/* ---- tests ------------------------------------------------------------ */

/* A peer's messages go one at a time in the order queued; another peer's
 * do not wait for them. */
static void
test_order_per_peer (Fixture *f, gconstpointer data)
{
  gint64 first = queue_message (f, BOB, "first");
  gint64 second = queue_message (f, BOB, "second");
  gint64 third = queue_message (f, BOB, "third");
  gint64 hello = queue_message (f, CAROL, "hello");
  guint bob, carol;

  /* The two peers' first requests, in either order. */
  wait_for_sent (f, 2);
  bob = g_str_equal (sent (f, 0)->target, BOB) ? 0 : 1;
  carol = 1 - bob;
  assert_message (sent (f, bob), BOB, "first");
  assert_message (sent (f, carol), CAROL, "hello");

  answer (f, bob, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  assert_finished (f, 0, first, TRUE, "");
  wait_for_sent (f, 3);
  assert_message (sent (f, 2), BOB, "second");

  answer (f, carol, VO_SIP_MESSAGE_ACCEPTED, 202, "Accepted");
  assert_finished (f, 1, hello, TRUE, "");
  answer (f, 2, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  assert_finished (f, 2, second, TRUE, "");
  wait_for_sent (f, 4);
  assert_message (sent (f, 3), BOB, "third");
  answer (f, 3, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  assert_finished (f, 3, third, TRUE, "");
  settle ();
  g_assert_cmpuint (f->transport->sent->len, ==, 4);
  g_assert_cmpuint (f->finished->len, ==, 4);
}

/* No final answer: the same message again after a wait that doubles, the
 * messages behind it still waiting; nothing is reported until it ends. */
static void
test_retry_with_backoff (Fixture *f, gconstpointer data)
{
  gint64 id = queue_message (f, BOB, "again");

  queue_message (f, BOB, "behind");
  wait_for_sent (f, 1);
  answer (f, 0, VO_SIP_MESSAGE_RETRY, 503, "Service Unavailable");
  g_assert_cmpuint (f->transport->sent->len, ==, 1);

  wait_for_sent (f, 2);
  assert_message (sent (f, 1), BOB, "again");
  g_assert_cmpint (sent (f, 1)->time_us - sent (f, 0)->time_us, >=, BACKOFF_MS * 1000);
  answer (f, 1, VO_SIP_MESSAGE_RETRY, 408, "Request Timeout");

  wait_for_sent (f, 3);
  assert_message (sent (f, 2), BOB, "again");
  g_assert_cmpint (sent (f, 2)->time_us - sent (f, 1)->time_us, >=, 2 * BACKOFF_MS * 1000);
  g_assert_cmpuint (f->finished->len, ==, 0);

  answer (f, 2, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  assert_finished (f, 0, id, TRUE, "");
  wait_for_sent (f, 4);
  assert_message (sent (f, 3), BOB, "behind");
}

/* A final refusal ends the message with the peer's answer as the reason;
 * the next message goes. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  gint64 id = queue_message (f, BOB, "nobody");

  queue_message (f, BOB, "next");
  wait_for_sent (f, 1);
  answer (f, 0, VO_SIP_MESSAGE_REFUSED, 404, "Not Found");
  assert_finished (f, 0, id, FALSE, BOB " refused the message: 404 Not Found");
  wait_for_sent (f, 2);
  assert_message (sent (f, 1), BOB, "next");
  g_assert_cmpuint (f->finished->len, ==, 1);
}

static gint64
incoming_with_receipts (Fixture *f, const char *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gboolean duplicate = TRUE;
  VoMessageRow row = {
    .uuid = uuid,
    .conversation_id = conversation (f, peer),
    .direction = (char *) "incoming",
    .kind = (char *) "im",
    .text = (char *) "tell me",
    .time_us = T0,
    .status = (char *) "delivered",
    .dedup = uuid,
    .imdn_id = (char *) "imdn-1",
    .imdn_datetime = (char *) "2023-11-14T22:13:20Z",
    .imdn_to = (char *) peer,
    .notify = VO_MESSAGE_NOTIFY_DELIVERED | VO_MESSAGE_NOTIFY_DISPLAYED,
    .notify_due = VO_MESSAGE_NOTIFY_DELIVERED | VO_MESSAGE_NOTIFY_DISPLAYED,
  };

  g_assert_true (vo_message_store_insert (f->messages, &row, &duplicate, &error));
  g_assert_no_error (error);
  return row.id;
}

/* While the transport is not ready nothing goes; once it is, everything
 * queued goes at once. */
static void
test_waits_until_ready (Fixture *f, gconstpointer data)
{
  fake_transport_set_ready (f->transport, FALSE);
  queue_message (f, BOB, "to bob");
  queue_message (f, CAROL, "to carol");
  vo_message_outbox_queue_receipts (f->outbox, incoming_with_receipts (f, "sip:dave@vo.test"));
  settle ();
  g_assert_cmpuint (f->transport->sent->len, ==, 0);

  fake_transport_set_ready (f->transport, TRUE);
  wait_for_sent (f, 3);
}

static guint
count_type (Fixture *f, const char *type)
{
  guint n = 0;

  for (guint i = 0; i < f->transport->sent->len; i++)
    n += g_str_equal (sent (f, i)->type, type);
  return n;
}

/* A peer that takes no CPIM (415) gets the IM again as plain text, and so
 * its next ones. */
static void
test_cpim_refused_goes_plain (Fixture *f, gconstpointer data)
{
  gint64 id = queue_message (f, BOB, "plain please");

  queue_message (f, BOB, "and again");
  wait_for_sent (f, 1);
  assert_message (sent (f, 0), BOB, "plain please");
  answer (f, 0, VO_SIP_MESSAGE_REFUSED, 415, "Unsupported Media Type");
  g_assert_cmpuint (f->finished->len, ==, 0);

  wait_for_sent (f, 2);
  g_assert_cmpstr (sent (f, 1)->target, ==, BOB);
  g_assert_cmpstr (sent (f, 1)->type, ==, PLAIN_TYPE);
  g_assert_cmpstr (sent (f, 1)->body, ==, "plain please");
  answer (f, 1, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  assert_finished (f, 0, id, TRUE, "");

  wait_for_sent (f, 3);
  g_assert_cmpstr (sent (f, 2)->type, ==, PLAIN_TYPE);
  g_assert_cmpstr (sent (f, 2)->body, ==, "and again");
  g_assert_cmpuint (count_type (f, VO_SIP_CPIM_TYPE), ==, 1);
}

/* An SMS goes as plain text (phone networks know no CPIM) to the number at
 * the transport's domain. */
static void
test_sms_plain (Fixture *f, gconstpointer data)
{
  gint64 id = queue_message (f, "tel:+15550100", "by phone");

  wait_for_sent (f, 1);
  g_assert_cmpstr (sent (f, 0)->target, ==, "sip:+15550100@vo.test;user=phone");
  g_assert_cmpstr (sent (f, 0)->type, ==, PLAIN_TYPE);
  g_assert_cmpstr (sent (f, 0)->body, ==, "by phone");
  answer (f, 0, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  assert_finished (f, 0, id, TRUE, "");
}

static int
notify_sent (Fixture *f, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoMessageRow) row = vo_message_store_get_by_id (f->messages, id, &error);

  g_assert_no_error (error);
  return row->notify_sent;
}

/* The receipts due go to where the sender asked, delivered before
 * displayed, each marked sent in the store once answered. */
static void
test_receipts (Fixture *f, gconstpointer data)
{
  gint64 id = incoming_with_receipts (f, "sip:alice@vo.test");

  vo_message_outbox_queue_receipts (f->outbox, id);
  wait_for_sent (f, 1);
  g_assert_cmpstr (sent (f, 0)->target, ==, "sip:alice@vo.test");
  g_assert_cmpstr (sent (f, 0)->type, ==, VO_SIP_CPIM_TYPE);
  g_assert_nonnull (strstr (sent (f, 0)->body, "<delivered/>"));
  g_assert_nonnull (strstr (sent (f, 0)->body, "imdn-1"));
  g_assert_cmpint (notify_sent (f, id), ==, 0);

  answer (f, 0, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  g_assert_cmpint (notify_sent (f, id), ==, VO_MESSAGE_NOTIFY_DELIVERED);
  wait_for_sent (f, 2);
  g_assert_nonnull (strstr (sent (f, 1)->body, "<displayed/>"));

  answer (f, 1, VO_SIP_MESSAGE_ACCEPTED, 200, "OK");
  g_assert_cmpint (notify_sent (f, id), ==,
                   VO_MESSAGE_NOTIFY_DELIVERED | VO_MESSAGE_NOTIFY_DISPLAYED);
  settle ();
  g_assert_cmpuint (f->transport->sent->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/outbox/order-per-peer", test_order_per_peer);
  ADD ("/outbox/retry-with-backoff", test_retry_with_backoff);
  ADD ("/outbox/refused", test_refused);
  ADD ("/outbox/waits-until-ready", test_waits_until_ready);
  ADD ("/outbox/cpim-refused-goes-plain", test_cpim_refused_goes_plain);
  ADD ("/outbox/sms-plain", test_sms_plain);
  ADD ("/outbox/receipts", test_receipts);
#undef ADD
  return g_test_run ();
}
