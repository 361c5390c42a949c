/* vo-config.c: vo.conf, written atomically on every change.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-config.h"
#include "vo-error.h"

#include <errno.h>
#include <glib/gstdio.h>

struct _VoConfig {
  GObject parent_instance;
  char *dir;
  char *path;
  GKeyFile *keyfile;
};

G_DEFINE_FINAL_TYPE (VoConfig, vo_config, G_TYPE_OBJECT)

static void
vo_config_finalize (GObject *object)
{
  VoConfig *self = VO_CONFIG (object);

  g_free (self->dir);
  g_free (self->path);
  g_key_file_unref (self->keyfile);
  G_OBJECT_CLASS (vo_config_parent_class)->finalize (object);
}

static void
vo_config_class_init (VoConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vo_config_finalize;
}

static void
vo_config_init (VoConfig *self)
{
  self->keyfile = g_key_file_new ();
}

char *
vo_config_default_dir (void)
{
  const char *env = g_getenv ("VO_CONFIG_DIR");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_config_dir (), "virtual-office", NULL);
}

char *
vo_config_default_data_dir (void)
{
  const char *env = g_getenv ("VO_DATA_DIR");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "virtual-office", NULL);
}

VoConfig *
vo_config_load (const char *dir, GError **error)
{
  g_autoptr(VoConfig) self = g_object_new (VO_TYPE_CONFIG, NULL);
  g_autoptr(GError) local_error = NULL;

  self->dir = g_strdup (dir);
  self->path = g_build_filename (dir, "vo.conf", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create config folder %s: %s", dir,
                 g_strerror (errno));
    return NULL;
  }
  if (!g_key_file_load_from_file (self->keyfile, self->path, G_KEY_FILE_KEEP_COMMENTS,
                                  &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED,
                 "Config file %s is not readable (%s); fix or remove it", self->path,
                 local_error->message);
    return NULL;
  }
  return g_steal_pointer (&self);
}

const char *
vo_config_get_dir (VoConfig *self)
{
  return self->dir;
}

char *
vo_config_get_string (VoConfig *self, const char *group, const char *key)
{
  char *value = g_key_file_get_string (self->keyfile, group, key, NULL);

  return value ? value : g_strdup ("");
}

gboolean
vo_config_get_boolean (VoConfig *self, const char *group, const char *key, gboolean fallback)
{
  g_autoptr(GError) error = NULL;
  gboolean value = g_key_file_get_boolean (self->keyfile, group, key, &error);

  if (error) {
    if (!g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) &&
        !g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
      g_warning ("%s: [%s] %s: %s; using %s", self->path, group, key, error->message,
                 fallback ? "true" : "false");
    return fallback;
  }
  return value;
}

gint64
vo_config_get_int (VoConfig *self, const char *group, const char *key, gint64 fallback)
{
  g_autoptr(GError) error = NULL;
  gint64 value = g_key_file_get_int64 (self->keyfile, group, key, &error);

  if (error) {
    if (!g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) &&
        !g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
      g_warning ("%s: [%s] %s: %s; using %" G_GINT64_FORMAT, self->path, group, key,
                 error->message, fallback);
    return fallback;
  }
  return value;
}

gboolean
vo_config_save (VoConfig *self, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local_error = NULL;

  data = g_key_file_to_data (self->keyfile, &len, NULL);
  /* CONSISTENT: write to a temporary file, fsync, rename over the old one. */
  if (!g_file_set_contents_full (self->path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &local_error)) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot write %s: %s", self->path,
                 local_error->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
vo_config_set_string (VoConfig *self, const char *group, const char *key, const char *value,
                      GError **error)
{
  g_autofree char *old = g_key_file_get_string (self->keyfile, group, key, NULL);

  if (g_strcmp0 (old, value) == 0)
    return TRUE;
  g_key_file_set_string (self->keyfile, group, key, value);
  return vo_config_save (self, error);
}

gboolean
vo_config_set_strings (VoConfig *self, const char *group, const char *const *pairs,
                       GError **error)
{
  for (guint i = 0; pairs[i] && pairs[i + 1]; i += 2)
    g_key_file_set_string (self->keyfile, group, pairs[i], pairs[i + 1]);
  return vo_config_save (self, error);
}

gboolean
vo_config_set_boolean (VoConfig *self, const char *group, const char *key, gboolean value,
                       GError **error)
{
  return vo_config_set_string (self, group, key, value ? "true" : "false", error);
}

gboolean
vo_config_remove_group (VoConfig *self, const char *group, GError **error)
{
  if (!g_key_file_has_group (self->keyfile, group))
    return TRUE;
  g_key_file_remove_group (self->keyfile, group, NULL);
  return vo_config_save (self, error);
}
