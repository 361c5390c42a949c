/* test-service-problem.c: HTTP problems (RFC 7807), transport failures and
 * certificate refusals → VO_SERVICE_ERROR (daemon/service/vo-service-problem.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-service-problem.h"

#include <string.h>

#define HOST "vo.example"
#define PROBLEM "application/problem+json"

static GBytes *
problem (const char *type, const char *detail)
{
  g_autofree char *json
      = g_strdup_printf ("{\"type\": \"https://virtualoffice.example/problems/%s\","
                         " \"title\": \"t\", \"detail\": \"%s\"}",
                         type, detail);

  return g_bytes_new (json, strlen (json));
}

static void
assert_contains (const GError *error, const char *needle)
{
  if (!strstr (error->message, needle))
    g_error ("“%s” does not contain “%s”", error->message, needle);
}

typedef struct {
  const char *type;
  guint status;
  VoServiceErrorCode code;
} TypeCase;

static void
test_types (void)
{
  static const TypeCase cases[] = {
    { "invalid-request", 400, VO_SERVICE_ERROR_INVALID_REQUEST },
    { "invalid-credentials", 401, VO_SERVICE_ERROR_INVALID_CREDENTIALS },
    { "invalid-token", 401, VO_SERVICE_ERROR_SESSION_ENDED },
    { "invalid-refresh-token", 401, VO_SERVICE_ERROR_SESSION_ENDED },
    { "account-disabled", 403, VO_SERVICE_ERROR_FORBIDDEN },
    { "not-found", 404, VO_SERVICE_ERROR_NOT_FOUND },
    { "conflict", 409, VO_SERVICE_ERROR_CONFLICT },
    { "sync-token-expired", 410, VO_SERVICE_ERROR_SYNC_EXPIRED },
    { "precondition-failed", 412, VO_SERVICE_ERROR_INVALID_REQUEST },
    { "payload-too-large", 413, VO_SERVICE_ERROR_TOO_LARGE },
    { "unsupported-media-type", 415, VO_SERVICE_ERROR_UNSUPPORTED_TYPE },
    { "rate-limited", 429, VO_SERVICE_ERROR_SERVER },
    { "server-error", 500, VO_SERVICE_ERROR_SERVER },
    { "unavailable", 503, VO_SERVICE_ERROR_SERVER },
    /* The type wins over the status. */
    { "account-disabled", 400, VO_SERVICE_ERROR_FORBIDDEN },
    /* An unknown type counts by its status. */
    { "brand-new", 404, VO_SERVICE_ERROR_NOT_FOUND },
    { "brand-new", 409, VO_SERVICE_ERROR_CONFLICT },
    { "brand-new", 410, VO_SERVICE_ERROR_SYNC_EXPIRED },
    { "brand-new", 502, VO_SERVICE_ERROR_SERVER },
    { "brand-new", 418, VO_SERVICE_ERROR_INVALID_REQUEST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) body = problem (cases[i].type, "Some detail.");
    g_autoptr (GError) error
        = vo_service_error_from_response (cases[i].status, PROBLEM "; charset=utf-8", body, HOST);
    g_autofree char *type = vo_service_problem_type (PROBLEM, body);

    g_assert_error (error, VO_SERVICE_ERROR, (gint)cases[i].code);
    g_assert_cmpstr (type, ==, cases[i].type);
    if (cases[i].code == VO_SERVICE_ERROR_SESSION_ENDED) {
      g_assert_cmpstr (error->message, ==,
                       "Your Virtual Office session has ended; sign in "
                       "again with your user name and password");
    } else {
      assert_contains (error, "The Virtual Office service at " HOST);
      assert_contains (error, ": Some detail.)");
    }
  }
}

