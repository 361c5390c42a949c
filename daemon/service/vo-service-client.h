/* vo-service-client.h: the HTTPS client of the Virtual Office service
 * (docs/service-api.md). One SoupSession, TLS verified against the system
 * CAs or a CA file; JSON in and out with json-glib, mapped to the plain
 * structs below; every failure a VO_SERVICE_ERROR (vo-service-error.h).
 *
 * Tokens: sign-in and refresh set both; the access token stays in memory,
 * the refresh token is handed to the core ("refresh-token-changed") to keep
 * in the secret store. A request answered 401 invalid-token is refreshed
 * once and repeated once, by the client itself.
 *
 * The client does not retry transient failures: the core owns backoff.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "vo-service-error.h"

G_BEGIN_DECLS

/* GET /v1/sip-account. Never holds the sign-in password. */
typedef struct {
  char *auth_user;
  char *password;       /* the SIP digest password */
  char *domain;
  char *registrar;      /* sip:/sips: URI */
  char *outbound_proxy; /* URI or NULL */
  char *transport;      /* udp, tcp, tls */
  char *display_name;   /* or NULL */
} VoServiceSipAccount;

void vo_service_sip_account_free (VoServiceSipAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceSipAccount, vo_service_sip_account_free)

/* GET /v1/me. Strings are "" when the service has none. */
typedef struct {
  char *username;
  char *display_name;
  char *extension;
  char *company;
  char *department;
  char *email;
  char *mobile;
  char *sip_uri;
  char *photo_etag;          /* NULL when the user has no photo */
  char *photo_content_type;  /* NULL when the user has no photo */
  char *country;             /* ISO 3166-1 alpha-2 region ("NL") or "" */
  char **capabilities;       /* never NULL */
} VoServiceProfile;

void vo_service_profile_free (VoServiceProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceProfile, vo_service_profile_free)

/* One rule of GET /v1/forwarding. */
typedef struct {
  char *condition;   /* always, busy, no-answer, unreachable */
  gboolean enabled;
  char *target;      /* SIP URI or "" */
  guint timeout_s;
} VoServiceForwardingRule;

void vo_service_forwarding_rule_free (VoServiceForwardingRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceForwardingRule, vo_service_forwarding_rule_free)

/* One entry of GET /v1/directory (docs/service-api.md §9). Strings are ""
 * when the service has none; the arrays are never NULL. */
typedef struct {
  char *id;                 /* the colleague's user name */
  char *display_name;
  char *extension;
  char *sip_uri;            /* a sip:/sips: URI or "" */
  char **numbers;
  char **emails;
  char *company;
  char *department;
  char *photo_etag;         /* NULL when the entry has no photo */
  char *photo_content_type; /* NULL when the entry has no photo */
} VoServiceDirectoryEntry;

void vo_service_directory_entry_free (VoServiceDirectoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceDirectoryEntry, vo_service_directory_entry_free)

/* One page of a delta-synced collection (§2.4). */
typedef struct {
  GPtrArray *items;   /* VoServiceDirectoryEntry */
  char **deleted;     /* ids; never NULL */
  char *next;         /* the path of the next page, or NULL on the last */
  char *sync_token;   /* on the last page, else NULL */
} VoServiceDirectoryPage;

void vo_service_directory_page_free (VoServiceDirectoryPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceDirectoryPage, vo_service_directory_page_free)

/* The photo size cap of docs/service-api.md §6. */
#define VO_SERVICE_PHOTO_MAX_BYTES (2 * 1024 * 1024)

#define VO_TYPE_SERVICE_CLIENT (vo_service_client_get_type ())
G_DECLARE_FINAL_TYPE (VoServiceClient, vo_service_client, VO, SERVICE_CLIENT, GObject)

/* @base_url: "https://host[:port]" (a trailing "/" or "/v1" is accepted).
 * @ca_file: PEM file of trusted CAs, or NULL for the system's.
 * Fails (VO_SERVICE_ERROR_INVALID_REQUEST) for a URL that is not https with
 * a host, or a CA file that cannot be read. */
VoServiceClient *vo_service_client_new (const char *base_url, const char *ca_file,
                                        GError **error);
/* "https://host:port", normalised. */
const char *vo_service_client_get_base_url (VoServiceClient *self);
/* Seconds before a request without an answer fails UNREACHABLE (default 20).
 * libsoup applies it to connections opened afterwards: set it first. */
void vo_service_client_set_timeout (VoServiceClient *self, guint timeout_s);
/* The Retry-After (seconds) of the last answer that failed
 * VO_SERVICE_ERROR_SERVER, 0 when it had none; reset by a success. */
gint64 vo_service_client_get_retry_after (VoServiceClient *self);

/* The refresh token to start from after a restart (NULL forgets both). */
void vo_service_client_set_refresh_token (VoServiceClient *self, const char *refresh_token);
gboolean vo_service_client_has_session (VoServiceClient *self);
/* Signal "refresh-token-changed" (const char *refresh_token): after sign-in
 * and after every refresh (tokens rotate); NULL after sign-out or when the
 * session ended. */

