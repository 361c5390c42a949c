/* vo-contacts-personal.c: the user's own contacts: Create, Update and
 * Delete, with every field a caller gives checked before anything is
 * stored. Company and device contacts are not the user's to change.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-contact-number.h"
#include "vo-error.h"
#include "vo-text.h"

#include <glib/gstdio.h>

typedef enum { FIELD_TEXT, FIELD_NUMBERS, FIELD_URIS, FIELD_EMAILS } FieldKind;

typedef struct {
  const char *key;
  FieldKind kind;
  gsize offset; /* of the char * or char ** in VoContactRow */
} Field;

static const Field fields[] = {
  { "name", FIELD_TEXT, G_STRUCT_OFFSET (VoContactRow, name) },
  { "company", FIELD_TEXT, G_STRUCT_OFFSET (VoContactRow, company) },
  { "department", FIELD_TEXT, G_STRUCT_OFFSET (VoContactRow, department) },
  { "extension", FIELD_TEXT, G_STRUCT_OFFSET (VoContactRow, extension) },
  { "note", FIELD_TEXT, G_STRUCT_OFFSET (VoContactRow, note) },
  { "numbers", FIELD_NUMBERS, G_STRUCT_OFFSET (VoContactRow, numbers) },
  { "uris", FIELD_URIS, G_STRUCT_OFFSET (VoContactRow, uris) },
  { "emails", FIELD_EMAILS, G_STRUCT_OFFSET (VoContactRow, emails) },
};

/* A note may have lines; every other field is one line. */
static gboolean
text_ok (const char *key, const char *text, GError **error)
{
  g_autofree char *plain = NULL;
  gboolean multi_line = g_str_equal (key, "note");

  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > VO_CONTACTS_MAX_FIELD) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The contact's '%s' must be UTF-8 of at most %d characters", key,
                 VO_CONTACTS_MAX_FIELD);
    return FALSE;
  }
  if (multi_line) {
    g_auto(GStrv) lines = g_strsplit_set (text, "\n\t", -1);
    g_autofree char *joined = g_strjoinv (" ", lines);

    plain = vo_text_without_controls (joined);
    if (g_str_equal (plain, joined))
      return TRUE;
  } else {
    plain = vo_text_without_controls (text);
    if (g_str_equal (plain, text))
      return TRUE;
  }
  g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
               "The contact's '%s' must not hold control characters", key);
  return FALSE;
}

static gboolean
uri_ok (const char *uri)
{
  const char *rest;
  const char *at;

  if (g_str_has_prefix (uri, "sip:"))
    rest = uri + 4;
  else if (g_str_has_prefix (uri, "sips:"))
    rest = uri + 5;
  else
    return FALSE;
  at = strrchr (rest, '@');
  rest = at ? at + 1 : rest;
  /* A host: something before any port, parameter or header. */
  return *rest && !strchr (" <>\"", *rest) && *rest != ':' && *rest != ';' && *rest != '?' &&
         !strpbrk (uri, " <>\"");
}

static gboolean
email_ok (const char *email)
{
  const char *at = strchr (email, '@');

  return at && at != email && at[1] && !strchr (at + 1, '@') && !strpbrk (email, " \t");
}

static gboolean
value_ok (const Field *field, const char *value, GError **error)
{
  if (!text_ok (field->key, value, error))
    return FALSE;
  switch (field->kind) {
  case FIELD_NUMBERS:
    if (vo_contact_number_is_number (value))
      return TRUE;
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' in the contact's 'numbers' is not a phone number (digits, spaces and "
                 "+ - ( ) . /)", value);
    return FALSE;
  case FIELD_URIS:
    if (uri_ok (value))
      return TRUE;
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' in the contact's 'uris' is not a sip: or sips: URI with a host", value);
    return FALSE;
  case FIELD_EMAILS:
    if (email_ok (value))
      return TRUE;
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' in the contact's 'emails' is not an e-mail address", value);
    return FALSE;
  case FIELD_TEXT:
  default:
    return TRUE;
  }
}

static gboolean
values_ok (const Field *field, const char *const *values, GError **error)
{
  if (g_strv_length ((char **) values) > VO_CONTACTS_MAX_VALUES) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A contact has at most %d '%s'", VO_CONTACTS_MAX_VALUES, field->key);
    return FALSE;
  }
  for (guint i = 0; values[i]; i++)
    if (!value_ok (field, values[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
name_ok (const char *name, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));

  if (*stripped)
    return TRUE;
  g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                       "A contact needs a 'name' that is not empty");
  return FALSE;
}

