/* vo-contact-vcard-card.c: one EVCard → one contact row: name, numbers,
 * e-mails, SIP URIs, company, note and the inline photo, within limits.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contact-vcard-card.h"
#include "vo-error.h"
#include "vo-service-json.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

/* What a card is called in an error: "card 3 (Jan de Vries)". */
typedef struct {
  const char *label;
  const char *name;
  guint max_field;
  guint max_values;
} CardCheck;

static void G_GNUC_PRINTF (3, 4)
card_error (const CardCheck *check, GError **error, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (check->name && *check->name)
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "%s (%s): %s", check->label,
                 check->name, what);
  else
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "%s: %s", check->label, what);
}

/* The attribute's text: EVCard splits a value at every unescaped ';', which
 * only structured properties (N, ORG) mean; for the others it is text. */
static char *
attribute_text (EVCardAttribute *attr)
{
  GString *text = g_string_new (NULL);

  for (GList *v = e_vcard_attribute_get_values (attr); v; v = v->next) {
    if (v->prev)
      g_string_append_c (text, ';');
    g_string_append (text, v->data);
  }
  return g_strstrip (g_string_free (text, FALSE));
}

/* The @index-th value of a structured property (ORG's unit, N's parts). */
static char *
attribute_part (EVCardAttribute *attr, guint index)
{
  const char *value = g_list_nth_data (e_vcard_attribute_get_values (attr), index);
  return g_strstrip (g_strdup (value ? value : ""));
}

static gboolean
check_text (const CardCheck *check, const char *property, const char *text, GError **error)
{
  if (!g_utf8_validate (text, -1, NULL)) {
    card_error (check, error, "%s is not UTF-8 text", property);
    return FALSE;
  }
  if ((guint) g_utf8_strlen (text, -1) > check->max_field) {
    card_error (check, error, "%s is longer than %u characters", property, check->max_field);
    return FALSE;
  }
  return TRUE;
}

/* N as a display name, written the way EDS writes it ("Dr. Jan de Vries"). */
static char *
structured_name (EVCardAttribute *n)
{
  EContactName *name = e_contact_name_new ();
  char *text;

  name->family = attribute_part (n, 0);
  name->given = attribute_part (n, 1);
  name->additional = attribute_part (n, 2);
  name->prefixes = attribute_part (n, 3);
  name->suffixes = attribute_part (n, 4);
  text = g_strstrip (e_contact_name_to_string (name));
  e_contact_name_free (name);
  return text;
}

/* FN, else N, else ORG's first part; "" when the card has none. */
static char *
card_name (EVCard *card)
{
  EVCardAttribute *attr;
  char *name;

  if ((attr = e_vcard_get_attribute (card, EVC_FN))) {
    name = attribute_text (attr);
    if (*name)
      return name;
    g_free (name);
  }
  if ((attr = e_vcard_get_attribute (card, EVC_N))) {
    name = structured_name (attr);
    if (*name)
      return name;
    g_free (name);
  }
  if ((attr = e_vcard_get_attribute (card, EVC_ORG)))
    return attribute_part (attr, 0);
  return g_strdup ("");
}

/* X-SIP values are often written without the scheme. */
static char *
sip_uri (const char *name, const char *text)
{
  if (g_ascii_strncasecmp (text, "sip:", 4) == 0 || g_ascii_strncasecmp (text, "sips:", 5) == 0)
    return g_strdup (text);
  if (g_ascii_strcasecmp (name, "X-SIP") == 0 && *text && !strchr (text, ':'))
    return g_strconcat ("sip:", text, NULL);
  return NULL;
}

static gboolean
add_value (const CardCheck *check, GPtrArray *values, const char *property, char *text,
           GError **error)
{
  g_autofree char *owned = text;

  if (!*text)
    return TRUE;
  if (!check_text (check, property, text, error))
    return FALSE;
  if (values->len >= check->max_values) {
    card_error (check, error, "more than %u %s values", check->max_values, property);
    return FALSE;
  }
  g_ptr_array_add (values, g_steal_pointer (&owned));
  return TRUE;
}

