/* vo-sip-imdn.c: CPIM envelopes and IMDN documents.
 *
 * Input comes from other people's user agents and servers: every read is
 * bounded by the given length, nothing is trusted to be NUL-terminated or
 * well-formed, and the XML goes through GMarkup.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-imdn.h"
#include "vo-error.h"

#include <string.h>

#define IMDN_NS_URN "urn:ietf:params:imdn"
#define IMDN_XML_NS "urn:ietf:params:xml:ns:imdn"
/* Real envelopes have a handful of headers; more is garbage or an attack. */
#define MAX_HEADERS 64
#define MAX_NAMESPACES 8
#define MAX_XML_DEPTH 16
#define MAX_XML_BYTES (64 * 1024)

void
vo_sip_cpim_free (VoSipCpim *cpim)
{
  if (!cpim)
    return;
  g_free (cpim->from);
  g_free (cpim->from_name);
  g_free (cpim->to);
  g_free (cpim->message_id);
  g_free (cpim->datetime);
  g_free (cpim->content_type);
  g_free (cpim->body);
  g_free (cpim);
}

char *
vo_sip_imdn_format_time (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autofree char *seconds = NULL;

  if (!time)
    time = g_date_time_new_now_utc ();
  seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds, (int) ((time_us % G_USEC_PER_SEC) / 1000));
}

/* ---- parsing ----------------------------------------------------------- */

typedef struct {
  const char *p;
  const char *end;
} Cursor;

/* The next line without its CR LF (or LF), or FALSE at the end of input. */
static gboolean
cursor_line (Cursor *c, const char **start, gsize *length)
{
  const char *nl;

  if (c->p >= c->end)
    return FALSE;
  nl = memchr (c->p, '\n', (gsize) (c->end - c->p));
  *start = c->p;
  *length = (gsize) ((nl ? nl : c->end) - c->p);
  if (*length > 0 && (*start)[*length - 1] == '\r')
    (*length)--;
  c->p = nl ? nl + 1 : c->end;
  return TRUE;
}

static void
set_malformed (GError **error, const char *what)
{
  g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "Malformed CPIM message: %s", what);
}

typedef struct {
  char *name;   /* as written, without the namespace prefix */
  char *prefix; /* "" when the name has none */
  char *value;
} Header;

static void
header_clear (Header *header)
{
  g_free (header->name);
  g_free (header->prefix);
  g_free (header->value);
}

/* Reads "Name: value" lines up to a blank line into @headers. */
static gboolean
read_headers (Cursor *c, GArray *headers, GError **error)
{
  const char *line;
  gsize length;

  while (cursor_line (c, &line, &length)) {
    const char *colon;
    g_autofree char *name = NULL;
    const char *dot;
    Header header = { 0 };

    if (length == 0)
      return TRUE;
    if (headers->len >= MAX_HEADERS) {
      set_malformed (error, "too many headers");
      return FALSE;
    }
    colon = memchr (line, ':', length);
    if (!colon || colon == line) {
      set_malformed (error, "a header line without a name and colon");
      return FALSE;
    }
    name = g_strstrip (g_strndup (line, (gsize) (colon - line)));
    dot = strrchr (name, '.');
    header.prefix = dot ? g_strndup (name, (gsize) (dot - name)) : g_strdup ("");
    header.name = g_strdup (dot ? dot + 1 : name);
    header.value = g_strstrip (g_strndup (colon + 1, (gsize) (line + length - colon - 1)));
    g_array_append_val (headers, header);
  }
  set_malformed (error, "no blank line after the headers");
  return FALSE;
}

/* "Alice <sip:alice@example.com>" → uri, name; a bare URI is taken whole. */
static void
split_address (const char *value, char **uri, char **name)
{
  const char *lt = strchr (value, '<');
  const char *gt = lt ? strchr (lt, '>') : NULL;

  if (!lt || !gt) {
    *uri = g_strdup (value);
    *name = g_strdup ("");
    return;
  }
  *uri = g_strstrip (g_strndup (lt + 1, (gsize) (gt - lt - 1)));
  *name = g_strstrip (g_strndup (value, (gsize) (lt - value)));
  if (strlen (*name) >= 2 && (*name)[0] == '"' && (*name)[strlen (*name) - 1] == '"') {
    char *unquoted = g_strndup (*name + 1, strlen (*name) - 2);

    g_free (*name);
    *name = unquoted;
  }
}

