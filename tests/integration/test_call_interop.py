"""Interop with foreign user agents: vo-daemon alice (on a private PipeWire)
against baresip bob (calls both ways, audio, DTMF, hold from either side)
and sipp scenarios (486, 603, 302 redirect, 183 early media, re-INVITE hold
from the remote side). Each test also checks what History1 recorded."""

import os
import time
import wave

import numpy as np
import pytest
from gi.repository import GLib

from calls_support import (CALL, Party, heard, silent, stop_extra_buses, stop_parties, tone_ok,
                           wait_pw_linked)
from vo_harness import MIC, SPEAKER, audio, util
from vo_harness.client import pump
from vo_harness.peers import SIPP_DIR

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw', 'carol': 'carol-pw'}
A_TONE, B_TONE = 440, 660
EARLY_TONE = 1000


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG',))


@pytest.fixture
def alice(h, kam):
    """vo-daemon alice on her own PipeWire, a 440 Hz tone in her mic."""
    pw = h.start_pipewire()
    made, bad = [], []
    try:
        # (Party registers its bus with h before starting the daemon, so the
        # bus is stopped below even when the daemon fails to start.)
        party = Party(h, kam, 'alice', PASSWORDS['alice'], media={}, env=pw.env_vars())
        made.append(party)
        party.pw = pw
        party.tone = audio.TonePlayer(pw, A_TONE)
        yield party
    finally:
        for p in made:
            if getattr(p, 'tone', None):
                p.tone.stop()
        bad = stop_parties(made)
        stop_extra_buses(h)
    assert not bad, bad


@pytest.fixture
def bob(h, kam):
    """baresip bob, auto-answering, sending 660 Hz."""
    return h.start_baresip(kam, 'bob', PASSWORDS['bob'], tone=B_TONE)


# -- helpers -----------------------------------------------------------------------
def alice_hears(alice, freq):
    return heard(alice, freq)


def alice_silent(alice, seconds=1.0, timeout=5.0):
    """Record alice's speaker until a whole recording is silent; the last Analysis."""
    deadline = time.monotonic() + util.scaled(timeout)
    while True:
        a = audio.analyze(audio.record(alice.pw, SPEAKER, seconds))
        if silent(a) or time.monotonic() > deadline:
            return a


def rx_mark(bob):
    """Where bob's received-audio dumps stand now: {file: bytes}."""
    return {f: os.path.getsize(f) for f in bob.received_audio_files()}


