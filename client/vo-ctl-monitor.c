/* vo-ctl-monitor.c: the monitor command — one line per signal vo-daemon
 * sends (property changes, object manager, every interface) until stopped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "vo-ctl-common.h"

typedef struct {
  VoCtl *ctl;
  GMainLoop *loop;
  int status;
} Monitor;

/* "Account1" for our interfaces, "ObjectManager" for the standard ones. */
static const char *
short_interface (const char *interface)
{
  if (g_str_has_prefix (interface, VO_BUS_NAME "."))
    return interface + strlen (VO_BUS_NAME ".");
  if (g_str_has_prefix (interface, "org.freedesktop.DBus."))
    return interface + strlen ("org.freedesktop.DBus.");
  return interface;
}

static void
print_line (const char *line)
{
  fputs (line, stdout);
  fputc ('\n', stdout);
  /* Read line by line through a pipe: do not let lines sit in a buffer. */
  fflush (stdout);
}

/* "12:34:56.789 " and, for objects other than the root, "PATH ". */
static char *
text_prefix (GDateTime *now, const char *path)
{
  g_autofree char *clock = g_date_time_format (now, "%H:%M:%S");
  int ms = g_date_time_get_microsecond (now) / 1000;

  if (g_str_equal (path, VO_OBJECT_PATH))
    return g_strdup_printf ("%s.%03d", clock, ms);
  return g_strdup_printf ("%s.%03d %s", clock, ms, path);
}

static void
print_properties_text (GDateTime *now, const char *path, GVariant *parameters)
{
  g_autofree char *prefix = text_prefix (now, path);
  g_autoptr (GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;
  const char *interface;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_get (parameters, "(&s@a{sv}^a&s)", &interface, &changed, &invalidated);

  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
    g_autofree char *text = g_variant_print (value, FALSE);
    g_autofree char *line =
      g_strdup_printf ("%s %s.%s = %s", prefix, short_interface (interface), name, text);

    print_line (line);
    g_variant_unref (value);
  }
  for (gsize i = 0; invalidated[i]; i++) {
    g_autofree char *line =
      g_strdup_printf ("%s %s.%s (invalidated)", prefix, short_interface (interface),
                       invalidated[i]);

    print_line (line);
  }
}

/* The interfaces every object has (Properties, Introspectable, Peer…). */
static gboolean
is_standard_interface (const char *interface)
{
  return g_str_has_prefix (interface, "org.freedesktop.DBus.");
}

/* InterfacesAdded (o a{sa{sv}}): " PATH Call1 State='incoming' Muted=false…",
 * one group per interface (the standard ones left out), "; " between. */
static gboolean
append_interfaces_added (GString *line, GVariant *parameters)
{
  g_autoptr (GVariant) interfaces = NULL;
  const char *object;
  GVariantIter iter;
  const char *interface;
  GVariant *properties;
  gboolean first = TRUE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oa{sa{sv}})")))
    return FALSE;
  g_variant_get (parameters, "(&o@a{sa{sv}})", &object, &interfaces);
  g_string_append_printf (line, " %s", object);

  g_variant_iter_init (&iter, interfaces);
  while (g_variant_iter_next (&iter, "{&s@a{sv}}", &interface, &properties)) {
    GVariantIter property_iter;
    const char *name;
    GVariant *value;

    if (!is_standard_interface (interface)) {
      g_string_append_printf (line, "%s %s", first ? "" : ";", short_interface (interface));
      first = FALSE;
      g_variant_iter_init (&property_iter, properties);
      while (g_variant_iter_next (&property_iter, "{&sv}", &name, &value)) {
        g_autofree char *text = g_variant_print (value, FALSE);

        g_string_append_printf (line, " %s=%s", name, text);
        g_variant_unref (value);
      }
    }
    g_variant_unref (properties);
  }
  return TRUE;
}

