"""Calls between real vo-daemons through kamailio: signalling, states, end
reasons, hold, DTMF, transfer, call waiting and bad input."""

import time

import pytest

from calls_support import (CALL, ERR, PASSWORDS, DBusCallError, call_kam as kam,  # noqa: F401
                           parties)
from vo_harness import util


def connect(alice, bob):
    """alice calls bob, bob answers; returns (alice's path, bob's path)."""
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    alice.wait_state(a_path, 'ringing')
    assert bob.prop(b_path, 'State') == 'incoming'
    assert bob.prop(b_path, 'Direction') == 'incoming'
    assert bob.prop(b_path, 'RemoteUri').startswith('sip:alice@')
    bob.call_method(b_path, 'Answer')
    alice.wait_state(a_path, 'active')
    bob.wait_state(b_path, 'active')
    return a_path, b_path


def test_dial_answer_hangup_by_caller(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, b_path = connect(alice, bob)
    assert alice.prop(a_path, 'Direction') == 'outgoing'
    assert alice.prop(a_path, 'Codec') != ''
    assert alice.prop(a_path, 'Codec') == bob.prop(b_path, 'Codec')
    assert alice.prop(a_path, 'AnswerTime') >= alice.prop(a_path, 'StartTime') > 0

    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    assert bob.wait_ended(b_path) == 'remote'
    # Ended came first, then the object leaves the bus.
    util.wait_until(lambda: a_path not in alice.call_paths() and b_path not in bob.call_paths(),
                    util.scaled(5), interval=0.05, what='ended calls removed from the bus')


def test_hangup_by_callee(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, b_path = connect(alice, bob)
    bob.call_method(b_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'local'
    assert alice.wait_ended(a_path) == 'remote'


def test_reject_is_busy_for_the_caller(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    bob.call_method(b_path, 'Reject')
    assert bob.wait_ended(b_path) == 'rejected'
    assert alice.wait_ended(a_path) == 'busy'


def test_cancel_before_answer(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    alice.wait_state(a_path, 'ringing')
    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    assert bob.wait_ended(b_path) == 'no-answer'


def test_no_answer_timeout(parties):
    alice = parties('alice', conf={'calls': {'no-answer-timeout': 2}})
    bob = parties('bob')
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    assert alice.wait_ended(a_path, timeout=10) == 'no-answer'
    assert bob.wait_ended(b_path) == 'no-answer'


def test_hold_and_resume_seen_on_both_sides(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, b_path = connect(alice, bob)
    alice.call_method(a_path, 'Hold')
    alice.wait_state(a_path, 'held')
    assert alice.prop(a_path, 'Held') is True
    pytest_wait(lambda: bob.prop(b_path, 'RemoteHeld') is True, 'bob sees RemoteHeld')
    alice.call_method(a_path, 'Resume')
    alice.wait_state(a_path, 'active')
    pytest_wait(lambda: bob.prop(b_path, 'RemoteHeld') is False, 'bob sees RemoteHeld cleared')
    alice.call_method(a_path, 'Hangup')


def test_dtmf_digits_arrive(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, b_path = connect(alice, bob)
    start = time.monotonic()
    alice.call_method(a_path, 'SendDtmf', '123#', signature='(s)')

    def got():
        return [args[0] for _, args in bob.signals('DtmfReceived', b_path, since=start)]
    pytest_wait(lambda: len(got()) >= 4, 'four DTMF digits at bob', timeout=10)
    assert got() == ['1', '2', '3', '#']


def test_transfer_to_carol(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    a_path, b_path = connect(alice, bob)
    since = time.monotonic()
    bob.call_method(b_path, 'Transfer', 'carol', signature='(s)')
    c_path = carol.wait_incoming()
    assert carol.prop(c_path, 'RemoteUri').startswith('sip:alice@')
    carol.call_method(c_path, 'Answer')
    assert bob.wait_ended(b_path) == 'transferred'
    # alice's new call to carol is up; her call with bob is over.
    assert alice.wait_ended(a_path) == 'remote'
    pytest_wait(lambda: [p for p in alice.call_paths() if p != a_path], 'alice has a new call')
    new_path = [p for p in alice.call_paths() if p != a_path][0]
    alice.wait_state(new_path, 'active')
    carol.wait_state(c_path, 'active')
    assert since


def test_call_waiting_holds_the_first_call(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    a_path, b_path = connect(alice, bob)
    since = time.monotonic()
    c_path = carol.dial('bob')
    b2_path = bob.wait_incoming(since=since)
    assert b2_path != b_path
    bob.wait_state(b_path, 'active')  # the first call is untouched while the second rings
    bob.call_method(b2_path, 'Answer')
    bob.wait_state(b2_path, 'active')
    bob.wait_state(b_path, 'held')
    carol.wait_state(c_path, 'active')
    pytest_wait(lambda: alice.prop(a_path, 'RemoteHeld') is True, 'alice is on hold')


def test_bad_input_named_errors(parties):
    alice, bob = parties('alice'), parties('bob')
    for target in ['', '   ', 'not a number!', 'sip:', 'tel:abc', '1-2', 'x' * 300,
                   'mailto:bob@example.com']:
        with pytest.raises(DBusCallError) as e:
            alice.dial(target)
        assert e.value.name == ERR.InvalidArgument, (target, e.value)
        assert e.value.message
    with pytest.raises(DBusCallError) as e:
        alice.client.call_raw('Calls1', 'Dial', GLibVariant('(sa{sv})', ('bob', {'video': GLibVariant('b', True)})))
    assert e.value.name == ERR.InvalidArgument

    a_path, b_path = connect(alice, bob)
    for method, args, sig in [('Answer', (), ''), ('Reject', (), ''), ('Resume', (), ''),
                              ('SendDtmf', ('12x',), '(s)'), ('SendDtmf', ('',), '(s)'),
                              ('Transfer', ('not a target!',), '(s)')]:
        with pytest.raises(DBusCallError) as e:
            alice.call_method(a_path, method, *args, signature=sig)
        assert e.value.name in (ERR.InvalidState, ERR.InvalidArgument), (method, e.value)
    # The call is unharmed by all that.
    assert alice.prop(a_path, 'State') == 'active'
    assert bob.prop(b_path, 'State') == 'active'
    alice.call_method(a_path, 'Hangup')
    alice.wait_ended(a_path)
    # An ended call is gone from the bus: calling it is a named D-Bus error.
    with pytest.raises(DBusCallError) as e:
        alice.call_method(a_path, 'Hold')
    assert e.value.name.startswith('org.freedesktop.DBus.Error.'), e.value
    assert alice.daemon.running and bob.daemon.running


def test_dial_needs_registration(h, kam):
    from calls_support import SILENT_MEDIA
    d = h.daemon(extra_env=SILENT_MEDIA)
    client = h.client()
    from gi.repository import GLib
    with pytest.raises(DBusCallError) as e:
        client.call_raw('Calls1', 'Dial', GLib.Variant('(sa{sv})', ('bob', {})))
    assert e.value.name == ERR.NotRegistered
    assert d.running


def GLibVariant(sig, value):
    from gi.repository import GLib
    return GLib.Variant(sig, value)


def pytest_wait(predicate, what, timeout=10):
    from vo_harness import util
    from vo_harness.client import pump

    def check():
        pump()
        try:
            return predicate()
        except DBusCallError:
            return False
    util.wait_until(check, util.scaled(timeout), interval=0.05, what=what)


assert CALL


def test_history_records_every_call(parties):
    alice, bob = parties('alice'), parties('bob')
    # 1: answered, alice hangs up after a moment.
    a_path, b_path = connect(alice, bob)
    time.sleep(1.1)
    alice.call_method(a_path, 'Hangup')
    alice.wait_ended(a_path)
    bob.wait_ended(b_path)
    # 2: alice gives up before bob answers: a missed call for bob.
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming(since=time.monotonic() - 0.1)
    alice.wait_state(a_path, 'ringing')
    alice.call_method(a_path, 'Hangup')
    alice.wait_ended(a_path)

    def bob_history():
        return bob.history()
    pytest_wait(lambda: len(bob_history()) == 2, 'two calls in bob\'s history')
    pytest_wait(lambda: len(alice.history()) == 2, 'two calls in alice\'s history')

    newest, oldest = bob.history()
    assert newest['direction'] == 'incoming' and newest['missed'] is True
    assert newest['reason'] == 'no-answer' and newest['seen'] is False
    assert newest['answer'] == 0 and newest['duration'] == 0
    assert oldest['direction'] == 'incoming' and oldest['missed'] is False
    assert oldest['reason'] == 'remote' and oldest['duration'] >= 1
    assert oldest['remote-uri'].startswith('sip:alice@')
    assert oldest['end'] >= oldest['answer'] >= oldest['start'] > 0

    a_newest, a_oldest = alice.history()
    assert a_newest['direction'] == 'outgoing' and a_newest['reason'] == 'local'
    assert a_oldest['reason'] == 'local' and a_oldest['duration'] >= 1
    assert [e['id'] for e in alice.history(kind=GLibVariant('s', 'outgoing'))] == \
        [a_newest['id'], a_oldest['id']]

    # Missed-call count, and MarkSeen clears it.
    assert bob.client.get('History1', 'UnseenMissed') == 1
    assert [e['id'] for e in bob.history(kind=GLibVariant('s', 'missed'))] == [newest['id']]
    bob.client.call_raw('History1', 'MarkSeen', GLibVariant('(as)', ([newest['id']],)))
    pytest_wait(lambda: bob.client.get('History1', 'UnseenMissed') == 0, 'UnseenMissed is 0')

    # Rows survive a daemon restart.
    bob.daemon.restart()
    bob.client.wait_registration('registered', timeout=15)
    assert [e['id'] for e in bob.history()] == [newest['id'], oldest['id']]


def test_failed_transfer_keeps_the_call(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, b_path = connect(alice, bob)
    with pytest.raises(DBusCallError) as e:
        bob.call_method(b_path, 'Transfer', 'nobody', signature='(s)')
    assert e.value.name == ERR.Failed, e.value
    assert 'nobody' in e.value.message and 'goes on' in e.value.message, e.value.message
    # Both ends are still in the call.
    assert bob.prop(b_path, 'State') == 'active'
    assert alice.prop(a_path, 'State') == 'active'
    bob.call_method(b_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'remote'


def test_remote_name_from_display_name(h, kam, parties):
    alice = parties('alice')
    bob = parties('bob')
    # Sign alice in again with a display name: bob sees it on the incoming call.
    alice.client.sign_in('alice', PASSWORDS['alice'], registrar=kam.hostport, domain='vo.test',
                         **{'display-name': 'Alice Example'})
    alice.dial('bob')
    b_path = bob.wait_incoming()
    assert bob.prop(b_path, 'RemoteName') == 'Alice Example'
    bob.call_method(b_path, 'Reject')
