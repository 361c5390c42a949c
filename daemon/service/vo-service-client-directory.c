/* vo-service-client-directory.c: VoServiceClient's calls for the company
 * directory (docs/service-api.md §9) and the favorites (§10), each one
 * request through vo_service_client_call_async() and one parser of
 * vo-service-json-directory.c.
 *
 * What goes into a path is checked before anything is sent: a "next" page
 * only ever inside /v1/directory on the service's own host, ids as the
 * contract allows them and percent-encoded.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-client-private.h"
#include "vo-service-json.h"
#include "vo-service-problem.h"

#include <string.h>

/* The largest page the contract allows (§2.4): fewest requests for a
 * directory of thousands. */
#define DIRECTORY_PAGE_LIMIT "500"

/* Fails the call of @source_tag INVALID_REQUEST with @message, unsent. */
static void
refuse (VoServiceClient *self, gpointer source_tag, GAsyncReadyCallback callback,
        gpointer user_data, const char *message)
{
  g_task_report_new_error (self, callback, user_data, source_tag, VO_SERVICE_ERROR,
                           VO_SERVICE_ERROR_INVALID_REQUEST, "%s", message);
}

static gboolean
is_sync_token (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > VO_SERVICE_JSON_MAX_TOKEN)
    return FALSE;
  for (const char *p = token; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

/* ---- directory ------------------------------------------------------------ */

void
vo_service_client_get_directory_page_async (VoServiceClient *self, const char *next,
                                            const char *since, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  if (next && !vo_service_directory_next_is_valid (next)) {
    refuse (self, vo_service_client_get_directory_page_async, callback, user_data,
            "The next page of the company directory must be a path inside /v1/directory");
    return;
  }
  if (!next && since && !is_sync_token (since)) {
    refuse (self, vo_service_client_get_directory_page_async, callback, user_data,
            "The directory's sync token is not 1–512 printable ASCII characters: sync again "
            "without it");
    return;
  }
  if (next) {
    path = g_strdup (next);
  } else if (since) {
    g_autofree char *escaped = g_uri_escape_string (since, NULL, FALSE);

    path = g_strconcat ("/v1/directory?since=", escaped, "&limit=" DIRECTORY_PAGE_LIMIT, NULL);
  } else {
    path = g_strdup ("/v1/directory?limit=" DIRECTORY_PAGE_LIMIT);
  }
  vo_service_client_call_async (self, "GET", path, NULL, NULL, VO_SERVICE_CALL_BEARER,
                                (VoServiceParse)vo_service_parse_directory_page,
                                (GDestroyNotify)vo_service_directory_page_free, cancellable,
                                callback, user_data);
}

VoServiceDirectoryPage *
vo_service_client_get_directory_page_finish (VoServiceClient *self, GAsyncResult *result,
                                             GError **error)
{
  return vo_service_client_call_result (self, result, error);
}

void
vo_service_client_get_directory_photo_async (VoServiceClient *self, const char *id,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  if (!vo_service_directory_id_is_valid (id)) {
    refuse (self, vo_service_client_get_directory_photo_async, callback, user_data,
            "A company directory id is 1–128 printable ASCII characters without /, ?, # or %");
    return;
  }
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("/v1/directory/", escaped, "/photo", NULL);
  vo_service_client_call_async (
      self, "GET", path, NULL, NULL, VO_SERVICE_CALL_BEARER | VO_SERVICE_CALL_RAW, NULL,
      (GDestroyNotify)vo_service_response_free, cancellable, callback, user_data);
}

/* The part of a Content-Type before its parameters. */
static char *
media_type (const char *content_type)
{
  return content_type ? g_ascii_strdown (content_type, (gssize)strcspn (content_type, "; \t"))
                      : g_strdup ("");
}

GBytes *
vo_service_client_get_directory_photo_finish (VoServiceClient *self, GAsyncResult *result,
                                              char **content_type_out, GError **error)
{
  g_autoptr (VoServiceResponse) response = vo_service_client_call_result (self, result, error);
  g_autofree char *type = NULL;
  g_autofree char *reason = NULL;
  const char *host = vo_service_client_get_host (self);
  gsize size;

  if (!response)
    return NULL;
  /* The bytes end up in a file whose path every client is given: they
   * must be the image the service says they are, and not huge. */
  type = media_type (response->content_type);
  size = response->body ? g_bytes_get_size (response->body) : 0;
  if (!g_str_equal (type, "image/jpeg") && !g_str_equal (type, "image/png"))
    reason = g_strdup ("a photo that is not image/jpeg or image/png");
  else if (size > VO_SERVICE_PHOTO_MAX_BYTES)
    reason = g_strdup_printf ("a photo of %" G_GSIZE_FORMAT " bytes, over the limit of %d", size,
                              VO_SERVICE_PHOTO_MAX_BYTES);
  else if (g_strcmp0 (vo_service_photo_type (response->body), type) != 0)
    reason = g_strdup_printf ("a photo that is not the %s it says it is", type);
  if (reason) {
    g_propagate_error (error, vo_service_error_unreadable (host, reason));
    return NULL;
  }
  if (content_type_out)
    *content_type_out = g_steal_pointer (&type);
  return g_steal_pointer (&response->body);
}

/* ---- favorites -------------------------------------------------------------- */

void
vo_service_client_get_favorites_async (VoServiceClient *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  vo_service_client_call_async (self, "GET", "/v1/favorites", NULL, NULL, VO_SERVICE_CALL_BEARER,
                                (VoServiceParse)vo_service_parse_favorites,
                                (GDestroyNotify)g_strfreev, cancellable, callback, user_data);
}

GStrv
vo_service_client_get_favorites_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  return vo_service_client_call_result (self, result, error);
}

void
vo_service_client_set_favorite_async (VoServiceClient *self, const char *id, gboolean favorite,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  if (!vo_service_favorite_id_is_valid (id)) {
    refuse (self, vo_service_client_set_favorite_async, callback, user_data,
            "A favorite's id is 1–256 printable ASCII characters");
    return;
  }
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("/v1/favorites/", escaped, NULL);
  vo_service_client_call_async (self, favorite ? "PUT" : "DELETE", path, NULL, NULL,
                                VO_SERVICE_CALL_BEARER, NULL, NULL, cancellable, callback,
                                user_data);
}

gboolean
vo_service_client_set_favorite_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  return vo_service_client_call_finish (self, result, NULL, error);
}
