/* vo-ctl-history.c: the history command — list calls, mark missed calls
 * seen, delete entries (History1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "vo-ctl-common.h"

/* The daemon's largest page (History1.List limit). */
#define PAGE_MAX 1000

#define HISTORY_USAGE "[list | seen ID…|--all | delete ID…]"
/* The actions, for --help. */
#define HISTORY_ACTIONS_HELP \
  "Actions:\n" \
  "  list (default)   TIME, DIRECTION, NUMBER/NAME, DURATION, REASON, ID of each call;\n" \
  "                   with --json the full entries\n" \
  "  seen ID…         mark missed calls as seen\n" \
  "  seen --all       mark every missed call as seen\n" \
  "  delete ID…       remove entries from the history"

typedef struct {
  gboolean missed;
  gboolean incoming;
  gboolean outgoing;
  int limit;
  int offset;
  char *since;
  gboolean all;
} HistoryOptions;

/* History1.List with FILTER (a{sv}, floating): the entries, aa{sv}. */
static GVariant *
list_entries (VoCtl *ctl, GVariant *filter, GError **error)
{
  g_autoptr (VoDbusHistory1) history = NULL;
  GVariant *entries = NULL;

  history = vo_ctl_proxy (ctl, history1, HISTORY1, VO_OBJECT_PATH, error);
  if (!history) {
    g_variant_unref (g_variant_ref_sink (filter));
    return NULL;
  }
  vo_dbus_history1_call_list_sync (history, filter, G_DBUS_CALL_FLAGS_NONE, -1, &entries, NULL,
                                   error);
  return entries;
}

/* list */

/* "2024-05-01", "2024-05-01T14:30", "2024-05-01 14:30:00+02:00": local time
 * unless a zone is given. Returns FALSE for anything else. */
static gboolean
parse_since (const char *text, gint64 *since_us)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (text, local);

  if (!time) {
    g_autofree char *midnight = g_strconcat (text, "T00:00:00", NULL);

    time = g_date_time_new_from_iso8601 (midnight, local);
  }
  if (!time)
    return FALSE;
  *since_us = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

