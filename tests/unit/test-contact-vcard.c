/* test-contact-vcard.c: vCard 2.1/3.0/4.0 in, 3.0 out, every field kept
 * through a round trip; malformed input → a named error and no photo file
 * left behind.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contact-vcard.h"
#include "vo-error.h"

#include <glib/gstdio.h>
#include <string.h>

#define MAX_CARDS 10
#define MAX_FIELD 64
#define MAX_VALUES 3

/* A PNG signature and a little more: enough for the content check. */
static const char png_bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-real-image";
/* The same, base64 */
#define PNG_BASE64 "iVBORw0KGgoAAAANSUhEUi1ub3QtYS1yZWFsLWltYWdl"
#define JPEG_BASE64 "/9j/4AAQSkZJRgABAQ=="

typedef struct {
  char *photo_dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->photo_dir = g_dir_make_tmp ("vo-test-vcard-XXXXXX", NULL);
  g_assert_nonnull (f->photo_dir);
}

static guint
count_files (const char *dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->photo_dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree char *path = g_build_filename (f->photo_dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->photo_dir);
  g_free (f->photo_dir);
}

static GPtrArray *
parse (Fixture *f, const char *text, GError **error)
{
  g_autoptr (GBytes) data = g_bytes_new (text, strlen (text));
  return vo_contact_vcard_parse (data, f->photo_dir, MAX_CARDS, MAX_FIELD, MAX_VALUES, error);
}

static VoContactRow *
parse_one (Fixture *f, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = parse (f, text, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  return vo_contact_row_copy (g_ptr_array_index (rows, 0));
}

static void
assert_strv (char **got, const char *const *want)
{
  g_autofree char *got_text = g_strjoinv ("|", got);
  g_autofree char *want_text = g_strjoinv ("|", (char **) want);
  g_assert_cmpstr (got_text, ==, want_text);
}

static void
assert_file_holds (const char *path, const char *data, gsize size)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, data, size);
}

static void
set_text (char **field, const char *text)
{
  g_free (*field);
  *field = g_strdup (text);
}

static void
set_strv (char ***field, const char *const *values)
{
  g_strfreev (*field);
  *field = g_strdupv ((char **) values);
}

static void
test_round_trip (Fixture *f, gconstpointer unused)
{
  g_autoptr (VoContactRow) row = vo_contact_row_new ();
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GBytes) text = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *source_photo = g_build_filename (f->photo_dir, "source.png", NULL);
  const char *numbers[] = { "+31 20 123 4567", "06-12345678", NULL };
  const char *emails[] = { "jorg@example.test", "j.muller@example.test", NULL };
  const char *uris[] = { "sip:jorg@vo.test", NULL };
  VoContactRow *got;

  g_assert_true (g_file_set_contents (source_photo, png_bytes, sizeof png_bytes - 1, NULL));
  set_text (&row->id, "personal:1234");
  set_text (&row->name, "Jörg Müller-Straße 山田");
  set_text (&row->company, "Ærø; Works, Ltd.");
  set_text (&row->department, "Sälj");
  set_strv (&row->numbers, numbers);
  set_strv (&row->emails, emails);
  set_strv (&row->uris, uris);
  set_text (&row->note, "first line, with a comma; and a semicolon\nsecond line");
  set_text (&row->photo, source_photo);
  g_ptr_array_add (rows, row);

  text = vo_contact_vcard_write (rows);
  g_assert_nonnull (strstr (g_bytes_get_data (text, NULL), "VERSION:3.0\r\n"));
  g_assert_nonnull (strstr (g_bytes_get_data (text, NULL), "UID:personal:1234\r\n"));
  back = vo_contact_vcard_parse (text, f->photo_dir, MAX_CARDS, MAX_FIELD, MAX_VALUES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  got = g_ptr_array_index (back, 0);
  g_assert_cmpstr (got->id, ==, "");
  g_assert_cmpstr (got->source, ==, "personal");
  g_assert_cmpstr (got->name, ==, row->name);
  g_assert_cmpstr (got->company, ==, row->company);
  g_assert_cmpstr (got->department, ==, row->department);
  g_assert_cmpstr (got->note, ==, row->note);
  assert_strv (got->numbers, numbers);
  assert_strv (got->emails, emails);
  assert_strv (got->uris, uris);
  /* A new file of its own, with the same image. */
  g_assert_cmpstr (got->photo, !=, source_photo);
  g_assert_true (g_str_has_prefix (got->photo, f->photo_dir));
  g_assert_true (g_str_has_suffix (got->photo, ".png"));
  assert_file_holds (got->photo, png_bytes, sizeof png_bytes - 1);
}

