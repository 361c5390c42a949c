"""History1 over D-Bus and vo-ctl: List (kinds, pages, since), Get, MarkSeen,
Delete, UnseenMissed, bad arguments, persistence across restarts.

Calls cannot be placed here yet, so rows are written into the daemon's vo.db
while it is stopped (the schema is the one the daemon itself created)."""

import json
import os
import sqlite3
import time

import pytest
from gi.repository import GLib

from vo_harness import ERR, DBusCallError

HISTORY = 'org.virtualoffice.History1'
T0 = 1_700_000_000_000_000          # 2023-11-14T22:13:20Z, in µs
MINUTE = 60_000_000
KEYS = {'id': 's', 'direction': 's', 'remote-uri': 's', 'number': 's', 'name': 's',
        'contact-id': 's', 'start': 'x', 'answer': 'x', 'end': 'x', 'duration': 'u',
        'reason': 's', 'missed': 'b', 'seen': 'b'}


def uid(i):
    return f'00000000-0000-4000-8000-{i:012d}'


# (index, minute, direction, missed, seen): start = T0 + minute; index = row id.
ROWS = [
    (0, 0, 'outgoing', False, True),
    (1, 1, 'incoming', True, False),
    (2, 5, 'incoming', False, True),
    (3, 3, 'incoming', True, False),
    (4, 4, 'outgoing', False, True),
    (5, 2, 'incoming', True, True),
    (6, 6, 'outgoing', False, True),
    (7, 6, 'incoming', False, True),    # same start as 6, inserted later: newer
]
NEWEST_FIRST = [7, 6, 2, 4, 3, 5, 1, 0]


def db_path(d):
    return os.path.join(d.data_dir, 'vo.db')


def seed(d, rows):
    """Insert (index, minute, direction, missed, seen) rows into the stopped
    daemon's database; answered calls last 65 s."""
    assert not d.running
    db = sqlite3.connect(db_path(d))
    with db:
        db.executemany(
            'INSERT INTO call_history (id, uuid, direction, remote_uri, number, name, '
            'contact_id, start_us, answer_us, end_us, reason, missed, seen) '
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [(i + 1, uid(i), direction, f'sip:+1555010{i}@vo.test', f'+1555010{i}',
              f'Caller {i}' if i % 2 else '', f'company:{i}' if i % 2 else '',
              T0 + minute * MINUTE, 0 if missed else T0 + minute * MINUTE + 5_000_000,
              T0 + minute * MINUTE + (20_000_000 if missed else 70_000_000),
              'no-answer' if missed else 'remote', int(missed), int(seen))
             for i, minute, direction, missed, seen in rows])
    db.close()


@pytest.fixture
def seeded(h):
    """A daemon whose history holds ROWS; returns (daemon, client)."""
    d = h.daemon()          # creates vo.db with the current schema
    d.stop()
    seed(d, ROWS)
    d.start()
    return d, h.client()


def variant_list(client, filter_=None):
    """List as the raw GLib.Variant (aa{sv}), types intact."""
    reply = client.conn.call_sync('org.virtualoffice', '/org/virtualoffice', HISTORY, 'List',
                                  GLib.Variant('(a{sv})', (filter_ or {},)), None, 0, 10000, None)
    return reply.get_child_value(0)


def history_list(client, **filter_):
    types = {'kind': 's', 'offset': 'u', 'limit': 'u', 'since': 'x'}
    f = {k: GLib.Variant(types[k], v) for k, v in filter_.items()}
    (entries,) = client.call(HISTORY, 'List', '(a{sv})', f)
    return entries


def indexes(entries):
    ids = [uid(i) for i in range(100)]
    return [ids.index(e['id']) for e in entries]


def unseen(client):
    return client.get(HISTORY, 'UnseenMissed')


def assert_error(exc, name, *words):
    err = exc.value
    assert err.name == name, f'expected {name}, got {err.name}: {err.message}'
    for w in words:
        assert w.lower() in err.message.lower(), f'{w!r} not in {err.message!r}'


# -- List ------------------------------------------------------------------------

def test_list_entries_have_every_key_with_its_type(h, seeded):
    _, client = seeded
    entries = variant_list(client)
    assert entries.get_type_string() == 'aa{sv}'
    assert entries.n_children() == len(ROWS)
    for n in range(entries.n_children()):
        entry = entries.get_child_value(n)
        types = {}
        for k in range(entry.n_children()):
            pair = entry.get_child_value(k)
            types[pair.get_child_value(0).get_string()] = \
                pair.get_child_value(1).get_variant().get_type_string()
        assert types == KEYS


