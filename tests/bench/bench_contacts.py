#!/usr/bin/python3
"""Benchmark: the company directory and contact search.

One run against one kamailio and the reference Virtual Office service on
loopback (tests/vo_harness):

  * first full sync of --entries (10,000) generated colleagues: from the
    SignIn call (only a user name and password at the service) until the last
    colleague resolves over D-Bus (Contacts1.Resolve polled every 10 ms);
  * delta sync to --big (100,000) entries: the service adds the rest in one
    transaction (one directory.changed event) until the last one resolves;
  * Contacts1.Search and Contacts1.Resolve over those 100,000 contacts, each
    timed --calls times over D-Bus (median, min, max): a name prefix shared
    by many, two words in any order without accents, a number prefix, an
    e-mail prefix, an extension; Resolve of numbers in three formats, an
    extension and a number nobody has;
  * RSS: vo-daemon signed in before the sync, after the 10,000-entry sync
    and after the 100,000-entry one (each after --idle seconds idle);
    beside it baresip 1.0 registered at the same kamailio with its contact
    module holding the same 10,000 colleagues (its `contacts` file: name and
    SIP URI, no presence), and without contacts. baresip has no directory
    sync or search: those rows are n/a for it.

Exit 0 when everything was measured, 1 when a measurement failed, 77 (meson:
SKIP) when kamailio or baresip is missing.

    /usr/bin/python3 tests/bench/bench_contacts.py [--entries 10000] [--big 100000]

Environment: VO_DAEMON (binary; default build/daemon/vo-daemon),
VO_BENCH_CALLS, VO_BENCH_IDLE, VO_TEST_KEEP=1 (keep the work folder).
VO_DAEMON_WRAPPER is ignored.
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

os.environ.pop('VO_DAEMON_WRAPPER', None)   # before the harness reads it

from vo_harness import OBJECT_PATH, Harness, baresip  # noqa: E402
from vo_harness.baresip import BaresipUA  # noqa: E402
from vo_harness.client import DBusCallError, pump  # noqa: E402
from vo_harness.mail import MailSink  # noqa: E402
from vo_harness.measure import (BenchError, check_daemon_logs, memory_kib, print_timings,  # noqa: E402
                                report, say, timed, unready)
from vo_harness.service import Service  # noqa: E402
from gi.repository import GLib  # noqa: E402

CONTACTS = 'org.virtualoffice.Contacts1'
ALICE_PW = 'Alice-bench-5e1d'


def resolves(client, number):
    try:
        client.call_raw(CONTACTS, 'Resolve', GLib.Variant('(s)', (number,)), timeout=60)
        return True
    except DBusCallError:
        return False


def until_resolves(client, number, limit_s):
    """Seconds from now until @number resolves (polled every 10 ms)."""
    t = time.monotonic()
    while not resolves(client, number):
        if time.monotonic() - t > limit_s:
            raise BenchError(f'{number} did not resolve within {limit_s} s')
        pump(0.01)
    return time.monotonic() - t


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])   # utime + stime


def until_quiet(pid, limit_s=120):
    """Seconds until the process used no CPU for a whole second: a sync
    ends with work after the last row is readable (the index merges,
    Changed signals), which timed calls should not share."""
    t = time.monotonic()
    last = cpu_ticks(pid)
    while time.monotonic() - t < limit_s:
        time.sleep(1.0)   # the sampling period of the condition
        now = cpu_ticks(pid)
        if now == last:
            return time.monotonic() - t
        last = now
    raise BenchError(f'vo-daemon still busy after {limit_s} s')


def idle_rss(pid, idle_s):
    time.sleep(idle_s)   # a measurement parameter, not a wait for an event
    return memory_kib(pid)


def extension(prefix_digit, i):
    return f'{prefix_digit}{i:05d}'


def baresip_rss(h, kam, idle_s, contacts_lines):
    """baresip registered (contact.so loaded), with @contacts_lines in its
    contacts file; its memory after @idle_s."""
    ua = BaresipUA(h.workdir, kam.hostport, 'bob', 'bob-pw',
                   name=f'baresip-{len(contacts_lines)}', modules=['contact.so'],
                   purpose='contacts benchmark')
    with open(os.path.join(ua.dir, 'contacts'), 'w') as f:
        f.write(''.join(line + '\n' for line in contacts_lines))
    ua.start()
    try:
        ua.wait_registered(timeout=20)
        return idle_rss(ua.proc.pid, idle_s)
    finally:
        ua.stop()


def run(args):
    failures = []
    rows = []
    memory = {}
    with Harness() as h:
        kam = h.start_kamailio(users={'bob': 'bob-pw'})
        mail = MailSink()
        svc = Service(kam, mail, workdir=os.path.join(h.workdir, 'service'))
        svc.start()
        try:
            svc.add_user('alice', ALICE_PW, display_name='Alice Bench', extension='201')
            t = time.monotonic()
            ids = svc.generate_directory(args.entries, photos=0, seed=1, prefix='gen')
            gen_small_s = time.monotonic() - t

            d = h.daemon(start=False, verbose=False)
            d.write_conf({'service': {'ca-file': svc.ca_file, 'timeout': '60'}})
            d.start()
            c = h.client()
            t = time.monotonic()
            c.sign_in('alice', ALICE_PW, service=svc.url, timeout=60)
            signed_in_s = time.monotonic() - t
            memory['vo-daemon signed in (sync under way)'] = memory_kib(d.pid)
            first_sync_s = signed_in_s + until_resolves(c, extension(5, args.entries), 600)
            memory[f'vo-daemon after syncing {args.entries:,}'] = idle_rss(d.pid, args.idle)

            more = args.big - args.entries - 1
            t = time.monotonic()
            svc.generate_directory(more, photos=0, seed=2, first=args.entries + 1)
            gen_big_s = time.monotonic() - t
            delta_s = until_resolves(c, extension(5, args.entries + more), 1200)
            quiet_s = until_quiet(d.pid)
            memory[f'vo-daemon after syncing {args.big:,}'] = idle_rss(d.pid, args.idle)

            conn = c.conn

            def search(q, limit=100):
                return GLib.Variant('(sa{sv})', (q, {'limit': GLib.Variant('u', limit)}))

            sample = svc.client()
            sample.sign_in('alice', ALICE_PW)
            entry = next(e for e in sample.get('/v1/directory?limit=50').json()['items']
                         if e.get('numbers') and e.get('emails') and e['id'].startswith('gen'))
            number = entry['numbers'][0]
            national = '0' + number[3:] if number.startswith('+31') else number
            email_prefix = entry['emails'][0].split('@')[0]
            cases = [
                ('Search "jan" (a first name shared by many)', 'Search', search('jan')),
                ('Search "mul zo" (two prefixes, no accents)', 'Search', search('mul zo')),
                (f'Search "{national[:3]} {national[3:6]}" (a number prefix)', 'Search',
                 search(f'{national[:3]} {national[3:6]}')),
                (f'Search "{email_prefix}" (an e-mail)', 'Search', search(email_prefix)),
                (f'Search "{entry["extension"]}" (an extension)', 'Search',
                 search(entry['extension'])),
                ('Search "jan" limit 1000', 'Search', search('jan', 1000)),
            ]
            for label, written in (('Resolve E.164', number),
                                   ('Resolve national "0…"', national),
                                   ('Resolve "00…"', '00' + number[1:]),
                                   ('Resolve an extension', entry.get('extension') or '201'),
                                   ('Resolve a number nobody has', '+31209999999')):
                cases.append((f'{label} ({written})', 'Resolve', GLib.Variant('(s)', (written,))))
            for label, method, params in cases:
                try:
                    med, lo, hi, reply = timed(conn, args.calls, OBJECT_PATH, CONTACTS, method,
                                               params, timeout_ms=60000)
                    n = len(reply.unpack()[0]) if method == 'Search' else 1
                except GLib.Error as e:
                    if 'nobody' not in label:
                        failures.append(f'{label}: {e.message}')
                        continue
                    med = lo = hi = None
                    n = 0
                rows.append((label, med, lo, hi, n))
            nobody = [r for r in rows if 'nobody' in r[0]]
            if nobody and nobody[0][1] is None:
                # NotFound is an error reply: time it by hand.
                samples = []
                for _ in range(args.calls):
                    t = time.perf_counter()
                    resolves(c, '+31209999999')
                    samples.append((time.perf_counter() - t) * 1000)
                samples.sort()
                rows[rows.index(nobody[0])] = (nobody[0][0], samples[len(samples) // 2],
                                               samples[0], samples[-1], 0)
            check_daemon_logs(h, failures)

            lines = [f'"Colleague {i}" <sip:{i}@vo.test>' for i in ids]
            memory[f'baresip, contact.so with {args.entries:,} contacts'] = baresip_rss(
                h, kam, args.idle, lines)
            memory['baresip, contact.so, no contacts'] = baresip_rss(h, kam, args.idle, [])
        finally:
            svc.stop()
            mail.stop()

        say()
        say(f'Contacts benchmark: vo-daemon ({args.calls} calls each) beside baresip '
            f'{baresip.version()}')
        say(f'  service: generate {args.entries:,} entries {gen_small_s:.1f} s, '
            f'{args.big - args.entries - 1:,} more {gen_big_s:.1f} s (not the daemon)')
        say(f'  first full sync of {args.entries:,} (SignIn -> last resolves): '
            f'{first_sync_s * 1000:.0f} ms   (baresip: n/a)')
        say(f'  delta sync to {args.big:,} (one event -> last resolves):      '
            f'{delta_s * 1000:.0f} ms   (baresip: n/a)')
        say(f'  after it, busy until quiet (no CPU for 1 s):                 '
            f'{quiet_s * 1000:.0f} ms')
        say()
        print_timings(rows, 'results')
        say()
        say(f'  {"memory after " + str(args.idle) + " s idle":<48}  {"RSS MB":>7}  {"PSS MB":>7}')
        for label, m in memory.items():
            pss = f'{m["pss"] / 1024:7.1f}' if m['pss'] is not None else '    n/a'
            say(f'  {label:<48}  {m["rss"] / 1024:7.1f}  {pss}')
        return report(failures, h.workdir)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--entries', type=int, default=10000)
    ap.add_argument('--big', type=int, default=100000)
    ap.add_argument('--calls', type=int, default=int(os.environ.get('VO_BENCH_CALLS', '20')))
    ap.add_argument('--idle', type=float, default=float(os.environ.get('VO_BENCH_IDLE', '2')))
    args = ap.parse_args()
    if args.entries < 100 or args.big <= args.entries or args.calls < 1:
        ap.error('--entries >= 100, --big > --entries, --calls >= 1')
    code = unready(['kamailio', 'baresip'])
    if code is not None:
        sys.exit(code)
    sys.exit(run(args))


if __name__ == '__main__':
    main()
