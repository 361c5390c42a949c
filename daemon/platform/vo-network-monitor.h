/* vo-network-monitor.h: what kind of network the machine is on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  VO_NETWORK_UNKNOWN,
  VO_NETWORK_NONE,
  VO_NETWORK_WIFI,
  VO_NETWORK_ETHERNET,
  VO_NETWORK_CELLULAR,
} VoNetworkType;

const char *vo_network_type_to_string (VoNetworkType type);

#define VO_TYPE_NETWORK_MONITOR (vo_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (VoNetworkMonitor, vo_network_monitor, VO, NETWORK_MONITOR, GObject)

/* Follows NetworkManager on the system bus; while NetworkManager is not on the
 * bus, follows GNetworkMonitor (which can only tell "some" from "none"). The
 * "network-type" property changes live; "changed" is emitted when the
 * connection in use changes, which is when SIP must register again. */
VoNetworkMonitor *vo_network_monitor_new (void);
VoNetworkType vo_network_monitor_get_network_type (VoNetworkMonitor *self);

G_END_DECLS
