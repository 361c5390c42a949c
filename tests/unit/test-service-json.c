/* test-service-json.c: the service's JSON bodies → structs
 * (daemon/service/vo-service-json.c): good answers, and every way an answer
 * can be wrong failing UNREADABLE with the host and the field named.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-service-json.h"
#include "vo-text.h"

#include <string.h>

#define HOST "vo.example"

static GBytes *
text (const char *json)
{
  return g_bytes_new (json, strlen (json));
}

/* Fails UNREADABLE, naming the host and @needle. */
static void
assert_unreadable (GError *error, const char *needle)
{
  g_assert_error (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "The Virtual Office service at " HOST
                                            " answered something vo-daemon cannot read"));
  g_assert_nonnull (strstr (error->message, "it tries again later"));
  if (needle && !strstr (error->message, needle))
    g_error ("“%s” does not name %s", error->message, needle);
}

static const char sip_account_json[]
    = "{\"auth-user\": \"alice\", \"password\": \"s3cret\", \"domain\": \"vo.test\","
      " \"registrar\": \"sip:127.0.0.1:5060\", \"outbound-proxy\": null, \"transport\": \"udp\","
      " \"display-name\": \"Alice Example\", \"later-field\": [1, 2]}";

static void
test_sip_account_good (void)
{
  g_autoptr (GBytes) body = text (sip_account_json);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceSipAccount) account = vo_service_parse_sip_account (body, HOST, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (account->auth_user, ==, "alice");
  g_assert_cmpstr (account->password, ==, "s3cret");
  g_assert_cmpstr (account->domain, ==, "vo.test");
  g_assert_cmpstr (account->registrar, ==, "sip:127.0.0.1:5060");
  g_assert_null (account->outbound_proxy);
  g_assert_cmpstr (account->transport, ==, "udp");
  g_assert_cmpstr (account->display_name, ==, "Alice Example");
}

/* Each case: a body and the word its error must name. */
typedef struct {
  const char *json;
  const char *needle;
} BadCase;

static void
test_sip_account_bad (void)
{
  static const BadCase cases[] = {
    { "{\"password\": \"p\", \"domain\": \"d\", \"registrar\": \"sip:r\", \"transport\": \"udp\"}",
      "\"auth-user\" is missing" },
    { "{\"auth-user\": 7, \"password\": \"p\", \"domain\": \"d\", \"registrar\": \"sip:r\","
      " \"transport\": \"udp\"}",
      "\"auth-user\" is not a string" },
    { "{\"auth-user\": \"a\", \"password\": [\"p\"], \"domain\": \"d\", \"registrar\": \"sip:r\","
      " \"transport\": \"udp\"}",
      "\"password\" is not a string" },
    { "{\"auth-user\": \"a\", \"password\": \"p\", \"domain\": \"d\", \"registrar\": \"http://r\","
      " \"transport\": \"udp\"}",
      "\"registrar\" is not a sip: or sips: URI" },
    { "{\"auth-user\": \"a\", \"password\": \"p\", \"domain\": \"d\", \"registrar\": \"sip:r\","
      " \"transport\": \"sctp\"}",
      "\"transport\" is not udp, tcp or tls" },
    /* A CR/LF would reach a SIP header. */
    { "{\"auth-user\": \"a\\r\\nVia: x\", \"password\": \"p\", \"domain\": \"d\","
      " \"registrar\": \"sip:r\", \"transport\": \"udp\"}",
      "\"auth-user\" holds characters" },
    { "{\"auth-user\": \"\", \"password\": \"p\", \"domain\": \"d\", \"registrar\": \"sip:r\","
      " \"transport\": \"udp\"}",
      "\"auth-user\" is empty" },
    { "{\"auth-user\": \"a\", \"password\": \"p\", \"domain\": \"d\", \"registrar\": \"sip:r\","
      " \"outbound-proxy\": 5, \"transport\": \"udp\"}",
      "\"outbound-proxy\" is not a string" },
    { "[1, 2]", "not a JSON object" },
    { "<html>oops</html>", "not JSON" },
    { "{\"auth-user\": \"alice\", \"pass", "not JSON" }, /* truncated */
    { "", "an empty body" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) body = text (cases[i].json);
    g_autoptr (GError) error = NULL;

    g_assert_null (vo_service_parse_sip_account (body, HOST, &error));
    assert_unreadable (error, cases[i].needle);
  }
}

