/* vo-credentials.c: the password in the Secret Service, or a 0600 file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-credentials.h"
#include "vo-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <unistd.h>

struct _VoCredentials {
  GObject parent_instance;
  char *file_path;
  gboolean force_file;
  gboolean warned_fallback;
};

G_DEFINE_FINAL_TYPE (VoCredentials, vo_credentials, G_TYPE_OBJECT)

static const SecretSchema *
credentials_schema (void)
{
  static const SecretSchema schema = {
    "org.virtualoffice.Password", SECRET_SCHEMA_NONE,
    {
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "domain", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

typedef struct {
  char *user;
  char *domain;
  char *password;
} CredentialsOp;

static void
credentials_op_free (CredentialsOp *op)
{
  g_free (op->user);
  g_free (op->domain);
  vo_credentials_free_password (op->password);
  g_free (op);
}

static GTask *
credentials_task_new (VoCredentials *self, const char *user, const char *domain,
                      const char *password, gpointer source_tag, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  CredentialsOp *op = g_new0 (CredentialsOp, 1);

  op->user = g_strdup (user);
  op->domain = g_strdup (domain);
  op->password = g_strdup (password);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) credentials_op_free);
  return task;
}

static void
vo_credentials_finalize (GObject *object)
{
  VoCredentials *self = VO_CREDENTIALS (object);

  g_free (self->file_path);
  G_OBJECT_CLASS (vo_credentials_parent_class)->finalize (object);
}

static void
vo_credentials_class_init (VoCredentialsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vo_credentials_finalize;
}

static void
vo_credentials_init (VoCredentials *self)
{
}

VoCredentials *
vo_credentials_new (const char *config_dir)
{
  VoCredentials *self = g_object_new (VO_TYPE_CREDENTIALS, NULL);

  self->file_path = g_build_filename (config_dir, "credentials", NULL);
  self->force_file = g_strcmp0 (g_getenv ("VO_SECRET_BACKEND"), "file") == 0;
  return self;
}

void
vo_credentials_free_password (char *password)
{
  if (password) {
    explicit_bzero (password, strlen (password));
    g_free (password);
  }
}

/* ---- the 0600 file fallback ---------------------------------------- */

static char *
file_key (const char *user, const char *domain)
{
  return g_strdup_printf ("%s@%s", user, domain);
}

static GKeyFile *
file_read (VoCredentials *self)
{
  GKeyFile *kf = g_key_file_new ();

  g_key_file_load_from_file (kf, self->file_path, G_KEY_FILE_NONE, NULL);
  return kf;
}

static gboolean
file_write (VoCredentials *self, GKeyFile *kf, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local_error = NULL;

  data = g_key_file_to_data (kf, &len, NULL);
  /* The temporary file is created 0600 too, so the secret is never readable
   * by others, not even for a moment. */
  if (!g_file_set_contents_full (self->file_path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error)) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot write %s: %s", self->file_path,
                 local_error->message);
    explicit_bzero (data, len);
    return FALSE;
  }
  explicit_bzero (data, len);
  return TRUE;
}

static gboolean
file_store (VoCredentials *self, CredentialsOp *op, GError **error)
{
  g_autoptr(GKeyFile) kf = file_read (self);
  g_autofree char *key = file_key (op->user, op->domain);

  if (!self->warned_fallback) {
    g_warning ("No Secret Service on the session bus: keeping the password in %s (mode 0600)",
               self->file_path);
    self->warned_fallback = TRUE;
  }
  g_key_file_set_string (kf, key, "password", op->password);
  return file_write (self, kf, error);
}

static char *
file_lookup (VoCredentials *self, CredentialsOp *op)
{
  g_autoptr(GKeyFile) kf = file_read (self);
  g_autofree char *key = file_key (op->user, op->domain);

  return g_key_file_get_string (kf, key, "password", NULL);
}

static gboolean
file_clear (VoCredentials *self, CredentialsOp *op, GError **error)
{
  g_autoptr(GKeyFile) kf = file_read (self);
  g_autofree char *key = file_key (op->user, op->domain);

  if (!g_key_file_has_group (kf, key))
    return TRUE;
  g_key_file_remove_group (kf, key, NULL);
  return file_write (self, kf, error);
}

/* ---- store ---------------------------------------------------------- */

static void
on_secret_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  VoCredentials *self = g_task_get_source_object (task);
  CredentialsOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error)) {
    g_autoptr(GError) clear_error = NULL;

    /* A password that once had to go to the file must not stay there. */
    file_clear (self, op, &clear_error);
    g_task_return_boolean (task, TRUE);
    return;
  }
  g_debug ("Secret Service unavailable (%s), using the file", error->message);
  g_clear_error (&error);
  if (file_store (self, op, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
vo_credentials_store_async (VoCredentials *self, const char *user, const char *domain,
                            const char *password, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = credentials_task_new (self, user, domain, password, vo_credentials_store_async,
                                      callback, user_data);
  g_autofree char *label = g_strdup_printf ("Virtual Office password for %s@%s", user, domain);
  g_autoptr(GError) error = NULL;

  if (self->force_file) {
    if (file_store (self, g_task_get_task_data (task), &error))
      g_task_return_boolean (task, TRUE);
    else
      g_task_return_error (task, g_steal_pointer (&error));
    g_object_unref (task);
    return;
  }
  secret_password_store (credentials_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         NULL, on_secret_stored, task, "user", user, "domain", domain, NULL);
}

gboolean
vo_credentials_store_finish (VoCredentials *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- lookup --------------------------------------------------------- */

static void
on_secret_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  VoCredentials *self = g_task_get_source_object (task);
  CredentialsOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error)
    g_debug ("Secret Service unavailable (%s), looking in the file", error->message);
  if (!password)
    password = file_lookup (self, op);
  g_task_return_pointer (task, password, (GDestroyNotify) vo_credentials_free_password);
}

void
vo_credentials_lookup_async (VoCredentials *self, const char *user, const char *domain,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = credentials_task_new (self, user, domain, NULL, vo_credentials_lookup_async,
                                      callback, user_data);

  if (self->force_file) {
    g_task_return_pointer (task, file_lookup (self, g_task_get_task_data (task)),
                           (GDestroyNotify) vo_credentials_free_password);
    g_object_unref (task);
    return;
  }
  secret_password_lookup (credentials_schema (), NULL, on_secret_looked_up, task, "user", user,
                          "domain", domain, NULL);
}

char *
vo_credentials_lookup_finish (VoCredentials *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- clear ---------------------------------------------------------- */

static void
on_secret_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  VoCredentials *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error)
    g_debug ("Secret Service unavailable (%s)", error->message);
  g_clear_error (&error);
  /* Clear both places: a password must not survive sign-out anywhere. */
  if (file_clear (self, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
vo_credentials_clear_async (VoCredentials *self, const char *user, const char *domain,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = credentials_task_new (self, user, domain, NULL, vo_credentials_clear_async,
                                      callback, user_data);

  if (self->force_file) {
    g_autoptr(GError) error = NULL;

    if (file_clear (self, g_task_get_task_data (task), &error))
      g_task_return_boolean (task, TRUE);
    else
      g_task_return_error (task, g_steal_pointer (&error));
    g_object_unref (task);
    return;
  }
  secret_password_clear (credentials_schema (), NULL, on_secret_cleared, task, "user", user,
                         "domain", domain, NULL);
}

gboolean
vo_credentials_clear_finish (VoCredentials *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
