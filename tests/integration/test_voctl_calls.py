"""vo-ctl's call commands (dial, calls, answer, reject, hangup, hold, resume,
mute, unmute, dtmf, transfer) and monitor's call lines, between real
vo-daemons through kamailio."""

import json
import threading
import time

import pytest

from calls_support import Party, stop_extra_buses
from vo_harness import util
from vo_harness.voctl import VoCtl

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw', 'carol': 'carol-pw'}
D_PREFIXES = ('GDBus.Error', 'org.virtualoffice.Error', 'org.freedesktop.DBus.Error')


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG',))


@pytest.fixture
def parties(h, kam):
    def make(user, **kw):
        party = Party(h, kam, user, PASSWORDS[user], **kw)
        party.ctl = VoCtl(party.bus.address, h.workdir)
        return party
    yield make
    stop_extra_buses(h)


def ctl_ok(party, *args, **kw):
    r = party.ctl.run(*args, **kw)
    assert r.returncode == 0, (f'{party.user}: vo-ctl {" ".join(map(str, args))} exited '
                               f'{r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}')
    return r.stdout


def ctl_fails(party, status, *args, words=()):
    r = party.ctl.run(*args)
    assert r.returncode == status, (f'{party.user}: vo-ctl {" ".join(map(str, args))}: '
                                    f'expected {status}, got {r.returncode}\n'
                                    f'stdout: {r.stdout}\nstderr: {r.stderr}')
    err = r.stderr.strip()
    assert err, 'no message on stderr'
    for prefix in D_PREFIXES:
        assert prefix not in err, f'D-Bus prefix in message: {err!r}'
    for w in words:
        assert w.lower() in err.lower(), f'{w!r} not in {err!r}'
    return r


def calls_json(party):
    return json.loads(ctl_ok(party, 'calls', '--json'))


def wait_for(predicate, what, timeout=10.0):
    util.wait_until(predicate, util.scaled(timeout), interval=0.1, what=what)


def number(path):
    return int(path.rsplit('/', 1)[1])


def monitor(h, party):
    m = party.ctl.monitor()
    h.monitors.append(m)   # stopped at teardown; it returns once subscribed
    return m


def dial_in_background(party, *args):
    """`vo-ctl dial ARGS` in a thread (it waits); returns (thread, result holder)."""
    result = {}

    def run():
        result['r'] = party.ctl.run('dial', *args, timeout=60)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_dial_answer_hold_dtmf_mute_hangup(h, parties):
    alice, bob = parties('alice'), parties('bob')
    mon = monitor(h, bob)

    out = ctl_ok(alice, 'dial', 'bob')
    a_path = out.strip()
    assert a_path.startswith('/org/virtualoffice/calls/'), out
    b_path = bob.wait_incoming()

    # bob's list: one incoming call from alice.
    (entry,) = calls_json(bob)
    assert entry['path'] == b_path
    assert entry['id'] == number(b_path)
    assert entry['state'] == 'incoming'
    assert entry['direction'] == 'incoming'
    assert entry['remote-uri'].startswith('sip:alice@')
    for key in ('remote-name', 'start-time', 'answer-time', 'muted', 'held', 'remote-held',
                'codec', 'end-reason'):
        assert key in entry, f'{key} missing: {entry}'
    text = ctl_ok(bob, 'calls')
    assert 'incoming' in text and 'alice' in text, text

    # No CALL: the only call.
    out = ctl_ok(bob, 'answer')
    assert 'alice' in out.lower() or str(number(b_path)) in out, out
    alice.wait_state(a_path, 'active')
    bob.wait_state(b_path, 'active')
    (entry,) = calls_json(alice)
    assert entry['state'] == 'active' and entry['direction'] == 'outgoing'
    assert entry['codec'], entry
    assert entry['answer-time'] >= entry['start-time'] > 0

    ctl_ok(alice, 'hold')
    alice.wait_state(a_path, 'held')
    wait_for(lambda: bob.prop(b_path, 'RemoteHeld') is True, 'bob sees RemoteHeld')
    assert 'remote-held' in ctl_ok(bob, 'calls')
    assert calls_json(alice)[0]['held'] is True
    ctl_fails(alice, 1, 'hold', words=('held',))           # the daemon says why
    ctl_ok(alice, 'resume', str(number(a_path)))
    alice.wait_state(a_path, 'active')
    wait_for(lambda: bob.prop(b_path, 'RemoteHeld') is False, 'bob sees RemoteHeld cleared')

    start = time.monotonic()
    ctl_ok(alice, 'dtmf', '12#')

    def digits():
        return [args[0] for _, args in bob.signals('DtmfReceived', b_path, since=start)]
    wait_for(lambda: (bob.wait_signal('DtmfReceived', b_path, since=start) and
                      len(digits()) >= 3), 'three DTMF digits at bob')
    assert digits() == ['1', '2', '#']
    ctl_fails(alice, 1, 'dtmf', '--call', a_path, 'xyz')

    ctl_ok(alice, 'mute', a_path)
    assert alice.prop(a_path, 'Muted') is True
    assert 'muted' in ctl_ok(alice, 'calls')
    ctl_ok(alice, 'unmute')
    assert alice.prop(a_path, 'Muted') is False

    ctl_ok(alice, 'hangup')
    assert alice.wait_ended(a_path) == 'local'
    assert bob.wait_ended(b_path) == 'remote'
    wait_for(lambda: 'No calls' in ctl_ok(alice, 'calls'), 'alice has no calls')
    assert calls_json(bob) == []

    # bob's monitor told the whole story, readably.
    mon.wait_line(lambda s: 'InterfacesAdded' in s and b_path in s and 'Call1' in s
                  and "State='incoming'" in s)
    mon.wait_line(lambda s: 'Calls1.Incoming' in s and s.rstrip().endswith(b_path))
    mon.wait_line(lambda s: s.endswith("Call1.DtmfReceived '#'") and b_path in s)
    mon.wait_line(lambda s: s.endswith("Call1.Ended 'remote'") and b_path in s)
    mon.wait_line(lambda s: 'InterfacesRemoved' in s and s.rstrip().endswith(f'{b_path} Call1'))


