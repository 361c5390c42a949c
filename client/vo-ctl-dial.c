/* vo-ctl-dial.c: the dial command — Calls1.Dial, and with --wait following
 * the new call until it is answered or has ended.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "vo-ctl-call.h"

/* The signals dial --wait follows (the interfaces of the generated code are
 * named by their GDBusInterfaceInfo). */
#define CALL1_INTERFACE (vo_dbus_call1_interface_info ()->name)

typedef struct {
  GMainLoop *loop;
  VoCtlCall *call; /* NULL until Dial has answered */
  double timeout;
  guint timeout_id;
  gboolean done;
  int status;
  char *message; /* why it failed, for people */
} DialWait;

static void
dial_finish (DialWait *wait, int status, const char *message)
{
  if (wait->done)
    return;
  wait->done = TRUE;
  wait->status = status;
  wait->message = g_strdup (message);
  if (wait->loop)
    g_main_loop_quit (wait->loop);
}

static void
dial_ended (DialWait *wait, const char *reason)
{
  g_autofree char *label = vo_ctl_call_label (wait->call);
  g_autofree char *message = NULL;

  if (!reason || !*reason)
    reason = vo_ctl_call_string (wait->call, "EndReason");
  /* Copy: REASON may point into the properties replaced here. */
  message = *reason ? g_strdup_printf ("%s ended before it was answered: %s", label, reason)
                    : g_strdup_printf ("%s ended before it was answered", label);
  vo_ctl_call_set_ended (wait->call, *reason ? reason : NULL);
  dial_finish (wait, VO_CTL_EXIT_FAILURE, message);
}

static void
dial_check (DialWait *wait)
{
  const char *state = vo_ctl_call_string (wait->call, "State");

  if (g_str_equal (state, "active") || g_str_equal (state, "held"))
    dial_finish (wait, VO_CTL_EXIT_OK, NULL);
  else if (g_str_equal (state, "ended"))
    dial_ended (wait, NULL);
}

static void
on_daemon_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  dial_finish (user_data, VO_CTL_EXIT_FAILURE,
               "vo-daemon left the session bus while waiting for the answer");
}

static void
on_dial_signal (const char *path, const char *interface, const char *member, GVariant *parameters,
                gpointer user_data)
{
  DialWait *wait = user_data;

  if (!wait->call || wait->done)
    return;

  if (g_str_equal (interface, VO_CTL_PROPERTIES_INTERFACE) &&
      g_str_equal (member, "PropertiesChanged") && g_str_equal (path, wait->call->path) &&
      g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)"))) {
    g_autoptr (GVariant) changed = NULL;
    GVariantDict dict;
    const char *changed_interface;
    GVariantIter iter;
    const char *name;
    GVariant *value;

    g_variant_get (parameters, "(&s@a{sv}as)", &changed_interface, &changed, NULL);
    if (!g_str_equal (changed_interface, CALL1_INTERFACE))
      return;
    g_variant_dict_init (&dict, wait->call->properties);
    g_variant_iter_init (&iter, changed);
    while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
      g_variant_dict_insert_value (&dict, name, value);
      g_variant_unref (value);
    }
    vo_ctl_call_set_properties (wait->call, g_variant_dict_end (&dict));
    dial_check (wait);
  } else if (g_str_equal (interface, CALL1_INTERFACE) && g_str_equal (member, "Ended") &&
             g_str_equal (path, wait->call->path) &&
             g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)"))) {
    g_autofree char *reason = NULL;

    g_variant_get (parameters, "(s)", &reason);
    dial_ended (wait, reason);
  } else if (g_str_equal (interface, VO_CTL_OBJECT_MANAGER_INTERFACE) &&
             g_str_equal (member, "InterfacesRemoved") &&
             g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oas)"))) {
    const char *removed;

    g_variant_get (parameters, "(&oas)", &removed, NULL);
    if (g_str_equal (removed, wait->call->path))
      dial_ended (wait, NULL);
  }
}

static gboolean
on_dial_timeout (gpointer user_data)
{
  DialWait *wait = user_data;
  g_autofree char *label = vo_ctl_call_label (wait->call);
  g_autofree char *message =
    g_strdup_printf ("timed out after %g s waiting for %s to be answered (it goes on)",
                     wait->timeout, label);

  wait->timeout_id = 0;
  dial_finish (wait, VO_CTL_EXIT_FAILURE, message);
  return G_SOURCE_REMOVE;
}

static void
unsubscribe (VoCtl *ctl, guint signals, guint owner)
{
  if (signals)
    g_dbus_connection_signal_unsubscribe (ctl->bus, signals);
  if (owner)
    g_bus_unwatch_name (owner);
}

