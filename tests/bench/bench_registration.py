#!/usr/bin/python3
"""Benchmark: vo-daemon against baresip 1.0 registering at the same kamailio.

Measured in one run, against one kamailio on loopback (tests/vo_harness):

  * idle RSS: VmRSS (and Pss) of the process after it registered and sat idle
    for --idle seconds;
  * start -> registered: from just before the process is spawned until it says
    it is registered (vo-daemon: Account1.Registration becomes 'registered',
    seen on D-Bus; baresip: its "<aor>: ... 200 OK" line on its terminal).
    vo-daemon signs in by itself at start from the account and password a
    first SignIn stored;
  * start -> first REGISTER sent / 200 OK on the wire: the same start, until the
    first REGISTER reaches kamailio / kamailio sends the 200 OK (packets on `lo`
    read with an AF_PACKET socket; needs CAP_NET_RAW, otherwise the rows say
    n/a). Same method for both programs;
  * SignIn call -> registered (and -> first REGISTER, -> 200 OK on the wire): a
    running vo-daemon without an account is asked to SignIn (baresip: n/a);
  * SignIn via service -> registered (and -> first REGISTER): the same with only
    a user name and password at the reference Virtual Office service, which
    provisions the SIP account over HTTPS (baresip: n/a).

vo-daemon's idle RSS is taken in the auto-sign-in runs (a fresh process).

Every figure is measured --runs times (one warm-up run of each program first,
not counted); the vo-daemon and baresip runs alternate. Prints the median and
min-max, then a side-by-side table. Exit 0 when everything was measured, 1 when
a measurement failed, 77 (meson: SKIP) when kamailio or baresip is missing.

    /usr/bin/python3 tests/bench/bench_registration.py [--runs 5] [--idle 2]

Environment: VO_DAEMON (binary; default build/daemon/vo-daemon), VO_BENCH_RUNS,
VO_BENCH_IDLE, VO_TEST_KEEP=1 (keep the work folder). VO_DAEMON_WRAPPER is
ignored: a benchmark under valgrind means nothing.
"""

import argparse
import os
import platform
import re
import select
import socket
import struct
import sys
import threading
import time
import traceback

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

os.environ.pop('VO_DAEMON_WRAPPER', None)   # before the harness reads it

from vo_harness import ACCOUNT, BUS_NAME, OBJECT_PATH, Harness, baresip  # noqa: E402
from vo_harness.baresip import BaresipError, BaresipUA  # noqa: E402
from vo_harness.client import connect  # noqa: E402
from vo_harness.daemon import daemon_path  # noqa: E402
from vo_harness.mail import MailSink  # noqa: E402
from vo_harness.service import Service  # noqa: E402
from vo_harness.measure import (BenchError, Results, check_daemon_logs,  # noqa: E402
                                daemon_version, log_tail, memory_kib, ms, report, say,
                                summary, unready)
from gi.repository import Gio, GLib  # noqa: E402 (versions required by vo_harness)

DOMAIN = 'vo.test'
DAEMON_USER, DAEMON_PASSWORD = 'alice', 'Alice-bench-pw'
BARESIP_USER, BARESIP_PASSWORD = 'bob', 'Bob-bench-pw'
SERVICE_USER, SERVICE_PASSWORD = 'carol', 'Carol-bench-pw'
REGISTER_EXPIRES = 600          # both ask for the same registration lifetime
REGISTER_TIMEOUT = 15.0         # seconds, per measurement

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


