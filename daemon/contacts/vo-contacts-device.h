/* vo-contacts-device.h: the device's address books (Evolution Data
 * Server): every enabled address book of the session's ESourceRegistry is
 * mirrored into the contact store as source "device" and followed live
 * (EBookClientView), while the core says so (DeviceContactsAccess).
 *
 * Ids are "device:" + the address book's source UID + ":" + the contact's
 * UID: stable while EDS keeps them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contact-store.h"

G_BEGIN_DECLS

#define VO_TYPE_CONTACTS_DEVICE (vo_contacts_device_get_type ())
G_DECLARE_FINAL_TYPE (VoContactsDevice, vo_contacts_device, VO, CONTACTS_DEVICE, GObject)

/* Signal "changed" (GStrv ids): device rows added, changed or removed in
 * the store (already committed when it is emitted).
 * Photos of device contacts are written to files under @photo_dir. */
VoContactsDevice *vo_contacts_device_new (VoContactStore *store, const char *photo_dir);

/* The region numbers are read in (for the lookup keys), as for
 * vo_contact_number_keys(). */
void vo_contacts_device_set_region (VoContactsDevice *self, const char *region);

/* Connects to EDS (asynchronously), replaces the device rows with what the
 * address books hold and follows their changes; address books added or
 * removed later are followed too. Without EDS on the bus it logs one line
 * and keeps no device rows. */
void vo_contacts_device_start (VoContactsDevice *self);

/* Stops following EDS and deletes every device row at once (one
 * transaction), emitting "changed" with their ids. */
void vo_contacts_device_stop (VoContactsDevice *self);

/* Deletes every device row and the photo files copied for them (rows an
 * earlier run left), emitting "changed" with their ids. */
void vo_contacts_device_forget (VoContactsDevice *self);

gboolean vo_contacts_device_is_running (VoContactsDevice *self);

G_END_DECLS
