"""The company directory's table (§9): entries, tombstones and the revision
counter that sync tokens are made of.

Every write gives each entry it touches a new, unique revision from one
counter, so "changed since token T" is `revision > T` on an index, and a
keyset page is `revision > last one sent`. A deleted entry stays as a
tombstone (deleted=1) so a delta sync can name it. The epoch, random per
database, makes tokens of another state (or of before expire_tokens) unknown.
"""

import contextlib
import hashlib
import json
import os
import secrets

SCHEMA = """
CREATE TABLE IF NOT EXISTS directory (
    id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL UNIQUE,
    deleted INTEGER NOT NULL DEFAULT 0,
    is_user INTEGER NOT NULL DEFAULT 0,
    fields TEXT NOT NULL DEFAULT '{}',
    photo_type TEXT, photo_size INTEGER, photo_etag TEXT
);
CREATE TABLE IF NOT EXISTS directory_state (
    epoch TEXT NOT NULL,
    revision INTEGER NOT NULL
);
"""

# An upsert that revives a tombstone and replaces the fields; photo columns
# come from the statement (put_many) or are kept (put, below).
UPSERT = """
INSERT INTO directory (id, revision, deleted, is_user, fields, photo_type, photo_size, photo_etag)
VALUES (?, ?, 0, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET revision=excluded.revision, deleted=0,
    is_user=excluded.is_user, fields=excluded.fields, {photo}
"""
PHOTO_REPLACED = ('photo_type=excluded.photo_type, photo_size=excluded.photo_size, '
                  'photo_etag=excluded.photo_etag')
PHOTO_KEPT = 'photo_type=photo_type'
KEEP = object()     # put(photo=KEEP): the entry keeps the photo it has


class DirectoryStore:
    def __init__(self, db, state_dir):
        self.db = db
        # Beside photos/ (the users' own, by user name), not in it: a user
        # may be called anything a folder could be.
        self.photo_dir = os.path.join(state_dir, 'directory-photos')
        os.makedirs(self.photo_dir, exist_ok=True)
        db.executescript(SCHEMA)
        if db.execute('SELECT 1 FROM directory_state').fetchone() is None:
            db.execute('INSERT INTO directory_state VALUES (?, 0)', (secrets.token_hex(6),))

    @contextlib.contextmanager
    def transaction(self):
        """One sqlite transaction (the connection is in autocommit mode)."""
        self.db.execute('BEGIN IMMEDIATE')
        try:
            yield
        except BaseException:
            self.db.execute('ROLLBACK')
            raise
        self.db.execute('COMMIT')

    # -- the counter and its epoch --------------------------------------------
    def state(self):
        """(epoch, the newest revision)."""
        row = self.db.execute('SELECT epoch, revision FROM directory_state').fetchone()
        return row[0], row[1]

    def _take_revisions(self, count):
        """The first of `count` new revisions (inside a transaction)."""
        _, last = self.state()
        self.db.execute('UPDATE directory_state SET revision=?', (last + count,))
        return last + 1

    def expire_tokens(self):
        """Forget every sync token handed out (they answer 410 from now on) and
        the tombstones that only they needed."""
        with self.transaction():
            self.db.execute('UPDATE directory_state SET epoch=?', (secrets.token_hex(6),))
            self.db.execute('DELETE FROM directory WHERE deleted=1')

    # -- entries -------------------------------------------------------------
    def entry(self, entry_id):
        """The live entry's row, or None (absent or deleted)."""
        return self.db.execute('SELECT * FROM directory WHERE id=? AND deleted=0',
                               (entry_id,)).fetchone()

    def photo_path(self, entry_id):
        """Where a directory-only entry's photo is (users' photos are the
        store's): a hash, since an id may be anything a file name must not."""
        return os.path.join(self.photo_dir, hashlib.sha256(entry_id.encode()).hexdigest())

    def put(self, entry_id, fields, is_user=False, photo=KEEP):
        """Create or replace an entry's fields; photo: (type, size, etag),
        None (no photo) or KEEP (the photo it has)."""
        kept = photo is KEEP
        with self.transaction():
            revision = self._take_revisions(1)
            sql = UPSERT.format(photo=PHOTO_KEPT if kept else PHOTO_REPLACED)
            self.db.execute(sql, (entry_id, revision, int(is_user), json.dumps(fields),
                                  *((None,) * 3 if kept or photo is None else photo)))

    def put_many(self, entries):
        """Create or replace many directory-only entries in one transaction:
        entries are (id, fields, (type, size, etag) or None)."""
        with self.transaction():
            first = self._take_revisions(len(entries))
            self.db.executemany(UPSERT.format(photo=PHOTO_REPLACED), (
                (entry_id, first + i, 0, json.dumps(fields), *(photo or (None, None, None)))
                for i, (entry_id, fields, photo) in enumerate(entries)))

    def set_photo(self, entry_id, photo):
        """photo: (type, size, etag), or None to remove it. A new revision."""
        with self.transaction():
            revision = self._take_revisions(1)
            self.db.execute('UPDATE directory SET revision=?, photo_type=?, photo_size=?, '
                            'photo_etag=? WHERE id=?',
                            (revision, *(photo or (None, None, None)), entry_id))

    def delete(self, entry_id):
        """Leave a tombstone (a new revision, no fields, no photo)."""
        with self.transaction():
            revision = self._take_revisions(1)
            self.db.execute("UPDATE directory SET revision=?, deleted=1, fields='{}', "
                            'photo_type=NULL, photo_size=NULL, photo_etag=NULL WHERE id=?',
                            (revision, entry_id))
        try:
            os.unlink(self.photo_path(entry_id))
        except FileNotFoundError:
            pass

    def page(self, after, limit, with_deleted):
        """Up to `limit` rows with a revision above `after`, oldest first;
        tombstones only when with_deleted (a delta sync)."""
        live = '' if with_deleted else 'AND deleted=0 '
        return self.db.execute(f'SELECT * FROM directory WHERE revision > ? {live}'
                               'ORDER BY revision LIMIT ?', (after, limit)).fetchall()