# -- SIP on the wire -----------------------------------------------------------
class WireWatch:
    """Timestamps (time.monotonic, taken when read) of SIP packets to and from
    the registrar's UDP port, read from `lo` with an AF_PACKET socket."""

    def __init__(self, registrar_port):
        self.port = registrar_port
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind(('lo', 0))
        self.events = []        # (t, direction 'req'|'resp', user, method, status)
        self.lock = threading.Lock()
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @classmethod
    def try_open(cls, port):
        try:
            return cls(port), None
        except OSError as e:
            return None, f'{e.strerror or e} (needs CAP_NET_RAW)'

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()

    def _run(self):
        while not self._stop:
            r, _, _ = select.select([self.sock], [], [], 0.2)
            if not r:
                continue
            try:
                data, addr = self.sock.recvfrom(65535)
            except OSError:
                return
            t = time.monotonic()
            if addr[2] == PACKET_OUTGOING:   # lo shows every packet twice
                continue
            ev = self._parse(data)
            if ev:
                with self.lock:
                    self.events.append((t,) + ev)

    def _parse(self, data):
        if len(data) < 14 + 20 + 8 or data[12:14] != b'\x08\x00':
            return None
        ip = data[14:]
        if ip[9] != 17:          # UDP
            return None
        udp = ip[(ip[0] & 0x0F) * 4:]
        sport, dport = struct.unpack('!HH', udp[:4])
        payload = udp[8:]
        if sport == self.port and payload.startswith(b'SIP/2.0 '):
            direction = 'resp'
            try:
                status = int(payload[8:11])
            except ValueError:
                return None
        elif dport == self.port and payload[:1].isalpha():
            direction, status = 'req', 0
        else:
            return None
        head = payload.split(b'\r\n\r\n', 1)[0].decode('utf-8', 'replace')
        m = re.search(r'^(?:CSeq|cseq):\s*\d+\s+(\w+)', head, re.M)
        method = m.group(1) if m else ''
        m = re.search(r'^(?:To|t):[^\r\n]*?sips?:([^@;>\s]+)@', head, re.M | re.I)
        user = m.group(1) if m else ''
        return direction, user, method, status

    def first(self, user, since, direction, status_ok=False):
        with self.lock:
            for t, d, u, meth, st in self.events:
                if (t >= since and d == direction and u == user and meth == 'REGISTER'
                        and (not status_ok or 200 <= st < 300)):
                    return t
        return None

    def wait_register_ok(self, user, since, timeout=2.0):
        """Time of the first 2xx to a REGISTER of user after since (the packet
        may still be on its way to us when the client already says registered)."""
        deadline = time.monotonic() + timeout
        while True:
            t = self.first(user, since, 'resp', status_ok=True)
            if t is not None or time.monotonic() > deadline:
                return t
            time.sleep(0.005)


# -- vo-daemon through D-Bus ---------------------------------------------------
class BusWatch:
    """Records (monotonic time) when org.virtualoffice gets an owner and when
    Account1.Registration changes, from PropertiesChanged on a private bus."""

    def __init__(self, address):
        self.conn = connect(address)
        self.ctx = GLib.MainContext.default()
        self.owned_at = None
        self.registration = []     # (t, value)
        self._subs = [
            self.conn.signal_subscribe('org.freedesktop.DBus', 'org.freedesktop.DBus',
                                       'NameOwnerChanged', '/org/freedesktop/DBus', BUS_NAME,
                                       Gio.DBusSignalFlags.NONE, self._on_owner, None),
            self.conn.signal_subscribe(None, 'org.freedesktop.DBus.Properties',
                                       'PropertiesChanged', OBJECT_PATH, ACCOUNT,
                                       Gio.DBusSignalFlags.NONE, self._on_props, None),
        ]

    def close(self):
        for s in self._subs:
            self.conn.signal_unsubscribe(s)
        self.conn.close_sync(None)

    def _on_owner(self, conn, sender, path, iface, member, params, data):
        _name, _old, new = params.unpack()
        if new and self.owned_at is None:
            self.owned_at = time.monotonic()

    def _on_props(self, conn, sender, path, iface, member, params, data):
        _iface, changed, _inv = params.unpack()
        if 'Registration' in changed:
            self.registration.append((time.monotonic(), changed['Registration']))

    def reset(self):
        self.pump()
        self.owned_at = None
        self.registration = []

    def pump(self):
        while self.ctx.pending():
            self.ctx.iteration(False)

    def get_registration(self):
        try:
            reply = self.conn.call_sync(BUS_NAME, OBJECT_PATH, 'org.freedesktop.DBus.Properties',
                                        'Get', GLib.Variant('(ss)', (ACCOUNT, 'Registration')),
                                        None, Gio.DBusCallFlags.NO_AUTO_START, 2000, None)
        except GLib.Error:
            return None
        return reply.unpack()[0]

    def wait_registered(self, proc, timeout, log=None, poll=0.1):
        """Block until Registration is 'registered'; return the time it was seen.
        Signals are dispatched as they arrive (the loop sleeps in poll()); a Get
        every `poll` s after the name is owned is the fallback."""
        tick = GLib.timeout_add(10, lambda: True)
        try:
            deadline = time.monotonic() + timeout
            next_get = 0.0
            while True:
                self.ctx.iteration(True)
                for t, value in self.registration:
                    if value == 'registered':
                        return t
                    if value == 'failed':
                        raise BenchError('vo-daemon: Registration became failed'
                                         + log_tail(log, 40))
                now = time.monotonic()
                if self.owned_at is not None and now >= next_get:
                    next_get = now + poll
                    if self.get_registration() == 'registered':
                        self.pump()
                        sig = [t for t, v in self.registration if v == 'registered']
                        return min(sig + [time.monotonic()])
                if proc is not None and proc.poll() is not None:
                    raise BenchError(f'vo-daemon exited with {proc.returncode} before it '
                                     f'registered' + log_tail(log, 40))
                if now > deadline:
                    raise BenchError(f'vo-daemon not registered after {timeout:.0f} s '
                                     f'(Registration={self.get_registration()!r})'
                                     + log_tail(log, 40))
        finally:
            GLib.source_remove(tick)


