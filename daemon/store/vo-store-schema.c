/* vo-store-schema.c: the schema, as a list of forward-only migrations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-store-schema.h"

const char *const vo_store_migrations[] = {
  /* 1: call history (History1). Times are microseconds since the epoch. */
  "CREATE TABLE call_history ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  direction TEXT NOT NULL CHECK (direction IN ('incoming','outgoing')),"
  "  remote_uri TEXT NOT NULL,"
  "  number TEXT NOT NULL DEFAULT '',"
  "  name TEXT NOT NULL DEFAULT '',"
  "  start_us INTEGER NOT NULL,"
  "  answer_us INTEGER NOT NULL DEFAULT 0,"
  "  end_us INTEGER NOT NULL DEFAULT 0,"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  missed INTEGER NOT NULL DEFAULT 0,"
  "  seen INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX call_history_start ON call_history (start_us DESC);",

  /* 2: missed-call lookups (UnseenMissed) without a table scan, and the
   * contact join that the contacts feature fills in. */
  "ALTER TABLE call_history ADD COLUMN contact_id TEXT NOT NULL DEFAULT '';"
  "CREATE INDEX call_history_unseen_missed ON call_history (missed, seen) WHERE missed = 1 AND seen = 0;",

  /* 3: History1.List pages of each kind straight from an index, newest first.
   * The start index becomes ascending: scanned backwards it gives start_us DESC
   * with the rowid (every index's last column) DESC as the tie-break, one order
   * with no sort step; the DESC index gave rowid ASC and needed a sort. */
  "DROP INDEX call_history_start;"
  "CREATE INDEX call_history_start ON call_history (start_us);"
  "CREATE INDEX call_history_missed_start ON call_history (missed, start_us);"
  "CREATE INDEX call_history_direction_start ON call_history (direction, start_us);",
};

const guint vo_store_n_migrations = G_N_ELEMENTS (vo_store_migrations);
