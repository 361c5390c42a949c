/* vo-dbus-error.c: answering a method call with an org.virtualoffice.Error.*.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-dbus-error.h"

void
vo_error_return_gerror (GDBusMethodInvocation *invocation, const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  vo_error_shorten (copy);
  if (copy->domain == VO_ERROR || copy->domain == G_DBUS_ERROR) {
    g_dbus_method_invocation_return_gerror (invocation, copy);
    return;
  }
  g_dbus_method_invocation_return_error_literal (invocation, VO_ERROR, VO_ERROR_FAILED,
                                                 copy->message);
}

void
vo_error_return (GDBusMethodInvocation *invocation, VoError code, const char *format, ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (VO_ERROR, code, format, args);
  va_end (args);
  vo_error_return_gerror (invocation, error);
}