static int
run_dial (VoCtl *ctl, int argc, char **argv)
{
  gboolean wait_answer = FALSE;
  double timeout = 0;
  const GOptionEntry entries[] = {
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait_answer,
      "Wait until the call is answered (exit 0) or has ended (exit 1)", NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      "With --wait, give up waiting after S seconds; the call goes on (default: no limit)",
      "S" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusCalls1) calls = NULL;
  g_autoptr (GVariant) properties = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (VoCtlCall) call = NULL;
  g_autofree char *message = NULL;
  DialWait wait = { 0 };
  g_autofree char *path = NULL;
  guint signals = 0, owner = 0;

  context = vo_ctl_option_context_new (ctl, "dial", "TARGET",
                                       "Call TARGET and print the new call's object path.",
                                       entries);
  g_option_context_set_description (
    context, "TARGET is a contact's name (quote a full name: \"Alice Smith\"; words may be\n"
             "prefixes) or id, an extension (201), a user of the account's domain (bob),\n"
             "a SIP address (bob@example.com), a phone number (+31 20 123 4567,\n"
             "020-1234567) or a sip:, sips: or tel: URI. A word that names no contact is\n"
             "a user of the domain; one that names several fails and lists them.\n"
             "With --json the call is printed as 'vo-ctl calls --json' shows it, after\n"
             "the wait with --wait.");
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 2)
    return vo_ctl_usage_error ("dial", "missing TARGET");
  if (argc > 2)
    return vo_ctl_usage_error ("dial", "too many arguments (quote a number with spaces)");
  if (!(timeout >= 0 && timeout <= G_MAXUINT / 1000))
    return vo_ctl_usage_error ("dial", "--timeout needs a number of seconds, not %g", timeout);
  if (timeout > 0 && !wait_answer)
    return vo_ctl_usage_error ("dial", "--timeout goes with --wait");

  calls = vo_ctl_proxy (ctl, calls1, CALLS1, VO_OBJECT_PATH, &error);
  if (!calls)
    return vo_ctl_fail (error);

  /* Listen before dialling: nothing the call does can then be missed. */
  if (wait_answer) {
    signals = vo_ctl_subscribe_daemon_signals (ctl, on_dial_signal, &wait);
    owner = g_bus_watch_name_on_connection (ctl->bus, VO_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                            NULL, on_daemon_vanished, &wait, NULL);
  }

  if (!vo_dbus_calls1_call_dial_sync (calls, argv[1], vo_ctl_no_options (), G_DBUS_CALL_FLAGS_NONE,
                                      -1, &path, NULL, &error)) {
    unsubscribe (ctl, signals, owner);
    return vo_ctl_fail (error);
  }

  if (!ctl->json) {
    g_print ("%s\n", path);
    fflush (stdout);
    if (!wait_answer)
      return VO_CTL_EXIT_OK;
  }

  properties = vo_ctl_get_call_properties (ctl, path, &error);
  if (!properties && !vo_ctl_is_gone_error (error)) {
    unsubscribe (ctl, signals, owner);
    return vo_ctl_fail (error);
  }
  call = vo_ctl_call_new (path, properties ? g_steal_pointer (&properties) : vo_ctl_no_options ());

  if (!wait_answer) {
    if (ctl->json)
      vo_ctl_print_call_json (call);
    return VO_CTL_EXIT_OK;
  }

  loop = g_main_loop_new (NULL, FALSE);
  wait.call = call;
  wait.timeout = timeout;
  dial_check (&wait);
  /* The signals that came while Dial and GetAll were under way, in order. */
  while (!wait.done && g_main_context_iteration (NULL, FALSE))
    ;
  if (!wait.done && error) /* gone, and no word why */
    dial_ended (&wait, NULL);
  if (!wait.done) {
    wait.loop = loop;
    if (timeout > 0)
      wait.timeout_id = g_timeout_add ((guint) (timeout * 1000), on_dial_timeout, &wait);
    g_main_loop_run (loop);
    g_clear_handle_id (&wait.timeout_id, g_source_remove);
  }
  unsubscribe (ctl, signals, owner);

  if (ctl->json)
    vo_ctl_print_call_json (call);
  message = g_steal_pointer (&wait.message);
  if (wait.status != VO_CTL_EXIT_OK)
    return vo_ctl_fail_literal (message);
  return VO_CTL_EXIT_OK;
}

const VoCtlCommand vo_ctl_dial_commands[] = {
  { "dial", "Call a contact, number, extension or SIP address", run_dial },
  { NULL }
};
