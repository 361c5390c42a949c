/* vo-error.c: the org.virtualoffice.Error.* domain.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-error.h"

static const GDBusErrorEntry vo_error_entries[] = {
  { VO_ERROR_FAILED, "org.virtualoffice.Error.Failed" },
  { VO_ERROR_NOT_SIGNED_IN, "org.virtualoffice.Error.NotSignedIn" },
  { VO_ERROR_NOT_REGISTERED, "org.virtualoffice.Error.NotRegistered" },
  { VO_ERROR_NOT_FOUND, "org.virtualoffice.Error.NotFound" },
  { VO_ERROR_NOT_SUPPORTED, "org.virtualoffice.Error.NotSupported" },
  { VO_ERROR_INVALID_STATE, "org.virtualoffice.Error.InvalidState" },
  { VO_ERROR_INVALID_ARGUMENT, "org.virtualoffice.Error.InvalidArgument" },
  { VO_ERROR_NETWORK_POLICY, "org.virtualoffice.Error.NetworkPolicy" },
  { VO_ERROR_AUTH_FAILED, "org.virtualoffice.Error.AuthFailed" },
  { VO_ERROR_NETWORK, "org.virtualoffice.Error.Network" },
  { VO_ERROR_PERMISSION_DENIED, "org.virtualoffice.Error.PermissionDenied" },
  { VO_ERROR_BUSY, "org.virtualoffice.Error.Busy" },
};

GQuark
vo_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("vo-error-quark", &quark, vo_error_entries,
                                      G_N_ELEMENTS (vo_error_entries));
  return (GQuark) quark;
}

void
vo_error_return_gerror (GDBusMethodInvocation *invocation, const GError *error)
{
  if (error->domain == VO_ERROR || error->domain == G_DBUS_ERROR) {
    g_dbus_method_invocation_return_gerror (invocation, error);
    return;
  }
  g_dbus_method_invocation_return_error_literal (invocation, VO_ERROR, VO_ERROR_FAILED,
                                                 error->message);
}

void
vo_error_strip_remote (GError *error)
{
  /* Make sure our domain is registered so remote names map back to codes. */
  (void) vo_error_quark ();
  if (g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
}
