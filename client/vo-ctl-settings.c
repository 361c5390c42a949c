/* vo-ctl-settings.c: the settings command — list, get and set Settings1
 * properties by their kebab-case (or D-Bus) names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-common.h"

/* The property KEY names: "allow-cellular-data" or "AllowCellularData". */
static GDBusPropertyInfo *
find_setting (const char *key)
{
  GDBusInterfaceInfo *info = vo_dbus_settings1_interface_info ();

  for (GDBusPropertyInfo **p = info->properties; p && *p; p++) {
    g_autofree char *kebab = vo_ctl_kebab_case ((*p)->name);

    if (g_ascii_strcasecmp (kebab, key) == 0 || g_ascii_strcasecmp ((*p)->name, key) == 0)
      return *p;
  }
  return NULL;
}

static char *
settings_description (void)
{
  GDBusInterfaceInfo *info = vo_dbus_settings1_interface_info ();
  GString *text = g_string_new ("Settings:\n");

  for (GDBusPropertyInfo **p = info->properties; p && *p; p++) {
    g_autofree char *kebab = vo_ctl_kebab_case ((*p)->name);
    const char *kind = g_str_equal ((*p)->signature, "b")   ? "true/false"
                       : g_str_equal ((*p)->signature, "s") ? "text"
                                                            : (*p)->signature;

    g_string_append_printf (text, "  %-26s %s%s\n", kebab, kind,
                            ((*p)->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE) ? ""
                                                                                : ", read-only");
  }
  g_string_append (text, "\nBooleans take true/false, yes/no, on/off or 1/0.");
  return g_string_free (text, FALSE);
}

static gboolean
parse_boolean (const char *text, gboolean *value)
{
  static const char *const yes[] = { "true", "yes", "on", "1", NULL };
  static const char *const no[] = { "false", "no", "off", "0", NULL };

  for (gsize i = 0; yes[i]; i++) {
    if (g_ascii_strcasecmp (text, yes[i]) == 0) {
      *value = TRUE;
      return TRUE;
    }
    if (g_ascii_strcasecmp (text, no[i]) == 0) {
      *value = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

/* TEXT as a value of the property's type, or NULL after a usage message. */
static GVariant *
parse_value (GDBusPropertyInfo *property, const char *key, const char *text)
{
  g_autoptr (GError) error = NULL;
  GVariant *value;
  gboolean b;

  if (g_str_equal (property->signature, "b")) {
    if (!parse_boolean (text, &b)) {
      vo_ctl_usage_error ("settings", "%s takes true or false, not '%s'", key, text);
      return NULL;
    }
    return g_variant_new_boolean (b);
  }
  if (g_str_equal (property->signature, "s"))
    return g_variant_new_string (text);

  value = g_variant_parse (G_VARIANT_TYPE (property->signature), text, NULL, NULL, &error);
  if (!value)
    vo_ctl_usage_error ("settings", "'%s' is not a value for %s: %s", text, key, error->message);
  return value;
}

static void
print_setting (VoCtl *ctl, JsonBuilder *builder, const char *name, GVariant *value)
{
  g_autofree char *kebab = vo_ctl_kebab_case (name);
  g_autofree char *text = NULL;

  if (ctl->json) {
    vo_ctl_json_add_member (builder, kebab, value);
    return;
  }
  text = vo_ctl_format_value (value);
  vo_ctl_print_field (kebab, text);
}

static void
print_json_object (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  vo_ctl_print_builder_json (builder);
}

static int
settings_list (VoCtl *ctl)
{
  GDBusInterfaceInfo *info = vo_dbus_settings1_interface_info ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) all = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  GVariantIter iter;
  const char *name;
  GVariant *value;

  all = vo_ctl_get_all (ctl, info, VO_OBJECT_PATH, &error);
  if (!all)
    return vo_ctl_fail (error);

  json_builder_begin_object (builder);
  /* The order of the interface first, then whatever a newer daemon adds. */
  for (GDBusPropertyInfo **p = info->properties; p && *p; p++) {
    g_autoptr (GVariant) known = g_variant_lookup_value (all, (*p)->name, NULL);

    if (known)
      print_setting (ctl, builder, (*p)->name, known);
  }
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
    if (!g_dbus_interface_info_lookup_property (info, name))
      print_setting (ctl, builder, name, value);
    g_variant_unref (value);
  }

  if (ctl->json)
    print_json_object (builder);
  return VO_CTL_EXIT_OK;
}

static int
settings_get (VoCtl *ctl, const char *key)
{
  GDBusPropertyInfo *property = find_setting (key);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusSettings1) settings = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  if (!property)
    return vo_ctl_usage_error ("settings", "unknown setting '%s'", key);

  /* Get (the proxy has no cache), so a daemon without the property says so. */
  settings = vo_ctl_proxy (ctl, settings1, SETTINGS1, VO_OBJECT_PATH, &error);
  if (settings)
    value = vo_ctl_get_property (settings, property->name, &error);
  if (!value)
    return vo_ctl_fail (error);

  if (ctl->json) {
    json_builder_begin_object (builder);
    print_setting (ctl, builder, property->name, value);
    print_json_object (builder);
    return VO_CTL_EXIT_OK;
  }
  /* Just the value, for scripts: x=$(vo-ctl settings get mobile-number). */
  text = vo_ctl_format_value (value);
  g_print ("%s\n", text);
  return VO_CTL_EXIT_OK;
}

static int
settings_set (VoCtl *ctl, const char *key, const char *text)
{
  GDBusPropertyInfo *property = find_setting (key);
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusSettings1) settings = NULL;
  g_autofree char *kebab = NULL;
  g_autoptr (GVariant) value = NULL;

  if (!property)
    return vo_ctl_usage_error ("settings", "unknown setting '%s'", key);
  kebab = vo_ctl_kebab_case (property->name);
  if (!(property->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE))
    return vo_ctl_usage_error ("settings", "%s is read-only: vo-daemon reports it, it cannot be set",
                               kebab);

  value = parse_value (property, kebab, text);
  if (!value)
    return VO_CTL_EXIT_USAGE;
  g_variant_ref_sink (value);

  settings = vo_ctl_proxy (ctl, settings1, SETTINGS1, VO_OBJECT_PATH, &error);
  if (!settings || !vo_ctl_set_property (settings, property->name, value, -1, &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
run_settings (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *description = settings_description ();
  const char *action;

  context = vo_ctl_option_context_new (ctl, "settings", "[list | get KEY | set KEY VALUE]",
                                       "Show or change the daemon's settings. KEY is the "
                                       "kebab-case name below (or the D-Bus property name).",
                                       NULL);
  g_option_context_set_description (context, description);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;

  action = argc > 1 ? argv[1] : "list";
  if (g_str_equal (action, "list")) {
    if (argc > 2)
      return vo_ctl_usage_error ("settings", "too many arguments");
    return settings_list (ctl);
  }
  if (g_str_equal (action, "get")) {
    if (argc != 3)
      return vo_ctl_usage_error ("settings", "usage: settings get KEY");
    return settings_get (ctl, argv[2]);
  }
  if (g_str_equal (action, "set")) {
    if (argc != 4)
      return vo_ctl_usage_error ("settings", "usage: settings set KEY VALUE");
    return settings_set (ctl, argv[2], argv[3]);
  }
  return vo_ctl_usage_error ("settings", "unknown action '%s' (list, get or set)", action);
}

const VoCtlCommand vo_ctl_settings_commands[] = {
  { "settings", "List, get or set settings", run_settings },
  { NULL }
};
