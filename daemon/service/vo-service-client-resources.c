/* vo-service-client-resources.c: VoServiceClient's public calls, one per
 * resource of docs/service-api.md, each one request through
 * vo_service_client_call_async() and one parser of vo-service-json.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-service"

#include "vo-service-client-private.h"
#include "vo-service-json.h"

#define JSON_TYPE "application/json"

/* A call whose _finish is vo_service_client_call_finish()'s. */
static void
call (VoServiceClient *self, const char *method, const char *path, GBytes *body,
      VoServiceCallFlags flags, VoServiceParse parse, GDestroyNotify free_result,
      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  vo_service_client_call_async (self, method, path, body, body ? JSON_TYPE : NULL, flags, parse,
                                free_result, cancellable, callback, user_data);
}

gpointer
vo_service_client_call_result (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  gpointer value = NULL;

  return vo_service_client_call_finish (self, result, &value, error) ? value : NULL;
}

/* ---- session ------------------------------------------------------------- */

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  VoServiceClient *self = VO_SERVICE_CLIENT (source);
  g_autoptr (VoServiceTokens) tokens = NULL;
  GError *error = NULL;

  if (!vo_service_client_call_finish (self, result, (gpointer *)&tokens, &error)) {
    g_task_return_error (task, error);
    return;
  }
  vo_service_client_take_tokens (self, g_steal_pointer (&tokens->access_token),
                                 g_steal_pointer (&tokens->refresh_token));
  g_task_return_boolean (task, TRUE);
}

void
vo_service_client_sign_in_async (VoServiceClient *self, const char *username, const char *password,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *device = g_strdup_printf ("vo-daemon on %s", g_get_host_name ());
  g_autoptr (GBytes) body = NULL;
  GTask *task;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  g_return_if_fail (username && password);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vo_service_client_sign_in_async);
  g_task_set_check_cancellable (task, FALSE);
  body = vo_service_json_sign_in (username, password, device);
  call (self, "POST", "/v1/session", body, VO_SERVICE_CALL_PLAIN,
        (VoServiceParse)vo_service_parse_tokens, (GDestroyNotify)vo_service_tokens_free,
        cancellable, on_signed_in, task);
}

gboolean
vo_service_client_sign_in_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_signed_out (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  VoServiceClient *self = VO_SERVICE_CLIENT (source);
  GError *error = NULL;

  /* The tokens go whatever the service said (§3). */
  vo_service_client_forget_tokens (self);
  if (!vo_service_client_call_finish (self, result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
vo_service_client_sign_out_async (VoServiceClient *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vo_service_client_sign_out_async);
  g_task_set_check_cancellable (task, FALSE);
  if (!vo_service_client_has_session (self)) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  call (self, "DELETE", "/v1/session", NULL, VO_SERVICE_CALL_BEARER, NULL, NULL, cancellable,
        on_signed_out, task);
}

gboolean
vo_service_client_sign_out_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- provisioning and profile --------------------------------------------- */

void
vo_service_client_get_sip_account_async (VoServiceClient *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  call (self, "GET", "/v1/sip-account", NULL, VO_SERVICE_CALL_BEARER,
        (VoServiceParse)vo_service_parse_sip_account, (GDestroyNotify)vo_service_sip_account_free,
        cancellable, callback, user_data);
}

VoServiceSipAccount *
vo_service_client_get_sip_account_finish (VoServiceClient *self, GAsyncResult *result,
                                          GError **error)
{
  return vo_service_client_call_result (self, result, error);
}

void
vo_service_client_get_me_async (VoServiceClient *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  call (self, "GET", "/v1/me", NULL, VO_SERVICE_CALL_BEARER,
        (VoServiceParse)vo_service_parse_profile, (GDestroyNotify)vo_service_profile_free,
        cancellable, callback, user_data);
}

VoServiceProfile *
vo_service_client_get_me_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  return vo_service_client_call_result (self, result, error);
}

/* ---- photo ------------------------------------------------------------------ */

void
vo_service_client_put_photo_async (VoServiceClient *self, GBytes *image, const char *content_type,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (VO_IS_SERVICE_CLIENT (self));
  g_return_if_fail (image && content_type);
  vo_service_client_call_async (self, "PUT", "/v1/me/photo", image, content_type,
                                VO_SERVICE_CALL_BEARER, (VoServiceParse)vo_service_parse_photo_etag,
                                g_free, cancellable, callback, user_data);
}

char *
vo_service_client_put_photo_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  return vo_service_client_call_result (self, result, error);
}

