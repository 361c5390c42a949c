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

/* ---- /v1/me's country ------------------------------------------------- */

static void
test_profile_country (void)
{
  static const struct {
    const char *field;
    const char *country;
  } cases[] = {
    { ", \"country\": \"NL\"", "NL" },
    { ", \"country\": \"be\"", "BE" },
    { "", "" },
    { ", \"country\": null", "" },
    { ", \"country\": \"\"", "" },
    { ", \"country\": \"NLD\"", "" },
    { ", \"country\": \"N1\"", "" },
    { ", \"country\": \"\\u00c9S\"", "" },
    { ", \"country\": 31", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *json = g_strdup_printf ("{\"username\": \"alice\"%s}", cases[i].field);
    g_autoptr (GBytes) body = text (json);
    g_autoptr (GError) error = NULL;
    g_autoptr (VoServiceProfile) profile = vo_service_parse_profile (body, HOST, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (profile->country, ==, cases[i].country);
  }
}

/* ---- /v1/directory ------------------------------------------------------ */

static const char alice_json[]
    = "{\"id\": \"alice\", \"display-name\": \"Alice\\u0007 Smith\", \"extension\": \"201\","
      " \"sip-uri\": \"sip:alice@vo.test\", \"numbers\": [\"+31201234567\", \"\", \"06-12345678\"],"
      " \"emails\": [\"alice@example.test\"], \"company\": \"Example BV\","
      " \"department\": \"Sales\", \"later-field\": {\"x\": 1},"
      " \"photo\": {\"path\": \"/v1/directory/alice/photo\", \"etag\": \"\\\"a1\\\"\","
      " \"content-type\": \"image/png\", \"size\": 1234}}";

static VoServiceDirectoryPage *
parse_page (const char *json, GError **error)
{
  g_autoptr (GBytes) body = text (json);

  return vo_service_parse_directory_page (body, HOST, error);
}

static VoServiceDirectoryEntry *
page_entry (VoServiceDirectoryPage *page, guint index)
{
  g_assert_cmpuint (index, <, page->items->len);
  return g_ptr_array_index (page->items, index);
}

static void
test_directory_page (void)
{
  g_autofree char *json
      = g_strdup_printf ("{\"items\": [%s, {\"id\": \"bob.o'neil+x@vo\"}], \"deleted\": [],"
                         " \"next\": \"/v1/directory?cursor=abc&limit=500\", \"sync-token\": null}",
                         alice_json);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceDirectoryPage) page = parse_page (json, &error);
  VoServiceDirectoryEntry *alice, *bob;

  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 2);
  alice = page_entry (page, 0);
  g_assert_cmpstr (alice->id, ==, "alice");
  /* Text for people: a control character becomes a space. */
  g_assert_cmpstr (alice->display_name, ==, "Alice  Smith");
  g_assert_cmpstr (alice->extension, ==, "201");
  g_assert_cmpstr (alice->sip_uri, ==, "sip:alice@vo.test");
  /* An empty number is no number. */
  g_assert_cmpuint (g_strv_length (alice->numbers), ==, 2);
  g_assert_cmpstr (alice->numbers[0], ==, "+31201234567");
  g_assert_cmpstr (alice->numbers[1], ==, "06-12345678");
  g_assert_cmpuint (g_strv_length (alice->emails), ==, 1);
  g_assert_cmpstr (alice->emails[0], ==, "alice@example.test");
  g_assert_cmpstr (alice->company, ==, "Example BV");
  g_assert_cmpstr (alice->department, ==, "Sales");
  g_assert_cmpstr (alice->photo_etag, ==, "\"a1\"");
  g_assert_cmpstr (alice->photo_content_type, ==, "image/png");

  /* Every other field may be absent: "" and empty lists, never NULL. */
  bob = page_entry (page, 1);
  g_assert_cmpstr (bob->id, ==, "bob.o'neil+x@vo");
  g_assert_cmpstr (bob->display_name, ==, "");
  g_assert_cmpstr (bob->extension, ==, "");
  g_assert_cmpstr (bob->sip_uri, ==, "");
  g_assert_nonnull (bob->numbers);
  g_assert_cmpuint (g_strv_length (bob->numbers), ==, 0);
  g_assert_nonnull (bob->emails);
  g_assert_cmpuint (g_strv_length (bob->emails), ==, 0);
  g_assert_null (bob->photo_etag);
  g_assert_null (bob->photo_content_type);

  g_assert_cmpstr (page->next, ==, "/v1/directory?cursor=abc&limit=500");
  g_assert_null (page->sync_token);
  g_assert_nonnull (page->deleted);
  g_assert_cmpuint (g_strv_length (page->deleted), ==, 0);
}

