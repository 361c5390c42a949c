/* test-sip-message.c: an incoming MESSAGE opened in sip/ — what the daemon
 * gets (the typed VoSipIncomingMessage) and what sip/ answers by itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-sip-message-incoming.h"

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_protos.h>
#include <string.h>

typedef struct {
  VoSipIncomingMessage *message;
  int status;
  const char *phrase;
} Opened;

/* Opens a MESSAGE from @from carrying @body as @type. */
static Opened
open_message (const char *from, const char *type, const char *body)
{
  g_autofree char *request = g_strdup_printf (
    "MESSAGE sip:alice@vo.test SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
    "From: \"Bob B\" <%s>;tag=1\r\n"
    "To: <sip:alice@vo.test>\r\n"
    "Call-ID: call-1@192.0.2.1\r\n"
    "CSeq: 7 MESSAGE\r\n"
    "Content-Type: %s\r\n"
    "Content-Length: %zu\r\n"
    "\r\n%s", from, type, strlen (body), body);
  msg_t *msg = msg_make (sip_default_mclass (), 0, request, (ssize_t) strlen (request));
  Opened opened = { 0 };

  g_assert_nonnull (msg);
  opened.message = vo_sip_message_open (sip_object (msg), &opened.status, &opened.phrase);
  msg_destroy (msg);
  return opened;
}

static void
test_plain_text (void)
{
  Opened opened = open_message ("sip:bob@VO.test", "text/plain", "Hello");
  g_autoptr(VoSipIncomingMessage) message = opened.message;

  g_assert_nonnull (message);
  g_assert_cmpstr (message->peer, ==, "sip:bob@vo.test");
  g_assert_false (message->sms);
  g_assert_cmpstr (message->peer_name, ==, "Bob B");
  g_assert_cmpstr (message->text, ==, "Hello");
  g_assert_cmpuint (message->length, ==, 5);
  g_assert_null (message->receipt_for);
  g_assert_cmpstr (message->imdn_id, ==, "");
  g_assert_cmpstr (message->dedup, ==, "sip call-1@192.0.2.1 7");
}

static void
test_cpim_text (void)
{
  const char *cpim =
    "From: <sip:bob@vo.test>\r\n"
    "To: <sip:alice@vo.test>\r\n"
    "NS: imdn <urn:ietf:params:imdn>\r\n"
    "imdn.Message-ID: m-42\r\n"
    "DateTime: 2026-01-01T10:00:00Z\r\n"
    "imdn.Disposition-Notification: positive-delivery, display\r\n"
    "\r\n"
    "Content-Type: text/plain;charset=utf-8\r\n"
    "\r\n"
    "Hi there";
  Opened opened = open_message ("sip:+15550100@vo.test;user=phone", "message/cpim", cpim);
  g_autoptr(VoSipIncomingMessage) message = opened.message;

  g_assert_nonnull (message);
  g_assert_cmpstr (message->peer, ==, "tel:+15550100");
  g_assert_true (message->sms);
  g_assert_cmpstr (message->text, ==, "Hi there");
  g_assert_cmpstr (message->imdn_id, ==, "m-42");
  g_assert_cmpstr (message->imdn_to, ==, "sip:+15550100@vo.test;user=phone");
  g_assert_true (message->wants_delivered);
  g_assert_true (message->wants_displayed);
  g_assert_cmpstr (message->dedup, ==, "imdn tel:+15550100 m-42");
}

static void
test_receipt (void)
{
  const char *imdn =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">"
    "<message-id>m-7</message-id><datetime>2026-01-01T10:00:00Z</datetime>"
    "<display-notification><status><displayed/></status></display-notification></imdn>";
  Opened opened = open_message ("sip:bob@vo.test", "message/imdn+xml", imdn);
  g_autoptr(VoSipIncomingMessage) message = opened.message;

  g_assert_nonnull (message);
  g_assert_cmpstr (message->receipt_for, ==, "m-7");
  g_assert_cmpint (message->receipt_status, ==, VO_MESSAGE_STATUS_READ);
}

/* What never reaches the daemon: sip/ answers it. */
static void
test_answered_in_sip (void)
{
  Opened bad_from = open_message ("http://example.com/", "text/plain", "x");
  Opened typing = open_message ("sip:bob@vo.test", "application/im-iscomposing+xml", "<x/>");
  Opened image = open_message ("sip:bob@vo.test", "image/png", "x");
  Opened cpim = open_message ("sip:bob@vo.test", "message/cpim", "not an envelope");

  g_assert_null (bad_from.message);
  g_assert_cmpint (bad_from.status, ==, 400);
  g_assert_cmpstr (bad_from.phrase, ==, "Bad From");
  g_assert_null (typing.message);
  g_assert_cmpint (typing.status, ==, 200);
  g_assert_null (image.message);
  g_assert_cmpint (image.status, ==, 415);
  g_assert_null (cpim.message);
  g_assert_cmpint (cpim.status, ==, 400);
  g_assert_cmpstr (cpim.phrase, ==, "Malformed CPIM");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-message/plain-text", test_plain_text);
  g_test_add_func ("/sip-message/cpim-text", test_cpim_text);
  g_test_add_func ("/sip-message/receipt", test_receipt);
  g_test_add_func ("/sip-message/answered-in-sip", test_answered_in_sip);
  return g_test_run ();
}
