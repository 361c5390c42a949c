/* vo-dbus-settings.h: org.virtualoffice.Settings1 on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-settings.h"

G_BEGIN_DECLS

/* A skeleton mirroring @settings whose property writes are validated by it. */
GDBusInterfaceSkeleton *vo_dbus_settings_new (VoSettings *settings);

G_END_DECLS