static VoSipImdnRequest
parse_disposition (const char *value)
{
  g_auto(GStrv) tokens = g_strsplit (value, ",", -1);
  VoSipImdnRequest request = VO_SIP_IMDN_REQUEST_NONE;

  for (guint i = 0; tokens[i]; i++) {
    g_strstrip (tokens[i]);
    if (g_ascii_strcasecmp (tokens[i], "positive-delivery") == 0)
      request |= VO_SIP_IMDN_REQUEST_DELIVERY;
    else if (g_ascii_strcasecmp (tokens[i], "display") == 0)
      request |= VO_SIP_IMDN_REQUEST_DISPLAY;
  }
  return request;
}

/* Whether @prefix names the IMDN namespace: declared by an NS header, or
 * the conventional "imdn" when the sender declared none for it. */
static gboolean
prefix_is_imdn (GArray *headers, const char *prefix)
{
  gboolean declared = FALSE;

  for (guint i = 0; i < headers->len && i < MAX_HEADERS; i++) {
    Header *ns = &g_array_index (headers, Header, i);
    g_autofree char *uri = NULL;
    g_autofree char *name = NULL;

    if (*ns->prefix || g_ascii_strcasecmp (ns->name, "NS") != 0)
      continue;
    split_address (ns->value, &uri, &name);
    if (g_strcmp0 (name, prefix) == 0) {
      declared = TRUE;
      if (g_strcmp0 (uri, IMDN_NS_URN) == 0)
        return TRUE;
    }
  }
  return !declared && g_ascii_strcasecmp (prefix, "imdn") == 0;
}

static void
cpim_take_message_headers (VoSipCpim *cpim, GArray *headers)
{
  for (guint i = 0; i < headers->len; i++) {
    Header *h = &g_array_index (headers, Header, i);

    if (*h->prefix) {
      if (!prefix_is_imdn (headers, h->prefix))
        continue;
      if (g_ascii_strcasecmp (h->name, "Message-ID") == 0 && !*cpim->message_id) {
        g_free (cpim->message_id);
        cpim->message_id = g_strdup (h->value);
      } else if (g_ascii_strcasecmp (h->name, "Disposition-Notification") == 0) {
        cpim->notify |= parse_disposition (h->value);
      }
    } else if (g_ascii_strcasecmp (h->name, "From") == 0 && !*cpim->from) {
      g_free (cpim->from);
      g_free (cpim->from_name);
      split_address (h->value, &cpim->from, &cpim->from_name);
    } else if (g_ascii_strcasecmp (h->name, "To") == 0 && !*cpim->to) {
      g_autofree char *name = NULL;

      g_free (cpim->to);
      split_address (h->value, &cpim->to, &name);
    } else if (g_ascii_strcasecmp (h->name, "DateTime") == 0 && !*cpim->datetime) {
      g_free (cpim->datetime);
      cpim->datetime = g_strdup (h->value);
    }
  }
}

static const char *
find_header (GArray *headers, const char *name)
{
  for (guint i = 0; i < headers->len; i++) {
    Header *h = &g_array_index (headers, Header, i);

    if (!*h->prefix && g_ascii_strcasecmp (h->name, name) == 0)
      return h->value;
  }
  return NULL;
}

/* msilo's add_date puts "[Offline message - Mon May  1 12:00:00 2024] " in
 * front of the body it stored; the envelope starts after it. */
static void
skip_store_prefix (Cursor *c)
{
  static const char *const prefixes[] = { "[Offline message - ", "[Reminder message - " };
  gsize avail = (gsize) (c->end - c->p);

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++) {
    gsize n = strlen (prefixes[i]);
    const char *close;

    if (avail < n || memcmp (c->p, prefixes[i], n) != 0)
      continue;
    close = memchr (c->p, ']', MIN (avail, (gsize) 80));
    if (close) {
      c->p = close + 1;
      if (c->p < c->end && *c->p == ' ')
        c->p++;
    }
    return;
  }
}

