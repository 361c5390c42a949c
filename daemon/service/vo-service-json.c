/* vo-service-json.c: JSON bodies of the Virtual Office service ↔ plain
 * structs. Every field is checked for its type and its text before it is
 * taken: these strings end up in SIP headers, D-Bus properties and files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-json-private.h"
#include "vo-text.h"
#include "vo-service-problem.h"

#include <string.h>

static const char *const forwarding_conditions[]
    = { "always", "busy", "no-answer", "unreachable", NULL };

void
vo_service_sip_account_free (VoServiceSipAccount *account)
{
  if (!account)
    return;
  g_free (account->auth_user);
  if (account->password)
    memset (account->password, 0, strlen (account->password));
  g_free (account->password);
  g_free (account->domain);
  g_free (account->registrar);
  g_free (account->outbound_proxy);
  g_free (account->transport);
  g_free (account->display_name);
  g_free (account);
}

void
vo_service_profile_free (VoServiceProfile *profile)
{
  if (!profile)
    return;
  g_free (profile->username);
  g_free (profile->display_name);
  g_free (profile->extension);
  g_free (profile->company);
  g_free (profile->department);
  g_free (profile->email);
  g_free (profile->mobile);
  g_free (profile->sip_uri);
  g_free (profile->photo_etag);
  g_free (profile->photo_content_type);
  g_free (profile->country);
  g_strfreev (profile->capabilities);
  g_free (profile);
}

void
vo_service_forwarding_rule_free (VoServiceForwardingRule *rule)
{
  if (!rule)
    return;
  g_free (rule->condition);
  g_free (rule->target);
  g_free (rule);
}

static void
secret_free (char *secret)
{
  if (secret)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

void
vo_service_tokens_free (VoServiceTokens *tokens)
{
  if (!tokens)
    return;
  secret_free (tokens->access_token);
  secret_free (tokens->refresh_token);
  g_free (tokens->username);
  g_free (tokens);
}

void
vo_service_event_free (VoServiceEvent *event)
{
  if (!event)
    return;
  g_free (event->type);
  g_free (event);
}

/* ---- reading ---------------------------------------------------------- */

gboolean
vo_service_json_unreadable (GError **error, const char *host, const char *format, ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_propagate_error (error, vo_service_error_unreadable (host, reason));
  return FALSE;
}

/* The body as a JSON object, or NULL. The parser keeps the nodes alive. */
JsonObject *
vo_service_json_body_object (JsonParser *parser, GBytes *body, const char *host, GError **error)
{
  g_autoptr (GError) local = NULL;
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  JsonNode *root;

  if (!data || size == 0) {
    vo_service_json_unreadable (error, host, "an empty body");
    return NULL;
  }
  /* json-glib reads up to a NUL; a NUL inside is not JSON either. */
  if (memchr (data, '\0', size)) {
    vo_service_json_unreadable (error, host, "a NUL byte in the body");
    return NULL;
  }
  if (!g_utf8_validate (data, (gssize)size, NULL)) {
    vo_service_json_unreadable (error, host, "a body that is not UTF-8");
    return NULL;
  }
  if (!json_parser_load_from_data (parser, data, (gssize)size, &local)) {
    vo_service_json_unreadable (error, host, "not JSON");
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    vo_service_json_unreadable (error, host, "not a JSON object");
    return NULL;
  }
  return json_node_get_object (root);
}

gboolean
vo_service_json_text_is_clean (const char *text, FieldFlags flags)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if ((flags & FIELD_TOKEN) && (c < 0x21 || c > 0x7e))
      return FALSE;
    if ((flags & FIELD_STRICT) && (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029))
      return FALSE;
  }
  return TRUE;
}

gboolean
vo_service_json_read_string (JsonObject *object, const char *key, FieldFlags flags, char **out,
                             const char *host, GError **error)
{
  return vo_service_json_read_node_string (json_object_get_member (object, key), key, flags, out,
                                           host, error);
}

gboolean
vo_service_json_read_node_string (JsonNode *node, const char *key, FieldFlags flags, char **out,
                                  const char *host, GError **error)
{
  const char *value;
  gsize max = (flags & FIELD_TOKEN) ? VO_SERVICE_JSON_MAX_TOKEN : VO_SERVICE_JSON_MAX_STRING;

  if (!node || JSON_NODE_HOLDS_NULL (node)) {
    if (flags & FIELD_REQUIRED)
      return vo_service_json_unreadable (error, host, "\"%s\" is missing", key);
    *out = (flags & FIELD_NULLABLE) ? NULL : g_strdup ("");
    return TRUE;
  }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return vo_service_json_unreadable (error, host, "\"%s\" is not a string", key);
  value = json_node_get_string (node);
  if (strlen (value) > max)
    return vo_service_json_unreadable (error, host,
                                       "\"%s\" is longer than %" G_GSIZE_FORMAT " bytes", key, max);
  if ((flags & FIELD_REQUIRED) && !*value)
    return vo_service_json_unreadable (error, host, "\"%s\" is empty", key);
  /* The body was checked for UTF-8, but json-glib 1.6 decodes a lone
   * surrogate escape ("\ud800") into bytes that are not (fuzzing found it). */
  if (!g_utf8_validate (value, -1, NULL))
    return vo_service_json_unreadable (error, host, "\"%s\" is not UTF-8", key);
  if (!vo_service_json_text_is_clean (value, flags))
    return vo_service_json_unreadable (error, host, "\"%s\" holds characters it may not", key);
  *out = (flags & (FIELD_STRICT | FIELD_TOKEN)) ? g_strdup (value)
                                                : vo_text_without_controls (value);
  return TRUE;
}

