/* vo-dbus-history.h: org.virtualoffice.History1 on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-history.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* A skeleton whose methods call @history, whose UnseenMissed follows it and
 * which emits Added for each new entry. */
GDBusInterfaceSkeleton *vo_dbus_history_new (VoHistory *history);

G_END_DECLS