def test_list_values(h, seeded):
    _, client = seeded
    by_id = {e['id']: e for e in history_list(client)}
    answered = by_id[uid(0)]     # row 0: outgoing, answered at +5 s, ended at +70 s
    assert answered['direction'] == 'outgoing'
    assert answered['remote-uri'] == 'sip:+15550100@vo.test'
    assert answered['number'] == '+15550100'
    assert answered['start'] == T0
    assert answered['answer'] == T0 + 5_000_000
    assert answered['end'] == T0 + 70_000_000
    assert answered['duration'] == 65
    assert answered['reason'] == 'remote'
    assert answered['missed'] is False and answered['seen'] is True
    missed = by_id[uid(1)]
    assert missed['direction'] == 'incoming'
    assert missed['name'] == 'Caller 1' and missed['contact-id'] == 'company:1'
    assert missed['answer'] == 0 and missed['duration'] == 0
    assert missed['missed'] is True and missed['seen'] is False


def test_list_newest_first_and_kinds(h, seeded):
    _, client = seeded
    assert indexes(history_list(client)) == NEWEST_FIRST
    assert indexes(history_list(client, kind='all')) == NEWEST_FIRST
    assert indexes(history_list(client, kind='missed')) == [3, 5, 1]
    assert indexes(history_list(client, kind='incoming')) == [7, 2, 3, 5, 1]
    assert indexes(history_list(client, kind='outgoing')) == [6, 4, 0]


def test_list_pages(h, seeded):
    _, client = seeded
    assert indexes(history_list(client, limit=3)) == NEWEST_FIRST[:3]
    assert indexes(history_list(client, offset=3, limit=3)) == NEWEST_FIRST[3:6]
    assert indexes(history_list(client, offset=6, limit=3)) == NEWEST_FIRST[6:]
    assert history_list(client, offset=8) == []
    assert history_list(client, offset=4_000_000_000) == []
    assert indexes(history_list(client, kind='incoming', offset=1, limit=2)) == [2, 3]
    # Pages put together are the whole list, without gaps or repeats.
    pages = []
    for offset in range(0, len(ROWS), 3):
        pages += indexes(history_list(client, offset=offset, limit=3))
    assert pages == NEWEST_FIRST


def test_list_since(h, seeded):
    _, client = seeded
    assert indexes(history_list(client, since=T0 + 4 * MINUTE)) == [7, 6, 2, 4]
    assert indexes(history_list(client, kind='missed', since=T0 + 2 * MINUTE)) == [3, 5]
    assert history_list(client, since=T0 + 7 * MINUTE) == []
    assert indexes(history_list(client, since=-1)) == NEWEST_FIRST


def test_list_default_limit_is_100(h):
    d = h.daemon()
    d.stop()
    seed(d, [(i, i, 'outgoing', False, True) for i in range(150)])
    d.start()
    client = h.client()
    entries = history_list(client)
    assert len(entries) == 100
    assert entries[0]['id'] == uid(149)
    assert len(history_list(client, limit=1000)) == 150


# -- bad arguments ---------------------------------------------------------------

BAD_FILTERS = [
    ('unknown-key', {'colour': GLib.Variant('s', 'blue')}, 'colour'),
    ('snake-case', {'max_count': GLib.Variant('u', 1)}, 'max_count'),
    ('kind-unknown', {'kind': GLib.Variant('s', 'unseen')}, 'unseen'),
    ('kind-case', {'kind': GLib.Variant('s', 'Missed')}, 'missed'),
    ('kind-type', {'kind': GLib.Variant('i', 1)}, 'kind'),
    ('limit-type', {'limit': GLib.Variant('i', 10)}, 'limit'),
    ('limit-zero', {'limit': GLib.Variant('u', 0)}, '1000'),
    ('limit-too-big', {'limit': GLib.Variant('u', 1001)}, '1000'),
    ('offset-type', {'offset': GLib.Variant('x', 1)}, 'offset'),
    ('since-type', {'since': GLib.Variant('u', 1)}, 'since'),
]


@pytest.mark.parametrize('filter_,word', [c[1:] for c in BAD_FILTERS],
                         ids=[c[0] for c in BAD_FILTERS])
def test_list_bad_filter(h, seeded, filter_, word):
    d, client = seeded
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'List', '(a{sv})', filter_)
    assert_error(e, ERR.InvalidArgument, word)
    assert d.running
    assert len(history_list(client)) == len(ROWS)


def test_wrong_signature(h, seeded):
    _, client = seeded
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'List', '(s)', 'missed')
    assert e.value.name == ERR.InvalidArgs


# -- Get ---------------------------------------------------------------------------

