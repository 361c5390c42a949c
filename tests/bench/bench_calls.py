#!/usr/bin/python3
"""Benchmark: calls with vo-daemon against baresip 1.0, in one run.

Both user agents call the same auto-answering baresip peer ("peer", sending
a 660 Hz tone from a WAV file, dumping what it receives) through one kamailio
on loopback (tests/vo_harness). Measured for each caller:

  * Dial -> active: vo-daemon from the Calls1.Dial call (sent asynchronously)
    until Call1.State becomes 'active' (PropertiesChanged on D-Bus); baresip
    from its `dial` command (ctrl_tcp) until its CALL_ESTABLISHED event. The
    first call of a fresh process is shown on its own (vo-daemon initialises
    GStreamer then); the median is of the --calls calls after it;
  * CPU % of one core during --cpu-seconds of an active call, PCMU and opus
    (utime+stime deltas of /proc/PID/stat, all threads), plus the same while
    registered and idle. vo-daemon's media runs through its real
    pipewiresrc/pipewiresink into a private PipeWire (a 440 Hz tone played
    into its mic); the PipeWire server's own CPU is shown on an extra row;
  * RSS (VmRSS): idle before the first call, during the long call, 2 s after
    it ended; and over --short-calls sequential short calls (dial, active,
    hangup), RSS after call 10 against after the last one (growth).

The codec is forced by the caller's offer: vo.conf [media] codecs=PCMU or
codecs=opus (a daemon restart between the two); the baresip caller's account
audio_codecs=PCMU or audio_codecs=opus (a new baresip). The Call1.Codec
property and the peer's received-audio dump (the caller's 440 Hz tone) check
that each long call really carried that codec's audio.

Exit 0 when everything was measured, 1 when a measurement failed, 77 (meson:
SKIP) when kamailio, baresip or pipewire is missing.

    /usr/bin/python3 tests/bench/bench_calls.py [--calls 10] [--cpu-seconds 30]
                                                [--short-calls 100]

Environment: VO_DAEMON (binary; default build/daemon/vo-daemon),
VO_BENCH_MEDIA=standin (GStreamer stand-ins instead of PipeWire for
vo-daemon), VO_TEST_KEEP=1 (keep the work folder). VO_DAEMON_WRAPPER is ignored.
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
import traceback

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)
sys.path.insert(0, os.path.join(TESTS, 'integration'))   # calls_support (Party)

os.environ.pop('VO_DAEMON_WRAPPER', None)   # before the harness reads it

from vo_harness import BUS_NAME, OBJECT_PATH, Harness, audio, baresip  # noqa: E402
from vo_harness.client import close_connection, connect  # noqa: E402
from vo_harness.daemon import daemon_path  # noqa: E402
from vo_harness.peers import BaresipPeer, PeerError  # noqa: E402
from vo_harness.measure import (BenchError, Results, check_daemon_logs,  # noqa: E402
                                daemon_version, log_tail, ms, report, rss_kib, say,
                                summary, unready)
from calls_support import CALL, CALLS, DOMAIN, Party, stop_extra_buses  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402 (versions required by vo_harness)

PASSWORDS = {'alice': 'Alice-bench-pw', 'carol': 'Carol-bench-pw', 'peer': 'Peer-bench-pw'}
PEER_URI = f'sip:peer@{DOMAIN}'
CALLER_TONE, PEER_TONE = 440, 660
CODECS = ('PCMU', 'opus')
BARESIP_CODEC = {'PCMU': 'PCMU', 'opus': 'opus/48000/2'}   # its audio_codecs names
STEP_TIMEOUT = 10.0          # s, per dial/hangup
SETTLE = 1.5                 # s between 'active' and the CPU window / RSS
AFTER_END = 2.0              # s between a call's end and "RSS after"
CLK_TCK = os.sysconf('SC_CLK_TCK')

# Stand-ins when PipeWire is not used (VO_BENCH_MEDIA=standin or it failed).
STANDIN_MEDIA = {
    'VO_MEDIA_SOURCE': f'audiotestsrc is-live=true wave=sine freq={CALLER_TONE}',
    'VO_MEDIA_SINK': 'fakesink sync=true',
    'VO_MEDIA_RING_SINK': 'fakesink sync=true',
}


# -- /proc ------------------------------------------------------------------
def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class CpuWindow:
    """CPU % of one core of some processes between start() and stop()."""

    def __init__(self, pids):
        self.pids = {k: v for k, v in pids.items() if v}
        self.t0 = time.monotonic()
        self.c0 = {k: cpu_seconds(p) for k, p in self.pids.items()}

    def stop(self):
        dt = time.monotonic() - self.t0
        return {k: 100.0 * (cpu_seconds(p) - self.c0[k]) / dt for k, p in self.pids.items()}


def pump_for(seconds):
    """Sleep, dispatching D-Bus signals meanwhile (nothing queues up)."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    tick = GLib.timeout_add(100, lambda: True)
    try:
        while time.monotonic() < deadline:
            ctx.iteration(True)
    finally:
        GLib.source_remove(tick)


