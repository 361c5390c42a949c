/* vo-service-problem.h: what went wrong, as a VO_SERVICE_ERROR with a
 * sentence a person can act on: RFC 7807 answers (docs/service-api.md
 * §2.2), transport failures and certificate problems. Pure functions (no
 * session), so unit tests and the fuzz target call them directly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "vo-service-error.h"

G_BEGIN_DECLS

/* Longest part of a service's "detail" put into a message, in characters. */
#define VO_SERVICE_PROBLEM_MAX_DETAIL 200

/* The last path segment of a problem+json answer's "type"
 * ("invalid-token"), or NULL when @content_type is not
 * application/problem+json or the body has no readable type. */
char *vo_service_problem_type (const char *content_type, GBytes *body);

/* The error for an answer with @status >= 300 from @host (an answer the
 * client did not expect: 3xx and 1xx are UNREADABLE). The problem's type
 * decides, else @status; a printable, short "detail" is quoted. */
GError *vo_service_error_from_response (guint status, const char *content_type, GBytes *body,
                                        const char *host);

/* UNREADABLE: "… at @host answered something vo-daemon cannot read
 * (@reason); it tries again later". */
GError *vo_service_error_unreadable (const char *host, const char *reason);

/* The error for a request that got no answer: @error from libsoup/GIO
 * (refused, resolver, timeout, cut short, TLS, cancelled). When
 * @certificate_errors is not 0 the handshake refused the server's
 * certificate @peer (may be NULL); @ca_file is the client's, or NULL for
 * the system's CAs (the message says how to trust another CA). */
GError *vo_service_error_from_transport (const GError *error,
                                         GTlsCertificateFlags certificate_errors,
                                         GTlsCertificate *peer, const char *host,
                                         const char *ca_file);

G_END_DECLS
