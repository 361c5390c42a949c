"""What the service writes into kamailio's sqlite database (--kamailio-db).

subscriber: the SIP account of each user (plain password: the test kamailio
computes HA1 itself, `calculate_ha1`). vo_forwarding: the forwarding rules, which
kamailio's cfg reads with sqlops to forward calls for an unregistered user.
Kamailio reads the file at the same time (db_sqlite sets no busy timeout), so
every write is one short transaction.
"""

import os
import sqlite3

FORWARDING_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 'vo_forwarding-create.sql')


class KamailioDBError(RuntimeError):
    pass


class KamailioDB:
    def __init__(self, path, domain):
        self.path = path
        self.domain = domain
        if not os.path.isfile(path):
            raise KamailioDBError(f'no kamailio database at {path}')
        with self._connect() as con:
            if con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                           "name='subscriber'").fetchone() is None:
                raise KamailioDBError(f'{path} has no subscriber table: not a kamailio '
                                      'database')
            with open(FORWARDING_SCHEMA) as f:
                con.executescript(f.read())

    def _connect(self):
        return _Connection(self.path)

    def provision(self, username, sip_password):
        with self._connect() as con:
            # use_domain=0 in the test kamailio: one row per user name.
            con.execute('DELETE FROM subscriber WHERE username=?', (username,))
            con.execute('INSERT INTO subscriber (username, domain, password) VALUES (?, ?, ?)',
                        (username, self.domain, sip_password))

    def sip_password(self, username):
        with self._connect() as con:
            row = con.execute('SELECT password FROM subscriber WHERE username=?',
                              (username,)).fetchone()
        return row[0] if row else None

    def remove(self, username):
        with self._connect() as con:
            con.execute('DELETE FROM subscriber WHERE username=?', (username,))
            con.execute('DELETE FROM vo_forwarding WHERE username=?', (username,))

    def set_forwarding(self, username, condition, enabled, target, timeout):
        with self._connect() as con:
            con.execute('INSERT OR REPLACE INTO vo_forwarding '
                        '(username, condition, enabled, target, timeout) VALUES (?, ?, ?, ?, ?)',
                        (username, condition, int(enabled), target, timeout))


class _Connection:
    """A connection committed and closed on leaving the with-block."""

    def __init__(self, path):
        self.con = sqlite3.connect(path, timeout=10)

    def __enter__(self):
        return self.con

    def __exit__(self, exc_type, *_):
        try:
            if exc_type is None:
                self.con.commit()
        finally:
            self.con.close()
