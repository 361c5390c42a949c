/* vo-service-error.h: what went wrong talking to the Virtual Office service.
 *
 * The client's _finish functions fail in this domain, with a message a
 * person can act on already written. The core decides on the code (retry,
 * ask to sign in again, give up) and hands vo_service_error_to_vo()'s
 * VoError to D-Bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VO_SERVICE_ERROR (vo_service_error_quark ())
GQuark vo_service_error_quark (void);

typedef enum {
  /* Transient: the client retries later (with backoff). */
  VO_SERVICE_ERROR_UNREACHABLE,      /* connect/resolve failed, timeout, connection cut */
  VO_SERVICE_ERROR_SERVER,           /* 5xx, 429, 503 (retry_after may say when) */
  VO_SERVICE_ERROR_UNREADABLE,       /* not JSON, truncated, wrong shape */
  /* Not retried until the user acts. */
  VO_SERVICE_ERROR_CERTIFICATE,      /* TLS: untrusted, wrong name, expired… */
  VO_SERVICE_ERROR_INVALID_CREDENTIALS,  /* sign-in: wrong user name or password */
  VO_SERVICE_ERROR_SESSION_ENDED,    /* refresh token revoked/expired/used */
  VO_SERVICE_ERROR_FORBIDDEN,        /* 403 account-disabled */
  /* Per request. */
  VO_SERVICE_ERROR_INVALID_REQUEST,  /* 400 */
  VO_SERVICE_ERROR_NOT_FOUND,        /* 404 */
  VO_SERVICE_ERROR_TOO_LARGE,        /* 413 */
  VO_SERVICE_ERROR_UNSUPPORTED_TYPE, /* 415 */
  VO_SERVICE_ERROR_CANCELLED,        /* the caller cancelled */
  VO_SERVICE_ERROR_SYNC_EXPIRED,     /* 410 sync-token-expired: sync again from scratch */
  VO_SERVICE_ERROR_CONFLICT,         /* 409 (e.g. too many favorites) */
} VoServiceErrorCode;

/* TRUE for UNREACHABLE, SERVER and UNREADABLE: try again later. */
gboolean vo_service_error_is_transient (const GError *error);

/* A copy of @error in the VO_ERROR domain (vo-error.h), same message:
 * INVALID_CREDENTIALS/SESSION_ENDED → AUTH_FAILED, FORBIDDEN →
 * PERMISSION_DENIED, UNREACHABLE/SERVER/UNREADABLE/CERTIFICATE → NETWORK,
 * INVALID_REQUEST/TOO_LARGE/UNSUPPORTED_TYPE → INVALID_ARGUMENT, NOT_FOUND →
 * NOT_FOUND, CONFLICT → INVALID_STATE, SYNC_EXPIRED (the core syncs again,
 * it should not reach a caller) and CANCELLED → FAILED. Errors of other
 * domains are copied. */
GError *vo_service_error_to_vo (const GError *error);

G_END_DECLS