/* InterfacesRemoved (o as): " PATH Call1" (the standard interfaces left out). */
static gboolean
append_interfaces_removed (GString *line, GVariant *parameters)
{
  g_autofree const char **interfaces = NULL;
  const char *object;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oas)")))
    return FALSE;
  g_variant_get (parameters, "(&o^a&s)", &object, &interfaces);
  g_string_append_printf (line, " %s", object);
  for (gsize i = 0; interfaces[i]; i++)
    if (!is_standard_interface (interfaces[i]))
      g_string_append_printf (line, " %s", short_interface (interfaces[i]));
  return TRUE;
}

/* Arguments of basic types one after the other (" /org/…/calls/1",
 * " 'remote'"); FALSE when one is a container. */
static gboolean
append_simple_arguments (GString *line, GVariant *parameters)
{
  gsize n = g_variant_n_children (parameters);

  for (gsize i = 0; i < n; i++) {
    g_autoptr (GVariant) child = g_variant_get_child_value (parameters, i);

    if (!g_variant_type_is_basic (g_variant_get_type (child)))
      return FALSE;
  }
  for (gsize i = 0; i < n; i++) {
    g_autoptr (GVariant) child = g_variant_get_child_value (parameters, i);
    g_autofree char *text = NULL;

    /* Paths bare, as in the line's prefix; strings quoted, as property values. */
    if (g_variant_is_of_type (child, G_VARIANT_TYPE_OBJECT_PATH))
      text = g_variant_dup_string (child, NULL);
    else
      text = g_variant_print (child, FALSE);
    g_string_append_printf (line, " %s", text);
  }
  return TRUE;
}

static void
print_signal_text (GDateTime  *now,
                   const char *path,
                   const char *interface,
                   const char *member,
                   GVariant   *parameters)
{
  g_autofree char *prefix = text_prefix (now, path);
  g_autoptr (GString) line = g_string_new (NULL);
  gsize length;
  gboolean done = FALSE;

  g_string_append_printf (line, "%s %s.%s", prefix, short_interface (interface), member);
  length = line->len;

  if (g_str_equal (interface, VO_CTL_OBJECT_MANAGER_INTERFACE) && g_str_equal (member, "InterfacesAdded"))
    done = append_interfaces_added (line, parameters);
  else if (g_str_equal (interface, VO_CTL_OBJECT_MANAGER_INTERFACE) &&
           g_str_equal (member, "InterfacesRemoved"))
    done = append_interfaces_removed (line, parameters);
  else if (g_variant_is_container (parameters))
    done = append_simple_arguments (line, parameters);

  if (!done) {
    g_autofree char *args = g_variant_print (parameters, FALSE);

    g_string_truncate (line, length);
    g_string_append_printf (line, " %s", args);
  }
  print_line (line->str);
}

/* {"time":…, "path":…, "interface":…, "member":…, then "changed" and
 * "invalidated" for property changes (interface is the one that changed),
 * "args" for any other signal}. */
static void
print_json (GDateTime  *now,
            const char *path,
            const char *interface,
            const char *member,
            GVariant   *parameters)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (now);
  g_autofree char *time = g_date_time_format_iso8601 (utc);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  gboolean properties = g_str_equal (interface, VO_CTL_PROPERTIES_INTERFACE) &&
                        g_str_equal (member, "PropertiesChanged") &&
                        g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)"));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);

  if (properties) {
    g_autoptr (GVariant) changed = g_variant_get_child_value (parameters, 1);
    g_autoptr (GVariant) invalidated = g_variant_get_child_value (parameters, 2);
    const char *changed_interface;

    g_variant_get_child (parameters, 0, "&s", &changed_interface);
    json_builder_set_member_name (builder, "interface");
    json_builder_add_string_value (builder, changed_interface);
    json_builder_set_member_name (builder, "member");
    json_builder_add_string_value (builder, member);
    json_builder_set_member_name (builder, "changed");
    json_builder_add_value (builder, json_gvariant_serialize (changed));
    json_builder_set_member_name (builder, "invalidated");
    json_builder_add_value (builder, json_gvariant_serialize (invalidated));
  } else {
    json_builder_set_member_name (builder, "interface");
    json_builder_add_string_value (builder, interface);
    json_builder_set_member_name (builder, "member");
    json_builder_add_string_value (builder, member);
    json_builder_set_member_name (builder, "args");
    json_builder_add_value (builder, json_gvariant_serialize (parameters));
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  vo_ctl_print_json (root, FALSE);
}

