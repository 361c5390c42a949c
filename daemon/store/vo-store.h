/* vo-store.h: the SQLite database (WAL) and its schema migrations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define VO_TYPE_STORE (vo_store_get_type ())
G_DECLARE_FINAL_TYPE (VoStore, vo_store, VO, STORE, GObject)

/* Opens (creating if needed) the database at @path and migrates it to the
 * newest schema. Each migration step runs in its own transaction. */
VoStore *vo_store_open (const char *path, GError **error);

/* The schema version this build writes (PRAGMA user_version). */
guint vo_store_latest_version (void);
guint vo_store_get_version (VoStore *self);
sqlite3 *vo_store_get_db (VoStore *self);
const char *vo_store_get_path (VoStore *self);

G_END_DECLS