static char **
steal_strv (GPtrArray *values)
{
  g_ptr_array_add (values, NULL);
  return (char **) g_ptr_array_free (values, FALSE);
}

/* An inline photo's bytes (ENCODING=b/BASE64, or a 4.0 data: URI); NULL
 * without error for a photo by reference (a URL), which is not fetched. */
static GBytes *
inline_photo (const CardCheck *check, EVCardAttribute *attr, GError **error)
{
  g_autofree char *value = attribute_text (attr);
  /* base64 grows by 4/3: refuse an oversized photo before decoding it. */
  gsize max_encoded = VO_CONTACT_VCARD_MAX_PHOTO_BYTES / 3 * 4 + 8;
  GBytes *photo = NULL;

  if (g_ascii_strncasecmp (value, "data:", 5) == 0) {
    const char *comma = strchr (value, ',');
    gsize size = 0;
    guchar *data;

    if (!comma || !g_strstr_len (value, comma - value, ";base64")) {
      card_error (check, error, "PHOTO is a data: URI without base64 content");
      return NULL;
    }
    if (strlen (comma + 1) > max_encoded) {
      card_error (check, error, "PHOTO is larger than %u KiB",
                  VO_CONTACT_VCARD_MAX_PHOTO_BYTES / 1024);
      return NULL;
    }
    data = g_base64_decode (comma + 1, &size);
    photo = g_bytes_new_take (data, size);
  } else if (e_vcard_attribute_get_param (attr, EVC_ENCODING)) {
    GList *decoded;
    GString *first;

    if (strlen (value) > max_encoded) {
      card_error (check, error, "PHOTO is larger than %u KiB",
                  VO_CONTACT_VCARD_MAX_PHOTO_BYTES / 1024);
      return NULL;
    }
    decoded = e_vcard_attribute_get_values_decoded (attr);
    first = decoded ? decoded->data : NULL;
    photo = g_bytes_new (first ? first->str : "", first ? first->len : 0);
  } else {
    return NULL;
  }
  if (g_bytes_get_size (photo) > VO_CONTACT_VCARD_MAX_PHOTO_BYTES) {
    card_error (check, error, "PHOTO is larger than %u KiB",
                VO_CONTACT_VCARD_MAX_PHOTO_BYTES / 1024);
    g_bytes_unref (photo);
    return NULL;
  }
  return photo;
}

/* The photo a file:// PHOTO names, when it is a file of at most the largest
 * photo's size; else NULL. */
static GBytes *
file_photo (EVCardAttribute *attr)
{
  g_autofree char *value = attribute_text (attr);
  g_autofree char *path = NULL;
  g_autoptr (GMappedFile) file = NULL;

  if (g_ascii_strncasecmp (value, "file://", 7) != 0 ||
      !(path = g_filename_from_uri (value, NULL, NULL)) ||
      !(file = g_mapped_file_new (path, FALSE, NULL)) ||
      g_mapped_file_get_length (file) > VO_CONTACT_VCARD_MAX_PHOTO_BYTES)
    return NULL;
  return g_mapped_file_get_bytes (file);
}

