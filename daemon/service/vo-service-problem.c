/* vo-service-problem.c: HTTP problems, transport failures and certificate
 * refusals → VO_SERVICE_ERROR with one sentence a person can act on. The
 * certificate sentences say what sip/vo-sip-tls.c says for the registrar,
 * pointing at [service] ca-file instead of [sip] ca-file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-problem.h"
#include "vo-service-json.h"

#include <string.h>

typedef struct {
  const char *type;
  VoServiceErrorCode code;
} ProblemType;

/* docs/service-api.md §2.2. invalid-token only reaches a caller when the
 * repeated request was refused too: the session is no good any more. */
static const ProblemType problem_types[] = {
  { "invalid-request", VO_SERVICE_ERROR_INVALID_REQUEST },
  { "invalid-credentials", VO_SERVICE_ERROR_INVALID_CREDENTIALS },
  { "invalid-token", VO_SERVICE_ERROR_SESSION_ENDED },
  { "invalid-refresh-token", VO_SERVICE_ERROR_SESSION_ENDED },
  { "account-disabled", VO_SERVICE_ERROR_FORBIDDEN },
  { "not-found", VO_SERVICE_ERROR_NOT_FOUND },
  { "sync-token-expired", VO_SERVICE_ERROR_NOT_FOUND },
  { "precondition-failed", VO_SERVICE_ERROR_INVALID_REQUEST },
  { "payload-too-large", VO_SERVICE_ERROR_TOO_LARGE },
  { "unsupported-media-type", VO_SERVICE_ERROR_UNSUPPORTED_TYPE },
  { "rate-limited", VO_SERVICE_ERROR_SERVER },
  { "server-error", VO_SERVICE_ERROR_SERVER },
  { "unavailable", VO_SERVICE_ERROR_SERVER },
};

/* "The Virtual Office service at HOST <what> (HTTP n: detail)<advice>". */
typedef struct {
  VoServiceErrorCode code;
  const char *what;
  const char *advice;
} ProblemWords;

static const ProblemWords problem_words[] = {
  { VO_SERVICE_ERROR_SERVER, "has a problem", "; vo-daemon tries again later" },
  { VO_SERVICE_ERROR_INVALID_REQUEST, "did not accept the request", "" },
  { VO_SERVICE_ERROR_INVALID_CREDENTIALS, "refused the sign-in",
    ": check your user name and password" },
  { VO_SERVICE_ERROR_FORBIDDEN, "does not let this account in",
    ": ask your administrator to enable it" },
  { VO_SERVICE_ERROR_NOT_FOUND, "has no such thing", "" },
  { VO_SERVICE_ERROR_TOO_LARGE, "refused the request as too large", "" },
  { VO_SERVICE_ERROR_UNSUPPORTED_TYPE, "does not take this type of content", "" },
};

static gboolean
is_problem_json (const char *content_type)
{
  static const char problem[] = "application/problem+json";
  gsize length;

  if (!content_type)
    return FALSE;
  length = strcspn (content_type, "; \t");
  return length == strlen (problem) && g_ascii_strncasecmp (content_type, problem, length) == 0;
}

char *
vo_service_problem_type (const char *content_type, GBytes *body)
{
  g_autofree char *type = NULL;
  g_autofree char *detail = NULL;
  const char *slash;

  if (!is_problem_json (content_type) || !vo_service_parse_problem (body, &type, &detail) || !type)
    return NULL;
  slash = strrchr (type, '/');
  return g_strdup (slash ? slash + 1 : type);
}

static VoServiceErrorCode
code_from_status (guint status)
{
  switch (status) {
  case 401:
    return VO_SERVICE_ERROR_INVALID_CREDENTIALS;
  case 403:
    return VO_SERVICE_ERROR_FORBIDDEN;
  case 404:
  case 410:
    return VO_SERVICE_ERROR_NOT_FOUND;
  case 413:
    return VO_SERVICE_ERROR_TOO_LARGE;
  case 415:
    return VO_SERVICE_ERROR_UNSUPPORTED_TYPE;
  case 429:
    return VO_SERVICE_ERROR_SERVER;
  default:
    return status >= 500 ? VO_SERVICE_ERROR_SERVER : VO_SERVICE_ERROR_INVALID_REQUEST;
  }
}

GError *
vo_service_error_from_response (guint status, const char *content_type, GBytes *body,
                                const char *host)
{
  g_autofree char *type = NULL;
  g_autofree char *raw_detail = NULL;
  g_autofree char *detail = NULL;
  const char *name = NULL;
  VoServiceErrorCode code;

  if (status < 400) {
    g_autofree char *reason = g_strdup_printf ("an unexpected HTTP %u", status);

    return vo_service_error_unreadable (host, reason);
  }
  code = code_from_status (status);
  if (is_problem_json (content_type) && vo_service_parse_problem (body, &type, &raw_detail)
      && type) {
    name = strrchr (type, '/') ? strrchr (type, '/') + 1 : type;
    for (guint i = 0; i < G_N_ELEMENTS (problem_types); i++)
      if (g_str_equal (name, problem_types[i].type))
        code = problem_types[i].code;
  }
  if (code == VO_SERVICE_ERROR_SESSION_ENDED)
    return g_error_new_literal (VO_SERVICE_ERROR, code,
                                "Your Virtual Office session has ended; sign in again with your "
                                "user name and password");
  detail = vo_service_json_printable (raw_detail, VO_SERVICE_PROBLEM_MAX_DETAIL);
  for (guint i = 0; i < G_N_ELEMENTS (problem_words); i++) {
    if (problem_words[i].code != code)
      continue;
    return g_error_new (VO_SERVICE_ERROR, code,
                        "The Virtual Office service at %s %s (HTTP %u%s%s)%s", host,
                        problem_words[i].what, status, detail ? ": " : "", detail ? detail : "",
                        problem_words[i].advice);
  }
  g_return_val_if_reached (NULL);
}

