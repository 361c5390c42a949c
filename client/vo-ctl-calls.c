/* vo-ctl-calls.c: the call commands — dial, calls, answer, reject, hangup,
 * hold, resume, mute, unmute, dtmf, transfer (Calls1 and Call1).
 *
 * A call is named by its number N (the last part of /org/virtualoffice/calls/N,
 * shown as ID by `vo-ctl calls`) or by its object path; with a single call
 * the name may be left out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vo-ctl-common.h"

#define CALLS_INTERFACE "org.virtualoffice.Calls1"
#define CALL_INTERFACE "org.virtualoffice.Call1"
#define PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"
#define OBJECT_MANAGER_INTERFACE "org.freedesktop.DBus.ObjectManager"
#define CALLS_PATH VO_OBJECT_PATH "/calls"

/* Answer, Hold, Resume wait for the peer's answer to an INVITE, Transfer for
 * its NOTIFY; SIP itself gives up after 32 s. */
#define CALL_METHOD_TIMEOUT_MS (60 * 1000)

#define CALL_ARGUMENT_HELP                                                                  \
  "CALL is a call's ID as 'vo-ctl calls' shows it, or its object path\n"                 \
  "(" CALLS_PATH "/N). It may be left out when there is only one call"

/* Call1 properties in the order JSON shows them (keys in kebab-case). */
static const char *const call_properties[] = {
  "State",      "Direction", "RemoteUri",  "RemoteName", "StartTime", "AnswerTime", "Muted",
  "Held",       "RemoteHeld", "Codec",     "EndReason",  "ContactId", "Encrypted",
  "MediaError",
};

/* One call as the daemon announced it. */
typedef struct {
  guint64 number; /* N of CALLS_PATH/N; 0 when the path has another form */
  char *path;
  GVariant *properties; /* Call1's a{sv} */
} Call;

static guint64
number_from_path (const char *path)
{
  guint64 number = 0;

  if (!g_str_has_prefix (path, CALLS_PATH "/") ||
      !g_ascii_string_to_unsigned (path + strlen (CALLS_PATH "/"), 10, 1, G_MAXUINT64, &number,
                                   NULL))
    return 0;
  return number;
}

/* Takes PROPERTIES (a floating or a full reference). */
static Call *
call_new (const char *path, GVariant *properties)
{
  Call *call = g_new0 (Call, 1);

  call->path = g_strdup (path);
  call->number = number_from_path (path);
  call->properties = g_variant_take_ref (properties);
  return call;
}

static void
call_free (Call *call)
{
  if (!call)
    return;
  g_free (call->path);
  g_clear_pointer (&call->properties, g_variant_unref);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static const char *
call_string (const Call *call, const char *name)
{
  const char *value = "";

  if (!g_variant_lookup (call->properties, name, "&s", &value))
    return "";
  return value;
}

static gint64
call_int64 (const Call *call, const char *name)
{
  gint64 value = 0;

  if (!g_variant_lookup (call->properties, name, "x", &value))
    return 0;
  return value;
}

static gboolean
call_boolean (const Call *call, const char *name)
{
  gboolean value = FALSE;

  if (!g_variant_lookup (call->properties, name, "b", &value))
    return FALSE;
  return value;
}

/* Their name when SIP gave one, else their address. */
static const char *
call_remote (const Call *call)
{
  const char *name = call_string (call, "RemoteName");

  return *name ? name : call_string (call, "RemoteUri");
}

/* "call 3 (Bob)" */
static char *
call_label (const Call *call)
{
  const char *remote = call_remote (call);
  g_autofree char *name = call->number ? g_strdup_printf ("call %" G_GUINT64_FORMAT, call->number)
                                       : g_strdup_printf ("call %s", call->path);

  if (!*remote)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s (%s)", name, remote);
}

static char *
call_id (const Call *call)
{
  if (call->number)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, call->number);
  return g_strdup (call->path);
}