def test_dial_wait_until_answered(parties):
    alice, bob = parties('alice'), parties('bob')
    thread, result = dial_in_background(alice, 'bob', '--wait')
    b_path = bob.wait_incoming()
    alice.wait_state(alice.call_paths()[0], 'ringing')
    assert thread.is_alive(), f'dial --wait returned while the call rang: {result}'
    ctl_ok(bob, 'answer', str(number(b_path)))
    thread.join(util.scaled(20))
    r = result['r']
    assert r.returncode == 0, r
    a_path = r.stdout.strip()
    assert alice.prop(a_path, 'State') == 'active'
    ctl_ok(bob, 'hangup', b_path)
    assert alice.wait_ended(a_path) == 'remote'


def test_dial_wait_rejected_is_busy(parties):
    alice, bob = parties('alice'), parties('bob')
    thread, result = dial_in_background(alice, 'bob', '--wait')
    bob.wait_incoming()
    ctl_ok(bob, 'reject')
    thread.join(util.scaled(20))
    r = result['r']
    assert r.returncode == 1, r
    assert 'busy' in r.stderr, r
    for prefix in D_PREFIXES:
        assert prefix not in r.stderr, r


def test_dial_wait_json(parties):
    alice, bob = parties('alice'), parties('bob')
    thread, result = dial_in_background(alice, '--json', 'bob', '--wait')
    bob.wait_incoming()
    ctl_ok(bob, 'answer')
    thread.join(util.scaled(20))
    r = result['r']
    assert r.returncode == 0, r
    data = json.loads(r.stdout)
    assert data['state'] == 'active' and data['direction'] == 'outgoing', data
    ctl_ok(alice, 'hangup', str(data['id']))


def test_which_call(parties):
    alice, bob = parties('alice'), parties('bob')
    ctl_fails(bob, 1, 'answer', words=('no call',))
    ctl_fails(bob, 2, 'answer', 'bob')                   # not a call name
    first = alice.dial('bob')
    b1 = bob.wait_incoming()
    since = time.monotonic()
    second = alice.dial('bob')
    b2 = bob.wait_incoming(since=since)
    assert b1 != b2

    # Two incoming calls: answer and reject cannot choose.
    r = ctl_fails(bob, 2, 'answer', words=('incoming',))
    assert str(number(b1)) in r.stderr and str(number(b2)) in r.stderr, r.stderr
    ctl_fails(bob, 1, 'answer', '999', words=('999',))

    ctl_ok(bob, 'answer', str(number(b1)))
    bob.wait_state(b1, 'active')
    alice.wait_state(first, 'active')
    # One incoming call left: answer/reject take it though there are two calls.
    ctl_ok(bob, 'reject')
    assert bob.wait_ended(b2) == 'rejected'
    assert alice.wait_ended(second) == 'busy'

    ctl_fails(alice, 1, 'hold', '/org/virtualoffice/calls/999')
    ctl_fails(bob, 2, 'hangup', '1', '2')
    ctl_ok(bob, 'hangup')
    assert alice.wait_ended(first) == 'remote'


def test_transfer(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    ctl_ok(bob, 'answer')
    alice.wait_state(a_path, 'active')

    result = {}

    def transfer():
        result['r'] = bob.ctl.run('transfer', '--call', str(number(b_path)), 'carol', timeout=60)
    thread = threading.Thread(target=transfer, daemon=True)
    thread.start()
    c_path = carol.wait_incoming()
    ctl_ok(carol, 'answer')
    thread.join(util.scaled(30))
    assert result['r'].returncode == 0, result['r']
    assert bob.wait_ended(b_path) == 'transferred'
    carol.wait_state(c_path, 'active')
    ctl_ok(carol, 'hangup')
