/* vo-dbus-forwarding.h: org.virtualoffice.Forwarding1 on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-call-manager.h"
#include "vo-forwarding.h"

G_BEGIN_DECLS

/* Targets are validated like Dial targets through @calls. */
GDBusInterfaceSkeleton *vo_dbus_forwarding_new (VoForwarding *forwarding, VoCallManager *calls);

G_END_DECLS
