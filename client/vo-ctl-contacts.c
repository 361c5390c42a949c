/* vo-ctl-contacts.c: the contacts command — list, search, show, add, edit,
 * delete, favorite, resolve, import and export contacts (Contacts1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <unistd.h>

#include "vo-ctl-common.h"

/* An import of a large file creates many contacts before the answer. */
#define VCARD_TIMEOUT_MS (120 * 1000)

#define CONTACTS_USAGE \
  "[list [SOURCE] | search QUERY | show ID | add NAME | edit ID | delete ID |\n" \
  "  favorite ID [off] | resolve NUMBER | import FILE | export [ID…]]"
#define CONTACTS_ACTIONS_HELP \
  "Actions:\n" \
  "  list [SOURCE]    NAME, NUMBER/EXTENSION, COMPANY, PRESENCE, favorite (*), ID;\n" \
  "                   SOURCE: all (default), company, personal, device, favorites\n" \
  "  search QUERY     the same for contacts matching QUERY (names in any order,\n" \
  "                   prefixes, numbers in any format, extension, e-mail, company)\n" \
  "  show ID          every field of a contact\n" \
  "  add NAME         a new personal contact with the field options; prints its ID\n" \
  "  edit ID          change the fields given as options of a personal contact\n" \
  "  delete ID        remove a personal contact\n" \
  "  favorite ID      make a company or personal contact a favorite;\n" \
  "                   'favorite ID off' no longer\n" \
  "  resolve NUMBER   the contact a number, extension or SIP address belongs to\n" \
  "  import FILE      each vCard (3.0 or 4.0) of FILE becomes a personal contact;\n" \
  "                   prints their IDs\n" \
  "  export [ID…]     the contacts (default: every personal one) as vCard 3.0, on\n" \
  "                   standard output or in the file of --output\n" \
  "With --json, list, search, show and resolve print the contacts' dictionaries."

typedef struct {
  char **numbers;
  char **emails;
  char **uris;
  char *name;
  char *company;
  char *department;
  char *extension;
  char *note;
  char *output;
  int limit;
  int offset;
} ContactsOptions;

static void
contacts_options_clear (ContactsOptions *options)
{
  g_strfreev (options->numbers);
  g_strfreev (options->emails);
  g_strfreev (options->uris);
  g_free (options->name);
  g_free (options->company);
  g_free (options->department);
  g_free (options->extension);
  g_free (options->note);
  g_free (options->output);
}

static VoDbusContacts1 *
contacts_proxy (VoCtl *ctl, GError **error)
{
  return vo_ctl_proxy (ctl, contacts1, CONTACTS1, VO_OBJECT_PATH, error);
}

/* Output */

/* The number column: the extension, else the first number, else the SIP URI. */
static const char *
contact_reach (GVariant *contact)
{
  const char *extension = vo_ctl_lookup_string (contact, "extension");
  g_autoptr (GVariant) numbers = g_variant_lookup_value (contact, "numbers",
                                                         G_VARIANT_TYPE_STRING_ARRAY);
  g_autoptr (GVariant) uris = NULL;
  const char *first = NULL;

  if (*extension)
    return extension;
  if (numbers && g_variant_n_children (numbers) > 0)
    g_variant_get_child (numbers, 0, "&s", &first);
  if (first)
    return first;
  uris = g_variant_lookup_value (contact, "uris", G_VARIANT_TYPE_STRING_ARRAY);
  if (uris && g_variant_n_children (uris) > 0)
    g_variant_get_child (uris, 0, "&s", &first);
  return first ? first : "";
}