static void
test_vcard_21 (Fixture *f, gconstpointer unused)
{
  g_autoptr (VoContactRow) row =
    parse_one (f, "BEGIN:VCARD\r\n"
                  "VERSION:2.1\r\n"
                  "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg\r\n"
                  "TEL;CELL:0612345678\r\n"
                  "TEL;WORK;VOICE:+31 20 555 0000\r\n"
                  "EMAIL;INTERNET:jorg@example.test\r\n"
                  "PHOTO;ENCODING=BASE64;TYPE=JPEG:" JPEG_BASE64 "\r\n"
                  "\r\n"
                  "END:VCARD\r\n");
  const char *numbers[] = { "0612345678", "+31 20 555 0000", NULL };
  g_autofree char *jpeg = NULL;
  gsize size = 0;

  g_assert_cmpstr (row->name, ==, "Jörg Müller");
  assert_strv (row->numbers, numbers);
  g_assert_cmpstr (row->emails[0], ==, "jorg@example.test");
  g_assert_true (g_str_has_suffix (row->photo, ".jpg"));
  jpeg = (char *) g_base64_decode (JPEG_BASE64, &size);
  assert_file_holds (row->photo, jpeg, size);
}

static void
test_vcard_30 (Fixture *f, gconstpointer unused)
{
  g_autoptr (VoContactRow) row =
    parse_one (f, "BEGIN:VCARD\n"
                  "VERSION:3.0\n"
                  "FN:Jan de Vries\n"
                  "N:de Vries;Jan;;;\n"
                  "ORG:Acme;Sales\n"
                  "TEL;TYPE=WORK,VOICE:020 1234567\n"
                  "X-SIP:jan@vo.test\n"
                  "IMPP:xmpp:jan@chat.test\n"
                  "NOTE:a folded\n"
                  "  note\n"
                  "PHOTO;VALUE=uri:https://example.test/jan.jpg\n"
                  "END:VCARD\n");

  g_assert_cmpstr (row->name, ==, "Jan de Vries");
  g_assert_cmpstr (row->company, ==, "Acme");
  g_assert_cmpstr (row->department, ==, "Sales");
  g_assert_cmpstr (row->numbers[0], ==, "020 1234567");
  /* X-SIP without a scheme is a SIP URI; an XMPP address is not. */
  g_assert_cmpstr (row->uris[0], ==, "sip:jan@vo.test");
  g_assert_null (row->uris[1]);
  g_assert_cmpstr (row->note, ==, "a folded note");
  /* A photo by reference is not fetched. */
  g_assert_cmpstr (row->photo, ==, "");
  g_assert_cmpuint (count_files (f->photo_dir), ==, 0);
}

static void
test_vcard_40 (Fixture *f, gconstpointer unused)
{
  g_autoptr (VoContactRow) row =
    parse_one (f, "BEGIN:VCARD\r\n"
                  "VERSION:4.0\r\n"
                  "N:Σωκράτης;Αλέξανδρος;;;\r\n"
                  "TEL;VALUE=uri;TYPE=cell:tel:+30-210-1234567\r\n"
                  "IMPP:sips:alex@vo.test\r\n"
                  "PHOTO:data:image/png;base64," PNG_BASE64 "\r\n"
                  "END:VCARD\r\n");

  /* Without FN the name comes from N. */
  g_assert_cmpstr (row->name, ==, "Αλέξανδρος Σωκράτης");
  g_assert_cmpstr (row->numbers[0], ==, "tel:+30-210-1234567");
  g_assert_cmpstr (row->uris[0], ==, "sips:alex@vo.test");
  assert_file_holds (row->photo, png_bytes, sizeof png_bytes - 1);
}

static void
test_several_cards (Fixture *f, gconstpointer unused)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = parse (f,
                                      "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One\r\nEND:VCARD\r\n"
                                      "\r\n"
                                      "begin:vcard\r\nversion:3.0\r\nfn:Two\r\nend:vcard\r\n"
                                      "BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Three Inc.\r\n"
                                      "END:VCARD",
                                      &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (((VoContactRow *) rows->pdata[0])->name, ==, "One");
  g_assert_cmpstr (((VoContactRow *) rows->pdata[1])->name, ==, "Two");
  g_assert_cmpstr (((VoContactRow *) rows->pdata[2])->name, ==, "Three Inc.");
}

/* @text fails naming @expected, and no photo file is left behind, although
 * a card before the bad one has a photo. */
static void
assert_refused (Fixture *f, const char *text, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *with_photo =
    g_strconcat ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Has Photo\r\n"
                 "PHOTO;ENCODING=b;TYPE=PNG:" PNG_BASE64 "\r\nEND:VCARD\r\n",
                 text, NULL);
  g_autoptr (GPtrArray) rows = parse (f, with_photo, &error);

  g_assert_null (rows);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  if (!strstr (error->message, expected))
    g_error ("expected \"%s\" in \"%s\"", expected, error->message);
  g_assert_cmpuint (count_files (f->photo_dir), ==, 0);
}