def wav_tail(path, offset, out):
    """Copy the samples of a WAV after byte `offset` into a proper WAV `out`.
    baresip's dumps are read while it writes them: their RIFF header still
    says 8 bytes, which the wave module (and audio.read_wav) refuse."""
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:4] != b'RIFF' or raw.find(b'fmt ') < 0 or raw.find(b'data') < 0:
        return None
    fmt = raw.find(b'fmt ') + 8
    channels = int.from_bytes(raw[fmt + 2:fmt + 4], 'little')
    rate = int.from_bytes(raw[fmt + 4:fmt + 8], 'little')
    width = int.from_bytes(raw[fmt + 14:fmt + 16], 'little') // 8
    body = raw[max(offset, raw.find(b'data') + 8):]
    body = body[:len(body) - len(body) % (width * channels)]
    if not body:
        return None
    with wave.open(out, 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(body)
    return out


def bob_heard_since(bob, mark):
    """Analysis of what bob received after mark (the loudest new part of any
    dump file: baresip writes one per call); None when nothing new was dumped."""
    best = None
    for i, f in enumerate(bob.received_audio_files()):
        out = os.path.join(bob.dir, f'part-{time.monotonic()}-{i}.wav')
        part = wav_tail(f, mark.get(f, 0), out)
        if part is None:
            continue
        a = audio.analyze(part)
        if best is None or a.total_rms > best.total_rms:
            best = a
    return best


def bob_hears(bob, freq, seconds=1.5, tries=3):
    a = None
    for _ in range(tries):
        mark = rx_mark(bob)
        time.sleep(seconds)
        a = bob_heard_since(bob, mark)
        if tone_ok(a, freq):
            break
    return a


def now(alice):
    """A time mark for call_states: signals already sent count as before it."""
    return alice.mark()


def call_states(alice, since):
    """Values Call1.State took in PropertiesChanged after `since`."""
    return alice.client.changes_of(CALL, 'State', since=since)


def wait_call_prop(alice, path, name, expected, timeout=10.0):
    alice.wait_prop(path, name, expected, timeout=timeout)


def newest_history(alice, n):
    def enough():
        pump()
        return len(alice.history()) >= n
    util.wait_until(enough, util.scaled(10), what=f'{n} entries in alice\'s history')
    return alice.history()


def dtmf_at_alice(alice, path, since):
    return ''.join(args[0] for _, args in alice.signals('DtmfReceived', path, since=since))


# -- baresip -------------------------------------------------------------------------
def alice_calls_bob(alice, bob):
    """alice dials baresip bob (auto-answer) and both hear each other."""
    a_path = alice.dial('bob')
    bob.wait_for_call()
    alice.wait_state(a_path, 'active')
    wait_pw_linked(alice.pw, MIC, 'vo-daemon-capture')
    a = alice_hears(alice, B_TONE)
    assert tone_ok(a, B_TONE), f'alice heard {a}, expected baresip\'s {B_TONE} Hz'
    b = bob_hears(bob, A_TONE)
    assert tone_ok(b, A_TONE), f'baresip received {b}, expected alice\'s {A_TONE} Hz'
    return a_path


def test_alice_calls_baresip_audio_and_dtmf(alice, bob):
    a_path = alice_calls_bob(alice, bob)
    assert alice.prop(a_path, 'Direction') == 'outgoing'
    assert alice.prop(a_path, 'RemoteUri').startswith('sip:bob@')
    assert alice.prop(a_path, 'Codec') in ('PCMU', 'PCMA')   # all baresip offers

    # DTMF alice -> baresip (RFC 4733).
    alice.call_method(a_path, 'SendDtmf', '123#', signature='(s)')
    util.wait_until(lambda: len(bob.dtmf_received()) >= 4, util.scaled(10),
                    what='four digits at baresip')
    assert bob.dtmf_received() == '123#'
    # DTMF baresip -> alice.
    since = alice.mark()
    bob.send_dtmf('45*9')

    def four():
        pump()
        return len(dtmf_at_alice(alice, a_path, since)) >= 4
    util.wait_until(four, util.scaled(10), what='four DtmfReceived signals at alice')
    assert dtmf_at_alice(alice, a_path, since) == '45*9'

    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    bob.wait_closed()
    (entry,) = newest_history(alice, 1)
    assert entry['direction'] == 'outgoing' and entry['reason'] == 'local'
    assert entry['remote-uri'].startswith('sip:bob@') and entry['missed'] is False
    assert entry['duration'] >= 1 and entry['answer'] > 0


def test_alice_holds_baresip(alice, bob):
    a_path = alice_calls_bob(alice, bob)
    mark = bob.mark()
    hold_since = now(alice)
    alice.call_method(a_path, 'Hold')
    alice.wait_state(a_path, 'held')
    assert alice.prop(a_path, 'Held') is True
    # baresip gets the re-INVITE (a=sendonly) and answers recvonly: nothing
    # comes to alice while held. (What alice sends while holding is checked
    # in test_call_audio.py: baresip 1.0 stops writing its received-audio
    # dump after any re-INVITE, even between two baresips, so it cannot
    # tell here.)
    bob.wait_event('CALL_REMOTE_SDP', since=mark, match=lambda e: e.get('param') == 'offer')
    a = alice_silent(alice)
    assert silent(a), f'alice holds, yet her speaker plays {a}'
    held_states = call_states(alice, hold_since)
    # SendDtmf works on a held call too (no RTP then: SIP INFO).
    before = bob.dtmf_received()
    alice.call_method(a_path, 'SendDtmf', '7', signature='(s)')
    util.wait_until(lambda: bob.dtmf_received() != before, util.scaled(5),
                    what='a DTMF digit at baresip while held')
    assert bob.dtmf_received() == before + '7'

    resume_since = now(alice)
    alice.call_method(a_path, 'Resume')
    alice.wait_state(a_path, 'active')
    assert alice.prop(a_path, 'Held') is False
    a = alice_hears(alice, B_TONE)
    assert tone_ok(a, B_TONE), f'after resume alice heard {a}'
    resumed_states = call_states(alice, resume_since)
    bob.hangup()
    assert alice.wait_ended(a_path) == 'remote'
    # Hold and Resume go straight to held / active: no state in between.
    assert (held_states, resumed_states) == (['held'], ['active'])

def test_baresip_holds_alice(alice, bob):
    a_path = alice_calls_bob(alice, bob)
    since = now(alice)
    bob.hold()
    wait_call_prop(alice, a_path, 'RemoteHeld', True)
    # alice did not hold: her call stays active, not held.
    assert alice.prop(a_path, 'State') == 'active'
    assert alice.prop(a_path, 'Held') is False
    a = alice_silent(alice)
    assert silent(a), f'baresip holds, yet alice\'s speaker plays {a}'
    bob.resume()
    wait_call_prop(alice, a_path, 'RemoteHeld', False)
    alice.mark()
    assert call_states(alice, since) == [], call_states(alice, since)
    a = alice_hears(alice, B_TONE)
    assert tone_ok(a, B_TONE), f'after baresip resumed alice heard {a}'
    # (What baresip receives cannot be measured after a re-INVITE: baresip
    # 1.0 stops writing its received-audio dump then.)
    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    bob.wait_closed()


def test_baresip_calls_alice(alice, bob):
    since = alice.mark()
    bob.dial('sip:alice@vo.test')
    a_path = alice.wait_incoming(since=since)
    assert alice.prop(a_path, 'Direction') == 'incoming'
    assert alice.prop(a_path, 'State') == 'incoming'
    assert alice.prop(a_path, 'RemoteUri').startswith('sip:bob@')
    bob.wait_event('CALL_RINGING')
    alice.call_method(a_path, 'Answer')
    alice.wait_state(a_path, 'active')
    bob.wait_established()
    assert alice.prop(a_path, 'Codec') in ('PCMU', 'PCMA')
    wait_pw_linked(alice.pw, MIC, 'vo-daemon-capture')
    a = alice_hears(alice, B_TONE)
    assert tone_ok(a, B_TONE), f'alice heard {a}, expected baresip\'s {B_TONE} Hz'
    b = bob_hears(bob, A_TONE)
    assert tone_ok(b, A_TONE), f'baresip received {b}, expected alice\'s {A_TONE} Hz'
    bob.hangup()
    assert alice.wait_ended(a_path) == 'remote'
    (entry,) = newest_history(alice, 1)
    assert entry['direction'] == 'incoming' and entry['reason'] == 'remote'
    assert entry['missed'] is False and entry['answer'] > 0
    assert entry['remote-uri'].startswith('sip:bob@')


# -- sipp ----------------------------------------------------------------------------
def carol_sipp(h, kam, scenario, **kw):
    """sipp running `scenario`, reached as carol@vo.test."""
    return h.sipp(scenario, register=(kam, 'carol', PASSWORDS['carol']), **kw)


@pytest.mark.parametrize('scenario,reason', [('uas_busy', 'busy'), ('uas_decline', 'rejected')])
def test_sipp_refuses(h, kam, alice, scenario, reason):
    uas = carol_sipp(h, kam, scenario)
    a_path = alice.dial('carol')
    assert alice.wait_ended(a_path) == reason
    assert uas.wait() == 0, uas.failure()
    (entry,) = newest_history(alice, 1)
    assert entry['direction'] == 'outgoing' and entry['reason'] == reason
    assert entry['answer'] == 0 and entry['duration'] == 0 and entry['missed'] is False
    assert entry['remote-uri'].startswith('sip:carol@')


def test_sipp_redirect_to_baresip(h, kam, alice, bob):
    uas = carol_sipp(h, kam, 'uas_redirect', keys={'redirect': 'sip:bob@vo.test'})
    a_path = alice.dial('carol')
    bob.wait_for_call()
    alice.wait_state(a_path, 'active')
    assert uas.wait() == 0, uas.failure()
    assert '302 Moved' in uas.messages()
    # alice now talks to bob, the redirect target.
    remote = alice.prop(a_path, 'RemoteUri')
    a = alice_hears(alice, B_TONE)
    assert tone_ok(a, B_TONE), f'after the redirect alice heard {a}'
    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    bob.wait_closed()
    (entry,) = newest_history(alice, 1)
    assert entry['direction'] == 'outgoing' and entry['reason'] == 'local'
    assert entry['answer'] > 0
    assert entry['remote-uri'] == remote


def ulaw_tone(path, freq, seconds=10.0, amplitude=0.3):
    """Raw G.711 mu-law (8 kHz) of a sine, for sipp's rtp_stream."""
    t = np.arange(int(8000 * seconds)) / 8000
    x = np.round(amplitude * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int32)
    sign = (x < 0).astype(np.int32) << 7
    mag = np.minimum(np.abs(x), 32635) + 0x84
    exp = np.clip(np.floor(np.log2(mag)).astype(np.int32) - 7, 0, 7)
    mant = (mag >> (exp + 3)) & 0x0F
    with open(path, 'wb') as f:
        f.write((~(sign | (exp << 4) | mant) & 0xFF).astype(np.uint8).tobytes())
    return path


def early_media_scenario(h, freq):
    """uas_early_media plus an RTP stream of a freq Hz tone (PCMU) from the
    183 on. sipp's -rtp_echo alone cannot stand in for early media: it sends
    alice's own packets back with her SSRC, and an RTP stack rightly drops
    its own looped-back packets (RFC 3550 8.2)."""
    tone = ulaw_tone(os.path.join(h.workdir, f'early-{freq}.ulaw'), freq)
    with open(os.path.join(SIPP_DIR, 'uas_early_media.xml')) as f:
        xml = f.read()
    at = xml.index('<pause/>')
    xml = (xml[:at] + f'<nop><action><exec rtp_stream="{tone},-1,0"/></action></nop>\n\n  '
           + xml[at:])
    path = os.path.join(h.workdir, 'uas_early_media_tone.xml')
    with open(path, 'w') as f:
        f.write(xml)
    return path


def test_sipp_early_media(h, kam, alice):
    # 183 with SDP, 4 s of early media (a 1 kHz tone), then 200. The early
    # part is scaled like every wait: a slow (sanitized) daemon needs longer
    # to start playing, and the test records until it hears the tone or the
    # call is answered, not a fixed number of times.
    # No -rtp_echo: alice's own packets coming back would be a second sender,
    # and whichever of the two starts last is what alice plays.
    uas = carol_sipp(h, kam, early_media_scenario(h, EARLY_TONE),
                     duration_ms=int(util.scaled(4000)), rtp_echo=False)
    a_path = alice.dial('carol')
    alice.wait_state(a_path, 'ringing')
    wait_pw_linked(alice.pw, 'vo-daemon-playback', SPEAKER, timeout=3)
    while True:
        early = audio.analyze(audio.record(alice.pw, SPEAKER, 0.8))
        still_ringing = alice.prop(a_path, 'State') == 'ringing'
        if tone_ok(early, EARLY_TONE) or not still_ringing:
            break
    assert still_ringing, f'answered before early media was heard; last recording {early}'
    assert alice.prop(a_path, 'AnswerTime') == 0
    assert tone_ok(early, EARLY_TONE), f'early media: alice heard {early}'
    alice.wait_state(a_path, 'active', timeout=10)
    assert alice.prop(a_path, 'AnswerTime') - alice.prop(a_path, 'StartTime') >= 3_500_000
    a = alice_hears(alice, EARLY_TONE)
    assert tone_ok(a, EARLY_TONE), f'after the answer alice heard {a}'
    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    assert uas.wait() == 0, uas.failure()
    assert '183 Session Progress' in uas.messages()
    (entry,) = newest_history(alice, 1)
    assert entry['direction'] == 'outgoing' and entry['reason'] == 'local'
    assert entry['answer'] > 0


INFO_SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- UAS without telephone-event: answers (PCMU only), waits for a DTMF
     INFO from the caller, sends one (Signal=5) itself, then hangs up. -->
<scenario name="uas_info_dtmf">
  <recv request="INVITE" crlf="true" rrs="true">
    <action>
      <ereg regexp="[^ ].*" search_in="hdr" header="From:" check_it="true" assign_to="remote_from"/>
      <ereg regexp="[^ ].*" search_in="hdr" header="To:" check_it="true" assign_to="local_to"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 100 Trying
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=sipp 1 1 IN IP[local_ip_type] [local_ip]
      s=sipp
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=ptime:20
      a=sendrecv

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
  <recv request="INFO"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: [$local_to];tag=[pid]SIPpTag01[call_number]
      To: [$remote_from]
      Call-ID: [call_id]
      CSeq: 1 INFO
      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=5
      Duration=160

    ]]>
  </send>
  <recv response="200"/>
  <pause/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: [$local_to];tag=[pid]SIPpTag01[call_number]
      To: [$remote_from]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <timewait milliseconds="500"/>
