"""The media test infrastructure on its own (no vo-daemon): private PipeWire
instances with virtual devices, tone player/recorder/frequency measurement,
baresip peers calling through kamailio, and every sipp scenario against a
baresip (or sipp) counterpart. Call tests rely on all of this being right."""

import json
import os
import re
import time
import xml.etree.ElementTree as ET

import pytest

from vo_harness import MIC, RING, SPEAKER, audio, util
from vo_harness.peers import SIPP_DIR

USERS = {'alice': 'Alice-pw-1', 'bob': 'Bob-pw-2', 'carol': 'Carol-pw-3'}

# A GStreamer app standing in for vo-daemon: mic -> speaker. (Without the caps
# filter pipewiresrc ! pipewiresink negotiates ANY and never gets linked.)
LOOP_CAPS = 'audio/x-raw,rate=48000,channels=1'


def loop_app(pw, source=MIC, sink=SPEAKER, name='app'):
    argv = ['gst-launch-1.0', '-q', 'pipewiresrc']
    if source:
        argv.append(f'target-object={source}')
    argv += ['!', LOOP_CAPS, '!', 'audioconvert', '!', 'pipewiresink']
    if sink:
        argv.append(f'target-object={sink}')
    proc = pw.spawn(argv, log=os.path.join(pw.dir, f'{name}.log'))
    pw.wait_linked(source or MIC, 'gst-launch')
    pw.wait_linked('gst-launch', sink or SPEAKER)
    return proc


def measure(pw, freq, seconds=1.0, source=SPEAKER):
    """Play freq into the mic (0: nothing) and record `source` meanwhile."""
    if not freq:
        return audio.analyze(audio.record(pw, source, seconds))
    with audio.TonePlayer(pw, freq):
        return audio.analyze(audio.record(pw, source, seconds))


# -- PipeWire ------------------------------------------------------------------
def test_pipewire_devices_and_defaults(h):
    pw = h.start_pipewire()
    nodes = pw.nodes()
    assert nodes[MIC]['class'] == 'Audio/Source/Virtual'
    assert nodes[SPEAKER]['class'] == 'Audio/Sink'
    assert nodes[RING]['class'] == 'Audio/Sink'
    d = pw.defaults()
    assert d['default.audio.source'] == MIC and d['default.audio.sink'] == SPEAKER
    # private: the socket is in the test folder, the env points there only
    assert pw.socket.startswith(h.workdir) and os.path.exists(pw.socket)
    env = pw.env_vars()
    assert env['PIPEWIRE_RUNTIME_DIR'] == pw.runtime_dir
    assert h.daemon(pipewire=pw, start=False).env()['PIPEWIRE_RUNTIME_DIR'] == pw.runtime_dir


def test_pw_dump_with_several_arrays(h, monkeypatch):
    """pw-dump prints one JSON array per update when the graph changes while
    it runs (issue 7, fault 5): the harness reads them as a stream, later
    arrays updating earlier ones, {"id": N, "info": null} removing N."""
    pw = h.start_pipewire()
    real = pw.run('pw-dump', '-N')
    objects = json.loads(real)
    mic = next(o for o in objects if (o.get('info') or {}).get('props', {})
               .get('node.name') == MIC)
    ring = next(o for o in objects if (o.get('info') or {}).get('props', {})
                .get('node.name') == RING)
    update = json.loads(json.dumps(mic))
    update['info']['state'] = 'running'
    stream = (real + '\n' + json.dumps([update], indent=2) + '\n'
              + json.dumps([{'id': ring['id'], 'info': None}]) + '\n')
    run = pw.run
    monkeypatch.setattr(pw, 'run', lambda *argv, **kw:
                        stream if argv[0] == 'pw-dump' else run(*argv, **kw))
    nodes = pw.nodes()
    assert nodes[MIC]['state'] == 'running'
    assert RING not in nodes and SPEAKER in nodes


