/* vo-service-json-directory.c: the bodies of /v1/directory (a page of a
 * delta-synced collection, docs/service-api.md §2.4, §9) and /v1/favorites
 * (§10) → plain structs.
 *
 * The directory is thousands of colleagues typed in by people: one of them
 * with a broken field must not stop everyone else's sync, so a bad ITEM is
 * skipped (with a g_debug naming why, never its content), while a page of
 * the wrong shape (no list, a list too long, a "next" that leads somewhere
 * else) fails UNREADABLE like any other unreadable answer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-json-private.h"

#include <string.h>

void
vo_service_directory_entry_free (VoServiceDirectoryEntry *entry)
{
  if (!entry)
    return;
  g_free (entry->id);
  g_free (entry->display_name);
  g_free (entry->extension);
  g_free (entry->sip_uri);
  g_strfreev (entry->numbers);
  g_strfreev (entry->emails);
  g_free (entry->company);
  g_free (entry->department);
  g_free (entry->photo_etag);
  g_free (entry->photo_content_type);
  g_free (entry);
}

void
vo_service_directory_page_free (VoServiceDirectoryPage *page)
{
  if (!page)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_strfreev (page->deleted);
  g_free (page->next);
  g_free (page->sync_token);
  g_free (page);
}

/* ---- ids and paths ------------------------------------------------------ */

/* 1–@max printable ASCII characters (the space included, as the service
 * has them), none of @forbidden. */
static gboolean
is_printable_ascii (const char *text, gsize max, const char *forbidden)
{
  gsize length = 0;

  for (const char *p = text; *p; p++, length++)
    if (*p < 0x20 || *p > 0x7e || strchr (forbidden, *p))
      return FALSE;
  return length >= 1 && length <= max;
}

gboolean
vo_service_directory_id_is_valid (const char *id)
{
  return id && is_printable_ascii (id, VO_SERVICE_DIRECTORY_ID_MAX, "/?#%");
}

gboolean
vo_service_favorite_id_is_valid (const char *id)
{
  return id && is_printable_ascii (id, VO_SERVICE_FAVORITE_ID_MAX, "");
}

gboolean
vo_service_directory_next_is_valid (const char *path)
{
  static const char prefix[] = "/v1/directory";
  g_autofree char *url = NULL;
  const char *rest;

  /* No space, no "#", nothing but ASCII: then nothing after the prefix can
   * leave the service's host or the directory's path. */
  if (!path || !g_str_has_prefix (path, prefix)
      || !is_printable_ascii (path, VO_SERVICE_JSON_MAX_STRING, " #\\"))
    return FALSE;
  rest = path + strlen (prefix);
  if (*rest != '\0' && *rest != '?')
    return FALSE;
  /* libsoup takes no URI GLib cannot parse ("%zz"), and the client has no
   * way to send what it cannot make a request of: check as libsoup will. */
  url = g_strconcat ("https://service.invalid", path, NULL);
  return g_uri_is_valid (
      url, G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_ENCODED_FRAGMENT,
      NULL);
}

/* ---- one entry ---------------------------------------------------------- */

/* @key of @object: a list of at most VO_SERVICE_DIRECTORY_MAX_VALUES
 * strings without control characters ("" are dropped); missing or null is
 * an empty list. */
static gboolean
read_values (JsonObject *object, const char *key, char ***out, const char *host, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autoptr (GStrvBuilder) values = g_strv_builder_new ();
  JsonArray *array;

  if (node && !JSON_NODE_HOLDS_NULL (node)) {
    if (!JSON_NODE_HOLDS_ARRAY (node))
      return vo_service_json_unreadable (error, host, "\"%s\" is not a list", key);
    array = json_node_get_array (node);
    if (json_array_get_length (array) > VO_SERVICE_DIRECTORY_MAX_VALUES)
      return vo_service_json_unreadable (error, host, "\"%s\" has more than %d values", key,
                                         VO_SERVICE_DIRECTORY_MAX_VALUES);
    for (guint i = 0; i < json_array_get_length (array); i++) {
      g_autofree char *value = NULL;

      if (!vo_service_json_read_node_string (json_array_get_element (array, i), key, FIELD_STRICT,
                                             &value, host, error))
        return FALSE;
      if (*value)
        g_strv_builder_add (values, value);
    }
  }
  *out = g_strv_builder_end (values);
  return TRUE;
}