# -- the runs ---------------------------------------------------------------------
def run(args):
    status = unready(('kamailio', 'kamcmd', 'baresip', 'dbus-daemon'))
    if status is not None:
        return status

    res = Results()
    failures = []
    h = Harness()
    failed = True
    wire = None
    try:
        kam = h.start_kamailio(users={DAEMON_USER: DAEMON_PASSWORD,
                                      BARESIP_USER: BARESIP_PASSWORD}, domains=(DOMAIN,))
        wire, wire_why = WireWatch.try_open(kam.port)
        sip = {'register-expires': str(REGISTER_EXPIRES)}
        watch = BusWatch(h.session_bus.address)
        bare = BaresipUA(h.workdir, kam.hostport, BARESIP_USER, BARESIP_PASSWORD,
                         domain=DOMAIN, regint=REGISTER_EXPIRES,
                         purpose='benchmark: registration only')

        say(f'bench: {args.runs} runs each (+1 warm-up), {args.idle:g} s idle before RSS; '
            f'kamailio {kam.hostport}; {os.cpu_count()} CPUs, {platform.machine()}, '
            f'kernel {platform.release()}')
        say(f'bench: {daemon_version()} ({daemon_path()}) as {DAEMON_USER}@{DOMAIN}; '
            f'baresip {baresip.version()} as {BARESIP_USER}@{DOMAIN}: {bare.account_line}')
        say(f'bench: both ask for Expires {REGISTER_EXPIRES}, UDP on 127.0.0.1, '
            f'digest auth (401 then 200); baresip loads only account.so (no UI, audio, video)')
        if wire is None:
            say(f'bench: 200 OK on the wire not measured: AF_PACKET socket: {wire_why}')
        say(f'bench: work folder {h.workdir}')

        # 1. SignIn on a running daemon without an account. The first one is
        #    the warm-up and stores the account the auto sign-in runs use.
        auto_daemon = None
        for i in range(args.runs + 1):
            label = 'warm-up' if i == 0 else f'{i}/{args.runs}'
            d = h.daemon(sip=sip, verbose=False)
            try:
                watch.reset()
                t0 = time.monotonic()
                h_client_sign_in(watch, DAEMON_USER, DAEMON_PASSWORD, kam.hostport)
                t_ret = time.monotonic()
                t_reg = watch.wait_registered(d.proc, REGISTER_TIMEOUT, d.log)
                t_reg = max(t_reg, t0)
                if not kam.contacts(DAEMON_USER):
                    raise BenchError('kamailio holds no contact of '
                                     f'{DAEMON_USER} after SignIn')
                t_req = wire.first(DAEMON_USER, t0, 'req') if wire else None
                t_ok = wire.wait_register_ok(DAEMON_USER, t0) if wire else None
                if i > 0:
                    res.add('vo', 'signin', ms(t_reg - t0))
                    res.add('vo', 'signin_return', ms(t_ret - t0))
                    res.add('vo', 'signin_req', ms(t_req - t0) if t_req else None)
                    res.add('vo', 'signin_ok', ms(t_ok - t0) if t_ok else None)
                req_txt = (f' (first REGISTER {ms(t_req - t0):5.1f} ms, 200 OK on wire '
                           f'{ms(t_ok - t0):5.1f} ms)' if t_req and t_ok else '')
                say(f'  vo-daemon SignIn     {label:>7}: SignIn returned {ms(t_ret - t0):5.1f} ms,'
                    f' registered {ms(t_reg - t0):5.1f} ms{req_txt}')
            except BenchError as e:
                failures.append(f'SignIn run {label}: {e}')
                say(f'  vo-daemon SignIn     {label:>7}: FAILED: {e}')
            finally:
                rc = d.stop()
                if rc != 0:
                    say(f'  (vo-daemon exited with {rc} on SIGTERM)')
            if i == 0:
                auto_daemon = d
                if failures:
                    raise BenchError('the first SignIn failed; nothing else to measure')
            try:
                kam.wait_contacts(DAEMON_USER, present=False, timeout=5)
            except TimeoutError:
                say('  (vo-daemon left its contact at the registrar on SIGTERM)')

        # 1b. The same SignIn with only a user name and password at the
        #     Virtual Office service (HTTPS sign-in, profile, provisioning,
        #     then the same REGISTER): the cost of provisioning beside 1.
        mail = MailSink()
        service = Service(kam, mail, workdir=os.path.join(h.workdir, 'service'))
        try:
            service.start()
            service.add_user(SERVICE_USER, SERVICE_PASSWORD, display_name='Carol Bench',
                             extension='203')
            measure_service_sign_in(h, args, service, watch, wire, kam, sip, res, failures)
        finally:
            service.stop()
            mail.stop()

        # 2. Start -> registered + idle RSS, vo-daemon (auto sign-in) and baresip
        #    alternating. Run 0 of each is the warm-up.
        for i in range(args.runs + 1):
            label = 'warm-up' if i == 0 else f'{i}/{args.runs}'
            for who in ('vo', 'baresip'):
                try:
                    if who == 'vo':
                        row = measure_daemon_start(auto_daemon, watch, wire, kam, args.idle)
                    else:
                        row = measure_baresip_start(bare, wire, kam, args.idle)
                except BenchError as e:
                    failures.append(f'{who} start run {label}: {e}')
                    say(f'  {who_name(who):<20} {label:>7}: FAILED: {e}')
                    continue
                if i > 0:
                    for key, value in row.items():
                        res.add(who, key, value)
                wire_txt = (f' (first REGISTER {row["req"]:5.1f} ms, 200 OK on wire '
                            f'{row["wire"]:5.1f} ms)' if row['wire'] and row['req'] else '')
                say(f'  {who_name(who) + " start":<20} {label:>7}: registered '
                    f'{row["start"]:7.1f} ms{wire_txt}, idle VmRSS {row["rss"]} KiB'
                    + (f', Pss {row["pss"]} KiB' if row['pss'] is not None else ''))
        watch.close()
        failed = bool(failures)
    except Exception as e:  # noqa: BLE001 - reported, then exit 1
        failures.append(f'{type(e).__name__}: {e}')
        traceback.print_exc()
    finally:
        if wire is not None:
            wire.close()
        try:
            check_daemon_logs(h, failures)
            h.close(failed=failed or bool(failures))
        except Exception as e:  # noqa: BLE001
            failures.append(f'teardown: {e}')

    print_table(res, args)
    return report(failures, h.workdir)


