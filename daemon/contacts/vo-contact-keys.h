/* vo-contact-keys.h: what the store indexes a contact row by, for every
 * source (vo-contacts-rows.c): the exact keys Resolve looks up (numbers,
 * extension, SIP URIs) and the digit forms Search finds by prefix, in
 * @region (as for vo_contact_number_keys()), each once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contact-store.h"

G_BEGIN_DECLS

GStrv vo_contacts_row_keys (const VoContactRow *row, const char *region);
GStrv vo_contacts_row_terms (const VoContactRow *row, const char *region);

G_END_DECLS
