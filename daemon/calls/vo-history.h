/* vo-history.h: the call history (History1): every finished call, kept in
 * the store, newest first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contacts.h"
#include "vo-store.h"

G_BEGIN_DECLS

#define VO_HISTORY_LIMIT_DEFAULT 100
#define VO_HISTORY_LIMIT_MAX 1000

typedef enum {
  VO_HISTORY_DIRECTION_INCOMING,
  VO_HISTORY_DIRECTION_OUTGOING,
} VoHistoryDirection;

/* A finished call as the call model reports it. NULL strings are stored as
 * empty ones. An empty @number is derived from @remote_uri with
 * vo_history_number_from_uri(). @name and @contact_id are kept as given (the
 * contacts feature resolves them). @answer_us is 0 for a call never answered. */
typedef struct {
  VoHistoryDirection direction;
  const char *remote_uri;
  const char *number;
  const char *name;
  const char *contact_id;
  gint64 start_us;
  gint64 answer_us;
  gint64 end_us;
  const char *reason; /* Call1.EndReason: local, remote, busy, no-answer, … */
  gboolean missed;
} VoHistoryEntry;

/* What List returns. @kind: NULL or "all", "missed", "incoming" (missed
 * ones included), "outgoing"; @limit 1 to VO_HISTORY_LIMIT_MAX; entries
 * with start >= @since. */
typedef struct {
  const char *kind;
  guint offset;
  guint limit;
  gint64 since;
} VoHistoryFilter;

#define VO_HISTORY_FILTER_INIT { NULL, 0, VO_HISTORY_LIMIT_DEFAULT, G_MININT64 }

#define VO_TYPE_HISTORY (vo_history_get_type ())
G_DECLARE_FINAL_TYPE (VoHistory, vo_history, VO, HISTORY, GObject)

/* Property "unseen-missed" (guint, read-only): missed calls not marked seen,
 * notified when it changes. Signal "added" (GVariant *entry, a{sv}): after an
 * entry is committed. Entries are a{sv} with the keys of DESIGN.md §3: id,
 * direction, remote-uri, number, name, contact-id, start, answer, end (x),
 * duration (u, whole seconds answered, 0 if never), reason, missed, seen (b). */
VoHistory *vo_history_new (VoStore *store);

/* Stores @entry (on disk when this returns) and emits "added"; while another
 * program holds the database locked, both happen once the lock goes (the
 * entry waits in memory). Returns the new entry's id. A missed call starts unseen; any other call is seen (the
 * user took part in it). Errors: VO_ERROR_INVALID_ARGUMENT, VO_ERROR_FAILED. */
char *vo_history_add (VoHistory *self, const VoHistoryEntry *entry, GError **error);

/* A page of entries (aa{sv}), newest first. A bad @filter is
 * VO_ERROR_INVALID_ARGUMENT. */
GVariant *vo_history_list (VoHistory *self, const VoHistoryFilter *filter, GError **error);

/* One entry (a{sv}); VO_ERROR_NOT_FOUND for an unknown id. An entry
 * whose contact is a company contact also has its presence, extension
 * and company (s), as the contacts know them now. */
GVariant *vo_history_get (VoHistory *self, const char *id, GError **error);

/* Where Get finds the contacts' details (NULL: nowhere). */
void vo_history_set_contacts (VoHistory *self, VoContacts *contacts);

/* All or nothing: an unknown id is VO_ERROR_NOT_FOUND and nothing changes. */
gboolean vo_history_mark_seen (VoHistory *self, const char *const *ids, GError **error);
gboolean vo_history_delete (VoHistory *self, const char *const *ids, GError **error);

guint vo_history_get_unseen_missed (VoHistory *self);

/* The phone number in a URI's user part ("sip:+1-555-0100@pbx;user=phone" →
 * "+15550100", "tel:1001" → "1001"): digits with an optional leading +,
 * visual separators dropped. "" when the user part is not a number. */
char *vo_history_number_from_uri (const char *uri);

G_END_DECLS
