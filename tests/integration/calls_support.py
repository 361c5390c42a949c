"""Parties for call tests: one vo-daemon per person, each on its own private
session bus, all registered at one kamailio."""

import os
import signal
import sqlite3
import time

import pytest
from gi.repository import GLib

from vo_harness import ERR, SPEAKER, DBusCallError, audio  # noqa: F401 - re-exported
from vo_harness.bus import DBusDaemon
from vo_harness.client import SETTINGS, VoClient, pump
from vo_harness.daemon import VoDaemon
from vo_harness import util

DOMAIN = 'vo.test'
CALLS = 'org.virtualoffice.Calls1'
CALL = 'org.virtualoffice.Call1'
HISTORY = 'org.virtualoffice.History1'

# Signalling tests need no sound card: a silent live source and a sink that
# drops everything keep the real RTP path running without PipeWire.
SILENT_MEDIA = {
    'VO_MEDIA_SOURCE': 'audiotestsrc is-live=true wave=silence',
    'VO_MEDIA_SINK': 'fakesink sync=false',
    'VO_MEDIA_RING_SINK': 'fakesink sync=false',
}


class Party:
    """alice, bob, carol: a daemon on its own bus, signed in at kamailio."""

    def __init__(self, h, kam, user, password, sip=None, conf=None, media=None, env=None,
                 srtp=None, sign_in=None, service=None):
        """srtp: [media] srtp for this daemon (off, optional, mandatory); None
        leaves the daemon's default (optional on UDP/TCP, mandatory on TLS).
        sign_in: other SignIn options, e.g. a TLS registrar (test_tls.py).
        service: a vo_harness.service.Service: sign in there with only the
        user name and password (it provisions the SIP account)."""
        self.h = h
        self.user = user
        self.uri = f'sip:{user}@{DOMAIN}'
        self.bus = DBusDaemon(os.path.join(h.workdir, f'bus-{user}'), 'session').start()
        h.extra_buses = getattr(h, 'extra_buses', [])
        h.extra_buses.append(self.bus)
        extra_env = dict(SILENT_MEDIA if media is None else media)
        extra_env.update(env or {})
        conf_sip = {'register-expires': '600'}
        conf_sip.update(sip or {})
        self.daemon = VoDaemon(h.workdir, self.bus.address, h.system_bus.address,
                               sip=conf_sip, name=f'daemon-{user}', extra_env=extra_env)
        if conf:
            self.daemon.write_conf(conf)
        if srtp is not None:
            self.daemon.write_conf({'media': {'srtp': srtp}})
        if service is not None:
            self.daemon.write_conf({'service': {'ca-file': service.ca_file, 'retry-max': '2',
                                                'timeout': '5'}})
        h.daemons.append(self.daemon)
        self.daemon.start(wait=True)
        self.client = VoClient(self.bus.address)
        h.clients.append(self.client)
        if service is not None:
            options = {'service': service.url, **(sign_in or {})}
        else:
            options = {'registrar': kam.hostport, 'domain': DOMAIN, **(sign_in or {})}
        self.client.sign_in(user, password, **options)
        kam.wait_contacts(user, present=True, timeout=5)

    # -- calls ----------------------------------------------------------
    def dial(self, target):
        (path,) = self.client.call_raw(CALLS, 'Dial', GLib.Variant('(sa{sv})', (target, {})))
        return path

    def call_method(self, path, method, *args, signature='', timeout=30.0):
        params = GLib.Variant(signature, tuple(args)) if signature else None
        return self.client.call_raw(CALL, method, params, path=path, timeout=timeout)

    def prop(self, path, name):
        (value,) = self.client.call_raw('org.freedesktop.DBus.Properties', 'Get',
                                        GLib.Variant('(ss)', (CALL, name)), path=path)
        return value

    def wait_state(self, path, state, timeout=10.0):
        util.wait_until(lambda: self._state_or_none(path) == state, util.scaled(timeout),
                        interval=0.05, what=f'{self.user}: {path} in state {state}')

    def _state_or_none(self, path):
        try:
            return self.prop(path, 'State')
        except DBusCallError:
            return None

    def mark(self):
        """A race-free since= for signals (VoClient.mark)."""
        return self.client.mark()

    def signals(self, member, path=None, since=0.0):
        return [(p, args) for (t, p, i, m, args) in self.client.signals
                if m == member and (path is None or p == path) and t >= since]

    def wait_signal(self, member, path=None, timeout=10.0, since=0.0):
        found = []

        def check():
            pump()
            found[:] = self.signals(member, path, since)
            return bool(found)
        util.wait_until(check, util.scaled(timeout), interval=0.05,
                        what=f'{self.user}: signal {member} on {path or "any path"}')
        return found[0]

    def wait_incoming(self, timeout=10.0, since=0.0):
        _, (path,) = self.wait_signal('Incoming', timeout=timeout, since=since)
        return path

    def wait_ended(self, path, timeout=10.0):
        _, (reason,) = self.wait_signal('Ended', path=path, timeout=timeout)
        return reason

    def call_paths(self):
        objects = self.client.managed_objects()
        return sorted(p for p, ifaces in objects.items() if CALL in ifaces)

    def history(self, **filters):
        variant = GLib.Variant('(a{sv})', ({k: v for k, v in filters.items()},))
        (entries,) = self.client.call_raw(HISTORY, 'List', variant)
        return entries

    def set_prop(self, path, name, value, signature):
        """Set a writable Call1 property (e.g. Muted, 'b')."""
        self.client.call_raw('org.freedesktop.DBus.Properties', 'Set',
                             GLib.Variant('(ssv)', (CALL, name, GLib.Variant(signature, value))),
                             path=path)

    def set_setting(self, name, value, signature='s'):
        """Set a Settings1 property (AudioInput, AudioOutput, RingOutput...)."""
        self.client.set(SETTINGS, name, GLib.Variant(signature, value))

    def wait_prop(self, path, name, expected, timeout=10.0):
        """Wait until a Call1 property of path equals expected."""
        last = []

        def check():
            pump()
            try:
                last[:] = [self.prop(path, name)]
            except DBusCallError:
                return False
            return last[0] == expected
        try:
            util.wait_until(check, util.scaled(timeout), interval=0.05,
                            what=f'{self.user}: {path} {name} == {expected!r}')
        except TimeoutError as e:
            raise TimeoutError(f'{e} (last value {last[0] if last else "unreadable"!r})') \
                from None


PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw', 'carol': 'carol-pw'}


# Fixtures for call tests; a test module takes them with
# `from calls_support import call_kam as kam, parties`.
@pytest.fixture
def call_kam(h):
    """kamailio with alice, bob and carol (PASSWORDS); logs every request."""
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG',))


@pytest.fixture
def parties(h, kam):
    """parties('alice', **Party options) -> a signed-in Party; all stopped at teardown."""
    made = []

    def make(user, **kw):
        made.append(Party(h, kam, user, PASSWORDS[user], **kw))
        return made[-1]
    yield make
    # A peer a test froze (SIGSTOP) must be able to exit at teardown.
    for party in made:
        if party.daemon.running:
            os.kill(party.daemon.pid, signal.SIGCONT)
    stop_extra_buses(h)


def connect(alice, bob):
    """alice calls bob and bob answers; returns (alice's path, bob's path)."""
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    alice.wait_state(a_path, 'ringing')
    bob.call_method(b_path, 'Answer')
    alice.wait_state(a_path, 'active')
    bob.wait_state(b_path, 'active')
    return a_path, b_path


# -- what a party hears (PipeWire parties: party.pw) ------------------------------
TONE_TOLERANCE_HZ = 5.0


def tone_ok(a, freq):
    """The Analysis is freq (within 5 Hz), audible, for at least 0.5 s."""
    return (a is not None and a.hz is not None and abs(a.hz - freq) <= TONE_TOLERANCE_HZ
            and a.rms >= 0.01 and a.active_seconds >= 0.5)


def silent(a):
    """Nothing audible beyond codec noise: no sample above -40 dBFS."""
    return a.peak < 0.01


def heard(party, freq, node=SPEAKER, seconds=1.5, tries=3):
    """Record node (once the daemon plays into it) until it plays freq: the
    jitter buffer and a fresh stream take a moment. The last Analysis."""
    wait_pw_linked(party.pw, 'vo-daemon-playback', node)
    for _ in range(tries):
        a = audio.analyze(audio.record(party.pw, node, seconds))
        if tone_ok(a, freq):
            break
    return a


def db_rows(party, sql, *args):
    """Rows of the party's database (read-only, next to the running daemon)."""
    path = os.path.join(party.daemon.data_dir, 'vo.db')
    con = sqlite3.connect(f'file:{path}?mode=ro', uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def stop_extra_buses(h):
    for bus in getattr(h, 'extra_buses', []):
        try:
            bus.stop()
        except Exception:  # noqa: BLE001 - teardown goes on
            pass


def now():
    return time.monotonic()


# -- PipeWire graph reads that tolerate a changing graph ------------------------
def pw_objects(pw):
    """pw-dump's objects (PipeWire.dump() reads every array pw-dump prints)."""
    return pw.dump()


def pw_linked(pw, out_node, in_node):
    """PipeWire.linked() on a tolerant dump."""
    return [lk for lk in pw.links(pw_objects(pw))
            if (lk['output_node'] or '').startswith(out_node)
            and (lk['input_node'] or '').startswith(in_node)]


def wait_pw_linked(pw, out_node, in_node, timeout=10.0):
    return util.wait_until(lambda: pw_linked(pw, out_node, in_node), util.scaled(timeout),
                           interval=0.1, what=f'a PipeWire link {out_node} -> {in_node}')


def wait_pw_unlinked(pw, out_node, in_node, timeout=10.0):
    return util.wait_until(lambda: not pw_linked(pw, out_node, in_node), util.scaled(timeout),
                           interval=0.1, what=f'no PipeWire link {out_node} -> {in_node}')


def stop_parties(parties):
    """Stop the parties' daemons before their buses go (a daemon losing its
    bus first may hang in shutdown); returns complaints like the h fixture's
    (a non-zero exit on SIGTERM)."""
    bad = []
    for p in parties:
        running = p.daemon.running
        rc = p.daemon.stop()
        if running and rc != 0:
            bad.append(f'{p.user}: vo-daemon exited with {rc} when stopped with SIGTERM')
    return bad
