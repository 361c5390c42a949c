/* vo-history.c: the call history core: checks what comes in, keeps the
 * unseen-missed count, turns rows into History1 entries.
 *
 * A row that finds the database locked by another program (the store fails
 * fast then, see vo-store.c) waits in memory, in order, and is written by a
 * retry timeout once the lock goes: a call still ends at once, and its
 * entry is not lost.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-history.h"
#include "vo-call-names.h"
#include "vo-address.h"
#include "vo-history-store.h"
#include "vo-error.h"

#include <string.h>

/* How often rows waiting for a locked database are tried again. */
#define RETRY_MS 100

struct _VoHistory {
  GObject parent_instance;
  VoHistoryStore *store;
  guint unseen_missed;
  GQueue pending;      /* VoHistoryRow *, oldest first, not stored yet */
  guint retry_id;
  VoContacts *contacts; /* may be NULL: Get adds no contact details */
};

enum { PROP_0, PROP_UNSEEN_MISSED, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoHistory, vo_history, G_TYPE_OBJECT)

static const char *const kind_names[VO_HISTORY_STORE_N_KINDS] = {
  [VO_HISTORY_STORE_ALL] = "all",
  [VO_HISTORY_STORE_MISSED] = "missed",
  [VO_HISTORY_STORE_INCOMING] = "incoming",
  [VO_HISTORY_STORE_OUTGOING] = "outgoing",
};

static void
vo_history_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VoHistory *self = VO_HISTORY (object);

  switch (prop_id) {
  case PROP_UNSEEN_MISSED:
    g_value_set_uint (value, self->unseen_missed);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_history_finalize (GObject *object)
{
  VoHistory *self = VO_HISTORY (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (!g_queue_is_empty (&self->pending))
    g_warning ("%u call history entries were not written: another program kept the "
               "database locked until vo-daemon stopped",
               g_queue_get_length (&self->pending));
  g_queue_clear_full (&self->pending, (GDestroyNotify) vo_history_row_free);
  g_clear_object (&self->store);
  g_clear_object (&self->contacts);
  G_OBJECT_CLASS (vo_history_parent_class)->finalize (object);
}

static void
vo_history_class_init (VoHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vo_history_get_property;
  object_class->finalize = vo_history_finalize;

  props[PROP_UNSEEN_MISSED] =
    g_param_spec_uint ("unseen-missed", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
}

static void
vo_history_init (VoHistory *self)
{
  g_queue_init (&self->pending);
}

/* Recounted from the index after every change rather than tracked by hand,
 * so it cannot drift from what the table says. */
static void
history_update_unseen_missed (VoHistory *self)
{
  g_autoptr(GError) error = NULL;
  guint count;

  if (!vo_history_store_count_unseen_missed (self->store, &count, &error)) {
    g_warning ("Cannot count unseen missed calls: %s", error->message);
    return;
  }
  if (count == self->unseen_missed)
    return;
  self->unseen_missed = count;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNSEEN_MISSED]);
}

VoHistory *
vo_history_new (VoStore *store)
{
  VoHistory *self = g_object_new (VO_TYPE_HISTORY, NULL);

  self->store = vo_history_store_new (store);
  history_update_unseen_missed (self);
  return self;
}

/* Text a GVariant string can carry: what the database holds came from the
 * network and may not be UTF-8. */
static GVariant *
variant_text (const char *text)
{
  if (g_utf8_validate (text, -1, NULL))
    return g_variant_new_string (text);
  return g_variant_new_take_string (g_utf8_make_valid (text, -1));
}

static guint32
row_duration_s (const VoHistoryRow *row)
{
  gint64 us;

  if (row->answer_us <= 0 || row->end_us <= row->answer_us)
    return 0;
  us = row->end_us - row->answer_us;
  return (guint32) MIN ((us + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC, (gint64) G_MAXUINT32);
}

/* Not g_variant_builder_add (b, "{sv}", …), which parses its format string
 * for each key of each entry: pages of 1000 entries build measurably faster. */
static void
entry_add (GVariantBuilder *builder, const char *key, GVariant *value)
{
  g_variant_builder_add_value (builder,
                               g_variant_new_dict_entry (g_variant_new_string (key),
                                                         g_variant_new_variant (value)));
}

static GVariant *
row_to_variant (const VoHistoryRow *row)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  entry_add (&builder, "id", variant_text (row->id));
  entry_add (&builder, "direction", variant_text (row->direction));
  entry_add (&builder, "remote-uri", variant_text (row->remote_uri));
  entry_add (&builder, "number", variant_text (row->number));
  entry_add (&builder, "name", variant_text (row->name));
  entry_add (&builder, "contact-id", variant_text (row->contact_id));
  entry_add (&builder, "start", g_variant_new_int64 (row->start_us));
  entry_add (&builder, "answer", g_variant_new_int64 (row->answer_us));
  entry_add (&builder, "end", g_variant_new_int64 (row->end_us));
  entry_add (&builder, "duration", g_variant_new_uint32 (row_duration_s (row)));
  entry_add (&builder, "reason", variant_text (row->reason));
  entry_add (&builder, "missed", g_variant_new_boolean (row->missed));
  entry_add (&builder, "seen", g_variant_new_boolean (row->seen));
  return g_variant_builder_end (&builder);
}

/* @text (NULL: "") as valid UTF-8. */
static char *
clean_text (const char *text)
{
  if (!text)
    return g_strdup ("");
  return g_utf8_make_valid (text, -1);
}

static gboolean
entry_is_valid (const VoHistoryEntry *entry, GError **error)
{
  if (entry->direction != VO_HISTORY_DIRECTION_INCOMING &&
      entry->direction != VO_HISTORY_DIRECTION_OUTGOING) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A call history entry needs a direction, incoming or outgoing");
    return FALSE;
  }
  if (!entry->remote_uri || !*entry->remote_uri) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A call history entry needs the remote party's URI");
    return FALSE;
  }
  if (entry->start_us <= 0) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A call history entry needs the time the call started");
    return FALSE;
  }
  if (entry->missed && entry->direction != VO_HISTORY_DIRECTION_INCOMING) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Only an incoming call can be missed");
    return FALSE;
  }
  return TRUE;
}

