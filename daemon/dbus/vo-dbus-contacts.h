/* vo-dbus-contacts.h: org.virtualoffice.Contacts1 on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contacts.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* A skeleton whose methods call @contacts and which emits Changed when it
 * says "changed". */
GDBusInterfaceSkeleton *vo_dbus_contacts_new (VoContacts *contacts);

G_END_DECLS
