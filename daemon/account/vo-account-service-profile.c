/* vo-account-service-profile.c: the service's half that is about the user:
 * the profile (cached in vo.conf [profile] so it shows offline), the photo
 * (cached in the cache folder), and the requests that need no session
 * (password reset, user-name recovery).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account-service.h"
#include "vo-account-service-private.h"
#include "vo-account-photo.h"
#include "vo-error.h"

/* The profile as cached in [profile], for a start while offline. */
void
vo_account_service_profile_load (VoAccountService *self)
{
  VoServiceProfile *profile = g_new0 (VoServiceProfile, 1);
  g_autofree char *capabilities = vo_config_get_string (self->config, VO_PROFILE_GROUP,
                                                        "capabilities");

  profile->username = g_strdup (self->user);
  profile->display_name = vo_config_get_string (self->config, VO_PROFILE_GROUP, "display-name");
  profile->extension = vo_config_get_string (self->config, VO_PROFILE_GROUP, "extension");
  profile->company = vo_config_get_string (self->config, VO_PROFILE_GROUP, "company");
  profile->sip_uri = vo_config_get_string (self->config, VO_PROFILE_GROUP, "sip-uri");
  profile->country = vo_config_get_string (self->config, VO_PROFILE_GROUP, "country");
  /* Saved as "" when there is no photo. */
  profile->photo_etag = vo_config_get_string (self->config, VO_PROFILE_GROUP, "photo-etag");
  profile->photo_content_type = vo_config_get_string (self->config, VO_PROFILE_GROUP, "photo-type");
  if (!*profile->photo_etag || !*profile->photo_content_type) {
    g_clear_pointer (&profile->photo_etag, g_free);
    g_clear_pointer (&profile->photo_content_type, g_free);
  }
  profile->capabilities = g_strsplit (capabilities ? capabilities : "", ";", -1);
  g_clear_pointer (&self->profile, vo_service_profile_free);
  self->profile = profile;
  if (profile->photo_etag) {
    g_autofree char *path = vo_account_photo_cached_path (profile->photo_content_type);

    if (g_file_test (path, G_FILE_TEST_EXISTS))
      self->photo_path = g_steal_pointer (&path);
  }
  vo_account_service_notify_profile (self);
}

void
vo_account_service_profile_save (VoAccountService *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *capabilities = g_strjoinv (";", self->profile->capabilities);
  const char *pairs[] = {
    "display-name", self->profile->display_name,
    "extension", self->profile->extension,
    "company", self->profile->company,
    "sip-uri", self->profile->sip_uri,
    "country", self->profile->country ? self->profile->country : "",
    "capabilities", capabilities,
    "photo-etag", self->profile->photo_etag ? self->profile->photo_etag : "",
    "photo-type", self->profile->photo_content_type ? self->profile->photo_content_type : "",
    NULL
  };

  if (!vo_config_set_strings (self->config, VO_PROFILE_GROUP, pairs, &error))
    g_warning ("The profile could not be cached: %s", error->message);
}

/* ---- the photo ------------------------------------------------------- */

static void
on_photo_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoAccountService) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = vo_service_client_get_photo_finish (VO_SERVICE_CLIENT (source),
                                                                result, NULL, NULL, &error);
  g_autofree char *path = NULL;
  const char *type;

  if (!image) {
    if (!g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED))
      g_message ("The profile photo could not be fetched: %s", error->message);
    return;
  }
  /* Cached as what it is, whatever the service called it. */
  type = vo_account_photo_check (image, NULL);
  if (!type) {
    g_message ("The service's profile photo is not a JPEG or PNG image; not shown");
    return;
  }
  path = vo_account_photo_cache (image, type, &error);
  if (!path) {
    g_warning ("The profile photo could not be cached: %s", error->message);
    return;
  }
  g_free (self->photo_path);
  self->photo_path = g_steal_pointer (&path);
  vo_account_service_notify_photo (self);
}

/* Brings the cached photo in line with the profile's ETag. */
void
vo_account_service_photo_follow (VoAccountService *self, const char *old_etag)
{
  if (!self->profile->photo_etag) {
    if (self->photo_path) {
      vo_account_photo_cache (NULL, NULL, NULL);
      g_clear_pointer (&self->photo_path, g_free);
      vo_account_service_notify_photo (self);
    }
    return;
  }
  if (self->photo_path && g_strcmp0 (old_etag, self->profile->photo_etag) == 0)
    return;
  vo_service_client_get_photo_async (self->client, self->cancellable, on_photo_fetched,
                                     g_object_ref (self));
}

/* ---- requests without a session --------------------------------------- */

