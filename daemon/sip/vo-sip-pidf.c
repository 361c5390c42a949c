/* vo-sip-pidf.c: builds and reads PIDF presence documents.
 *
 * The reader is GMarkup with a small namespace resolver on top: PIDF, its
 * data model and RPID may come with any prefixes (or none, from sloppy
 * peers), and servers such as kamailio merge several publications into one
 * document. It never trusts the input: unknown elements are skipped, sizes
 * and depth are bounded, and anything malformed is an error, not a guess.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-pidf.h"
#include "vo-error.h"

#include <string.h>

#define NS_PIDF "urn:ietf:params:xml:ns:pidf"
#define NS_DM "urn:ietf:params:xml:ns:pidf:data-model"
#define NS_RPID "urn:ietf:params:xml:ns:pidf:rpid"

/* dnd goes out as plain <rpid:busy/>, what every client shows as busy
 * (Linphone shows an <rpid:other> activity as "Moved"), plus an empty
 * element in our own namespace that other clients skip (PIDF extensions
 * are ignored when not understood) and vo-daemons read back as dnd. */
#define NS_VO "urn:x-virtualoffice:params:xml:ns:pidf"
#define DND_ELEMENT "do-not-disturb"
/* Older vo-daemons marked dnd with <rpid:other>Do not disturb</rpid:other>;
 * that and the forms below still read as dnd. */
#define DND_MARKER "Do not disturb"

#define MAX_DEPTH 32

/* ---- building -------------------------------------------------------- */

char *
vo_sip_pidf_build (const char *entity, const char *status, const char *note)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, entity, -1);
  gboolean open = g_strcmp0 (status, "offline") != 0;
  const char *activity = NULL;
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  char *part;

  if (g_strcmp0 (status, "away") == 0)
    activity = "<rpid:away/>";
  else if (g_strcmp0 (status, "busy") == 0 || g_strcmp0 (status, "dnd") == 0)
    activity = "<rpid:busy/>";
  else if (g_strcmp0 (status, "on-the-phone") == 0)
    activity = "<rpid:on-the-phone/>";

  part = g_markup_printf_escaped ("<presence xmlns=\"" NS_PIDF "\" xmlns:dm=\"" NS_DM "\" "
                                  "xmlns:rpid=\"" NS_RPID "\" entity=\"%s\">\n"
                                  "  <tuple id=\"t%.8s\">\n"
                                  "    <status><basic>%s</basic></status>\n",
                                  entity, hash, open ? "open" : "closed");
  g_string_append (xml, part);
  g_free (part);
  if (open && note && *note) {
    part = g_markup_printf_escaped ("    <note>%s</note>\n", note);
    g_string_append (xml, part);
    g_free (part);
  }
  g_string_append (xml, "  </tuple>\n");
  if (open && activity)
    g_string_append_printf (xml, "  <dm:person id=\"p%.8s\">\n"
                                 "    <rpid:activities>%s</rpid:activities>\n"
                                 "%s"
                                 "  </dm:person>\n", hash, activity,
                            g_strcmp0 (status, "dnd") == 0
                            ? "    <vo:" DND_ELEMENT " xmlns:vo=\"" NS_VO "\"/>\n" : "");
  g_string_append (xml, "</presence>\n");
  return g_string_free (xml, FALSE);
}

/* ---- reading --------------------------------------------------------- */

typedef enum {
  EL_OTHER,
  EL_PRESENCE,
  EL_PRESENCE_NOTE,
  EL_TUPLE,
  EL_TUPLE_NOTE,
  EL_STATUS,
  EL_BASIC,
  EL_PERSON,
  EL_PERSON_NOTE,
  EL_ACTIVITIES,
  EL_ACTIVITY,
  EL_ACTIVITY_OTHER,
  EL_DND,
} Element;

typedef enum {
  ACT_AWAY = 1 << 0,
  ACT_BUSY = 1 << 1,
  ACT_PHONE = 1 << 2,
  ACT_DND = 1 << 3,
} Activity;

/* RFC 4480 activities and what a person would call them. */
static const struct {
  const char *name;
  Activity activity;
} activities[] = {
  { "on-the-phone", ACT_PHONE },
  { "busy", ACT_BUSY },
  { "meeting", ACT_BUSY },
  { "appointment", ACT_BUSY },
  { "performance", ACT_BUSY },
  { "presentation", ACT_BUSY },
  { "away", ACT_AWAY },
  { "breakfast", ACT_AWAY },
  { "dinner", ACT_AWAY },
  { "meal", ACT_AWAY },
  { "holiday", ACT_AWAY },
  { "vacation", ACT_AWAY },
  { "permanent-absence", ACT_AWAY },
  { "sleeping", ACT_AWAY },
  { "travel", ACT_AWAY },
  { "in-transit", ACT_AWAY },
  { "shopping", ACT_AWAY },
};

