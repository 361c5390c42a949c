/* vo-dbus-service.h: the daemon on the bus: name, objects, interfaces.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-daemon.h"

G_BEGIN_DECLS

#define VO_TYPE_DBUS_SERVICE (vo_dbus_service_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusService, vo_dbus_service, VO, DBUS_SERVICE, GObject)

/* Exports the root object (ObjectManager + singleton interfaces) on
 * @connection, then asks for the bus name. Signals: "name-acquired",
 * "name-lost" (gboolean: whether it had been acquired, i.e. replaced). */
VoDbusService *vo_dbus_service_new (GDBusConnection *connection, VoDaemon *daemon,
                                    gboolean replace, GError **error);

/* Releases the name and removes every object from the bus. */
void vo_dbus_service_unexport (VoDbusService *self);

G_END_DECLS
