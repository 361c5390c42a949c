/* vo-ctl-common.c: option parsing, the bus, proxies, errors and output
 * helpers shared by every vo-ctl command group.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "vo-ctl-common.h"
#include "vo-error.h"

#define NOT_RUNNING_MESSAGE "vo-daemon is not running on the session bus (" VO_BUS_NAME ")"

GOptionContext *
vo_ctl_option_context_new (VoCtl              *ctl,
                           const char         *name,
                           const char         *parameters,
                           const char         *summary,
                           const GOptionEntry *entries)
{
  /* Copied by g_option_context_add_main_entries(), so the stack is fine. */
  const GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctl->json, "Print JSON instead of text", NULL },
    { NULL }
  };
  g_autofree char *prgname = g_strdup_printf ("vo-ctl %s", name);
  GOptionContext *context = g_option_context_new (parameters);

  /* The usage line is built from the program name: "vo-ctl NAME [OPTION…] …". */
  g_set_prgname (prgname);
  if (summary)
    g_option_context_set_summary (context, summary);
  if (entries)
    g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, json_entries, NULL);
  return context;
}

gboolean
vo_ctl_parse (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup ((*argv)[0]);
  gboolean dropped = FALSE;
  int out = 1;

  if (!g_option_context_parse (context, argc, argv, &error)) {
    vo_ctl_usage_error (name, "%s", error->message);
    return FALSE;
  }

  /* A "--" kept by GOption (it keeps it when later arguments start with '-')
   * only separates options from arguments; drop it. */
  for (int in = 1; in < *argc; in++) {
    if (!dropped && g_str_equal ((*argv)[in], "--")) {
      dropped = TRUE;
      continue;
    }
    (*argv)[out++] = (*argv)[in];
  }
  (*argv)[out] = NULL;
  *argc = out;
  return TRUE;
}

int
vo_ctl_usage_error (const char *command, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("vo-ctl: %s\n", message);
  if (command)
    g_printerr ("Try 'vo-ctl %s --help' for more information.\n", command);
  else
    g_printerr ("Try 'vo-ctl --help' for more information.\n");
  return VO_CTL_EXIT_USAGE;
}

gboolean
vo_ctl_get_bus (VoCtl *ctl, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (ctl->bus)
    return TRUE;

  ctl->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &local_error);
  if (!ctl->bus) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                 "cannot connect to the session bus: %s (is DBUS_SESSION_BUS_ADDRESS set?)",
                 local_error->message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
name_has_owner (GDBusConnection *bus, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", VO_BUS_NAME), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

gboolean
vo_ctl_connect (VoCtl *ctl, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) local_error = NULL;

  if (ctl->daemon_checked)
    return TRUE;
  if (!vo_ctl_get_bus (ctl, error))
    return FALSE;

  if (name_has_owner (ctl->bus, NULL)) {
    ctl->daemon_checked = TRUE;
    return TRUE;
  }

  /* Not there: start it if a service file says how (D-Bus activation). */
  reply = g_dbus_connection_call_sync (ctl->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "StartServiceByName",
                                       g_variant_new ("(su)", VO_BUS_NAME, 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &local_error);
  if (reply) {
    ctl->daemon_checked = TRUE;
    return TRUE;
  }

  if (g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, NOT_RUNNING_MESSAGE);
    return FALSE;
  }
  g_dbus_error_strip_remote_error (local_error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "vo-daemon could not be started: %s",
               local_error->message);
  return FALSE;
}

VoDbusAccount1 *
vo_ctl_account_proxy (VoCtl *ctl, GError **error)
{
  if (!vo_ctl_connect (ctl, error))
    return NULL;
  return vo_dbus_account1_proxy_new_sync (ctl->bus, G_DBUS_PROXY_FLAGS_NONE, VO_BUS_NAME,
                                          VO_OBJECT_PATH, NULL, error);
}

VoDbusSettings1 *
vo_ctl_settings_proxy (VoCtl *ctl, GError **error)
{
  if (!vo_ctl_connect (ctl, error))
    return NULL;
  return vo_dbus_settings1_proxy_new_sync (ctl->bus, G_DBUS_PROXY_FLAGS_NONE, VO_BUS_NAME,
                                           VO_OBJECT_PATH, NULL, error);
}

GVariant *
vo_ctl_get_all (VoCtl *ctl, const char *interface, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *properties;

  if (!vo_ctl_connect (ctl, error))
    return NULL;
  reply = g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, VO_OBJECT_PATH,
                                       "org.freedesktop.DBus.Properties", "GetAll",
                                       g_variant_new ("(s)", interface),
                                       G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, error);
  if (!reply)
    return NULL;
  g_variant_get (reply, "(@a{sv})", &properties);
  return properties;
}

GVariant *
vo_ctl_get_property (GDBusProxy *proxy, const char *name, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *value;

  value = g_dbus_proxy_get_cached_property (proxy, name);
  if (value)
    return value;

  reply = g_dbus_proxy_call_sync (proxy, "org.freedesktop.DBus.Properties.Get",
                                  g_variant_new ("(ss)", g_dbus_proxy_get_interface_name (proxy),
                                                 name),
                                  G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (!reply)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  return value;
}

int
vo_ctl_fail (GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    return vo_ctl_fail_literal (NOT_RUNNING_MESSAGE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT))
    return vo_ctl_fail_literal ("vo-daemon did not answer in time");

  vo_error_strip_remote (error);
  return vo_ctl_fail_literal (error->message);
}

int
vo_ctl_fail_literal (const char *message)
{
  /* stdout may be a pipe read line by line; keep the order of what was said. */
  fflush (stdout);
  g_printerr ("vo-ctl: %s\n", message);
  return VO_CTL_EXIT_FAILURE;
}

char *
vo_ctl_kebab_case (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p; p++) {
    /* A word starts at an upper-case letter after a lower-case one or a digit,
     * or at the last capital of an acronym ("SIPUri" → "sip-uri"). */
    if (g_ascii_isupper (*p) && p != name &&
        (g_ascii_islower (p[-1]) || g_ascii_isdigit (p[-1]) ||
         (g_ascii_isupper (p[-1]) && g_ascii_islower (p[1]))))
      g_string_append_c (out, '-');
    g_string_append_c (out, g_ascii_tolower (*p));
  }
  return g_string_free (out, FALSE);
}

char *
vo_ctl_format_value (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "true" : "false");

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE_SIGNATURE))
    return g_variant_dup_string (value, NULL);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY)) {
    g_autofree const char **strv = g_variant_get_strv (value, NULL);

    return g_strjoinv (", ", (char **) strv);
  }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY)) {
    g_autofree const char **objv = g_variant_get_objv (value, NULL);

    return g_strjoinv (", ", (char **) objv);
  }

  return g_variant_print (value, FALSE);
}

void
vo_ctl_print_field (const char *name, const char *value)
{
  if (value && *value)
    g_print ("%s: %s\n", name, value);
  else
    g_print ("%s:\n", name);
}

void
vo_ctl_print_json (JsonNode *node, gboolean pretty)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  if (pretty)
    json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

const char *
vo_ctl_lookup_string (GVariant *dict, const char *key)
{
  const char *value = "";

  g_variant_lookup (dict, key, "&s", &value);
  return value;
}

char *
vo_ctl_format_time (gint64 us)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  return time ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}
