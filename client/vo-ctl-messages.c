/* vo-ctl-messages.c: the message commands — send, conversations, messages,
 * read, search (Messages1 and Conversation1).
 *
 * A conversation is named by its peer in any form Send takes (bob, 201,
 * bob@example.com, +31 20 123 4567); the daemon turns it into the one
 * conversation with that peer (Messages1.Open).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vo-ctl-common.h"

#define MESSAGES_INTERFACE "org.virtualoffice.Messages1"
#define CONVERSATION_INTERFACE "org.virtualoffice.Conversation1"
#define OBJECT_MANAGER_INTERFACE "org.freedesktop.DBus.ObjectManager"

/* --limit not given: the daemon's default page. */
#define LIMIT_UNSET G_MININT

static GVariant *
messages_call (VoCtl *ctl, const char *path, const char *interface, const char *method,
               GVariant *parameters, const char *reply_type, GError **error)
{
  if (!vo_ctl_connect (ctl, error)) {
    if (parameters)
      g_variant_unref (g_variant_ref_sink (parameters));
    return NULL;
  }
  return g_dbus_connection_call_sync (ctl->bus, VO_BUS_NAME, path, interface, method, parameters,
                                      reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

/* The path of the conversation with @peer (created by the daemon if new). */
static char *
open_conversation (VoCtl *ctl, const char *peer, GError **error)
{
  g_autoptr (GVariant) reply = messages_call (ctl, VO_OBJECT_PATH, MESSAGES_INTERFACE, "Open",
                                              g_variant_new ("(s)", peer), "(o)", error);
  char *path = NULL;

  if (reply)
    g_variant_get (reply, "(o)", &path);
  return path;
}

/* The text on one line: line breaks shown as "↵". */
static char *
one_line (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++) {
    if (*p == '\n')
      g_string_append (out, "↵");
    else if (*p != '\r')
      g_string_append_c (out, *p);
  }
  return g_string_free (out, FALSE);
}

/* @text in @width columns: cut with "…" or padded with blanks. */
static void
append_cell (GString *line, const char *text, guint width)
{
  glong length = g_utf8_strlen (text, -1);

  if (length > width) {
    const char *cut = g_utf8_offset_to_pointer (text, width - 1);

    g_string_append_len (line, text, cut - text);
    g_string_append (line, "…");
  } else {
    g_string_append (line, text);
    for (glong i = length; i < width; i++)
      g_string_append_c (line, ' ');
  }
  g_string_append (line, "  ");
}

static void
print_json (GVariant *value)
{
  g_autoptr (JsonNode) node = json_gvariant_serialize (value);

  vo_ctl_print_json (node, TRUE);
}

/* ---- send ---------------------------------------------------------------- */

static int
run_send (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *text = NULL;
  const char *path, *id;
  GVariantBuilder options;

  context = vo_ctl_option_context_new (ctl, "send", "TO TEXT…",
                                       "Send a message: an instant message to a colleague, an "
                                       "SMS to a phone number.",
                                       NULL);
  g_option_context_set_description (context,
                                    "TO is a user name or extension (bob, 201), a SIP address "
                                    "(bob@example.com)\nor a phone number (+31 20 123 4567). "
                                    "The words of TEXT are joined with\nspaces. The message is "
                                    "stored and sent as soon as the account is registered;\nits "
                                    "ID is printed ('vo-ctl messages TO' shows its status).");
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 3)
    return vo_ctl_usage_error ("send", "give the recipient and the text");

  text = g_strjoinv (" ", argv + 2);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  reply = messages_call (ctl, VO_OBJECT_PATH, MESSAGES_INTERFACE, "Send",
                         g_variant_new ("(ssa{sv})", argv[1], text, &options), "(os)", &error);
  if (!reply)
    return vo_ctl_fail (error);
  g_variant_get (reply, "(&o&s)", &path, &id);
  if (ctl->json) {
    g_autoptr (GVariant) dict = NULL;
    GVariantDict out;

    g_variant_dict_init (&out, NULL);
    g_variant_dict_insert (&out, "id", "s", id);
    g_variant_dict_insert (&out, "conversation", "o", path);
    dict = g_variant_ref_sink (g_variant_dict_end (&out));
    print_json (dict);
  } else {
    g_print ("%s\n", id);
  }
  return VO_CTL_EXIT_OK;
}

/* ---- conversations ---------------------------------------------------------- */