static void
on_request_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_task_get_source_tag (task) == vo_account_service_reset_password_async)
    done = vo_service_client_request_password_reset_finish (VO_SERVICE_CLIENT (source), result,
                                                            &error);
  else
    done = vo_service_client_recover_username_finish (VO_SERVICE_CLIENT (source), result,
                                                      &error);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, vo_service_error_to_vo (error));
}

/* The session's client, else one for [service] url (kept by the task). */
static VoServiceClient *
request_client (VoAccountService *self, const char *what, GTask *task)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  VoServiceClient *client;

  if (self->client)
    return self->client;
  url = vo_account_service_configured_url (self);
  if (!url) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                             "%s needs the Virtual Office service, and no service URL is "
                             "configured: set url in the [service] group of vo.conf, or sign "
                             "in with the service option", what);
    return NULL;
  }
  client = vo_account_service_client_new (self, url, &error);
  if (!client) {
    g_task_return_error (task, g_steal_pointer (&error));
    return NULL;
  }
  g_task_set_task_data (task, client, g_object_unref);
  return client;
}

void
vo_account_service_reset_password_async (VoAccountService *self, const char *user,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  VoServiceClient *client;

  g_task_set_source_tag (task, vo_account_service_reset_password_async);
  client = request_client (self, "Resetting a password", task);
  if (!client) {
    g_object_unref (task);
    return;
  }
  vo_service_client_request_password_reset_async (client, user, NULL, on_request_done, task);
}

void
vo_account_service_recover_username_async (VoAccountService *self, const char *email,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  VoServiceClient *client;

  g_task_set_source_tag (task, vo_account_service_recover_username_async);
  client = request_client (self, "Recovering a user name", task);
  if (!client) {
    g_object_unref (task);
    return;
  }
  vo_service_client_recover_username_async (client, email, NULL, on_request_done, task);
}

gboolean
vo_account_service_request_finish (VoAccountService *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the photo -------------------------------------------------------- */

typedef struct {
  GBytes *image;
  const char *content_type;
} SetPhoto;

static void
set_photo_free (SetPhoto *data)
{
  g_clear_pointer (&data->image, g_bytes_unref);
  g_free (data);
}

static void
photo_set_done (VoAccountService *self, GTask *task, const char *etag)
{
  SetPhoto *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (data->image) {
    path = vo_account_photo_cache (data->image, data->content_type, &error);
    if (!path)
      g_warning ("The profile photo could not be cached: %s", error->message);
  } else {
    vo_account_photo_cache (NULL, NULL, NULL);
  }
  if (self->profile) {
    g_free (self->profile->photo_etag);
    g_free (self->profile->photo_content_type);
    self->profile->photo_etag = g_strdup (etag);
    self->profile->photo_content_type = etag ? g_strdup (data->content_type) : NULL;
    vo_account_service_profile_save (self);
  }
  g_free (self->photo_path);
  self->photo_path = g_steal_pointer (&path);
  vo_account_service_notify_photo (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_photo_put (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = vo_service_client_put_photo_finish (VO_SERVICE_CLIENT (source), result,
                                                              &error);

  if (!etag) {
    g_task_return_error (task, vo_service_error_to_vo (error));
    return;
  }
  photo_set_done (g_task_get_source_object (task), task, etag);
}

static void
on_photo_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!vo_service_client_delete_photo_finish (VO_SERVICE_CLIENT (source), result, &error) &&
      !g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_NOT_FOUND)) {
    g_task_return_error (task, vo_service_error_to_vo (error));
    return;
  }
  photo_set_done (g_task_get_source_object (task), task, NULL);
}

void
vo_account_service_set_photo_async (VoAccountService *self, GBytes *image,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GError) error = NULL;
  SetPhoto *data = g_new0 (SetPhoto, 1);

  g_task_set_source_tag (task, vo_account_service_set_photo_async);
  g_task_set_task_data (task, data, (GDestroyNotify) set_photo_free);
  if (!self->client || !self->committed) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                             "Setting a profile photo needs an account signed in through the "
                             "Virtual Office service; this one is SIP-only or signed out");
    return;
  }
  if (image && g_bytes_get_size (image) > 0) {
    data->content_type = vo_account_photo_check (image, &error);
    if (!data->content_type) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    data->image = g_bytes_ref (image);
    vo_service_client_put_photo_async (self->client, image, data->content_type, NULL,
                                       on_photo_put, g_steal_pointer (&task));
    return;
  }
  vo_service_client_delete_photo_async (self->client, NULL, on_photo_deleted,
                                        g_steal_pointer (&task));
}

gboolean
vo_account_service_set_photo_finish (VoAccountService *self, GAsyncResult *result,
                                     GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
