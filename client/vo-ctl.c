/* vo-ctl.c: entry point — global options, the command table, dispatch, help.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vo-ctl-common.h"
#include "vo-error.h"

static int run_help (VoCtl *ctl, int argc, char **argv);

static const VoCtlCommand builtin_commands[] = {
  { "help", "Show the help of vo-ctl or of one command", run_help },
  { NULL }
};

/* One entry per command group (file); help lists them in this order. */
static const VoCtlCommand *const command_groups[] = {
  vo_ctl_account_commands,
  vo_ctl_service_commands,
  vo_ctl_settings_commands,
  vo_ctl_dial_commands,
  vo_ctl_calls_commands,
  vo_ctl_monitor_commands,
  vo_ctl_history_commands,
  vo_ctl_forwarding_commands,
  vo_ctl_presence_commands,
  vo_ctl_messages_commands,
  vo_ctl_contacts_commands,
  builtin_commands,
};

static const VoCtlCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (command_groups); i++)
    for (const VoCtlCommand *command = command_groups[i]; command->name; command++)
      if (g_str_equal (command->name, name))
        return command;
  return NULL;
}

static char *
commands_description (void)
{
  GString *text = g_string_new ("Commands:\n");
  int width = 0;

  /* The summaries in one column, after the longest name. */
  for (gsize i = 0; i < G_N_ELEMENTS (command_groups); i++)
    for (const VoCtlCommand *command = command_groups[i]; command->name; command++)
      width = MAX (width, (int) strlen (command->name));
  for (gsize i = 0; i < G_N_ELEMENTS (command_groups); i++)
    for (const VoCtlCommand *command = command_groups[i]; command->name; command++)
      g_string_append_printf (text, "  %-*s  %s\n", width, command->name, command->summary);
  g_string_append (text, "\nRun 'vo-ctl help COMMAND' or 'vo-ctl COMMAND --help' for the "
                         "options of a command.\n"
                         "Exit status: 0 done, 1 refused or failed, 2 wrong usage.");
  return g_string_free (text, FALSE);
}

static GOptionContext *
main_context_new (VoCtl *ctl, gboolean *version)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctl->json, "Print JSON instead of text", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autofree char *description = commands_description ();
  GOptionContext *context = g_option_context_new ("COMMAND [ARGUMENT…]");

  g_option_context_set_summary (context,
                                "Control vo-daemon, the Virtual Office softphone daemon, over "
                                "D-Bus (" VO_BUS_NAME " on the session bus).");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  /* Stop at the command name: what follows belongs to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  return context;
}

static void
print_main_help (VoCtl *ctl)
{
  gboolean version = FALSE;
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *help = NULL;

  g_set_prgname ("vo-ctl");
  context = main_context_new (ctl, &version);
  help = g_option_context_get_help (context, TRUE, NULL);
  g_print ("%s", help);
}

static int
run_help (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  const VoCtlCommand *command;
  char *help_argv[] = { NULL, "--help", NULL };

  context = vo_ctl_option_context_new (ctl, "help", "[COMMAND]",
                                       "Show the help of vo-ctl or of one command.", NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc > 2)
    return vo_ctl_usage_error ("help", "too many arguments");

  if (argc < 2) {
    print_main_help (ctl);
    return VO_CTL_EXIT_OK;
  }

  command = find_command (argv[1]);
  if (!command)
    return vo_ctl_usage_error (NULL, "unknown command '%s'", argv[1]);
  /* Every command prints its own help (and exits) on --help. */
  help_argv[0] = (char *) command->name;
  return command->run (ctl, 2, help_argv);
}

int
main (int argc, char **argv)
{
  VoCtl ctl = { 0 };
  gboolean version = FALSE;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const VoCtlCommand *command;
  int status;

  setlocale (LC_ALL, "");
  /* stdout is vo-ctl's answer (text or JSON a script parses): GLib's log lines,
   * debug ones included with G_MESSAGES_DEBUG set, all go to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* Registered before any call so daemon errors map back to their codes. */
  (void) vo_error_quark ();

  context = main_context_new (&ctl, &version);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return vo_ctl_usage_error (NULL, "%s", error->message);

  if (version) {
    g_print ("vo-ctl %s\n", PACKAGE_VERSION);
    return VO_CTL_EXIT_OK;
  }
  if (argc < 2)
    return vo_ctl_usage_error (NULL, "no command given");

  command = find_command (argv[1]);
  if (!command)
    return vo_ctl_usage_error (NULL, "unknown command '%s'", argv[1]);

  status = command->run (&ctl, argc - 1, argv + 1);
  g_clear_object (&ctl.bus);
  return status;
}
