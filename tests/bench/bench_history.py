#!/usr/bin/python3
"""Benchmark: History1 on a call history of 1,000,000 entries.

A daemon creates vo.db (its own schema) in a temp folder and stops; the table
is filled with --rows entries in one transaction (a recursive CTE INSERT:
two years of calls, a third outgoing, a fifth of the incoming ones missed, 1 %
of those unseen); the daemon starts again on it. Then, over D-Bus on a private
bus, each call is timed --calls times (after 2 warm-up calls) from the client:

  * History1.List({limit: 50})                      newest page
  * History1.List({kind: missed, limit: 50})        and incoming, outgoing
  * History1.List({offset: 500000, limit: 50})      deep page
  * History1.List({since: <last day>, limit: 50})
  * History1.List({limit: 1000})                    the largest page
  * History1.Get(id), Properties.Get(UnseenMissed) (the bus round trip alone)
  * MarkSeen([id]) + Delete([id]) (writes, each committed to disk)

and the median, min and max are printed. Also: the fill time, and the
daemon's start-up on the full database (spawn -> owns its bus name).

Exit 0 when everything was measured and List({limit: 50}) has a median under
VO_BENCH_HISTORY_MAX_MS (100 ms), 1 otherwise.

    /usr/bin/python3 tests/bench/bench_history.py [--rows 1000000] [--calls 20]

Environment: VO_DAEMON (binary; default build/daemon/vo-daemon), VO_TEST_KEEP=1
(keep the work folder). VO_DAEMON_WRAPPER is ignored.
"""

import argparse
import os
import sqlite3
import statistics
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

os.environ.pop('VO_DAEMON_WRAPPER', None)   # before the harness reads it

from vo_harness import BUS_NAME, OBJECT_PATH, Harness  # noqa: E402
from vo_harness.measure import print_timings, timed, verdict  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402 (versions required by vo_harness)

HISTORY = 'org.virtualoffice.History1'
T0 = 1_650_000_000_000_000      # 2022-04-15, µs
STEP_US = 60_000_000            # one call a minute: 1M calls ≈ 2 years
MAX_MS = float(os.environ.get('VO_BENCH_HISTORY_MAX_MS', '100'))

# One transaction; i = 1..n. Row i: started at T0 + i minutes; every third
# outgoing; incoming with i % 5 == 1 missed, and unseen when i % 100 == 1.
FILL_SQL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
INSERT INTO call_history (uuid, direction, remote_uri, number, name, contact_id, start_us,
                          answer_us, end_us, reason, missed, seen)
SELECT printf('%08x-0000-4000-8000-%012x', i, i),
       CASE WHEN i % 3 = 0 THEN 'outgoing' ELSE 'incoming' END,
       printf('sip:+1555%07d@vo.test', i % 10000000),
       printf('+1555%07d', i % 10000000),
       CASE WHEN i % 4 = 0 THEN printf('Caller %d', i % 1000) ELSE '' END,
       '',
       :t0 + i * :step,
       CASE WHEN i % 5 = 1 AND i % 3 != 0 THEN 0 ELSE :t0 + i * :step + 5000000 END,
       :t0 + i * :step + 65000000,
       CASE WHEN i % 5 = 1 AND i % 3 != 0 THEN 'no-answer' ELSE 'remote' END,
       CASE WHEN i % 5 = 1 AND i % 3 != 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 5 = 1 AND i % 3 != 0 AND i % 100 = 1 THEN 0 ELSE 1 END