static void
on_signal (const char *path, const char *interface, const char *member, GVariant *parameters,
           gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (monitor->ctl->json)
    print_json (now, path, interface, member, parameters);
  else if (g_str_equal (interface, VO_CTL_PROPERTIES_INTERFACE) &&
           g_str_equal (member, "PropertiesChanged") &&
           g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    print_properties_text (now, path, parameters);
  else
    print_signal_text (now, path, interface, member, parameters);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Monitor *monitor = user_data;

  monitor->status = VO_CTL_EXIT_OK;
  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_bus_closed (GDBusConnection *connection,
               gboolean         remote_peer_vanished,
               GError          *error,
               gpointer         user_data)
{
  Monitor *monitor = user_data;

  monitor->status = vo_ctl_fail_literal ("lost the connection to the session bus");
  g_main_loop_quit (monitor->loop);
}

static int
run_monitor (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  Monitor monitor = { ctl, NULL, VO_CTL_EXIT_OK };
  guint subscription, sigint, sigterm;
  gulong closed;

  context = vo_ctl_option_context_new (ctl, "monitor", NULL,
                                       "Print every signal vo-daemon sends, one line each, until "
                                       "interrupted (SIGINT or SIGTERM, then exit 0).",
                                       NULL);
  g_option_context_set_description (context,
                                    "Text: TIME [PATH] Interface.Property = value,\n"
                                    "      TIME [PATH] Interface.Signal ARGUMENT… (strings "
                                    "quoted), or\n"
                                    "      TIME [PATH] Interface.Signal (arguments) when one is "
                                    "not simple;\n"
                                    "      TIME ObjectManager.InterfacesAdded OBJECT Interface "
                                    "Property=value…\n"
                                    "      TIME ObjectManager.InterfacesRemoved OBJECT "
                                    "Interface…\n"
                                    "      (PATH is left out for " VO_OBJECT_PATH ").\n"
                                    "JSON: one object per line with time, path, interface, "
                                    "member and\n"
                                    "      args, or changed and invalidated for property "
                                    "changes.");
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc > 1)
    return vo_ctl_usage_error ("monitor", "too many arguments");

  /* No activation: watching does not need the daemon, and it may come later. */
  if (!vo_ctl_get_bus (ctl, &error))
    return vo_ctl_fail (error);

  loop = g_main_loop_new (NULL, FALSE);
  monitor.loop = loop;

  g_dbus_connection_set_exit_on_close (ctl->bus, FALSE);
  closed = g_signal_connect (ctl->bus, "closed", G_CALLBACK (on_bus_closed), &monitor);
  sigint = g_unix_signal_add (SIGINT, on_quit_signal, &monitor);
  sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, &monitor);
  subscription = vo_ctl_subscribe_daemon_signals (ctl, on_signal, &monitor);
  /* The bus handles our AddMatch before this call, so from here on no
   * signal is missed; scripts (and the tests) can wait for this line. */
  if (!vo_ctl_daemon_is_running (ctl))
    g_printerr ("vo-ctl: vo-daemon is not running on the session bus (" VO_BUS_NAME
                ") yet; waiting for it\n");
  g_debug ("Watching " VO_BUS_NAME "'s signals");

  g_main_loop_run (loop);

  g_dbus_connection_signal_unsubscribe (ctl->bus, subscription);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_signal_handler_disconnect (ctl->bus, closed);
  return monitor.status;
}

const VoCtlCommand vo_ctl_monitor_commands[] = {
  { "monitor", "Print the daemon's signals as they happen", run_monitor },
  { NULL }
};
