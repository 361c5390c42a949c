"""Call audio end to end: two vo-daemons, each with its own private PipeWire
(null mic/speaker/ring nodes), calling each other through kamailio.

A tone played into alice's mic must come out of bob's speaker at the same
frequency and the other way round, for every codec; mute, hold, the ring tone
on RingOutput and switching AudioOutput during a call are checked by what
the speaker/ring nodes actually play."""

import math
import time

import pytest

from calls_support import (Party, connect, heard, silent, stop_extra_buses, stop_parties,
                           tone_ok, wait_pw_linked, wait_pw_unlinked)
from vo_harness import MIC, RING, SPEAKER, audio, util

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
A_TONE, B_TONE = 440, 660
TOLERANCE = 5.0
# audio.TonePlayer's default amplitude 0.5: a sine of RMS 0.5/sqrt(2).
TONE_RMS = 0.5 / math.sqrt(2)
# A second output device, created at run time in alice's PipeWire.
HEADSET = 'vo_test_headset'


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS)


@pytest.fixture
def parties(h, kam):
    """make('alice', codecs='PCMU') -> a Party on its own private PipeWire
    (party.pw), offering only that codec when one is given."""
    made = []

    def make(user, codecs=None, **kw):
        pw = h.start_pipewire()
        conf = {'media': {'codecs': codecs}} if codecs else None
        party = Party(h, kam, user, PASSWORDS[user], conf=conf, media={},
                      env=pw.env_vars(), **kw)
        party.pw = pw
        made.append(party)
        return party
    yield make
    bad = stop_parties(made)
    stop_extra_buses(h)
    assert not bad, bad


def wait_audio_links(party, output=SPEAKER):
    """The daemon's capture stream reads the mic and its playback stream
    feeds `output` in the party's PipeWire."""
    wait_pw_linked(party.pw, MIC, 'vo-daemon-capture')
    wait_pw_linked(party.pw, 'vo-daemon-playback', output)


def record(party, node=SPEAKER, seconds=1.5):
    return audio.analyze(audio.record(party.pw, node, seconds))


def until_silent(party, node=SPEAKER, seconds=1.0, timeout=5.0):
    """Record until a whole recording is silent (the jitter buffer drains
    after a change); returns the last Analysis."""
    deadline = time.monotonic() + util.scaled(timeout)
    while True:
        a = record(party, node, seconds)
        if silent(a) or time.monotonic() > deadline:
            return a


def add_sink(pw, name):
    """A null Audio/Sink created in a running PipeWire (lingers after pw-cli exits)."""
    pw.run('pw-cli', 'create-node', 'adapter',
           f'{{ factory.name=support.null-audio-sink node.name={name} '
           f'node.description="{name}" media.class=Audio/Sink object.linger=true '
           'audio.rate=48000 audio.channels=1 audio.position=[MONO] '
           'monitor.channel-volumes=true }')
    pw.wait_node(name)