static VoServiceDirectoryEntry *
read_entry (JsonObject *object, const char *host, GError **error)
{
  g_autoptr (VoServiceDirectoryEntry) entry = g_new0 (VoServiceDirectoryEntry, 1);

  if (!vo_service_json_read_string (object, "id", FIELD_REQUIRED | FIELD_STRICT, &entry->id, host,
                                    error))
    return NULL;
  if (!vo_service_directory_id_is_valid (entry->id)) {
    vo_service_json_unreadable (error, host, "an \"id\" that is not a user name");
    return NULL;
  }
  if (!vo_service_json_read_string (object, "display-name", 0, &entry->display_name, host, error)
      || !vo_service_json_read_string (object, "extension", FIELD_STRICT, &entry->extension, host,
                                       error)
      || !vo_service_json_read_string (object, "sip-uri", FIELD_STRICT, &entry->sip_uri, host,
                                       error)
      || !read_values (object, "numbers", &entry->numbers, host, error)
      || !read_values (object, "emails", &entry->emails, host, error)
      || !vo_service_json_read_string (object, "company", 0, &entry->company, host, error)
      || !vo_service_json_read_string (object, "department", 0, &entry->department, host, error)
      || !vo_service_json_read_photo (object, &entry->photo_etag, &entry->photo_content_type, host,
                                      error))
    return NULL;
  if (*entry->sip_uri && !vo_service_json_is_sip_uri (entry->sip_uri)) {
    vo_service_json_unreadable (error, host, "\"sip-uri\" is not a sip: or sips: URI");
    return NULL;
  }
  return g_steal_pointer (&entry);
}

/* ---- the page ----------------------------------------------------------- */

/* @key of @object as a list of at most @max elements; NULL (and @error)
 * when it is missing and @required, or not a list, or longer. */
static JsonArray *
read_list (JsonObject *object, const char *key, guint max, gboolean required, const char *host,
           GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (!node || JSON_NODE_HOLDS_NULL (node)) {
    if (required)
      vo_service_json_unreadable (error, host, "\"%s\" is missing", key);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_ARRAY (node)) {
    vo_service_json_unreadable (error, host, "\"%s\" is not a list", key);
    return NULL;
  }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > max) {
    vo_service_json_unreadable (error, host, "\"%s\" has more than %u elements", key, max);
    return NULL;
  }
  return array;
}

static gboolean
read_items (JsonObject *object, VoServiceDirectoryPage *page, const char *host, GError **error)
{
  JsonArray *array = read_list (object, "items", VO_SERVICE_DIRECTORY_MAX_ITEMS, TRUE, host, error);

  if (!array)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *node = json_array_get_element (array, i);
    g_autoptr (GError) bad = NULL;
    VoServiceDirectoryEntry *entry = NULL;

    if (JSON_NODE_HOLDS_OBJECT (node))
      entry = read_entry (json_node_get_object (node), host, &bad);
    else
      vo_service_json_unreadable (&bad, host, "a directory entry that is not an object");
    if (!entry) {
      g_debug ("Skipped directory entry %u: %s", i, bad->message);
      continue;
    }
    g_ptr_array_add (page->items, entry);
  }
  return TRUE;
}

static gboolean
read_deleted (JsonObject *object, VoServiceDirectoryPage *page, const char *host, GError **error)
{
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GError) local = NULL;
  JsonArray *array
      = read_list (object, "deleted", VO_SERVICE_DIRECTORY_MAX_DELETED, FALSE, host, &local);

  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  for (guint i = 0; array && i < json_array_get_length (array); i++) {
    JsonNode *node = json_array_get_element (array, i);
    const char *id = NULL;

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      id = json_node_get_string (node);
    if (!vo_service_directory_id_is_valid (id)) {
      g_debug ("Skipped deleted directory id %u: not a user name", i);
      continue;
    }
    g_strv_builder_add (ids, id);
  }
  page->deleted = g_strv_builder_end (ids);
  return TRUE;
}

VoServiceDirectoryPage *
vo_service_parse_directory_page (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (VoServiceDirectoryPage) page = g_new0 (VoServiceDirectoryPage, 1);
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);

  page->items = g_ptr_array_new_with_free_func ((GDestroyNotify)vo_service_directory_entry_free);
  if (!object || !read_items (object, page, host, error)
      || !read_deleted (object, page, host, error)
      || !vo_service_json_read_string (object, "next", FIELD_NULLABLE | FIELD_TOKEN, &page->next,
                                       host, error))
    return NULL;
  if (page->next && !vo_service_directory_next_is_valid (page->next)) {
    vo_service_json_unreadable (error, host, "a \"next\" page outside /v1/directory");
    return NULL;
  }
  /* The token is the last page's (§2.4): the core keeps it for the next
   * delta sync, so a last page without one is no complete answer. */
  if (!page->next
      && !vo_service_json_read_string (object, "sync-token", FIELD_REQUIRED | FIELD_TOKEN,
                                       &page->sync_token, host, error))
    return NULL;
  return g_steal_pointer (&page);
}

GStrv
vo_service_parse_favorites (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);
  JsonArray *array
      = object ? read_list (object, "items", VO_SERVICE_FAVORITES_MAX, TRUE, host, error) : NULL;

  if (!array)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *node = json_array_get_element (array, i);
    const char *id = NULL;

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      id = json_node_get_string (node);
    if (!vo_service_favorite_id_is_valid (id)) {
      g_debug ("Skipped favorite %u: not 1–%d printable ASCII characters", i,
               VO_SERVICE_FAVORITE_ID_MAX);
      continue;
    }
    /* The strings live in the parser, which outlives the set. */
    if (g_hash_table_add (seen, (gpointer)id))
      g_strv_builder_add (ids, id);
  }
  return g_strv_builder_end (ids);
}
