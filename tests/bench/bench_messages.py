#!/usr/bin/python3
"""Benchmark: Messages1 — 1,000 IMs with receipts, Search over 1,000,000 messages.

Part 1, delivery: alice and bob, two daemons on their own private buses,
signed in at one kamailio. alice sends --ims instant messages to bob as fast
as Messages1.Send returns; the clock runs from the first Send to the moment
the last message is `delivered` on alice's side (bob's IMDN came back). Every
message must reach bob exactly once and be delivered on alice's side.

Part 2, search: alice's daemon stops, its vo.db gets --rows messages in
--conversations conversations in one transaction (SQL only; the full-text
index is filled by the schema's triggers), and it starts again. Then, over
D-Bus, each call is timed --calls times after 2 warm-up calls (median,
min-max): Messages1.Search for a rare word, a common word, a prefix, two
words, a deep page; Conversation1.GetMessages; and the daemon's start-up on
the full database.

Last, the idle RSS of both daemons after it all (VmRSS, after 2 s of quiet).

Exit 0 when nothing was lost and Search for a common word has a median under
VO_BENCH_SEARCH_MAX_MS (200 ms); 1 otherwise; 77 (skip) without kamailio.

    /usr/bin/python3 tests/bench/bench_messages.py [--ims 1000] [--rows 1000000]

Environment: VO_DAEMON (binary; default build/daemon/vo-daemon), VO_TEST_KEEP=1
(keep the work folder). VO_DAEMON_WRAPPER is ignored.
"""

import argparse
import os
import random
import shutil
import sqlite3
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'integration'))

os.environ.pop('VO_DAEMON_WRAPPER', None)   # before the harness reads it

from vo_harness import BUS_NAME, OBJECT_PATH, Harness  # noqa: E402
from vo_harness.client import pump  # noqa: E402
from vo_harness.measure import print_timings, rss_kib, timed, verdict  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402 (versions required by vo_harness)
from calls_support import Party, stop_extra_buses  # noqa: E402

MESSAGES = 'org.virtualoffice.Messages1'
CONVERSATION = 'org.virtualoffice.Conversation1'
PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
MAX_MS = float(os.environ.get('VO_BENCH_SEARCH_MAX_MS', '200'))
T0 = 1_650_000_000_000_000      # 2022-04-15, µs
STEP_US = 30_000_000            # a message every 30 s: 1M messages ≈ a year
VOCABULARY = 2000               # distinct words the texts are made of
RARE = 'zebracorn'              # in one message of every 10,000


def words():
    """VOCABULARY pronounceable words, the same every run."""
    rng = random.Random(7)
    consonants, vowels = 'bcdfghjklmnprstvwz', 'aeiou'
    out = set()
    while len(out) < VOCABULARY:
        n = rng.randint(2, 4)
        out.add(''.join(rng.choice(consonants) + rng.choice(vowels) for _ in range(n)))
    return sorted(out)


# i = 1..rows: conversation i % conversations, alternating direction, 8 words
# picked by multiplicative hashing; RARE in every 10,000th message.
FILL_SQL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
INSERT INTO messages (uuid, conversation_id, direction, kind, text, time_us, status, dedup)
SELECT printf('%08x-0000-4000-9000-%012x', i, i),
       :base + 1 + i % :conversations,
       CASE WHEN i % 2 THEN 'incoming' ELSE 'outgoing' END,
       'im',
       (SELECT group_concat(w, ' ') FROM (
          SELECT w FROM bench_words WHERE id IN (
            (i * 7919) % :vocabulary, (i * 104729 + 1) % :vocabulary,
            (i * 1299709 + 2) % :vocabulary, (i * 15485863 + 3) % :vocabulary,
            (i * 32452843 + 4) % :vocabulary, (i * 49979687 + 5) % :vocabulary,
            (i * 67867967 + 6) % :vocabulary, (i * 86028121 + 7) % :vocabulary)))
         || CASE WHEN i % 10000 = 0 THEN ' ' || :rare ELSE '' END,
       :t0 + i * :step,
       'read',
       CASE WHEN i % 2 THEN printf('bench %d', i) ELSE NULL END