static int
compare_calls (gconstpointer a, gconstpointer b)
{
  const Call *call_a = *(const Call *const *) a;
  const Call *call_b = *(const Call *const *) b;

  /* Numbered calls in order, anything else after them. */
  if (call_a->number != call_b->number) {
    if (!call_a->number)
      return 1;
    if (!call_b->number)
      return -1;
    return call_a->number < call_b->number ? -1 : 1;
  }
  return strcmp (call_a->path, call_b->path);
}

/* The daemon's calls, in order of their number: GetManagedObjects, the objects
 * with Call1. */
static GPtrArray *
list_calls (VoCtl *ctl, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariantIter) objects = NULL;
  GPtrArray *calls;
  const char *path;
  GVariant *interfaces;

  if (!vo_ctl_connect (ctl, error))
    return NULL;
  reply = g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, VO_OBJECT_PATH,
                                       OBJECT_MANAGER_INTERFACE, "GetManagedObjects", NULL,
                                       G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (!reply)
    return NULL;

  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
  g_variant_get (reply, "(a{oa{sa{sv}}})", &objects);
  while (g_variant_iter_next (objects, "{&o@a{sa{sv}}}", &path, &interfaces)) {
    GVariant *properties =
      g_variant_lookup_value (interfaces, CALL_INTERFACE, G_VARIANT_TYPE_VARDICT);

    if (properties)
      g_ptr_array_add (calls, call_new (path, properties));
    g_variant_unref (interfaces);
  }
  g_ptr_array_sort (calls, compare_calls);
  return calls;
}

/* Call1's properties of PATH, fresh (a{sv}). */
static GVariant *
get_call_properties (VoCtl *ctl, const char *path, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *properties;

  reply = g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, path, PROPERTIES_INTERFACE,
                                       "GetAll", g_variant_new ("(s)", CALL_INTERFACE),
                                       G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, error);
  if (!reply)
    return NULL;
  g_variant_get (reply, "(@a{sv})", &properties);
  return properties;
}

/* What D-Bus answers for an object that is not (or no longer) there. */
static gboolean
is_gone_error (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
}

/* Output */

static void
add_call_json (JsonBuilder *builder, const Call *call)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  if (call->number)
    json_builder_add_int_value (builder, (gint64) call->number);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, call->path);

  for (gsize i = 0; i < G_N_ELEMENTS (call_properties); i++) {
    g_autoptr (GVariant) value = g_variant_lookup_value (call->properties, call_properties[i], NULL);
    g_autofree char *key = vo_ctl_kebab_case (call_properties[i]);

    json_builder_set_member_name (builder, key);
    if (value)
      json_builder_add_value (builder, json_gvariant_serialize (value));
    else
      json_builder_add_null_value (builder);
  }
  json_builder_end_object (builder);
}

static void
print_call_json (const Call *call)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  add_call_json (builder, call);
  root = json_builder_get_root (builder);
  vo_ctl_print_json (root, TRUE);
}

