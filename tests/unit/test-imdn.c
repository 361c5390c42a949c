/* test-imdn.c: CPIM envelopes and IMDN documents are built as RFC 3862 and
 * RFC 5438 say, read back, and malformed input is refused without harm;
 * peers are named one way whatever form they come in.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-error.h"
#include "vo-message-manager.h"
#include "vo-message-peer.h"
#include "vo-sip-imdn.h"

#include <string.h>

#define T0 G_GINT64_CONSTANT (1700000000123000) /* 2023-11-14T22:13:20.123Z */

static VoSipCpim *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  VoSipCpim *cpim = vo_sip_imdn_parse_cpim (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (cpim);
  return cpim;
}

static void
parse_fails (const char *text, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoSipCpim) cpim = vo_sip_imdn_parse_cpim (text, len, &error);

  g_assert_null (cpim);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
}

static void
parse_fails_text (const char *text)
{
  parse_fails (text, strlen (text));
}

static void
test_build_parse_message (void)
{
  g_autofree char *body = vo_sip_imdn_build_message ("sip:alice@vo.test", "sip:bob@vo.test",
                                                     "id-123", T0, "Grüße\r\nline two");
  g_autoptr(VoSipCpim) cpim = NULL;

  g_assert_nonnull (strstr (body, "NS: imdn <urn:ietf:params:imdn>\r\n"));
  g_assert_nonnull (strstr (body, "imdn.Message-ID: id-123\r\n"));
  g_assert_nonnull (strstr (body, "DateTime: 2023-11-14T22:13:20.123Z\r\n"));
  g_assert_nonnull (strstr (body, "imdn.Disposition-Notification: positive-delivery, display"));
  g_assert_nonnull (strstr (body, "Content-Type: text/plain; charset=utf-8\r\n"));

  cpim = parse_ok (body);
  g_assert_cmpstr (cpim->from, ==, "sip:alice@vo.test");
  g_assert_cmpstr (cpim->to, ==, "sip:bob@vo.test");
  g_assert_cmpstr (cpim->message_id, ==, "id-123");
  g_assert_cmpstr (cpim->datetime, ==, "2023-11-14T22:13:20.123Z");
  g_assert_cmpint (cpim->notify, ==, VO_SIP_IMDN_REQUEST_DELIVERY | VO_SIP_IMDN_REQUEST_DISPLAY);
  g_assert_cmpstr (cpim->content_type, ==, "text/plain");
  g_assert_cmpstr (cpim->body, ==, "Grüße\r\nline two");
  g_assert_cmpuint (cpim->body_len, ==, strlen ("Grüße\r\nline two"));
}

/* The RFC 5438 example, with LF line ends, another prefix and a display name. */
static void
test_parse_foreign (void)
{
  g_autoptr(VoSipCpim) cpim = parse_ok (
    "From: Alice <im:alice@example.com>\n"
    "To: Bob <im:bob@example.com>\n"
    "NS: myfeatures <urn:ietf:params:imdn>\n"
    "myfeatures.Message-ID: 34jk324j\n"
    "DateTime: 2006-04-04T12:16:49-05:00\n"
    "myfeatures.Disposition-Notification: positive-delivery, negative-delivery\n"
    "\n"
    "Content-type: text/plain\n"
    "Content-length: 12\n"
    "\n"
    "Hello World\n");

  g_assert_cmpstr (cpim->from, ==, "im:alice@example.com");
  g_assert_cmpstr (cpim->from_name, ==, "Alice");
  g_assert_cmpstr (cpim->message_id, ==, "34jk324j");
  g_assert_cmpint (cpim->notify, ==, VO_SIP_IMDN_REQUEST_DELIVERY);
  g_assert_cmpstr (cpim->body, ==, "Hello World\n");
}

