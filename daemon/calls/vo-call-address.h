/* vo-call-address.h: the address calls announce in SDP, found without
 * blocking the main loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _VoCallAddress VoCallAddress;

/* @address: where our audio is received, or NULL when the finder went away
 * first (the daemon is stopping): the waiting call is abandoned. */
typedef void (*VoCallAddressFunc) (const char *address, gpointer user_data);

VoCallAddress *vo_call_address_new (void);
/* Calls every waiting @func with NULL, then frees. */
void vo_call_address_free (VoCallAddress *self);

/* Calls @func with @bind when it names an address, else with the address
 * this machine uses to reach @registrar's host (127.0.0.1 when there is no
 * route or no registrar). A host name is resolved asynchronously once per
 * registrar and network: the first call waits for it, later ones get the
 * cached address at once (before this returns). */
void vo_call_address_get (VoCallAddress *self, const char *bind, const char *registrar,
                          VoCallAddressFunc func, gpointer user_data);
/* The network changed: the next call looks the route up again. */
void vo_call_address_forget (VoCallAddress *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoCallAddress, vo_call_address_free)

G_END_DECLS