static gboolean
read_int (JsonObject *object, const char *key, gint64 min, gint64 max, gboolean required,
          gint64 *out, const char *host, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gint64 value;

  if (!node || JSON_NODE_HOLDS_NULL (node)) {
    if (required)
      return vo_service_json_unreadable (error, host, "\"%s\" is missing", key);
    return TRUE;
  }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return vo_service_json_unreadable (error, host, "\"%s\" is not an integer", key);
  value = json_node_get_int (node);
  if (value < min || value > max)
    return vo_service_json_unreadable (error, host, "\"%s\" is out of range", key);
  *out = value;
  return TRUE;
}

static gboolean
read_boolean (JsonObject *object, const char *key, gboolean *out, const char *host, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return vo_service_json_unreadable (error, host, "\"%s\" is missing or not true/false", key);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
vo_service_json_is_sip_uri (const char *text)
{
  return g_ascii_strncasecmp (text, "sip:", 4) == 0 || g_ascii_strncasecmp (text, "sips:", 5) == 0;
}

VoServiceTokens *
vo_service_parse_tokens (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (VoServiceTokens) tokens = g_new0 (VoServiceTokens, 1);
  g_autofree char *type = NULL;
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);

  tokens->expires_in_s = 900;
  if (!object
      || !vo_service_json_read_string (object, "access-token", FIELD_REQUIRED | FIELD_TOKEN,
                                       &tokens->access_token, host, error)
      || !vo_service_json_read_string (object, "refresh-token", FIELD_REQUIRED | FIELD_TOKEN,
                                       &tokens->refresh_token, host, error)
      || !vo_service_json_read_string (object, "token-type", FIELD_NULLABLE | FIELD_STRICT, &type,
                                       host, error)
      || !read_int (object, "expires-in", 1, G_MAXINT32, FALSE, &tokens->expires_in_s, host, error)
      || !vo_service_json_read_string (object, "username", FIELD_NULLABLE | FIELD_STRICT,
                                       &tokens->username, host, error))
    return NULL;
  if (type && g_ascii_strcasecmp (type, "Bearer") != 0) {
    vo_service_json_unreadable (error, host, "a token type other than Bearer");
    return NULL;
  }
  return g_steal_pointer (&tokens);
}

VoServiceSipAccount *
vo_service_parse_sip_account (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (VoServiceSipAccount) account = g_new0 (VoServiceSipAccount, 1);
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);
  const FieldFlags required = FIELD_REQUIRED | FIELD_STRICT;

  if (!object
      || !vo_service_json_read_string (object, "auth-user", required, &account->auth_user, host,
                                       error)
      || !vo_service_json_read_string (object, "password", required, &account->password, host,
                                       error)
      || !vo_service_json_read_string (object, "domain", required, &account->domain, host, error)
      || !vo_service_json_read_string (object, "registrar", required, &account->registrar, host,
                                       error)
      || !vo_service_json_read_string (object, "outbound-proxy", FIELD_NULLABLE | FIELD_STRICT,
                                       &account->outbound_proxy, host, error)
      || !vo_service_json_read_string (object, "transport", required, &account->transport, host,
                                       error)
      || !vo_service_json_read_string (object, "display-name", FIELD_NULLABLE,
                                       &account->display_name, host, error))
    return NULL;
  if (!vo_service_json_is_sip_uri (account->registrar)) {
    vo_service_json_unreadable (error, host, "\"registrar\" is not a sip: or sips: URI");
    return NULL;
  }
  if (account->outbound_proxy && !*account->outbound_proxy)
    g_clear_pointer (&account->outbound_proxy, g_free);
  if (account->outbound_proxy && !vo_service_json_is_sip_uri (account->outbound_proxy)) {
    vo_service_json_unreadable (error, host, "\"outbound-proxy\" is not a sip: or sips: URI");
    return NULL;
  }
  if (!g_str_equal (account->transport, "udp") && !g_str_equal (account->transport, "tcp")
      && !g_str_equal (account->transport, "tls")) {
    vo_service_json_unreadable (error, host, "\"transport\" is not udp, tcp or tls");
    return NULL;
  }
  return g_steal_pointer (&account);
}