static gint
compare_activity (gconstpointer a, gconstpointer b)
{
  GVariant *pa = *(GVariant *const *) a, *pb = *(GVariant *const *) b;
  gint64 ta = 0, tb = 0;

  g_variant_lookup (pa, "last-activity", "x", &ta);
  g_variant_lookup (pb, "last-activity", "x", &tb);
  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

/* Each conversation as {path, id, peer, peer-name, kind, unread,
 * last-activity, last-message}, the most recent first. */
static GPtrArray *
list_conversations (VoCtl *ctl, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) objects = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GVariantIter iter;
  const char *path;
  GVariant *interfaces;

  reply = messages_call (ctl, VO_OBJECT_PATH, OBJECT_MANAGER_INTERFACE, "GetManagedObjects", NULL,
                         "(a{oa{sa{sv}}})", error);
  if (!reply)
    return NULL;
  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &interfaces)) {
    g_autoptr (GVariant) owned = interfaces;
    g_autoptr (GVariant) properties = g_variant_lookup_value (interfaces, CONVERSATION_INTERFACE,
                                                              G_VARIANT_TYPE_VARDICT);
    GVariantDict out;
    GVariantIter props;
    const char *name;
    GVariant *value;

    if (!properties)
      continue;
    g_variant_dict_init (&out, NULL);
    g_variant_dict_insert (&out, "path", "o", path);
    g_variant_dict_insert (&out, "id", "s", strrchr (path, '/') + 1);
    g_variant_iter_init (&props, properties);
    while (g_variant_iter_next (&props, "{&sv}", &name, &value)) {
      g_autofree char *key = vo_ctl_kebab_case (name);

      g_variant_dict_insert_value (&out, key, value);
      g_variant_unref (value);
    }
    g_ptr_array_add (list, g_variant_ref_sink (g_variant_dict_end (&out)));
  }
  g_ptr_array_sort (list, compare_activity);
  return g_steal_pointer (&list);
}

static int
run_conversations (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GString) line = g_string_new (NULL);

  context = vo_ctl_option_context_new (ctl, "conversations", NULL,
                                       "List the conversations, the most recent first.", NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc > 1)
    return vo_ctl_usage_error ("conversations", "'conversations' takes no arguments");

  list = list_conversations (ctl, &error);
  if (!list)
    return vo_ctl_fail (error);
  if (ctl->json) {
    g_autoptr (GVariant) array = g_variant_ref_sink (
      g_variant_new_array (G_VARIANT_TYPE_VARDICT, (GVariant **) list->pdata, list->len));

    print_json (array);
    return VO_CTL_EXIT_OK;
  }
  if (list->len == 0) {
    g_print ("No conversations.\n");
    return VO_CTL_EXIT_OK;
  }
  append_cell (line, "LAST", 16);
  append_cell (line, "PEER", 28);
  append_cell (line, "KIND", 4);
  append_cell (line, "UNREAD", 6);
  g_print ("%sLAST MESSAGE\n", line->str);
  for (guint i = 0; i < list->len; i++) {
    GVariant *c = g_ptr_array_index (list, i);
    const char *name = vo_ctl_lookup_string (c, "peer-name");
    gint64 last = 0;
    guint32 unread = 0;
    g_autofree char *time = NULL;
    g_autofree char *count = NULL;
    g_autofree char *text = one_line (vo_ctl_lookup_string (c, "last-message"));

    g_variant_lookup (c, "last-activity", "x", &last);
    g_variant_lookup (c, "unread", "u", &unread);
    time = vo_ctl_format_time (last);
    count = g_strdup_printf ("%u", unread);
    g_string_truncate (line, 0);
    append_cell (line, time, 16);
    append_cell (line, *name ? name : vo_ctl_lookup_string (c, "peer"), 28);
    append_cell (line, vo_ctl_lookup_string (c, "kind"), 4);
    append_cell (line, count, 6);
    g_print ("%s%s\n", line->str, text);
  }
  return VO_CTL_EXIT_OK;
}

/* ---- messages, search ----------------------------------------------------- */

/* One message per line: TIME, direction arrow, STATUS, TEXT (and PEER for
 * search results, from @peers: path → peer). */
static void
print_messages (GVariant *messages, gboolean oldest_first, GHashTable *peers)
{
  gsize n = g_variant_n_children (messages);
  g_autoptr (GString) line = g_string_new (NULL);

  append_cell (line, "TIME", 16);
  if (peers)
    append_cell (line, "PEER", 24);
  append_cell (line, " ", 1);
  append_cell (line, "STATUS", 9);
  g_print ("%sTEXT\n", line->str);
  for (gsize k = 0; k < n; k++) {
    g_autoptr (GVariant) m = g_variant_get_child_value (messages, oldest_first ? n - 1 - k : k);
    gint64 time_us = 0;
    g_autofree char *time = NULL;
    g_autofree char *text = one_line (vo_ctl_lookup_string (m, "text"));
    gboolean incoming = g_str_equal (vo_ctl_lookup_string (m, "direction"), "incoming");

    g_variant_lookup (m, "time", "x", &time_us);
    time = vo_ctl_format_time (time_us);
    g_string_truncate (line, 0);
    append_cell (line, time, 16);
    if (peers) {
      const char *peer = g_hash_table_lookup (peers, vo_ctl_lookup_string (m, "conversation"));

      append_cell (line, peer ? peer : "?", 24);
    }
    append_cell (line, incoming ? "<" : ">", 1);
    append_cell (line, incoming ? "" : vo_ctl_lookup_string (m, "status"), 9);
    g_print ("%s%s\n", line->str, text);
  }
}