def test_get(h, seeded):
    _, client = seeded
    listed = {e['id']: e for e in history_list(client)}
    for i in range(len(ROWS)):
        (entry,) = client.call(HISTORY, 'Get', '(s)', uid(i))
        assert entry == listed[uid(i)]


@pytest.mark.parametrize('bad_id', [uid(99), '', 'not-an-id', "x' OR '1'='1"])
def test_get_unknown(h, seeded, bad_id):
    _, client = seeded
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'Get', '(s)', bad_id)
    assert_error(e, ERR.NotFound, bad_id)


# -- MarkSeen, Delete, UnseenMissed ------------------------------------------------

def test_unseen_missed_at_start(h, seeded):
    _, client = seeded
    assert unseen(client) == 2
    assert client.get_all(HISTORY) == {'UnseenMissed': 2}


def test_mark_seen(h, seeded):
    _, client = seeded
    t = client.mark()
    client.call(HISTORY, 'MarkSeen', '(as)', [uid(1), uid(1), uid(0)])
    assert client.call(HISTORY, 'Get', '(s)', uid(1))[0]['seen'] is True
    assert client.call(HISTORY, 'Get', '(s)', uid(3))[0]['seen'] is False
    assert unseen(client) == 1
    client.mark()
    assert client.changes_of(HISTORY, 'UnseenMissed', since=t) == [1]
    # Again, and with no ids: no error, no change, no signal.
    client.call(HISTORY, 'MarkSeen', '(as)', [uid(1)])
    client.call(HISTORY, 'MarkSeen', '(as)', [])
    client.call(HISTORY, 'MarkSeen', '(as)', [uid(3)])
    assert unseen(client) == 0
    client.mark()
    assert client.changes_of(HISTORY, 'UnseenMissed', since=t) == [1, 0]


def test_mark_seen_unknown_changes_nothing(h, seeded):
    _, client = seeded
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'MarkSeen', '(as)', [uid(1), uid(42), uid(3)])
    assert_error(e, ERR.NotFound, uid(42))
    assert unseen(client) == 2
    assert [e['seen'] for e in history_list(client, kind='missed')] == [False, True, False]


def test_delete(h, seeded):
    _, client = seeded
    t = client.mark()
    client.call(HISTORY, 'Delete', '(as)', [uid(1), uid(6)])
    assert indexes(history_list(client)) == [7, 2, 4, 3, 5, 0]
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'Get', '(s)', uid(1))
    assert e.value.name == ERR.NotFound
    assert unseen(client) == 1
    client.mark()
    assert client.changes_of(HISTORY, 'UnseenMissed', since=t) == [1]
    # Deleted twice: the second time it is not there.
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'Delete', '(as)', [uid(1)])
    assert_error(e, ERR.NotFound, uid(1))
    client.call(HISTORY, 'Delete', '(as)', [])


def test_delete_unknown_changes_nothing(h, seeded):
    _, client = seeded
    with pytest.raises(DBusCallError) as e:
        client.call(HISTORY, 'Delete', '(as)', [uid(0), uid(1), 'nope'])
    assert_error(e, ERR.NotFound, 'nope')
    assert indexes(history_list(client)) == NEWEST_FIRST
    assert unseen(client) == 2


# -- persistence -----------------------------------------------------------------

def test_changes_survive_restart_and_kill(h, seeded):
    d, client = seeded
    client.call(HISTORY, 'MarkSeen', '(as)', [uid(1)])
    client.call(HISTORY, 'Delete', '(as)', [uid(4)])
    assert d.restart() == 0
    c2 = h.client()
    assert unseen(c2) == 1
    assert indexes(history_list(c2)) == [7, 6, 2, 3, 5, 1, 0]
    assert c2.call(HISTORY, 'Get', '(s)', uid(1))[0]['seen'] is True
    # Answered before the kill means on disk.
    c2.call(HISTORY, 'MarkSeen', '(as)', [uid(3)])
    c2.call(HISTORY, 'Delete', '(as)', [uid(0)])
    d.kill()
    d.start()
    c3 = h.client()
    assert unseen(c3) == 0
    assert indexes(history_list(c3)) == [7, 6, 2, 3, 5, 1]


def test_introspection_matches_contract(h, seeded):
    from gi.repository import Gio
    from vo_harness.util import REPO_ROOT
    _, client = seeded
    with open(os.path.join(REPO_ROOT, 'dbus', f'{HISTORY}.xml')) as f:
        want = Gio.DBusNodeInfo.new_for_xml(f.read()).lookup_interface(HISTORY)
    have = client.introspect().lookup_interface(HISTORY)
    assert have is not None
    for m in want.methods:
        got = have.lookup_method(m.name)
        assert [a.signature for a in got.in_args] == [a.signature for a in m.in_args]
        assert [a.signature for a in got.out_args] == [a.signature for a in m.out_args]
    for s in want.signals:
        got = have.lookup_signal(s.name)
        assert [a.signature for a in got.args] == [a.signature for a in s.args]
    for p in want.properties:
        got = have.lookup_property(p.name)
        assert got.signature == p.signature and got.flags == p.flags