@pytest.mark.parametrize('freq', [440, 660])
def test_tone_through_app(h, freq):
    pw = h.start_pipewire()
    loop_app(pw)
    a = measure(pw, freq)
    assert a.hz is not None and abs(a.hz - freq) <= 5, a
    assert 0.2 < a.rms < 0.5 and a.active_seconds > 0.8, a


def test_silence_when_nothing_plays(h):
    pw = h.start_pipewire()
    loop_app(pw)
    a = measure(pw, 0)
    assert a.hz is None and a.total_rms < 1e-3 and a.seconds > 0.8, a
    # and the tone stops reaching the speaker once the player is gone
    with audio.TonePlayer(pw, 440):
        pass
    assert audio.is_silent(audio.record(pw, SPEAKER, 0.5))


def test_app_without_target_gets_default_devices(h):
    pw = h.start_pipewire()
    loop_app(pw, source=None, sink=None)
    assert pw.linked(MIC, 'gst-launch') and pw.linked('gst-launch', SPEAKER)
    assert not pw.linked('gst-launch', RING)
    assert abs(measure(pw, 660).hz - 660) <= 5


def test_ring_device_separate(h):
    pw = h.start_pipewire()
    loop_app(pw, sink=RING)
    with audio.TonePlayer(pw, 880):
        ring = audio.Recorder(pw, RING)
        speaker = audio.Recorder(pw, SPEAKER)
        time.sleep(1.0)
        ring_wav, speaker_wav = ring.stop(), speaker.stop()
    assert audio.is_tone(ring_wav, 880)
    assert audio.is_silent(speaker_wav)


def test_two_pipewires_do_not_interfere(h):
    pw1, pw2 = h.start_pipewire(), h.start_pipewire()
    assert pw1.runtime_dir != pw2.runtime_dir
    loop_app(pw1)
    loop_app(pw2)
    with audio.TonePlayer(pw1, 440), audio.TonePlayer(pw2, 660):
        r1, r2 = audio.Recorder(pw1, SPEAKER), audio.Recorder(pw2, SPEAKER)
        time.sleep(1.0)
        w1, w2 = r1.stop(), r2.stop()
    a1, a2 = audio.analyze(w1), audio.analyze(w2)
    assert abs(a1.hz - 440) <= 5 and abs(a2.hz - 660) <= 5, (a1, a2)
    # each graph only has its own tools
    names1 = ' '.join(pw1.nodes())
    assert all(n.split('#')[0] not in names1 for n in pw2.nodes() if n.startswith('vo_rec'))
    pw2.stop()
    assert pw1.running and abs(measure(pw1, 440, 0.5).hz - 440) <= 5


def test_analysis_of_generated_files(h):
    path = os.path.join(h.workdir, 't.wav')
    audio.write_tone(path, 1000, seconds=0.5, rate=8000, amplitude=0.25)
    hz, rms = audio.dominant_frequency(path)
    assert abs(hz - 1000) < 1 and abs(rms - 0.25 / 2 ** 0.5) < 0.01
    audio.write_tone(path, 0, seconds=0.5)
    assert audio.dominant_frequency(path) == (None, 0.0)
    prof = audio.profile(audio.write_tone(path, 300, seconds=1.0), window=0.25)
    assert len(prof) == 4 and all(abs(p[1] - 300) < 5 for p in prof)


# -- baresip through kamailio --------------------------------------------------
@pytest.fixture
def kam(h):
    return h.start_kamailio(users=USERS, defines=('WITH_DEBUG',))


def kam_requests(kam, method):
    with open(kam.log, errors='replace') as f:
        return [line for line in f if f'REQ {method} ' in line]


