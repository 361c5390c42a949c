/* vo-service-problem.c: HTTP problems, transport failures and certificate
 * refusals → VO_SERVICE_ERROR with one sentence a person can act on. The
 * certificate sentences are common/vo-tls-problem's, as for the registrar,
 * pointing at [service] ca-file instead of [sip] ca-file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-problem.h"
#include "vo-service-json.h"
#include "vo-text.h"
#include "vo-tls-problem.h"

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
  { "conflict", VO_SERVICE_ERROR_CONFLICT },
  { "sync-token-expired", VO_SERVICE_ERROR_SYNC_EXPIRED },
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
  { VO_SERVICE_ERROR_SYNC_EXPIRED, "no longer knows where the last sync ended",
    "; vo-daemon syncs everything again" },
  { VO_SERVICE_ERROR_CONFLICT, "refused a change that conflicts with what it holds",
    " (favorites: at most 1000; remove one first)" },
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
    return VO_SERVICE_ERROR_NOT_FOUND;
  case 409:
    return VO_SERVICE_ERROR_CONFLICT;
  case 410:
    return VO_SERVICE_ERROR_SYNC_EXPIRED;
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
  detail = vo_text_printable (raw_detail, VO_SERVICE_PROBLEM_MAX_DETAIL);
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

/* The service's words for vo_tls_problem_describe(). */
static const VoTlsParty service_party = {
  .whose = "The Virtual Office service's",
  .owner = "service",
  .ca_key = "[service] ca-file",
  .right_name = "use the service's address as its certificate gives it",
};

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
    g_autofree char *message
        = vo_tls_problem_describe (&service_party, certificate_errors, peer, name, ca_file);

    return g_error_new_literal (VO_SERVICE_ERROR, VO_SERVICE_ERROR_CERTIFICATE, message);
  }
  /* libsoup: a body shorter than its Content-Length (or chunks cut off). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return vo_service_error_unreadable (host, "an answer cut short");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    reason = g_strdup ("no answer in time");
  else
    reason = vo_text_printable (error ? error->message : NULL, 200);
  return g_error_new (VO_SERVICE_ERROR, VO_SERVICE_ERROR_UNREACHABLE,
                      "Cannot reach the Virtual Office service at %s (%s); vo-daemon keeps trying",
                      host, reason ? reason : "no connection");
}
