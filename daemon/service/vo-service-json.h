/* vo-service-json.h: the service's JSON bodies (docs/service-api.md) to and
 * from the plain structs of vo-service-client.h. Pure functions: no
 * session, no I/O, so unit tests and the fuzz target call them with bytes.
 *
 * A parser never trusts a field: a missing required field, a wrong type, a
 * string that is not UTF-8, too long, or (where it would reach SIP or a
 * header) holds control characters fails VO_SERVICE_ERROR_UNREADABLE with
 * a sentence naming @host and the field.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-service-client.h"

G_BEGIN_DECLS

/* Longest string field taken from the service, in bytes. */
#define VO_SERVICE_JSON_MAX_STRING 4096
/* Tokens are at most 512 printable ASCII characters (§2.1). */
#define VO_SERVICE_JSON_MAX_TOKEN 512

/* The answer of POST /v1/session and /v1/session/refresh. */
typedef struct {
  char *access_token;
  char *refresh_token;
  gint64 expires_in_s;
  char *username; /* or NULL */
} VoServiceTokens;

void vo_service_tokens_free (VoServiceTokens *tokens);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceTokens, vo_service_tokens_free)

/* One text frame of the event socket (§2.6). */
typedef struct {
  gint64 id;
  char *type;
} VoServiceEvent;

void vo_service_event_free (VoServiceEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoServiceEvent, vo_service_event_free)

VoServiceTokens *vo_service_parse_tokens (GBytes *body, const char *host, GError **error);
VoServiceSipAccount *vo_service_parse_sip_account (GBytes *body, const char *host, GError **error);
VoServiceProfile *vo_service_parse_profile (GBytes *body, const char *host, GError **error);
/* GET /v1/forwarding: a GPtrArray of VoServiceForwardingRule (known
 * conditions only, each at most once). */
GPtrArray *vo_service_parse_forwarding (GBytes *body, const char *host, GError **error);
/* The answer of PUT /v1/forwarding/{condition}. */
VoServiceForwardingRule *vo_service_parse_forwarding_rule (GBytes *body, const char *host,
                                                           GError **error);
/* The answer of PUT /v1/me/photo (the photo object of §5): its ETag. */
char *vo_service_parse_photo_etag (GBytes *body, const char *host, GError **error);
VoServiceEvent *vo_service_parse_event (GBytes *body, const char *host, GError **error);

/* Limits of what the directory and the favorites may hold
 * (docs/service-api.md §9, §10). A page over the item or deleted limit is
 * UNREADABLE; an entry over the values limit is skipped. */
#define VO_SERVICE_DIRECTORY_ID_MAX 128
#define VO_SERVICE_DIRECTORY_MAX_ITEMS 1000
#define VO_SERVICE_DIRECTORY_MAX_DELETED 100000
#define VO_SERVICE_DIRECTORY_MAX_VALUES 50 /* numbers, e-mails of one entry */
#define VO_SERVICE_FAVORITE_ID_MAX 256
#define VO_SERVICE_FAVORITES_MAX 1000

/* A page of GET /v1/directory (§2.4, §9). "items" must be a list and
 * "deleted" one or missing; an entry that is no object, has no good "id"
 * (vo_service_directory_id_is_valid), a field of
 * the wrong type or a bad string is skipped (g_debug), and so is a deleted
 * id that is no good id. "next" must be a path inside /v1/directory
 * (vo_service_directory_next_is_valid); the last page (no "next") must
 * carry a "sync-token". */
VoServiceDirectoryPage *vo_service_parse_directory_page (GBytes *body, const char *host,
                                                         GError **error);
/* GET /v1/favorites: the ids of "items" in order, each once; ids that are
 * not 1–VO_SERVICE_FAVORITE_ID_MAX printable ASCII characters are
 * skipped. */
GStrv vo_service_parse_favorites (GBytes *body, const char *host, GError **error);

/* 1–VO_SERVICE_DIRECTORY_ID_MAX printable ASCII characters (0x20–0x7e,
 * as the reference service checks them) without "/", "?", "#" or "%": a
 * directory entry's id (§9). */
gboolean vo_service_directory_id_is_valid (const char *id);
/* 1–VO_SERVICE_FAVORITE_ID_MAX printable ASCII characters (0x20–0x7e): a
 * favorite's id (§10). */
gboolean vo_service_favorite_id_is_valid (const char *id);
/* "/v1/directory" or "/v1/directory?…" in printable ASCII without a space,
 * "#" or "\", its %-escapes whole: a "next" path the client may follow
 * (never another host or path). */
gboolean vo_service_directory_next_is_valid (const char *path);

/* A problem+json body (§2.2): its "type" and "detail" when they are
 * strings (else NULL; both may be NULL); FALSE when it is no JSON object. */
gboolean vo_service_parse_problem (GBytes *body, char **type, char **detail);

/* Request bodies (UTF-8 JSON). */
GBytes *vo_service_json_sign_in (const char *username, const char *password, const char *device);
GBytes *vo_service_json_refresh (const char *refresh_token);
/* {"KEY": "VALUE"}: password reset (username), user-name recovery (email). */
GBytes *vo_service_json_single (const char *key, const char *value);
GBytes *vo_service_json_forwarding_rule (const VoServiceForwardingRule *rule);

/* "image/jpeg" for JPEG bytes, "image/png" for PNG, else NULL (§6). */
const char *vo_service_photo_type (GBytes *image);

G_END_DECLS