static char *
format_duration (GVariant *entry)
{
  gint64 answer = 0;
  guint32 s = 0;

  g_variant_lookup (entry, "answer", "x", &answer);
  g_variant_lookup (entry, "duration", "u", &s);
  if (answer == 0)
    return g_strdup ("-");
  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

static const char *
format_direction (GVariant *entry)
{
  gboolean missed = FALSE;
  gboolean seen = TRUE;

  g_variant_lookup (entry, "missed", "b", &missed);
  g_variant_lookup (entry, "seen", "b", &seen);
  if (missed)
    return seen ? "missed" : "missed (new)";
  return vo_ctl_lookup_string (entry, "direction");
}

/* "Name (number)", the name, the number, or the URI when there is neither. */
static char *
format_party (GVariant *entry)
{
  const char *name = vo_ctl_lookup_string (entry, "name");
  const char *number = vo_ctl_lookup_string (entry, "number");

  if (*name && *number)
    return g_strdup_printf ("%s (%s)", name, number);
  if (*name)
    return g_strdup (name);
  if (*number)
    return g_strdup (number);
  return g_strdup (vo_ctl_lookup_string (entry, "remote-uri"));
}

static void
print_table (GVariant *entries)
{
  GString *line = g_string_new (NULL);

  vo_ctl_append_cell (line, "TIME", 16);
  vo_ctl_append_cell (line, "DIRECTION", 12);
  vo_ctl_append_cell (line, "NUMBER/NAME", 30);
  vo_ctl_append_cell (line, "DURATION", 8);
  vo_ctl_append_cell (line, "REASON", 11);
  g_print ("%sID\n", line->str);

  for (gsize i = 0; i < g_variant_n_children (entries); i++) {
    g_autoptr (GVariant) entry = g_variant_get_child_value (entries, i);
    gint64 start = 0;
    g_autofree char *time = NULL;
    g_autofree char *party = format_party (entry);
    g_autofree char *duration = format_duration (entry);

    g_variant_lookup (entry, "start", "x", &start);
    time = vo_ctl_format_time (start);
    g_string_truncate (line, 0);
    vo_ctl_append_cell (line, time, 16);
    vo_ctl_append_cell (line, format_direction (entry), 12);
    vo_ctl_append_cell (line, party, 30);
    vo_ctl_append_cell (line, duration, 8);
    vo_ctl_append_cell (line, vo_ctl_lookup_string (entry, "reason"), 11);
    g_print ("%s%s\n", line->str, vo_ctl_lookup_string (entry, "id"));
  }
  g_string_free (line, TRUE);
}

static int
history_list (VoCtl *ctl, HistoryOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) entries = NULL;
  GVariantBuilder filter;
  int kinds = !!options->missed + !!options->incoming + !!options->outgoing;

  if (kinds > 1)
    return vo_ctl_usage_error ("history", "give only one of --missed, --incoming, --outgoing");
  if (options->all)
    return vo_ctl_usage_error ("history", "--all goes with 'history seen'");
  if ((options->limit < 0 && options->limit != VO_CTL_LIMIT_UNSET) || options->offset < 0)
    return vo_ctl_usage_error ("history", "--limit and --offset take a number of at least 0");

  g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
  if (kinds)
    g_variant_builder_add (&filter, "{sv}", "kind",
                           g_variant_new_string (options->missed     ? "missed"
                                                 : options->incoming ? "incoming"
                                                                     : "outgoing"));
  if (options->limit != VO_CTL_LIMIT_UNSET)
    g_variant_builder_add (&filter, "{sv}", "limit", g_variant_new_uint32 (options->limit));
  if (options->offset > 0)
    g_variant_builder_add (&filter, "{sv}", "offset", g_variant_new_uint32 (options->offset));
  if (options->since) {
    gint64 since;

    if (!parse_since (options->since, &since)) {
      g_variant_builder_clear (&filter);
      return vo_ctl_usage_error ("history",
                                 "'%s' is not a date or time; use ISO 8601, e.g. 2024-05-01, "
                                 "2024-05-01T14:30 or 2024-05-01T14:30:00+02:00",
                                 options->since);
    }
    g_variant_builder_add (&filter, "{sv}", "since", g_variant_new_int64 (since));
  }

  entries = list_entries (ctl, g_variant_builder_end (&filter), &error);
  if (!entries)
    return vo_ctl_fail (error);

  if (ctl->json)
    vo_ctl_print_variant_json (entries);
  else if (g_variant_n_children (entries) == 0)
    g_print ("No calls.\n");
  else
    print_table (entries);
  return VO_CTL_EXIT_OK;
}

/* seen, delete */

/* The generated History1.MarkSeen and History1.Delete. */
typedef gboolean (*HistoryMethod) (VoDbusHistory1     *proxy,
                                   const gchar *const *ids,
                                   GDBusCallFlags      call_flags,
                                   gint                timeout_msec,
                                   GCancellable       *cancellable,
                                   GError            **error);

