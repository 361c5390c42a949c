/* vo-ctl-calls.c: the commands about calls in progress — calls (the list)
 * and the actions on one call: answer, reject, hangup, hold, resume, mute,
 * unmute, dtmf, transfer (Call1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-call.h"

/* Answer, Hold, Resume wait for the peer's answer to an INVITE, Transfer for
 * its NOTIFY; SIP itself gives up after 32 s. */
#define CALL_METHOD_TIMEOUT_MS (60 * 1000)

#define CALL_ARGUMENT_HELP                                                                  \
  "CALL is a call's ID as 'vo-ctl calls' shows it, or its object path\n"                 \
  "(" VO_CTL_CALLS_PATH "/N). It may be left out when there is only one call"

/* Finding the call a command is about */

/* CALL as given on the command line: N or an object path. */
static gboolean
parse_call_name (const char *name, char **path)
{
  guint64 number;

  if (g_ascii_string_to_unsigned (name, 10, 1, G_MAXUINT64, &number, NULL)) {
    *path = g_strdup_printf (VO_CTL_CALLS_PATH "/%" G_GUINT64_FORMAT, number);
    return TRUE;
  }
  if (g_variant_is_object_path (name)) {
    *path = g_strdup (name);
    return TRUE;
  }
  return FALSE;
}

static char *
calls_listing (GPtrArray *calls)
{
  g_autofree char *table = vo_ctl_format_calls_table (calls, "  ");

  return g_strdup_printf ("\n%s", table);
}

/* The call NAME names, or, with NAME NULL, the only call there is — or the
 * only one in state PREFER_STATE (may be NULL). Returns a VoCtlExit; *CALL
 * is set when it is VO_CTL_EXIT_OK. */
static int
pick_call (VoCtl      *ctl,
           const char *command,
           const char *name,
           const char *prefer_state,
           VoCtlCall **call)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  g_autofree char *path = NULL;
  g_autofree char *listing = NULL;
  guint preferred = 0;
  guint preferred_index = 0;

  if (name && !parse_call_name (name, &path))
    return vo_ctl_usage_error (command,
                               "'%s' is not a call: give its ID as 'vo-ctl calls' shows it (1) "
                               "or its object path (" VO_CTL_CALLS_PATH "/1)",
                               name);

  calls = vo_ctl_list_calls (ctl, &error);
  if (!calls)
    return vo_ctl_fail (error);

  if (path) {
    for (guint i = 0; i < calls->len; i++) {
      VoCtlCall *candidate = calls->pdata[i];

      if (g_str_equal (candidate->path, path)) {
        *call = g_ptr_array_steal_index (calls, i);
        return VO_CTL_EXIT_OK;
      }
    }
    if (calls->len == 0) {
      g_autofree char *message = g_strdup_printf ("there is no call %s (there are no calls)",
                                                  name);

      return vo_ctl_fail_literal (message);
    } else {
      g_autofree char *message = NULL;

      listing = calls_listing (calls);
      message = g_strdup_printf ("there is no call %s; the calls are:%s", name, listing);
      return vo_ctl_fail_literal (message);
    }
  }

  if (prefer_state) {
    for (guint i = 0; i < calls->len; i++) {
      if (g_str_equal (vo_ctl_call_string (calls->pdata[i], "State"), prefer_state)) {
        preferred++;
        preferred_index = i;
      }
    }
    if (preferred == 1) {
      *call = g_ptr_array_steal_index (calls, preferred_index);
      return VO_CTL_EXIT_OK;
    }
  }

  if (calls->len == 1) {
    *call = g_ptr_array_steal_index (calls, 0);
    return VO_CTL_EXIT_OK;
  }
  if (calls->len == 0)
    return vo_ctl_fail_literal ("there is no call");

  listing = calls_listing (calls);
  if (preferred > 1)
    return vo_ctl_usage_error (command, "%u calls are %s; say which one (CALL):%s", preferred,
                               prefer_state, listing);
  return vo_ctl_usage_error (command, "there are %u calls; say which one (CALL):%s", calls->len,
                             listing);
}

/* A method on CALL failed with ERROR: "call 3 has ended" when it is gone,
 * else what the daemon said. */
static int
fail_call (VoCtl *ctl, const VoCtlCall *call, GError *error)
{
  if (vo_ctl_is_gone_error (error)) {
    g_autoptr (GVariant) properties = vo_ctl_get_call_properties (ctl, call->path, NULL);

    if (!properties) {
      g_autofree char *label = vo_ctl_call_label (call);
      g_autofree char *message = g_strdup_printf ("%s has ended", label);

      return vo_ctl_fail_literal (message);
    }
  }
  return vo_ctl_fail (error);
}