static int
run_messages (VoCtl *ctl, int argc, char **argv)
{
  int limit = LIMIT_UNSET;
  char *before = NULL;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N messages (1-1000, 50)", "N" },
    { "before", 0, 0, G_OPTION_ARG_STRING, &before, "Only messages older than the message ID",
      "ID" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) messages = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before_owned = NULL;
  GVariantBuilder options;

  context = vo_ctl_option_context_new (ctl, "messages", "PEER",
                                       "Show the newest messages with PEER, oldest first "
                                       "(--json: newest first).",
                                       entries);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  before_owned = before;
  if (argc != 2)
    return vo_ctl_usage_error ("messages", "give the peer whose messages to show");
  if (limit != LIMIT_UNSET && limit < 1)
    return vo_ctl_usage_error ("messages", "--limit takes a number of at least 1");

  path = open_conversation (ctl, argv[1], &error);
  if (!path)
    return vo_ctl_fail (error);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (limit != LIMIT_UNSET)
    g_variant_builder_add (&options, "{sv}", "limit", g_variant_new_uint32 ((guint32) limit));
  if (before)
    g_variant_builder_add (&options, "{sv}", "before", g_variant_new_string (before));
  reply = messages_call (ctl, path, CONVERSATION_INTERFACE, "GetMessages",
                         g_variant_new ("(a{sv})", &options), "(aa{sv})", &error);
  if (!reply)
    return vo_ctl_fail (error);
  messages = g_variant_get_child_value (reply, 0);
  if (ctl->json)
    print_json (messages);
  else if (g_variant_n_children (messages) == 0)
    g_print ("No messages.\n");
  else
    print_messages (messages, TRUE, NULL);
  return VO_CTL_EXIT_OK;
}

static int
run_read (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *path = NULL;

  context = vo_ctl_option_context_new (ctl, "read", "PEER",
                                       "Mark the conversation with PEER read (the sender sees "
                                       "its messages as read).",
                                       NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc != 2)
    return vo_ctl_usage_error ("read", "give the peer whose messages you have read");
  path = open_conversation (ctl, argv[1], &error);
  if (path)
    reply = messages_call (ctl, path, CONVERSATION_INTERFACE, "MarkRead", NULL, "()", &error);
  if (!reply)
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
run_search (VoCtl *ctl, int argc, char **argv)
{
  int limit = LIMIT_UNSET;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N messages (1-1000, 50)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) messages = NULL;
  g_autoptr (GPtrArray) conversations = NULL;
  g_autoptr (GHashTable) peers = NULL;
  g_autofree char *query = NULL;
  GVariantBuilder options;

  context = vo_ctl_option_context_new (ctl, "search", "WORD…",
                                       "Find the messages that have every WORD (the last one "
                                       "may be the start of a word), newest first.",
                                       entries);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 2)
    return vo_ctl_usage_error ("search", "give the words to search for");
  if (limit != LIMIT_UNSET && limit < 1)
    return vo_ctl_usage_error ("search", "--limit takes a number of at least 1");

  query = g_strjoinv (" ", argv + 1);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (limit != LIMIT_UNSET)
    g_variant_builder_add (&options, "{sv}", "limit", g_variant_new_uint32 ((guint32) limit));
  reply = messages_call (ctl, VO_OBJECT_PATH, MESSAGES_INTERFACE, "Search",
                         g_variant_new ("(sa{sv})", query, &options), "(aa{sv})", &error);
  if (!reply)
    return vo_ctl_fail (error);
  messages = g_variant_get_child_value (reply, 0);
  if (ctl->json) {
    print_json (messages);
    return VO_CTL_EXIT_OK;
  }
  if (g_variant_n_children (messages) == 0) {
    g_print ("No messages found.\n");
    return VO_CTL_EXIT_OK;
  }
  conversations = list_conversations (ctl, &error);
  if (!conversations)
    return vo_ctl_fail (error);
  peers = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < conversations->len; i++) {
    GVariant *c = g_ptr_array_index (conversations, i);
    const char *name = vo_ctl_lookup_string (c, "peer-name");

    g_hash_table_insert (peers, (gpointer) vo_ctl_lookup_string (c, "path"),
                         (gpointer) (*name ? name : vo_ctl_lookup_string (c, "peer")));
  }
  print_messages (messages, FALSE, peers);
  return VO_CTL_EXIT_OK;
}

const VoCtlCommand vo_ctl_messages_commands[] = {
  { "send", "Send an instant message or SMS", run_send },
  { "conversations", "List the conversations", run_conversations },
  { "messages", "Show the messages with someone", run_messages },
  { "read", "Mark the messages with someone read", run_read },
  { "search", "Find messages by their text", run_search },
  { NULL }
};