/* POST /v1/session. */
void vo_service_client_sign_in_async (VoServiceClient *self, const char *username,
                                      const char *password, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_service_client_sign_in_finish (VoServiceClient *self, GAsyncResult *result,
                                           GError **error);

/* POST /v1/session/refresh with the refresh token: a new access token. */
void vo_service_client_refresh_async (VoServiceClient *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_service_client_refresh_finish (VoServiceClient *self, GAsyncResult *result,
                                           GError **error);

/* DELETE /v1/session, then forgets the tokens whatever the answer. */
void vo_service_client_sign_out_async (VoServiceClient *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_service_client_sign_out_finish (VoServiceClient *self, GAsyncResult *result,
                                            GError **error);

void vo_service_client_get_sip_account_async (VoServiceClient *self, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
VoServiceSipAccount *vo_service_client_get_sip_account_finish (VoServiceClient *self,
                                                               GAsyncResult *result,
                                                               GError **error);

void vo_service_client_get_me_async (VoServiceClient *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
VoServiceProfile *vo_service_client_get_me_finish (VoServiceClient *self, GAsyncResult *result,
                                                   GError **error);

/* PUT /v1/me/photo. @content_type: image/jpeg or image/png. Finishes with
 * the new photo's ETag. */
void vo_service_client_put_photo_async (VoServiceClient *self, GBytes *image,
                                        const char *content_type, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
char *vo_service_client_put_photo_finish (VoServiceClient *self, GAsyncResult *result,
                                          GError **error);

/* GET /v1/me/photo: the image (NOT_FOUND when there is none); @etag_out
 * and @content_type_out (optional) get its ETag and type. */
void vo_service_client_get_photo_async (VoServiceClient *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GBytes *vo_service_client_get_photo_finish (VoServiceClient *self, GAsyncResult *result,
                                            char **etag_out, char **content_type_out,
                                            GError **error);

/* DELETE /v1/me/photo. */
void vo_service_client_delete_photo_async (VoServiceClient *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_service_client_delete_photo_finish (VoServiceClient *self, GAsyncResult *result,
                                                GError **error);

/* POST /v1/password-reset and /v1/username-recovery (no session needed). */
void vo_service_client_request_password_reset_async (VoServiceClient *self, const char *username,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer user_data);
gboolean vo_service_client_request_password_reset_finish (VoServiceClient *self,
                                                          GAsyncResult *result, GError **error);
void vo_service_client_recover_username_async (VoServiceClient *self, const char *email,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean vo_service_client_recover_username_finish (VoServiceClient *self, GAsyncResult *result,
                                                    GError **error);

/* GET /v1/forwarding: a GPtrArray of VoServiceForwardingRule. */
void vo_service_client_get_forwarding_async (VoServiceClient *self, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *vo_service_client_get_forwarding_finish (VoServiceClient *self, GAsyncResult *result,
                                                    GError **error);

/* PUT /v1/forwarding/{condition}. */
void vo_service_client_put_forwarding_rule_async (VoServiceClient *self,
                                                  const VoServiceForwardingRule *rule,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean vo_service_client_put_forwarding_rule_finish (VoServiceClient *self,
                                                       GAsyncResult *result, GError **error);

/* GET /v1/directory. @next: a page's "next" path to follow, or NULL for
 * the first page; @since: a sync token (only with @next NULL) or NULL for
 * everything. Pages of 500 entries. An expired token (or a "next" whose
 * cursor the service no longer knows) fails VO_SERVICE_ERROR_SYNC_EXPIRED:
 * start again without one. A @next outside /v1/directory or a @since that
 * is no token fails INVALID_REQUEST unsent; a page whose "next" leads
 * outside /v1/directory fails UNREADABLE (vo-service-json.h has the
 * page's rules: bad entries are skipped, not failed). */
void vo_service_client_get_directory_page_async (VoServiceClient *self, const char *next,
                                                 const char *since, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
VoServiceDirectoryPage *vo_service_client_get_directory_page_finish (VoServiceClient *self,
                                                                     GAsyncResult *result,
                                                                     GError **error);

/* GET /v1/directory/{id}/photo: the image (NOT_FOUND when there is none);
 * @content_type_out (optional) gets its type, "image/jpeg" or
 * "image/png". An answer of another type, over VO_SERVICE_PHOTO_MAX_BYTES
 * or whose bytes are not the type it says fails UNREADABLE; an @id that no
 * entry can have fails INVALID_REQUEST unsent. */
void vo_service_client_get_directory_photo_async (VoServiceClient *self, const char *id,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
GBytes *vo_service_client_get_directory_photo_finish (VoServiceClient *self,
                                                      GAsyncResult *result,
                                                      char **content_type_out, GError **error);

/* GET /v1/favorites: the ids, in the order they were added. */
void vo_service_client_get_favorites_async (VoServiceClient *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GStrv vo_service_client_get_favorites_finish (VoServiceClient *self, GAsyncResult *result,
                                              GError **error);

/* PUT (@favorite TRUE) or DELETE /v1/favorites/{id}, @id percent-encoded.
 * An @id that is not 1–256 printable ASCII characters fails
 * INVALID_REQUEST unsent; the 1001st favorite fails CONFLICT. */
void vo_service_client_set_favorite_async (VoServiceClient *self, const char *id,
                                           gboolean favorite, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_service_client_set_favorite_finish (VoServiceClient *self, GAsyncResult *result,
                                                GError **error);

G_END_DECLS