def measure_service_sign_in(h, args, service, watch, wire, kam, sip, res, failures):
    opts = {'service': GLib.Variant('s', service.url)}
    for i in range(args.runs + 1):
        label = 'warm-up' if i == 0 else f'{i}/{args.runs}'
        d = h.daemon(sip=sip, verbose=False, start=False)
        d.write_conf({'service': {'ca-file': service.ca_file}})
        d.start()
        try:
            watch.reset()
            t0 = time.monotonic()
            try:
                watch.conn.call_sync(BUS_NAME, OBJECT_PATH, ACCOUNT, 'SignIn',
                                     GLib.Variant('(ssa{sv})',
                                                  (SERVICE_USER, SERVICE_PASSWORD, opts)),
                                     None, Gio.DBusCallFlags.NO_AUTO_START,
                                     int(REGISTER_TIMEOUT * 1000), None)
            except GLib.Error as e:
                raise BenchError(f'SignIn at the service failed: {e.message}') from None
            t_ret = time.monotonic()
            t_reg = max(watch.wait_registered(d.proc, REGISTER_TIMEOUT, d.log), t0)
            t_req = wire.first(SERVICE_USER, t0, 'req') if wire else None
            if i > 0:
                res.add('vo', 'signin_service', ms(t_reg - t0))
                res.add('vo', 'signin_service_req', ms(t_req - t0) if t_req else None)
            req_txt = f' (first REGISTER {ms(t_req - t0):5.1f} ms)' if t_req else ''
            say(f'  vo-daemon SignIn via service {label:>7}: returned {ms(t_ret - t0):5.1f} ms,'
                f' registered {ms(t_reg - t0):5.1f} ms{req_txt}')
        except BenchError as e:
            failures.append(f'SignIn via the service, run {label}: {e}')
            say(f'  vo-daemon SignIn via service {label:>7}: FAILED: {e}')
        finally:
            d.stop()
        try:
            kam.wait_contacts(SERVICE_USER, present=False, timeout=5)
        except TimeoutError:
            say('  (vo-daemon left its contact at the registrar on SIGTERM)')


