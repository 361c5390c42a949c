/* vo-dbus-settings.c: Settings1, with writes checked by VoSettings.
 *
 * The generated skeleton would store any value of the right D-Bus type. This
 * subclass routes Properties.Set through vo_settings_set() so a bad value is
 * answered with org.virtualoffice.Error.InvalidArgument and never stored.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-settings.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-error.h"

#define VO_TYPE_DBUS_SETTINGS (vo_dbus_settings_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusSettings, vo_dbus_settings, VO, DBUS_SETTINGS,
                      VoDbusSettings1Skeleton)

struct _VoDbusSettings {
  VoDbusSettings1Skeleton parent_instance;
  VoSettings *settings;
};

G_DEFINE_FINAL_TYPE (VoDbusSettings, vo_dbus_settings, VO_DBUS_TYPE_SETTINGS1_SKELETON)

static const char *const mirrored[] = {
  "allow-cellular-data", "cellular-voice-fallback", "mobile-number", "device-contacts-access",
  "audio-input", "audio-output", "ring-output", "network-type", "calls-allowed", NULL
};

static GDBusInterfaceVTable validating_vtable;

static gboolean
settings_set_property (GDBusConnection *connection, const char *sender, const char *path,
                       const char *interface, const char *name, GVariant *value,
                       GError **error, gpointer user_data)
{
  VoDbusSettings *self = VO_DBUS_SETTINGS (user_data);
  g_autofree char *property = vo_dbus_name_to_kebab (name);
  g_auto(GValue) gvalue = G_VALUE_INIT;

  /* GDBus has already checked the type against the introspection data. */
  g_dbus_gvariant_to_gvalue (value, &gvalue);
  if (vo_settings_set (self->settings, property, &gvalue, error))
    return TRUE;
  vo_error_shorten (error ? *error : NULL);
  return FALSE;
}

static GDBusInterfaceVTable *
vo_dbus_settings_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  GDBusInterfaceVTable *generated =
    G_DBUS_INTERFACE_SKELETON_CLASS (vo_dbus_settings_parent_class)->get_vtable (skeleton);

  validating_vtable = *generated;
  validating_vtable.set_property = settings_set_property;
  return &validating_vtable;
}

static void
vo_dbus_settings_dispose (GObject *object)
{
  g_clear_object (&VO_DBUS_SETTINGS (object)->settings);
  G_OBJECT_CLASS (vo_dbus_settings_parent_class)->dispose (object);
}

static void
vo_dbus_settings_class_init (VoDbusSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_settings_dispose;
  G_DBUS_INTERFACE_SKELETON_CLASS (klass)->get_vtable = vo_dbus_settings_get_vtable;
}

static void
vo_dbus_settings_init (VoDbusSettings *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_settings_new (VoSettings *settings)
{
  VoDbusSettings *self = g_object_new (VO_TYPE_DBUS_SETTINGS, NULL);

  self->settings = g_object_ref (settings);
  vo_dbus_mirror_properties (G_OBJECT (settings), G_DBUS_INTERFACE_SKELETON (self), mirrored);
  return G_DBUS_INTERFACE_SKELETON (self);
}