/* "0:42", "1:02:03" since it was answered; "-" before. */
static char *
format_duration (gint64 answer_time)
{
  gint64 seconds;

  if (answer_time <= 0)
    return g_strdup ("-");
  seconds = MAX (0, (g_get_real_time () - answer_time) / G_USEC_PER_SEC);
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

static char *
format_flags (const Call *call)
{
  g_autoptr (GPtrArray) flags = g_ptr_array_new ();

  if (call_boolean (call, "Held"))
    g_ptr_array_add (flags, "held");
  if (call_boolean (call, "RemoteHeld"))
    g_ptr_array_add (flags, "remote-held");
  if (call_boolean (call, "Muted"))
    g_ptr_array_add (flags, "muted");
  if (*call_string (call, "MediaError"))
    g_ptr_array_add (flags, "no-audio");
  /* SRTP both ways; its absence is worth seeing only on a live call. */
  if (call_boolean (call, "Encrypted"))
    g_ptr_array_add (flags, "encrypted");
  if (flags->len == 0)
    return g_strdup ("-");
  g_ptr_array_add (flags, NULL);
  return g_strjoinv (",", (char **) flags->pdata);
}

enum { COL_ID, COL_STATE, COL_DIRECTION, COL_REMOTE, COL_DURATION, COL_CODEC, COL_FLAGS, N_COLS };

static const char *const column_titles[N_COLS] = {
  "ID", "STATE", "DIRECTION", "REMOTE", "DURATION", "CODEC", "FLAGS",
};

static void
append_padded (GString *out, const char *text, glong width)
{
  g_string_append (out, text);
  for (glong n = g_utf8_strlen (text, -1); n < width; n++)
    g_string_append_c (out, ' ');
}

/* CALLS as a table with a title line, each line starting with INDENT. */
static char *
format_calls_table (GPtrArray *calls, const char *indent)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  glong widths[N_COLS] = { 0 };
  GString *out = g_string_new (NULL);

  g_ptr_array_add (rows, g_strdupv ((char **) column_titles));
  for (guint i = 0; i < calls->len; i++) {
    const Call *call = calls->pdata[i];
    char **row = g_new0 (char *, N_COLS + 1);
    const char *codec = call_string (call, "Codec");

    row[COL_ID] = call_id (call);
    row[COL_STATE] = g_strdup (call_string (call, "State"));
    row[COL_DIRECTION] = g_strdup (call_string (call, "Direction"));
    row[COL_REMOTE] = g_strdup (call_remote (call));
    row[COL_DURATION] = format_duration (call_int64 (call, "AnswerTime"));
    row[COL_CODEC] = g_strdup (*codec ? codec : "-");
    row[COL_FLAGS] = format_flags (call);
    g_ptr_array_add (rows, row);
  }

  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];

    for (int col = 0; col < N_COLS; col++)
      widths[col] = MAX (widths[col], g_utf8_strlen (row[col], -1));
  }

  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];

    if (i > 0)
      g_string_append_c (out, '\n');
    g_string_append (out, indent);
    for (int col = 0; col < N_COLS - 1; col++) {
      append_padded (out, row[col], widths[col]);
      g_string_append (out, "  ");
    }
    g_string_append (out, row[N_COLS - 1]);
  }
  return g_string_free (out, FALSE);
}

/* Finding the call a command is about */

/* CALL as given on the command line: N or an object path. */
static gboolean
parse_call_name (const char *name, char **path)
{
  guint64 number;

  if (g_ascii_string_to_unsigned (name, 10, 1, G_MAXUINT64, &number, NULL)) {
    *path = g_strdup_printf (CALLS_PATH "/%" G_GUINT64_FORMAT, number);
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
  g_autofree char *table = format_calls_table (calls, "  ");

  return g_strdup_printf ("\n%s", table);
}

/* The call NAME names, or, with NAME NULL, the only call there is — or the
 * only one in state PREFER_STATE (may be NULL). Returns a VoCtlExit; *CALL
 * is set when it is VO_CTL_EXIT_OK. */
static int
pick_call (VoCtl *ctl, const char *command, const char *name, const char *prefer_state, Call **call)
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
                               "or its object path (" CALLS_PATH "/1)",
                               name);

  calls = list_calls (ctl, &error);
  if (!calls)
    return vo_ctl_fail (error);

  if (path) {
    for (guint i = 0; i < calls->len; i++) {
      Call *candidate = calls->pdata[i];

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
      if (g_str_equal (call_string (calls->pdata[i], "State"), prefer_state)) {
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
fail_call (VoCtl *ctl, const Call *call, GError *error)
{
  if (is_gone_error (error)) {
    g_autoptr (GVariant) properties = get_call_properties (ctl, call->path, NULL);

    if (!properties) {
      g_autofree char *label = call_label (call);
      g_autofree char *message = g_strdup_printf ("%s has ended", label);

      return vo_ctl_fail_literal (message);
    }
  }
  return vo_ctl_fail (error);
}

/* answer, reject, hangup, hold, resume, mute, unmute, dtmf, transfer */

typedef struct {
  const char *name;
  const char *method;       /* Call1 method, NULL to set Muted */
  gboolean mute;            /* the value of Muted when method is NULL */
  const char *argument;     /* "DIGITS", "TARGET": the method's string argument */
  const char *prefer_state; /* without CALL, the only call in this state wins */
  const char *summary;
  const char *done;         /* "Answered" → "Answered call 1 (Alice)." */
  const char *done_after;   /* " on hold" → "Put call 1 (Alice) on hold." */
} Action;

typedef struct {
  const char *path;
  char *end_reason;
} EndedWatch;

static void
on_ended (GDBusConnection *connection,
          const char      *sender,
          const char      *path,
          const char      *interface,
          const char      *member,
          GVariant        *parameters,
          gpointer         user_data)
{
  EndedWatch *watch = user_data;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)"))) {
    g_free (watch->end_reason);
    g_variant_get (parameters, "(s)", &watch->end_reason);
  }
}

/* PROPERTIES with State ended and EndReason REASON (when known). */
static GVariant *
ended_properties (GVariant *properties, const char *reason)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, properties);
  g_variant_dict_insert (&dict, "State", "s", "ended");
  if (reason)
    g_variant_dict_insert (&dict, "EndReason", "s", reason);
  return g_variant_dict_end (&dict);
}

