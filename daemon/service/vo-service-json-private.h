/* vo-service-json-private.h: the field readers that vo-service-json.c and
 * vo-service-json-directory.c share, so every body is checked the same
 * way. Not for the core: it only sees vo-service-json.h's parsers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-service-json.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How a string field is read. */
typedef enum {
  FIELD_REQUIRED = 1 << 0, /* missing or null: unreadable */
  FIELD_NULLABLE = 1 << 1, /* missing or null: NULL (else "") */
  FIELD_STRICT = 1 << 2,   /* control characters: unreadable (SIP, headers) */
  FIELD_TOKEN = 1 << 3,    /* printable ASCII, at most VO_SERVICE_JSON_MAX_TOKEN */
} FieldFlags;

/* Sets @error to UNREADABLE naming @host and the formatted reason; FALSE. */
gboolean vo_service_json_unreadable (GError **error, const char *host, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

/* The body as a JSON object, or NULL (and @error). @parser keeps the
 * nodes alive. */
JsonObject *vo_service_json_body_object (JsonParser *parser, GBytes *body, const char *host,
                                         GError **error);

/* TRUE when @text (UTF-8) has no character @flags forbid (FIELD_TOKEN:
 * printable ASCII only; FIELD_STRICT: no control characters). */
gboolean vo_service_json_text_is_clean (const char *text, FieldFlags flags);

/* Reads @key of @object into @out as @flags say; FALSE (and @error) when
 * it is not acceptable. */
gboolean vo_service_json_read_string (JsonObject *object, const char *key, FieldFlags flags,
                                      char **out, const char *host, GError **error);
/* The same for @node (NULL when missing), named @key in messages: an
 * element of a list. */
gboolean vo_service_json_read_node_string (JsonNode *node, const char *key, FieldFlags flags,
                                           char **out, const char *host, GError **error);

/* The "photo" member (§5): null or missing leaves both NULL; else an
 * object whose "etag" and "content-type" are read into them. */
gboolean vo_service_json_read_photo (JsonObject *object, char **etag, char **content_type,
                                     const char *host, GError **error);

/* "sip:" or "sips:", any case. */
gboolean vo_service_json_is_sip_uri (const char *text);

G_END_DECLS