static int
history_apply (VoCtl *ctl, HistoryMethod method, char **ids)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusHistory1) history = NULL;

  history = vo_ctl_proxy (ctl, history1, HISTORY1, VO_OBJECT_PATH, &error);
  if (!history ||
      !method (history, (const char *const *) ids, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

/* Every unseen missed call, page by page (marking one seen does not move
 * the others, missed calls stay missed). */
static int
history_seen_all (VoCtl *ctl)
{
  for (guint offset = 0;; offset += PAGE_MAX) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) entries = NULL;
    g_autoptr (GPtrArray) ids = g_ptr_array_new ();
    GVariantBuilder filter;
    gsize n;

    g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&filter, "{sv}", "kind", g_variant_new_string ("missed"));
    g_variant_builder_add (&filter, "{sv}", "offset", g_variant_new_uint32 (offset));
    g_variant_builder_add (&filter, "{sv}", "limit", g_variant_new_uint32 (PAGE_MAX));
    entries = list_entries (ctl, g_variant_builder_end (&filter), &error);
    if (!entries)
      return vo_ctl_fail (error);
    n = g_variant_n_children (entries);

    for (gsize i = 0; i < n; i++) {
      g_autoptr (GVariant) entry = g_variant_get_child_value (entries, i);
      gboolean seen = TRUE;

      g_variant_lookup (entry, "seen", "b", &seen);
      if (!seen)
        g_ptr_array_add (ids, (gpointer) vo_ctl_lookup_string (entry, "id"));
    }
    if (ids->len > 0) {
      int status;

      g_ptr_array_add (ids, NULL);
      status = history_apply (ctl, vo_dbus_history1_call_mark_seen_sync, (char **) ids->pdata);
      if (status != VO_CTL_EXIT_OK)
        return status;
    }
    if (n < PAGE_MAX)
      return VO_CTL_EXIT_OK;
  }
}

static gboolean
has_list_options (HistoryOptions *options)
{
  return options->missed || options->incoming || options->outgoing ||
         options->limit != VO_CTL_LIMIT_UNSET || options->offset || options->since;
}

static int
run_history (VoCtl *ctl, int argc, char **argv)
{
  HistoryOptions options = { .limit = VO_CTL_LIMIT_UNSET };
  const GOptionEntry entries[] = {
    { "missed", 0, 0, G_OPTION_ARG_NONE, &options.missed, "Only missed calls", NULL },
    { "incoming", 0, 0, G_OPTION_ARG_NONE, &options.incoming,
      "Only incoming calls (missed ones too)", NULL },
    { "outgoing", 0, 0, G_OPTION_ARG_NONE, &options.outgoing, "Only outgoing calls", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &options.limit, "Show at most N calls (1-1000, 100)",
      "N" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &options.offset, "Skip the N newest calls", "N" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &options.since,
      "Only calls that started at or after TIME (ISO 8601; local time unless a zone is given)",
      "TIME" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &options.all, "With seen: every missed call", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *since = NULL;
  const char *action;

  context = vo_ctl_option_context_new (ctl, "history", HISTORY_USAGE,
                                       "Show the call history, newest first, or change it.",
                                       entries);
  g_option_context_set_description (context, HISTORY_ACTIONS_HELP);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  since = options.since;

  action = argc > 1 ? argv[1] : "list";
  if (g_str_equal (action, "list")) {
    if (argc > 2)
      return vo_ctl_usage_error ("history", "'history list' takes no arguments");
    return history_list (ctl, &options);
  }

  if (has_list_options (&options))
    return vo_ctl_usage_error ("history", "--missed, --incoming, --outgoing, --limit, --offset "
                                          "and --since go with 'history list'");
  if (g_str_equal (action, "seen")) {
    if (options.all && argc > 2)
      return vo_ctl_usage_error ("history", "give either IDs or --all, not both");
    if (options.all)
      return history_seen_all (ctl);
    if (argc < 3)
      return vo_ctl_usage_error ("history", "'history seen' needs the IDs of the calls, or "
                                            "--all");
    return history_apply (ctl, vo_dbus_history1_call_mark_seen_sync, argv + 2);
  }
  if (options.all)
    return vo_ctl_usage_error ("history", "--all goes with 'history seen'");
  if (g_str_equal (action, "delete")) {
    if (argc < 3)
      return vo_ctl_usage_error ("history", "'history delete' needs the IDs of the entries");
    return history_apply (ctl, vo_dbus_history1_call_delete_sync, argv + 2);
  }
  return vo_ctl_usage_error ("history", "unknown action '%s' (list, seen or delete)", action);
}

const VoCtlCommand vo_ctl_history_commands[] = {
  { "history", "List the call history, mark calls seen, delete entries", run_history },
  { NULL }
};