gboolean
vo_contacts_row_check (const VoContactRow *row, const char *what, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++) {
    const Field *field = &fields[i];
    gboolean ok;

    if (field->kind == FIELD_TEXT)
      ok = text_ok (field->key, G_STRUCT_MEMBER (char *, row, field->offset), &local_error);
    else
      ok = values_ok (field, G_STRUCT_MEMBER (const char *const *, row, field->offset),
                      &local_error);
    if (!ok)
      break;
  }
  if (!local_error)
    name_ok (row->name, &local_error);
  if (!local_error)
    return TRUE;
  g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "%s: %s", what,
               local_error->message);
  return FALSE;
}

static const Field *
field_named (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].key, key))
      return &fields[i];
  return NULL;
}

/* Checks every field of @fields first, then writes them all into @row. */
gboolean
vo_contacts_fields_apply (VoContactRow *row, GVariant *fields_in, gboolean creating,
                          GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (!fields_in || !g_variant_is_of_type (fields_in, G_VARIANT_TYPE_VARDICT)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "A contact's fields are an a{sv}");
    return FALSE;
  }
  g_variant_iter_init (&iter, fields_in);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value)) {
    const Field *field = field_named (key);
    gboolean ok;

    if (!field || !g_variant_is_of_type (value, field->kind == FIELD_TEXT
                                                  ? G_VARIANT_TYPE_STRING
                                                  : G_VARIANT_TYPE_STRING_ARRAY)) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "Unknown contact field or wrong type: '%s' (known: name, company, "
                   "department, extension, note (s); numbers, uris, emails (as))", key);
      g_variant_unref (value);
      return FALSE;
    }
    if (field->kind == FIELD_TEXT) {
      const char *text = g_variant_get_string (value, NULL);

      ok = text_ok (key, text, error) && (field->offset != G_STRUCT_OFFSET (VoContactRow, name) ||
                                          name_ok (text, error));
    } else {
      g_autofree const char **values = g_variant_get_strv (value, NULL);

      ok = values_ok (field, values, error);
    }
    if (!ok) {
      g_variant_unref (value);
      return FALSE;
    }
  }
  if (creating && !g_variant_lookup (fields_in, "name", "&s", &key)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "A contact needs a 'name' that is not empty");
    return FALSE;
  }
  /* All good: write them. */
  g_variant_iter_init (&iter, fields_in);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value)) {
    const Field *field = field_named (key);

    if (field->kind == FIELD_TEXT) {
      char **slot = &G_STRUCT_MEMBER (char *, row, field->offset);

      g_free (*slot);
      *slot = g_strstrip (g_variant_dup_string (value, NULL));
    } else {
      char ***slot = &G_STRUCT_MEMBER (char **, row, field->offset);

      g_strfreev (*slot);
      *slot = g_variant_dup_strv (value, NULL);
    }
  }
  return TRUE;
}

/* The personal row @id, or an error saying why it cannot be changed. */
static VoContactRow *
personal_row (VoContacts *self, const char *id, GError **error)
{
  g_autoptr(VoContactRow) row = NULL;

  if (!id || !*id) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "A contact id is needed");
    return NULL;
  }
  row = vo_contact_store_get (self->rows, id, error);
  if (!row)
    return NULL;
  if (!g_str_equal (row->source, "personal")) {
    g_set_error (error, VO_ERROR, VO_ERROR_PERMISSION_DENIED,
                 "%s is a %s contact; only personal contacts can be changed", id, row->source);
    return NULL;
  }
  return g_steal_pointer (&row);
}

char *
vo_contacts_create (VoContacts *self, GVariant *fields_in, GError **error)
{
  g_autoptr(VoContactRow) row = vo_contact_row_new ();
  g_autofree char *uuid = g_uuid_string_random ();

  if (!vo_contacts_fields_apply (row, fields_in, TRUE, error))
    return NULL;
  g_free (row->id);
  row->id = g_strconcat ("personal:", uuid, NULL);
  g_free (row->source);
  row->source = g_strdup ("personal");
  if (!vo_contacts_put_row (self, row, error))
    return NULL;
  vo_contacts_emit_changed (self, row->id);
  return g_strdup (row->id);
}

gboolean
vo_contacts_update (VoContacts *self, const char *id, GVariant *fields_in, GError **error)
{
  g_autoptr(VoContactRow) row = personal_row (self, id, error);

  if (!row || !vo_contacts_fields_apply (row, fields_in, FALSE, error) ||
      !vo_contacts_put_row (self, row, error))
    return FALSE;
  vo_contacts_emit_changed (self, row->id);
  return TRUE;
}

gboolean
vo_contacts_delete (VoContacts *self, const char *id, GError **error)
{
  g_autoptr(VoContactRow) row = personal_row (self, id, error);

  if (!row || !vo_contact_store_delete (self->rows, id, error))
    return FALSE;
  /* An imported photo is the contact's own file. */
  if (*row->photo && g_str_has_prefix (row->photo, self->photo_dir))
    g_unlink (row->photo);
  vo_contacts_emit_changed (self, id);
  return TRUE;
}