static gboolean
invoke_action (VoCtl *ctl, const Action *action, const Call *call, const char *argument,
               GError **error)
{
  g_autoptr (GVariant) reply = NULL;

  if (!action->method)
    reply = g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, call->path, PROPERTIES_INTERFACE,
                                         "Set",
                                         g_variant_new ("(ssv)", CALL_INTERFACE, "Muted",
                                                        g_variant_new_boolean (action->mute)),
                                         NULL, G_DBUS_CALL_FLAGS_NONE, CALL_METHOD_TIMEOUT_MS,
                                         NULL, error);
  else
    reply = g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, call->path, CALL_INTERFACE,
                                         action->method,
                                         argument ? g_variant_new ("(s)", argument) : NULL, NULL,
                                         G_DBUS_CALL_FLAGS_NONE, CALL_METHOD_TIMEOUT_MS, NULL,
                                         error);
  return reply != NULL;
}

static void
print_action_done (const Action *action, const Call *call, const char *argument)
{
  g_autofree char *label = call_label (call);

  if (g_str_equal (action->name, "dtmf"))
    g_print ("Sent %s to %s.\n", argument, label);
  else if (g_str_equal (action->name, "transfer"))
    g_print ("Transferred %s to %s.\n", label, argument);
  else
    g_print ("%s %s%s.\n", action->done, label, action->done_after ? action->done_after : "");
}