/* answer, reject, hangup, hold, resume, mute, unmute, dtmf, transfer */

/* The generated Call1 methods, without and with their one string argument. */
typedef gboolean (*CallMethod) (VoDbusCall1    *proxy,
                                GDBusCallFlags  call_flags,
                                gint            timeout_msec,
                                GCancellable   *cancellable,
                                GError        **error);
typedef gboolean (*CallMethodWithArgument) (VoDbusCall1    *proxy,
                                            const gchar    *argument,
                                            GDBusCallFlags  call_flags,
                                            gint            timeout_msec,
                                            GCancellable   *cancellable,
                                            GError        **error);

typedef struct {
  const char *name;
  CallMethod method;                   /* NULL: see method_with_argument, then Muted */
  CallMethodWithArgument method_with_argument;
  gboolean mute;                       /* the value of Muted when there is no method */
  const char *argument;                /* "DIGITS", "TARGET": the method's string argument */
  const char *prefer_state;            /* without CALL, the only call in this state wins */
  const char *summary;
  const char *done;                    /* "Answered" → "Answered call 1 (Alice)." */
  const char *done_after;              /* " on hold" → "Put call 1 (Alice) on hold." */
} Action;

static const Action actions[] = {
  { .name = "answer", .method = vo_dbus_call1_call_answer_sync, .prefer_state = "incoming",
    .summary = "Answer an incoming call. A call in progress is put on hold first.",
    .done = "Answered" },
  { .name = "reject", .method = vo_dbus_call1_call_reject_sync, .prefer_state = "incoming",
    .summary = "Decline an incoming call: the caller hears busy.", .done = "Rejected" },
  { .name = "hangup", .method = vo_dbus_call1_call_hangup_sync,
    .summary = "End a call: hang up, stop calling, or decline an incoming call.",
    .done = "Hung up" },
  { .name = "hold", .method = vo_dbus_call1_call_hold_sync, .prefer_state = "active",
    .summary = "Put a call on hold.", .done = "Put", .done_after = " on hold" },
  { .name = "resume", .method = vo_dbus_call1_call_resume_sync, .prefer_state = "held",
    .summary = "Take a call off hold.", .done = "Resumed" },
  { .name = "mute", .mute = TRUE,
    .summary = "Mute the microphone in a call: stop sending our audio.", .done = "Muted" },
  { .name = "unmute", .mute = FALSE, .summary = "Send our audio in a call again.",
    .done = "Unmuted" },
  { .name = "dtmf", .method_with_argument = vo_dbus_call1_call_send_dtmf_sync,
    .argument = "DIGITS",
    .summary = "Send DTMF key presses in a call: 1 to 64 of 0-9 * # A-D (quote * and # for "
               "the shell)." },
  { .name = "transfer", .method_with_argument = vo_dbus_call1_call_transfer_sync,
    .argument = "TARGET",
    .summary = "Hand a call over to TARGET (blind transfer). TARGET is written as for dial\n"
               "(a contact's name too).\n"
               "Returns once the new call is under way; the call then ends." },
};

static void
on_ended (VoDbusCall1 *proxy, const char *reason, gpointer user_data)
{
  char **end_reason = user_data;

  g_free (*end_reason);
  *end_reason = g_strdup (reason);
}

static gboolean
invoke_action (const Action *action, VoDbusCall1 *proxy, const char *argument, GError **error)
{
  if (action->method)
    return action->method (proxy, G_DBUS_CALL_FLAGS_NONE, CALL_METHOD_TIMEOUT_MS, NULL, error);
  if (action->method_with_argument)
    return action->method_with_argument (proxy, argument, G_DBUS_CALL_FLAGS_NONE,
                                         CALL_METHOD_TIMEOUT_MS, NULL, error);
  return vo_ctl_set_property (proxy, "Muted", g_variant_new_boolean (action->mute),
                              CALL_METHOD_TIMEOUT_MS, error);
}

static void
print_action_done (const Action *action, const VoCtlCall *call, const char *argument)
{
  g_autofree char *label = vo_ctl_call_label (call);

  if (g_str_equal (action->name, "dtmf"))
    g_print ("Sent %s to %s.\n", argument, label);
  else if (g_str_equal (action->name, "transfer"))
    g_print ("Transferred %s to %s.\n", label, argument);
  else
    g_print ("%s %s%s.\n", action->done, label, action->done_after ? action->done_after : "");
}

static const Action *
find_action (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].name, name))
      return &actions[i];
  g_return_val_if_reached (NULL);
}

