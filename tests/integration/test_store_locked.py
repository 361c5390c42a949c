"""A database another program holds locked (issue 7, fault 21): the daemon
keeps answering on D-Bus, a message the user sends is kept, committed once
the lock goes, then sent, and a call that ends meanwhile still reaches the
call history."""

import os
import sqlite3
import time

import pytest
from gi.repository import Gio, GLib

from calls_support import Party, db_rows, stop_extra_buses
from vo_harness import util
from vo_harness.client import pump

MESSAGES = 'org.virtualoffice.Messages1'
CONVERSATION = 'org.virtualoffice.Conversation1'
PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS)


@pytest.fixture
def parties(h, kam):
    made = {}

    def make(user):
        made[user] = Party(h, kam, user, PASSWORDS[user])
        return made[user]
    yield make
    stop_extra_buses(h)


def call_async(p, iface, method, params, path='/org/virtualoffice'):
    """Start a method call; returns a list that gets ('ok', reply) or
    ('error', GLib.Error) when the answer comes (dispatched by pump())."""
    result = []

    def done(conn, res):
        try:
            result.append(('ok', conn.call_finish(res).unpack()))
        except GLib.Error as e:
            result.append(('error', e))
    p.client.conn.call('org.virtualoffice', path, iface, method, params, None,
                       Gio.DBusCallFlags.NONE, int(util.scaled(30) * 1000), None, done)
    return result


def wait_answer(result, what, timeout=30.0):
    util.wait_until(lambda: pump() or result, util.scaled(timeout), interval=0.02,
                    what=what)
    kind, value = result[0]
    assert kind == 'ok', f'{what}: {value.message}'
    return value


class Locked:
    """Holds the write lock of p's vo.db, as another program would."""

    def __init__(self, p):
        # (A wait for the daemon's own short writes, e.g. a receipt's status.)
        self.con = sqlite3.connect(os.path.join(p.daemon.data_dir, 'vo.db'),
                                   timeout=util.scaled(10), isolation_level=None)

    def __enter__(self):
        self.con.execute('BEGIN EXCLUSIVE')
        return self

    def __exit__(self, *exc):
        self.con.execute('ROLLBACK')
        self.con.close()


def received_texts(p):
    pump()
    return [args[1]['text'] for (_t, _path, _iface, member, args) in p.client.signals
            if member == 'Received']


def test_send_while_database_locked_is_kept_and_daemon_answers(parties):
    alice, bob = parties('alice'), parties('bob')
    # One conversation exists already, so Conversation1.Send can be used too.
    (c_path, first) = alice.client.call_raw(
        MESSAGES, 'Send', GLib.Variant('(ssa{sv})', ('bob', 'before the lock', {})))
    util.wait_until(lambda: 'before the lock' in received_texts(bob), util.scaled(15),
                    interval=0.05, what='bob: the first message')

    db = os.path.join(alice.daemon.data_dir, 'vo.db')
    locker = sqlite3.connect(db, timeout=util.scaled(10), isolation_level=None)
    locker.execute('BEGIN EXCLUSIVE')
    try:
        sent = call_async(alice, MESSAGES, 'Send',
                          GLib.Variant('(ssa{sv})', ('bob', 'while locked 1', {})))
        sent2 = call_async(alice, CONVERSATION, 'Send',
                           GLib.Variant('(s)', ('while locked 2',)), path=c_path)
        # The main loop is not stuck in SQLite's busy wait: a property read
        # queued behind the two sends is answered at once.
        for _ in range(3):
            t0 = time.monotonic()
            alice.client.get(MESSAGES, 'Unread')
            took = time.monotonic() - t0
            assert took < util.scaled(1.0), f'Properties.Get took {took:.2f} s'
        # Nothing can be committed while the lock is held, so neither send
        # is reported done (and neither failed).
        pump()
        assert sent == [] and sent2 == [], (sent, sent2)
    finally:
        locker.execute('ROLLBACK')
        locker.close()

    _path, mid1 = wait_answer(sent, 'Messages1.Send after the lock went')
    (mid2,) = wait_answer(sent2, 'Conversation1.Send after the lock went')
    assert _path == c_path
    rows = db_rows(alice, 'SELECT uuid, text FROM messages WHERE direction = ? '
                          'ORDER BY id', 'outgoing')
    assert [r[1] for r in rows] == ['before the lock', 'while locked 1', 'while locked 2']
    assert [r[0] for r in rows][1:] == [mid1, mid2]
    util.wait_until(lambda: received_texts(bob) == ['before the lock', 'while locked 1',
                                                    'while locked 2'],
                    util.scaled(15), interval=0.05,
                    what=f'bob: both messages in order (so far {received_texts(bob)})')
    assert first != mid1


def test_call_ending_while_database_locked_reaches_history(parties):
    alice, bob = parties('alice'), parties('bob')
    with Locked(alice):
        path = alice.dial('bob')
        bob.wait_incoming()
        t0 = time.monotonic()
        alice.call_method(path, 'Hangup')
        assert alice.wait_ended(path) == 'local'
        # Ending the call did not wait for the lock, and the daemon went on
        # answering (a round trip through its main loop) while it was held.
        alice.mark()
        took = time.monotonic() - t0
        assert took < util.scaled(1.0), f'Hangup to Ended took {took:.2f} s'
        assert alice.history() == []
    # Once the lock goes the entry is written, in full.
    util.wait_until(lambda: alice.history(), util.scaled(10), interval=0.05,
                    what='alice: the call in her history')
    (entry,) = alice.history()
    assert (entry['direction'], entry['reason'], entry['remote-uri'].split('@')[0]) == \
        ('outgoing', 'local', 'sip:bob')
    assert db_rows(alice, 'SELECT count(*) FROM call_history') == [(1,)]