static int
run_action (VoCtl *ctl, int argc, char **argv, const Action *action)
{
  g_autofree char *call_option = NULL;
  const GOptionEntry call_entries[] = {
    { "call", 'c', 0, G_OPTION_ARG_STRING, &call_option,
      "The call (may be left out when there is only one)", "CALL" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Call) call = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *description = NULL;
  const char *call_name = NULL;
  const char *argument = NULL;
  EndedWatch watch = { 0 };
  guint subscription = 0;
  int status;

  if (action->argument)
    parameters = g_strdup (action->argument);
  else
    parameters = g_strdup ("[CALL]");
  if (action->prefer_state)
    description = g_strdup_printf (CALL_ARGUMENT_HELP ",\nor only one call in state %s.",
                                   action->prefer_state);
  else
    description = g_strdup (CALL_ARGUMENT_HELP ".");

  context = vo_ctl_option_context_new (ctl, action->name, parameters, action->summary,
                                       action->argument ? call_entries : NULL);
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

  /* For --json after the call has gone: why it ended. */
  if (ctl->json)
    subscription = g_dbus_connection_signal_subscribe (ctl->bus, VO_BUS_NAME, CALL_INTERFACE,
                                                       "Ended", call->path, NULL,
                                                       G_DBUS_SIGNAL_FLAGS_NONE, on_ended,
                                                       &watch, NULL);

  if (!invoke_action (ctl, action, call, argument, &error)) {
    if (subscription)
      g_dbus_connection_signal_unsubscribe (ctl->bus, subscription);
    g_free (watch.end_reason);
    return fail_call (ctl, call, error);
  }

  if (ctl->json) {
    g_autoptr (GVariant) properties = get_call_properties (ctl, call->path, NULL);

    /* Signals sent before the GetAll reply are queued by now: see them. */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_dbus_connection_signal_unsubscribe (ctl->bus, subscription);
    if (properties) {
      g_variant_unref (call->properties);
      call->properties = g_steal_pointer (&properties);
    } else {
      GVariant *ended = ended_properties (call->properties, watch.end_reason);

      g_variant_unref (call->properties);
      call->properties = g_variant_ref_sink (ended);
    }
    g_free (watch.end_reason);
    print_call_json (call);
    return VO_CTL_EXIT_OK;
  }

  print_action_done (action, call, argument);
  return VO_CTL_EXIT_OK;
}

static const Action answer_action = {
  "answer", "Answer", FALSE, NULL, "incoming",
  "Answer an incoming call. A call in progress is put on hold first.", "Answered",
};
static const Action reject_action = {
  "reject", "Reject", FALSE, NULL, "incoming",
  "Decline an incoming call: the caller hears busy.", "Rejected",
};
static const Action hangup_action = {
  "hangup", "Hangup", FALSE, NULL, NULL,
  "End a call: hang up, stop calling, or decline an incoming call.", "Hung up",
};
static const Action hold_action = {
  "hold", "Hold", FALSE, NULL, "active", "Put a call on hold.", "Put", " on hold",
};
static const Action resume_action = {
  "resume", "Resume", FALSE, NULL, "held", "Take a call off hold.", "Resumed",
};
static const Action mute_action = {
  "mute", NULL, TRUE, NULL, NULL,
  "Mute the microphone in a call: stop sending our audio.", "Muted",
};
static const Action unmute_action = {
  "unmute", NULL, FALSE, NULL, NULL, "Send our audio in a call again.", "Unmuted",
};
static const Action dtmf_action = {
  "dtmf", "SendDtmf", FALSE, "DIGITS", NULL,
  "Send DTMF key presses in a call: 1 to 64 of 0-9 * # A-D (quote * and # for the shell).",
  NULL,
};
static const Action transfer_action = {
  "transfer", "Transfer", FALSE, "TARGET", NULL,
  "Hand a call over to TARGET (blind transfer). TARGET is written as for dial.\n"
  "Returns once the new call is under way; the call then ends.",
  NULL,
};

static int
run_answer (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &answer_action);
}

static int
run_reject (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &reject_action);
}

static int
run_hangup (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &hangup_action);
}

static int
run_hold (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &hold_action);
}

static int
run_resume (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &resume_action);
}

static int
run_mute (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &mute_action);
}

static int
run_unmute (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &unmute_action);
}

static int
run_dtmf (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &dtmf_action);
}

static int
run_transfer (VoCtl *ctl, int argc, char **argv)
{
  return run_action (ctl, argc, argv, &transfer_action);
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

  calls = list_calls (ctl, &error);
  if (!calls)
    return vo_ctl_fail (error);

  if (ctl->json) {
    g_autoptr (JsonBuilder) builder = json_builder_new ();
    g_autoptr (JsonNode) root = NULL;

    json_builder_begin_array (builder);
    for (guint i = 0; i < calls->len; i++)
      add_call_json (builder, calls->pdata[i]);
    json_builder_end_array (builder);
    root = json_builder_get_root (builder);
    vo_ctl_print_json (root, TRUE);
    return VO_CTL_EXIT_OK;
  }

  if (calls->len == 0) {
    g_print ("No calls.\n");
  } else {
    g_autofree char *table = format_calls_table (calls, "");

    g_print ("%s\n", table);
  }
  return VO_CTL_EXIT_OK;
}

