/* vo-settings.c: settings stored in vo.conf, plus the network-derived policy.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-account"

#include "vo-settings.h"
#include "vo-error.h"

#include <string.h>

#define GROUP "settings"
#define MAX_DEVICE_NAME 256

struct _VoSettings {
  GObject parent_instance;
  VoConfig *config;
  VoNetworkMonitor *network;
  gboolean calls_allowed;
};

enum {
  PROP_0,
  PROP_ALLOW_CELLULAR_DATA,
  PROP_CELLULAR_VOICE_FALLBACK,
  PROP_MOBILE_NUMBER,
  PROP_DEVICE_CONTACTS_ACCESS,
  PROP_AUDIO_INPUT,
  PROP_AUDIO_OUTPUT,
  PROP_RING_OUTPUT,
  PROP_NETWORK_TYPE,
  PROP_CALLS_ALLOWED,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (VoSettings, vo_settings, G_TYPE_OBJECT)

static gboolean
settings_compute_calls_allowed (VoSettings *self)
{
  switch (vo_network_monitor_get_network_type (self->network)) {
  case VO_NETWORK_NONE:
    return FALSE;
  case VO_NETWORK_CELLULAR:
    return vo_config_get_boolean (self->config, GROUP, "allow-cellular-data", FALSE);
  case VO_NETWORK_WIFI:
  case VO_NETWORK_ETHERNET:
  case VO_NETWORK_UNKNOWN:
  default:
    return TRUE;
  }
}

static void
settings_update_calls_allowed (VoSettings *self)
{
  gboolean allowed = settings_compute_calls_allowed (self);

  if (allowed == self->calls_allowed)
    return;
  self->calls_allowed = allowed;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CALLS_ALLOWED]);
}

static void
on_network_type_changed (GObject *network, GParamSpec *pspec, gpointer user_data)
{
  VoSettings *self = user_data;

  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NETWORK_TYPE]);
  settings_update_calls_allowed (self);
}

/* An empty number clears it; else an optional +, then digits with the usual
 * separators, 3 to 20 digits. */
static gboolean
phone_number_is_valid (const char *number)
{
  guint digits = 0;

  if (*number == '\0')
    return TRUE;
  for (const char *p = number; *p; p++) {
    if (g_ascii_isdigit (*p))
      digits++;
    else if (*p == '+' && p == number)
      continue;
    else if (!strchr (" -().", *p))
      return FALSE;
  }
  return digits >= 3 && digits <= 20;
}

static gboolean
device_name_is_valid (const char *name)
{
  if (strlen (name) > MAX_DEVICE_NAME)
    return FALSE;
  /* Per character, not byte: C1 controls such as U+0085 (NEL), line and
   * paragraph separators and invisible format characters (bidi overrides)
   * would break log lines and what vo-ctl prints. @name is valid UTF-8. */
  for (const char *p = name; *p; p = g_utf8_next_char (p)) {
    switch (g_unichar_type (g_utf8_get_char (p))) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return FALSE;
    default:
      break;
    }
  }
  return TRUE;
}

static const char *
settings_key (GParamSpec *pspec)
{
  return g_param_spec_get_name (pspec);
}

gboolean
vo_settings_set (VoSettings *self, const char *property, const GValue *value, GError **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);
  const char *key;

  if (!pspec || !(pspec->flags & G_PARAM_WRITABLE)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a setting that can be changed", property);
    return FALSE;
  }
  key = settings_key (pspec);
  if (!G_VALUE_HOLDS (value, pspec->value_type)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "The setting '%s' takes a %s",
                 key, g_type_name (pspec->value_type));
    return FALSE;
  }

  if (pspec->value_type == G_TYPE_BOOLEAN) {
    if (!vo_config_set_boolean (self->config, GROUP, key, g_value_get_boolean (value), error))
      return FALSE;
  } else {
    const char *text = g_value_get_string (value);

    if (!text)
      text = "";
    if (!g_utf8_validate (text, -1, NULL)) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "The setting '%s' must be UTF-8",
                   key);
      return FALSE;
    }
    if (g_str_equal (key, "mobile-number") && !phone_number_is_valid (text)) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a phone number; use digits with an optional leading + "
                   "(for example +31 6 1234 5678), or an empty string to clear it",
                   text);
      return FALSE;
    }
    if (!g_str_equal (key, "mobile-number") && !device_name_is_valid (text)) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "The audio device name for '%s' must be at most %d characters without "
                   "control characters; an empty string means the default device",
                   key, MAX_DEVICE_NAME);
      return FALSE;
    }
    if (!vo_config_set_string (self->config, GROUP, key, text, error))
      return FALSE;
  }

  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  if (g_str_equal (key, "allow-cellular-data"))
    settings_update_calls_allowed (self);
  return TRUE;
}

