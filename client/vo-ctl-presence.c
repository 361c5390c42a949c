/* vo-ctl-presence.c: the presence command — our status and note, and the
 * people we watch (Presence1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-common.h"

#define PRESENCE_USAGE "[show | set STATUS [NOTE…] | watch URI… | get URI…]"
/* The actions, for --help. */
#define PRESENCE_ACTIONS_HELP \
  "Actions:\n" \
  "  show (default)        your status and note, and the status of everyone you watch\n" \
  "  set STATUS [NOTE…]    STATUS: available, away, busy, dnd (calls are refused) or\n" \
  "                        invisible (you look offline); NOTE: up to 256 characters\n" \
  "  watch URI…            follow these people: bob, 201, bob@example.com or a sip: URI\n" \
  "  get URI…              the last known status of these people\n" \
  "\n" \
  "Statuses shown for others: available, away, busy, dnd, on-the-phone, offline, unknown."

/* The status of URIS (everyone watched when empty): a{s(ss)}. */
static GVariant *
get_people (VoCtl *ctl, const char *const *uris, GError **error)
{
  g_autoptr (VoDbusPresence1) presence = vo_ctl_proxy (ctl, presence1, PRESENCE1, VO_OBJECT_PATH,
                                                       error);
  GVariant *people = NULL;

  if (presence)
    vo_dbus_presence1_call_get_sync (presence, uris, G_DBUS_CALL_FLAGS_NONE, -1, &people, NULL,
                                     error);
  return people;
}

/* {"uri": {"status": …, "note": …}, …} */
static void
add_people_json (JsonBuilder *builder, GVariant *people)
{
  GVariantIter iter;
  const char *uri, *status, *note;

  json_builder_begin_object (builder);
  g_variant_iter_init (&iter, people);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &uri, &status, &note)) {
    json_builder_set_member_name (builder, uri);
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "status");
    json_builder_add_string_value (builder, status);
    json_builder_set_member_name (builder, "note");
    json_builder_add_string_value (builder, note);
    json_builder_end_object (builder);
  }
  json_builder_end_object (builder);
}

/* One line per person: "URI  STATUS  NOTE", URIs in the order given. */
static void
print_people (GVariant *people)
{
  g_autoptr (VoCtlTable) table = vo_ctl_table_new (3);
  g_autofree char *text = NULL;
  GVariantIter iter;
  const char *uri, *status, *note;

  /* Statuses in one column before the notes (none is longer). */
  vo_ctl_table_set_min_width (table, 1, 12);
  g_variant_iter_init (&iter, people);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &uri, &status, &note))
    vo_ctl_table_add_row (table, (const char *[]) { uri, status, *note ? note : NULL });
  text = vo_ctl_table_format (table, "  ");
  g_print ("%s\n", text);
}

static int
presence_show (VoCtl *ctl)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) all = vo_ctl_get_all (ctl, vo_dbus_presence1_interface_info (),
                                             VO_OBJECT_PATH, &error);
  g_autoptr (GVariant) people = NULL;
  const char *status = "", *note = "";

  if (!all)
    return vo_ctl_fail (error);
  g_variant_lookup (all, "Status", "&s", &status);
  g_variant_lookup (all, "Note", "&s", &note);
  /* An empty list asks for everyone watched. */
  people = get_people (ctl, (const char *[]) { NULL }, &error);
  if (!people)
    return vo_ctl_fail (error);

  if (ctl->json) {
    g_autoptr (JsonBuilder) builder = json_builder_new ();

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "status");
    json_builder_add_string_value (builder, status);
    json_builder_set_member_name (builder, "note");
    json_builder_add_string_value (builder, note);
    json_builder_set_member_name (builder, "watched");
    add_people_json (builder, people);
    json_builder_end_object (builder);
    vo_ctl_print_builder_json (builder);
    return VO_CTL_EXIT_OK;
  }
  vo_ctl_print_field ("Status", status);
  vo_ctl_print_field ("Note", note);
  if (g_variant_n_children (people) == 0) {
    g_print ("Watching nobody.\n");
  } else {
    g_print ("Watching:\n");
    print_people (people);
  }
  return VO_CTL_EXIT_OK;
}

static int
presence_get (VoCtl *ctl, char **uris)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) people = get_people (ctl, (const char *const *) uris, &error);

  if (!people)
    return vo_ctl_fail (error);
  if (ctl->json) {
    g_autoptr (JsonBuilder) builder = json_builder_new ();

    add_people_json (builder, people);
    vo_ctl_print_builder_json (builder);
  } else {
    print_people (people);
  }
  return VO_CTL_EXIT_OK;
}

static int
presence_set (VoCtl *ctl, const char *status, char **note_words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusPresence1) presence = NULL;
  g_autofree char *note = g_strjoinv (" ", note_words);

  presence = vo_ctl_proxy (ctl, presence1, PRESENCE1, VO_OBJECT_PATH, &error);
  if (!presence || !vo_dbus_presence1_call_set_status_sync (presence, status, note,
                                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                                            &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
presence_watch (VoCtl *ctl, char **uris)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusPresence1) presence = NULL;

  presence = vo_ctl_proxy (ctl, presence1, PRESENCE1, VO_OBJECT_PATH, &error);
  if (!presence || !vo_dbus_presence1_call_watch_sync (presence, (const char *const *) uris,
                                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
run_presence (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  const char *action;

  context = vo_ctl_option_context_new (ctl, "presence", PRESENCE_USAGE,
                                       "Show or set your presence; watch other people's.",
                                       NULL);
  g_option_context_set_description (context, PRESENCE_ACTIONS_HELP);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;

  action = argc > 1 ? argv[1] : "show";
  if (g_str_equal (action, "show")) {
    if (argc > 2)
      return vo_ctl_usage_error ("presence", "'presence show' takes no arguments");
    return presence_show (ctl);
  }
  if (g_str_equal (action, "set")) {
    if (argc < 3)
      return vo_ctl_usage_error ("presence", "'presence set' needs a status: available, away, "
                                             "busy, dnd or invisible");
    return presence_set (ctl, argv[2], argv + 3);
  }
  if (g_str_equal (action, "watch") || g_str_equal (action, "get")) {
    if (argc < 3)
      return vo_ctl_usage_error ("presence", "'presence %s' needs at least one address",
                                 action);
    return g_str_equal (action, "watch") ? presence_watch (ctl, argv + 2)
                                         : presence_get (ctl, argv + 2);
  }
  return vo_ctl_usage_error ("presence", "unknown action '%s' (show, set, watch or get)",
                             action);
}

const VoCtlCommand vo_ctl_presence_commands[] = {
  { "presence", "Show or set your presence, watch colleagues", run_presence },
  { NULL }
};