static void
test_directory_last_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceDirectoryPage) page
      = parse_page ("{\"items\": [{\"id\": \"carol\", \"photo\": null}],"
                    " \"deleted\": [\"dave\", \"erin\"], \"next\": null,"
                    " \"sync-token\": \"s-42.x\"}",
                    &error);
  g_autoptr (VoServiceDirectoryPage) empty = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpstr (page_entry (page, 0)->id, ==, "carol");
  g_assert_cmpuint (g_strv_length (page->deleted), ==, 2);
  g_assert_cmpstr (page->deleted[0], ==, "dave");
  g_assert_cmpstr (page->deleted[1], ==, "erin");
  g_assert_null (page->next);
  g_assert_cmpstr (page->sync_token, ==, "s-42.x");

  /* Nothing changed since the token: no items, no "deleted", no "next". */
  empty = parse_page ("{\"items\": [], \"sync-token\": \"s-43\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->items->len, ==, 0);
  g_assert_cmpuint (g_strv_length (empty->deleted), ==, 0);
  g_assert_cmpstr (empty->sync_token, ==, "s-43");
}

/* One colleague with a broken field must not stop the others' sync: every
 * bad entry below is skipped and the good one around them kept. */
static void
test_directory_bad_items (void)
{
  static const char *const bad_items[] = {
    "\"alice\"",
    "null",
    "[1]",
    "{\"display-name\": \"No Id\"}",
    "{\"id\": \"\"}",
    "{\"id\": 7}",
    "{\"id\": \"a/b\"}",
    "{\"id\": \"a?b\"}",
    "{\"id\": \"a#b\"}",
    "{\"id\": \"a%2Fb\"}",
    "{\"id\": \"a\\tb\"}",
    "{\"id\": \"caf\\u00e9\"}",
    "{\"id\": \"x\", \"display-name\": 5}",
    "{\"id\": \"x\", \"extension\": \"20\\r\\n1\"}",
    "{\"id\": \"x\", \"sip-uri\": \"http://vo.test\"}",
    "{\"id\": \"x\", \"sip-uri\": \"sip:x@vo\\r\\nVia: y\"}",
    "{\"id\": \"x\", \"numbers\": \"+3120\"}",
    "{\"id\": \"x\", \"numbers\": [31201234567]}",
    "{\"id\": \"x\", \"numbers\": [\"+31\\n20\"]}",
    "{\"id\": \"x\", \"emails\": {\"a\": \"b\"}}",
    "{\"id\": \"x\", \"emails\": [[\"a@b\"]]}",
    "{\"id\": \"x\", \"company\": [\"Example\"]}",
    "{\"id\": \"x\", \"department\": \"A\\ud800x\"}",
    "{\"id\": \"x\", \"photo\": \"/v1/directory/x/photo\"}",
    "{\"id\": \"x\", \"photo\": {\"content-type\": \"image/png\"}}",
  };
  g_autoptr (GString) json = g_string_new ("{\"items\": [{\"id\": \"first\"}, ");
  g_autofree char *long_id = g_strnfill (VO_SERVICE_DIRECTORY_ID_MAX + 1, 'i');
  g_autofree char *long_name = g_strnfill (VO_SERVICE_JSON_MAX_STRING + 1, 'n');
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceDirectoryPage) page = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_items); i++)
    g_string_append_printf (json, "%s, ", bad_items[i]);
  g_string_append_printf (json, "{\"id\": \"%s\"}, ", long_id);
  g_string_append_printf (json, "{\"id\": \"x\", \"display-name\": \"%s\"}, ", long_name);
  g_string_append (json, "{\"id\": \"x\", \"numbers\": [");
  for (guint i = 0; i <= VO_SERVICE_DIRECTORY_MAX_VALUES; i++)
    g_string_append_printf (json, "%s\"+3120%07u\"", i ? ", " : "", i);
  g_string_append (json, "]}, {\"id\": \"last\"}], \"deleted\": [\"gone\", 5, \"a/b\", \"\","
                         " null, \"also-gone\"], \"sync-token\": \"t\"}");

  page = parse_page (json->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 2);
  g_assert_cmpstr (page_entry (page, 0)->id, ==, "first");
  g_assert_cmpstr (page_entry (page, 1)->id, ==, "last");
  g_assert_cmpuint (g_strv_length (page->deleted), ==, 2);
  g_assert_cmpstr (page->deleted[0], ==, "gone");
  g_assert_cmpstr (page->deleted[1], ==, "also-gone");
}