/* dial */

typedef struct {
  GMainLoop *loop;
  Call *call; /* NULL until Dial has answered */
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
  g_autofree char *label = call_label (wait->call);
  g_autofree char *message = NULL;
  GVariant *ended;

  if (!reason || !*reason)
    reason = call_string (wait->call, "EndReason");
  /* Copy: REASON may point into the properties replaced here. */
  message = *reason ? g_strdup_printf ("%s ended before it was answered: %s", label, reason)
                    : g_strdup_printf ("%s ended before it was answered", label);
  ended = ended_properties (wait->call->properties, *reason ? reason : NULL);
  g_variant_unref (wait->call->properties);
  wait->call->properties = g_variant_ref_sink (ended);
  dial_finish (wait, VO_CTL_EXIT_FAILURE, message);
}

static void
dial_check (DialWait *wait)
{
  const char *state = call_string (wait->call, "State");

  if (g_str_equal (state, "active") || g_str_equal (state, "held"))
    dial_finish (wait, VO_CTL_EXIT_OK, NULL);
  else if (g_str_equal (state, "ended"))
    dial_ended (wait, NULL);
}

static void
on_dial_signal (GDBusConnection *connection,
                const char      *sender,
                const char      *path,
                const char      *interface,
                const char      *member,
                GVariant        *parameters,
                gpointer         user_data)
{
  DialWait *wait = user_data;

  if (!wait->call || wait->done)
    return;

  if (g_str_equal (interface, PROPERTIES_INTERFACE) &&
      g_str_equal (member, "PropertiesChanged") && g_str_equal (path, wait->call->path) &&
      g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)"))) {
    g_autoptr (GVariant) changed = NULL;
    GVariantDict dict;
    const char *changed_interface;
    GVariantIter iter;
    const char *name;
    GVariant *value;

    g_variant_get (parameters, "(&s@a{sv}as)", &changed_interface, &changed, NULL);
    if (!g_str_equal (changed_interface, CALL_INTERFACE))
      return;
    g_variant_dict_init (&dict, wait->call->properties);
    g_variant_iter_init (&iter, changed);
    while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
      g_variant_dict_insert_value (&dict, name, value);
      g_variant_unref (value);
    }
    g_variant_unref (wait->call->properties);
    wait->call->properties = g_variant_ref_sink (g_variant_dict_end (&dict));
    dial_check (wait);
  } else if (g_str_equal (interface, CALL_INTERFACE) && g_str_equal (member, "Ended") &&
             g_str_equal (path, wait->call->path) &&
             g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)"))) {
    g_autofree char *reason = NULL;

    g_variant_get (parameters, "(s)", &reason);
    dial_ended (wait, reason);
  } else if (g_str_equal (interface, OBJECT_MANAGER_INTERFACE) &&
             g_str_equal (member, "InterfacesRemoved") &&
             g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oas)"))) {
    const char *removed;

    g_variant_get (parameters, "(&oas)", &removed, NULL);
    if (g_str_equal (removed, wait->call->path))
      dial_ended (wait, NULL);
  }
}

static void
on_dial_name_owner_changed (GDBusConnection *connection,
                            const char      *sender,
                            const char      *path,
                            const char      *interface,
                            const char      *member,
                            GVariant        *parameters,
                            gpointer         user_data)
{
  const char *new_owner = NULL;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    g_variant_get (parameters, "(&s&s&s)", NULL, NULL, &new_owner);
  if (new_owner && !*new_owner)
    dial_finish (user_data, VO_CTL_EXIT_FAILURE,
                 "vo-daemon left the session bus while waiting for the answer");
}