def test_baresip_calls_baresip(h, kam):
    alice = h.start_baresip(kam, 'alice', USERS['alice'], tone=440)
    bob = h.start_baresip(kam, 'bob', USERS['bob'], tone=660)
    alice.dial(bob.uri)
    bob.wait_for_call()
    alice.wait_established()
    bob.wait_established()
    assert alice.state == bob.state == 'established'
    time.sleep(1.0)
    alice.send_dtmf('12#', gap=0.15)
    util.wait_until(lambda: bob.dtmf_received() == '12#', 5, what='DTMF at bob')
    first_a, first_b = alice.received_audio(), bob.received_audio()
    # in-dialog re-INVITEs both ways, then the callee hangs up
    mark = alice.mark()
    alice.hold()
    bob.wait_event('CALL_REMOTE_SDP', since=0, match=lambda e: e.get('param') == 'offer')
    alice.wait_event('CALL_REMOTE_SDP', since=mark)
    alice.resume()
    time.sleep(0.3)
    bob.hangup()
    assert 'Connection reset by peer' in alice.wait_closed()['param']
    bob.wait_closed()
    # audio went both ways at the right frequency
    a, b = audio.analyze(first_a), audio.analyze(first_b)
    assert abs(a.hz - 660) <= 5 and a.active_seconds > 0.5, a
    assert abs(b.hz - 440) <= 5 and b.active_seconds > 0.5, b
    # ACK, re-INVITE and BYE were loose-routed through kamailio
    contact = re.compile(r'REQ (ACK|BYE|INVITE) sip:(alice|bob)-0x[0-9a-f]+@127\.0\.0\.1:')
    routed = [line for line in open(kam.log, errors='replace') if contact.search(line)]
    assert any('REQ ACK' in x for x in routed), routed
    assert any('REQ BYE sip:alice' in x for x in routed), routed
    assert sum('REQ INVITE' in x for x in routed) >= 2, routed


def test_baresip_manual_answer(h, kam):
    alice = h.start_baresip(kam, 'alice', USERS['alice'])
    bob = h.start_baresip(kam, 'bob', USERS['bob'], auto_answer=False)
    alice.dial(bob.uri)
    incoming = bob.wait_for_call()
    assert incoming['type'] == 'CALL_INCOMING' and 'alice' in incoming['peeruri']
    alice.wait_event('CALL_RINGING')
    assert bob.state == 'incoming' and alice.state == 'ringing'
    bob.accept()
    alice.wait_established()
    alice.hangup()
    bob.wait_closed()


# -- sipp scenarios ---------------------------------------------------------------
def sdp_bodies(xml_path):
    for cdata in ET.parse(xml_path).getroot().iter('send'):
        text = cdata.text or ''
        if 'v=0' in text:
            yield text[text.index('v=0'):]


def test_sipp_scenarios_have_valid_sdp():
    names = sorted(os.listdir(SIPP_DIR))
    assert {'uas_busy.xml', 'uas_decline.xml', 'uas_redirect.xml', 'uas_early_media.xml',
            'uas_remote_hold.xml', 'uas_answer.xml', 'uac_call.xml'} <= set(names)
    for name in names:
        for sdp in sdp_bodies(os.path.join(SIPP_DIR, name)):
            lines = [x.strip() for x in sdp.strip().splitlines()]
            assert lines[0] == 'v=0' and any(x.startswith('o=') for x in lines), name
            assert any(x.startswith('c=IN IP') for x in lines), name
            m = [x for x in lines if x.startswith('m=audio ')]
            assert m and m[0].split()[3:] == ['0', '101'], (name, m)
            assert 'a=rtpmap:0 PCMU/8000' in lines, name
            assert 'a=rtpmap:101 telephone-event/8000' in lines, name
            assert sum(x in lines for x in ('a=sendrecv', 'a=sendonly')) == 1, name


@pytest.mark.parametrize('scenario,reason', [('uas_busy', '486 Busy Here'),
                                             ('uas_decline', '603 Decline')])
