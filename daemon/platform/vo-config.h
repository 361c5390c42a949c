/* vo-config.h: vo.conf (GKeyFile) and the daemon's folders.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VO_TYPE_CONFIG (vo_config_get_type ())
G_DECLARE_FINAL_TYPE (VoConfig, vo_config, VO, CONFIG, GObject)

/* $VO_CONFIG_DIR, else $XDG_CONFIG_HOME/virtual-office. */
char *vo_config_default_dir (void);
/* $VO_DATA_DIR, else $XDG_DATA_HOME/virtual-office. */
char *vo_config_default_data_dir (void);

/* Loads @dir/vo.conf; a missing file is an empty config, a broken one an error. */
VoConfig *vo_config_load (const char *dir, GError **error);

const char *vo_config_get_dir (VoConfig *self);
char *vo_config_get_string (VoConfig *self, const char *group, const char *key);
gboolean vo_config_get_boolean (VoConfig *self, const char *group, const char *key,
                                gboolean fallback);
gint64 vo_config_get_int (VoConfig *self, const char *group, const char *key, gint64 fallback);

/* Setters write the file at once (atomically: a crash leaves old or new). */
gboolean vo_config_set_string (VoConfig *self, const char *group, const char *key,
                               const char *value, GError **error);
/* Sets several keys of @group and writes the file once. @pairs is
 * key, value, key, value, ..., NULL. */
gboolean vo_config_set_strings (VoConfig *self, const char *group, const char *const *pairs,
                                GError **error);
gboolean vo_config_set_boolean (VoConfig *self, const char *group, const char *key,
                                gboolean value, GError **error);
gboolean vo_config_remove_group (VoConfig *self, const char *group, GError **error);
gboolean vo_config_save (VoConfig *self, GError **error);

G_END_DECLS