static void
print_table (GVariant *contacts)
{
  g_autoptr (VoCtlTable) table = vo_ctl_table_new (6);
  g_autofree char *text = NULL;
  const char *const header[] = { "NAME", "NUMBER", "COMPANY", "PRESENCE", "FAV", "ID", NULL };

  vo_ctl_table_add_row (table, header);
  for (gsize i = 0; i < g_variant_n_children (contacts); i++) {
    g_autoptr (GVariant) contact = g_variant_get_child_value (contacts, i);
    gboolean favorite = FALSE;
    const char *row[7] = { NULL };

    g_variant_lookup (contact, "favorite", "b", &favorite);
    row[0] = vo_ctl_lookup_string (contact, "name");
    row[1] = contact_reach (contact);
    row[2] = vo_ctl_lookup_string (contact, "company");
    row[3] = vo_ctl_lookup_string (contact, "presence");
    row[4] = favorite ? "*" : "";
    row[5] = vo_ctl_lookup_string (contact, "id");
    vo_ctl_table_add_row (table, row);
  }
  text = vo_ctl_table_format (table, "");
  g_print ("%s\n", text);
}

static void
print_contacts (VoCtl *ctl, GVariant *contacts)
{
  if (ctl->json)
    vo_ctl_print_variant_json (contacts);
  else if (g_variant_n_children (contacts) == 0)
    g_print ("No contacts.\n");
  else
    print_table (contacts);
}

/* The keys of a contact in the order people read them; others follow. */
static const char *const shown_keys[] = {
  "name", "id", "source", "company", "department", "extension", "numbers", "uris", "emails",
  "presence", "favorite", "photo", "note", NULL
};

static void
print_field (const char *key, GVariant *value)
{
  g_autofree char *label = g_strdup (key);
  g_autofree char *text = vo_ctl_format_value (value);

  label[0] = g_ascii_toupper (label[0]);
  vo_ctl_print_field (label, text);
}

static void
print_contact (VoCtl *ctl, GVariant *contact)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (ctl->json) {
    vo_ctl_print_variant_json (contact);
    return;
  }
  for (const char *const *known = shown_keys; *known; known++) {
    g_autoptr (GVariant) known_value = g_variant_lookup_value (contact, *known, NULL);

    if (known_value)
      print_field (*known, known_value);
  }
  g_variant_iter_init (&iter, contact);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    if (!g_strv_contains (shown_keys, key))
      print_field (key, value);
    g_variant_unref (value);
  }
}

/* list, search */

static GVariant *
page_filter (ContactsOptions *options)
{
  GVariantBuilder filter;

  g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
  if (options->limit != VO_CTL_LIMIT_UNSET)
    g_variant_builder_add (&filter, "{sv}", "limit", g_variant_new_uint32 (options->limit));
  if (options->offset > 0)
    g_variant_builder_add (&filter, "{sv}", "offset", g_variant_new_uint32 (options->offset));
  return g_variant_builder_end (&filter);
}

static int
contacts_list (VoCtl *ctl, const char *source, const char *query, ContactsOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);
  g_autoptr (GVariant) found = NULL;
  GVariant *filter;

  if (!contacts)
    return vo_ctl_fail (error);
  filter = page_filter (options);
  if (query)
    vo_dbus_contacts1_call_search_sync (contacts, query, filter, G_DBUS_CALL_FLAGS_NONE, -1,
                                        &found, NULL, &error);
  else
    vo_dbus_contacts1_call_list_sync (contacts, source, filter, G_DBUS_CALL_FLAGS_NONE, -1,
                                      &found, NULL, &error);
  if (!found)
    return vo_ctl_fail (error);
  print_contacts (ctl, found);
  return VO_CTL_EXIT_OK;
}

/* show, resolve */

static int
contacts_show (VoCtl *ctl, const char *id, gboolean resolve)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);
  g_autoptr (GVariant) contact = NULL;

  if (!contacts)
    return vo_ctl_fail (error);
  if (resolve)
    vo_dbus_contacts1_call_resolve_sync (contacts, id, G_DBUS_CALL_FLAGS_NONE, -1, &contact,
                                         NULL, &error);
  else
    vo_dbus_contacts1_call_get_sync (contacts, id, G_DBUS_CALL_FLAGS_NONE, -1, &contact, NULL,
                                     &error);
  if (!contact)
    return vo_ctl_fail (error);
  print_contact (ctl, contact);
  return VO_CTL_EXIT_OK;
}

