/* vo-credentials.h: where the account password lives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VO_TYPE_CREDENTIALS (vo_credentials_get_type ())
G_DECLARE_FINAL_TYPE (VoCredentials, vo_credentials, VO, CREDENTIALS, GObject)

/* Passwords go to the Secret Service; when none answers on the session bus
 * (or VO_SECRET_BACKEND=file) they go to @config_dir/credentials, mode 0600. */
VoCredentials *vo_credentials_new (const char *config_dir);

void vo_credentials_store_async (VoCredentials *self, const char *user, const char *domain,
                                 const char *password, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean vo_credentials_store_finish (VoCredentials *self, GAsyncResult *result,
                                      GError **error);

/* Finishes with the password, or NULL and no error when none is stored. */
void vo_credentials_lookup_async (VoCredentials *self, const char *user, const char *domain,
                                  GAsyncReadyCallback callback, gpointer user_data);
char *vo_credentials_lookup_finish (VoCredentials *self, GAsyncResult *result, GError **error);

void vo_credentials_clear_async (VoCredentials *self, const char *user, const char *domain,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_credentials_clear_finish (VoCredentials *self, GAsyncResult *result,
                                      GError **error);

/* Wipes and frees a password returned by lookup. */
void vo_credentials_free_password (char *password);

G_END_DECLS
