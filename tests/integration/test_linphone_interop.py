"""Interop with Linphone 5.1 (Debian's linphone-daemon) as bob, registered at
the harness kamailio, against vo-daemon alice: calls both ways with DTMF,
IM both ways with delivery receipts (Linphone sends its receipt as a bare
message/imdn+xml with Content-Encoding: deflate)."""

import pytest

from calls_support import PASSWORDS, call_kam as kam, parties  # noqa: F401
from test_messages import received, send, wait_received, wait_status
from vo_harness import util
from vo_harness.client import pump

@pytest.fixture
def alice(parties):
    return parties('alice')


@pytest.fixture
def bob(h, kam):
    return h.start_linphone(kam, 'bob', PASSWORDS['bob'])


def test_im_to_linphone_reaches_delivered(alice, bob):
    _, mid = send(alice, 'bob', 'hello linphone')
    bob.wait_message('hello linphone')
    wait_status(alice, mid, 'delivered')


def test_im_from_linphone_arrives(alice, bob):
    bob.message('sip:alice@vo.test', 'hello vo-daemon')
    wait_received(alice, 'hello vo-daemon')


def dtmf_at_alice(alice, path):
    pump()
    return ''.join(args[0] for _, args in alice.signals('DtmfReceived', path))


def test_alice_calls_linphone_with_dtmf_both_ways(alice, bob):
    path = alice.dial('bob')
    alice.wait_state(path, 'active')
    bob.wait_call_state('StreamsRunning')
    alice.call_method(path, 'SendDtmf', '1#', signature='(s)')
    util.wait_until(lambda: bob.dtmf_received() == '1#', util.scaled(10),
                    what='DTMF 1# at linphone')
    # Linphone drops a digit asked for while the last one is still being
    # sent: the next goes once alice has the one before.
    for sent in ('2', '27'):
        bob.send_dtmf(sent[-1])
        util.wait_until(lambda: dtmf_at_alice(alice, path) == sent, util.scaled(10),
                        what=f'DTMF {sent} at alice')
    alice.call_method(path, 'Hangup')
    assert alice.wait_ended(path)
    bob.wait_call_state('Released')


def test_linphone_calls_alice(alice, bob):
    bob.dial('sip:alice@vo.test')
    path = alice.wait_incoming()
    alice.call_method(path, 'Answer')
    alice.wait_state(path, 'active')
    bob.wait_call_state('StreamsRunning')
    bob.hangup()
    assert alice.wait_ended(path)


def test_alice_holds_and_resumes_linphone(alice, bob):
    path = alice.dial('bob')
    alice.wait_state(path, 'active')
    bob.wait_call_state('StreamsRunning')
    since = bob.mark()
    alice.call_method(path, 'Hold')   # returns once Linphone has answered
    assert alice.prop(path, 'State') == 'held' and alice.prop(path, 'Held') is True
    bob.wait_call_state('PausedByRemote', since=since)
    since = bob.mark()
    alice.call_method(path, 'Resume')
    assert alice.prop(path, 'State') == 'active' and alice.prop(path, 'Held') is False
    bob.wait_call_state('StreamsRunning', since=since)
    alice.call_method(path, 'Hangup')
    assert alice.wait_ended(path)
