/* vo-history-store.h: SQL access to the call_history table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-store.h"

G_BEGIN_DECLS

/* Which entries a page holds; each kind is read from its own index. */
typedef enum {
  VO_HISTORY_STORE_ALL,
  VO_HISTORY_STORE_MISSED,
  VO_HISTORY_STORE_INCOMING, /* every incoming call, missed ones too */
  VO_HISTORY_STORE_OUTGOING,
  VO_HISTORY_STORE_N_KINDS,
} VoHistoryStoreKind;

/* One row. id is the public id (the uuid column); direction is "incoming" or
 * "outgoing"; times are µs since the epoch, 0 for "never". */
typedef struct {
  char *id;
  char *direction;
  char *remote_uri;
  char *number;
  char *name;
  char *contact_id;
  gint64 start_us;
  gint64 answer_us;
  gint64 end_us;
  char *reason;
  gboolean missed;
  gboolean seen;
} VoHistoryRow;

void vo_history_row_free (VoHistoryRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoHistoryRow, vo_history_row_free)

#define VO_TYPE_HISTORY_STORE (vo_history_store_get_type ())
G_DECLARE_FINAL_TYPE (VoHistoryStore, vo_history_store, VO, HISTORY_STORE, GObject)

VoHistoryStore *vo_history_store_new (VoStore *store);

/* Inserts @row (its id must be new). One statement, committed on return. */
gboolean vo_history_store_insert (VoHistoryStore *self, const VoHistoryRow *row,
                                  GError **error);

/* Rows of @kind with start_us >= @since, newest first (start, then insertion
 * order), skipping @offset and returning at most @limit: VoHistoryRow. */
GPtrArray *vo_history_store_list (VoHistoryStore *self, VoHistoryStoreKind kind, gint64 since,
                                  guint offset, guint limit, GError **error);

/* The row with @id, or NULL with VO_ERROR_NOT_FOUND. */
VoHistoryRow *vo_history_store_get (VoHistoryStore *self, const char *id, GError **error);

/* Set seen / delete every row of @ids in one transaction. An unknown id
 * fails the whole call with VO_ERROR_NOT_FOUND and changes nothing;
 * repeated ids count once. */
gboolean vo_history_store_mark_seen (VoHistoryStore *self, const char *const *ids,
                                     GError **error);
gboolean vo_history_store_delete (VoHistoryStore *self, const char *const *ids, GError **error);

/* Missed calls not marked seen (from a partial index, no table scan). */
gboolean vo_history_store_count_unseen_missed (VoHistoryStore *self, guint *count,
                                               GError **error);

G_END_DECLS