</scenario>
"""


def test_sipp_dtmf_by_sip_info(h, kam, alice):
    """A peer without telephone-event: DTMF goes both ways as SIP INFO
    (application/dtmf-relay)."""
    path = os.path.join(h.workdir, 'uas_info_dtmf.xml')
    with open(path, 'w') as f:
        f.write(INFO_SCENARIO)
    uas = carol_sipp(h, kam, path, duration_ms=1500)
    a_path = alice.dial('carol')
    alice.wait_state(a_path, 'active')
    since = now(alice)
    alice.call_method(a_path, 'SendDtmf', '4', signature='(s)')

    def got_five():
        pump()
        return dtmf_at_alice(alice, a_path, since)
    util.wait_until(got_five, util.scaled(5), what='the DTMF INFO from sipp as DtmfReceived')
    assert dtmf_at_alice(alice, a_path, since) == '5'
    assert alice.wait_ended(a_path) == 'remote'
    assert uas.wait() == 0, uas.failure()
    (info,) = uas.received(r'INFO ')
    assert 'application/dtmf-relay' in info and 'Signal=4' in info, info


def test_sipp_remote_hold_then_bye(h, kam, alice):
    uas = carol_sipp(h, kam, 'uas_remote_hold', duration_ms=1500)
    a_path = alice.dial('carol')
    alice.wait_state(a_path, 'active')
    since = now(alice)
    wait_call_prop(alice, a_path, 'RemoteHeld', True)
    assert alice.prop(a_path, 'State') == 'active' and alice.prop(a_path, 'Held') is False
    assert alice.wait_ended(a_path, timeout=10) == 'remote'
    assert call_states(alice, since)[-1:] == ['ended']
    assert 'dialing' not in call_states(alice, since)
    assert 'incoming' not in call_states(alice, since)
    assert uas.wait() == 0, uas.failure()
    # alice answered the hold re-INVITE with recvonly.
    replies = [r for r in uas.received(r'SIP/2\.0 200') if 'CSeq: 1 INVITE' in r]
    assert replies and 'a=recvonly' in replies[0], uas.messages()[-3000:]
    (entry,) = newest_history(alice, 1)
    assert entry['direction'] == 'outgoing' and entry['reason'] == 'remote'
    assert entry['answer'] > 0 and entry['remote-uri'].startswith('sip:carol@')


def test_history_lists_the_interop_calls(h, kam, alice, bob):
    """Several calls on one daemon: History1 lists them newest first, each with
    its direction and reason."""
    # 1: busy
    uas = carol_sipp(h, kam, 'uas_busy')
    path = alice.dial('carol')
    assert alice.wait_ended(path, timeout=30) == 'busy'
    uas.wait()
    # 2: alice calls bob (auto-answer), bob hangs up once his side is up
    mark = bob.mark()
    path = alice.dial('bob')
    alice.wait_state(path, 'active')
    bob.wait_established(since=mark)
    bob.hangup()
    assert alice.wait_ended(path) == 'remote'
    bob.wait_closed(since=mark)
    # 3: bob calls alice, she rejects. (Marks taken before the action: an
    # event that comes quickly is not missed.)
    since, mark = alice.mark(), bob.mark()
    bob.dial('sip:alice@vo.test')
    path = alice.wait_incoming(since=since)
    alice.call_method(path, 'Reject')
    assert alice.wait_ended(path) == 'rejected'
    bob.wait_closed(since=mark)
    # 4: bob calls alice and gives up: missed
    since, mark = alice.mark(), bob.mark()
    bob.dial('sip:alice@vo.test')
    path = alice.wait_incoming(since=since)
    bob.wait_event('CALL_RINGING', since=mark)
    bob.hangup()
    assert alice.wait_ended(path) == 'no-answer'
    # 5: decline
    uas = carol_sipp(h, kam, 'uas_decline')
    path = alice.dial('carol')
    # sipp answers after its scenario's pause; allow for a loaded machine.
    assert alice.wait_ended(path, timeout=30) == 'rejected'
    uas.wait()

    entries = newest_history(alice, 5)
    got = [(e['direction'], e['reason'], e['remote-uri'].split('@')[0], e['missed'])
           for e in entries]
    assert got == [
        ('outgoing', 'rejected', 'sip:carol', False),
        ('incoming', 'no-answer', 'sip:bob', True),
        ('incoming', 'rejected', 'sip:bob', False),
        ('outgoing', 'remote', 'sip:bob', False),
        ('outgoing', 'busy', 'sip:carol', False),
    ], got
    # missed: an incoming call nobody took; one the user rejected is not.
    missed = alice.history(kind=GLib.Variant('s', 'missed'))
    assert [e['id'] for e in missed] == [entries[1]['id']]
    assert alice.client.get('History1', 'UnseenMissed') == 1
    outgoing = alice.history(kind=GLib.Variant('s', 'outgoing'))
    assert [e['id'] for e in outgoing] == [entries[0]['id'], entries[3]['id'], entries[4]['id']]
