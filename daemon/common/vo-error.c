/* vo-error.c: the org.virtualoffice.Error.* domain, shared by the daemon
 * (every layer reports errors in it) and vo-ctl (which maps names back).
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

/* Messages quote the argument that was wrong; a megabyte of it helps nobody
 * (vo-ctl prints it, a log would keep it). Keep its start and the advice
 * that follows it. */
#define MESSAGE_MAX_CHARS 800
#define MESSAGE_KEEP_CHARS 300

void
vo_error_shorten (GError *error)
{
  glong n;
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;

  if (!error || !error->message || !g_utf8_validate (error->message, -1, NULL))
    return;
  n = g_utf8_strlen (error->message, -1);
  if (n <= MESSAGE_MAX_CHARS)
    return;
  head = g_utf8_substring (error->message, 0, MESSAGE_KEEP_CHARS);
  tail = g_utf8_substring (error->message, n - MESSAGE_KEEP_CHARS, n);
  g_free (error->message);
  error->message = g_strdup_printf ("%s… (%ld characters left out) …%s", head,
                                    n - 2 * MESSAGE_KEEP_CHARS, tail);
}

void
vo_error_strip_remote (GError *error)
{
  /* Make sure our domain is registered so remote names map back to codes. */
  (void) vo_error_quark ();
  if (g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
}