/* add, edit */

static void
add_string (GVariantBuilder *fields, const char *key, const char *value)
{
  if (value)
    g_variant_builder_add (fields, "{sv}", key, g_variant_new_string (value));
}

static void
add_strv (GVariantBuilder *fields, const char *key, char **values)
{
  if (values)
    g_variant_builder_add (fields, "{sv}", key,
                           g_variant_new_strv ((const char *const *) values, -1));
}

/* The fields the options give (and @name, when not NULL), as an a{sv}. */
static GVariant *
contact_fields (ContactsOptions *options, const char *name)
{
  GVariantBuilder fields;

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  add_string (&fields, "name", name);
  add_strv (&fields, "numbers", options->numbers);
  add_strv (&fields, "emails", options->emails);
  add_strv (&fields, "uris", options->uris);
  add_string (&fields, "company", options->company);
  add_string (&fields, "department", options->department);
  add_string (&fields, "extension", options->extension);
  add_string (&fields, "note", options->note);
  return g_variant_builder_end (&fields);
}

static void
print_id (VoCtl *ctl, const char *id)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!ctl->json) {
    g_print ("%s\n", id);
    return;
  }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_end_object (builder);
  vo_ctl_print_builder_json (builder);
}

static int
contacts_add (VoCtl *ctl, const char *name, ContactsOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);
  g_autofree char *id = NULL;

  if (!contacts ||
      !vo_dbus_contacts1_call_create_sync (contacts, contact_fields (options, name),
                                           G_DBUS_CALL_FLAGS_NONE, -1, &id, NULL, &error))
    return vo_ctl_fail (error);
  print_id (ctl, id);
  return VO_CTL_EXIT_OK;
}

