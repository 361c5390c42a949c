/* vo-contact-vcard-card.h: one EDS contact card as a contact row, for the
 * vCard import and the device address books alike. Inside contacts/ only:
 * it is the one header here that needs libebook-contacts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contact-store.h"

/* libedataserver's headers still use GTimeVal. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

G_BEGIN_DECLS

/* Largest inline photo a card may carry (what the service takes, too). */
#define VO_CONTACT_VCARD_MAX_PHOTO_BYTES (2 * 1024 * 1024)

typedef enum {
  VO_CONTACT_VCARD_INLINE_PHOTOS = 0,
  /* A PHOTO by file:// URI is read too (EDS's own address books keep their
   * photos as files); never for a vCard the user hands in. */
  VO_CONTACT_VCARD_READ_FILE_PHOTOS = 1 << 0,
} VoContactVcardFlags;

/* @card as a row (id "", source "personal"), as vo_contact_vcard_parse()
 * describes; an inline photo goes to a new file in @photo_dir. The error
 * starts with @label ("card 3") and the card's name when it has one. */
VoContactRow *vo_contact_vcard_card_to_row (EVCard *card, const char *label,
                                            const char *photo_dir, guint max_field,
                                            guint max_values, VoContactVcardFlags flags,
                                            GError **error);

G_END_DECLS
