/* vo-contact-number.h: what makes two ways of writing a number the same
 * number. Numbers, extensions and SIP URIs become lookup keys
 * ("tel:+31201234567", "ext:201", "sip:alice@vo.test") that Resolve
 * matches exactly, and digit forms ("31201234567", "0201234567") that
 * Search matches by prefix. National and international formats are read
 * by EDS's EPhoneNumber (libphonenumber) in the account's region.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A number of at most this many digits, without a leading 0 or +, is an
 * internal extension ("201"), not a national number. */
#define VO_CONTACT_EXTENSION_MAX_DIGITS 6

/* TRUE when @text is written like a phone number: at least one digit and
 * nothing but digits, spaces and + - ( ) . / (a leading "tel:" allowed). */
gboolean vo_contact_number_is_number (const char *text);

/* The lookup keys of @text (a number in any format, an extension, a tel:
 * or sip:/sips: URI), most specific first: "sip:user@host" (lowercase,
 * without parameters), "tel:+E164" (or "tel:DIGITS" when the region cannot
 * place a national number), "ext:DIGITS". A SIP URI whose user part is a
 * number also gives that number's key. @region: ISO 3166 region ("NL") or
 * NULL/"" for none. Never NULL; empty when nothing is usable. */
GStrv vo_contact_number_keys (const char *text, const char *region);

/* The digit forms of @number that Search finds by prefix: the E.164 digits
 * without "+", the national digits with the trunk prefix, the digits as
 * written. Never NULL. */
GStrv vo_contact_number_terms (const char *number, const char *region);

/* What Search looks for: a query written like a number becomes one digit
 * word ("+31 20 1" → "31201", "0031 20" → "3120", "020-12" → "02012");
 * anything else is split at white space. Never NULL. */
GStrv vo_contact_search_words (const char *query);

G_END_DECLS
