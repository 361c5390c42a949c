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

  /* 4: messages (Messages1, Conversation1). One conversation per peer
   * (sip:user@host, or tel:+number for SMS). Outgoing messages are the
   * outbox while pending; incoming ones are unread while delivered. dedup
   * holds what identifies an incoming message (its sender's imdn
   * Message-ID, else Call-ID and CSeq) so a copy arriving twice is stored
   * once. notify/notify_due/notify_sent are bit sets of the receipts
   * (1 delivered, 2 displayed) the sender asked for, that are due and that
   * went out. messages_fts indexes the text for Search. A conversation's
   * id names its D-Bus object: AUTOINCREMENT never hands out a deleted one. */
  "CREATE TABLE conversations ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  peer TEXT NOT NULL UNIQUE,"
  "  peer_name TEXT NOT NULL DEFAULT '',"
  "  kind TEXT NOT NULL CHECK (kind IN ('im','sms')),"
  "  created_us INTEGER NOT NULL"
  ");"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  direction TEXT NOT NULL CHECK (direction IN ('incoming','outgoing')),"
  "  kind TEXT NOT NULL CHECK (kind IN ('im','sms')),"
  "  text TEXT NOT NULL,"
  "  time_us INTEGER NOT NULL,"
  "  status TEXT NOT NULL"
  "    CHECK (status IN ('pending','sent','delivered','read','failed')),"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  dedup TEXT UNIQUE,"
  "  imdn_id TEXT NOT NULL DEFAULT '',"
  "  imdn_datetime TEXT NOT NULL DEFAULT '',"
  "  imdn_to TEXT NOT NULL DEFAULT '',"
  "  notify INTEGER NOT NULL DEFAULT 0,"
  "  notify_due INTEGER NOT NULL DEFAULT 0,"
  "  notify_sent INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX messages_conversation_time ON messages (conversation_id, time_us);"
  "CREATE INDEX messages_outbox ON messages (id) WHERE status = 'pending';"
  "CREATE INDEX messages_unread ON messages (conversation_id)"
  "  WHERE direction = 'incoming' AND status = 'delivered';"
  "CREATE INDEX messages_receipts ON messages (id) WHERE notify_due != notify_sent;"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content='messages', content_rowid='id');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);"
  "END;"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);"
  "  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);"
  "END;",

  /* 5: contacts (Contacts1) of every source: the company directory's
   * cache, personal contacts, the mirror of the device's address books.
   * id is the contact's stable text id; the integer rowid ties the row to
   * its full-text entry. numbers, uris, emails and terms are lists joined
   * with U+001F (the unit separator, never in an element; also a word
   * separator to the tokenizer, so emails and terms are indexed as they
   * are). sort_key is the name without accents, case-folded (computed in C)
   * so List pages come straight from (source, sort_key, id), or from
   * (sort_key, id) for every source. contact_keys holds what Resolve looks
   * up (one indexed lookup of key; the primary key's first column); its rows
   * go with their contact. contacts_fts is external-content: the triggers
   * keep it in step with the rows, and its default rank is bm25 with a
   * name match weighing most. contact_favorites: the marks, kept whether or
   * not a row has that id; synced 0 = a change the service has not
   * confirmed; position = the order they were marked. contact_state: small
   * sync state ("directory-sync-token"). */
  "CREATE TABLE contacts ("
  "  rowid INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  source TEXT NOT NULL,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  sort_key TEXT NOT NULL DEFAULT '',"
  "  company TEXT NOT NULL DEFAULT '',"
  "  department TEXT NOT NULL DEFAULT '',"
  "  extension TEXT NOT NULL DEFAULT '',"
  "  numbers TEXT NOT NULL DEFAULT '',"
  "  uris TEXT NOT NULL DEFAULT '',"
  "  emails TEXT NOT NULL DEFAULT '',"
  "  terms TEXT NOT NULL DEFAULT '',"
  "  photo TEXT NOT NULL DEFAULT '',"
  "  photo_etag TEXT NOT NULL DEFAULT '',"
  "  note TEXT NOT NULL DEFAULT '',"
  "  changed_us INTEGER NOT NULL"
  ");"
  "CREATE INDEX contacts_source_sort ON contacts (source, sort_key, id);"
  "CREATE INDEX contacts_sort ON contacts (sort_key, id);"
  "CREATE TABLE contact_keys ("
  "  key TEXT NOT NULL,"
  "  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (key, contact_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX contact_keys_contact ON contact_keys (contact_id);"
  "CREATE VIRTUAL TABLE contacts_fts USING fts5 ("
  "  name, company, department, extension, emails, terms,"
  "  content='contacts', content_rowid='rowid',"
  "  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');"
  "INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0, 2.0, 5.0, 3.0, 1.0)');"
  "CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN"
  "  INSERT INTO contacts_fts (rowid, name, company, department, extension, emails, terms)"
  "  VALUES (new.rowid, new.name, new.company, new.department, new.extension, new.emails,"
  "          new.terms);"
  "END;"
  "CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN"
  "  INSERT INTO contacts_fts (contacts_fts, rowid, name, company, department, extension,"
  "                            emails, terms)"
  "  VALUES ('delete', old.rowid, old.name, old.company, old.department, old.extension,"
  "          old.emails, old.terms);"
  "END;"
  "CREATE TRIGGER contacts_fts_update AFTER UPDATE ON contacts BEGIN"
  "  INSERT INTO contacts_fts (contacts_fts, rowid, name, company, department, extension,"
  "                            emails, terms)"
  "  VALUES ('delete', old.rowid, old.name, old.company, old.department, old.extension,"
  "          old.emails, old.terms);"
  "  INSERT INTO contacts_fts (rowid, name, company, department, extension, emails, terms)"
  "  VALUES (new.rowid, new.name, new.company, new.department, new.extension, new.emails,"
  "          new.terms);"
  "END;"
  "CREATE TABLE contact_favorites ("
  "  id TEXT PRIMARY KEY,"
  "  favorite INTEGER NOT NULL,"
  "  synced INTEGER NOT NULL,"
  "  position INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE contact_state ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") WITHOUT ROWID;",
};

const guint vo_store_n_migrations = G_N_ELEMENTS (vo_store_migrations);
