/* vo-address.h: phone numbers as people write them, in one form. Dialling
 * (calls/vo-dial-target), message peers (messages/vo-message-peer) and the
 * call history's number column all read numbers through here, so "+31 (20)
 * 123-4567" is the same number everywhere.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The digits of @text, a phone number written with the usual separators
 * (space - . ( )) and perhaps a '+' as its very first character; NULL when
 * @text holds anything else or no digit at all. *@plus says whether it began
 * with '+', *@separators whether it had any separator (either may be NULL). */
char *vo_address_number_digits (const char *text, gboolean *plus, gboolean *separators);

/* The same number as one string, the '+' kept: "+31 (20) 123-4567" →
 * "+31201234567"; NULL when @text is not a number. */
char *vo_address_phone_number (const char *text);

G_END_DECLS
