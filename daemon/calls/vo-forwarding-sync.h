/* vo-forwarding-sync.h: keeps the Virtual Office service's copy of the
 * forwarding rules (so they apply while the daemon is offline, and so
 * "unreachable" works) in step with the daemon's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account-service.h"
#include "vo-forwarding.h"

G_BEGIN_DECLS

#define VO_TYPE_FORWARDING_SYNC (vo_forwarding_sync_get_type ())
G_DECLARE_FINAL_TYPE (VoForwardingSync, vo_forwarding_sync, VO, FORWARDING_SYNC, GObject)

/* A rule the user sets is sent to the service at once when it is online,
 * else when it is back; the service's rules are fetched when it comes
 * online and when it says they changed. */
VoForwardingSync *vo_forwarding_sync_new (VoForwarding *forwarding, VoAccountService *service);

G_END_DECLS
