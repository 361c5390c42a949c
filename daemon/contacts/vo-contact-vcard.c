/* vo-contact-vcard.c: vCard text ↔ contact rows with EDS's EVCard/EContact.
 *
 * EVCard reads one card and stops at its END:VCARD; EDS has no call that
 * splits a file of several cards, so the cards are cut apart at their
 * BEGIN:VCARD/END:VCARD lines here and each is read by EVCard.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contact-vcard.h"
#include "vo-contact-vcard-card.h"
#include "vo-error.h"
#include "vo-service-json.h"

#include <string.h>
#include <glib/gstdio.h>

/* TRUE when the line [start, end) (a CR before the LF included) is @marker
 * ("BEGIN:VCARD"), ignoring case and surrounding blanks. */
static gboolean
line_is (const char *start, const char *end, const char *marker)
{
  gsize len = strlen (marker);

  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  return (gsize) (end - start) == len && g_ascii_strncasecmp (start, marker, len) == 0;
}

static gboolean
line_is_blank (const char *start, const char *end)
{
  for (; start < end; start++)
    if (!g_ascii_isspace (*start))
      return FALSE;
  return TRUE;
}

/* The text of each card of @text, BEGIN:VCARD to END:VCARD. */
static GPtrArray *
split_cards (const char *text, gsize size, guint max_cards, GError **error)
{
  g_autoptr (GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  const char *end = text + size;
  const char *card_start = NULL;
  guint line_number = 0;

  for (const char *line = text; line < end;) {
    const char *newline = memchr (line, '\n', end - line);
    const char *line_end = newline ? newline : end;
    const char *next = newline ? newline + 1 : end;

    line_number++;
    if (line_is (line, line_end, "BEGIN:VCARD")) {
      if (card_start) {
        g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                     "card %u has no END:VCARD before the next BEGIN:VCARD (line %u)",
                     cards->len + 1, line_number);
        return NULL;
      }
      if (cards->len >= max_cards) {
        g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                     "more than %u cards in one vCard file", max_cards);
        return NULL;
      }
      card_start = line;
    } else if (line_is (line, line_end, "END:VCARD")) {
      if (!card_start) {
        g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                     "END:VCARD without BEGIN:VCARD (line %u)", line_number);
        return NULL;
      }
      g_ptr_array_add (cards, g_strndup (card_start, next - card_start));
      card_start = NULL;
    } else if (!card_start && !line_is_blank (line, line_end)) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "line %u is outside BEGIN:VCARD … END:VCARD", line_number);
      return NULL;
    }
    line = next;
  }
  if (card_start) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "card %u has no END:VCARD",
                 cards->len + 1);
    return NULL;
  }
  if (cards->len == 0) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "no vCard in the text (BEGIN:VCARD … END:VCARD)");
    return NULL;
  }
  return g_steal_pointer (&cards);
}

static void
remove_photos (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++) {
    VoContactRow *row = g_ptr_array_index (rows, i);
    if (row->photo && *row->photo)
      g_unlink (row->photo);
  }
}

GPtrArray *
vo_contact_vcard_parse (GBytes *data, const char *photo_dir, guint max_cards, guint max_field,
                        guint max_values, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);
  g_autoptr (GPtrArray) cards = NULL;
  gsize size = 0;
  const char *text = g_bytes_get_data (data, &size);

  /* Also refuses NUL bytes, so each card is a C string for EVCard. */
  if (!g_utf8_validate_len (text ? text : "", size, NULL)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "the vCard is not UTF-8 text");
    return NULL;
  }
  cards = split_cards (text, size, max_cards, error);
  if (!cards)
    return NULL;
  for (guint i = 0; i < cards->len; i++) {
    g_autofree char *label = g_strdup_printf ("card %u", i + 1);
    /* EDS 3.46 declares no autoptr cleanup for its types. */
    EVCard *card = e_vcard_new_from_string (g_ptr_array_index (cards, i));
    VoContactRow *row =
      vo_contact_vcard_card_to_row (card, label, photo_dir, max_field, max_values,
                                    VO_CONTACT_VCARD_INLINE_PHOTOS, error);

    g_object_unref (card);

    if (!row) {
      remove_photos (rows);
      return NULL;
    }
    g_ptr_array_add (rows, row);
  }
  return g_steal_pointer (&rows);
}

/* The row's photo file as an inline PHOTO, when it is a readable image. */
static void
write_photo (EContact *contact, const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr (GBytes) bytes = NULL;
  EContactPhoto *photo;
  gsize size = 0;
  const char *type;

  if (!path || !*path || !g_file_get_contents (path, &data, &size, NULL))
    return;
  bytes = g_bytes_new_static (data, size);
  type = vo_service_photo_type (bytes);
  if (!type || size > VO_CONTACT_VCARD_MAX_PHOTO_BYTES)
    return;
  photo = e_contact_photo_new ();
  photo->type = E_CONTACT_PHOTO_TYPE_INLINED;
  e_contact_photo_set_inlined (photo, (const guchar *) data, size);
  e_contact_photo_set_mime_type (photo, type);
  e_contact_set (contact, E_CONTACT_PHOTO, photo);
  e_contact_photo_free (photo);
}

static void
append_values (EContact *contact, const char *property, const char *type,
               char *const *values)
{
  for (guint i = 0; values && values[i]; i++) {
    EVCardAttribute *attr = e_vcard_attribute_new (NULL, property);

    if (type)
      e_vcard_attribute_add_param_with_value (attr, e_vcard_attribute_param_new (EVC_TYPE),
                                              type);
    e_vcard_append_attribute_with_value (E_VCARD (contact), attr, values[i]);
  }
}

static void
set_if_any (EContact *contact, EContactField field, const char *text)
{
  if (text && *text)
    e_contact_set (contact, field, text);
}

static char *
row_to_vcard (const VoContactRow *row)
{
  EContact *contact = e_contact_new ();
  EContactName *name = e_contact_name_from_string (row->name ? row->name : "");
  char *text;

  set_if_any (contact, E_CONTACT_UID, row->id);
  set_if_any (contact, E_CONTACT_FULL_NAME, row->name);
  e_contact_set (contact, E_CONTACT_NAME, name);
  e_contact_name_free (name);
  append_values (contact, EVC_TEL, "VOICE", row->numbers);
  append_values (contact, EVC_EMAIL, "INTERNET", row->emails);
  append_values (contact, "IMPP", NULL, row->uris);
  if ((row->company && *row->company) || (row->department && *row->department)) {
    EVCardAttribute *org = e_vcard_attribute_new (NULL, EVC_ORG);
    e_vcard_append_attribute_with_values (E_VCARD (contact), org,
                                          row->company ? row->company : "",
                                          row->department ? row->department : "", NULL);
  }
  set_if_any (contact, E_CONTACT_NOTE, row->note);
  write_photo (contact, row->photo);
  text = e_vcard_to_string (E_VCARD (contact), EVC_FORMAT_VCARD_30);
  g_object_unref (contact);
  return text;
}

GBytes *
vo_contact_vcard_write (GPtrArray *rows)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; rows && i < rows->len; i++) {
    g_autofree char *card = row_to_vcard (g_ptr_array_index (rows, i));
    g_string_append (text, card);
    /* EDS ends a card without the final line break. */
    if (!g_str_has_suffix (text->str, "\r\n"))
      g_string_append (text, "\r\n");
  }
  return g_string_free_to_bytes (text);
}
