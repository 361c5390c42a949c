"""SDES-SRTP (RFC 4568) for call audio: two vo-daemons encrypt by default
([media] srtp = optional on UDP), the packets on the wire do not carry the
tone in clear (and do with srtp = off, so the check can fail), audio still
arrives both ways; interop with baresip's srtp module both ways; a
mandatory side and a peer without SRTP end cleanly with encryption-refused.

The wire check captures loopback with an AF_PACKET socket (the tests run as
root, as the harness does for kamailio and PipeWire)."""

import json
import re
import select
import socket
import struct
import time

import numpy as np
import pytest

from calls_support import (Party, connect, heard, stop_extra_buses, stop_parties,
                           tone_ok, wait_pw_linked)
from vo_harness import MIC, audio, util
from vo_harness.client import pump
from vo_harness.voctl import VoCtl

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw', 'carol': 'carol-pw'}
A_TONE, B_TONE = 440, 660
# alice's microphone for the wire test: a fixed tone without PipeWire.
TONE_MEDIA = {
    'VO_MEDIA_SOURCE': f'audiotestsrc is-live=true wave=sine freq={A_TONE} volume=0.5',
    'VO_MEDIA_SINK': 'fakesink sync=false',
    'VO_MEDIA_RING_SINK': 'fakesink sync=false',
}
SILENT_MEDIA = {
    'VO_MEDIA_SOURCE': 'audiotestsrc is-live=true wave=silence',
    'VO_MEDIA_SINK': 'fakesink sync=false',
    'VO_MEDIA_RING_SINK': 'fakesink sync=false',
}
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PCMU = 0


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS)


@pytest.fixture
def parties(h, kam):
    """make('alice', srtp='off', pipewire=True, media=..., codecs='PCMU')."""
    made = []

    def make(user, srtp=None, pipewire=False, media=None, codecs=None):
        env = None
        pw = None
        if pipewire:
            pw = h.start_pipewire()
            env, media = pw.env_vars(), {}
        conf = {'media': {'codecs': codecs}} if codecs else None
        party = Party(h, kam, user, PASSWORDS[user], conf=conf, env=env, srtp=srtp,
                      media=SILENT_MEDIA if media is None else media)
        party.pw = pw
        made.append(party)
        return party
    yield make
    bad = stop_parties(made)
    stop_extra_buses(h)
    assert not bad, bad


# -- the wire ----------------------------------------------------------------------
def capture_rtp(seconds, ports):
    """{(udp source port, ssrc): [payload, ...]} of the PCMU RTP packets
    sent over loopback from `ports` during `seconds` (each packet once: the
    copy the kernel loops back as outgoing)."""
    streams = {}
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        sock.bind(('lo', 0))
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([sock], [], [], left)[0]:
                continue
            frame, addr = sock.recvfrom(65536)
            if addr[2] != PACKET_OUTGOING:
                continue
            packet = frame[14:]                      # loopback's zero Ethernet header
            if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != socket.IPPROTO_UDP:
                continue
            udp = packet[(packet[0] & 0x0f) * 4:]
            sport = struct.unpack('!H', udp[:2])[0]
            if sport not in ports:                   # another test's call
                continue
            rtp = udp[8:]
            # RTP version 2, payload type PCMU, 20 ms of samples (+ an SRTP tag)
            if len(rtp) < 12 + 160 or rtp[0] >> 6 != 2 or rtp[1] & 0x7f != PCMU:
                continue
            ssrc = struct.unpack('!I', rtp[8:12])[0]
            streams.setdefault((sport, ssrc), []).append(rtp[12:12 + 160])
    finally:
        sock.close()
    return streams


# vo-media-pipeline.c logs where each call's audio goes (debug level).
AUDIO_PORT_RE = re.compile(r'Audio \S+ to \S+ from port (\d+)')


def capture_call_rtp(*parties):
    """{(port, ssrc): payloads} of the parties' own PCMU RTP on loopback,
    about 1 s of each stream however slow the start. Only the ports their
    daemons send from count: the integration tests run in parallel, and
    another test's plain tone on loopback is not this call's."""
    def ports():
        return {int(p) for party in parties
                for p in AUDIO_PORT_RE.findall(party.daemon.log_text())}
    util.wait_until(lambda: len(ports()) >= len(parties), util.scaled(10),
                    what='each daemon to log its RTP port')
    sending = ports()
    streams = {}
    deadline = time.monotonic() + util.scaled(10)
    while time.monotonic() < deadline:
        for key, payloads in capture_rtp(1.5, sending).items():
            streams.setdefault(key, []).extend(payloads)
        if len(streams) >= 2 and all(len(p) >= 40 for p in streams.values()):
            break
    assert len(streams) >= 2, f'RTP streams from {sorted(sending)} on loopback: {list(streams)}'
    return streams


def ulaw_decode(data):
    """G.711 µ-law bytes to linear samples (ITU-T G.711)."""
    u = ~np.frombuffer(data, dtype=np.uint8)
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0f
    magnitude = ((mantissa.astype(np.int32) << 3) + 0x84) << exponent
    return np.where(sign != 0, 0x84 - magnitude, magnitude - 0x84).astype(np.float64)