static gboolean
on_dial_timeout (gpointer user_data)
{
  DialWait *wait = user_data;
  g_autofree char *label = call_label (wait->call);
  g_autofree char *message =
    g_strdup_printf ("timed out after %g s waiting for %s to be answered (it goes on)",
                     wait->timeout, label);

  wait->timeout_id = 0;
  dial_finish (wait, VO_CTL_EXIT_FAILURE, message);
  return G_SOURCE_REMOVE;
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
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) properties = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (Call) call = NULL;
  g_autofree char *message = NULL;
  DialWait wait = { 0 };
  const char *path;
  guint signals = 0, owner = 0;

  context = vo_ctl_option_context_new (ctl, "dial", "TARGET",
                                       "Call TARGET and print the new call's object path.",
                                       entries);
  g_option_context_set_description (
    context, "TARGET is an extension (201), a user of the account's domain (bob), a SIP\n"
             "address (bob@example.com), a phone number (+31 20 123 4567, 020-1234567)\n"
             "or a sip:, sips: or tel: URI.\n"
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

  if (!vo_ctl_connect (ctl, &error))
    return vo_ctl_fail (error);

  /* Listen before dialling: nothing the call does can then be missed. */
  if (wait_answer) {
    signals = g_dbus_connection_signal_subscribe (ctl->bus, VO_BUS_NAME, NULL, NULL, NULL, NULL,
                                                  G_DBUS_SIGNAL_FLAGS_NONE, on_dial_signal,
                                                  &wait, NULL);
    owner = g_dbus_connection_signal_subscribe (ctl->bus, "org.freedesktop.DBus",
                                                "org.freedesktop.DBus", "NameOwnerChanged",
                                                "/org/freedesktop/DBus", VO_BUS_NAME,
                                                G_DBUS_SIGNAL_FLAGS_NONE,
                                                on_dial_name_owner_changed, &wait, NULL);
  }

  reply = g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, VO_OBJECT_PATH, CALLS_INTERFACE,
                                       "Dial", g_variant_new ("(sa{sv})", argv[1], NULL),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  if (!reply) {
    if (signals)
      g_dbus_connection_signal_unsubscribe (ctl->bus, signals);
    if (owner)
      g_dbus_connection_signal_unsubscribe (ctl->bus, owner);
    return vo_ctl_fail (error);
  }
  g_variant_get (reply, "(&o)", &path);

  if (!ctl->json) {
    g_print ("%s\n", path);
    fflush (stdout);
    if (!wait_answer)
      return VO_CTL_EXIT_OK;
  }

  properties = get_call_properties (ctl, path, &error);
  if (!properties && !is_gone_error (error)) {
    if (signals)
      g_dbus_connection_signal_unsubscribe (ctl->bus, signals);
    if (owner)
      g_dbus_connection_signal_unsubscribe (ctl->bus, owner);
    return vo_ctl_fail (error);
  }
  call = call_new (path, properties ? g_steal_pointer (&properties)
                                    : g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));

  if (!wait_answer) {
    if (ctl->json)
      print_call_json (call);
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
  g_dbus_connection_signal_unsubscribe (ctl->bus, signals);
  g_dbus_connection_signal_unsubscribe (ctl->bus, owner);

  if (ctl->json)
    print_call_json (call);
  message = g_steal_pointer (&wait.message);
  if (wait.status != VO_CTL_EXIT_OK)
    return vo_ctl_fail_literal (message);
  return VO_CTL_EXIT_OK;
}

const VoCtlCommand vo_ctl_calls_commands[] = {
  { "dial", "Call a number, extension or SIP address", run_dial },
  { "calls", "List the calls in progress", run_calls },
  { "answer", "Answer an incoming call", run_answer },
  { "reject", "Decline an incoming call (busy)", run_reject },
  { "hangup", "End a call", run_hangup },
  { "hold", "Put a call on hold", run_hold },
  { "resume", "Take a call off hold", run_resume },
  { "mute", "Stop sending our audio in a call", run_mute },
  { "unmute", "Send our audio in a call again", run_unmute },
  { "dtmf", "Send DTMF digits in a call", run_dtmf },
  { "transfer", "Hand a call over to someone else", run_transfer },
  { NULL }
};
