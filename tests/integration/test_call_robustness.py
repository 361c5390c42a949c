"""Every call ends: unanswered incoming calls time out, Hangup ends the call
at once even when the peer is silent, a dead peer is noticed, SignOut ends
the calls, bad dial targets never leave a call behind, and a call whose
audio cannot start says so (issue 7, faults 4, 9, 10, 11, 12, 14)."""

import os
import signal

import pytest

from calls_support import (CALL, ERR, DBusCallError, call_kam as kam,  # noqa: F401
                           connect, parties)
from vo_harness import util


def wait_history(party, count):
    util.wait_until(lambda: len(party.history()) >= count, util.scaled(10), interval=0.1,
                    what=f'{party.user}: {count} history entries')
    return party.history()


# -- fault 14: URI headers in dial targets ------------------------------------

@pytest.mark.parametrize('target', [
    'sip:bob@vo.test?X-Injected=dial',
    'sip:bob@vo.test?Route=%3Csip:evil.example%3E',
    'sips:bob@vo.test;transport=tls?Subject=hi',
])
def test_dial_target_with_uri_headers_is_refused(parties, target):
    alice = parties('alice')
    with pytest.raises(DBusCallError) as e:
        alice.dial(target)
    assert e.value.name == ERR.InvalidArgument
    assert 'header' in e.value.message
    assert alice.call_paths() == []


# -- fault 9: incoming calls end without an answer ----------------------------

def test_unanswered_incoming_call_times_out(parties):
    alice = parties('alice')
    bob = parties('bob', conf={'calls': {'no-answer-timeout': '2'}})
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    assert bob.wait_ended(b_path, timeout=8) == 'no-answer'
    # The caller hears why: 480, which it records as no answer too.
    assert alice.wait_ended(a_path, timeout=8) == 'no-answer'
    util.wait_until(lambda: bob.call_paths() == [], util.scaled(5), interval=0.05,
                    what='bob has no call objects left')
    (entry,) = wait_history(bob, 1)
    assert entry['reason'] == 'no-answer'


def test_cancelled_incoming_calls_all_end(parties):
    alice = parties('alice')
    bob = parties('bob')
    for _ in range(4):
        a_path = alice.dial('bob')
        bob.wait_incoming(since=0)
        alice.wait_state(a_path, 'ringing')
        alice.call_method(a_path, 'Hangup')
        alice.wait_ended(a_path)
    util.wait_until(lambda: bob.call_paths() == [], util.scaled(10), interval=0.05,
                    what='every cancelled call gone from bob')
    assert len(wait_history(bob, 4)) == 4


# -- fault 10: Hangup ends the call at once -----------------------------------

def test_hangup_with_silent_peer_ends_at_once(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, _ = connect(alice, bob)
    os.kill(bob.daemon.pid, signal.SIGSTOP)   # bob's side stops answering
    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path, timeout=3) == 'local'
    util.wait_until(lambda: a_path not in alice.call_paths(), util.scaled(3), interval=0.05,
                    what='the call object gone at once')
    (entry,) = wait_history(alice, 1)
    assert entry['reason'] == 'local'
    assert entry['duration'] <= 5
    os.kill(bob.daemon.pid, signal.SIGCONT)


def test_hangup_of_call_put_on_hold_by_call_waiting(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    a_bob, b_path = connect(alice, bob)
    c_path = carol.dial('alice')
    util.wait_until(lambda: len(alice.call_paths()) == 2, util.scaled(10), interval=0.05,
                    what="carol's call at alice")
    (a_carol,) = [p for p in alice.call_paths() if p != a_bob]
    alice.call_method(a_carol, 'Answer')      # bob's call goes on hold
    alice.wait_state(a_bob, 'held')
    carol.wait_state(c_path, 'active')
    alice.call_method(a_bob, 'Hangup')
    assert alice.wait_ended(a_bob, timeout=3) == 'local'
    assert bob.wait_ended(b_path) == 'remote'
    assert alice.prop(a_carol, 'State') == 'active'
    alice.call_method(a_carol, 'Hangup')
    assert carol.wait_ended(c_path) == 'remote'


# -- fault 12: SignOut ends the calls ------------------------------------------

def test_sign_out_during_call_ends_it(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, b_path = connect(alice, bob)
    alice.client.sign_out()
    assert alice.wait_ended(a_path, timeout=5) == 'local'
    assert bob.wait_ended(b_path, timeout=10) == 'remote'   # the BYE went out
    assert alice.call_paths() == []
    (entry,) = wait_history(alice, 1)
    assert entry['reason'] == 'local'


# -- fault 11: dead peer -------------------------------------------------------

def test_dead_peer_ends_call_as_network(parties):
    alice = parties('alice', conf={'media': {'rtp-timeout': '3'}})
    bob = parties('bob')
    a_path, _ = connect(alice, bob)
    bob.daemon.kill()
    assert alice.wait_ended(a_path, timeout=10) == 'network'
    (entry,) = wait_history(alice, 1)
    assert entry['reason'] == 'network'


def test_held_call_is_not_taken_for_a_dead_peer(parties):
    quick = {'media': {'rtp-timeout': '3'}}
    alice, bob = parties('alice', conf=quick), parties('bob', conf=quick)
    a_path, b_path = connect(alice, bob)
    alice.call_method(a_path, 'Hold')
    alice.wait_state(a_path, 'held')
    bob.wait_prop(b_path, 'RemoteHeld', True)
    # Neither side sends audio now; over twice the timeout nobody hangs up.
    with pytest.raises(TimeoutError):
        alice.wait_signal('Ended', timeout=7)
    alice.call_method(a_path, 'Resume')
    alice.wait_state(a_path, 'active')
    bob.wait_prop(b_path, 'RemoteHeld', False)
    # The silence while held does not count against the resumed call.
    with pytest.raises(TimeoutError):
        alice.wait_signal('Ended', timeout=6)
    assert bob.signals('Ended') == []


# -- fault 4: a call without audio says so --------------------------------------

def test_call_without_audio_reports_media_error(h, parties):
    from vo_harness.voctl import VoCtl
    quick = {'media': {'rtp-timeout': '3'}}
    alice = parties('alice', conf=quick)
    # The real PipeWire elements, and no PipeWire running.
    bob = parties('bob', media={}, conf=quick)
    a_path, b_path = connect(alice, bob)
    bob.wait_prop(b_path, 'State', 'active')
    util.wait_until(lambda: bob.prop(b_path, 'MediaError') != '', util.scaled(10),
                    interval=0.05, what='bob: MediaError set')
    assert alice.prop(a_path, 'MediaError') == ''
    # bob still sends (silent) RTP: neither side takes the other for dead.
    with pytest.raises(TimeoutError):
        alice.wait_signal('Ended', timeout=6)
    assert bob.signals('Ended') == []
    # The call goes on: a re-INVITE (hold) is still answered.
    alice.call_method(a_path, 'Hold')
    alice.wait_state(a_path, 'held')
    bob.wait_prop(b_path, 'RemoteHeld', True)
    assert bob.prop(b_path, 'State') == 'active'
    out = VoCtl(bob.bus.address, h.workdir).run('calls')
    assert 'no-audio' in out.stdout, out.stdout
    bob.call_method(b_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'local'
    assert alice.wait_ended(a_path) == 'remote'
