/* vo-account-provisioned.c: the SIP account the Virtual Office service
 * provisions: SignIn with only a user name and password, and registering
 * again when the service changes the provisioning.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-account.h"
#include "vo-account-info.h"
#include "vo-account-private.h"
#include "vo-error.h"

/* The service's SIP provisioning as SignIn options, checked as a user's. */
static VoAccountInfo *
provisioned_info (VoAccount *self, const VoServiceSipAccount *sip, GError **error)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *display_name = NULL;
  g_autoptr(GError) local = NULL;
  VoAccountInfo *info;

  g_object_get (self->service, "display-name", &display_name, NULL);
  g_hash_table_insert (options, "registrar", sip->registrar);
  g_hash_table_insert (options, "domain", sip->domain);
  if (sip->outbound_proxy)
    g_hash_table_insert (options, "proxy", sip->outbound_proxy);
  g_hash_table_insert (options, "transport", sip->transport);
  if (*display_name || sip->display_name)
    g_hash_table_insert (options, "display-name", *display_name ? display_name
                                                                : sip->display_name);
  info = vo_account_info_parse (sip->auth_user, sip->password, options, self->stack, &local);
  if (!info)
    g_set_error (error, VO_ERROR, local->code == VO_ERROR_NOT_SUPPORTED ? VO_ERROR_NOT_SUPPORTED
                                                                        : VO_ERROR_NETWORK,
                 "The Virtual Office service sent SIP settings vo-daemon cannot use (%s); "
                 "contact your provider", local->message);
  return info;
}

static void
on_service_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VoServiceSipAccount) sip = vo_account_service_sign_in_finish (self->service, result,
                                                                          &error);
  VoAccountInfo *info;

  if (!self->sign_in_task || !self->provisioned)
    return;  /* SignOut cancelled it */
  info = sip ? provisioned_info (self, sip, &error) : NULL;
  if (!info) {
    vo_account_set_state (self, VO_ACCOUNT_STATE_ERROR);
    vo_account_sign_in_complete (self, g_steal_pointer (&error));
    return;
  }
  vo_account_sign_in_with (self, info, sip->password);
}

/* SignIn with only a user name and password at the Virtual Office service
 * at @url (NULL: vo.conf's). */
void
vo_account_sign_in_provisioned (VoAccount *self, const char *url, const char *user,
                                const char *password, GHashTable *options)
{
  GError *error = NULL;

  if (g_hash_table_size (options) > (url ? 1u : 0u))
    error = g_error_new_literal (VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                                 "The service provides the SIP settings: give either the option "
                                 "service or SIP options (registrar, domain, proxy, transport, "
                                 "display-name), not both");
  else if (!*user)
    error = g_error_new_literal (VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                                 "The user name is empty; give the user name from your welcome "
                                 "message");
  else if (!*password)
    error = g_error_new_literal (VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                                 "The password is empty; give the account's password");
  if (error) {
    vo_account_sign_in_complete (self, error);
    return;
  }
  self->provisioned = TRUE;
  self->auto_sign_in = FALSE;
  self->service_ended = FALSE;
  vo_account_set_last_error (self, NULL);
  vo_account_set_state (self, VO_ACCOUNT_STATE_SIGNING_IN);
  vo_account_service_sign_in_async (self->service, url, user, password, on_service_signed_in,
                                    g_object_ref (self));
}

typedef struct {
  VoAccount *self;
  VoAccountInfo *info;
  char *password;
} Reprovision;

static void
reprovision_free (Reprovision *data)
{
  g_object_unref (data->self);
  vo_account_info_free (data->info);
  vo_credentials_free_password (data->password);
  g_free (data);
}

static gboolean
info_same_server (const VoAccountInfo *a, const VoAccountInfo *b)
{
  return g_strcmp0 (a->user, b->user) == 0 && g_strcmp0 (a->domain, b->domain) == 0 &&
         g_strcmp0 (a->registrar, b->registrar) == 0 && g_strcmp0 (a->proxy, b->proxy) == 0 &&
         g_strcmp0 (a->transport, b->transport) == 0;
}

static void
reprovision_apply (Reprovision *data)
{
  VoAccount *self = data->self;
  g_autoptr(GError) error = NULL;

  g_message ("The Virtual Office service changed the SIP account; registering again");
  if (self->info && (g_strcmp0 (self->info->user, data->info->user) != 0 ||
                     g_strcmp0 (self->info->domain, data->info->domain) != 0))
    vo_credentials_clear_async (self->credentials, self->info->user, self->info->domain,
                                NULL, NULL);
  vo_account_set_info (self, g_steal_pointer (&data->info));
  if (!vo_account_info_save (self->info, self->config, &error))
    g_warning ("The account could not be saved: %s", error->message);
  vo_credentials_store_async (self->credentials, self->info->user, self->info->domain,
                              data->password, NULL, NULL);
  vo_account_register (self, data->password);
}

static void
on_reprovision_password (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Reprovision *data = user_data;
  char *stored = vo_credentials_lookup_finish (VO_CREDENTIALS (source), result, NULL);

  if (g_strcmp0 (stored, data->password) != 0 && !data->self->sign_in_task)
    reprovision_apply (data);
  vo_credentials_free_password (stored);
  reprovision_free (data);
}

/* The service's provisioning, fetched at every sync: register again when
 * it differs from what we register with. */
void
vo_account_on_service_sip_account (VoAccountService *service, VoServiceSipAccount *sip,
                                   gpointer user_data)
{
  VoAccount *self = user_data;
  g_autoptr(GError) error = NULL;
  Reprovision *data;

  if (self->sign_in_task || !self->info)
    return;
  data = g_new0 (Reprovision, 1);
  data->self = g_object_ref (self);
  data->password = g_strdup (sip->password);
  data->info = provisioned_info (self, sip, &error);
  if (!data->info) {
    g_warning ("%s", error->message);
    reprovision_free (data);
    return;
  }
  if (!info_same_server (self->info, data->info)) {
    reprovision_apply (data);
    reprovision_free (data);
    return;
  }
  vo_credentials_lookup_async (self->credentials, self->info->user, self->info->domain,
                               on_reprovision_password, data);
}
