/* fuzz-contact-vcard.c: vCard files handed to ImportVCard (and the cards
 * of the device's address books), read with EDS's EVCard. A card read is
 * written back and read again: the round trip keeps every card's name.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contact-vcard.h"
#include "vo-contacts.h"
#include "vo-fuzz.h"

#include <glib/gstdio.h>

/* Small limits, so that the fuzzer reaches them. */
#define MAX_CARDS 8
#define MAX_FIELD 64
#define MAX_VALUES 4

static char *photo_dir;

/* EVCard's parser leaks on some malformed input (tests/fixtures/lsan.supp
 * names it): LeakSanitizer needs whole stacks, through GLib's frames, to
 * match that suppression, which the default fast unwinder does not give. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

static void
remove_photos (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++) {
    VoContactRow *row = g_ptr_array_index (rows, i);
    if (*row->photo) {
      g_assert (g_str_has_prefix (row->photo, photo_dir));
      g_assert (g_unlink (row->photo) == 0);
    }
  }
}

/* Every photo file of a parse is one of its rows': none is left over. */
static void
assert_photo_dir_empty (void)
{
  g_autoptr (GDir) dir = g_dir_open (photo_dir, 0, NULL);
  g_assert (dir && g_dir_read_name (dir) == NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GBytes) written = NULL;
  g_autoptr (GError) error = NULL;

  if (!photo_dir)
    photo_dir = g_dir_make_tmp ("vo-fuzz-vcard-XXXXXX", NULL);
  rows = vo_contact_vcard_parse (bytes, photo_dir, MAX_CARDS, MAX_FIELD, MAX_VALUES, &error);
  if (!rows) {
    g_assert (error && error->message[0]);
    assert_photo_dir_empty ();
    return 0;
  }
  g_assert (rows->len > 0 && rows->len <= MAX_CARDS);
  written = vo_contact_vcard_write (rows);
  again = vo_contact_vcard_parse (written, photo_dir, MAX_CARDS, MAX_FIELD, MAX_VALUES, &error);
  g_assert_no_error (error);
  g_assert (again->len == rows->len);
  for (guint i = 0; i < rows->len; i++) {
    VoContactRow *row = g_ptr_array_index (rows, i);
    VoContactRow *back = g_ptr_array_index (again, i);
    g_assert (*row->name && (guint) g_utf8_strlen (row->name, -1) <= MAX_FIELD);
    g_assert (g_strv_length (row->numbers) <= MAX_VALUES);
    g_assert_cmpstr (back->name, ==, row->name);
  }
  remove_photos (rows);
  remove_photos (again);
  assert_photo_dir_empty ();
  return 0;
}
