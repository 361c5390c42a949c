/* vo-dbus-error.h: answering a method call with an org.virtualoffice.Error.*
 * (the glue's half of the error domain in common/vo-error.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-error.h"

G_BEGIN_DECLS

/* Turns any GError into one the bus can carry as org.virtualoffice.Error.*;
 * errors from other domains become Failed with their message kept. */
void vo_error_return_gerror (GDBusMethodInvocation *invocation, const GError *error);

/* Returns an org.virtualoffice.Error.* made from format (shortened as vo_error_shorten does). */
void vo_error_return (GDBusMethodInvocation *invocation, VoError code, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

G_END_DECLS
