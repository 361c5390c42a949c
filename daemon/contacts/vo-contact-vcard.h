/* vo-contact-vcard.h: contacts to and from vCard 3.0/4.0 text, with EDS's
 * EVCard/EContact (libebook-contacts): no hand-written vCard.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contact-store.h"

G_BEGIN_DECLS

/* Every card of @data (UTF-8 text of one or more BEGIN:VCARD…END:VCARD) as
 * a VoContactRow with id "" and source "personal": FN (else N, else ORG) as
 * the name, TEL as numbers, EMAIL, IMPP/X-SIP sip: URIs as uris, ORG's first
 * and second part as company and department, NOTE, and an inline PHOTO
 * (JPEG or PNG, at most 2 MiB) written to a new file in @photo_dir (photo is
 * its path). All or nothing: VO_ERROR_INVALID_ARGUMENT naming the card
 * ("card 3 (Jan de Vries)") and what is wrong: no card, a card without any
 * name, a field longer than VO_CONTACTS_MAX_FIELD-like limits given here,
 * more than @max_cards cards. Photo files of a failed parse are removed. */
GPtrArray *vo_contact_vcard_parse (GBytes *data, const char *photo_dir, guint max_cards,
                                   guint max_field, guint max_values, GError **error);

/* vCard 3.0 text (CRLF line ends, folded) of @rows, one card each, with
 * UID = the contact id, FN, N, TEL, EMAIL, IMPP, ORG, NOTE and the photo
 * file inlined (base64) when it can be read. */
GBytes *vo_contact_vcard_write (GPtrArray *rows);

G_END_DECLS