void
vo_service_client_get_photo_async (VoServiceClient *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  call (self, "GET", "/v1/me/photo", NULL, VO_SERVICE_CALL_BEARER | VO_SERVICE_CALL_RAW, NULL,
        (GDestroyNotify)vo_service_response_free, cancellable, callback, user_data);
}

GBytes *
vo_service_client_get_photo_finish (VoServiceClient *self, GAsyncResult *result, char **etag_out,
                                    char **content_type_out, GError **error)
{
  g_autoptr (VoServiceResponse) response = vo_service_client_call_result (self, result, error);

  if (!response)
    return NULL;
  if (etag_out)
    *etag_out = g_steal_pointer (&response->etag);
  if (content_type_out)
    *content_type_out = g_steal_pointer (&response->content_type);
  return g_steal_pointer (&response->body);
}

void
vo_service_client_delete_photo_async (VoServiceClient *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  call (self, "DELETE", "/v1/me/photo", NULL, VO_SERVICE_CALL_BEARER, NULL, NULL, cancellable,
        callback, user_data);
}

gboolean
vo_service_client_delete_photo_finish (VoServiceClient *self, GAsyncResult *result, GError **error)
{
  return vo_service_client_call_finish (self, result, NULL, error);
}

/* ---- password reset, user-name recovery -------------------------------------- */

void
vo_service_client_request_password_reset_async (VoServiceClient *self, const char *username,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GBytes) body = NULL;

  g_return_if_fail (username);
  body = vo_service_json_single ("username", username);
  call (self, "POST", "/v1/password-reset", body, VO_SERVICE_CALL_PLAIN, NULL, NULL, cancellable,
        callback, user_data);
}

gboolean
vo_service_client_request_password_reset_finish (VoServiceClient *self, GAsyncResult *result,
                                                 GError **error)
{
  return vo_service_client_call_finish (self, result, NULL, error);
}

void
vo_service_client_recover_username_async (VoServiceClient *self, const char *email,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_autoptr (GBytes) body = NULL;

  g_return_if_fail (email);
  body = vo_service_json_single ("email", email);
  call (self, "POST", "/v1/username-recovery", body, VO_SERVICE_CALL_PLAIN, NULL, NULL, cancellable,
        callback, user_data);
}

gboolean
vo_service_client_recover_username_finish (VoServiceClient *self, GAsyncResult *result,
                                           GError **error)
{
  return vo_service_client_call_finish (self, result, NULL, error);
}

/* ---- forwarding -------------------------------------------------------------- */

void
vo_service_client_get_forwarding_async (VoServiceClient *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  call (self, "GET", "/v1/forwarding", NULL, VO_SERVICE_CALL_BEARER,
        (VoServiceParse)vo_service_parse_forwarding, (GDestroyNotify)g_ptr_array_unref, cancellable,
        callback, user_data);
}

GPtrArray *
vo_service_client_get_forwarding_finish (VoServiceClient *self, GAsyncResult *result,
                                         GError **error)
{
  return vo_service_client_call_result (self, result, error);
}

void
vo_service_client_put_forwarding_rule_async (VoServiceClient *self,
                                             const VoServiceForwardingRule *rule,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data)
{
  static const char *const conditions[] = { "always", "busy", "no-answer", "unreachable", NULL };
  g_autofree char *path = NULL;
  g_autoptr (GBytes) body = NULL;

  g_return_if_fail (rule && rule->condition);
  if (!g_strv_contains (conditions, rule->condition)) {
    g_task_report_new_error (self, callback, user_data, vo_service_client_put_forwarding_rule_async,
                             VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST,
                             "“%s” is not a forwarding condition (always, busy, no-answer, "
                             "unreachable)",
                             rule->condition);
    return;
  }
  path = g_strconcat ("/v1/forwarding/", rule->condition, NULL);
  body = vo_service_json_forwarding_rule (rule);
  call (self, "PUT", path, body, VO_SERVICE_CALL_BEARER,
        (VoServiceParse)vo_service_parse_forwarding_rule,
        (GDestroyNotify)vo_service_forwarding_rule_free, cancellable, callback, user_data);
}

gboolean
vo_service_client_put_forwarding_rule_finish (VoServiceClient *self, GAsyncResult *result,
                                              GError **error)
{
  return vo_service_client_call_finish (self, result, NULL, error);
}