def test_sipp_refusing_uas(h, kam, scenario, reason):
    alice = h.start_baresip(kam, 'alice', USERS['alice'])
    uas = h.sipp(scenario, register=(kam, 'carol', USERS['carol']))
    assert kam.contacts('carol')[0]['Address'] == f'sip:carol@127.0.0.1:{uas.port}'
    alice.dial(uas.uri)
    assert alice.wait_closed()['param'] == reason
    assert 'CALL_ESTABLISHED' not in alice.event_types()
    assert uas.wait() == 0, uas.failure()


def test_sipp_redirect_to_baresip(h, kam):
    alice = h.start_baresip(kam, 'alice', USERS['alice'])
    bob = h.start_baresip(kam, 'bob', USERS['bob'], tone=660)
    uas = h.sipp('uas_redirect', register=(kam, 'carol', USERS['carol']),
                 keys={'redirect': f'sip:bob@127.0.0.1:{bob.contact_port}'})
    alice.dial(uas.uri)
    bob.wait_for_call()
    alice.wait_established()
    assert uas.wait() == 0, uas.failure()
    assert '302 Moved' in uas.messages()
    alice.hangup()
    bob.wait_closed()


def test_sipp_early_media_then_answer(h, kam):
    alice = h.start_baresip(kam, 'alice', USERS['alice'], tone=440)
    uas = h.sipp('uas_early_media', register=(kam, 'carol', USERS['carol']), duration_ms=1500)
    t0 = time.monotonic()
    alice.dial(uas.uri)
    i, _ = alice.wait_event('CALL_PROGRESS')
    alice.wait_event('CALL_RTPESTAB', since=i)     # early RTP (sipp echoes ours)
    alice.wait_event('CALL_ESTABLISHED', since=i)
    assert time.monotonic() - t0 >= 1.2
    time.sleep(0.5)
    alice.hangup()
    alice.wait_closed()
    assert uas.wait() == 0, uas.failure()
    assert '183 Session Progress' in uas.messages()
    a = audio.analyze(alice.received_audio())     # the echo of our own tone
    assert abs(a.hz - 440) <= 5 and a.active_seconds > 1.0, a


def test_sipp_remote_hold_then_bye(h, kam):
    alice = h.start_baresip(kam, 'alice', USERS['alice'])
    uas = h.sipp('uas_remote_hold', register=(kam, 'carol', USERS['carol']), duration_ms=700)
    alice.dial(uas.uri)
    i, _ = alice.wait_event('CALL_ESTABLISHED')
    alice.wait_event('CALL_REMOTE_SDP', since=i, match=lambda e: e.get('param') == 'offer')
    assert 'Connection reset by peer' in alice.wait_closed()['param']
    assert uas.wait() == 0, uas.failure()
    replies = uas.received(r'SIP/2\.0 200')
    hold_answer = [r for r in replies if 'CSeq: 1 INVITE' in r and 'From: <sip:carol' in r]
    assert hold_answer and 'a=recvonly' in hold_answer[0], replies
    assert kam_requests(kam, 'BYE')


def test_sipp_answer_addressed_directly(h, kam):
    """sipp not registered: called at sip:sipp@127.0.0.1:PORT through kamailio."""
    alice = h.start_baresip(kam, 'alice', USERS['alice'])
    uas = h.sipp('uas_answer')
    alice.dial(uas.direct_uri)
    alice.wait_established()
    time.sleep(0.3)
    alice.hangup()
    alice.wait_closed()
    assert uas.wait() == 0, uas.failure()
    assert uas.received(r'INVITE sip:sipp@127\.0\.0\.1')[0].count('Record-Route') == 1


def test_sipp_uac_calls_baresip(h, kam):
    bob = h.start_baresip(kam, 'bob', USERS['bob'])
    uac = h.sipp('uac_call', remote=kam.hostport, service='bob', duration_ms=500)
    bob.wait_for_call()
    assert uac.wait() == 0, uac.failure()
    bob.wait_closed()
