"""The service's own state: one sqlite3 file under --state (plus photo files).

Tokens (access, refresh, reset) are stored only as SHA-256 hashes and passwords
only as scrypt hashes, so the database holds nothing a thief could sign in with.
Everything runs on the event loop's thread: each statement is short.
"""

import os
import sqlite3
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    email TEXT, display_name TEXT, extension TEXT, company TEXT,
    department TEXT, mobile TEXT, country TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    photo_type TEXT, photo_size INTEGER, photo_etag TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    refresh_hash TEXT UNIQUE,
    device TEXT,
    created REAL NOT NULL,
    ended INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS access_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id INTEGER NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    username TEXT NOT NULL,
    id INTEGER NOT NULL,
    type TEXT NOT NULL,
    time TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (username, id)
);
CREATE TABLE IF NOT EXISTS reset_tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    expires REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS forwarding (
    username TEXT NOT NULL,
    condition TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    target TEXT NOT NULL,
    timeout INTEGER NOT NULL,
    PRIMARY KEY (username, condition)
);
CREATE TABLE IF NOT EXISTS favorites (
    username TEXT NOT NULL,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (username, id)
);
"""

PROFILE_FIELDS = ('email', 'display_name', 'extension', 'company', 'department', 'mobile',
                  'country')


class Store:
    def __init__(self, state_dir):
        self.dir = state_dir
        self.photo_dir = os.path.join(state_dir, 'photos')
        os.makedirs(self.photo_dir, exist_ok=True)
        self.db = sqlite3.connect(os.path.join(state_dir, 'service.sqlite'),
                                  isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        columns = [r['name'] for r in self.db.execute('PRAGMA table_info(users)')]
        if 'country' not in columns:     # a state folder of before issue 11
            self.db.execute('ALTER TABLE users ADD COLUMN country TEXT')

    def close(self):
        self.db.close()

    # -- users -------------------------------------------------------------
    def user(self, username):
        return self.db.execute('SELECT * FROM users WHERE username=?', (username,)).fetchone()

    def usernames(self):
        return [r[0] for r in self.db.execute('SELECT username FROM users')]

    def users_with_email(self, email):
        return self.db.execute('SELECT * FROM users WHERE lower(email)=lower(?)',
                               (email,)).fetchall()

    def add_user(self, username, password_hash, profile):
        cols = ', '.join(PROFILE_FIELDS)
        marks = ', '.join('?' for _ in PROFILE_FIELDS)
        self.db.execute(f'INSERT INTO users (username, password_hash, {cols}) '
                        f'VALUES (?, ?, {marks})',
                        (username, password_hash, *[profile.get(f) for f in PROFILE_FIELDS]))

    def delete_user(self, username):
        with self.db:
            for table in ('users', 'sessions', 'events', 'reset_tokens', 'forwarding',
                          'favorites'):
                self.db.execute(f'DELETE FROM {table} WHERE username=?', (username,))
            self.db.execute('DELETE FROM access_tokens WHERE session_id NOT IN '
                            '(SELECT id FROM sessions)')
        self.remove_photo_file(username)

    def update_user(self, username, columns):
        """Set columns ({name: value}, names from PROFILE_FIELDS or 'disabled')."""
        allowed = set(PROFILE_FIELDS) | {'disabled'}
        assert set(columns) <= allowed, columns
        for name, value in columns.items():
            self.db.execute(f'UPDATE users SET {name}=? WHERE username=?', (value, username))

    def set_password_hash(self, username, password_hash):
        self.db.execute('UPDATE users SET password_hash=? WHERE username=?',
                        (password_hash, username))

    # -- sessions and tokens ---------------------------------------------
    def new_session(self, username, refresh_hash, device):
        cur = self.db.execute('INSERT INTO sessions (username, refresh_hash, device, created) '
                              'VALUES (?, ?, ?, ?)', (username, refresh_hash, device, time.time()))
        return cur.lastrowid

    def session_by_refresh(self, refresh_hash):
        return self.db.execute('SELECT * FROM sessions WHERE refresh_hash=? AND ended=0',
                               (refresh_hash,)).fetchone()

    def rotate_refresh(self, session_id, old_hash, new_hash):
        """True when old_hash was still the session's refresh token (used once)."""
        cur = self.db.execute('UPDATE sessions SET refresh_hash=? WHERE id=? AND refresh_hash=? '
                              'AND ended=0', (new_hash, session_id, old_hash))
        return cur.rowcount == 1

    def add_access_token(self, token_hash, session_id, expires):
        self.db.execute('INSERT INTO access_tokens VALUES (?, ?, ?)',
                        (token_hash, session_id, expires))
        self.db.execute('DELETE FROM access_tokens WHERE expires < ?', (time.time() - 3600,))

    def access_token(self, token_hash):
        """(session row, expires) of a live session's access token, or None."""
        row = self.db.execute('SELECT s.*, a.expires AS expires FROM access_tokens a '
                              'JOIN sessions s ON s.id = a.session_id '
                              'WHERE a.token_hash=? AND s.ended=0', (token_hash,)).fetchone()
        return row

    def end_session(self, session_id):
        with self.db:
            self.db.execute('UPDATE sessions SET ended=1, refresh_hash=NULL WHERE id=?',
                            (session_id,))
            self.db.execute('DELETE FROM access_tokens WHERE session_id=?', (session_id,))

    def end_sessions_of(self, username):
        ids = [r['id'] for r in self.db.execute(
            'SELECT id FROM sessions WHERE username=? AND ended=0', (username,))]
        for session_id in ids:
            self.end_session(session_id)
        return ids

    # -- reset tokens ------------------------------------------------------
    def add_reset_token(self, token_hash, username, expires):
        self.db.execute('INSERT INTO reset_tokens VALUES (?, ?, ?, 0)',
                        (token_hash, username, expires))

    def take_reset_token(self, token_hash):
        """The user name of a valid, unused reset token, marking it used; else None."""
        row = self.db.execute('SELECT * FROM reset_tokens WHERE token_hash=? AND used=0 '
                              'AND expires > ?', (token_hash, time.time())).fetchone()
        if row is None:
            return None
        self.db.execute('UPDATE reset_tokens SET used=1 WHERE token_hash=?', (token_hash,))
        return row['username']

    def reset_token_valid(self, token_hash):
        return self.db.execute('SELECT 1 FROM reset_tokens WHERE token_hash=? AND used=0 '
                               'AND expires > ?', (token_hash, time.time())).fetchone() is not None

    # -- photo -------------------------------------------------------------
    def photo_path(self, username):
        return os.path.join(self.photo_dir, username)

    def set_photo(self, username, data, content_type, etag):
        tmp = self.photo_path(username) + '.tmp'
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, self.photo_path(username))
        self.db.execute('UPDATE users SET photo_type=?, photo_size=?, photo_etag=? '
                        'WHERE username=?', (content_type, len(data), etag, username))

    def clear_photo(self, username):
        self.db.execute('UPDATE users SET photo_type=NULL, photo_size=NULL, photo_etag=NULL '
                        'WHERE username=?', (username,))
        self.remove_photo_file(username)

    def remove_photo_file(self, username):
        try:
            os.unlink(self.photo_path(username))
        except FileNotFoundError:
            pass

    # -- forwarding --------------------------------------------------------
    def forwarding(self, username):
        return {r['condition']: r for r in self.db.execute(
            'SELECT * FROM forwarding WHERE username=?', (username,))}

    def set_forwarding(self, username, condition, enabled, target, timeout):
        self.db.execute('INSERT OR REPLACE INTO forwarding VALUES (?, ?, ?, ?, ?)',
                        (username, condition, int(enabled), target, timeout))

    # -- events ------------------------------------------------------------
    def add_event(self, username, type_, time_text, data_text, keep):
        with self.db:
            last = self.last_event_id(username)
            self.db.execute('INSERT INTO events VALUES (?, ?, ?, ?, ?)',
                            (username, last + 1, type_, time_text, data_text))
            # Keep at least the last `keep` events (and 24 h: see events.py).
            self.db.execute('DELETE FROM events WHERE username=? AND id <= ? AND time < '
                            "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')",
                            (username, last + 1 - keep))
        return last + 1

    def last_event_id(self, username):
        row = self.db.execute('SELECT max(id) FROM events WHERE username=?',
                              (username,)).fetchone()
        return row[0] or 0

    def first_event_id(self, username):
        row = self.db.execute('SELECT min(id) FROM events WHERE username=?',
                              (username,)).fetchone()
        return row[0]

    def events_after(self, username, after):
        return self.db.execute('SELECT * FROM events WHERE username=? AND id > ? ORDER BY id',
                               (username, after)).fetchall()