def who_name(who):
    return 'vo-daemon' if who == 'vo' else 'baresip'


def h_client_sign_in(watch, user, password, registrar):
    opts = {'registrar': GLib.Variant('s', registrar), 'domain': GLib.Variant('s', DOMAIN)}
    try:
        watch.conn.call_sync(BUS_NAME, OBJECT_PATH, ACCOUNT, 'SignIn',
                             GLib.Variant('(ssa{sv})', (user, password, opts)), None,
                             Gio.DBusCallFlags.NO_AUTO_START,
                             int(REGISTER_TIMEOUT * 1000), None)
    except GLib.Error as e:
        raise BenchError(f'SignIn failed: {e.message}') from None


def measure_daemon_start(d, watch, wire, kam, idle):
    watch.reset()
    t0 = time.monotonic()
    d.start(wait=False)
    try:
        t_reg = watch.wait_registered(d.proc, REGISTER_TIMEOUT, d.log)
        t_wire = wire.wait_register_ok(DAEMON_USER, t0) if wire else None
        t_req = wire.first(DAEMON_USER, t0, 'req') if wire else None
        if not kam.contacts(DAEMON_USER):
            raise BenchError(f'kamailio holds no contact of {DAEMON_USER}')
        time.sleep(idle)
        if not d.running:
            raise BenchError('vo-daemon exited while idle' + log_tail(d.log, 40))
        mem = memory_kib(d.pid)
        return {'start': ms(t_reg - t0),
                'owned': ms(watch.owned_at - t0) if watch.owned_at else None,
                'wire': ms(t_wire - t0) if t_wire else None,
                'req': ms(t_req - t0) if t_req else None,
                'rss': mem['rss'], 'pss': mem['pss'], 'hwm': mem['hwm']}
    finally:
        rc = d.stop()
        if rc != 0:
            say(f'  (vo-daemon exited with {rc} on SIGTERM)')
        try:
            kam.wait_contacts(DAEMON_USER, present=False, timeout=5)
        except TimeoutError:
            say('  (vo-daemon left its contact at the registrar on SIGTERM)')