/* Writes @photo (checked: JPEG or PNG) to a new file in @photo_dir. */
static char *
save_photo (const CardCheck *check, GBytes *photo, const char *photo_dir, GError **error)
{
  const char *type = vo_service_photo_type (photo);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (photo, &size);

  if (!type) {
    card_error (check, error, "PHOTO is not a JPEG or PNG image");
    return NULL;
  }
  file = g_strconcat (uuid, g_str_equal (type, "image/png") ? ".png" : ".jpg", NULL);
  path = g_build_filename (photo_dir, file, NULL);
  if (g_mkdir_with_parents (photo_dir, 0700) != 0) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create %s: %s", photo_dir,
                 g_strerror (errno));
    return NULL;
  }
  if (!g_file_set_contents_full (path, data, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* Every TEL, EMAIL and SIP URI (IMPP, X-SIP) of @card into the row. */
static gboolean
read_addresses (const CardCheck *check, EVCard *card, VoContactRow *row, GError **error)
{
  g_autoptr (GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) emails = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);

  for (GList *a = e_vcard_get_attributes (card); a; a = a->next) {
    EVCardAttribute *attr = a->data;
    const char *name = e_vcard_attribute_get_name (attr);
    gboolean ok = TRUE;

    if (g_ascii_strcasecmp (name, EVC_TEL) == 0)
      ok = add_value (check, numbers, "TEL", attribute_text (attr), error);
    else if (g_ascii_strcasecmp (name, EVC_EMAIL) == 0)
      ok = add_value (check, emails, "EMAIL", attribute_text (attr), error);
    else if (g_ascii_strcasecmp (name, "IMPP") == 0 || g_ascii_strcasecmp (name, "X-SIP") == 0) {
      g_autofree char *text = attribute_text (attr);
      char *uri = sip_uri (name, text);
      ok = !uri || add_value (check, uris, "IMPP", uri, error);
    }
    if (!ok)
      return FALSE;
  }
  g_strfreev (row->numbers);
  row->numbers = steal_strv (g_steal_pointer (&numbers));
  g_strfreev (row->emails);
  row->emails = steal_strv (g_steal_pointer (&emails));
  g_strfreev (row->uris);
  row->uris = steal_strv (g_steal_pointer (&uris));
  return TRUE;
}

/* ORG (company; department) and NOTE into the row. */
static gboolean
read_texts (const CardCheck *check, EVCard *card, VoContactRow *row, GError **error)
{
  EVCardAttribute *org = e_vcard_get_attribute (card, EVC_ORG);
  EVCardAttribute *note = e_vcard_get_attribute (card, EVC_NOTE);

  g_free (row->company);
  row->company = org ? attribute_part (org, 0) : g_strdup ("");
  g_free (row->department);
  row->department = org ? attribute_part (org, 1) : g_strdup ("");
  g_free (row->note);
  row->note = note ? attribute_text (note) : g_strdup ("");
  return check_text (check, "ORG", row->company, error) &&
         check_text (check, "ORG", row->department, error) &&
         check_text (check, "NOTE", row->note, error);
}

static void
set_text (char **field, const char *text)
{
  g_free (*field);
  *field = g_strdup (text);
}

VoContactRow *
vo_contact_vcard_card_to_row (EVCard *card, const char *label, const char *photo_dir,
                              guint max_field, guint max_values, VoContactVcardFlags flags,
                              GError **error)
{
  g_autoptr (VoContactRow) row = vo_contact_row_new ();
  CardCheck check = { label, NULL, max_field, max_values };
  EVCardAttribute *photo_attr;

  /* Every string set: the row may come from vo_contact_row_new() as it is. */
  set_text (&row->id, "");
  set_text (&row->source, "personal");
  set_text (&row->extension, "");
  set_text (&row->photo, "");
  set_text (&row->photo_etag, "");
  g_free (row->name);
  row->name = card_name (card);
  if (!check_text (&check, "the name", row->name, error))
    return NULL;
  if (!*row->name) {
    card_error (&check, error, "the card has no name (FN, N or ORG)");
    return NULL;
  }
  check.name = row->name;
  if (!read_addresses (&check, card, row, error) || !read_texts (&check, card, row, error))
    return NULL;

  /* Last, so nothing after it can fail and leave the file behind. */
  photo_attr = e_vcard_get_attribute (card, EVC_PHOTO);
  if (photo_attr) {
    GError *photo_error = NULL;
    g_autoptr (GBytes) photo = (flags & VO_CONTACT_VCARD_READ_FILE_PHOTOS)
                                 ? file_photo (photo_attr)
                                 : NULL;

    if (!photo)
      photo = inline_photo (&check, photo_attr, &photo_error);

    if (photo_error) {
      g_propagate_error (error, photo_error);
      return NULL;
    }
    if (photo) {
      char *path = save_photo (&check, photo, photo_dir, error);
      if (!path)
        return NULL;
      g_free (row->photo);
      row->photo = path;
    }
  }
  return g_steal_pointer (&row);
}