static void
vo_settings_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VoSettings *self = VO_SETTINGS (object);
  const char *key = settings_key (pspec);

  switch (prop_id) {
  case PROP_ALLOW_CELLULAR_DATA:
  case PROP_CELLULAR_VOICE_FALLBACK:
  case PROP_DEVICE_CONTACTS_ACCESS:
    g_value_set_boolean (value, vo_config_get_boolean (self->config, GROUP, key, FALSE));
    break;
  case PROP_MOBILE_NUMBER:
  case PROP_AUDIO_INPUT:
  case PROP_AUDIO_OUTPUT:
  case PROP_RING_OUTPUT:
    g_value_take_string (value, vo_config_get_string (self->config, GROUP, key));
    break;
  case PROP_NETWORK_TYPE:
    g_value_set_string (value, vo_settings_get_network_type (self));
    break;
  case PROP_CALLS_ALLOWED:
    g_value_set_boolean (value, self->calls_allowed);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_settings_set_property (GObject *object, guint prop_id, const GValue *value,
                          GParamSpec *pspec)
{
  g_autoptr(GError) error = NULL;

  if (!vo_settings_set (VO_SETTINGS (object), g_param_spec_get_name (pspec), value, &error))
    g_warning ("%s", error->message);
}

static void
vo_settings_dispose (GObject *object)
{
  VoSettings *self = VO_SETTINGS (object);

  if (self->network)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_settings_parent_class)->dispose (object);
}

static void
vo_settings_class_init (VoSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vo_settings_get_property;
  object_class->set_property = vo_settings_set_property;
  object_class->dispose = vo_settings_dispose;

  props[PROP_ALLOW_CELLULAR_DATA] =
    g_param_spec_boolean ("allow-cellular-data", NULL, NULL, FALSE, rw);
  props[PROP_CELLULAR_VOICE_FALLBACK] =
    g_param_spec_boolean ("cellular-voice-fallback", NULL, NULL, FALSE, rw);
  props[PROP_MOBILE_NUMBER] = g_param_spec_string ("mobile-number", NULL, NULL, "", rw);
  props[PROP_DEVICE_CONTACTS_ACCESS] =
    g_param_spec_boolean ("device-contacts-access", NULL, NULL, FALSE, rw);
  props[PROP_AUDIO_INPUT] = g_param_spec_string ("audio-input", NULL, NULL, "", rw);
  props[PROP_AUDIO_OUTPUT] = g_param_spec_string ("audio-output", NULL, NULL, "", rw);
  props[PROP_RING_OUTPUT] = g_param_spec_string ("ring-output", NULL, NULL, "", rw);
  props[PROP_NETWORK_TYPE] = g_param_spec_string ("network-type", NULL, NULL, "unknown", ro);
  props[PROP_CALLS_ALLOWED] = g_param_spec_boolean ("calls-allowed", NULL, NULL, TRUE, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
vo_settings_init (VoSettings *self)
{
}

VoSettings *
vo_settings_new (VoConfig *config, VoNetworkMonitor *network)
{
  VoSettings *self = g_object_new (VO_TYPE_SETTINGS, NULL);

  self->config = g_object_ref (config);
  self->network = g_object_ref (network);
  self->calls_allowed = settings_compute_calls_allowed (self);
  g_signal_connect (network, "notify::network-type", G_CALLBACK (on_network_type_changed), self);
  return self;
}

gboolean
vo_settings_get_calls_allowed (VoSettings *self)
{
  return self->calls_allowed;
}

const char *
vo_settings_get_network_type (VoSettings *self)
{
  return vo_network_type_to_string (vo_network_monitor_get_network_type (self->network));
}