# -- vo-daemon ------------------------------------------------------------------
class VoCaller:
    """vo-daemon alice (calls_support.Party: own bus, signed in at kamailio),
    media through a private PipeWire (or stand-ins), timed over D-Bus."""

    name = 'vo-daemon'

    def __init__(self, h, kam, pw):
        self.h, self.kam, self.pw = h, kam, pw
        media = {} if pw is not None else dict(STANDIN_MEDIA)
        env = pw.env_vars() if pw is not None else {}
        self.party = Party(h, kam, 'alice', PASSWORDS['alice'], media=media, env=env,
                           conf={'media': {'codecs': CODECS[0]}})
        self.daemon = self.party.daemon
        self.daemon.verbose = False          # no debug logging while measured
        self.conn = connect(self.party.bus.address)
        self.ctx = GLib.MainContext.default()
        self.states = {}                     # path -> [(t, state)]
        self.ended = {}                      # path -> (t, reason)
        self._subs = [
            self.conn.signal_subscribe(None, 'org.freedesktop.DBus.Properties',
                                       'PropertiesChanged', None, CALL,
                                       Gio.DBusSignalFlags.NONE, self._on_props, None),
            self.conn.signal_subscribe(None, CALL, 'Ended', None, None,
                                       Gio.DBusSignalFlags.NONE, self._on_ended, None),
        ]
        self.codec = None

    @property
    def pid(self):
        return self.daemon.pid

    def describe(self):
        media = ('pipewiresrc/pipewiresink on a private PipeWire, 440 Hz into its mic'
                 if self.pw is not None else
                 f'STAND-INS: {STANDIN_MEDIA["VO_MEDIA_SOURCE"]!r} -> '
                 f'{STANDIN_MEDIA["VO_MEDIA_SINK"]!r} (no PipeWire)')
        return f'{daemon_version()} ({daemon_path()}), alice@{DOMAIN}; media: {media}'

    def close(self):
        close_connection(self.conn, self._subs)
        self._subs = []

    def _on_props(self, conn, sender, path, iface, member, params, data):
        _iface, changed, _inv = params.unpack()
        if 'State' in changed:
            self.states.setdefault(path, []).append((time.monotonic(), changed['State']))

    def _on_ended(self, conn, sender, path, iface, member, params, data):
        self.ended[path] = (time.monotonic(), params.unpack()[0])

    def _iterate_until(self, pred, timeout, what):
        tick = GLib.timeout_add(20, lambda: True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                r = pred()
                if r:
                    return r
                if not self.daemon.running:
                    raise BenchError(f'vo-daemon exited ({self.daemon.proc.returncode}) '
                                     f'waiting for {what}' + log_tail(self.daemon.log))
                if time.monotonic() > deadline:
                    raise BenchError(f'vo-daemon: no {what} after {timeout:.0f} s'
                                     + log_tail(self.daemon.log))
                self.ctx.iteration(True)
        finally:
            GLib.source_remove(tick)

    def use_codec(self, codec):
        """(Re)start the daemon offering only codec; it signs in by itself."""
        self.daemon.stop()
        self.daemon.write_conf({'media': {'codecs': codec}})
        self.daemon.start(wait=True)
        self.party.client.wait_registration('registered', timeout=STEP_TIMEOUT)
        self.kam.wait_contacts('alice', present=True, timeout=5)
        self.codec = codec

    def dial(self):
        """Dial the peer; returns (path, seconds from Dial to active)."""
        result = {}

        def done(conn, res, _data):
            try:
                result['path'] = conn.call_finish(res).unpack()[0]
            except GLib.Error as e:
                result['error'] = e.message

        t0 = time.monotonic()
        self.conn.call(BUS_NAME, OBJECT_PATH, CALLS, 'Dial',
                       GLib.Variant('(sa{sv})', (PEER_URI, {})), GLib.VariantType.new('(o)'),
                       Gio.DBusCallFlags.NONE, int(STEP_TIMEOUT * 1000), None, done, None)

        def active():
            if 'error' in result:
                raise BenchError(f'Dial failed: {result["error"]}')
            path = result.get('path')
            if path is None:
                return None
            for t, state in self.states.get(path, []):
                if state == 'active':
                    return path, t
                if state == 'ended':
                    deadline = time.monotonic() + 1.0
                    while path not in self.ended and time.monotonic() < deadline:
                        self.ctx.iteration(True)
                    raise BenchError(f'call ended before it was active '
                                     f'({self.ended.get(path, (0, "?"))[1]})')
            return None
        path, t = self._iterate_until(active, STEP_TIMEOUT, 'active call')
        return path, t - t0

    def hangup(self, path):
        try:
            self.conn.call_sync(BUS_NAME, path, CALL, 'Hangup', None, None,
                                Gio.DBusCallFlags.NONE, int(STEP_TIMEOUT * 1000), None)
        except GLib.Error as e:
            raise BenchError(f'Hangup failed: {e.message}') from None
        self._iterate_until(lambda: path in self.ended, STEP_TIMEOUT, 'Ended signal')
        self.states.pop(path, None)
        self.ended.pop(path, None)

    def check_alive(self, path):
        self.pump()
        if path in self.ended:
            raise BenchError(f'the call ended by itself ({self.ended[path][1]})')

    def call_codec(self, path):
        (v,) = self.conn.call_sync(BUS_NAME, path, 'org.freedesktop.DBus.Properties', 'Get',
                                   GLib.Variant('(ss)', (CALL, 'Codec')), None,
                                   Gio.DBusCallFlags.NONE, 5000, None).unpack()
        return v

    def pump(self):
        while self.ctx.pending():
            self.ctx.iteration(False)

    def extra_pids(self):
        return {'pipewire': self.pw.proc.pid} if self.pw is not None else {}

    def stop(self):
        self.close()
        self.daemon.stop()


# -- baresip --------------------------------------------------------------------
class QuietBaresip(BaresipPeer):
    """A baresip caller: aufile source, no player, no sndfile dumps (the peer
    records; this one only encodes and decodes)."""
    MODULES = ('g711.so', 'aufile.so', 'menu.so', 'ctrl_tcp.so')


class BaresipCaller:
    name = 'baresip'

    def __init__(self, h, kam):
        self.h, self.kam = h, kam
        self.ua = None
        self.codec = None

    @property
    def pid(self):
        return self.ua.ua.pid

    def describe(self):
        return (f'baresip {baresip.version()}, carol@{DOMAIN}; media: aufile source '
                f'(8 kHz WAV, 440 Hz), no audio player (decodes, plays nowhere)')

    def use_codec(self, codec):
        if self.ua is not None:
            self.ua.stop()
            self.h.peers.remove(self.ua)
            self.kam.wait_contacts('carol', present=False, timeout=5)
        self.ua = QuietBaresip(self.h.workdir, self.kam, 'carol', PASSWORDS['carol'],
                               name=f'baresip-carol-{codec}', tone=CALLER_TONE,
                               codecs=BARESIP_CODEC[codec], modules=('opus.so',),
                               tone_seconds=90)
        self.h.peers.append(self.ua)
        self.ua.start()
        self.codec = codec

    def dial(self):
        """Dial the peer; the time until baresip's "Call established" line on
        its terminal (a pty, read by a thread that timestamps each line).
        Its CALL_ESTABLISHED event on ctrl_tcp is not used for the time: it
        often waits ~40 ms behind the dial command's reply (Nagle + delayed ACK)."""
        since = self.ua.mark()
        line0 = len(self.ua.ua.lines)
        t0 = time.monotonic()
        try:
            self.ua.dial(PEER_URI)
            _, ev = self.ua.wait_event(('CALL_ESTABLISHED', 'CALL_CLOSED'), STEP_TIMEOUT, since,
                                       match=lambda e: e.get('direction') == 'outgoing'
                                       or e.get('type') == 'CALL_CLOSED')
        except (PeerError, TimeoutError) as e:
            raise BenchError(f'baresip dial: {e}') from None
        if ev.get('type') != 'CALL_ESTABLISHED':
            raise BenchError(f'baresip call closed before it was established: '
                             f'{ev.get("param")}')
        deadline = time.monotonic() + 2.0
        while True:
            for t, line in self.ua.ua.lines[line0:]:
                if 'Call established' in line:
                    return since, t - t0
            if time.monotonic() > deadline:
                raise BenchError('baresip: CALL_ESTABLISHED but no "Call established" line')
            time.sleep(0.005)

    def hangup(self, since):
        try:
            self.ua.hangup()
            self.ua.wait_closed(STEP_TIMEOUT, since=since)
        except (PeerError, TimeoutError) as e:
            raise BenchError(f'baresip hangup: {e}') from None

    def check_alive(self, since):
        if 'CALL_CLOSED' in [e.get('type') for _, e in list(self.ua.events)[since:]]:
            raise BenchError('the baresip call ended by itself')

    def call_codec(self, since):
        """The encoder baresip set up for the call, from its log."""
        import re
        for _, line in reversed(list(self.ua.ua.lines)):
            m = re.search(r'[Ss]et audio encoder:\s*(\S+)', line)
            if m:
                return m.group(1)
        return '?'

    def pump(self):
        pass

    def extra_pids(self):
        return {}

    def stop(self):
        if self.ua is not None:
            self.ua.stop()


# -- measurements -----------------------------------------------------------
def peer_heard(peer):
    """Analysis of the newest received-audio dump of the peer (written by
    its sndfile module; complete once the call ended there)."""
    f = peer.received_audio()
    if f is None:
        return None
    try:
        return audio.analyze(f)
    except Exception as e:  # noqa: BLE001 - wave.Error, ValueError, OSError
        return f'{os.path.basename(f)}: {e}'


def one_call(ua):
    handle, dt = ua.dial()
    ua.hangup(handle)
    return dt


def measure_codec(ua, codec, peer, res, args, first):
    """Start ua offering codec; idle, first call, timed calls, long call."""
    who = ua.name
    ua.use_codec(codec)
    time.sleep(0.5)
    win = CpuWindow({'ua': ua.pid, **ua.extra_pids()})
    pump_for(args.idle)
    idle = win.stop()
    rss_idle = rss_kib(ua.pid)
    if first:
        res.add(who, 'rss_idle', rss_idle)
    res.add(who, f'cpu_idle_{codec}', idle['ua'])
    if 'pipewire' in idle:
        res.add(who, f'pw_idle_{codec}', idle['pipewire'])
    say(f'  {who:<10} {codec:<5} idle: VmRSS {rss_idle} KiB, CPU {idle["ua"]:.2f} %'
        + (f' (PipeWire server {idle["pipewire"]:.2f} %)' if 'pipewire' in idle else ''))

    dt = one_call(ua)
    res.add(who, f'dial_first_{codec}', ms(dt))
    say(f'  {who:<10} {codec:<5} first call: Dial -> active {ms(dt):6.1f} ms')
    times = []
    for _ in range(args.calls):
        times.append(ms(one_call(ua)))
    for t in times:
        res.add(who, f'dial_{codec}', t)
    say(f'  {who:<10} {codec:<5} {args.calls} calls: Dial -> active (ms) '
        + ' '.join(f'{t:.1f}' for t in times))

    # The long call.
    handle, dt = ua.dial()
    try:
        got = ua.call_codec(handle)
        if got.lower() != codec.lower():
            raise BenchError(f'{who} call negotiated {got}, wanted {codec}')
        pump_for(SETTLE)
        pids = {'ua': ua.pid, 'peer': peer.ua.pid, **ua.extra_pids()}
        win = CpuWindow(pids)
        pump_for(args.cpu_seconds)
        cpu = win.stop()
        ua.check_alive(handle)
        rss_call = rss_kib(ua.pid)
    except BaseException:
        try:
            ua.hangup(handle)
        except BenchError:
            pass
        raise
    ua.hangup(handle)
    pump_for(AFTER_END)
    rss_after = rss_kib(ua.pid)
    heard = peer_heard(peer)
    res.add(who, f'cpu_{codec}', cpu['ua'])
    if 'pipewire' in cpu:
        res.add(who, f'pw_{codec}', cpu['pipewire'])
    res.add(who, f'rss_call_{codec}', rss_call)
    res.add(who, f'rss_after_{codec}', rss_after)
    say(f'  {who:<10} {codec:<5} {args.cpu_seconds:g} s call (codec {got}): CPU '
        f'{cpu["ua"]:.2f} %' + (f', PipeWire server {cpu["pipewire"]:.2f} %'
                                if 'pipewire' in cpu else '')
        + f', peer baresip {cpu["peer"]:.2f} %; VmRSS during {rss_call} KiB, '
        f'{AFTER_END:g} s after the end {rss_after} KiB')
    if not hasattr(heard, 'hz') or heard.hz is None or abs(heard.hz - CALLER_TONE) > 10 \
            or heard.active_seconds < args.cpu_seconds / 2:
        raise BenchError(f'{who} {codec}: the peer did not receive the caller\'s '
                         f'{CALLER_TONE} Hz tone for the long call: {heard}')
    say(f'  {who:<10} {codec:<5} peer received {heard.hz:.0f} Hz for '
        f'{heard.active_seconds:.1f} s')


def measure_short_calls(ua, res, args):
    who = ua.name
    marks = {}
    times = []
    t_start = time.monotonic()
    for i in range(1, args.short_calls + 1):
        times.append(ms(one_call(ua)))
        if i % 10 == 0 or i == args.short_calls:
            ua.pump()
            marks[i] = rss_kib(ua.pid)
    elapsed = time.monotonic() - t_start
    first = 10 if 10 in marks else min(marks)
    res.add(who, 'rss_call10', marks[first])
    res.add(who, 'rss_call100', marks[args.short_calls])
    res.add(who, 'rss_growth', marks[args.short_calls] - marks[first])
    if args.short_calls > first:
        res.add(who, 'rss_per_call',
                (marks[args.short_calls] - marks[first]) / (args.short_calls - first))
    for t in times:
        res.add(who, 'dial_short', t)
    say(f'  {who:<10} {ua.codec:<5} {args.short_calls} short calls in {elapsed:.1f} s; '
        f'VmRSS (KiB) after call ' + ', '.join(f'{k}: {v}' for k, v in sorted(marks.items())))
    say(f'  {who:<10} {ua.codec:<5} {args.short_calls} short calls: Dial -> active median '
        f'{statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f})')


def measure(ua, peer, res, args, failures):
    for i, codec in enumerate(CODECS):
        try:
            measure_codec(ua, codec, peer, res, args, first=(i == 0))
            if i == 0 and args.short_calls:
                measure_short_calls(ua, res, args)
        except (BenchError, PeerError, TimeoutError) as e:
            failures.append(f'{ua.name} {codec}: {e}')
            say(f'  {ua.name:<10} {codec:<5} FAILED: {e}')


# -- output ------------------------------------------------------------------------
def print_table(res, args, media_note):
    rows = [
        ('idle RSS before any call (KiB)', 'rss_idle', '{:.0f}'),
        ('Dial → active, first call (ms)', 'dial_first_PCMU', '{:.1f}'),
        (f'Dial → active, PCMU, {args.calls} calls (ms)', 'dial_PCMU', '{:.1f}'),
        (f'Dial → active, opus, {args.calls} calls (ms)', 'dial_opus', '{:.1f}'),
        (f'Dial → active, {args.short_calls} short calls (ms)', 'dial_short', '{:.1f}'),
        (f'CPU % idle, registered ({args.idle:g} s)', 'cpu_idle_PCMU', '{:.2f}'),
        (f'CPU % during PCMU call ({args.cpu_seconds:g} s)', 'cpu_PCMU', '{:.2f}'),
        (f'CPU % during opus call ({args.cpu_seconds:g} s)', 'cpu_opus', '{:.2f}'),
        ('  + PipeWire server, idle', 'pw_idle_PCMU', '{:.2f}'),
        ('  + PipeWire server, PCMU call', 'pw_PCMU', '{:.2f}'),
        ('  + PipeWire server, opus call', 'pw_opus', '{:.2f}'),
        ('RSS during PCMU call (KiB)', 'rss_call_PCMU', '{:.0f}'),
        ('RSS after PCMU call ended (KiB)', 'rss_after_PCMU', '{:.0f}'),
        ('RSS during opus call (KiB)', 'rss_call_opus', '{:.0f}'),
        ('RSS after opus call ended (KiB)', 'rss_after_opus', '{:.0f}'),
        ('RSS after short call 10 (KiB)', 'rss_call10', '{:.0f}'),
        (f'RSS after short call {args.short_calls} (KiB)', 'rss_call100', '{:.0f}'),
        (f'RSS growth, call 10 → {args.short_calls} (KiB)', 'rss_growth', '{:+.0f}'),
        ('  per call (KiB)', 'rss_per_call', '{:+.1f}'),
    ]
    w0, w = 40, 24
    say('\nvo-daemon vs baresip calling the same auto-answering baresip, same kamailio, '
        'same run\n(median (min-max) where several calls were timed):\n')
    say(f'{"":<{w0}}{"vo-daemon":>{w}}{"baresip":>{w}}')
    for title, key, fmt in rows:
        vo = summary(res.get('vo-daemon', key), fmt)
        ba = summary(res.get('baresip', key), fmt)
        say(f'{title:<{w0}}{vo:>{w}}{ba:>{w}}')
    say(f'\nDial → active: vo-daemon from the Calls1.Dial call until Call1.State = active\n'
        f'  (PropertiesChanged); baresip from its `dial` command (ctrl_tcp) until its\n'
        f'  "Call established" line (CALL_ESTABLISHED).\n'
        f'  The first call of a fresh process is not in the medians (vo-daemon starts\n'
        f'  GStreamer on its first call). Short calls use PCMU: dial, active, hang up.\n'
        f'CPU %: of one core, utime+stime of the process (all threads) over '
        f'{args.cpu_seconds:g} s of an\n  active call, {SETTLE:g} s after it became active. '
        f'RSS: VmRSS; "after" {AFTER_END:g} s after the end.\n'
        f'Media: vo-daemon {media_note};\n  baresip reads an 8 kHz WAV and has no '
        f'audio player, so neither capture nor playback\n  cost is in its numbers.')


# -- main ------------------------------------------------------------------------
def run(args):
    status = unready(('kamailio', 'kamcmd', 'baresip', 'dbus-daemon'))
    if status is not None:
        return status
    want_pw = os.environ.get('VO_BENCH_MEDIA', 'pipewire') != 'standin'
    if want_pw and (shutil.which('pipewire') is None or shutil.which('wireplumber') is None):
        say('bench: SKIP: pipewire/wireplumber not installed (VO_BENCH_MEDIA=standin runs '
            'with GStreamer stand-ins)')
        return 77

    res = Results()
    failures = []
    h = Harness()
    media_note = '?'
    t_begin = time.monotonic()
    try:
        kam = h.start_kamailio(users=PASSWORDS, domains=(DOMAIN,))
        peer = h.start_baresip(kam, 'peer', PASSWORDS['peer'], tone=PEER_TONE,
                               codecs=f'{BARESIP_CODEC["opus"]},PCMU,PCMA',
                               modules=('opus.so',),
                               tone_seconds=max(60, int(args.cpu_seconds * 2)))
        pw = None
        if want_pw:
            try:
                pw = h.start_pipewire()
                tone = audio.TonePlayer(pw, CALLER_TONE, amplitude=0.3)
                h.peers.append(tone)
                media_note = ('through its real pipewiresrc/pipewiresink into a private '
                              'PipeWire (null devices, 440 Hz played into the mic); the '
                              'PipeWire server is a separate process (own rows)')
            except Exception as e:  # noqa: BLE001 - fall back, and say so
                say(f'bench: PipeWire did not start ({e}); using GStreamer stand-ins')
                pw = None
        if pw is None:
            media_note = (f'with GStreamer STAND-INS, not PipeWire: '
                          f'{STANDIN_MEDIA["VO_MEDIA_SOURCE"]!r} -> '
                          f'{STANDIN_MEDIA["VO_MEDIA_SINK"]!r}')
        vo = VoCaller(h, kam, pw)
        bare = BaresipCaller(h, kam)

        say(f'bench: calls to an auto-answering baresip ({PEER_URI}, {PEER_TONE} Hz WAV); '
            f'{args.calls} timed calls + 1 first call per codec, {args.cpu_seconds:g} s CPU '
            f'window, {args.short_calls} short calls; kamailio {kam.hostport}; '
            f'{os.cpu_count()} CPUs, {platform.machine()}, kernel {platform.release()}, '
            f'load average {os.getloadavg()[0]:.2f}')
        say(f'bench: {vo.describe()}')
        say(f'bench: {bare.describe()}')
        say(f'bench: work folder {h.workdir}')

        for ua in (vo, bare):
            measure(ua, peer, res, args, failures)
            ua.stop()
    except Exception as e:  # noqa: BLE001 - reported, then exit 1
        failures.append(f'{type(e).__name__}: {e}')
        traceback.print_exc()
    finally:
        try:
            check_daemon_logs(h, failures)
        except Exception as e:  # noqa: BLE001
            failures.append(f'log check: {e}')
        try:
            h.close(failed=bool(failures))
        except Exception as e:  # noqa: BLE001
            failures.append(f'teardown: {e}')
        stop_extra_buses(h)

    print_table(res, args, media_note)
    say(f'\nbench: {time.monotonic() - t_begin:.0f} s in all; load average at the end '
        f'{os.getloadavg()[0]:.2f} (other work on the machine skews every figure)')
    return report(failures, h.workdir)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--calls', type=int, default=int(os.environ.get('VO_BENCH_CALLS', '10')))
    ap.add_argument('--cpu-seconds', type=float,
                    default=float(os.environ.get('VO_BENCH_CPU_SECONDS', '30')))
    ap.add_argument('--short-calls', type=int,
                    default=int(os.environ.get('VO_BENCH_SHORT_CALLS', '100')))
    ap.add_argument('--idle', type=float, default=float(os.environ.get('VO_BENCH_IDLE', '3')),
                    help='seconds of the idle CPU window after start (RSS after it)')
    args = ap.parse_args()
    if args.calls < 1 or args.cpu_seconds <= 0 or args.short_calls < 0:
        ap.error('--calls must be >= 1, --cpu-seconds > 0, --short-calls >= 0')
    sys.exit(run(args))


if __name__ == '__main__':
    main()