/* A prefix bound to another namespace is not IMDN, even if it is "imdn". */
static void
test_parse_other_namespace (void)
{
  g_autoptr(VoSipCpim) cpim = parse_ok ("From: <sip:a@x>\r\n"
                                        "NS: imdn <urn:example:other>\r\n"
                                        "imdn.Message-ID: nope\r\n"
                                        "\r\n"
                                        "Content-Type: text/plain\r\n"
                                        "\r\n"
                                        "hi");

  g_assert_cmpstr (cpim->message_id, ==, "");
  g_assert_cmpint (cpim->notify, ==, VO_SIP_IMDN_REQUEST_NONE);
  g_assert_cmpstr (cpim->body, ==, "hi");
}

/* msilo's add_date prefix is skipped; a Content-Length that is too large is ignored. */
static void
test_parse_store_prefix (void)
{
  g_autoptr(VoSipCpim) cpim = parse_ok ("[Offline message - Mon May  1 12:00:00 2024] "
                                        "From: <sip:alice@vo.test>\r\n"
                                        "imdn.Message-ID: m1\r\n"
                                        "\r\n"
                                        "Content-Type: text/plain\r\n"
                                        "Content-Length: 999\r\n"
                                        "\r\n"
                                        "kept whole");

  g_assert_cmpstr (cpim->from, ==, "sip:alice@vo.test");
  g_assert_cmpstr (cpim->message_id, ==, "m1");
  g_assert_cmpstr (cpim->body, ==, "kept whole");
}

static void
test_parse_malformed (void)
{
  g_autoptr(GString) many = g_string_new (NULL);
  const char *cut = "From: <sip:a@x>\r\n\r\nContent-Type: text/plain\r\n\r\nhello";

  parse_fails ("", 0);
  parse_fails ("just some text", strlen ("just some text"));
  parse_fails ("From: <sip:a@x>\r\n", strlen ("From: <sip:a@x>\r\n"));
  parse_fails_text ("From: <sip:a@x>\r\n\r\nno colon here\r\n\r\nbody");
  parse_fails_text ("From: <sip:a@x>\r\n\r\nContent-ID: x\r\n\r\nbody");
  parse_fails_text (": value\r\n\r\nContent-Type: text/plain\r\n\r\n");
  /* Cut in the middle of the headers: the length is honoured, no overread. */
  parse_fails (cut, 20);
  for (int i = 0; i < 100; i++)
    g_string_append_printf (many, "X-%d: y\r\n", i);
  g_string_append (many, "\r\nContent-Type: text/plain\r\n\r\nx");
  parse_fails (many->str, many->len);
}

/* Random bytes and truncations of a good envelope never crash the parser. */
static void
test_parse_fuzz (void)
{
  g_autofree char *good = vo_sip_imdn_build_message ("sip:a@x", "sip:b@y", "id", T0, "text");
  gsize len = strlen (good);
  GRand *rand = g_rand_new_with_seed (42);

  for (gsize cut = 0; cut <= len; cut++) {
    g_autofree char *copy = g_memdup2 (good, cut ? cut : 1);
    g_autoptr(VoSipCpim) cpim = vo_sip_imdn_parse_cpim (copy, cut, NULL);

    (void) cpim;
  }
  for (int round = 0; round < 2000; round++) {
    g_autofree char *copy = g_memdup2 (good, len);
    g_autoptr(VoSipCpim) cpim = NULL;
    g_autofree char *id = NULL;
    VoSipImdnStatus status;

    for (int k = 0; k < 4; k++)
      copy[g_rand_int_range (rand, 0, (gint32) len)] = (char) g_rand_int_range (rand, 0, 256);
    cpim = vo_sip_imdn_parse_cpim (copy, len, NULL);
    vo_sip_imdn_parse_notification (copy, len, &id, &status, NULL);
  }
  g_rand_free (rand);
}