@pytest.mark.parametrize('codec', ['opus', 'G722', 'PCMU', 'PCMA'])
def test_tones_both_ways(parties, codec):
    alice = parties('alice', codecs=codec)
    bob = parties('bob', codecs=codec)
    with audio.TonePlayer(alice.pw, A_TONE), audio.TonePlayer(bob.pw, B_TONE):
        a_path, b_path = connect(alice, bob)
        assert alice.prop(a_path, 'Codec') == codec
        assert bob.prop(b_path, 'Codec') == codec
        wait_audio_links(alice)
        wait_audio_links(bob)
        at_bob = heard(bob, A_TONE)
        at_alice = heard(alice, B_TONE)
    assert tone_ok(at_bob, A_TONE), f'{codec}: bob heard {at_bob}, expected {A_TONE} Hz'
    assert tone_ok(at_alice, B_TONE), f'{codec}: alice heard {at_alice}, expected {B_TONE} Hz'
    # ... and at the level it was played (a 0.5 sine: RMS 0.354), within 2 dB.
    for who, a in (('bob', at_bob), ('alice', at_alice)):
        db = 20 * math.log10(a.rms / TONE_RMS)
        assert abs(db) <= 2.0, f'{codec}: {who} heard the tone {db:+.1f} dB off: {a}'
    alice.call_method(a_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'remote'


def test_mute_output_switch_and_hold(parties):
    """Mute, then AudioOutput switched during the call, then hold (last: hold
    is the one part that needs a re-INVITE)."""
    alice, bob = parties('alice'), parties('bob')
    add_sink(alice.pw, HEADSET)
    with audio.TonePlayer(alice.pw, A_TONE), audio.TonePlayer(bob.pw, B_TONE):
        a_path, b_path = connect(alice, bob)
        wait_audio_links(alice)
        wait_audio_links(bob)
        a = heard(bob, A_TONE)
        assert tone_ok(a, A_TONE), f'before mute bob heard {a}'

        # Mute: bob hears nothing of alice; alice still hears bob.
        alice.set_prop(a_path, 'Muted', True, 'b')
        assert alice.prop(a_path, 'Muted') is True
        a = until_silent(bob)
        assert silent(a), f'alice is muted but bob hears {a}'
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'muted alice should still hear bob: {a}'
        alice.set_prop(a_path, 'Muted', False, 'b')
        assert alice.prop(a_path, 'Muted') is False
        a = heard(bob, A_TONE)
        assert tone_ok(a, A_TONE), f'after unmute bob heard {a}'

        # AudioOutput switched during the call: bob's voice moves from the
        # speaker to the headset, and back.
        alice.set_setting('AudioOutput', HEADSET)
        wait_pw_linked(alice.pw, 'vo-daemon-playback', HEADSET)
        wait_pw_unlinked(alice.pw, 'vo-daemon-playback', SPEAKER)
        a = heard(alice, B_TONE, node=HEADSET)
        assert tone_ok(a, B_TONE), f'AudioOutput={HEADSET}: the headset played {a}'
        a = until_silent(alice, SPEAKER)
        assert silent(a), f'AudioOutput={HEADSET}: the speaker still plays {a}'
        alice.set_setting('AudioOutput', '')
        wait_pw_linked(alice.pw, 'vo-daemon-playback', SPEAKER)
        wait_pw_unlinked(alice.pw, 'vo-daemon-playback', HEADSET)
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'AudioOutput back to default: the speaker played {a}'
        a = until_silent(alice, HEADSET)
        assert silent(a), f'AudioOutput back to default: the headset still plays {a}'

        # Hold: no audio either way; resume brings both back.
        alice.call_method(a_path, 'Hold')
        alice.wait_state(a_path, 'held')
        bob.wait_prop(b_path, 'RemoteHeld', True)
        a = until_silent(bob)
        assert silent(a), f'alice holds the call but bob hears {a}'
        a = until_silent(alice)
        assert silent(a), f'alice holds the call but hears bob: {a}'
        alice.call_method(a_path, 'Resume')
        alice.wait_state(a_path, 'active')
        bob.wait_prop(b_path, 'RemoteHeld', False)
        a = heard(bob, A_TONE)
        assert tone_ok(a, A_TONE), f'after resume bob heard {a}'
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'after resume alice heard {a}'
    assert alice.prop(a_path, 'State') == 'active'
    bob.call_method(b_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'remote'


def test_ring_tone_on_ring_output(parties):
    alice, bob = parties('alice'), parties('bob')
    bob.set_setting('RingOutput', RING)
    ring = audio.Recorder(bob.pw, RING)
    speaker = audio.Recorder(bob.pw, SPEAKER)
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    alice.wait_state(a_path, 'ringing')
    # The cadence starts with 1.5 s of tone.
    time.sleep(util.scaled(2.0))
    ringing, speaker_while_ringing = audio.analyze(ring.stop()), \
        audio.analyze(speaker.stop())
    assert bob.prop(b_path, 'State') == 'incoming'
    assert ringing.active_seconds >= 0.5 and ringing.rms >= 0.01, \
        f'bob\'s ring output was silent while the call rang: {ringing}'
    assert ringing.hz is not None and \
        min(abs(ringing.hz - f) for f in (659.26, 880.0)) <= TOLERANCE, ringing
    assert silent(speaker_while_ringing), \
        f'the ring tone must go to RingOutput only; the speaker played {speaker_while_ringing}'

    bob.call_method(b_path, 'Answer')
    bob.wait_state(b_path, 'active')
    alice.wait_state(a_path, 'active')
    wait_pw_unlinked(bob.pw, 'vo-daemon-ringer', RING, timeout=5)
    after = record(bob, RING, 2.0)
    assert silent(after), f'still ringing after the answer: {after}'
    alice.call_method(a_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'remote'


@pytest.mark.parametrize('switches', [1, 2, 5])
def test_sigterm_during_output_switch_exits(parties, switches):
    """SIGTERM while the call's playback device is being swapped (the swap
    waits for the pad to go idle in rtpbin's thread): the daemon tears the
    call's media down and exits 0 within the harness's stop timeout instead
    of hanging (systemd would SIGKILL it after 90 s)."""
    alice, bob = parties('alice'), parties('bob')
    add_sink(alice.pw, HEADSET)
    with audio.TonePlayer(alice.pw, A_TONE), audio.TonePlayer(bob.pw, B_TONE):
        connect(alice, bob)
        wait_audio_links(alice)
        for i in range(switches):
            alice.set_setting('AudioOutput', HEADSET if i % 2 == 0 else '')
        started = time.monotonic()
        rc = alice.daemon.stop(timeout=10.0)
        took = time.monotonic() - started
    assert rc == 0, f'vo-daemon exited with {rc} (took {took:.1f} s) when stopped with ' \
        f'SIGTERM mid-switch:\n{util.tail(alice.daemon.log, 80)}'