static void
test_bytes_not_text (void)
{
  static const char latin1[] = "{\"auth-user\": \"caf\xe9\"}";
  static const char with_nul[] = "{\"a\": 1}\0{\"b\": 2}";
  g_autoptr (GBytes) not_utf8 = g_bytes_new (latin1, sizeof latin1 - 1);
  g_autoptr (GBytes) nul = g_bytes_new (with_nul, sizeof with_nul - 1);
  g_autoptr (GError) error = NULL;

  g_assert_null (vo_service_parse_profile (not_utf8, HOST, &error));
  assert_unreadable (error, "not UTF-8");
  g_clear_error (&error);
  g_assert_null (vo_service_parse_tokens (nul, HOST, &error));
  assert_unreadable (error, "NUL");
  g_clear_error (&error);
  g_assert_null (vo_service_parse_event (NULL, HOST, &error));
  assert_unreadable (error, "empty");
}

/* A lone surrogate escape is valid JSON text but decodes to bytes that are
 * not UTF-8 (a fuzzing finding). */
static void
test_lone_surrogate (void)
{
  g_autoptr (GBytes) body = text ("{\"username\": \"alice\", \"display-name\": \"A\\ud800x\","
                                  " \"capabilities\": [\"photo\"]}");
  g_autoptr (GBytes) capability
      = text ("{\"username\": \"alice\", \"capabilities\": [\"\\ud800x\"]}");
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) profile = NULL;

  g_assert_null (vo_service_parse_profile (body, HOST, &error));
  assert_unreadable (error, "\"display-name\" is not UTF-8");
  g_clear_error (&error);
  profile = vo_service_parse_profile (capability, HOST, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (profile->capabilities), ==, 0);
}

static void
test_huge_string (void)
{
  g_autoptr (GString) json = g_string_new ("{\"username\": \"");
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i <= VO_SERVICE_JSON_MAX_STRING; i++)
    g_string_append_c (json, 'a');
  g_string_append (json, "\"}");
  body = g_bytes_new (json->str, json->len);
  g_assert_null (vo_service_parse_profile (body, HOST, &error));
  assert_unreadable (error, "\"username\" is longer than 4096 bytes");
}

static void
test_profile (void)
{
  g_autoptr (GBytes) body = text (
      "{\"username\": \"alice\", \"display-name\": \"Alice\\tExample\", \"extension\": \"201\","
      " \"company\": null, \"email\": \"alice@example.test\", \"sip-uri\": \"sip:alice@vo.test\","
      " \"photo\": {\"path\": \"/v1/me/photo\", \"etag\": \"\\\"p1\\\"\","
      " \"content-type\": \"image/png\", \"size\": 12},"
      " \"capabilities\": [\"profile\", \"photo\", \"we ird\", \"\", \"events\"]}");
  g_autoptr (GBytes) no_photo = text ("{\"username\": \"bob\", \"photo\": null}");
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceProfile) profile = vo_service_parse_profile (body, HOST, &error);
  g_autoptr (VoServiceProfile) bob = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (profile->username, ==, "alice");
  /* Text for people: a control character becomes a space. */
  g_assert_cmpstr (profile->display_name, ==, "Alice Example");
  g_assert_cmpstr (profile->extension, ==, "201");
  g_assert_cmpstr (profile->company, ==, "");
  g_assert_cmpstr (profile->department, ==, "");
  g_assert_cmpstr (profile->mobile, ==, "");
  g_assert_cmpstr (profile->sip_uri, ==, "sip:alice@vo.test");
  g_assert_cmpstr (profile->photo_etag, ==, "\"p1\"");
  g_assert_cmpstr (profile->photo_content_type, ==, "image/png");
  g_assert_cmpuint (g_strv_length (profile->capabilities), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *)profile->capabilities, "events"));

  bob = vo_service_parse_profile (no_photo, HOST, &error);
  g_assert_no_error (error);
  g_assert_null (bob->photo_etag);
  g_assert_null (bob->photo_content_type);
  g_assert_nonnull (bob->capabilities);
  g_assert_cmpuint (g_strv_length (bob->capabilities), ==, 0);
}

