/* vo-dbus-account.h: org.virtualoffice.Account1 on the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"

G_BEGIN_DECLS

/* A skeleton whose properties follow @account and whose methods call it. */
GDBusInterfaceSkeleton *vo_dbus_account_new (VoAccount *account);

G_END_DECLS
