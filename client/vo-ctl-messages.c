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

/* The path of the conversation with @peer (created by the daemon if new). */
static char *
open_conversation (VoCtl *ctl, const char *peer, GError **error)
{
  g_autoptr (VoDbusMessages1) messages = NULL;
  char *path = NULL;

  messages = vo_ctl_proxy (ctl, messages1, MESSAGES1, VO_OBJECT_PATH, error);
  if (messages)
    vo_dbus_messages1_call_open_sync (messages, peer, G_DBUS_CALL_FLAGS_NONE, -1, &path, NULL,
                                      error);
  return path;
}

/* The conversation with @peer, to call methods on. */
static VoDbusConversation1 *
conversation_proxy (VoCtl *ctl, const char *peer, GError **error)
{
  g_autofree char *path = open_conversation (ctl, peer, error);

  if (!path)
    return NULL;
  return vo_ctl_proxy (ctl, conversation1, CONVERSATION1, path, error);
}

/* The page of messages and search show: --limit, and --before for messages. */
typedef struct {
  int limit; /* VO_CTL_LIMIT_UNSET when not given */
  char *before;
} Page;

static void
page_clear (Page *page)
{
  g_clear_pointer (&page->before, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Page, page_clear)

/* messages or search, for parse_page_command(). */
typedef struct {
  const char *name;
  const char *parameters;
  const char *summary;
  gboolean with_before;  /* --before too */
  gboolean one_argument; /* exactly one argument, else at least one */
  const char *missing;   /* the usage error when the arguments are not so */
} PageCommand;

static const PageCommand messages_command = {
  .name = "messages",
  .parameters = "PEER",
  .summary = "Show the newest messages with PEER, oldest first (--json: newest first).",
  .with_before = TRUE,
  .one_argument = TRUE,
  .missing = "give the peer whose messages to show",
};

static const PageCommand search_command = {
  .name = "search",
  .parameters = "WORD…",
  .summary = "Find the messages that have every WORD (the last one may be the start of a "
             "word), newest first.",
  .missing = "give the words to search for",
};

/* Parses COMMAND's options, --limit and maybe --before, and leaves its
 * arguments in ARGC and ARGV. Returns the options of GetMessages or Search
 * (a{sv}, full reference), or NULL after a usage error. */
static GVariant *
parse_page_command (VoCtl *ctl, int *argc, char ***argv, const PageCommand *command)
{
  g_auto (Page) page = { VO_CTL_LIMIT_UNSET, NULL };
  /* Copied by GOption; only what they point to must live on. */
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &page.limit, "Show at most N messages (1-1000, 50)",
      "N" },
    { "before", 0, 0, G_OPTION_ARG_STRING, &page.before,
      "Only messages older than the message ID", "ID" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  GVariantBuilder options;

  if (!command->with_before)
    entries[1] = (GOptionEntry) { NULL };
  context = vo_ctl_option_context_new (ctl, command->name, command->parameters, command->summary,
                                       entries);
  if (!vo_ctl_parse (context, argc, argv))
    return NULL;
  if (command->one_argument ? *argc != 2 : *argc < 2) {
    vo_ctl_usage_error (command->name, "%s", command->missing);
    return NULL;
  }
  if (page.limit != VO_CTL_LIMIT_UNSET && page.limit < 1) {
    vo_ctl_usage_error (command->name, "--limit takes a number of at least 1");
    return NULL;
  }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (page.limit != VO_CTL_LIMIT_UNSET)
    g_variant_builder_add (&options, "{sv}", "limit", g_variant_new_uint32 ((guint32) page.limit));
  if (page.before)
    g_variant_builder_add (&options, "{sv}", "before", g_variant_new_string (page.before));
  return g_variant_ref_sink (g_variant_builder_end (&options));
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

/* ---- send ---------------------------------------------------------------- */

static int
run_send (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusMessages1) messages = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;

  context = vo_ctl_option_context_new (ctl, "send", "TO TEXT…",
                                       "Send a message: an instant message to a colleague, an "
                                       "SMS to a phone number.",
                                       NULL);
  g_option_context_set_description (context,
                                    "TO is a contact's name or id (as for dial), a user name or "
                                    "extension\n(bob, 201), a SIP address (bob@example.com) or a "
                                    "phone number\n(+31 20 123 4567); quote a name of several "
                                    "words. "
                                    "The words of TEXT are joined with\nspaces. The message is "
                                    "stored and sent as soon as the account is registered;\nits "
                                    "ID is printed ('vo-ctl messages TO' shows its status).");
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 3)
    return vo_ctl_usage_error ("send", "give the recipient and the text");

  text = g_strjoinv (" ", argv + 2);
  messages = vo_ctl_proxy (ctl, messages1, MESSAGES1, VO_OBJECT_PATH, &error);
  if (!messages ||
      !vo_dbus_messages1_call_send_sync (messages, argv[1], text,
                                         vo_ctl_no_options (),
                                         G_DBUS_CALL_FLAGS_NONE, -1, &path, &id, NULL, &error))
    return vo_ctl_fail (error);
  if (ctl->json) {
    g_autoptr (GVariant) dict = NULL;
    GVariantDict out;

    g_variant_dict_init (&out, NULL);
    g_variant_dict_insert (&out, "id", "s", id);
    g_variant_dict_insert (&out, "conversation", "o", path);
    dict = g_variant_ref_sink (g_variant_dict_end (&out));
    vo_ctl_print_variant_json (dict);
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
  g_autoptr (GDBusObjectManager) manager = vo_ctl_object_manager (ctl, error);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GList *objects;

  if (!manager)
    return NULL;
  objects = g_dbus_object_manager_get_objects (manager);
  for (GList *l = objects; l; l = l->next) {
    VoDbusConversation1 *proxy = vo_dbus_object_peek_conversation1 (l->data);
    const char *path = g_dbus_object_get_object_path (l->data);
    g_auto (GStrv) names = NULL;
    GVariantDict out;

    if (!proxy)
      continue;
    g_variant_dict_init (&out, NULL);
    g_variant_dict_insert (&out, "path", "o", path);
    g_variant_dict_insert (&out, "id", "s", strrchr (path, '/') + 1);
    names = g_dbus_proxy_get_cached_property_names (G_DBUS_PROXY (proxy));
    for (char **name = names; name && *name; name++) {
      g_autoptr (GVariant) value = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (proxy), *name);
      g_autofree char *key = vo_ctl_kebab_case (*name);

      g_variant_dict_insert_value (&out, key, value);
    }
    g_ptr_array_add (list, g_variant_ref_sink (g_variant_dict_end (&out)));
  }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (list, compare_activity);
  return g_steal_pointer (&list);
}