FROM n
"""


def fill(path, rows, conversations):
    """Adds the conversations after those the daemon has; returns the first one's id."""
    db = sqlite3.connect(path)
    vocabulary = words()
    base = db.execute('SELECT coalesce(max(id), 0) FROM conversations').fetchone()[0]
    t = time.perf_counter()
    with db:
        db.execute('CREATE TEMP TABLE bench_words (id INTEGER PRIMARY KEY, w TEXT)')
        db.executemany('INSERT INTO bench_words VALUES (?, ?)', enumerate(vocabulary))
        db.executemany('INSERT INTO conversations (id, peer, kind, created_us) '
                       "VALUES (?, ?, 'im', ?)",
                       [(base + c, f'sip:user{c}@vo.test', T0)
                        for c in range(1, conversations + 1)])
        db.execute(FILL_SQL, {'rows': rows, 'conversations': conversations, 'base': base,
                              'vocabulary': VOCABULARY, 'rare': RARE, 't0': T0,
                              'step': STEP_US})
    elapsed = time.perf_counter() - t
    count = db.execute('SELECT count(*) FROM messages WHERE dedup LIKE ? OR uuid LIKE ?',
                       ('bench %', '%-0000-4000-9000-%')).fetchone()[0]
    db.close()
    return elapsed, count, vocabulary, base


def search_params(query, **options):
    return GLib.Variant('(sa{sv})', (query, {k: GLib.Variant('u', v)
                                             for k, v in options.items()}))


# -- part 1 --------------------------------------------------------------------
def deliver(h, kam, count, failures):
    alice = Party(h, kam, 'alice', PASSWORDS['alice'])
    bob = Party(h, kam, 'bob', PASSWORDS['bob'])
    conn = alice.client.conn
    texts = [f'benchmark message {i:04d}' for i in range(count)]
    ids = []

    t0 = time.perf_counter()
    for text in texts:
        reply = conn.call_sync(BUS_NAME, OBJECT_PATH, MESSAGES, 'Send',
                               GLib.Variant('(ssa{sv})', ('bob', text, {})), None,
                               Gio.DBusCallFlags.NONE, 30000, None)
        ids.append(reply.unpack()[1])
    sent_s = time.perf_counter() - t0

    wanted = set(ids)
    delivered = set()
    seen = 0
    deadline = time.monotonic() + 300
    while delivered != wanted and time.monotonic() < deadline:
        pump(0.005)
        signals = alice.client.signals
        for (_t, _p, _i, member, args) in signals[seen:]:
            if member == 'MessageStatusChanged' and args[1] == 'delivered':
                delivered.add(args[0])
        seen = len(signals)
    all_s = time.perf_counter() - t0
    if delivered != wanted:
        failures.append(f'{len(wanted - delivered)} of {count} IMs not delivered in time')

    (path,) = bob.client.call_raw(MESSAGES, 'Open', GLib.Variant('(s)', ('alice',)))
    (got,) = bob.client.call_raw(CONVERSATION, 'GetMessages',
                                 GLib.Variant('(a{sv})', ({'limit': GLib.Variant('u', 1000)},)),
                                 path=path)
    got_texts = sorted(m['text'] for m in got)
    if got_texts != sorted(texts[-1000:]):
        failures.append(f'bob has {len(got)} messages, {len(set(got_texts))} distinct; '
                        f'expected each of the {count} once')
    return alice, bob, sent_s, all_s, len(delivered)