# -- vo-ctl ------------------------------------------------------------------------

def table_ids(out):
    """The ID column (last) of `vo-ctl history` rows."""
    lines = out.strip().splitlines()
    assert lines[0].split()[0] == 'TIME', out
    return [line.split()[-1] for line in lines[1:]]


def test_voctl_list(h, seeded):
    out = h.voctl.ok('history')
    assert table_ids(out) == [uid(i) for i in NEWEST_FIRST]
    header = out.splitlines()[0]
    for column in ('TIME', 'DIRECTION', 'NUMBER/NAME', 'DURATION', 'REASON', 'ID'):
        assert column in header
    row0 = next(line for line in out.splitlines() if line.endswith(uid(0)))
    assert '+15550100' in row0 and 'outgoing' in row0 and '1:05' in row0
    row1 = next(line for line in out.splitlines() if line.endswith(uid(1)))
    assert 'Caller 1 (+15550101)' in row1 and 'missed (new)' in row1 and 'no-answer' in row1
    assert table_ids(h.voctl.ok('history', '--missed')) == [uid(i) for i in (3, 5, 1)]
    assert table_ids(h.voctl.ok('history', 'list', '--incoming', '--limit', '2')) == \
        [uid(7), uid(2)]
    assert table_ids(h.voctl.ok('history', '--outgoing', '--offset', '1')) == \
        [uid(4), uid(0)]


def test_voctl_since(h, seeded):
    since = time.strftime('%Y-%m-%dT%H:%M:%S',
                          time.localtime((T0 + 4 * MINUTE) // 1_000_000))
    assert table_ids(h.voctl.ok('history', '--since', since)) == [uid(i) for i in (7, 6, 2, 4)]
    # With a zone, and a date alone (midnight local time).
    assert table_ids(h.voctl.ok('history', '--since', '2023-11-14T22:17:00Z')) == \
        [uid(i) for i in (7, 6, 2, 4)]
    assert h.voctl.ok('history', '--since', '2030-01-01').strip() == 'No calls.'
    r = h.voctl.run('history', '--since', 'yesterday')
    assert r.returncode == 2 and 'ISO 8601' in r.stderr


def test_voctl_json(h, seeded):
    _, client = seeded
    data = json.loads(h.voctl.ok('history', '--json', '--missed'))
    assert [e['id'] for e in data] == [uid(i) for i in (3, 5, 1)]
    assert data[2] == {
        'id': uid(1), 'direction': 'incoming', 'remote-uri': 'sip:+15550101@vo.test',
        'number': '+15550101', 'name': 'Caller 1', 'contact-id': 'company:1',
        'start': T0 + MINUTE, 'answer': 0, 'end': T0 + MINUTE + 20_000_000, 'duration': 0,
        'reason': 'no-answer', 'missed': True, 'seen': False}
    assert json.loads(h.voctl.ok('history', '--json', '--since', '2030-01-01')) == []


def test_voctl_seen_and_delete(h, seeded):
    _, client = seeded
    h.voctl.ok('history', 'seen', uid(1))
    assert unseen(client) == 1
    h.voctl.ok('history', 'seen', '--all')
    assert unseen(client) == 0
    h.voctl.ok('history', 'delete', uid(0), uid(7))
    assert indexes(history_list(client)) == [6, 2, 4, 3, 5, 1]
    r = h.voctl.run('history', 'delete', uid(0))
    assert r.returncode == 1
    assert uid(0) in r.stderr and 'org.virtualoffice' not in r.stderr


@pytest.mark.parametrize('args', [
    ('history', '--missed', '--outgoing'),
    ('history', 'seen'),
    ('history', 'seen', uid(1), '--all'),
    ('history', 'delete'),
    ('history', 'delete', '--all', uid(1)),
    ('history', 'seen', '--missed', uid(1)),
    ('history', 'frobnicate'),
    ('history', '--limit', '-3'),
])
def test_voctl_usage_errors(h, seeded, args):
    r = h.voctl.run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.strip()


def test_voctl_limit_refused_by_daemon(h, seeded):
    r = h.voctl.run('history', '--limit', '5000')
    assert r.returncode == 1
    assert '1000' in r.stderr and 'InvalidArgument' not in r.stderr