def measure_baresip_start(bare, wire, kam, idle):
    t0 = bare.start()
    try:
        try:
            t_reg = bare.wait_registered(REGISTER_TIMEOUT)
        except BaresipError as e:
            raise BenchError(str(e)) from None
        t_wire = wire.wait_register_ok(BARESIP_USER, t0) if wire else None
        t_req = wire.first(BARESIP_USER, t0, 'req') if wire else None
        if not kam.contacts(BARESIP_USER):
            raise BenchError(f'kamailio holds no contact of {BARESIP_USER}')
        time.sleep(idle)
        if bare.proc.poll() is not None:
            raise BenchError('baresip exited while idle\n' + bare.log_tail())
        mem = memory_kib(bare.proc.pid)
        return {'start': ms(t_reg - t0), 'owned': None,
                'wire': ms(t_wire - t0) if t_wire else None,
                'req': ms(t_req - t0) if t_req else None,
                'rss': mem['rss'], 'pss': mem['pss'], 'hwm': mem['hwm']}
    finally:
        bare.stop()
        # baresip un-REGISTERs on SIGTERM; make sure the next run starts clean.
        try:
            kam.wait_contacts(BARESIP_USER, present=False, timeout=5)
        except TimeoutError:
            pass


def print_table(res, args):
    rows = [
        ('idle RSS (KiB)', 'rss', '{:.0f}'),
        ('idle PSS (KiB)', 'pss', '{:.0f}'),
        ('peak RSS, VmHWM (KiB)', 'hwm', '{:.0f}'),
        ('start → registered (ms)', 'start', '{:.1f}'),
        ('start → first REGISTER sent (ms)', 'req', '{:.1f}'),
        ('start → 200 OK on wire (ms)', 'wire', '{:.1f}'),
        ('start → D-Bus name (ms)', 'owned', '{:.1f}'),
        ('SignIn call → registered (ms)', 'signin', '{:.1f}'),
        ('SignIn call → first REGISTER (ms)', 'signin_req', '{:.1f}'),
        ('SignIn call → 200 OK on wire (ms)', 'signin_ok', '{:.1f}'),
        ('SignIn via service → registered (ms)', 'signin_service', '{:.1f}'),
        ('SignIn via service → first REGISTER (ms)', 'signin_service_req', '{:.1f}'),
    ]
    w0, w = 35, 24
    say(f'\nvo-daemon vs baresip, median (min-max) of {args.runs} runs, '
        f'same kamailio, same run:\n')
    say(f'{"":<{w0}}{"vo-daemon":>{w}}{"baresip":>{w}}')
    for title, key, fmt in rows:
        vo = summary(res.get('vo', key), fmt)
        ba = summary(res.get('baresip', key), fmt)
        say(f'{title:<{w0}}{vo:>{w}}{ba:>{w}}')
    say('\nstart → registered: vo-daemon until Account1.Registration = registered '
        '(D-Bus);\n  baresip until its "200 OK" line. vo-daemon signs in by itself '
        'from its stored account.\n'
        'start → first REGISTER / 200 OK on wire: until the first REGISTER reached kamailio /\n'
        '  kamailio sent the 200 OK (packets seen on lo), same method for both.\n'
        'SignIn via service: only user name and password; the daemon signs in at the\n'
        '  reference Virtual Office service over HTTPS (session, profile, SIP provisioning)\n'
        '  and then registers as in the SIP-only SignIn above it (baresip has no such thing).\n'
        'idle RSS/PSS: VmRSS / smaps_rollup Pss, '
        f'{args.idle:g} s after registered.')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--runs', type=int, default=int(os.environ.get('VO_BENCH_RUNS', '5')))
    ap.add_argument('--idle', type=float, default=float(os.environ.get('VO_BENCH_IDLE', '2')))
    args = ap.parse_args()
    if args.runs < 1:
        ap.error('--runs must be at least 1')
    sys.exit(run(args))


if __name__ == '__main__':
    main()