def tone_in_clear(payloads, freq=A_TONE):
    """Whether the PCMU payloads, decoded as plain G.711, carry `freq`: the
    strongest bin of their spectrum near it and far above the average (an
    encrypted payload decodes to white noise)."""
    x = ulaw_decode(b''.join(payloads))
    if len(x) < 4000:
        return False
    x = x - x.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    k = int(np.argmax(spec))
    hz = k * 8000 / len(x)
    return abs(hz - freq) <= 10 and spec[k] > 50 * spec.mean()


@pytest.mark.parametrize('policy', ['optional', 'off'])
def test_wire_carries_no_plain_audio(parties, policy):
    """Default SRTP: Encrypted on both sides and alice's 440 Hz tone is not
    on the wire; with srtp = off the same capture finds it in clear."""
    srtp = None if policy == 'optional' else 'off'
    alice = parties('alice', srtp=srtp, media=TONE_MEDIA, codecs='PCMU')
    bob = parties('bob', srtp=srtp, codecs='PCMU')
    a_path, b_path = connect(alice, bob)
    encrypted = policy != 'off'
    alice.wait_prop(a_path, 'Encrypted', encrypted)
    bob.wait_prop(b_path, 'Encrypted', encrypted)
    assert alice.prop(a_path, 'Codec') == 'PCMU'

    streams = capture_call_rtp(alice, bob)
    clear = [key for key, payloads in streams.items() if tone_in_clear(payloads)]
    if encrypted:
        assert not clear, f'the tone travels in clear in {clear}'
    else:
        assert clear, 'srtp=off, yet the capture did not find the tone: the check is blind'
    alice.call_method(a_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'remote'
    # The keys (a=crypto ... inline:KEY) never reach the (verbose) logs.
    for party in (alice, bob):
        assert 'inline:' not in party.daemon.log_text(), party.user


# -- audio -------------------------------------------------------------------------
@pytest.mark.parametrize('codec', ['opus', 'PCMU'])
def test_encrypted_audio_both_ways(parties, codec):
    alice = parties('alice', pipewire=True, codecs=codec)
    bob = parties('bob', pipewire=True, codecs=codec)
    with audio.TonePlayer(alice.pw, A_TONE), audio.TonePlayer(bob.pw, B_TONE):
        a_path, b_path = connect(alice, bob)
        alice.wait_prop(a_path, 'Encrypted', True)
        bob.wait_prop(b_path, 'Encrypted', True)
        wait_pw_linked(alice.pw, MIC, 'vo-daemon-capture')
        wait_pw_linked(bob.pw, MIC, 'vo-daemon-capture')
        a = heard(bob, A_TONE)
        assert tone_ok(a, A_TONE), f'bob hears {a}'
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'alice hears {a}'
        # A re-INVITE (hold, resume) keeps the keys and the audio.
        alice.call_method(a_path, 'Hold')
        alice.wait_state(a_path, 'held')
        alice.call_method(a_path, 'Resume')
        alice.wait_state(a_path, 'active')
        assert alice.prop(a_path, 'Encrypted') and bob.prop(b_path, 'Encrypted')
        a = heard(bob, A_TONE)
        assert tone_ok(a, A_TONE), f'after resume bob hears {a}'
        # The callee's re-offer carries the one agreed crypto line.
        bob.call_method(b_path, 'Hold')
        bob.wait_state(b_path, 'held')
        bob.call_method(b_path, 'Resume')
        bob.wait_state(b_path, 'active')
        assert alice.prop(a_path, 'Encrypted') and bob.prop(b_path, 'Encrypted')
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'after bob\'s resume alice hears {a}'
        alice.call_method(a_path, 'Hangup')
        assert bob.wait_ended(b_path) == 'remote'


def newest_history(party, n):
    def enough():
        pump()
        return len(party.history()) >= n
    util.wait_until(enough, util.scaled(10), what=f'{n} entries in {party.user}\'s history')
    return party.history()


# -- policy between daemons --------------------------------------------------------
def test_mandatory_caller_and_srtp_off_callee(parties):
    """RTP/SAVP to a daemon with srtp = off: 488 before it rings, and the
    caller learns why."""
    alice = parties('alice', srtp='mandatory')
    bob = parties('bob', srtp='off')
    since = bob.mark()
    a_path = alice.dial('bob')
    assert alice.wait_ended(a_path) == 'encryption-refused'
    assert not bob.signals('Incoming', since=since)


def test_mandatory_callee_refuses_plain_offer(parties):
    alice = parties('alice', srtp='off')
    bob = parties('bob', srtp='mandatory')
    since = bob.mark()
    a_path = alice.dial('bob')
    assert alice.wait_ended(a_path) == 'failed'
    assert not bob.signals('Incoming', since=since)
    (entry,) = newest_history(bob, 1)
    assert entry['reason'] == 'encryption-refused', entry


def test_mandatory_daemons_encrypt(h, parties):
    """Both mandatory: RTP/SAVP offer and answer."""
    alice = parties('alice', srtp='mandatory')
    bob = parties('bob', srtp='mandatory')
    a_path, b_path = connect(alice, bob)
    alice.wait_prop(a_path, 'Encrypted', True)
    bob.wait_prop(b_path, 'Encrypted', True)
    # vo-ctl shows it: a flag in the table, the property in JSON.
    ctl = VoCtl(alice.bus.address, h.workdir)
    assert 'encrypted' in ctl.ok('calls')
    (call,) = json.loads(ctl.ok('calls', '--json'))
    assert call['encrypted'] is True, call
    alice.call_method(a_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'remote'


def test_peer_rekeys_then_drops_srtp(h, kam, parties):
    """A peer's re-INVITE with a new key keeps the call encrypted (our answer
    keeps the one agreed crypto line); one without a=crypto makes it plain,
    and Encrypted follows (PropertiesChanged)."""
    alice = parties('alice')
    uas = h.sipp('uas_srtp_rekey', register=(kam, 'carol', PASSWORDS['carol']),
                 duration_ms=int(util.scaled(1500)))
    since = alice.mark()
    a_path = alice.dial('carol')
    alice.wait_state(a_path, 'active')
    alice.wait_prop(a_path, 'Encrypted', True)
    alice.wait_prop(a_path, 'Encrypted', False)
    assert alice.wait_ended(a_path) == 'remote'
    assert uas.wait() == 0, uas.failure()
    changes = [args[1]['Encrypted'] for _, args in alice.signals('PropertiesChanged', a_path,
                                                                 since=since)
               if 'Encrypted' in args[1]]
    assert changes == [True, False], changes
    # Both answers to the re-INVITEs carry exactly our one agreed line.
    replies = [r for r in uas.received(r'SIP/2\.0 200')
               if re.search(r'(?m)^CSeq: \d+ INVITE', r)]
    assert len(replies) == 2, (len(replies), [r[:300] for r in replies])
    for reply in replies:
        assert reply.count('a=crypto:') == 1 and 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 ' in reply


# -- baresip -----------------------------------------------------------------------
def baresip(h, kam, srtp):
    """baresip bob sending 660 Hz; srtp: None (no srtp module), 'srtp'
    (best effort, RTP/AVP) or 'srtp-mand' (RTP/SAVP)."""
    kw = {'modules': ('srtp.so',), 'account_params': f';mediaenc={srtp}'} if srtp else {}
    return h.start_baresip(kam, 'bob', PASSWORDS['bob'], tone=B_TONE, **kw)


def bob_heard(bob, freq):
    """What baresip decoded during the (closed) call carries freq."""
    path = util.wait_until(bob.received_audio, util.scaled(5), what='baresip\'s received audio')
    a = audio.analyze(path)
    assert tone_ok(a, freq), f'baresip received {a}, expected {freq} Hz'


@pytest.mark.parametrize('mode', ['srtp', 'srtp-mand'])
def test_baresip_srtp_called(h, kam, parties, mode):
    # baresip's srtp-mand takes only RTP/SAVP offers: alice's mandatory ones.
    alice = parties('alice', pipewire=True, srtp='mandatory' if mode == 'srtp-mand' else None)
    bob = baresip(h, kam, mode)
    with audio.TonePlayer(alice.pw, A_TONE):
        a_path = alice.dial(bob.uri)
        alice.wait_state(a_path, 'active')
        alice.wait_prop(a_path, 'Encrypted', True)
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'alice hears {a}'
        alice.call_method(a_path, 'Hangup')
        bob.wait_closed()
    bob_heard(bob, A_TONE)


@pytest.mark.parametrize('mode', ['srtp', 'srtp-mand'])
def test_baresip_srtp_calls(h, kam, parties, mode):
    alice = parties('alice', pipewire=True)
    bob = baresip(h, kam, mode)
    with audio.TonePlayer(alice.pw, A_TONE):
        since = alice.mark()
        bob.dial(alice.uri)
        a_path = alice.wait_incoming(since=since)
        alice.call_method(a_path, 'Answer')
        alice.wait_state(a_path, 'active')
        alice.wait_prop(a_path, 'Encrypted', True)
        a = heard(alice, B_TONE)
        assert tone_ok(a, B_TONE), f'alice hears {a}'
        alice.call_method(a_path, 'Hangup')
        bob.wait_closed()
    bob_heard(bob, A_TONE)


def test_mandatory_vs_plain_baresip_calling_out(h, kam, parties):
    alice = parties('alice', srtp='mandatory')
    bob = baresip(h, kam, None)
    a_path = alice.dial(bob.uri)
    assert alice.wait_ended(a_path, timeout=15) == 'encryption-refused'


def test_mandatory_vs_plain_baresip_calling_in(h, kam, parties):
    alice = parties('alice', srtp='mandatory')
    bob = baresip(h, kam, None)
    since = alice.mark()
    mark = bob.mark()
    bob.dial(alice.uri)
    closed = bob.wait_closed(since=mark)
    assert '488' in str(closed.get('param')) and 'SRTP' in str(closed.get('param')), closed
    assert not alice.signals('Incoming', since=since)
    (entry,) = newest_history(alice, 1)
    assert entry['reason'] == 'encryption-refused', entry
