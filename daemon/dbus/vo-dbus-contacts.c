/* vo-dbus-contacts.c: Contacts1 methods → VoContacts; its "changed" →
 * Changed. vCards travel as file descriptors: ImportVCard reads the caller's
 * without blocking the main loop, ExportVCard answers a sealed memfd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"
#define _GNU_SOURCE /* memfd_create */

#include "vo-dbus-contacts.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"
#include "vo-fd-read.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <sys/mman.h>
#include <unistd.h>

#define VO_TYPE_DBUS_CONTACTS (vo_dbus_contacts_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusContacts, vo_dbus_contacts, VO, DBUS_CONTACTS,
                      VoDbusContacts1Skeleton)

/* The generated skeleton, implementing the interface's methods on the core
 * object it exports. */
struct _VoDbusContacts {
  VoDbusContacts1Skeleton parent_instance;
  VoContacts *contacts;
};

static void vo_dbus_contacts_iface_init (VoDbusContacts1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusContacts, vo_dbus_contacts, VO_DBUS_TYPE_CONTACTS1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_CONTACTS1,
                                                      vo_dbus_contacts_iface_init))

static VoContacts *
contacts_of (gpointer skeleton)
{
  return VO_DBUS_CONTACTS (skeleton)->contacts;
}

/* Answers @invocation with the one value @reply (taken, floating or not: a
 * dictionary or a list of them), or with @error when there is none. */
static gboolean
return_value (GDBusMethodInvocation *invocation, GVariant *reply, GError *error)
{
  g_autoptr(GVariant) owned = reply ? g_variant_take_ref (reply) : NULL;

  if (owned)
    g_dbus_method_invocation_return_value (invocation, g_variant_new_tuple (&owned, 1));
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
return_done (GDBusMethodInvocation *invocation, gboolean done, GError *error)
{
  if (done)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_list (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                const char *source, GVariant *filter)
{
  g_autoptr(GError) error = NULL;
  GVariant *contacts = vo_contacts_list (contacts_of (skeleton), source, filter, &error);

  return return_value (invocation, contacts, error);
}

static gboolean
on_handle_search (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *query, GVariant *filter)
{
  g_autoptr(GError) error = NULL;
  GVariant *contacts = vo_contacts_search (contacts_of (skeleton), query, filter, &error);

  return return_value (invocation, contacts, error);
}

static gboolean
on_handle_get (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation, const char *id)
{
  g_autoptr(GError) error = NULL;
  GVariant *contact = vo_contacts_get (contacts_of (skeleton), id, &error);

  return return_value (invocation, contact, error);
}

static gboolean
on_handle_create (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                  GVariant *fields)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = vo_contacts_create (contacts_of (skeleton), fields, &error);

  if (id)
    vo_dbus_contacts1_complete_create (skeleton, invocation, id);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_update (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *id, GVariant *fields)
{
  g_autoptr(GError) error = NULL;
  gboolean done = vo_contacts_update (contacts_of (skeleton), id, fields, &error);

  return return_done (invocation, done, error);
}

static gboolean
on_handle_delete (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *id)
{
  g_autoptr(GError) error = NULL;
  gboolean done = vo_contacts_delete (contacts_of (skeleton), id, &error);

  return return_done (invocation, done, error);
}

static gboolean
on_handle_set_favorite (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                        const char *id, gboolean favorite)
{
  g_autoptr(GError) error = NULL;
  gboolean done = vo_contacts_set_favorite (contacts_of (skeleton), id, favorite, &error);

  return return_done (invocation, done, error);
}

static gboolean
on_handle_resolve (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                   const char *number)
{
  g_autoptr(GError) error = NULL;
  GVariant *contact = vo_contacts_resolve (contacts_of (skeleton), number, &error);

  return return_value (invocation, contact, error);
}

typedef struct {
  GDBusMethodInvocation *invocation;
  VoDbusContacts1 *skeleton;
} ImportCall;

static void
on_vcard_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) vcard = vo_fd_read_finish (result, &error);
  g_auto(GStrv) ids = NULL;

  if (vcard && g_bytes_get_size (vcard) > VO_CONTACTS_MAX_VCARD_BYTES)
    g_set_error (&error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The vCard file is larger than %u MiB; split it and import the parts",
                 VO_CONTACTS_MAX_VCARD_BYTES / (1024 * 1024));
  else if (vcard)
    ids = vo_contacts_import_vcard (contacts_of (call->skeleton), vcard, &error);
  if (ids)
    vo_dbus_contacts1_complete_import_vcard (call->skeleton, call->invocation, NULL,
                                             (const char *const *) ids);
  else
    vo_error_return_gerror (call->invocation, error);
  g_object_unref (call->invocation);
  g_object_unref (call->skeleton);
  g_free (call);
}