static void
test_profile_bad (void)
{
  static const BadCase cases[] = {
    { "{\"display-name\": \"x\"}", "\"username\" is missing" },
    { "{\"username\": \"a\", \"capabilities\": \"profile\"}", "\"capabilities\" is not a list" },
    { "{\"username\": \"a\", \"capabilities\": [1]}", "a capability is not a string" },
    { "{\"username\": \"a\", \"photo\": \"/v1/me/photo\"}", "\"photo\" is not an object" },
    { "{\"username\": \"a\", \"photo\": {\"content-type\": \"image/png\"}}",
      "\"etag\" is missing" },
    { "{\"username\": \"a\", \"company\": {}}", "\"company\" is not a string" },
    { "{\"username\": \"a\", \"sip-uri\": \"alice@vo.test\"}", "\"sip-uri\" is not a sip:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) body = text (cases[i].json);
    g_autoptr (GError) error = NULL;

    g_assert_null (vo_service_parse_profile (body, HOST, &error));
    assert_unreadable (error, cases[i].needle);
  }
}

static void
test_tokens (void)
{
  g_autoptr (GBytes) body = text ("{\"access-token\": \"A.b-c\", \"refresh-token\": \"R~1\","
                                  " \"token-type\": \"Bearer\", \"expires-in\": 60,"
                                  " \"username\": \"alice\"}");
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceTokens) tokens = vo_service_parse_tokens (body, HOST, &error);
  static const BadCase cases[] = {
    { "{\"access-token\": \"a\"}", "\"refresh-token\" is missing" },
    { "{\"access-token\": \"a b\", \"refresh-token\": \"r\"}", "\"access-token\" holds" },
    { "{\"access-token\": \"a\", \"refresh-token\": \"r\", \"expires-in\": \"900\"}",
      "\"expires-in\" is not an integer" },
    { "{\"access-token\": \"a\", \"refresh-token\": \"r\", \"expires-in\": 1.5}",
      "\"expires-in\" is not an integer" },
    { "{\"access-token\": \"a\", \"refresh-token\": \"r\", \"expires-in\": -1}",
      "\"expires-in\" is out of range" },
    { "{\"access-token\": \"a\", \"refresh-token\": \"r\", \"token-type\": \"MAC\"}",
      "other than Bearer" },
  };

  g_assert_no_error (error);
  g_assert_cmpstr (tokens->access_token, ==, "A.b-c");
  g_assert_cmpstr (tokens->refresh_token, ==, "R~1");
  g_assert_cmpint (tokens->expires_in_s, ==, 60);
  g_assert_cmpstr (tokens->username, ==, "alice");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) bad = text (cases[i].json);
    g_autoptr (GError) bad_error = NULL;

    g_assert_null (vo_service_parse_tokens (bad, HOST, &bad_error));
    assert_unreadable (bad_error, cases[i].needle);
  }
}

static void
test_token_too_long (void)
{
  g_autoptr (GString) json = g_string_new ("{\"refresh-token\": \"r\", \"access-token\": \"");
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i <= VO_SERVICE_JSON_MAX_TOKEN; i++)
    g_string_append_c (json, 'x');
  g_string_append (json, "\"}");
  body = g_bytes_new (json->str, json->len);
  g_assert_null (vo_service_parse_tokens (body, HOST, &error));
  assert_unreadable (error, "\"access-token\" is longer than 512 bytes");
}

