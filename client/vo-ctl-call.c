/* vo-ctl-call.c: one call as the call commands see it — its properties, the
 * list of calls, and their table and JSON.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "vo-ctl-call.h"

/* Call1 properties in the order JSON shows them (keys in kebab-case). */
static const char *const call_properties[] = {
  "State",      "Direction", "RemoteUri",  "RemoteName", "StartTime", "AnswerTime", "Muted",
  "Held",       "RemoteHeld", "Codec",     "EndReason",  "ContactId", "Encrypted",
  "MediaError",
};

static guint64
number_from_path (const char *path)
{
  guint64 number = 0;

  if (!g_str_has_prefix (path, VO_CTL_CALLS_PATH "/") ||
      !g_ascii_string_to_unsigned (path + strlen (VO_CTL_CALLS_PATH "/"), 10, 1, G_MAXUINT64,
                                   &number, NULL))
    return 0;
  return number;
}

VoCtlCall *
vo_ctl_call_new (const char *path, GVariant *properties)
{
  VoCtlCall *call = g_new0 (VoCtlCall, 1);

  call->path = g_strdup (path);
  call->number = number_from_path (path);
  call->properties = g_variant_take_ref (properties);
  return call;
}

void
vo_ctl_call_free (VoCtlCall *call)
{
  if (!call)
    return;
  g_free (call->path);
  g_clear_pointer (&call->properties, g_variant_unref);
  g_free (call);
}

void
vo_ctl_call_set_properties (VoCtlCall *call, GVariant *properties)
{
  g_variant_unref (call->properties);
  call->properties = g_variant_take_ref (properties);
}

const char *
vo_ctl_call_string (const VoCtlCall *call, const char *name)
{
  return vo_ctl_lookup_string (call->properties, name);
}

gint64
vo_ctl_call_int64 (const VoCtlCall *call, const char *name)
{
  gint64 value = 0;

  if (!g_variant_lookup (call->properties, name, "x", &value))
    return 0;
  return value;
}

gboolean
vo_ctl_call_boolean (const VoCtlCall *call, const char *name)
{
  gboolean value = FALSE;

  if (!g_variant_lookup (call->properties, name, "b", &value))
    return FALSE;
  return value;
}

/* Their name when SIP gave one, else their address. */
static const char *
call_remote (const VoCtlCall *call)
{
  const char *name = vo_ctl_call_string (call, "RemoteName");

  return *name ? name : vo_ctl_call_string (call, "RemoteUri");
}

char *
vo_ctl_call_label (const VoCtlCall *call)
{
  const char *remote = call_remote (call);
  g_autofree char *name = call->number ? g_strdup_printf ("call %" G_GUINT64_FORMAT, call->number)
                                       : g_strdup_printf ("call %s", call->path);

  if (!*remote)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s (%s)", name, remote);
}

static char *
call_id (const VoCtlCall *call)
{
  if (call->number)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, call->number);
  return g_strdup (call->path);
}

void
vo_ctl_call_set_ended (VoCtlCall *call, const char *reason)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, call->properties);
  g_variant_dict_insert (&dict, "State", "s", "ended");
  if (reason)
    g_variant_dict_insert (&dict, "EndReason", "s", reason);
  vo_ctl_call_set_properties (call, g_variant_dict_end (&dict));
}

static int
compare_calls (gconstpointer a, gconstpointer b)
{
  const VoCtlCall *call_a = *(const VoCtlCall *const *) a;
  const VoCtlCall *call_b = *(const VoCtlCall *const *) b;

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

GPtrArray *
vo_ctl_list_calls (VoCtl *ctl, GError **error)
{
  g_autoptr (GDBusObjectManager) manager = vo_ctl_object_manager (ctl, error);
  GList *objects;
  GPtrArray *calls;

  if (!manager)
    return NULL;

  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_ctl_call_free);
  objects = g_dbus_object_manager_get_objects (manager);
  for (GList *l = objects; l; l = l->next) {
    VoDbusCall1 *proxy = vo_dbus_object_peek_call1 (l->data);

    if (proxy)
      g_ptr_array_add (calls, vo_ctl_call_new (g_dbus_object_get_object_path (l->data),
                                               vo_ctl_cached_properties (proxy)));
  }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (calls, compare_calls);
  return calls;
}

GVariant *
vo_ctl_get_call_properties (VoCtl *ctl, const char *path, GError **error)
{
  return vo_ctl_get_all (ctl, vo_dbus_call1_interface_info (), path, error);
}

gboolean
vo_ctl_is_gone_error (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
}

/* Output */

void
vo_ctl_add_call_json (JsonBuilder *builder, const VoCtlCall *call)
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

    vo_ctl_json_add_member (builder, key, value);
  }
  json_builder_end_object (builder);
}

void
vo_ctl_print_call_json (const VoCtlCall *call)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  vo_ctl_add_call_json (builder, call);
  vo_ctl_print_builder_json (builder);
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
format_flags (const VoCtlCall *call)
{
  g_autoptr (GPtrArray) flags = g_ptr_array_new ();

  if (vo_ctl_call_boolean (call, "Held"))
    g_ptr_array_add (flags, "held");
  if (vo_ctl_call_boolean (call, "RemoteHeld"))
    g_ptr_array_add (flags, "remote-held");
  if (vo_ctl_call_boolean (call, "Muted"))
    g_ptr_array_add (flags, "muted");
  if (*vo_ctl_call_string (call, "MediaError"))
    g_ptr_array_add (flags, "no-audio");
  /* SRTP both ways; its absence is worth seeing only on a live call. */
  if (vo_ctl_call_boolean (call, "Encrypted"))
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

char *
vo_ctl_format_calls_table (GPtrArray *calls, const char *indent)
{
  g_autoptr (VoCtlTable) table = vo_ctl_table_new (N_COLS);

  vo_ctl_table_add_row (table, column_titles);
  for (guint i = 0; i < calls->len; i++) {
    const VoCtlCall *call = calls->pdata[i];
    const char *codec = vo_ctl_call_string (call, "Codec");
    g_autofree char *id = call_id (call);
    g_autofree char *duration = format_duration (vo_ctl_call_int64 (call, "AnswerTime"));
    g_autofree char *flags = format_flags (call);
    const char *row[N_COLS] = {
      [COL_ID] = id,
      [COL_STATE] = vo_ctl_call_string (call, "State"),
      [COL_DIRECTION] = vo_ctl_call_string (call, "Direction"),
      [COL_REMOTE] = call_remote (call),
      [COL_DURATION] = duration,
      [COL_CODEC] = *codec ? codec : "-",
      [COL_FLAGS] = flags,
    };

    vo_ctl_table_add_row (table, row);
  }
  return vo_ctl_table_format (table, indent);
}
