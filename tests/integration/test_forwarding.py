"""Call forwarding (F6) and the data-network policy for calls (F3, F4),
between real vo-daemons through kamailio."""

import time

import pytest
from gi.repository import GLib

from calls_support import ERR, DBusCallError, Party, stop_extra_buses
from test_calls import connect, pytest_wait

FORWARDING = 'org.virtualoffice.Forwarding1'
SETTINGS = 'org.virtualoffice.Settings1'
MOBILE = '0612345678'
PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw', 'carol': 'carol-pw', 'dave': 'dave-pw',
             MOBILE: 'mobile-pw'}


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG',))


@pytest.fixture
def parties(h, kam):
    def make(user, **kw):
        return Party(h, kam, user, PASSWORDS[user], **kw)
    yield make
    stop_extra_buses(h)


def set_rule(party, condition, enabled, target, timeout=0):
    party.client.call_raw(FORWARDING, 'SetRule',
                          GLib.Variant('(sbsu)', (condition, enabled, target, timeout)))


def rules(party):
    return {r['condition']: r for r in party.client.get(FORWARDING, 'Rules')}


def test_always_forwards_to_carol(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    set_rule(bob, 'always', True, 'carol')
    assert rules(bob)['always']['enabled'] is True
    assert rules(bob)['always']['target'].startswith('sip:carol@')
    assert rules(bob)['always']['applied-by'] == 'daemon'

    a_path = alice.dial('bob')
    c_path = carol.wait_incoming()
    assert carol.prop(c_path, 'RemoteUri').startswith('sip:alice@')
    carol.call_method(c_path, 'Answer')
    alice.wait_state(a_path, 'active')
    # bob never saw the call ring, and has a history row: forwarded, not missed.
    assert bob.signals('Incoming') == []
    pytest_wait(lambda: len(bob.history()) == 1, 'bob has the forwarded call in his history')
    (entry,) = bob.history()
    assert entry['reason'] == 'forwarded' and entry['missed'] is False
    alice.call_method(a_path, 'Hangup')


def test_busy_forwards_while_in_a_call(parties):
    alice, bob, carol, dave = (parties('alice'), parties('bob'), parties('carol'),
                               parties('dave'))
    set_rule(bob, 'busy', True, 'dave')
    connect(alice, bob)
    c_path = carol.dial('bob')
    d_path = dave.wait_incoming()
    dave.call_method(d_path, 'Answer')
    carol.wait_state(c_path, 'active')
    assert len(bob.signals('Incoming')) == 1  # only alice's call rang at bob


def test_no_answer_forwards_after_the_timeout(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    set_rule(bob, 'no-answer', True, 'carol', 5)
    start = time.monotonic()
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    c_path = carol.wait_incoming(timeout=15)
    assert time.monotonic() - start >= 4.5
    assert bob.wait_ended(b_path) == 'forwarded'
    carol.call_method(c_path, 'Answer')
    alice.wait_state(a_path, 'active')


def test_rules_survive_restart_and_unreachable_needs_the_service(parties):
    bob = parties('bob')
    set_rule(bob, 'no-answer', True, '201', 30)
    set_rule(bob, 'unreachable', True, '+31 20 123 4567')
    before = rules(bob)
    assert before['unreachable']['applied-by'] == 'none'
    assert 'service' in before['unreachable']['note']
    bob.daemon.restart()
    bob.client.wait_registration('registered', timeout=15)
    after = rules(bob)
    assert after == before
    assert after['no-answer']['timeout'] == 30
    # Switching off keeps the target for next time.
    set_rule(bob, 'no-answer', False, '')
    assert rules(bob)['no-answer']['enabled'] is False
    assert rules(bob)['no-answer']['target'] == before['no-answer']['target']


def test_bad_rules_are_refused(parties):
    bob = parties('bob')
    before = rules(bob)
    for args in [('sometimes', True, 'carol', 0), ('always', True, '', 0),
                 ('always', True, 'not a target!', 0), ('no-answer', True, 'carol', 2),
                 ('no-answer', True, 'carol', 100000), ('busy', False, 'x y', 0)]:
        with pytest.raises(DBusCallError) as e:
            set_rule(bob, *args)
        assert e.value.name == ERR.InvalidArgument, (args, e.value)
        assert e.value.message
    assert rules(bob) == before
    assert bob.daemon.running


def test_network_policy_for_calls(h, parties):
    nm = h.start_network_manager('wifi')
    alice = parties('alice')
    bob = parties('bob')
    mobile = parties(MOBILE)
    pytest_wait(lambda: bob.client.get(SETTINGS, 'NetworkType') == 'wifi', 'bob on wifi')

    nm.set_connection('cellular')
    pytest_wait(lambda: bob.client.get(SETTINGS, 'CallsAllowed') is False,
                'calls not allowed on cellular')
    # Dialling over mobile data is refused with a message naming the setting.
    with pytest.raises(DBusCallError) as e:
        bob.dial('alice')
    assert e.value.name == ERR.NetworkPolicy and 'AllowCellularData' in e.value.message
    # Incoming calls are not taken over data: 480 for the caller (all parties
    # share the mock NetworkManager, so alice and the mobile are "on wifi" only
    # in spirit; they dial after enabling data for themselves).
    for p in (alice, mobile):
        p.client.set(SETTINGS, 'AllowCellularData', GLib.Variant('b', True))
    a_path = alice.dial('bob')
    assert alice.wait_ended(a_path) == 'no-answer'   # 480 Temporarily Unavailable
    assert bob.signals('Incoming') == []
    pytest_wait(lambda: len(bob.history()) == 1, 'the refused call is in bob\'s history')
    assert bob.history()[0]['missed'] is True

    # With the cellular voice fallback, calls go to the mobile number instead.
    bob.client.set(SETTINGS, 'MobileNumber', GLib.Variant('s', MOBILE))
    bob.client.set(SETTINGS, 'CellularVoiceFallback', GLib.Variant('b', True))
    a_path = alice.dial('bob')
    m_path = mobile.wait_incoming()
    mobile.call_method(m_path, 'Answer')
    alice.wait_state(a_path, 'active')
    alice.call_method(a_path, 'Hangup')
    alice.wait_ended(a_path)

    # Allowing mobile data takes calls again, live.
    bob.client.set(SETTINGS, 'AllowCellularData', GLib.Variant('b', True))
    pytest_wait(lambda: bob.client.get(SETTINGS, 'CallsAllowed') is True, 'calls allowed')
    connect(alice, bob)

    # And back on wifi without the setting, calls are allowed too.
    bob.client.set(SETTINGS, 'AllowCellularData', GLib.Variant('b', False))
    nm.set_connection('wifi')
    pytest_wait(lambda: bob.client.get(SETTINGS, 'CallsAllowed') is True, 'wifi allows calls')


def test_voctl_forwarding(h, parties):
    bob = parties('bob')
    env = dict(__import__('os').environ, DBUS_SESSION_BUS_ADDRESS=bob.bus.address)
    import subprocess
    from vo_harness import voctl as voctl_mod

    def run(*args):
        return subprocess.run([voctl_mod.voctl_path(), *args], env=env, capture_output=True,
                              text=True, timeout=30)
    r = run('forwarding', 'set', 'no-answer', 'carol', '--timeout', '15')
    assert r.returncode == 0, r.stderr
    r = run('forwarding')
    assert r.returncode == 0 and 'no-answer' in r.stdout and 'sip:carol@' in r.stdout, r.stdout
    assert 'after 15 s' in r.stdout
    r = run('--json', 'forwarding')
    import json
    data = {rule['condition']: rule for rule in json.loads(r.stdout)}
    assert data['no-answer']['enabled'] is True and data['no-answer']['timeout'] == 15
    r = run('forwarding', 'off', 'no-answer')
    assert r.returncode == 0, r.stderr
    assert rules(bob)['no-answer']['enabled'] is False
    r = run('forwarding', 'set', 'sometimes', 'carol')
    assert r.returncode == 1 and 'sometimes' in r.stderr and 'GDBus' not in r.stderr
    r = run('forwarding', 'set')
    assert r.returncode == 2
