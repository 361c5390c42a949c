/* vo-dbus-util.h: small helpers shared by the D-Bus glue files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/* Copies each named property from @source to @skeleton now and on every
 * change, and flushes the skeleton so each change is its own
 * PropertiesChanged signal (GDBus would otherwise merge quick changes, and a
 * client would never see a short-lived state such as "registering"). An
 * enum property (common/vo-states.h) becomes its nick, the API's string. */
void vo_dbus_mirror_properties (GObject *source, GDBusInterfaceSkeleton *skeleton,
                                const char *const *names);

/* The file descriptor a method's h argument @fd_index points at in @fds,
 * duplicated (the caller closes it), or -1 with VO_ERROR_INVALID_ARGUMENT
 * ("No file descriptor was passed; pass @what"). */
int vo_dbus_take_fd (GUnixFDList *fds, GVariant *fd_index, const char *what, GError **error);

/* "AllowCellularData" → "allow-cellular-data". */
char *vo_dbus_name_to_kebab (const char *name);

G_END_DECLS
