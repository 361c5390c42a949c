/* vo-contact-store-private.h: what store/'s contact files share: how a
 * row's lists are encoded in a column, what a row may hold, and how names
 * and typed words become a sort key and an FTS5 expression. Not for the
 * core (it hands rows, keys and words to vo-contact-store.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contact-store.h"

G_BEGIN_DECLS

/* vo-contact-row.c */

/* Lists (numbers, uris, emails, keys, terms) are stored joined with U+001F,
 * which no element may hold; it also separates words for the tokenizer,
 * so a joined list is indexed as its elements are. */
#define VO_CONTACT_LIST_SEPARATOR "\x1f"

/* @list joined, empty elements left out ("" for NULL or none). */
char *vo_contact_list_join (const char *const *list);
/* A joined list back as a NULL-terminated array (empty for NULL or ""). */
char **vo_contact_list_split (const char *joined);
/* Whether put may store @row with @keys and @terms: an id and a source,
 * UTF-8 text, no separator inside a list element; else
 * VO_ERROR_INVALID_ARGUMENT naming the field. */
gboolean vo_contact_row_check (const VoContactRow *row, const char *const *keys,
                               const char *const *terms, GError **error);

/* vo-contact-text.c */

/* The name as List sorts it: compatibility-decomposed, without combining
 * marks (accents), case-folded: "Émile" → "emile". "" for invalid UTF-8. */
/* The terms column: @terms and, when it differs, the ASCII spelling of
 * @name ("Lukasz OEstergaard" for "Łukasz Østergaard"), joined. */
char *vo_contact_index_terms (const char *name, const char *const *terms);
char *vo_contact_sort_key (const char *name);
/* The FTS5 expression for @words: each a quoted prefix ("wo""rd"*), all
 * ANDed, so no typed text is ever FTS5 syntax. Words without a letter or
 * digit (nothing the tokenizer keeps) or not UTF-8 are left out; NULL when
 * none is left. */
char *vo_contact_search_expression (const char *const *words);

G_END_DECLS
