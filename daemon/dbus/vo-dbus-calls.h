/* vo-dbus-calls.h: org.virtualoffice.Calls1 and the Call1 objects.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-call-manager.h"

G_BEGIN_DECLS

/* The Calls1 skeleton for the root object; each call of @manager is
 * exported as /org/virtualoffice/calls/N through @object_manager while it
 * lasts. */
GDBusInterfaceSkeleton *vo_dbus_calls_new (VoCallManager *manager,
                                           GDBusObjectManagerServer *object_manager);

G_END_DECLS