static void
test_notification (void)
{
  g_autofree char *body = vo_sip_imdn_build_notification ("sip:bob@vo.test", "sip:alice@vo.test",
                                                          "n-1", T0, "id-<1>&",
                                                          "2023-11-14T22:13:20.123Z",
                                                          VO_SIP_IMDN_DISPLAYED);
  g_autoptr(VoSipCpim) cpim = parse_ok (body);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  VoSipImdnStatus status = VO_SIP_IMDN_OTHER;

  g_assert_cmpstr (cpim->content_type, ==, VO_SIP_IMDN_TYPE);
  g_assert_cmpstr (cpim->message_id, ==, "n-1");
  g_assert_cmpint (cpim->notify, ==, VO_SIP_IMDN_REQUEST_NONE);
  g_assert_true (vo_sip_imdn_parse_notification (cpim->body, cpim->body_len, &id, &status,
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "id-<1>&");
  g_assert_cmpint (status, ==, VO_SIP_IMDN_DISPLAYED);
}

static VoSipImdnStatus
notification_status (const char *xml, char **id_out)
{
  g_autoptr(GError) error = NULL;
  VoSipImdnStatus status = VO_SIP_IMDN_OTHER;

  g_assert_true (vo_sip_imdn_parse_notification (xml, strlen (xml), id_out, &status, &error));
  g_assert_no_error (error);
  return status;
}

static void
test_parse_notifications (void)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  /* Prefixed elements and a namespace declaration, as some clients send. */
  g_assert_cmpint (notification_status ("<?xml version=\"1.0\"?>"
                                        "<i:imdn xmlns:i=\"urn:ietf:params:xml:ns:imdn\">"
                                        "<i:message-id> 34jk324j </i:message-id>"
                                        "<i:datetime>2008-04-04T12:16:49-05:00</i:datetime>"
                                        "<i:delivery-notification><i:status><i:delivered/>"
                                        "</i:status></i:delivery-notification></i:imdn>", &a),
                   ==, VO_SIP_IMDN_DELIVERED);
  g_assert_cmpstr (a, ==, "34jk324j");
  g_assert_cmpint (notification_status ("<imdn><message-id>x</message-id>"
                                        "<delivery-notification><status><failed/></status>"
                                        "</delivery-notification></imdn>", &b),
                   ==, VO_SIP_IMDN_NEGATIVE);
  g_assert_cmpint (notification_status ("<imdn><message-id>x</message-id>"
                                        "<processing-notification><status><stored/></status>"
                                        "</processing-notification></imdn>", &c),
                   ==, VO_SIP_IMDN_OTHER);
  /* "displayed" under a delivery notification is not a display receipt. */
  g_assert_cmpint (notification_status ("<imdn><message-id>x</message-id>"
                                        "<delivery-notification><status><displayed/></status>"
                                        "</delivery-notification></imdn>", &d),
                   ==, VO_SIP_IMDN_OTHER);
}

