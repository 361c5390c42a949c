/* vo-text.h: text from the network made fit to show a person (in an error
 * message, a log line or a property).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @text (valid UTF-8) with every control character and line or paragraph
 * separator as a space. */
char *vo_text_without_controls (const char *text);

/* @text without control characters and surrounding blanks, at most
 * @max_chars characters (then "…"); NULL when it is NULL, not UTF-8, or
 * nothing is left. */
char *vo_text_printable (const char *text, guint max_chars);

G_END_DECLS
