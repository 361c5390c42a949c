/* vo-ctl-presence.c: the presence command — our status and note, and the
 * people we watch (Presence1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-common.h"

#define PRESENCE_INTERFACE "org.virtualoffice.Presence1"
#define PRESENCE_USAGE "[show | set STATUS [NOTE…] | watch URI… | get URI…]"

static GVariant *
presence_call (VoCtl *ctl, const char *method, GVariant *parameters, const char *reply_type,
               GError **error)
{
  if (!vo_ctl_connect (ctl, error)) {
    g_variant_unref (g_variant_ref_sink (parameters));
    return NULL;
  }
  return g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, VO_OBJECT_PATH, PRESENCE_INTERFACE,
                                      method, parameters,
                                      reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
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
  GVariantIter iter;
  const char *uri, *status, *note;
  int width = 0;

  g_variant_iter_init (&iter, people);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &uri, NULL, NULL))
    width = MAX (width, (int) g_utf8_strlen (uri, -1));
  g_variant_iter_init (&iter, people);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &uri, &status, &note)) {
    int pad = width - (int) g_utf8_strlen (uri, -1);

    if (*note)
      g_print ("  %s%*s  %-12s  %s\n", uri, pad, "", status, note);
    else
      g_print ("  %s%*s  %s\n", uri, pad, "", status);
  }
}

static int
presence_show (VoCtl *ctl)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) all = vo_ctl_get_all (ctl, PRESENCE_INTERFACE, &error);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) people = NULL;
  const char *status = "", *note = "";

  if (!all)
    return vo_ctl_fail (error);
  g_variant_lookup (all, "Status", "&s", &status);
  g_variant_lookup (all, "Note", "&s", &note);
  /* An empty list asks for everyone watched. */
  reply = presence_call (ctl, "Get", g_variant_new ("(^as)", (char *[]) { NULL }),
                         "(a{s(ss)})", &error);
  if (!reply)
    return vo_ctl_fail (error);
  people = g_variant_get_child_value (reply, 0);

  if (ctl->json) {
    g_autoptr (JsonBuilder) builder = json_builder_new ();
    g_autoptr (JsonNode) root = NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "status");
    json_builder_add_string_value (builder, status);
    json_builder_set_member_name (builder, "note");
    json_builder_add_string_value (builder, note);
    json_builder_set_member_name (builder, "watched");
    add_people_json (builder, people);
    json_builder_end_object (builder);
    root = json_builder_get_root (builder);
    vo_ctl_print_json (root, TRUE);
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
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) people = NULL;

  reply = presence_call (ctl, "Get", g_variant_new ("(^as)", uris), "(a{s(ss)})", &error);
  if (!reply)
    return vo_ctl_fail (error);
  people = g_variant_get_child_value (reply, 0);
  if (ctl->json) {
    g_autoptr (JsonBuilder) builder = json_builder_new ();
    g_autoptr (JsonNode) root = NULL;

    add_people_json (builder, people);
    root = json_builder_get_root (builder);
    vo_ctl_print_json (root, TRUE);
  } else {
    print_people (people);
  }
  return VO_CTL_EXIT_OK;
}

static int
presence_set (VoCtl *ctl, const char *status, char **note_words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *note = g_strjoinv (" ", note_words);

  reply = presence_call (ctl, "SetStatus", g_variant_new ("(ss)", status, note), "()", &error);
  return reply ? VO_CTL_EXIT_OK : vo_ctl_fail (error);
}

static int
presence_watch (VoCtl *ctl, char **uris)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = presence_call (ctl, "Watch", g_variant_new ("(^as)", uris), "()", &error);
  return reply ? VO_CTL_EXIT_OK : vo_ctl_fail (error);
}

static int
run_presence (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  const char *action;

  context = vo_ctl_option_context_new (ctl, "presence", PRESENCE_USAGE,
                                       "Show or set your presence; watch other people's.",
                                       NULL);
  g_option_context_set_description (context,
                                    "Actions:\n"
                                    "  show (default)        your status and note, and the "
                                    "status of everyone you watch\n"
                                    "  set STATUS [NOTE…]    STATUS: available, away, busy, dnd "
                                    "(calls are refused) or\n"
                                    "                        invisible (you look offline); "
                                    "NOTE: up to 256 characters\n"
                                    "  watch URI…            follow these people: bob, 201, "
                                    "bob@example.com or a sip: URI\n"
                                    "  get URI…              the last known status of these "
                                    "people\n\n"
                                    "Statuses shown for others: available, away, busy, dnd, "
                                    "on-the-phone, offline, unknown.");
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