static gboolean
on_handle_import_vcard (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                        GUnixFDList *fds, GVariant *fd_index)
{
  g_autoptr(GError) error = NULL;
  ImportCall *call;
  int fd = vo_dbus_take_fd (fds, fd_index, "an open vCard file", &error);

  if (fd < 0) {
    vo_error_return_gerror (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  call = g_new0 (ImportCall, 1);
  call->invocation = g_object_ref (invocation);
  call->skeleton = g_object_ref (skeleton);
  vo_fd_read_async (fd, VO_CONTACTS_MAX_VCARD_BYTES, NULL, on_vcard_read, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* A sealed memfd holding @text, positioned at its start: the caller reads
 * it like a file and nobody can change it under them. */
static int
sealed_memfd (GBytes *text, GError **error)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (text, &size);
  int fd = memfd_create ("vo-contacts.vcf", MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0)
    goto failed;
  while (size > 0) {
    ssize_t written = write (fd, data, size);

    if (written < 0 && errno == EINTR)
      continue;
    if (written < 0)
      goto failed;
    data += written;
    size -= (gsize) written;
  }
  if (lseek (fd, 0, SEEK_SET) < 0 ||
      fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
    goto failed;
  return fd;

failed:
  g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot make the vCard file: %s",
               g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return -1;
}

static gboolean
on_handle_export_vcard (VoDbusContacts1 *skeleton, GDBusMethodInvocation *invocation,
                        GUnixFDList *fds, const char *const *ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) vcard = vo_contacts_export_vcard (contacts_of (skeleton), ids, &error);
  g_autoptr(GUnixFDList) reply_fds = NULL;
  int fd = vcard ? sealed_memfd (vcard, &error) : -1;

  if (fd < 0) {
    vo_error_return_gerror (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  reply_fds = g_unix_fd_list_new_from_array (&fd, 1);
  vo_dbus_contacts1_complete_export_vcard (skeleton, invocation, reply_fds,
                                           g_variant_new_handle (0));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_changed (VoContacts *contacts, GStrv ids, gpointer user_data)
{
  vo_dbus_contacts1_emit_changed (VO_DBUS_CONTACTS1 (user_data), (const char *const *) ids);
}

static void
vo_dbus_contacts_dispose (GObject *object)
{
  VoDbusContacts *self = VO_DBUS_CONTACTS (object);

  g_clear_object (&self->contacts);
  G_OBJECT_CLASS (vo_dbus_contacts_parent_class)->dispose (object);
}

static void
vo_dbus_contacts_class_init (VoDbusContactsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_contacts_dispose;
}

static void
vo_dbus_contacts_iface_init (VoDbusContacts1Iface *iface)
{
  iface->handle_list = on_handle_list;
  iface->handle_search = on_handle_search;
  iface->handle_get = on_handle_get;
  iface->handle_create = on_handle_create;
  iface->handle_update = on_handle_update;
  iface->handle_delete = on_handle_delete;
  iface->handle_set_favorite = on_handle_set_favorite;
  iface->handle_resolve = on_handle_resolve;
  iface->handle_import_vcard = on_handle_import_vcard;
  iface->handle_export_vcard = on_handle_export_vcard;
}

static void
vo_dbus_contacts_init (VoDbusContacts *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_contacts_new (VoContacts *contacts)
{
  VoDbusContacts *self = g_object_new (VO_TYPE_DBUS_CONTACTS, NULL);

  self->contacts = g_object_ref (contacts);
  g_signal_connect_object (contacts, "changed", G_CALLBACK (on_changed), self, 0);
  return G_DBUS_INTERFACE_SKELETON (self);
}
