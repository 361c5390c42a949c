/* vo-dbus-presence.h: org.virtualoffice.Presence1 on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-presence.h"

G_BEGIN_DECLS

GDBusInterfaceSkeleton *vo_dbus_presence_new (VoPresence *presence);

G_END_DECLS
