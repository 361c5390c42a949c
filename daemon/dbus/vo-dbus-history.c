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
#include "vo-dbus-options.h"

static const char *const mirrored[] = { "unseen-missed", NULL };

#define VO_TYPE_DBUS_HISTORY (vo_dbus_history_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusHistory, vo_dbus_history, VO, DBUS_HISTORY, VoDbusHistory1Skeleton)

/* The generated skeleton, implementing the interface's methods on the core
 * object it exports. */
struct _VoDbusHistory {
  VoDbusHistory1Skeleton parent_instance;
  VoHistory *history;
};

static void vo_dbus_history_iface_init (VoDbusHistory1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusHistory, vo_dbus_history, VO_DBUS_TYPE_HISTORY1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_HISTORY1,
                                                      vo_dbus_history_iface_init))

static VoHistory *
history_of (gpointer skeleton)
{
  return VO_DBUS_HISTORY (skeleton)->history;
}

/* Reads the a{sv} @dict into @filter; the kind points into @dict. */
static gboolean
filter_parse (GVariant *dict, VoHistoryFilter *filter, GError **error)
{
  g_autoptr(GVariant) kind = NULL;
  g_autoptr(GVariant) offset = NULL;
  g_autoptr(GVariant) limit = NULL;
  g_autoptr(GVariant) since = NULL;
  const VoDbusOption known[] = {
    { "kind", "s", &kind },
    { "offset", "u", &offset },
    { "limit", "u", &limit },
    { "since", "x", &since },
    { NULL },
  };

  if (!vo_dbus_options_parse (dict, "List", known, error))
    return FALSE;
  if (kind)
    filter->kind = g_variant_get_string (kind, NULL);
  if (offset)
    filter->offset = g_variant_get_uint32 (offset);
  if (limit)
    filter->limit = g_variant_get_uint32 (limit);
  if (since)
    filter->since = g_variant_get_int64 (since);
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

static void
vo_dbus_history_dispose (GObject *object)
{
  VoDbusHistory *self = VO_DBUS_HISTORY (object);

  g_clear_object (&self->history);
  G_OBJECT_CLASS (vo_dbus_history_parent_class)->dispose (object);
}

static void
vo_dbus_history_class_init (VoDbusHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_history_dispose;
}

static void
vo_dbus_history_iface_init (VoDbusHistory1Iface *iface)
{
  iface->handle_list = on_handle_list;
  iface->handle_get = on_handle_get;
  iface->handle_mark_seen = on_handle_mark_seen;
  iface->handle_delete = on_handle_delete;
}

static void
vo_dbus_history_init (VoDbusHistory *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_history_new (VoHistory *history)
{
  VoDbusHistory *self = g_object_new (VO_TYPE_DBUS_HISTORY, NULL);

  self->history = g_object_ref (history);
  vo_dbus_mirror_properties (G_OBJECT (history), G_DBUS_INTERFACE_SKELETON (self), mirrored);
  g_signal_connect_object (history, "added", G_CALLBACK (on_added), self, 0);
  return G_DBUS_INTERFACE_SKELETON (self);
}