# -- part 2 --------------------------------------------------------------------
def search_bench(h, alice, args, vocabulary_out, failures):
    d = alice.daemon
    d.stop()
    db = os.path.join(d.data_dir, 'vo.db')
    fill_s, count, vocabulary, base = fill(db, args.rows, args.conversations)
    vocabulary_out.extend(vocabulary)
    size_mb = sum(os.path.getsize(db + s) for s in ('', '-wal') if os.path.exists(db + s)) / 1e6

    t = time.perf_counter()
    d.start()
    start_ms = (time.perf_counter() - t) * 1000.0
    conn = alice.client.conn
    common = vocabulary[(1 * 7919) % VOCABULARY]
    other = vocabulary[(1 * 104729 + 1) % VOCABULARY]
    prefix = common[:2]

    results = []
    cases = [
        (f'Search "{RARE}" (rare: 1 in 10,000)', search_params(RARE, limit=50)),
        (f'Search "{common}" (common word)', search_params(common, limit=50)),
        (f'Search "{prefix}" (prefix of many words)', search_params(prefix, limit=50)),
        (f'Search "{common} {other}" (two words)', search_params(f'{common} {other}', limit=50)),
        (f'Search "{common}" {{offset: 1000, limit: 50}}',
         search_params(common, offset=1000, limit=50)),
        (f'Search "{common}" {{limit: 1000}}', search_params(common, limit=1000)),
    ]
    hits = {}
    for label, params in cases:
        med, lo, hi, reply = timed(conn, args.calls, OBJECT_PATH, MESSAGES, 'Search', params)
        hits[label] = len(reply.unpack()[0])
        results.append((label, med, lo, hi, hits[label]))
    page_path = f'{OBJECT_PATH}/conversations/{base + 2}'
    med, lo, hi, reply = timed(conn, args.calls, page_path, CONVERSATION, 'GetMessages',
                               GLib.Variant('(a{sv})', ({'limit': GLib.Variant('u', 50)},)))
    results.append(('GetMessages {limit: 50} (one conversation)', med, lo, hi,
                    len(reply.unpack()[0])))

    expected_rare = min(50, args.rows // 10000)
    if hits[cases[0][0]] != expected_rare:
        failures.append(f'{cases[0][0]}: {hits[cases[0][0]]} hits, expected {expected_rare}')
    if hits[cases[1][0]] != 50:
        failures.append(f'{cases[1][0]}: {hits[cases[1][0]]} hits, expected 50')
    if results[1][1] > MAX_MS:
        failures.append(f'{results[1][0]} took {results[1][1]:.1f} ms (median), '
                        f'over {MAX_MS:.0f} ms')
    return results, fill_s, count, size_mb, start_ms


def run(args):
    if not shutil.which('kamailio'):
        print('SKIP: kamailio is not installed')
        return 77
    failures = []
    with Harness() as h:
        kam = h.start_kamailio(users=PASSWORDS)
        try:
            alice, bob, sent_s, all_s, delivered = deliver(h, kam, args.ims, failures)
            vocabulary = []
            results, fill_s, count, size_mb, start_ms = search_bench(h, alice, args, vocabulary,
                                                                     failures)
            time.sleep(2)
            rss = {p.user: rss_kib(p.daemon.pid) for p in (alice, bob)}
        finally:
            for d in h.daemons:
                d.stop()
            stop_extra_buses(h)

    print()
    print(f'Messages1 benchmark: {args.ims:,} IMs alice -> bob through kamailio '
          f'(two daemons, receipts on)')
    print(f'  Send x{args.ims:,} returned (each stored on disk):  {sent_s:6.2f} s '
          f'({args.ims / sent_s:,.0f}/s)')
    print(f'  first Send -> all {delivered:,} delivered on alice:  {all_s:6.2f} s '
          f'({delivered / all_s:,.0f}/s)')
    print()
    print(f'Search benchmark: {count:,} messages in {args.conversations:,} conversations, '
          f'vo.db {size_mb:.0f} MB; {args.calls} calls each (median, min-max)')
    print(f'  fill (one transaction, SQL + FTS5 triggers): {fill_s:.1f} s')
    print(f'  daemon start on it -> owns bus name:         {start_ms:.0f} ms')
    print()
    print_timings(results, 'results')
    print()
    print(f'Idle RSS after it all: alice {rss["alice"] / 1024:.1f} MiB (with the '
          f'{count:,}-message database), bob {rss["bob"] / 1024:.1f} MiB')
    print()
    if count != args.rows:
        failures.append(f'{count} rows in the table, expected {args.rows}')
    return verdict(failures)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ims', type=int, default=int(os.environ.get('VO_BENCH_IMS', '1000')))
    ap.add_argument('--rows', type=int,
                    default=int(os.environ.get('VO_BENCH_MESSAGES_ROWS', '1000000')))
    ap.add_argument('--conversations', type=int, default=1000)
    ap.add_argument('--calls', type=int, default=20)
    sys.exit(run(ap.parse_args()))


if __name__ == '__main__':
    main()