static int
contacts_edit (VoCtl *ctl, const char *id, ContactsOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);

  if (!contacts ||
      !vo_dbus_contacts1_call_update_sync (contacts, id, contact_fields (options, options->name),
                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

/* delete, favorite */

static int
contacts_delete (VoCtl *ctl, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);

  if (!contacts ||
      !vo_dbus_contacts1_call_delete_sync (contacts, id, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                           &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
contacts_favorite (VoCtl *ctl, const char *id, gboolean favorite)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);

  if (!contacts ||
      !vo_dbus_contacts1_call_set_favorite_sync (contacts, id, favorite, G_DBUS_CALL_FLAGS_NONE,
                                                 -1, NULL, &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

/* import, export */

static int
contacts_import (VoCtl *ctl, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = NULL;
  g_autoptr (GUnixFDList) fds = NULL;
  g_auto (GStrv) ids = NULL;
  int fd = vo_ctl_open_file (path, "a vCard file", &error);

  if (fd < 0)
    return vo_ctl_fail (error);
  fds = g_unix_fd_list_new_from_array (&fd, 1); /* takes fd */
  contacts = contacts_proxy (ctl, &error);
  if (!contacts ||
      !vo_dbus_contacts1_call_import_vcard_sync (contacts, g_variant_new_handle (0),
                                                 G_DBUS_CALL_FLAGS_NONE, VCARD_TIMEOUT_MS, fds,
                                                 &ids, NULL, NULL, &error))
    return vo_ctl_fail (error);
  if (ctl->json) {
    g_autoptr (GVariant) list = g_variant_ref_sink (g_variant_new_strv ((const char *const *) ids,
                                                                        -1));

    vo_ctl_print_variant_json (list);
  } else
    for (char **id = ids; *id; id++)
      g_print ("%s\n", *id);
  return VO_CTL_EXIT_OK;
}

/* Where the vCards go: the file of --output (replaced), else stdout. */
static GOutputStream *
export_destination (const char *output, GError **error)
{
  g_autoptr (GFile) file = NULL;

  if (!output)
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  file = g_file_new_for_commandline_arg (output);
  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                          error));
}

static int
contacts_export (VoCtl *ctl, char **ids, const char *output)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusContacts1) contacts = contacts_proxy (ctl, &error);
  g_autoptr (GVariant) handle = NULL;
  g_autoptr (GUnixFDList) fds = NULL;
  g_autoptr (GInputStream) vcard = NULL;
  g_autoptr (GOutputStream) destination = NULL;
  const char *const no_ids[] = { NULL };
  int fd;

  if (!contacts ||
      !vo_dbus_contacts1_call_export_vcard_sync (contacts,
                                                 ids ? (const char *const *) ids : no_ids,
                                                 G_DBUS_CALL_FLAGS_NONE, VCARD_TIMEOUT_MS,
                                                 NULL, &handle, &fds, NULL, &error))
    return vo_ctl_fail (error);
  fd = fds ? g_unix_fd_list_get (fds, g_variant_get_handle (handle), &error) : -1;
  if (fd < 0)
    return error ? vo_ctl_fail (error)
                 : vo_ctl_fail_literal ("vo-daemon answered no file descriptor");
  vcard = g_unix_input_stream_new (fd, TRUE);
  destination = export_destination (output, &error);
  if (!destination ||
      g_output_stream_splice (destination, vcard,
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, &error) < 0)
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

/* The command */

static gboolean
has_field_options (ContactsOptions *options)
{
  return options->numbers || options->emails || options->uris || options->name ||
         options->company || options->department || options->extension || options->note;
}

/* Whether @action got @min to @max arguments after it; prints why not. */
static gboolean
check_arguments (int argc, const char *action, int min, int max, const char *what)
{
  int given = argc - 2;

  if (given >= min && given <= max)
    return TRUE;
  if (given < min)
    vo_ctl_usage_error ("contacts", "'contacts %s' needs %s", action, what);
  else
    vo_ctl_usage_error ("contacts", "'contacts %s' takes only %s", action, what);
  return FALSE;
}

/* Runs @action with the positional @argv after the action; options already
 * checked against it. */
static int
contacts_run (VoCtl *ctl, int argc, char **argv, ContactsOptions *options)
{
  const char *action = argc > 1 ? argv[1] : "list";

  if (g_str_equal (action, "list"))
    return check_arguments (argc, action, 0, 1, "a SOURCE") ?
             contacts_list (ctl, argc > 2 ? argv[2] : "all", NULL, options) : VO_CTL_EXIT_USAGE;
  if (g_str_equal (action, "search"))
    return check_arguments (argc, action, 1, 1, "one QUERY (quote it)") ?
             contacts_list (ctl, NULL, argv[2], options) : VO_CTL_EXIT_USAGE;
  if (g_str_equal (action, "show") || g_str_equal (action, "resolve"))
    return check_arguments (argc, action, 1, 1, action[0] == 's' ? "one ID" : "one NUMBER") ?
             contacts_show (ctl, argv[2], action[0] == 'r') : VO_CTL_EXIT_USAGE;
  if (g_str_equal (action, "add"))
    return check_arguments (argc, action, 1, 1, "one NAME (quote it)") ?
             contacts_add (ctl, argv[2], options) : VO_CTL_EXIT_USAGE;
  if (g_str_equal (action, "edit")) {
    if (!check_arguments (argc, action, 1, 1, "one ID"))
      return VO_CTL_EXIT_USAGE;
    if (!has_field_options (options))
      return vo_ctl_usage_error ("contacts", "'contacts edit' needs the fields to change "
                                             "(--name, --number, --email, …)");
    return contacts_edit (ctl, argv[2], options);
  }
  if (g_str_equal (action, "delete"))
    return check_arguments (argc, action, 1, 1, "one ID") ? contacts_delete (ctl, argv[2])
                                                          : VO_CTL_EXIT_USAGE;
  if (g_str_equal (action, "favorite")) {
    if (!check_arguments (argc, action, 1, 2, "an ID and optionally 'off'"))
      return VO_CTL_EXIT_USAGE;
    if (argc > 3 && !g_str_equal (argv[3], "off") && !g_str_equal (argv[3], "on"))
      return vo_ctl_usage_error ("contacts", "'contacts favorite ID' takes 'on' or 'off', "
                                             "not '%s'", argv[3]);
    return contacts_favorite (ctl, argv[2], argc < 4 || g_str_equal (argv[3], "on"));
  }
  if (g_str_equal (action, "import"))
    return check_arguments (argc, action, 1, 1, "one FILE") ? contacts_import (ctl, argv[2])
                                                            : VO_CTL_EXIT_USAGE;
  if (g_str_equal (action, "export"))
    return contacts_export (ctl, argc > 2 ? argv + 2 : NULL, options->output);
  return vo_ctl_usage_error ("contacts", "unknown action '%s' (list, search, show, add, edit, "
                                         "delete, favorite, resolve, import or export)", action);
}

/* Options that only some actions take, refused with the others. */
static int
check_options (const char *action, ContactsOptions *options)
{
  gboolean paged = g_str_equal (action, "list") || g_str_equal (action, "search");
  gboolean edits = g_str_equal (action, "add") || g_str_equal (action, "edit");

  if (!paged && (options->limit != VO_CTL_LIMIT_UNSET || options->offset))
    return vo_ctl_usage_error ("contacts", "--limit and --offset go with 'contacts list' and "
                                           "'contacts search'");
  if ((options->limit < 0 && options->limit != VO_CTL_LIMIT_UNSET) || options->offset < 0)
    return vo_ctl_usage_error ("contacts", "--limit and --offset take a number of at least 0");
  if (!edits && has_field_options (options))
    return vo_ctl_usage_error ("contacts", "the field options go with 'contacts add' and "
                                           "'contacts edit'");
  if (g_str_equal (action, "add") && options->name)
    return vo_ctl_usage_error ("contacts", "'contacts add' takes the name as its argument, "
                                           "not --name");
  if (options->output && !g_str_equal (action, "export"))
    return vo_ctl_usage_error ("contacts", "--output goes with 'contacts export'");
  return VO_CTL_EXIT_OK;
}

static int
run_contacts (VoCtl *ctl, int argc, char **argv)
{
  ContactsOptions options = { .limit = VO_CTL_LIMIT_UNSET };
  const GOptionEntry entries[] = {
    { "number", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.numbers,
      "A phone number (repeat for more; edit: replaces them all)", "N" },
    { "email", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.emails,
      "An e-mail address (repeat for more)", "E" },
    { "uri", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.uris,
      "A SIP address (repeat for more)", "U" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name, "With edit: the new name", "NAME" },
    { "company", 0, 0, G_OPTION_ARG_STRING, &options.company, "The company", "C" },
    { "department", 0, 0, G_OPTION_ARG_STRING, &options.department, "The department", "D" },
    { "extension", 0, 0, G_OPTION_ARG_STRING, &options.extension, "The extension", "X" },
    { "note", 0, 0, G_OPTION_ARG_STRING, &options.note, "A note", "T" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options.output,
      "With export: write the vCards to FILE instead of standard output", "FILE" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &options.limit,
      "With list and search: at most N contacts (1-1000, 100)", "N" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &options.offset,
      "With list and search: skip the first N contacts", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  int status;

  context = vo_ctl_option_context_new (ctl, "contacts", CONTACTS_USAGE,
                                       "Show, find and change contacts: the company "
                                       "directory, your personal contacts and the device's.",
                                       entries);
  g_option_context_set_description (context, CONTACTS_ACTIONS_HELP);
  if (!vo_ctl_parse (context, &argc, &argv)) {
    contacts_options_clear (&options);
    return VO_CTL_EXIT_USAGE;
  }
  status = check_options (argc > 1 ? argv[1] : "list", &options);
  if (status == VO_CTL_EXIT_OK)
    status = contacts_run (ctl, argc, argv, &options);
  contacts_options_clear (&options);
  return status;
}

const VoCtlCommand vo_ctl_contacts_commands[] = {
  { "contacts", "List, find, show and change contacts; import and export vCards",
    run_contacts },
  { NULL }
};