static void
test_forwarding (void)
{
  g_autoptr (GBytes) body = text (
      "{\"rules\": ["
      " {\"condition\": \"always\", \"enabled\": false, \"target\": \"\", \"timeout\": 20},"
      " {\"condition\": \"teleport\", \"enabled\": true, \"target\": \"sip:x@y\", \"timeout\": 5},"
      " {\"condition\": \"no-answer\", \"enabled\": true, \"target\": \"sip:carol@vo.test\","
      "  \"timeout\": 15},"
      " {\"condition\": \"unreachable\", \"enabled\": true, \"target\": \"sips:carol@vo.test\"}]}");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rules = vo_service_parse_forwarding (body, HOST, &error);
  VoServiceForwardingRule *rule;

  g_assert_no_error (error);
  /* A condition of a later version is left out. */
  g_assert_cmpuint (rules->len, ==, 3);
  rule = g_ptr_array_index (rules, 1);
  g_assert_cmpstr (rule->condition, ==, "no-answer");
  g_assert_true (rule->enabled);
  g_assert_cmpstr (rule->target, ==, "sip:carol@vo.test");
  g_assert_cmpuint (rule->timeout_s, ==, 15);
  rule = g_ptr_array_index (rules, 2);
  g_assert_cmpuint (rule->timeout_s, ==, 20);
}

static void
test_forwarding_bad (void)
{
  static const BadCase cases[] = {
    { "{}", "\"rules\" is missing or not a list" },
    { "{\"rules\": {}}", "\"rules\" is missing or not a list" },
    { "{\"rules\": [3]}", "a forwarding rule is not an object" },
    { "{\"rules\": [{\"condition\": \"busy\", \"enabled\": \"yes\", \"target\": \"\"}]}",
      "\"enabled\" is missing or not true/false" },
    { "{\"rules\": [{\"condition\": \"busy\", \"enabled\": true, \"target\": \"tel:123\"}]}",
      "not a sip: or sips: URI" },
    { "{\"rules\": [{\"condition\": \"busy\", \"enabled\": true, \"target\": \"sip:a@b\","
      " \"timeout\": 99999}]}",
      "\"timeout\" is out of range" },
    { "{\"rules\": [{\"condition\": \"busy\", \"enabled\": false, \"target\": \"\"},"
      " {\"condition\": \"busy\", \"enabled\": false, \"target\": \"\"}]}",
      "\"busy\" twice" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) body = text (cases[i].json);
    g_autoptr (GError) error = NULL;

    g_assert_null (vo_service_parse_forwarding (body, HOST, &error));
    assert_unreadable (error, cases[i].needle);
  }
}

static void
test_event_and_photo (void)
{
  g_autoptr (GBytes) event_body = text ("{\"id\": 42, \"type\": \"forwarding.changed\","
                                        " \"time\": \"2026-11-29T10:44:03Z\", \"data\": {}}");
  g_autoptr (GBytes) bad_id = text ("{\"id\": \"42\", \"type\": \"me.changed\"}");
  g_autoptr (GBytes) zero_id = text ("{\"id\": 0, \"type\": \"me.changed\"}");
  g_autoptr (GBytes) photo = text ("{\"path\": \"/v1/me/photo\", \"etag\": \"\\\"7\\\"\"}");
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceEvent) event = vo_service_parse_event (event_body, HOST, &error);
  g_autofree char *etag = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (event->id, ==, 42);
  g_assert_cmpstr (event->type, ==, "forwarding.changed");
  g_assert_null (vo_service_parse_event (bad_id, HOST, &error));
  assert_unreadable (error, "\"id\" is not an integer");
  g_clear_error (&error);
  g_assert_null (vo_service_parse_event (zero_id, HOST, &error));
  assert_unreadable (error, "\"id\" is out of range");
  g_clear_error (&error);
  etag = vo_service_parse_photo_etag (photo, HOST, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (etag, ==, "\"7\"");
}