static void
test_parse_bad_notifications (void)
{
  const char *const bad[] = {
    "",
    "not xml",
    "<imdn><message-id>x</message-id>",                     /* not closed */
    "<other><message-id>x</message-id></other>",            /* not imdn */
    "<imdn><datetime>t</datetime></imdn>",                  /* no message-id */
    "<imdn><message-id></message-id></imdn>",               /* empty message-id */
    "<imdn><message-id>\xff\xfe</message-id></imdn>",       /* not UTF-8 */
    "<imdn><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a></a></a></a></a></a></a>"
    "</a></a></a></a></a></a></a></a></a></a></a></a><message-id>x</message-id></imdn>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *id = NULL;
    VoSipImdnStatus status;

    g_assert_false (vo_sip_imdn_parse_notification (bad[i], strlen (bad[i]), &id, &status,
                                                    &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_assert_null (id);
  }
}

static void
test_check_text (void)
{
  g_autofree char *longest = g_strnfill (VO_MESSAGE_TEXT_MAX, 'a');
  g_autofree char *too_long = g_strnfill (VO_MESSAGE_TEXT_MAX + 1, 'a');
  const char *const bad[] = { "", "   \n\t", "\xc3\x28", "ok\xff" };

  g_assert_true (vo_message_manager_check_text ("hi", 2, NULL));
  g_assert_true (vo_message_manager_check_text ("Grüße 👋", strlen ("Grüße 👋"), NULL));
  g_assert_true (vo_message_manager_check_text (longest, strlen (longest), NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;

    g_assert_false (vo_message_manager_check_text (bad[i], strlen (bad[i]), &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (vo_message_manager_check_text (too_long, strlen (too_long), &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "4096"));
  }
}

static void
assert_peer (const char *target, const char *peer, gboolean sms)
{
  g_autoptr(GError) error = NULL;
  gboolean is_sms = !sms;
  g_autofree char *got = vo_message_peer_from_target (target, "vo.test", "31", &is_sms, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, peer);
  g_assert_cmpint (is_sms, ==, sms);
}

static void
test_peers (void)
{
  const char *const bad[] = { "", "  ", "bob@", "sip:", "not a peer!", "+1", "tel:abc" };

  assert_peer ("bob", "sip:bob@vo.test", FALSE);
  assert_peer ("201", "sip:201@vo.test", FALSE);
  assert_peer ("Bob@Example.COM", "sip:Bob@example.com", FALSE);
  assert_peer ("sip:bob@vo.test;transport=tcp", "sip:bob@vo.test", FALSE);
  assert_peer ("+1 555 0100", "tel:+15550100", TRUE);
  assert_peer ("020-1234567", "tel:+31201234567", TRUE);
  assert_peer ("tel:+15550100", "tel:+15550100", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;
    gboolean sms;
    g_autofree char *got = vo_message_peer_from_target (bad[i], "vo.test", NULL, &sms, &error);

    g_assert_null (got);
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_peer_from_uri (void)
{
  gboolean sms;
  g_autofree char *a = vo_sip_peer_from_uri ("sip:alice@VO.test:5060;transport=udp", &sms);
  g_autofree char *b = NULL, *c = NULL, *d = NULL, *e = NULL;

  g_assert_cmpstr (a, ==, "sip:alice@vo.test:5060");
  g_assert_false (sms);
  b = vo_sip_peer_from_uri ("sip:+15550100@gw.example;user=phone", &sms);
  g_assert_cmpstr (b, ==, "tel:+15550100");
  g_assert_true (sms);
  c = vo_sip_peer_from_uri ("tel:+1-555-0100;phone-context=x", &sms);
  g_assert_cmpstr (c, ==, "tel:+15550100");
  d = vo_sip_peer_from_uri ("sip:example.com", &sms);
  g_assert_null (d);
  e = vo_sip_peer_from_uri ("http://example.com/", &sms);
  g_assert_null (e);
  /* A last parameter that only starts with "user" (Sofia's url_param()
   * read past its end: tests/fuzz/fuzz-message). */
  g_free (e);
  e = vo_sip_peer_from_uri ("sip:201@vo.test;userx", &sms);
  g_assert_cmpstr (e, ==, "sip:201@vo.test");
  g_assert_false (sms);

  g_free (a);
  a = vo_message_peer_request_uri ("tel:+15550100", "vo.test");
  g_assert_cmpstr (a, ==, "sip:+15550100@vo.test;user=phone");
  g_free (a);
  a = vo_message_peer_request_uri ("sip:bob@vo.test", "vo.test");
  g_assert_cmpstr (a, ==, "sip:bob@vo.test");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imdn/build-parse-message", test_build_parse_message);
  g_test_add_func ("/imdn/parse-foreign", test_parse_foreign);
  g_test_add_func ("/imdn/parse-other-namespace", test_parse_other_namespace);
  g_test_add_func ("/imdn/parse-store-prefix", test_parse_store_prefix);
  g_test_add_func ("/imdn/parse-malformed", test_parse_malformed);
  g_test_add_func ("/imdn/parse-fuzz", test_parse_fuzz);
  g_test_add_func ("/imdn/notification", test_notification);
  g_test_add_func ("/imdn/parse-notifications", test_parse_notifications);
  g_test_add_func ("/imdn/parse-bad-notifications", test_parse_bad_notifications);
  g_test_add_func ("/messages/check-text", test_check_text);
  g_test_add_func ("/messages/peers", test_peers);
  g_test_add_func ("/messages/peer-from-uri", test_peer_from_uri);
  return g_test_run ();
}
