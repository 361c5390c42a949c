/* vo-dbus-history.c: History1 methods → VoHistory; its count and new entries
 * → UnseenMissed and Added.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "vo-dbus-history.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"

static const char *const mirrored[] = { "unseen-missed", NULL };

#define FILTER_KEYS "kind (s), offset (u), limit (u) and since (x)"

static VoHistory *
history_of (gpointer skeleton)
{
  return g_object_get_data (G_OBJECT (skeleton), "vo-history");
}

static gboolean
filter_value_is (GVariant *value, const char *key, const GVariantType *type, GError **error)
{
  if (g_variant_is_of_type (value, type))
    return TRUE;
  g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
               "The filter key '%s' takes a value of type %.*s, not %s", key,
               (int) g_variant_type_get_string_length (type), g_variant_type_peek_string (type),
               g_variant_get_type_string (value));
  return FALSE;
}

/* Reads the a{sv} @dict into @filter; the kind points into @dict. */
static gboolean
filter_parse (GVariant *dict, VoHistoryFilter *filter, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr(GVariant) owned = value;

    if (g_str_equal (key, "kind")) {
      if (!filter_value_is (value, key, G_VARIANT_TYPE_STRING, error))
        return FALSE;
      filter->kind = g_variant_get_string (value, NULL);
    } else if (g_str_equal (key, "offset")) {
      if (!filter_value_is (value, key, G_VARIANT_TYPE_UINT32, error))
        return FALSE;
      filter->offset = g_variant_get_uint32 (value);
    } else if (g_str_equal (key, "limit")) {
      if (!filter_value_is (value, key, G_VARIANT_TYPE_UINT32, error))
        return FALSE;
      filter->limit = g_variant_get_uint32 (value);
    } else if (g_str_equal (key, "since")) {
      if (!filter_value_is (value, key, G_VARIANT_TYPE_INT64, error))
        return FALSE;
      filter->since = g_variant_get_int64 (value);
    } else {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a history filter key; List takes " FILTER_KEYS, key);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
on_handle_list (VoDbusHistory1 *skeleton, GDBusMethodInvocation *invocation, GVariant *dict)
{
  VoHistoryFilter filter = VO_HISTORY_FILTER_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) entries = NULL;

  if (filter_parse (dict, &filter, &error))
    entries = vo_history_list (history_of (skeleton), &filter, &error);
  if (entries)
    vo_dbus_history1_complete_list (skeleton, invocation, entries);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_get (VoDbusHistory1 *skeleton, GDBusMethodInvocation *invocation, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) entry = vo_history_get (history_of (skeleton), id, &error);

  if (entry)
    vo_dbus_history1_complete_get (skeleton, invocation, entry);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_mark_seen (VoDbusHistory1 *skeleton, GDBusMethodInvocation *invocation,
                     const char *const *ids)
{
  g_autoptr(GError) error = NULL;

  if (vo_history_mark_seen (history_of (skeleton), ids, &error))
    vo_dbus_history1_complete_mark_seen (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_delete (VoDbusHistory1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *const *ids)
{
  g_autoptr(GError) error = NULL;

  if (vo_history_delete (history_of (skeleton), ids, &error))
    vo_dbus_history1_complete_delete (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_added (VoHistory *history, GVariant *entry, gpointer user_data)
{
  /* VoHistory updated unseen-missed before "added", and the mirror flushed it:
   * a client reading UnseenMissed on Added already sees the new count. */
  vo_dbus_history1_emit_added (VO_DBUS_HISTORY1 (user_data), entry);
}

GDBusInterfaceSkeleton *
vo_dbus_history_new (VoHistory *history)
{
  VoDbusHistory1 *skeleton = vo_dbus_history1_skeleton_new ();

  g_object_set_data_full (G_OBJECT (skeleton), "vo-history", g_object_ref (history),
                          g_object_unref);
  vo_dbus_mirror_properties (G_OBJECT (history), G_DBUS_INTERFACE_SKELETON (skeleton), mirrored);
  g_signal_connect (skeleton, "handle-list", G_CALLBACK (on_handle_list), NULL);
  g_signal_connect (skeleton, "handle-get", G_CALLBACK (on_handle_get), NULL);
  g_signal_connect (skeleton, "handle-mark-seen", G_CALLBACK (on_handle_mark_seen), NULL);
  g_signal_connect (skeleton, "handle-delete", G_CALLBACK (on_handle_delete), NULL);
  g_signal_connect_object (history, "added", G_CALLBACK (on_added), skeleton, 0);
  return G_DBUS_INTERFACE_SKELETON (skeleton);
}