VoSipCpim *
vo_sip_imdn_parse_cpim (const char *data, gsize len, GError **error)
{
  g_autoptr(VoSipCpim) cpim = g_new0 (VoSipCpim, 1);
  g_autoptr(GArray) message_headers = g_array_new (FALSE, TRUE, sizeof (Header));
  g_autoptr(GArray) content_headers = g_array_new (FALSE, TRUE, sizeof (Header));
  Cursor c = { data, data + len };
  const char *type, *length_text;
  gsize rest;

  g_array_set_clear_func (message_headers, (GDestroyNotify) header_clear);
  g_array_set_clear_func (content_headers, (GDestroyNotify) header_clear);
  cpim->from = g_strdup ("");
  cpim->from_name = g_strdup ("");
  cpim->to = g_strdup ("");
  cpim->message_id = g_strdup ("");
  cpim->datetime = g_strdup ("");

  if (!data || len == 0) {
    set_malformed (error, "the body is empty");
    return NULL;
  }
  skip_store_prefix (&c);
  if (!read_headers (&c, message_headers, error) || !read_headers (&c, content_headers, error))
    return NULL;
  if (message_headers->len == 0) {
    set_malformed (error, "no message headers");
    return NULL;
  }
  cpim_take_message_headers (cpim, message_headers);

  type = find_header (content_headers, "Content-Type");
  if (!type || !*type) {
    set_malformed (error, "no Content-Type for the encapsulated content");
    return NULL;
  }
  cpim->content_type = g_ascii_strdown (type, (gssize) strcspn (type, ";"));
  g_strstrip (cpim->content_type);

  rest = (gsize) (c.end - c.p);
  length_text = find_header (content_headers, "Content-Length");
  if (length_text) {
    char *endp = NULL;
    guint64 n = g_ascii_strtoull (length_text, &endp, 10);

    /* A length that fits is honoured (trailing bytes are padding); a wrong
     * one is ignored rather than cutting the text. */
    if (endp && endp != length_text && *endp == '\0' && n <= rest)
      rest = (gsize) n;
  }
  cpim->body = g_strndup (c.p, rest);
  cpim->body_len = rest;
  return g_steal_pointer (&cpim);
}

/* ---- building ------------------------------------------------------------ */

/* Header values are ours, but a CR or LF in one would start a new header. */
static char *
header_safe (const char *value)
{
  char *copy = g_strdup (value ? value : "");

  g_strdelimit (copy, "\r\n", ' ');
  return copy;
}

static void
append_envelope (GString *out, const char *from, const char *to, const char *message_id,
                 gint64 time_us)
{
  g_autofree char *safe_from = header_safe (from);
  g_autofree char *safe_to = header_safe (to);
  g_autofree char *safe_id = header_safe (message_id);
  g_autofree char *datetime = vo_sip_imdn_format_time (time_us);

  g_string_append_printf (out,
                          "From: <%s>\r\n"
                          "To: <%s>\r\n"
                          "NS: imdn <" IMDN_NS_URN ">\r\n"
                          "imdn.Message-ID: %s\r\n"
                          "DateTime: %s\r\n",
                          safe_from, safe_to, safe_id, datetime);
}

char *
vo_sip_imdn_build_message (const char *from, const char *to, const char *message_id,
                           gint64 time_us, const char *text)
{
  GString *out = g_string_new (NULL);

  append_envelope (out, from, to, message_id, time_us);
  g_string_append_printf (out,
                          "imdn.Disposition-Notification: positive-delivery, display\r\n"
                          "\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "\r\n"
                          "%s",
                          strlen (text), text);
  return g_string_free (out, FALSE);
}

char *
vo_sip_imdn_build_notification (const char *from, const char *to, const char *notification_id,
                                gint64 time_us, const char *message_id, const char *datetime,
                                VoSipImdnStatus status)
{
  GString *out = g_string_new (NULL);
  g_autofree char *now = NULL;
  g_autofree char *xml = NULL;
  gboolean displayed = status == VO_SIP_IMDN_DISPLAYED;

  g_return_val_if_fail (status == VO_SIP_IMDN_DELIVERED || status == VO_SIP_IMDN_DISPLAYED,
                        NULL);
  if (!datetime || !*datetime)
    datetime = now = vo_sip_imdn_format_time (time_us);
  xml = g_markup_printf_escaped ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                                 "<imdn xmlns=\"" IMDN_XML_NS "\">\r\n"
                                 "<message-id>%s</message-id>\r\n"
                                 "<datetime>%s</datetime>\r\n"
                                 "<%s><status><%s/></status></%s>\r\n"
                                 "</imdn>\r\n",
                                 message_id, datetime,
                                 displayed ? "display-notification" : "delivery-notification",
                                 displayed ? "displayed" : "delivered",
                                 displayed ? "display-notification" : "delivery-notification");
  append_envelope (out, from, to, notification_id, time_us);
  g_string_append_printf (out,
                          "\r\n"
                          "Content-Type: " VO_SIP_IMDN_TYPE "\r\n"
                          "Content-Disposition: notification\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "\r\n"
                          "%s",
                          strlen (xml), xml);
  return g_string_free (out, FALSE);
}