/* Every action command: argv[0] says which. */
static int
run_action (VoCtl *ctl, int argc, char **argv)
{
  const Action *action = find_action (argv[0]);
  g_autofree char *call_option = NULL;
  const GOptionEntry call_entries[] = {
    { "call", 'c', 0, G_OPTION_ARG_STRING, &call_option,
      "The call (may be left out when there is only one)", "CALL" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoCtlCall) call = NULL;
  g_autoptr (VoDbusCall1) proxy = NULL;
  g_autofree char *description = NULL;
  g_autofree char *end_reason = NULL;
  const char *call_name = NULL;
  const char *argument = NULL;
  int status;

  if (action->prefer_state)
    description = g_strdup_printf (CALL_ARGUMENT_HELP ",\nor only one call in state %s.",
                                   action->prefer_state);
  else
    description = g_strdup (CALL_ARGUMENT_HELP ".");

  context = vo_ctl_option_context_new (ctl, action->name,
                                       action->argument ? action->argument : "[CALL]",
                                       action->summary, action->argument ? call_entries : NULL);
  g_option_context_set_description (context, description);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;

  if (action->argument) {
    if (argc < 2)
      return vo_ctl_usage_error (action->name, "missing %s", action->argument);
    if (argc > 2)
      return vo_ctl_usage_error (action->name, "too many arguments (the call goes with --call)");
    argument = argv[1];
    call_name = call_option;
  } else {
    if (argc > 2)
      return vo_ctl_usage_error (action->name, "too many arguments");
    call_name = argc == 2 ? argv[1] : NULL;
  }

  status = pick_call (ctl, action->name, call_name, action->prefer_state, &call);
  if (status != VO_CTL_EXIT_OK)
    return status;

  /* With --json the proxy also hears Ended: why the call ended, once it is gone. */
  proxy = vo_ctl_proxy_new (ctl, VO_DBUS_TYPE_CALL1_PROXY, vo_dbus_call1_interface_info (),
                            call->path,
                            ctl->json ? G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES
                                      : VO_CTL_METHOD_PROXY_FLAGS,
                            &error);
  if (!proxy)
    return vo_ctl_fail (error);
  g_signal_connect (proxy, "ended", G_CALLBACK (on_ended), &end_reason);

  if (!invoke_action (action, proxy, argument, &error))
    return fail_call (ctl, call, error);

  if (ctl->json) {
    g_autoptr (GVariant) properties = vo_ctl_get_call_properties (ctl, call->path, NULL);

    /* Signals sent before the GetAll reply are queued by now: see them. */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    if (properties)
      vo_ctl_call_set_properties (call, g_steal_pointer (&properties));
    else
      vo_ctl_call_set_ended (call, end_reason);
    vo_ctl_print_call_json (call);
    return VO_CTL_EXIT_OK;
  }

  print_action_done (action, call, argument);
  return VO_CTL_EXIT_OK;
}

/* calls */

static int
run_calls (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) calls = NULL;

  context = vo_ctl_option_context_new (ctl, "calls", NULL,
                                       "List the calls in progress: ID, state, direction, the "
                                       "other party, time since the answer, codec and flags "
                                       "(held, remote-held, muted, no-audio: see MediaError).",
                                       NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc > 1)
    return vo_ctl_usage_error ("calls", "too many arguments");

  calls = vo_ctl_list_calls (ctl, &error);
  if (!calls)
    return vo_ctl_fail (error);

  if (ctl->json) {
    g_autoptr (JsonBuilder) builder = json_builder_new ();

    json_builder_begin_array (builder);
    for (guint i = 0; i < calls->len; i++)
      vo_ctl_add_call_json (builder, calls->pdata[i]);
    json_builder_end_array (builder);
    vo_ctl_print_builder_json (builder);
    return VO_CTL_EXIT_OK;
  }

  if (calls->len == 0) {
    g_print ("No calls.\n");
  } else {
    g_autofree char *table = vo_ctl_format_calls_table (calls, "");

    g_print ("%s\n", table);
  }
  return VO_CTL_EXIT_OK;
}

const VoCtlCommand vo_ctl_calls_commands[] = {
  { "calls", "List the calls in progress", run_calls },
  { "answer", "Answer an incoming call", run_action },
  { "reject", "Decline an incoming call (busy)", run_action },
  { "hangup", "End a call", run_action },
  { "hold", "Put a call on hold", run_action },
  { "resume", "Take a call off hold", run_action },
  { "mute", "Stop sending our audio in a call", run_action },
  { "unmute", "Send our audio in a call again", run_action },
  { "dtmf", "Send DTMF digits in a call", run_action },
  { "transfer", "Hand a call over to someone else", run_action },
  { NULL }
};