/* The most an entry may hold is kept whole. */
static void
test_directory_entry_limits (void)
{
  g_autoptr (GString) json = g_string_new (NULL);
  g_autofree char *long_id = g_strnfill (VO_SERVICE_DIRECTORY_ID_MAX, 'i');
  g_autoptr (GError) error = NULL;
  g_autoptr (VoServiceDirectoryPage) page = NULL;

  g_string_append_printf (json, "{\"items\": [{\"id\": \"%s\", \"emails\": [", long_id);
  for (guint i = 0; i < VO_SERVICE_DIRECTORY_MAX_VALUES; i++)
    g_string_append_printf (json, "%s\"u%u@example.test\"", i ? ", " : "", i);
  g_string_append (json, "]}], \"sync-token\": \"t\"}");
  page = parse_page (json->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpstr (page_entry (page, 0)->id, ==, long_id);
  g_assert_cmpuint (g_strv_length (page_entry (page, 0)->emails), ==,
                    VO_SERVICE_DIRECTORY_MAX_VALUES);
}

/* A page of the wrong shape fails as a whole. */
static void
test_directory_bad_page (void)
{
  static const BadCase cases[] = {
    { "[{\"id\": \"alice\"}]", "not a JSON object" },
    { "{\"deleted\": [], \"sync-token\": \"t\"}", "\"items\" is missing" },
    { "{\"items\": null, \"sync-token\": \"t\"}", "\"items\" is missing" },
    { "{\"items\": {\"id\": \"alice\"}, \"sync-token\": \"t\"}", "\"items\" is not a list" },
    { "{\"items\": [], \"deleted\": \"alice\", \"sync-token\": \"t\"}",
      "\"deleted\" is not a list" },
    { "{\"items\": [], \"next\": 2}", "\"next\" is not a string" },
    /* "next" is followed as it is: never to another host or path. */
    { "{\"items\": [], \"next\": \"https://evil.example/v1/directory?cursor=1\"}",
      "a \"next\" page outside /v1/directory" },
    { "{\"items\": [], \"next\": \"//evil.example/v1/directory\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/me\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directoryx?cursor=1\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directory/alice/photo\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directory?a=1#frag\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directory?a=\\\\evil\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directory?a= b\"}", "\"next\" holds characters" },
    /* libsoup makes no request of a broken %-escape. */
    { "{\"items\": [], \"next\": \"/v1/directory?cursor=%zz\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directory?cursor=%2\"}", "outside /v1/directory" },
    { "{\"items\": [], \"next\": \"/v1/directory?a=\\u0001\"}", "\"next\" holds characters" },
    /* The last page carries the token of the next delta sync. */
    { "{\"items\": [], \"next\": null}", "\"sync-token\" is missing" },
    { "{\"items\": []}", "\"sync-token\" is missing" },
    { "{\"items\": [], \"sync-token\": \"\"}", "\"sync-token\" is empty" },
    { "{\"items\": [], \"sync-token\": \"a b\"}", "\"sync-token\" holds characters" },
    { "{\"items\": [], \"sync-token\": 42}", "\"sync-token\" is not a string" },
    { "{\"items\": [], \"sync-token\": \"t\"", "not JSON" },
    { "", "an empty body" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_null (parse_page (cases[i].json, &error));
    assert_unreadable (error, cases[i].needle);
  }
}

/* "[x, x, …]" with @count copies of @element. */
static char *
repeated_list (const char *element, guint count)
{
  g_autoptr (GString) list = g_string_new ("[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (list, "%s%s", i ? "," : "", element);
  g_string_append_c (list, ']');
  return g_string_free (g_steal_pointer (&list), FALSE);
}

static void
test_directory_huge_page (void)
{
  g_autofree char *items_max = repeated_list ("{\"id\":\"a\"}", VO_SERVICE_DIRECTORY_MAX_ITEMS);
  g_autofree char *items_over
      = repeated_list ("{\"id\":\"a\"}", VO_SERVICE_DIRECTORY_MAX_ITEMS + 1);
  g_autofree char *deleted_max = repeated_list ("\"d\"", VO_SERVICE_DIRECTORY_MAX_DELETED);
  g_autofree char *deleted_over = repeated_list ("\"d\"", VO_SERVICE_DIRECTORY_MAX_DELETED + 1);
  g_autofree char *json = NULL;
  g_autoptr (VoServiceDirectoryPage) page = NULL;
  g_autoptr (GError) error = NULL;

  json = g_strdup_printf ("{\"items\": %s, \"deleted\": %s, \"sync-token\": \"t\"}", items_max,
                          deleted_max);
  page = parse_page (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, VO_SERVICE_DIRECTORY_MAX_ITEMS);
  g_assert_cmpuint (g_strv_length (page->deleted), ==, VO_SERVICE_DIRECTORY_MAX_DELETED);

  g_free (json);
  json = g_strdup_printf ("{\"items\": %s, \"sync-token\": \"t\"}", items_over);
  g_assert_null (parse_page (json, &error));
  assert_unreadable (error, "\"items\" has more than 1000 elements");
  g_clear_error (&error);

  g_free (json);
  json = g_strdup_printf ("{\"items\": [], \"deleted\": %s, \"sync-token\": \"t\"}", deleted_over);
  g_assert_null (parse_page (json, &error));
  assert_unreadable (error, "\"deleted\" has more than 100000 elements");
}

static void
test_directory_ids (void)
{
  g_autofree char *id_max = g_strnfill (VO_SERVICE_DIRECTORY_ID_MAX, 'a');
  g_autofree char *id_over = g_strnfill (VO_SERVICE_DIRECTORY_ID_MAX + 1, 'a');
  g_autofree char *favorite_max = g_strnfill (VO_SERVICE_FAVORITE_ID_MAX, 'f');
  g_autofree char *favorite_over = g_strnfill (VO_SERVICE_FAVORITE_ID_MAX + 1, 'f');

  g_assert_true (vo_service_directory_id_is_valid ("alice"));
  /* The service takes a space in an id (printable ASCII). */
  g_assert_true (vo_service_directory_id_is_valid ("Jan de Vries"));
  g_assert_true (vo_service_directory_id_is_valid (id_max));
  g_assert_false (vo_service_directory_id_is_valid (id_over));
  g_assert_false (vo_service_directory_id_is_valid (""));
  g_assert_false (vo_service_directory_id_is_valid (NULL));
  g_assert_false (vo_service_directory_id_is_valid ("../me"));
  g_assert_false (vo_service_directory_id_is_valid ("a%00"));
  g_assert_false (vo_service_directory_id_is_valid ("a\tb"));

  g_assert_true (vo_service_favorite_id_is_valid ("company:alice"));
  g_assert_true (vo_service_favorite_id_is_valid ("device:a/b?c#d%e"));
  g_assert_true (vo_service_favorite_id_is_valid ("company:Jan de Vries"));
  g_assert_true (vo_service_favorite_id_is_valid (favorite_max));
  g_assert_false (vo_service_favorite_id_is_valid (favorite_over));
  g_assert_false (vo_service_favorite_id_is_valid (""));
  g_assert_false (vo_service_favorite_id_is_valid ("personal:caf\xc3\xa9"));
  g_assert_false (vo_service_favorite_id_is_valid ("a\nb"));

  g_assert_true (vo_service_directory_next_is_valid ("/v1/directory"));
  g_assert_true (vo_service_directory_next_is_valid ("/v1/directory?cursor=x&limit=500"));
  g_assert_false (vo_service_directory_next_is_valid ("/v1/directory/../me"));
  g_assert_false (vo_service_directory_next_is_valid ("/v1/favorites"));
  g_assert_false (vo_service_directory_next_is_valid ("/v1/directory?a= b"));
  g_assert_false (vo_service_directory_next_is_valid ("/v1/directory?a=%zz"));
  g_assert_true (vo_service_directory_next_is_valid ("/v1/directory?a=%2F%3d"));
  g_assert_false (vo_service_directory_next_is_valid ("https://vo.example/v1/directory"));
  g_assert_false (vo_service_directory_next_is_valid (NULL));
}

/* ---- /v1/favorites ------------------------------------------------------ */

static void
test_favorites (void)
{
  g_autofree char *too_long = g_strnfill (VO_SERVICE_FAVORITE_ID_MAX + 1, 'f');
  g_autofree char *json = g_strdup_printf (
      "{\"items\": [\"company:alice\", \"personal:6f1c\", 7, null, \"\", \"company:alice\","
      " \"%s\", \"caf\\u00e9\", \"a\\tb\", \"device:x/y\"]}",
      too_long);
  g_autoptr (GBytes) body = text (json);
  g_autoptr (GBytes) none = text ("{\"items\": []}");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = vo_service_parse_favorites (body, HOST, &error);
  g_auto (GStrv) empty = NULL;

  g_assert_no_error (error);
  /* In order, each once; what is no id skipped. */
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[0], ==, "company:alice");
  g_assert_cmpstr (ids[1], ==, "personal:6f1c");
  g_assert_cmpstr (ids[2], ==, "device:x/y");

  empty = vo_service_parse_favorites (none, HOST, &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
}

static void
test_favorites_bad (void)
{
  g_autofree char *over = repeated_list ("\"company:a\"", VO_SERVICE_FAVORITES_MAX + 1);
  g_autofree char *huge = g_strdup_printf ("{\"items\": %s}", over);
  const BadCase cases[] = {
    { "[\"company:alice\"]", "not a JSON object" },
    { "{}", "\"items\" is missing" },
    { "{\"items\": \"company:alice\"}", "\"items\" is not a list" },
    { huge, "\"items\" has more than 1000 elements" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) body = text (cases[i].json);
    g_autoptr (GError) error = NULL;

    g_assert_null (vo_service_parse_favorites (body, HOST, &error));
    assert_unreadable (error, cases[i].needle);
  }
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
  g_test_add_func ("/service-json/profile/country", test_profile_country);
  g_test_add_func ("/service-json/directory/page", test_directory_page);
  g_test_add_func ("/service-json/directory/last-page", test_directory_last_page);
  g_test_add_func ("/service-json/directory/bad-items", test_directory_bad_items);
  g_test_add_func ("/service-json/directory/entry-limits", test_directory_entry_limits);
  g_test_add_func ("/service-json/directory/bad-page", test_directory_bad_page);
  g_test_add_func ("/service-json/directory/huge-page", test_directory_huge_page);
  g_test_add_func ("/service-json/directory/ids", test_directory_ids);
  g_test_add_func ("/service-json/favorites/good", test_favorites);
  g_test_add_func ("/service-json/favorites/bad", test_favorites_bad);
  return g_test_run ();
}