/* Writes @row and announces it; VO_ERROR_BUSY while the database is locked. */
static gboolean
history_store (VoHistory *self, const VoHistoryRow *row, GError **error)
{
  g_autoptr(GVariant) variant = NULL;

  if (!vo_history_store_insert (self->store, row, error))
    return FALSE;
  g_debug ("History: %s call with %s stored as %s", row->direction, row->remote_uri, row->id);

  history_update_unseen_missed (self);
  variant = g_variant_ref_sink (row_to_variant (row));
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, variant);
  return TRUE;
}

static void history_schedule_retry (VoHistory *self);

static gboolean
history_retry (gpointer user_data)
{
  VoHistory *self = user_data;
  VoHistoryRow *row;

  self->retry_id = 0;
  while ((row = g_queue_peek_head (&self->pending))) {
    g_autoptr(GError) error = NULL;

    if (!history_store (self, row, &error)) {
      if (g_error_matches (error, VO_ERROR, VO_ERROR_BUSY)) {
        history_schedule_retry (self);
        break;
      }
      g_warning ("The call with %s could not be written to the history: %s",
                 row->remote_uri, error->message);
    }
    vo_history_row_free (g_queue_pop_head (&self->pending));
  }
  return G_SOURCE_REMOVE;
}

static void
history_schedule_retry (VoHistory *self)
{
  if (!self->retry_id)
    self->retry_id = g_timeout_add (RETRY_MS, history_retry, self);
}