GError *
vo_service_error_unreadable (const char *host, const char *reason)
{
  return g_error_new (VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREADABLE,
                      "The Virtual Office service at %s answered something vo-daemon cannot "
                      "read (%s); it tries again later",
                      host, reason);
}

/* ---- no answer ---------------------------------------------------------- */

/* "a.example, 192.0.2.1": the names a certificate was issued for, or NULL. */
static char *
certificate_names (GTlsCertificate *peer)
{
  g_autoptr (GPtrArray) dns = NULL;
  g_autoptr (GPtrArray) ips = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;
  g_autofree char *joined = NULL;

  if (!peer)
    return NULL;
  g_object_get (peer, "dns-names", &dns, "ip-addresses", &ips, NULL);
  for (guint i = 0; dns && i < MIN (dns->len, 4); i++) {
    GBytes *name = g_ptr_array_index (dns, i);
    g_autofree char *text = g_strndup (g_bytes_get_data (name, NULL), g_bytes_get_size (name));

    g_strv_builder_add (names, text);
  }
  for (guint i = 0; ips && i < MIN (ips->len, 4); i++) {
    g_autofree char *text = g_inet_address_to_string (g_ptr_array_index (ips, i));

    g_strv_builder_add (names, text);
  }
  list = g_strv_builder_end (names);
  joined = g_strjoinv (", ", list);
  return list[0] ? vo_service_json_printable (joined, 200) : NULL;
}

static char *
certificate_date (GTlsCertificate *peer, gboolean not_after)
{
  g_autoptr (GDateTime) when = NULL;

  if (peer)
    when = not_after ? g_tls_certificate_get_not_valid_after (peer)
                     : g_tls_certificate_get_not_valid_before (peer);
  return when ? g_date_time_format (when, "%Y-%m-%d %H:%M UTC") : g_strdup ("an unknown date");
}

static char *
describe_certificate (GTlsCertificateFlags errors, GTlsCertificate *peer, const char *host,
                      const char *ca_file)
{
  g_autofree char *names = NULL;
  g_autofree char *date = NULL;

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA) {
    if (ca_file)
      return g_strdup_printf ("The Virtual Office service's certificate for %s is not trusted "
                              "(unknown CA): it is not signed by a CA in %s, the [service] "
                              "ca-file of vo.conf; check that file, or someone may be "
                              "impersonating the service",
                              host, ca_file);
    return g_strdup_printf ("The Virtual Office service's certificate for %s is not trusted "
                            "(unknown CA): it is not signed by an authority this computer "
                            "trusts. If your company uses its own CA, set [service] ca-file in "
                            "vo.conf to its certificate (PEM) and restart vo-daemon; otherwise "
                            "someone may be impersonating the service",
                            host);
  }
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY) {
    names = certificate_names (peer);
    return g_strdup_printf ("The Virtual Office service's certificate was issued for %s, not %s "
                            "(wrong name): use the service's address as its certificate gives "
                            "it, or ask the service's administrator for a certificate for %s",
                            names ? names : "another name", host, host);
  }
  if (errors & G_TLS_CERTIFICATE_EXPIRED) {
    date = certificate_date (peer, TRUE);
    return g_strdup_printf ("The Virtual Office service's certificate for %s expired on %s: ask "
                            "the service's administrator to renew it (or check this computer's "
                            "clock)",
                            host, date);
  }
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED) {
    date = certificate_date (peer, FALSE);
    return g_strdup_printf ("The Virtual Office service's certificate for %s is not valid "
                            "before %s: check this computer's clock",
                            host, date);
  }
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup_printf ("The Virtual Office service's certificate for %s has been revoked: "
                            "ask the service's administrator for a new one",
                            host);
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup_printf ("The Virtual Office service's certificate for %s uses an insecure "
                            "algorithm: ask the service's administrator for a new one",
                            host);
  return g_strdup_printf ("The Virtual Office service's certificate for %s could not be "
                          "verified: ask the service's administrator to check it",
                          host);
}

/* "host" of "host:port" or "[v6]:port": certificates name hosts, not ports. */
static char *
host_without_port (const char *host)
{
  const char *colon = strrchr (host, ':');

  if (!colon || (host[0] == '[' ? colon < strrchr (host, ']') : colon != strchr (host, ':')))
    return g_strdup (host);
  return g_strndup (host, (gsize)(colon - host));
}

GError *
vo_service_error_from_transport (const GError *error, GTlsCertificateFlags certificate_errors,
                                 GTlsCertificate *peer, const char *host, const char *ca_file)
{
  g_autofree char *reason = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new (VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED,
                        "The request to the Virtual Office service at %s was cancelled", host);
  if (certificate_errors || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE)) {
    g_autofree char *name = host_without_port (host);
    g_autofree char *message = describe_certificate (certificate_errors, peer, name, ca_file);

    return g_error_new_literal (VO_SERVICE_ERROR, VO_SERVICE_ERROR_CERTIFICATE, message);
  }
  /* libsoup: a body shorter than its Content-Length (or chunks cut off). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return vo_service_error_unreadable (host, "an answer cut short");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    reason = g_strdup ("no answer in time");
  else
    reason = vo_service_json_printable (error ? error->message : NULL, 200);
  return g_error_new (VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREACHABLE,
                      "Cannot reach the Virtual Office service at %s (%s); vo-daemon keeps trying",
                      host, reason ? reason : "no connection");
}