typedef struct {
  GPtrArray *ns;        /* prefix, uri, prefix, uri, …; innermost last */
  GArray *ns_marks;     /* ns->len when each open element was entered */
  GArray *path;         /* Element of each open element */
  GString *text;

  gboolean any_open;
  char *tuple_basic;    /* of the tuple being read */
  char *tuple_note;
  char *open_note;      /* of the first open tuple */
  char *person_note;
  char *presence_note;
  guint activities;
} Reader;

static void
reader_clear (Reader *r)
{
  g_ptr_array_unref (r->ns);
  g_array_unref (r->ns_marks);
  g_array_unref (r->path);
  g_string_free (r->text, TRUE);
  g_free (r->tuple_basic);
  g_free (r->tuple_note);
  g_free (r->open_note);
  g_free (r->person_note);
  g_free (r->presence_note);
}

/* The namespace URI bound to @prefix ("" for the default), or NULL. */
static const char *
reader_lookup_ns (Reader *r, const char *prefix)
{
  for (guint i = r->ns->len; i >= 2; i -= 2)
    if (g_str_equal (g_ptr_array_index (r->ns, i - 2), prefix))
      return g_ptr_array_index (r->ns, i - 1);
  return NULL;
}

/* An element without a namespace declaration matches any: some peers
 * leave them out, and the structure is still unambiguous. */
static gboolean
ns_is (const char *ns, const char *expected)
{
  return !ns || !*ns || g_str_equal (ns, expected);
}

static Element
classify (Element parent, const char *ns, const char *local)
{
  switch (parent) {
  case EL_PRESENCE:
    if (ns_is (ns, NS_PIDF) && g_str_equal (local, "tuple"))
      return EL_TUPLE;
    if (ns_is (ns, NS_PIDF) && g_str_equal (local, "note"))
      return EL_PRESENCE_NOTE;
    if (ns_is (ns, NS_DM) && g_str_equal (local, "person"))
      return EL_PERSON;
    break;
  case EL_TUPLE:
    if (ns_is (ns, NS_PIDF) && g_str_equal (local, "status"))
      return EL_STATUS;
    if ((ns_is (ns, NS_PIDF) || ns_is (ns, NS_DM)) && g_str_equal (local, "note"))
      return EL_TUPLE_NOTE;
    break;
  case EL_STATUS:
    if (ns_is (ns, NS_PIDF) && g_str_equal (local, "basic"))
      return EL_BASIC;
    break;
  case EL_PERSON:
    if (ns_is (ns, NS_RPID) && g_str_equal (local, "activities"))
      return EL_ACTIVITIES;
    if (ns_is (ns, NS_DM) && g_str_equal (local, "note"))
      return EL_PERSON_NOTE;
    if (g_strcmp0 (ns, NS_VO) == 0 && g_str_equal (local, DND_ELEMENT))
      return EL_DND;
    break;
  case EL_ACTIVITIES:
    if (ns_is (ns, NS_RPID))
      return g_str_equal (local, "other") ? EL_ACTIVITY_OTHER : EL_ACTIVITY;
    break;
  default:
    break;
  }
  return EL_OTHER;
}

static gboolean
element_collects_text (Element element)
{
  return element == EL_BASIC || element == EL_PRESENCE_NOTE || element == EL_TUPLE_NOTE ||
         element == EL_PERSON_NOTE || element == EL_ACTIVITY_OTHER;
}

static void
on_start_element (GMarkupParseContext *context, const char *name, const char **attribute_names,
                  const char **attribute_values, gpointer user_data, GError **error)
{
  Reader *r = user_data;
  g_autofree char *prefix = NULL;
  const char *colon = strchr (name, ':');
  const char *local = colon ? colon + 1 : name;
  Element parent = r->path->len ? g_array_index (r->path, Element, r->path->len - 1) : EL_OTHER;
  Element element;
  guint mark = r->ns->len;

  if (r->path->len >= MAX_DEPTH) {
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                 "elements nested deeper than %d", MAX_DEPTH);
    return;
  }
  for (guint i = 0; attribute_names[i]; i++) {
    if (g_str_equal (attribute_names[i], "xmlns")) {
      g_ptr_array_add (r->ns, g_strdup (""));
      g_ptr_array_add (r->ns, g_strdup (attribute_values[i]));
    } else if (g_str_has_prefix (attribute_names[i], "xmlns:")) {
      g_ptr_array_add (r->ns, g_strdup (attribute_names[i] + 6));
      g_ptr_array_add (r->ns, g_strdup (attribute_values[i]));
    }
  }
  g_array_append_val (r->ns_marks, mark);

  prefix = colon ? g_strndup (name, colon - name) : g_strdup ("");
  if (r->path->len == 0) {
    if (!ns_is (reader_lookup_ns (r, prefix), NS_PIDF) || !g_str_equal (local, "presence")) {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "the document is <%s>, not a PIDF <presence>", name);
      return;
    }
    element = EL_PRESENCE;
  } else {
    element = classify (parent, reader_lookup_ns (r, prefix), local);
  }
  g_array_append_val (r->path, element);
  g_string_truncate (r->text, 0);

  if (element == EL_TUPLE) {
    g_clear_pointer (&r->tuple_basic, g_free);
    g_clear_pointer (&r->tuple_note, g_free);
  } else if (element == EL_DND) {
    r->activities |= ACT_DND;
  } else if (element == EL_ACTIVITY) {
    for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
      if (g_str_equal (local, activities[i].name))
        r->activities |= activities[i].activity;
  }
}

