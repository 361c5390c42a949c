/* vo-account-service-private.h: shared by vo-account-service.c (the
 * session) and vo-account-service-profile.c (profile, photo, requests).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account-service.h"
#include "vo-service-events.h"

G_BEGIN_DECLS

#define VO_PROFILE_GROUP "profile"

struct _VoAccountService {
  GObject parent_instance;

  VoConfig *config;
  VoCredentials *credentials;

  VoServiceClient *client;   /* the session's, or NULL */
  VoServiceEvents *events;
  char *user;                /* the sign-in user name */
  char *refresh_token;       /* latest, to store once committed */
  gboolean committed;

  VoServiceState state;
  char *error;
  guint retry_id;
  guint retry_s;
  gboolean syncing;
  GCancellable *cancellable; /* the session's requests */

  VoServiceProfile *profile;
  char *photo_path;
};

void vo_account_service_notify_profile (VoAccountService *self);
void vo_account_service_notify_photo (VoAccountService *self);
/* A client for @url with vo.conf's [service] ca-file and timeout. */
VoServiceClient *vo_account_service_client_new (VoAccountService *self, const char *url,
                                                GError **error);
/* [profile] → self->profile (a start while offline) and back. */
void vo_account_service_profile_load (VoAccountService *self);
void vo_account_service_profile_save (VoAccountService *self);
/* Brings the cached photo in line with the profile's ETag. */
void vo_account_service_photo_follow (VoAccountService *self, const char *old_etag);

G_END_DECLS
