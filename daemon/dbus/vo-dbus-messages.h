/* vo-dbus-messages.h: org.virtualoffice.Messages1 and the Conversation1 objects.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-message-manager.h"

G_BEGIN_DECLS

/* The Messages1 skeleton for the root object; each conversation of
 * @manager is exported as /org/virtualoffice/conversations/ID through
 * @object_manager while it exists. */
GDBusInterfaceSkeleton *vo_dbus_messages_new (VoMessageManager *manager,
                                              GDBusObjectManagerServer *object_manager);

G_END_DECLS