static void
test_malformed (Fixture *f, gconstpointer unused)
{
  g_autoptr (GString) many = g_string_new (NULL);
  g_autoptr (GString) huge = g_string_new ("BEGIN:VCARD\r\nFN:");
  g_autoptr (GString) big_photo = g_string_new ("BEGIN:VCARD\r\nFN:Big\r\nPHOTO;ENCODING=b:");
  g_autoptr (GBytes) garbage = NULL;
  g_autoptr (GError) error = NULL;
  static const char binary[] = "BEGIN:VCARD\r\nFN:\xff\xfe\x00\x01\r\nEND:VCARD\r\n";

  assert_refused (f, "BEGIN:VCARD\r\nFN:Open\r\n", "card 2 has no END:VCARD");
  assert_refused (f, "BEGIN:VCARD\r\nFN:A\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n",
                  "card 2 has no END:VCARD before the next BEGIN:VCARD");
  assert_refused (f, "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:123\r\nEND:VCARD\r\n",
                  "card 2: the card has no name");
  assert_refused (f, "END:VCARD\r\n", "END:VCARD without BEGIN:VCARD");
  assert_refused (f, "hello\r\n", "line 6 is outside");
  assert_refused (f, "BEGIN:VCARD\r\nFN:Jan de Vries\r\nPHOTO;ENCODING=b:aGVsbG8=\r\n"
                  "END:VCARD\r\n", "card 2 (Jan de Vries): PHOTO is not a JPEG or PNG image");
  assert_refused (f, "BEGIN:VCARD\r\nFN:Jan\r\nTEL:1\r\nTEL:2\r\nTEL:3\r\nTEL:4\r\n"
                  "END:VCARD\r\n", "card 2 (Jan): more than 3 TEL values");
  assert_refused (f, "BEGIN:VCARD\r\nFN:Jan\r\nEMAIL:a@b\r\nEMAIL:c@d\r\nEMAIL:e@f\r\n"
                  "EMAIL:g@h\r\nEND:VCARD\r\n", "more than 3 EMAIL values");

  for (guint i = 0; i < MAX_FIELD + 1; i++)
    g_string_append (huge, "é");
  g_string_append (huge, "\r\nEND:VCARD\r\n");
  assert_refused (f, huge->str, "card 2: the name is longer than 64 characters");

  for (guint i = 0; i < MAX_CARDS; i++)
    g_string_append (many, "BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n");
  assert_refused (f, many->str, "more than 10 cards");

  /* 3 MiB of base64 "A"s: refused before it is decoded. */
  for (guint i = 0; i < 3 * 1024 * 1024 / 64; i++)
    g_string_append (big_photo, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_string_append (big_photo, "\r\nEND:VCARD\r\n");
  assert_refused (f, big_photo->str, "card 2 (Big): PHOTO is larger than 2048 KiB");

  garbage = g_bytes_new_static (binary, sizeof binary - 1);
  g_assert_null (vo_contact_vcard_parse (garbage, f->photo_dir, MAX_CARDS, MAX_FIELD,
                                         MAX_VALUES, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "the vCard is not UTF-8 text");
  g_clear_error (&error);

  g_assert_null (parse (f, "", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no vCard"));
}

static void
test_write_empty_fields (Fixture *f, gconstpointer unused)
{
  g_autoptr (VoContactRow) row = vo_contact_row_new ();
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GBytes) text = NULL;
  g_autoptr (VoContactRow) back = NULL;
  const char *card;

  set_text (&row->name, "Only A Name");
  set_text (&row->photo, "/nonexistent/photo.jpg");
  g_ptr_array_add (rows, row);
  text = vo_contact_vcard_write (rows);
  card = g_bytes_get_data (text, NULL);
  g_assert_null (strstr (card, "PHOTO"));
  g_assert_null (strstr (card, "TEL"));
  back = parse_one (f, card);
  g_assert_cmpstr (back->name, ==, "Only A Name");
  g_assert_cmpstr (back->numbers[0], ==, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/contact-vcard/round-trip", test_round_trip);
  ADD ("/contact-vcard/2.1", test_vcard_21);
  ADD ("/contact-vcard/3.0", test_vcard_30);
  ADD ("/contact-vcard/4.0", test_vcard_40);
  ADD ("/contact-vcard/several-cards", test_several_cards);
  ADD ("/contact-vcard/malformed", test_malformed);
  ADD ("/contact-vcard/write-empty-fields", test_write_empty_fields);
#undef ADD
  return g_test_run ();
}
