/* vo-service-client-private.h: what service/'s own files share about
 * VoServiceClient: one request with the token handling (refresh on 401
 * once), and what the event socket needs. Not for the core.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-service-client.h"

G_BEGIN_DECLS

typedef enum {
  VO_SERVICE_CALL_PLAIN = 0,
  VO_SERVICE_CALL_BEARER = 1 << 0, /* send the access token (refresh first if none) */
  VO_SERVICE_CALL_RAW = 1 << 1,    /* finish with a VoServiceResponse, not parsed */
} VoServiceCallFlags;

/* A JSON answer → a struct (vo-service-json.h's parsers). */
typedef gpointer (*VoServiceParse) (GBytes *body, const char *host, GError **error);

/* A raw answer (VO_SERVICE_CALL_RAW): a binary download. */
typedef struct {
  GBytes *body;
  char *etag;         /* or NULL */
  char *content_type; /* or NULL */
} VoServiceResponse;

void vo_service_response_free (VoServiceResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceResponse, vo_service_response_free)

/* METHOD @path ("/v1/…") with @body of @content_type (both may be NULL).
 * A 2xx answer is parsed with @parse (it must then be JSON), returned raw
 * (VO_SERVICE_CALL_RAW), or just succeeds; anything else is a
 * VO_SERVICE_ERROR. A bearer request answered 401 invalid-token is
 * repeated once after a refresh that concurrent requests share. */
void vo_service_client_call_async (VoServiceClient *self, const char *method, const char *path,
                                   GBytes *body, const char *content_type, VoServiceCallFlags flags,
                                   VoServiceParse parse, GDestroyNotify free_result,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* @result_out (optional): the parsed struct or VoServiceResponse. */
gboolean vo_service_client_call_finish (VoServiceClient *self, GAsyncResult *result,
                                        gpointer *result_out, GError **error);

/* vo_service_client_call_finish() for a call that finishes with its
 * value: the parsed struct, the VoServiceResponse, or NULL (and @error). */
gpointer vo_service_client_call_result (VoServiceClient *self, GAsyncResult *result,
                                        GError **error);

/* Stores a new pair (sign-in, refresh) and emits "refresh-token-changed". */
void vo_service_client_take_tokens (VoServiceClient *self, char *access_token, char *refresh_token);
/* Forgets both tokens; emits "refresh-token-changed" (NULL) if it had any. */
void vo_service_client_forget_tokens (VoServiceClient *self);

/* For the event socket (vo-service-events.c), whose connection is one more
 * request of this client's session. The GObject is a
 * SoupWebsocketConnection (kept out of the header: GIO types only). */
const char *vo_service_client_get_access_token (VoServiceClient *self);
const char *vo_service_client_get_host (VoServiceClient *self);
void vo_service_client_websocket_async (VoServiceClient *self, const char *path,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
GObject *vo_service_client_websocket_finish (VoServiceClient *self, GAsyncResult *result,
                                             GError **error);

G_END_DECLS
