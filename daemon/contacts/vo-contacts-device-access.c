/* vo-contacts-device-access.c: the device's address books follow
 * Settings1.DeviceContactsAccess: mirrored while it is true, dropped from
 * every answer at once when it turns false.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"

static void
on_device_changed (VoContactsDevice *device, GStrv ids, VoContacts *self)
{
  for (guint i = 0; ids && ids[i]; i++)
    vo_contacts_emit_changed (self, ids[i]);
}

static void
device_follow_setting (VoContacts *self)
{
  gboolean allowed = FALSE;

  if (self->shut_down)
    return;
  g_object_get (self->settings, "device-contacts-access", &allowed, NULL);
  if (allowed && !vo_contacts_device_is_running (self->device)) {
    vo_contacts_device_set_region (self->device, vo_contacts_region (self));
    vo_contacts_device_start (self->device);
  } else if (!allowed && vo_contacts_device_is_running (self->device)) {
    vo_contacts_device_stop (self->device);
  }
}

static void
on_access_changed (VoSettings *settings, GParamSpec *pspec, VoContacts *self)
{
  device_follow_setting (self);
}

void
vo_contacts_device_access_start (VoContacts *self)
{
  if (!self->settings)
    return;
  self->device = vo_contacts_device_new (self->rows, self->photo_dir);
  g_signal_connect_object (self->device, "changed", G_CALLBACK (on_device_changed), self, 0);
  g_signal_connect_object (self->settings, "notify::device-contacts-access",
                           G_CALLBACK (on_access_changed), self, 0);
  /* Rows of an earlier run whose access was turned off while it was not
   * running, or that died with it, are not shown unless allowed; their
   * photo copies go with them. */
  vo_contacts_device_forget (self->device);
  device_follow_setting (self);
}

void
vo_contacts_device_access_stop (VoContacts *self)
{
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  /* The rows stay for the next start, which replaces them anyway; stopping
   * only ends the EDS views. */
  if (self->device)
    g_signal_handlers_disconnect_by_data (self->device, self);
}