char *
vo_history_add (VoHistory *self, const VoHistoryEntry *entry, GError **error)
{
  g_autoptr(VoHistoryRow) row = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (VO_IS_HISTORY (self), NULL);
  g_return_val_if_fail (entry, NULL);

  if (!entry_is_valid (entry, error))
    return NULL;

  row = g_new0 (VoHistoryRow, 1);
  row->id = g_uuid_string_random ();
  row->direction =
    g_strdup (entry->direction == VO_HISTORY_DIRECTION_INCOMING ? "incoming" : "outgoing");
  row->remote_uri = clean_text (entry->remote_uri);
  row->number = entry->number && *entry->number ? clean_text (entry->number)
                                                : vo_history_number_from_uri (row->remote_uri);
  row->name = clean_text (entry->name);
  row->contact_id = clean_text (entry->contact_id);
  row->start_us = entry->start_us;
  row->answer_us = MAX (entry->answer_us, 0);
  row->end_us = MAX (entry->end_us, 0);
  row->reason = clean_text (entry->reason);
  row->missed = entry->missed;
  row->seen = !entry->missed;

  id = g_strdup (row->id);
  /* Behind rows still waiting: the history keeps the order calls ended in. */
  if (!g_queue_is_empty (&self->pending) || !history_store (self, row, &local)) {
    if (local && !g_error_matches (local, VO_ERROR, VO_ERROR_BUSY)) {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
    g_debug ("History: the database is locked; %s waits", id);
    g_queue_push_tail (&self->pending, g_steal_pointer (&row));
    history_schedule_retry (self);
  }
  return g_steal_pointer (&id);
}

static gboolean
kind_from_string (const char *text, VoHistoryStoreKind *kind)
{
  if (!text) {
    *kind = VO_HISTORY_STORE_ALL;
    return TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++) {
    if (g_str_equal (text, kind_names[i])) {
      *kind = i;
      return TRUE;
    }
  }
  return FALSE;
}

GVariant *
vo_history_list (VoHistory *self, const VoHistoryFilter *filter, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  VoHistoryStoreKind kind;
  GVariantBuilder builder;

  g_return_val_if_fail (VO_IS_HISTORY (self), NULL);
  g_return_val_if_fail (filter, NULL);

  if (!kind_from_string (filter->kind, &kind)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a kind of history entry; use all, missed, incoming or outgoing",
                 filter->kind);
    return NULL;
  }
  if (filter->limit == 0 || filter->limit > VO_HISTORY_LIMIT_MAX) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "A limit of %u entries is out of range; ask for 1 to %u entries at a time "
                 "and page with offset",
                 filter->limit, VO_HISTORY_LIMIT_MAX);
    return NULL;
  }

  rows = vo_history_store_list (self->store, kind, filter->since, filter->offset, filter->limit,
                                error);
  if (!rows)
    return NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < rows->len; i++)
    g_variant_builder_add_value (&builder, row_to_variant (g_ptr_array_index (rows, i)));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

GVariant *
vo_history_get (VoHistory *self, const char *id, GError **error)
{
  g_autoptr(VoHistoryRow) row = NULL;

  g_return_val_if_fail (VO_IS_HISTORY (self), NULL);
  g_return_val_if_fail (id, NULL);

  row = vo_history_store_get (self->store, id, error);
  if (!row)
    return NULL;
  return vo_call_names_add_details (self->contacts, row_to_variant (row));
}

void
vo_history_set_contacts (VoHistory *self, VoContacts *contacts)
{
  g_set_object (&self->contacts, contacts);
}

gboolean
vo_history_mark_seen (VoHistory *self, const char *const *ids, GError **error)
{
  g_return_val_if_fail (VO_IS_HISTORY (self), FALSE);

  if (!vo_history_store_mark_seen (self->store, ids, error))
    return FALSE;
  history_update_unseen_missed (self);
  return TRUE;
}

gboolean
vo_history_delete (VoHistory *self, const char *const *ids, GError **error)
{
  g_return_val_if_fail (VO_IS_HISTORY (self), FALSE);

  if (!vo_history_store_delete (self->store, ids, error))
    return FALSE;
  history_update_unseen_missed (self);
  return TRUE;
}

guint
vo_history_get_unseen_missed (VoHistory *self)
{
  g_return_val_if_fail (VO_IS_HISTORY (self), 0);
  return self->unseen_missed;
}

/* The user part of @uri, percent-decoded, or NULL when it has none. */
static char *
uri_user_part (const char *uri)
{
  g_autofree char *user = NULL;
  const char *start = uri;
  const char *end;
  const char *open = strchr (uri, '<');
  gboolean tel = FALSE;

  /* "Name <sip:…>" from a careless caller. */
  if (open) {
    start = open + 1;
    end = strchr (start, '>');
  } else {
    end = start + strlen (start);
  }
  if (!end)
    return NULL;
  while (start < end && g_ascii_isspace (*start))
    start++;

  if (g_ascii_strncasecmp (start, "sip:", 4) == 0) {
    start += 4;
  } else if (g_ascii_strncasecmp (start, "sips:", 5) == 0) {
    start += 5;
  } else if (g_ascii_strncasecmp (start, "tel:", 4) == 0) {
    start += 4;
    tel = TRUE;
  } else {
    tel = TRUE; /* a bare number */
  }

  if (!tel) {
    const char *at = memchr (start, '@', end - start);

    if (!at)
      return NULL; /* sip:host has no user */
    end = at;
  }
  for (const char *p = start; p < end; p++) {
    if (*p == ';' || *p == '?') {
      end = p;
      break;
    }
  }
  user = g_strndup (start, end - start);
  return g_uri_unescape_string (user, NULL);
}

char *
vo_history_number_from_uri (const char *uri)
{
  g_autofree char *user = NULL;
  char *number;

  g_return_val_if_fail (uri, NULL);

  user = uri_user_part (uri);
  number = user ? vo_address_phone_number (user) : NULL;
  return number ? number : g_strdup ("");
}
