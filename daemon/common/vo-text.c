/* vo-text.c: text from the network made fit to show a person.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-text.h"

#include <string.h>

char *
vo_text_without_controls (const char *text)
{
  GString *clean = g_string_sized_new (strlen (text));

  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
      g_string_append_c (clean, ' ');
    else
      g_string_append_unichar (clean, c);
  }
  return g_string_free (clean, FALSE);
}

char *
vo_text_printable (const char *text, guint max_chars)
{
  g_autofree char *clean = NULL;
  glong length;

  if (!text || !g_utf8_validate (text, -1, NULL))
    return NULL;
  clean = g_strstrip (vo_text_without_controls (text));
  if (!*clean)
    return NULL;
  length = g_utf8_strlen (clean, -1);
  if (length <= (glong) max_chars)
    return g_steal_pointer (&clean);
  *g_utf8_offset_to_pointer (clean, max_chars) = '\0';
  return g_strconcat (g_strchomp (clean), "…", NULL);
}