gboolean
vo_service_json_read_photo (JsonObject *object, char **etag, char **content_type, const char *host,
                            GError **error)
{
  JsonNode *node = json_object_get_member (object, "photo");
  JsonObject *photo;

  if (!node || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return vo_service_json_unreadable (error, host, "\"photo\" is not an object");
  photo = json_node_get_object (node);
  return vo_service_json_read_string (photo, "etag", FIELD_REQUIRED | FIELD_STRICT, etag, host,
                                      error)
         && vo_service_json_read_string (photo, "content-type", FIELD_REQUIRED | FIELD_STRICT,
                                         content_type, host, error);
}

/* §5: an ISO 3166-1 alpha-2 region, upper-cased; anything else (a name, a
 * number, three letters, not a string) is a region vo-daemon cannot read
 * numbers in, so it is "" as if the service had none: a failed /v1/me
 * would cost more than national numbers that do not resolve. */
static void
read_country (JsonObject *object, VoServiceProfile *profile)
{
  JsonNode *node = json_object_get_member (object, "country");
  const char *country = NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    country = json_node_get_string (node);
  if (country && strlen (country) == 2 && g_ascii_isalpha (country[0])
      && g_ascii_isalpha (country[1]))
    profile->country = g_ascii_strup (country, -1);
  else
    profile->country = g_strdup ("");
}

static gboolean
read_capabilities (JsonObject *object, VoServiceProfile *profile, const char *host, GError **error)
{
  JsonNode *node = json_object_get_member (object, "capabilities");
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  JsonArray *array;

  if (node && !JSON_NODE_HOLDS_NULL (node)) {
    if (!JSON_NODE_HOLDS_ARRAY (node))
      return vo_service_json_unreadable (error, host, "\"capabilities\" is not a list");
    array = json_node_get_array (node);
    for (guint i = 0; i < json_array_get_length (array) && i < 64; i++) {
      JsonNode *item = json_array_get_element (array, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return vo_service_json_unreadable (error, host, "a capability is not a string");
      name = json_node_get_string (item);
      /* Names are lowercase words: anything else is not one we know. */
      if (*name && strlen (name) <= 64 && g_utf8_validate (name, -1, NULL)
          && vo_service_json_text_is_clean (name, FIELD_TOKEN))
        g_strv_builder_add (names, name);
    }
  }
  profile->capabilities = g_strv_builder_end (names);
  return TRUE;
}

VoServiceProfile *
vo_service_parse_profile (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (VoServiceProfile) profile = g_new0 (VoServiceProfile, 1);
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);

  if (!object
      || !vo_service_json_read_string (object, "username", FIELD_REQUIRED | FIELD_STRICT,
                                       &profile->username, host, error)
      || !vo_service_json_read_string (object, "display-name", 0, &profile->display_name, host,
                                       error)
      || !vo_service_json_read_string (object, "extension", FIELD_STRICT, &profile->extension, host,
                                       error)
      || !vo_service_json_read_string (object, "company", 0, &profile->company, host, error)
      || !vo_service_json_read_string (object, "department", 0, &profile->department, host, error)
      || !vo_service_json_read_string (object, "email", FIELD_STRICT, &profile->email, host, error)
      || !vo_service_json_read_string (object, "mobile", FIELD_STRICT, &profile->mobile, host,
                                       error)
      || !vo_service_json_read_string (object, "sip-uri", FIELD_STRICT, &profile->sip_uri, host,
                                       error)
      || !vo_service_json_read_photo (object, &profile->photo_etag, &profile->photo_content_type,
                                      host, error)
      || !read_capabilities (object, profile, host, error))
    return NULL;
  read_country (object, profile);
  if (*profile->sip_uri && !vo_service_json_is_sip_uri (profile->sip_uri)) {
    vo_service_json_unreadable (error, host, "\"sip-uri\" is not a sip: or sips: URI");
    return NULL;
  }
  return g_steal_pointer (&profile);
}

static VoServiceForwardingRule *
read_rule (JsonObject *object, const char *host, GError **error)
{
  g_autoptr (VoServiceForwardingRule) rule = g_new0 (VoServiceForwardingRule, 1);
  gint64 timeout = 20;

  if (!vo_service_json_read_string (object, "condition", FIELD_REQUIRED | FIELD_STRICT,
                                    &rule->condition, host, error)
      || !read_boolean (object, "enabled", &rule->enabled, host, error)
      || !vo_service_json_read_string (object, "target", FIELD_STRICT, &rule->target, host, error)
      || !read_int (object, "timeout", 0, 3600, FALSE, &timeout, host, error))
    return NULL;
  if (*rule->target && !vo_service_json_is_sip_uri (rule->target)) {
    vo_service_json_unreadable (error, host, "a forwarding \"target\" is not a sip: or sips: URI");
    return NULL;
  }
  rule->timeout_s = (guint)timeout;
  return g_steal_pointer (&rule);
}

GPtrArray *
vo_service_parse_forwarding (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GPtrArray) rules
      = g_ptr_array_new_with_free_func ((GDestroyNotify)vo_service_forwarding_rule_free);
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);
  JsonNode *node;
  JsonArray *array;

  if (!object)
    return NULL;
  node = json_object_get_member (object, "rules");
  if (!node || !JSON_NODE_HOLDS_ARRAY (node)) {
    vo_service_json_unreadable (error, host, "\"rules\" is missing or not a list");
    return NULL;
  }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    g_autoptr (VoServiceForwardingRule) rule = NULL;

    if (!JSON_NODE_HOLDS_OBJECT (item)) {
      vo_service_json_unreadable (error, host, "a forwarding rule is not an object");
      return NULL;
    }
    rule = read_rule (json_node_get_object (item), host, error);
    if (!rule)
      return NULL;
    /* A condition added in a later version is not ours to apply. */
    if (!g_strv_contains (forwarding_conditions, rule->condition))
      continue;
    for (guint j = 0; j < rules->len; j++) {
      VoServiceForwardingRule *seen = g_ptr_array_index (rules, j);

      if (g_str_equal (seen->condition, rule->condition)) {
        vo_service_json_unreadable (error, host, "the forwarding rule \"%s\" twice",
                                    rule->condition);
        return NULL;
      }
    }
    g_ptr_array_add (rules, g_steal_pointer (&rule));
  }
  return g_steal_pointer (&rules);
}