static void
test_words (void)
{
  g_autoptr (GBytes) body
      = problem ("invalid-credentials", "The user name or password is not correct.");
  g_autoptr (GError) error = vo_service_error_from_response (401, PROBLEM, body, HOST);
  g_autoptr (GBytes) busy = problem ("unavailable", "Down for maintenance");
  g_autoptr (GError) busy_error = vo_service_error_from_response (503, PROBLEM, busy, HOST);

  g_assert_cmpstr (error->message, ==,
                   "The Virtual Office service at vo.example refused the "
                   "sign-in (HTTP 401: The user name or password is not "
                   "correct.): check your user name and password");
  g_assert_cmpstr (busy_error->message, ==,
                   "The Virtual Office service at vo.example has a "
                   "problem (HTTP 503: Down for maintenance); vo-daemon "
                   "tries again later");
  g_assert_true (vo_service_error_is_transient (busy_error));
  g_assert_false (vo_service_error_is_transient (error));
}

/* Not problem+json: the status decides and nothing of the body is shown. */
static void
test_not_problem (void)
{
  g_autoptr (GBytes) html = g_bytes_new_static ("<h1>Bad Gateway</h1>", 20);
  g_autoptr (GBytes) problem_body = problem ("account-disabled", "secret detail");
  g_autoptr (GError) gateway = vo_service_error_from_response (502, "text/html", html, HOST);
  g_autoptr (GError) wrong_type
      = vo_service_error_from_response (404, "application/json", problem_body, HOST);
  g_autoptr (GError) empty = vo_service_error_from_response (500, NULL, NULL, HOST);
  g_autoptr (GError) redirect = vo_service_error_from_response (302, NULL, NULL, HOST);
  g_autoptr (GError) garbage = vo_service_error_from_response (401, PROBLEM, html, HOST);

  g_assert_error (gateway, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SERVER);
  g_assert_cmpstr (gateway->message, ==,
                   "The Virtual Office service at vo.example has a "
                   "problem (HTTP 502); vo-daemon tries again later");
  g_assert_error (wrong_type, VO_SERVICE_ERROR, VO_SERVICE_ERROR_NOT_FOUND);
  g_assert_null (strstr (wrong_type->message, "secret"));
  g_assert_error (empty, VO_SERVICE_ERROR, VO_SERVICE_ERROR_SERVER);
  g_assert_error (redirect, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  assert_contains (redirect, "an unexpected HTTP 302");
  g_assert_error (garbage, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_CREDENTIALS);
  g_assert_null (vo_service_problem_type ("application/json", problem_body));
  g_assert_null (vo_service_problem_type (PROBLEM, html));
}

/* A detail is shown only printable and short. */
static void
test_detail_sanitized (void)
{
  g_autoptr (GString) long_detail = g_string_new (NULL);
  g_autoptr (GBytes) controls = problem ("invalid-request", "bad\\u001b[2J\\r\\nfield");
  g_autoptr (GError) error = vo_service_error_from_response (400, PROBLEM, controls, HOST);
  g_autoptr (GBytes) latin1 = problem ("invalid-request", "caf\xe9");
  g_autoptr (GError) latin1_error = vo_service_error_from_response (400, PROBLEM, latin1, HOST);
  g_autoptr (GBytes) wordy = NULL;
  g_autoptr (GError) wordy_error = NULL;
  static const char typed_json[] = "{\"type\": 7, \"detail\": [\"x\"]}";
  g_autoptr (GBytes) typed = g_bytes_new_static (typed_json, sizeof typed_json - 1);
  g_autoptr (GError) typed_error = vo_service_error_from_response (403, PROBLEM, typed, HOST);

  g_assert_cmpstr (error->message, ==,
                   "The Virtual Office service at vo.example did not accept "
                   "the request (HTTP 400: bad [2J  field)");
  /* Not UTF-8: the whole body is unreadable, the status decides. */
  g_assert_error (latin1_error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (latin1_error->message, ==,
                   "The Virtual Office service at vo.example did not "
                   "accept the request (HTTP 400)");
  /* Long, but under VO_SERVICE_JSON_MAX_STRING (a longer one is dropped). */
  for (guint i = 0; i < 500; i++)
    g_string_append (long_detail, "word ");
  wordy = problem ("server-error", long_detail->str);
  wordy_error = vo_service_error_from_response (500, PROBLEM, wordy, HOST);
  assert_contains (wordy_error, "word…); vo-daemon tries again later");
  g_assert_cmpuint (strlen (wordy_error->message), <, VO_SERVICE_PROBLEM_MAX_DETAIL + 120);
  g_assert_error (typed_error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_FORBIDDEN);
  g_assert_cmpstr (typed_error->message, ==,
                   "The Virtual Office service at vo.example does not "
                   "let this account in (HTTP 403): ask your "
                   "administrator to enable it");
}

static void
test_transport (void)
{
  g_autoptr (GError) refused
      = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "Connection refused");
  g_autoptr (GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out");
  g_autoptr (GError) partial = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                                    "Connection terminated unexpectedly");
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr (GError) a = vo_service_error_from_transport (refused, 0, NULL, HOST, NULL);
  g_autoptr (GError) b = vo_service_error_from_transport (timeout, 0, NULL, HOST, NULL);
  g_autoptr (GError) c = vo_service_error_from_transport (partial, 0, NULL, HOST, NULL);
  g_autoptr (GError) d = vo_service_error_from_transport (cancelled, 0, NULL, HOST, NULL);

  g_assert_error (a, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREACHABLE);
  g_assert_cmpstr (a->message, ==,
                   "Cannot reach the Virtual Office service at vo.example "
                   "(Connection refused); vo-daemon keeps trying");
  g_assert_error (b, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREACHABLE);
  assert_contains (b, "(no answer in time)");
  g_assert_error (c, VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE);
  assert_contains (c, "an answer cut short");
  g_assert_error (d, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED);
  g_assert_true (vo_service_error_is_transient (a));
  g_assert_true (vo_service_error_is_transient (c));
  g_assert_false (vo_service_error_is_transient (d));
}

static void
test_certificate (void)
{
  g_autoptr (GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                "Unacceptable TLS certificate");
  g_autoptr (GError) unknown
      = vo_service_error_from_transport (tls, G_TLS_CERTIFICATE_UNKNOWN_CA, NULL, HOST, NULL);
  g_autoptr (GError) unknown_file = vo_service_error_from_transport (
      tls, G_TLS_CERTIFICATE_UNKNOWN_CA, NULL, HOST, "/etc/vo/ca.pem");
  g_autoptr (GError) name
      = vo_service_error_from_transport (tls, G_TLS_CERTIFICATE_BAD_IDENTITY, NULL, HOST, NULL);
  g_autoptr (GError) expired = vo_service_error_from_transport (
      tls, G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_BAD_IDENTITY, NULL, HOST, NULL);
  g_autoptr (GError) early
      = vo_service_error_from_transport (tls, G_TLS_CERTIFICATE_NOT_ACTIVATED, NULL, HOST, NULL);
  g_autoptr (GError) bare = vo_service_error_from_transport (tls, 0, NULL, HOST, NULL);
  g_autoptr (GError) port = vo_service_error_from_transport (tls, G_TLS_CERTIFICATE_BAD_IDENTITY,
                                                             NULL, "[::1]:8443", NULL);
  GError *all[] = { unknown, unknown_file, name, expired, early, bare };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++) {
    g_assert_error (all[i], VO_SERVICE_ERROR, VO_SERVICE_ERROR_CERTIFICATE);
    g_assert_false (vo_service_error_is_transient (all[i]));
  }
  assert_contains (unknown, "(unknown CA)");
  assert_contains (unknown, "set [service] ca-file in vo.conf");
  assert_contains (unknown_file, "a CA in /etc/vo/ca.pem, the [service] ca-file");
  assert_contains (name, "was issued for another name, not vo.example (wrong name)");
  /* The name problem is named first, as on the SIP side. */
  assert_contains (expired, "(wrong name)");
  assert_contains (early, "is not valid before an unknown date");
  assert_contains (bare, "could not be verified");
  /* A certificate names a host, not a port. */
  assert_contains (port, "not [::1] (wrong name)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/service-problem/types", test_types);
  g_test_add_func ("/service-problem/words", test_words);
  g_test_add_func ("/service-problem/not-problem", test_not_problem);
  g_test_add_func ("/service-problem/detail-sanitized", test_detail_sanitized);
  g_test_add_func ("/service-problem/transport", test_transport);
  g_test_add_func ("/service-problem/certificate", test_certificate);
  return g_test_run ();
}
