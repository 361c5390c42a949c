/* vo-ctl-common.c: option parsing, errors and output helpers shared by
 * every vo-ctl command group.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vo-ctl-common.h"
#include "vo-error.h"


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

int
vo_ctl_fail (GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    return vo_ctl_fail_literal (VO_CTL_NOT_RUNNING_MESSAGE);

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

void
vo_ctl_json_add_member (JsonBuilder *builder, const char *name, GVariant *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_value (builder, json_gvariant_serialize (value));
  else
    json_builder_add_null_value (builder);
}

void
vo_ctl_print_variant_json (GVariant *value)
{
  g_autoptr (JsonNode) node = json_gvariant_serialize (value);

  vo_ctl_print_json (node, TRUE);
}

void
vo_ctl_print_builder_json (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  vo_ctl_print_json (root, TRUE);
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

int
vo_ctl_open_file (const char *path, const char *what, GError **error)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0) {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "cannot open %s: %s",
                 path, g_strerror (saved_errno));
    return -1;
  }
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)) {
    close (fd);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s is not a file: give %s",
                 path, what);
    return -1;
  }
  return fd;
}