/* Their name when known, else their address. */
static const char *
conversation_peer (GVariant *conversation)
{
  const char *name = vo_ctl_lookup_string (conversation, "peer-name");

  return *name ? name : vo_ctl_lookup_string (conversation, "peer");
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

    vo_ctl_print_variant_json (array);
    return VO_CTL_EXIT_OK;
  }
  if (list->len == 0) {
    g_print ("No conversations.\n");
    return VO_CTL_EXIT_OK;
  }
  vo_ctl_append_cell (line, "LAST", 16);
  vo_ctl_append_cell (line, "PEER", 28);
  vo_ctl_append_cell (line, "KIND", 4);
  vo_ctl_append_cell (line, "UNREAD", 6);
  g_print ("%sLAST MESSAGE\n", line->str);
  for (guint i = 0; i < list->len; i++) {
    GVariant *c = g_ptr_array_index (list, i);
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
    vo_ctl_append_cell (line, time, 16);
    vo_ctl_append_cell (line, conversation_peer (c), 28);
    vo_ctl_append_cell (line, vo_ctl_lookup_string (c, "kind"), 4);
    vo_ctl_append_cell (line, count, 6);
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

  vo_ctl_append_cell (line, "TIME", 16);
  if (peers)
    vo_ctl_append_cell (line, "PEER", 24);
  vo_ctl_append_cell (line, " ", 1);
  vo_ctl_append_cell (line, "STATUS", 9);
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
    vo_ctl_append_cell (line, time, 16);
    if (peers) {
      const char *peer = g_hash_table_lookup (peers, vo_ctl_lookup_string (m, "conversation"));

      vo_ctl_append_cell (line, peer ? peer : "?", 24);
    }
    vo_ctl_append_cell (line, incoming ? "<" : ">", 1);
    vo_ctl_append_cell (line, incoming ? "" : vo_ctl_lookup_string (m, "status"), 9);
    g_print ("%s%s\n", line->str, text);
  }
}

