/* vo-contact-store.h: SQL access to the contacts tables: every contact of
 * every source (the company directory's cache, personal contacts, the
 * mirror of the device's address books), their lookup keys for Resolve,
 * their full-text index for Search, the favorites and small sync state.
 *
 * The store keeps what the core hands it: it does not normalise numbers
 * (the core computes the keys and search terms) and does not know what a
 * source means beyond the text in the row.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-store.h"

G_BEGIN_DECLS

/* One contact. Strings are "" when empty (never NULL in a row read from the
 * store); the arrays are NULL-terminated and never NULL. */
typedef struct {
  char *id;          /* "company:alice", "personal:UUID", "device:…": stable */
  char *source;      /* "company", "personal" or "device" */
  char *name;
  char *company;
  char *department;
  char *extension;
  char **numbers;    /* as the source has them */
  char **uris;       /* sip:/sips: URIs */
  char **emails;
  char *photo;       /* a local file path (the photo is cached there), or "" */
  char *photo_etag;  /* company: the service's ETag of the entry's photo ("" when it has
                      * none); the photo is fetched lazily, so photo may still be "" */
  char *note;
  gint64 changed_us; /* when the row was last written (put stores this; 0: now) */
  gboolean favorite; /* read: whether id is in the favorites (written with set_favorite) */
} VoContactRow;

VoContactRow *vo_contact_row_new (void);
VoContactRow *vo_contact_row_copy (const VoContactRow *row);
void vo_contact_row_free (VoContactRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoContactRow, vo_contact_row_free)

#define VO_TYPE_CONTACT_STORE (vo_contact_store_get_type ())
G_DECLARE_FINAL_TYPE (VoContactStore, vo_contact_store, VO, CONTACT_STORE, GObject)

VoContactStore *vo_contact_store_new (VoStore *store);

/* Transactions around many puts/deletes (a directory page, an import):
 * nothing of them is visible, or kept after a crash, until commit. Not
 * nested. rollback never fails. */
gboolean vo_contact_store_begin (VoContactStore *self, GError **error);
gboolean vo_contact_store_commit (VoContactStore *self, GError **error);
void vo_contact_store_rollback (VoContactStore *self);

/* Inserts or replaces the row with @row->id (favorite is ignored). The row,
 * its keys and its index entry are written together or not at all (in a
 * transaction of its own, or a savepoint inside the caller's). Refuses with
 * VO_ERROR_INVALID_ARGUMENT, storing nothing, a row without id or source,
 * text that is not UTF-8, and list elements (numbers, uris, emails, keys,
 * terms) holding U+001F, the separator they are stored with; empty
 * elements are dropped.
 * @keys: the exact-match keys Resolve looks up ("tel:+31201234567",
 * "ext:201", "sip:alice@vo.test"; lowercase as the core made them).
 * @terms: extra search words indexed beside name, company, department,
 * extension and e-mails (the digit forms of the numbers: "31201234567",
 * "0201234567"). Either may be NULL. */
gboolean vo_contact_store_put (VoContactStore *self, const VoContactRow *row,
                               const char *const *keys, const char *const *terms,
                               GError **error);

/* Removes the row with @id (and its keys and index entry; the favorite
 * mark stays, so a contact that comes back is still a favorite). FALSE with
 * VO_ERROR_NOT_FOUND when there is none. */
gboolean vo_contact_store_delete (VoContactStore *self, const char *id, GError **error);

/* Removes every row of @source (with their keys and index entries; favorite
 * marks stay); *@n_deleted (optional) gets how many. */
gboolean vo_contact_store_delete_source (VoContactStore *self, const char *source,
                                         guint *n_deleted, GError **error);

/* The row with @id, or NULL with VO_ERROR_NOT_FOUND. */
VoContactRow *vo_contact_store_get (VoContactStore *self, const char *id, GError **error);

/* The ids of every row of @source. */
GStrv vo_contact_store_ids (VoContactStore *self, const char *source, GError **error);

/* Rows of @source ("company", "personal", "device"; "favorites": those
 * marked favorite; NULL: all), by name (case- and accent-insensitive, then
 * id), skipping @offset, at most @limit (0: no limit): VoContactRow. */
GPtrArray *vo_contact_store_list (VoContactStore *self, const char *source, guint offset,
                                  guint limit, GError **error);

/* Rows where every one of @words is a prefix of a word of the name,
 * company, department, extension, an e-mail or a term (case- and
 * accent-insensitive, any order), restricted to @source as for list (NULL:
 * all). Best match first (FTS5 rank), then by name. @words may hold
 * anything a person typed: the store quotes them for FTS5. An empty
 * @words gives an empty array. */
GPtrArray *vo_contact_store_search (VoContactStore *self, const char *const *words,
                                    const char *source, guint offset, guint limit,
                                    GError **error);

/* Rows with @key among their keys, personal first, then company, then
 * device, then by id. */
GPtrArray *vo_contact_store_find_key (VoContactStore *self, const char *key, GError **error);

/* Favorites: ids marked favorite whether or not a row has that id (the
 * service keeps them; a row may come later). @synced FALSE marks a change
 * the service has not confirmed yet. */
gboolean vo_contact_store_set_favorite (VoContactStore *self, const char *id, gboolean favorite,
                                        gboolean synced, GError **error);
/* The ids marked favorite, in the order they were marked. */
GStrv vo_contact_store_favorites (VoContactStore *self, GError **error);
/* Replaces every synced mark with @ids (what the service has), keeping the
 * unsynced changes on top of it. */
gboolean vo_contact_store_replace_favorites (VoContactStore *self, const char *const *ids,
                                             GError **error);
/* Changes not yet confirmed: @ids_out the ids, @favorite_out their wanted
 * state (same length). */
gboolean vo_contact_store_unsynced_favorites (VoContactStore *self, GStrv *ids_out,
                                              GArray **favorite_out, GError **error);

/* Small sync state ("directory-sync-token"): NULL when unset (without an
 * error); setting NULL unsets it. */
char *vo_contact_store_get_state (VoContactStore *self, const char *key, GError **error);
gboolean vo_contact_store_set_state (VoContactStore *self, const char *key, const char *value,
                                     GError **error);

G_END_DECLS