/* What we send reads back as the same JSON. */
static void
test_request_bodies (void)
{
  VoServiceForwardingRule rule = { "busy", TRUE, "sip:carol@vo.test", 25 };
  g_autoptr (GBytes) sign_in = vo_service_json_sign_in ("alice", "pa\"ss\n", NULL);
  g_autoptr (GBytes) reset = vo_service_json_single ("username", "alice");
  g_autoptr (GBytes) put = vo_service_json_forwarding_rule (&rule);
  g_autoptr (GBytes) echo = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceForwardingRule) back = NULL;

  g_assert_cmpmem (g_bytes_get_data (sign_in, NULL), g_bytes_get_size (sign_in),
                   "{\"username\":\"alice\",\"password\":\"pa\\\"ss\\n\"}", 42);
  g_assert_cmpmem (g_bytes_get_data (reset, NULL), g_bytes_get_size (reset),
                   "{\"username\":\"alice\"}", 20);
  /* The PUT body is a rule without its condition; with one, it parses. */
  echo = text ("{\"condition\": \"busy\", \"enabled\": true, \"target\": \"sip:carol@vo.test\","
               " \"timeout\": 25}");
  back = vo_service_parse_forwarding_rule (echo, HOST, &error);
  g_assert_no_error (error);
  g_assert_true (back->enabled);
  g_assert_cmpuint (back->timeout_s, ==, 25);
  g_assert_nonnull (strstr (g_bytes_get_data (put, NULL), "\"timeout\":25"));
  g_assert_nonnull (strstr (g_bytes_get_data (put, NULL), "\"enabled\":true"));
}

static void
test_printable (void)
{
  g_autofree char *clean = vo_text_printable ("  bad\x1b[31m\r\nthing ", 100);
  g_autofree char *cut = vo_text_printable ("ééééé", 3);
  g_autofree char *blank = vo_text_printable ("\n\t", 10);
  g_autofree char *latin1 = vo_text_printable ("caf\xe9", 10);

  g_assert_cmpstr (clean, ==, "bad [31m  thing");
  g_assert_cmpstr (cut, ==, "ééé…");
  g_assert_null (blank);
  g_assert_null (latin1);
}

static void
test_photo_type (void)
{
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };
  g_autoptr (GBytes) a = g_bytes_new_static (jpeg, sizeof jpeg);
  g_autoptr (GBytes) b = g_bytes_new_static (png, sizeof png);
  g_autoptr (GBytes) c = g_bytes_new_static ("GIF89a", 6);
  g_autoptr (GBytes) d = g_bytes_new_static (png, 4);

  g_assert_cmpstr (vo_service_photo_type (a), ==, "image/jpeg");
  g_assert_cmpstr (vo_service_photo_type (b), ==, "image/png");
  g_assert_null (vo_service_photo_type (c));
  g_assert_null (vo_service_photo_type (d));
  g_assert_null (vo_service_photo_type (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/service-json/sip-account/good", test_sip_account_good);
  g_test_add_func ("/service-json/sip-account/bad", test_sip_account_bad);
  g_test_add_func ("/service-json/bytes-not-text", test_bytes_not_text);
  g_test_add_func ("/service-json/huge-string", test_huge_string);
  g_test_add_func ("/service-json/lone-surrogate", test_lone_surrogate);
  g_test_add_func ("/service-json/profile/good", test_profile);
  g_test_add_func ("/service-json/profile/bad", test_profile_bad);
  g_test_add_func ("/service-json/tokens", test_tokens);
  g_test_add_func ("/service-json/token-too-long", test_token_too_long);
  g_test_add_func ("/service-json/forwarding/good", test_forwarding);
  g_test_add_func ("/service-json/forwarding/bad", test_forwarding_bad);
  g_test_add_func ("/service-json/event-and-photo", test_event_and_photo);
  g_test_add_func ("/service-json/request-bodies", test_request_bodies);
  g_test_add_func ("/service-json/printable", test_printable);
  g_test_add_func ("/service-json/photo-type", test_photo_type);
  return g_test_run ();
}