/* The element's text, trimmed and cut to VO_SIP_PIDF_MAX_NOTE characters. */
static char *
reader_take_text (Reader *r)
{
  char *text = g_strstrip (g_strdup (r->text->str));

  if (g_utf8_strlen (text, -1) > VO_SIP_PIDF_MAX_NOTE)
    *g_utf8_offset_to_pointer (text, VO_SIP_PIDF_MAX_NOTE) = '\0';
  return text;
}

static gboolean
text_means_dnd (const char *text)
{
  static const char *const forms[] = { DND_MARKER, "dnd", "do-not-disturb", NULL };

  for (guint i = 0; forms[i]; i++)
    if (g_ascii_strcasecmp (text, forms[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
keep_first (char **slot, char *text)
{
  if (!*slot && *text)
    *slot = text;
  else
    g_free (text);
}

static void
on_end_element (GMarkupParseContext *context, const char *name, gpointer user_data,
                GError **error)
{
  Reader *r = user_data;
  Element element = g_array_index (r->path, Element, r->path->len - 1);
  guint mark = g_array_index (r->ns_marks, guint, r->ns_marks->len - 1);

  switch (element) {
  case EL_BASIC:
    g_free (r->tuple_basic);
    r->tuple_basic = reader_take_text (r);
    break;
  case EL_TUPLE_NOTE:
    keep_first (&r->tuple_note, reader_take_text (r));
    break;
  case EL_PERSON_NOTE:
    keep_first (&r->person_note, reader_take_text (r));
    break;
  case EL_PRESENCE_NOTE:
    keep_first (&r->presence_note, reader_take_text (r));
    break;
  case EL_ACTIVITY_OTHER: {
    g_autofree char *text = reader_take_text (r);

    if (text_means_dnd (text))
      r->activities |= ACT_DND;
    break;
  }
  case EL_TUPLE:
    if (g_strcmp0 (r->tuple_basic, "open") == 0) {
      r->any_open = TRUE;
      if (!r->open_note && r->tuple_note)
        r->open_note = g_steal_pointer (&r->tuple_note);
    }
    break;
  default:
    break;
  }
  g_array_set_size (r->path, r->path->len - 1);
  g_array_set_size (r->ns_marks, r->ns_marks->len - 1);
  g_ptr_array_set_size (r->ns, mark);
  g_string_truncate (r->text, 0);
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize text_len, gpointer user_data,
         GError **error)
{
  Reader *r = user_data;

  if (r->path->len == 0 ||
      !element_collects_text (g_array_index (r->path, Element, r->path->len - 1)))
    return;
  if (r->text->len + text_len > VO_SIP_PIDF_MAX_BODY) {
    g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                         "text too long");
    return;
  }
  g_string_append_len (r->text, text, (gssize) text_len);
}

static const char *
reader_status (Reader *r)
{
  if (!r->any_open)
    return "offline";
  if (r->activities & ACT_PHONE)
    return "on-the-phone";
  if (r->activities & ACT_DND)
    return "dnd";
  if (r->activities & ACT_BUSY)
    return "busy";
  if (r->activities & ACT_AWAY)
    return "away";
  return "available";
}

gboolean
vo_sip_pidf_parse (const char *body, gsize length, char **status, char **note, GError **error)
{
  static const GMarkupParser parser = { on_start_element, on_end_element, on_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  Reader r = {
    .ns = g_ptr_array_new_with_free_func (g_free),
    .ns_marks = g_array_new (FALSE, FALSE, sizeof (guint)),
    .path = g_array_new (FALSE, FALSE, sizeof (Element)),
    .text = g_string_new (NULL),
  };
  const char *chosen_note;

  if (!body || length == 0 || length > VO_SIP_PIDF_MAX_BODY) {
    reader_clear (&r);
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A presence document must have 1 to %d bytes, not %" G_GSIZE_FORMAT,
                 VO_SIP_PIDF_MAX_BODY, body ? length : 0);
    return FALSE;
  }
  if (memchr (body, '\0', length)) {
    reader_clear (&r);
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "Malformed PIDF document: it contains a NUL byte");
    return FALSE;
  }
  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &r, NULL);
  if (!g_markup_parse_context_parse (context, body, (gssize) length, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error)) {
    reader_clear (&r);
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "Malformed PIDF document: %s",
                 local_error->message);
    return FALSE;
  }

  chosen_note = r.person_note ? r.person_note : r.open_note ? r.open_note : r.presence_note;
  *status = g_strdup (reader_status (&r));
  *note = g_strdup (r.any_open && chosen_note ? chosen_note : "");
  reader_clear (&r);
  return TRUE;
}
