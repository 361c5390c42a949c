/* vo-settings.h: the user's settings and whether calls are allowed now.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-config.h"
#include "vo-network-monitor.h"

G_BEGIN_DECLS

#define VO_TYPE_SETTINGS (vo_settings_get_type ())
G_DECLARE_FINAL_TYPE (VoSettings, vo_settings, VO, SETTINGS, GObject)

/* Properties (GObject names = D-Bus names in kebab case): allow-cellular-data,
 * cellular-voice-fallback, mobile-number, device-contacts-access, audio-input,
 * audio-output, ring-output (read-write, stored in vo.conf [settings]) and
 * network-type (string), calls-allowed (read-only, follow the network). */
VoSettings *vo_settings_new (VoConfig *config, VoNetworkMonitor *network);

/* Validates @value (a GValue of the property's type) and stores it. Errors are
 * VO_ERROR_INVALID_ARGUMENT (bad value) or VO_ERROR_FAILED (disk). */
gboolean vo_settings_set (VoSettings *self, const char *property, const GValue *value,
                          GError **error);

gboolean vo_settings_get_calls_allowed (VoSettings *self);
const char *vo_settings_get_network_type (VoSettings *self);

G_END_DECLS