VoServiceForwardingRule *
vo_service_parse_forwarding_rule (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);

  return object ? read_rule (object, host, error) : NULL;
}

char *
vo_service_parse_photo_etag (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);
  char *etag = NULL;

  if (!object
      || !vo_service_json_read_string (object, "etag", FIELD_REQUIRED | FIELD_STRICT, &etag, host,
                                       error))
    return NULL;
  return etag;
}

VoServiceEvent *
vo_service_parse_event (GBytes *body, const char *host, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (VoServiceEvent) event = g_new0 (VoServiceEvent, 1);
  JsonObject *object = vo_service_json_body_object (parser, body, host, error);

  if (!object || !read_int (object, "id", 1, G_MAXINT64, TRUE, &event->id, host, error)
      || !vo_service_json_read_string (object, "type", FIELD_REQUIRED | FIELD_TOKEN, &event->type,
                                       host, error))
    return NULL;
  return g_steal_pointer (&event);
}

static char *
problem_string (JsonObject *object, const char *key)
{
  JsonNode *node = json_object_get_member (object, key);
  const char *value;

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  return strlen (value) <= VO_SERVICE_JSON_MAX_STRING ? g_strdup (value) : NULL;
}

gboolean
vo_service_parse_problem (GBytes *body, char **type, char **detail)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = vo_service_json_body_object (parser, body, "", NULL);

  *type = object ? problem_string (object, "type") : NULL;
  *detail = object ? problem_string (object, "detail") : NULL;
  return object != NULL;
}

/* ---- writing ---------------------------------------------------------- */

/* @secret: the text holds a password or token, wiped when freed. */
static GBytes *
builder_bytes (JsonBuilder *builder, gboolean secret)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  gsize length = 0;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  if (secret)
    return g_bytes_new_with_free_func (text, length, (GDestroyNotify)secret_free, text);
  return g_bytes_new_take (text, length);
}

GBytes *
vo_service_json_sign_in (const char *username, const char *password, const char *device)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  if (device) {
    json_builder_set_member_name (builder, "device");
    json_builder_add_string_value (builder, device);
  }
  json_builder_end_object (builder);
  return builder_bytes (builder, TRUE);
}

static GBytes *
single (const char *key, const char *value, gboolean secret)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
  return builder_bytes (builder, secret);
}

GBytes *
vo_service_json_single (const char *key, const char *value)
{
  return single (key, value, FALSE);
}

GBytes *
vo_service_json_refresh (const char *refresh_token)
{
  return single ("refresh-token", refresh_token, TRUE);
}

GBytes *
vo_service_json_forwarding_rule (const VoServiceForwardingRule *rule)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, rule->enabled);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, rule->target ? rule->target : "");
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, rule->timeout_s);
  json_builder_end_object (builder);
  return builder_bytes (builder, FALSE);
}

const char *
vo_service_photo_type (GBytes *image)
{
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize size = 0;
  const guint8 *data = image ? g_bytes_get_data (image, &size) : NULL;

  if (size >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
    return "image/jpeg";
  if (size >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "image/png";
  return NULL;
}
