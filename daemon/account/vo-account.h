/* vo-account.h: the one account, its sign-in state and its SIP registration.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account-service.h"
#include "vo-config.h"
#include "vo-credentials.h"
#include "vo-network-monitor.h"
#include "vo-sip-stack.h"
#include "vo-states.h"

G_BEGIN_DECLS

#define VO_TYPE_ACCOUNT (vo_account_get_type ())
G_DECLARE_FINAL_TYPE (VoAccount, vo_account, VO, ACCOUNT, GObject)

/* Properties (all read-only, named as the D-Bus ones in kebab case): state
 * (VoAccountState), registration (VoRegistration), last-error, username,
 * display-name, extension, company, sip-uri, capabilities (strv), photo-path,
 * service-state (VoServiceState). */
VoAccount *vo_account_new (VoConfig *config, VoCredentials *credentials, VoSipStack *stack,
                           VoNetworkMonitor *network);

/* Signs in with the stored account and password, if there are both. */
void vo_account_start (VoAccount *self);

/* @options maps option names (registrar, domain, proxy, transport,
 * display-name, service) to strings. With service (an https URL), or with
 * [service] url in vo.conf and neither registrar nor domain, the service
 * provisions the SIP account from @user and @password. Finishes when the first REGISTER has a final
 * answer: VO_ERROR_AUTH_FAILED, VO_ERROR_NETWORK (still retrying),
 * VO_ERROR_INVALID_ARGUMENT, VO_ERROR_BUSY, VO_ERROR_NOT_SUPPORTED. */
void vo_account_sign_in_async (VoAccount *self, const char *user, const char *password,
                               GHashTable *options, GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean vo_account_sign_in_finish (VoAccount *self, GAsyncResult *result, GError **error);

/* Un-REGISTERs and forgets the account and its password. Emits
 * "signing-out" first, so that calls can end while still registered. */
void vo_account_sign_out_async (VoAccount *self, GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean vo_account_sign_out_finish (VoAccount *self, GAsyncResult *result, GError **error);

/* Un-REGISTERs but keeps the account: the daemon is stopping. */
void vo_account_shutdown_async (VoAccount *self, GAsyncReadyCallback callback,
                                gpointer user_data);
void vo_account_shutdown_finish (VoAccount *self, GAsyncResult *result);

VoAccountState vo_account_get_state (VoAccount *self);
/* The Virtual Office service's half (reset, recovery, photo, forwarding). */
VoAccountService *vo_account_get_service (VoAccount *self);
/* The SIP domain and registrar URI of the current account, or NULL. */
const char *vo_account_get_domain (VoAccount *self);
const char *vo_account_get_registrar (VoAccount *self);
VoRegistration vo_account_get_registration (VoAccount *self);

G_END_DECLS
