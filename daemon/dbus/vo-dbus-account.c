/* vo-dbus-account.c: Account1 methods → VoAccount; VoAccount properties → Account1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-account.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"
#include "vo-dbus-options.h"
#include "vo-account-photo.h"

#include <gio/gunixfdlist.h>
#include <string.h>

static const char *const mirrored[] = {
  "state", "registration", "last-error", "username", "display-name", "extension", "company",
  "sip-uri", "capabilities", "photo-path", "service-state", NULL
};

#define VO_TYPE_DBUS_ACCOUNT (vo_dbus_account_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusAccount, vo_dbus_account, VO, DBUS_ACCOUNT, VoDbusAccount1Skeleton)

/* The generated skeleton, implementing the interface's methods on the core
 * object it exports. */
struct _VoDbusAccount {
  VoDbusAccount1Skeleton parent_instance;
  VoAccount *account;
};

static void vo_dbus_account_iface_init (VoDbusAccount1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusAccount, vo_dbus_account, VO_DBUS_TYPE_ACCOUNT1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_ACCOUNT1,
                                                      vo_dbus_account_iface_init))

static VoAccount *
account_of (gpointer skeleton)
{
  return VO_DBUS_ACCOUNT (skeleton)->account;
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (vo_account_sign_in_finish (VO_ACCOUNT (source), result, &error))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    vo_error_return_gerror (invocation, error);
}

static gboolean
on_handle_sign_in (VoDbusAccount1 *skeleton, GDBusMethodInvocation *invocation,
                   const char *user, const char *password, GVariant *options)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) error = NULL;
  GVariant *values[6] = { NULL };
  const VoDbusOption known[] = {
    { "registrar", "s", &values[0] },
    { "domain", "s", &values[1] },
    { "proxy", "s", &values[2] },
    { "transport", "s", &values[3] },
    { "display-name", "s", &values[4] },
    { "service", "s", &values[5] },
    { NULL },
  };

  if (!vo_dbus_options_parse (options, "SignIn", known, &error)) {
    vo_error_return_gerror (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i])
      g_hash_table_insert (table, (gpointer) known[i].key,
                           g_variant_dup_string (values[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_clear_pointer (&values[i], g_variant_unref);
  vo_account_sign_in_async (account_of (skeleton), user, password, table, on_signed_in,
                            g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_signed_out (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (vo_account_sign_out_finish (VO_ACCOUNT (source), result, &error))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    vo_error_return_gerror (invocation, error);
}

static gboolean
on_handle_sign_out (VoDbusAccount1 *skeleton, GDBusMethodInvocation *invocation)
{
  vo_account_sign_out_async (account_of (skeleton), on_signed_out, g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_service_request_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (vo_account_service_request_finish (VO_ACCOUNT_SERVICE (source), result, &error))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    vo_error_return_gerror (invocation, error);
}

static gboolean
on_handle_reset_password (VoDbusAccount1 *skeleton, GDBusMethodInvocation *invocation,
                          const char *user)
{
  if (!*user || strlen (user) > 256 || !g_utf8_validate (user, -1, NULL) ||
      strpbrk (user, " \t\r\n"))
    vo_error_return (invocation, VO_ERROR_INVALID_ARGUMENT,
                     "'%s' is not a user name; give the user name whose password should be "
                     "reset, e.g. alice", user);
  else
    vo_account_service_reset_password_async (vo_account_get_service (account_of (skeleton)),
                                             user, on_service_request_done,
                                             g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_recover_username (VoDbusAccount1 *skeleton, GDBusMethodInvocation *invocation,
                            const char *email)
{
  const char *at = strchr (email, '@');

  if (!at || at == email || !at[1] || strpbrk (email, " \t\r\n") || strlen (email) > 254 ||
      !g_utf8_validate (email, -1, NULL))
    vo_error_return (invocation, VO_ERROR_INVALID_ARGUMENT,
                     "'%s' is not an e-mail address; give the address "
                     "your account was created with", email);
  else
    vo_account_service_recover_username_async (vo_account_get_service (account_of (skeleton)),
                                               email, on_service_request_done,
                                               g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_photo_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (vo_account_service_set_photo_finish (VO_ACCOUNT_SERVICE (source), result, &error))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    vo_error_return_gerror (invocation, error);
}

typedef struct {
  GDBusMethodInvocation *invocation;
  VoAccount *account;
} PhotoCall;

static void
on_photo_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhotoCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = vo_account_photo_read_finish (result, &error);

  if (image)
    vo_account_service_set_photo_async (vo_account_get_service (call->account), image,
                                        on_photo_set, g_steal_pointer (&call->invocation));
  else
    vo_error_return_gerror (call->invocation, error);
  g_clear_object (&call->invocation);
  g_object_unref (call->account);
  g_free (call);
}

static gboolean
on_handle_set_profile_photo (VoDbusAccount1 *skeleton, GDBusMethodInvocation *invocation,
                             GUnixFDList *fds, GVariant *fd_index)
{
  g_autoptr(GError) error = NULL;
  PhotoCall *call;
  int fd = vo_dbus_take_fd (fds, fd_index, "an open image file (JPEG or PNG)", &error);

  if (fd < 0) {
    vo_error_return_gerror (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  call = g_new0 (PhotoCall, 1);
  call->invocation = g_object_ref (invocation);
  call->account = g_object_ref (account_of (skeleton));
  vo_account_photo_read_async (fd, NULL, on_photo_read, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
vo_dbus_account_dispose (GObject *object)
{
  VoDbusAccount *self = VO_DBUS_ACCOUNT (object);

  g_clear_object (&self->account);
  G_OBJECT_CLASS (vo_dbus_account_parent_class)->dispose (object);
}

static void
vo_dbus_account_class_init (VoDbusAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_account_dispose;
}

static void
vo_dbus_account_iface_init (VoDbusAccount1Iface *iface)
{
  iface->handle_sign_in = on_handle_sign_in;
  iface->handle_sign_out = on_handle_sign_out;
  iface->handle_reset_password = on_handle_reset_password;
  iface->handle_recover_username = on_handle_recover_username;
  iface->handle_set_profile_photo = on_handle_set_profile_photo;
}

static void
vo_dbus_account_init (VoDbusAccount *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_account_new (VoAccount *account)
{
  VoDbusAccount *self = g_object_new (VO_TYPE_DBUS_ACCOUNT, NULL);

  self->account = g_object_ref (account);
  vo_dbus_mirror_properties (G_OBJECT (account), G_DBUS_INTERFACE_SKELETON (self), mirrored);
  return G_DBUS_INTERFACE_SKELETON (self);
}
