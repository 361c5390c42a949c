/* vo-account-service.h: the account's session with the Virtual Office
 * service (docs/service-api.md): provisioned sign-in, the refresh token in
 * the secret store, the profile and photo, the event stream, and the
 * service's state with capped backoff while it is unreachable.
 *
 * VoAccount owns it and does the SIP half with what it provisions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-config.h"
#include "vo-credentials.h"
#include "vo-service-client.h"
#include "vo-states.h"

G_BEGIN_DECLS

#define VO_SERVICE_GROUP "service"

#define VO_TYPE_ACCOUNT_SERVICE (vo_account_service_get_type ())
G_DECLARE_FINAL_TYPE (VoAccountService, vo_account_service, VO, ACCOUNT_SERVICE, GObject)

/* Properties (read-only): state (VoServiceState), error ("" when fine),
 * username, display-name, extension, company, sip-uri, photo-path,
 * capabilities (strv: what the service offers; empty without one),
 * country (the profile's ISO 3166 region, "NL", or "").
 *
 * Signals:
 *   "sip-account" (VoServiceSipAccount *): the service changed the SIP
 *     provisioning while signed in (register again with it);
 *   "forwarding-changed": the forwarding rules at the service changed, or
 *     the service is back online (fetch them through the client);
 *   "directory-changed" (gboolean resync): the company directory changed,
 *     or the service is back online (delta-sync it); @resync TRUE when the
 *     server lost track of this client (fetch it all again);
 *   "favorites-changed": the favorites at the service changed, or the
 *     service is back online (fetch them, send what it has not taken);
 *   "session-ended": the refresh token was refused: sign in again. */
VoAccountService *vo_account_service_new (VoConfig *config, VoCredentials *credentials);

/* [service] url of vo.conf, or NULL. */
char *vo_account_service_configured_url (VoAccountService *self);
/* The client of the signed-in session, or NULL (SIP-only or signed out). */
VoServiceClient *vo_account_service_get_client (VoAccountService *self);
VoServiceState vo_account_service_get_state (VoAccountService *self);

/* Signs in at @url (NULL: [service] url) with the user's sign-in password,
 * then fetches the profile and the SIP provisioning, which it finishes
 * with. Nothing is stored until vo_account_service_commit(). Errors are
 * VO_ERRORs with a sentence a person can act on. */
void vo_account_service_sign_in_async (VoAccountService *self, const char *url,
                                       const char *user, const char *password,
                                       GAsyncReadyCallback callback, gpointer user_data);
VoServiceSipAccount *vo_account_service_sign_in_finish (VoAccountService *self,
                                                        GAsyncResult *result, GError **error);
/* The SIP half signed in: keep the URL, user and refresh token, go online. */
void vo_account_service_commit (VoAccountService *self);
/* Drops an uncommitted or failed sign-in (nothing stored is touched). */
void vo_account_service_abandon (VoAccountService *self);

/* After a restart: resumes the stored session from its refresh token.
 * Returns FALSE when there is none (SIP-only account). */
gboolean vo_account_service_resume (VoAccountService *self);

/* Ends the service session (best effort) and forgets the URL's user, the
 * refresh token, the profile and the cached photo. Never fails. */
void vo_account_service_sign_out_async (VoAccountService *self, GAsyncReadyCallback callback,
                                        gpointer user_data);
void vo_account_service_sign_out_finish (VoAccountService *self, GAsyncResult *result);

/* Through the signed-in session's service, else [service] url.
 * VO_ERROR_NOT_SUPPORTED when there is neither. */
void vo_account_service_reset_password_async (VoAccountService *self, const char *user,
                                              GAsyncReadyCallback callback, gpointer user_data);
void vo_account_service_recover_username_async (VoAccountService *self, const char *email,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
gboolean vo_account_service_request_finish (VoAccountService *self, GAsyncResult *result,
                                            GError **error);

/* Uploads @image (JPEG or PNG, checked by content; NULL or empty clears the
 * photo) and caches it; "photo-path" follows. */
void vo_account_service_set_photo_async (VoAccountService *self, GBytes *image,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_account_service_set_photo_finish (VoAccountService *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