/* Search's MESSAGES, each with the peer of its conversation. */
static int
print_found (VoCtl *ctl, GVariant *messages)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) conversations = list_conversations (ctl, &error);
  g_autoptr (GHashTable) peers = g_hash_table_new (g_str_hash, g_str_equal);

  if (!conversations)
    return vo_ctl_fail (error);
  for (guint i = 0; i < conversations->len; i++) {
    GVariant *c = g_ptr_array_index (conversations, i);

    g_hash_table_insert (peers, (gpointer) vo_ctl_lookup_string (c, "path"),
                         (gpointer) conversation_peer (c));
  }
  print_messages (messages, FALSE, peers);
  return VO_CTL_EXIT_OK;
}

static int
run_messages (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusConversation1) conversation = NULL;
  g_autoptr (GVariant) options = parse_page_command (ctl, &argc, &argv, &messages_command);
  g_autoptr (GVariant) messages = NULL;

  if (!options)
    return VO_CTL_EXIT_USAGE;

  conversation = conversation_proxy (ctl, argv[1], &error);
  if (!conversation ||
      !vo_dbus_conversation1_call_get_messages_sync (conversation, options,
                                                     G_DBUS_CALL_FLAGS_NONE, -1, &messages, NULL,
                                                     &error))
    return vo_ctl_fail (error);
  if (ctl->json)
    vo_ctl_print_variant_json (messages);
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
  g_autoptr (VoDbusConversation1) conversation = NULL;

  context = vo_ctl_option_context_new (ctl, "read", "PEER",
                                       "Mark the conversation with PEER read (the sender sees "
                                       "its messages as read).",
                                       NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc != 2)
    return vo_ctl_usage_error ("read", "give the peer whose messages you have read");
  conversation = conversation_proxy (ctl, argv[1], &error);
  if (!conversation ||
      !vo_dbus_conversation1_call_mark_read_sync (conversation, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                                  &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
run_search (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusMessages1) proxy = NULL;
  g_autoptr (GVariant) options = parse_page_command (ctl, &argc, &argv, &search_command);
  g_autoptr (GVariant) messages = NULL;
  g_autofree char *query = NULL;

  if (!options)
    return VO_CTL_EXIT_USAGE;

  query = g_strjoinv (" ", argv + 1);
  proxy = vo_ctl_proxy (ctl, messages1, MESSAGES1, VO_OBJECT_PATH, &error);
  if (!proxy ||
      !vo_dbus_messages1_call_search_sync (proxy, query, options,
                                           G_DBUS_CALL_FLAGS_NONE, -1, &messages, NULL, &error))
    return vo_ctl_fail (error);
  if (ctl->json) {
    vo_ctl_print_variant_json (messages);
    return VO_CTL_EXIT_OK;
  }
  if (g_variant_n_children (messages) == 0) {
    g_print ("No messages found.\n");
    return VO_CTL_EXIT_OK;
  }
  return print_found (ctl, messages);
}

const VoCtlCommand vo_ctl_messages_commands[] = {
  { "send", "Send an instant message or SMS", run_send },
  { "conversations", "List the conversations", run_conversations },
  { "messages", "Show the messages with someone", run_messages },
  { "read", "Mark the messages with someone read", run_read },
  { "search", "Find messages by their text", run_search },
  { NULL }
};
