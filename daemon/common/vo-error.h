/* vo-error.h: the org.virtualoffice.Error.* domain shared by daemon and clients.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VO_ERROR (vo_error_quark ())

/* The order is the ABI of the GError codes; the D-Bus names are the contract. */
typedef enum {
  VO_ERROR_FAILED,
  VO_ERROR_NOT_SIGNED_IN,
  VO_ERROR_NOT_REGISTERED,
  VO_ERROR_NOT_FOUND,
  VO_ERROR_NOT_SUPPORTED,
  VO_ERROR_INVALID_STATE,
  VO_ERROR_INVALID_ARGUMENT,
  VO_ERROR_NETWORK_POLICY,
  VO_ERROR_AUTH_FAILED,
  VO_ERROR_NETWORK,
  VO_ERROR_PERMISSION_DENIED,
  VO_ERROR_BUSY,
} VoError;

GQuark vo_error_quark (void);

/* Shortens a message longer than 800 characters (a huge argument quoted in
 * it) to its start and end; the D-Bus glue does this for every reply. */
void vo_error_shorten (GError *error);

/* Removes the "GDBus.Error:org.virtualoffice.Error.X: " prefix, for people. */
void vo_error_strip_remote (GError *error);

G_END_DECLS