FROM n
"""


def uid(i):
    return f'{i:08x}-0000-4000-8000-{i:012x}'


def fill(path, rows):
    db = sqlite3.connect(path)
    t = time.perf_counter()
    with db:
        db.execute(FILL_SQL, {'rows': rows, 't0': T0, 'step': STEP_US})
    elapsed = time.perf_counter() - t
    count = db.execute('SELECT count(*) FROM call_history').fetchone()[0]
    db.close()
    return elapsed, count


def list_params(**filter_):
    types = {'kind': 's', 'offset': 'u', 'limit': 'u', 'since': 'x'}
    return GLib.Variant('(a{sv})', ({k: GLib.Variant(types[k], v) for k, v in filter_.items()},))


def run(args):
    failures = []
    results = []
    with Harness() as h:
        d = h.daemon(verbose=False)
        d.stop()
        db = os.path.join(d.data_dir, 'vo.db')
        fill_s, count = fill(db, args.rows)
        size_mb = sum(os.path.getsize(db + s) for s in ('', '-wal') if os.path.exists(db + s))
        size_mb /= 1e6

        t = time.perf_counter()
        d.start()
        start_ms = (time.perf_counter() - t) * 1000.0
        conn = h.client().conn

        newest = T0 + args.rows * STEP_US
        cases = [
            ('List {limit: 50}', 'List', list_params(limit=50), 50),
            ('List {kind: missed, limit: 50}', 'List', list_params(kind='missed', limit=50), 50),
            ('List {kind: incoming, limit: 50}', 'List',
             list_params(kind='incoming', limit=50), 50),
            ('List {kind: outgoing, limit: 50}', 'List',
             list_params(kind='outgoing', limit=50), 50),
            ('List {offset: 500000, limit: 50}', 'List',
             list_params(offset=min(500000, args.rows // 2), limit=50), 50),
            ('List {kind: missed, offset: 100000, limit: 50}', 'List',
             list_params(kind='missed', offset=min(100000, args.rows // 20), limit=50), 50),
            ('List {since: last day, limit: 50}', 'List',
             list_params(since=newest - 24 * 3600 * 1_000_000, limit=50), 50),
            ('List {limit: 1000}', 'List', list_params(limit=1000), 1000),
            ('Get (id)', 'Get', GLib.Variant('(s)', (uid(args.rows // 2),)), None),
        ]
        for label, method, params, want in cases:
            med, lo, hi, reply = timed(conn, args.calls, OBJECT_PATH, HISTORY, method, params,
                                       timeout_ms=60000)
            n = len(reply.unpack()[0]) if method == 'List' else None
            if want is not None and n != want:
                failures.append(f'{label}: {n} entries, expected {want}')
            results.append((label, med, lo, hi, n))
        med, lo, hi, _ = timed(conn, args.calls, OBJECT_PATH, 'org.freedesktop.DBus.Properties',
                               'Get', GLib.Variant('(ss)', (HISTORY, 'UnseenMissed')),
                               timeout_ms=60000)
        results.append(('Properties.Get UnseenMissed (bus round trip)', med, lo, hi, None))

        # Writes: each call commits (WAL, synchronous=FULL) and recounts.
        write = {'MarkSeen': [], 'Delete': []}
        for k in range(args.calls):
            i = args.rows - 7 - 5 * k
            for method in ('MarkSeen', 'Delete'):
                t = time.perf_counter()
                conn.call_sync(BUS_NAME, OBJECT_PATH, HISTORY, method,
                               GLib.Variant('(as)', ([uid(i)],)), None,
                               Gio.DBusCallFlags.NONE, 60000, None)
                write[method].append((time.perf_counter() - t) * 1000.0)
        for method, samples in write.items():
            results.append((f'{method} ([id])', statistics.median(samples), min(samples),
                            max(samples), None))

        unseen = conn.call_sync(BUS_NAME, OBJECT_PATH, 'org.freedesktop.DBus.Properties',
                                'Get', GLib.Variant('(ss)', (HISTORY, 'UnseenMissed')), None,
                                Gio.DBusCallFlags.NONE, 10000, None).unpack()[0]

    print()
    print(f'History1 benchmark: {count:,} entries, vo.db {size_mb:.0f} MB, '
          f'{unseen:,} unseen missed; {args.calls} calls each (median, min-max)')
    print(f'  fill (one transaction, recursive CTE): {fill_s:.1f} s')
    print(f'  daemon start on it -> owns bus name:   {start_ms:.0f} ms')
    print()
    print_timings(results, 'entries')
    print()

    if count != args.rows:
        failures.append(f'{count} rows in the table, expected {args.rows}')
    first = results[0]
    if first[1] > MAX_MS:
        failures.append(f'{first[0]} took {first[1]:.1f} ms (median), over {MAX_MS:.0f} ms')
    return verdict(failures)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rows', type=int, default=int(os.environ.get('VO_BENCH_HISTORY_ROWS',
                                                                   '1000000')))
    ap.add_argument('--calls', type=int, default=int(os.environ.get('VO_BENCH_CALLS', '20')))
    args = ap.parse_args()
    if args.rows < 2000 or args.calls < 1:
        ap.error('--rows must be at least 2000 and --calls at least 1')
    sys.exit(run(args))


if __name__ == '__main__':
    main()