/* ---- IMDN XML ------------------------------------------------------------ */

typedef struct {
  const char *stack[MAX_XML_DEPTH];
  guint depth;
  gboolean root_seen;
  GString *message_id;
  gboolean have_message_id;
  gboolean have_status;
  VoSipImdnStatus status;
} ImdnParse;

/* "imdn:message-id" → "message-id": the namespace prefix does not matter here. */
static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');

  return colon ? colon + 1 : name;
}

/* The element names the parser looks at, as static strings; any other is
 * "" (never interned: the names come from strangers). */
static const char *
known_name (const char *name)
{
  static const char *const known[] = {
    "imdn", "message-id", "datetime", "status", "delivery-notification",
    "display-notification", "processing-notification",
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (known[i], name))
      return known[i];
  return "";
}

static void
imdn_take_status (ImdnParse *p, const char *notification, const char *value)
{
  VoSipImdnStatus status = VO_SIP_IMDN_OTHER;

  if (p->have_status)
    return;
  if (g_str_equal (notification, "delivery-notification") && g_str_equal (value, "delivered"))
    status = VO_SIP_IMDN_DELIVERED;
  else if (g_str_equal (notification, "display-notification") && g_str_equal (value, "displayed"))
    status = VO_SIP_IMDN_DISPLAYED;
  else if (g_str_equal (value, "failed") || g_str_equal (value, "forbidden") ||
           g_str_equal (value, "error"))
    status = VO_SIP_IMDN_NEGATIVE;
  p->status = status;
  p->have_status = TRUE;
}

static void
on_xml_start (GMarkupParseContext *context, const char *element, const char **names,
              const char **values, gpointer user_data, GError **error)
{
  ImdnParse *p = user_data;
  const char *name = local_name (element);

  if (p->depth >= MAX_XML_DEPTH) {
    g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                         "elements nested too deeply");
    return;
  }
  if (p->depth == 0) {
    if (!g_str_equal (name, "imdn") || p->root_seen) {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT,
                   "the document is <%s>, not <imdn>", name);
      return;
    }
    p->root_seen = TRUE;
  }
  /* <imdn><X-notification><status><value/>: the value names the status. */
  if (p->depth == 3 && g_str_equal (p->stack[2], "status"))
    imdn_take_status (p, p->stack[1], name);
  p->stack[p->depth++] = known_name (name);
}

static void
on_xml_end (GMarkupParseContext *context, const char *element, gpointer user_data,
            GError **error)
{
  ImdnParse *p = user_data;

  if (p->depth > 0)
    p->depth--;
  if (p->depth == 1 && g_str_equal (local_name (element), "message-id"))
    p->have_message_id = TRUE;
}

static void
on_xml_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
             GError **error)
{
  ImdnParse *p = user_data;

  if (p->depth == 2 && g_str_equal (p->stack[1], "message-id") && !p->have_message_id &&
      p->message_id->len + len < 1024)
    g_string_append_len (p->message_id, text, (gssize) len);
}

gboolean
vo_sip_imdn_parse_notification (const char *xml, gsize len, char **message_id,
                                VoSipImdnStatus *status, GError **error)
{
  static const GMarkupParser parser = { on_xml_start, on_xml_end, on_xml_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  ImdnParse p = { .message_id = g_string_new (NULL) };
  g_autoptr(GString) id = p.message_id;

  if (!xml || len == 0 || len > MAX_XML_BYTES) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Malformed IMDN: %s", len == 0 ? "empty" : "too large");
    return FALSE;
  }
  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &p, NULL);
  if (!g_markup_parse_context_parse (context, xml, (gssize) len, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "Malformed IMDN: %s",
                 local_error->message);
    return FALSE;
  }
  g_strstrip (id->str);
  if (!p.have_message_id || !*id->str) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "Malformed IMDN: no <message-id>");
    return FALSE;
  }
  *message_id = g_strdup (id->str);
  *status = p.have_status ? p.status : VO_SIP_IMDN_OTHER;
  return TRUE;
}
