"""Foreign SIP peers for call tests: baresip (a real UA) and sipp (scripted).

baresip, registered at the harness kamailio, auto-answering, sending a tone
and dumping what it receives to WAV files:

    bob = h.start_baresip(kam, 'bob', BOB_PASSWORD, tone=660)
    bob.dial('sip:alice@vo.test'); bob.wait_established()
    bob.send_dtmf('123#'); bob.hold(); bob.resume(); bob.hangup(); bob.wait_closed()
    call = bob.wait_for_call()                  # incoming (answered: auto-answer)
    hz, rms = audio.dominant_frequency(bob.received_audio())
    bob.dtmf_received()                          # '123#' sent by the other side

sipp, running one scenario of tests/fixtures/sipp/ (UAS unless remote= is given):

    uas = h.sipp('uas_busy', register=(kam, 'carol', 'pw'))   # carol@vo.test -> sipp
    uas = h.sipp('uas_redirect', keys={'redirect': bob.uri})
    uas = h.sipp('uas_early_media', duration_ms=1500)        # 183 for 1.5 s then 200
    uas = h.sipp('uas_answer')                                 # direct: uas.direct_uri
    assert uas.wait() == 0, uas.failure()                      # sipp's exit code

Scenarios: uas_answer, uas_busy (486), uas_decline (603), uas_redirect (302 to
[redirect]), uas_early_media (183+SDP, pause, 200), uas_remote_hold (200, then
re-INVITE a=sendonly, then BYE), uac_call (INVITE, pause, BYE). SDP offers
PCMU/8000 + telephone-event/8000; sipp echoes RTP back (rtp_echo=True).
"""

import glob
import json
import os
import random
import re
import socket
import subprocess
import threading
import time

from .baresip import BaresipUA
from . import util
from .sip import RegisterClient

SIPP_DIR = os.path.join(util.REPO_ROOT, 'tests', 'fixtures', 'sipp')


class PeerError(RuntimeError):
    pass


def _registrar(kamailio):
    return kamailio.hostport if hasattr(kamailio, 'hostport') else str(kamailio)


# -- baresip -----------------------------------------------------------------
class BaresipPeer:
    """baresip 1.0 with ctrl_tcp: a SIP peer driven from Python.

    tone: Hz of the sine it sends (aufile from a generated 8 kHz WAV), 0/None
    for silence, or a path to a WAV (8 kHz mono S16). Received audio is dumped
    by the sndfile module (one dump-*-dec.wav per call, in rx_dir).
    auto_answer: incoming calls are answered at once (else call accept()).
    codecs: the account's audio_codecs (telephone-event is always offered).
    """

    MODULES = ('g711.so', 'aufile.so', 'sndfile.so', 'menu.so', 'ctrl_tcp.so')

    def __init__(self, workdir, kamailio, user, password, domain='vo.test', name=None,
                 tone=440, auto_answer=True, codecs='PCMU,PCMA', regint=600,
                 tone_seconds=60, extra_config='', modules=(), account_params='',
                 contacts=(), presence=False):
        self.user, self.password, self.domain = user, password, domain
        self.name = name or f'baresip-{user}'
        self.dir = os.path.join(workdir, self.name)
        self.rx_dir = os.path.join(self.dir, 'rx')
        os.makedirs(self.rx_dir, exist_ok=True)
        self.ctrl_port = util.free_port()
        self.auto_answer = auto_answer
        self.tone_seconds = tone_seconds
        self.tone_path = self._tone_file(tone, 'tone')
        params = f';answermode={"auto" if auto_answer else "manual"}'
        if codecs:
            params += f';audio_codecs={codecs}'
        params += account_params
        if presence:
            params += ';pubint=3600'   # presence.so PUBLISHes only with a pubint
        # contacts: URIs for send_message (contact.so's "message" goes to the
        # current contact); with presence, baresip SUBSCRIBEs to each and
        # PUBLISHes its own status (presence.so).
        self.contacts = list(contacts)
        if self.contacts:
            with open(os.path.join(self.dir, 'contacts'), 'w') as f:
                for uri in self.contacts:
                    f.write(f'"{uri}" <{uri}>{";presence=p2p" if presence else ""}\n')
            # stdio.so: the menu module shows a received MESSAGE through the
            # UI (ui_output), which without a UI module goes nowhere.
            modules = tuple(modules) + ('contact.so', 'stdio.so') + \
                (('presence.so',) if presence else ())
        config = '\n'.join([
            f'audio_source\t\taufile,{self.tone_path}',
            'audio_player\t\tnone,none',
            'audio_alert\t\tnone,none',
            'ausrc_srate\t\t8000',
            'ausrc_channels\t\t1',
            'auplay_srate\t\t8000',
            'auplay_channels\t\t1',
            f'snd_path\t\t{self.rx_dir}',
            f'ctrl_tcp_listen\t\t127.0.0.1:{self.ctrl_port}',
            'net_interface\t\t127.0.0.1',
            'rtp_timeout\t\t0',
            'ringback_disabled\tyes',
            extra_config,
        ])
        self.ua = BaresipUA(workdir, _registrar(kamailio), user, password, domain=domain,
                                regint=regint, name=self.name,
                                modules=list(self.MODULES) + list(modules),
                                config_extra=config, account_params=params,
                                purpose='call peer')
        self.ua.stdin_pty = bool(self.contacts)
        self.log = self.ua.log
        self.events = []            # (monotonic time, event dict)
        self._responses = {}
        self._cond = threading.Condition()
        self._sock = None
        self._reader = None
        self._token = 0

    def _tone_file(self, tone, stem):
        from . import audio
        if isinstance(tone, str):
            return tone
        path = os.path.join(self.dir, f'{stem}-{int(tone or 0)}.wav')
        return audio.write_tone(path, tone or 0, seconds=self.tone_seconds, rate=8000,
                                amplitude=0.3)

    # -- lifecycle -----------------------------------------------------------
    @property
    def uri(self):
        return f'sip:{self.user}@{self.domain}'

    @property
    def contact_port(self):
        return self.ua.sip_port

    @property
    def running(self):
        return self.ua.running

    def start(self, timeout=10.0):
        self.ua.start()
        try:
            self.ua.wait_registered(util.scaled(timeout))
            self._connect(util.scaled(timeout))
        except BaseException:
            self.stop()
            raise
        return self

    def _connect(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._sock = socket.create_connection(('127.0.0.1', self.ctrl_port), timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or not self.ua.running:
                    raise PeerError(f'cannot connect to baresip ctrl_tcp port '
                                    f'{self.ctrl_port}\n{self.ua.log_tail()}')
                time.sleep(0.05)
        self._sock.settimeout(None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buf = b''
        sock = self._sock
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while True:
                colon = buf.find(b':')
                if colon < 0:
                    break
                try:
                    n = int(buf[:colon])
                except ValueError:
                    buf = b''
                    break
                if len(buf) < colon + 1 + n + 1:
                    break
                payload = buf[colon + 1:colon + 1 + n]
                buf = buf[colon + 1 + n + 1:]
                try:
                    msg = json.loads(payload.decode('utf-8', 'replace'))
                except ValueError:
                    continue
                with self._cond:
                    if msg.get('response'):
                        self._responses[str(msg.get('token'))] = msg
                    elif msg.get('event'):
                        self.events.append((time.monotonic(), msg))
                    self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def stop(self):
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None
        rc = self.ua.stop()
        if self._reader is not None:
            self._reader.join(timeout=2)
            self._reader = None
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- commands ------------------------------------------------------------
    def command(self, cmd, params='', timeout=5.0):
        """Run a baresip (menu) command; returns its text output. Raises
        PeerError when baresip says it failed."""
        if self._sock is None:
            raise PeerError('baresip is not running')
        with self._cond:
            self._token += 1
            token = str(self._token)
        msg = json.dumps({'command': cmd, 'params': params, 'token': token}).encode()
        self._sock.sendall(str(len(msg)).encode() + b':' + msg + b',')
        deadline = time.monotonic() + util.scaled(timeout)
        with self._cond:
            while token not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError(f'baresip did not answer {cmd} {params}')
                self._cond.wait(left)
            resp = self._responses.pop(token)
        if not resp.get('ok'):
            raise PeerError(f'baresip {cmd} {params}: {resp.get("data")}')
        return resp.get('data', '')

    def dial(self, uri):
        """Start a call (returns at once; see wait_established/wait_event)."""
        return self.command('dial', uri)

    def accept(self):
        return self.command('accept')

    def hangup(self):
        return self.command('hangup')

    def hold(self):
        """re-INVITE with a=sendonly."""
        return self.command('hold')

    def resume(self):
        return self.command('resume')

    def send_dtmf(self, digits, gap=0.25):
        """RFC 4733 telephone-events (one per digit; baresip sends each for
        about 100 ms)."""
        for d in digits:
            self.command('sndcode', d)
            time.sleep(gap)

    def set_tone(self, tone):
        """Switch the audio sent in the current call to another tone (Hz,
        0 for silence, or a WAV path)."""
        path = self._tone_file(tone, f'tone{int(time.monotonic() * 1000)}')
        return self.command('ausrc', f'aufile,{path}')

    # -- messages and presence (contacts=..., presence=True) -------------------
    def send_message(self, uri, text):
        """A SIP MESSAGE to uri, which must be one of `contacts`: baresip 1.0
        sends only to its current contact, so step to it first."""
        if uri not in self.contacts:
            raise PeerError(f'{uri} is not one of {self.name}\'s contacts')
        for _ in range(len(self.contacts) + 1):
            if f'<{uri}>' in self.command('contact_next'):
                break
        return self.command('message', text)

    def received_messages(self):
        """(peer URI, text) of the MESSAGEs received so far: baresip 1.0 has
        no ctrl_tcp event for them; its menu module logs `peer: "text"`."""
        with open(self.log, errors='replace') as f:
            return re.findall(r'(sips?:[^\s:]+@\S+?): "(.*)"\r?$', f.read(), re.M)

    def wait_message(self, text, timeout=10.0):
        """The peer URI of the first received MESSAGE whose text is `text`."""
        found = []
        util.wait_until(lambda: found.extend(p for p, t in self.received_messages()
                                             if t == text) or found,
                        util.scaled(timeout), what=f'{self.name} receives {text!r}')
        return found[0]

    def set_presence(self, online):
        """Set this peer's own status (presence.so). Note: with kamailio,
        baresip 1.0 was not seen to send a PUBLISH for it, even with pubint."""
        return self.command('presence_online' if online else 'presence_offline')

    def contact_presence(self, uri):
        """baresip's view of a contact's presence, as its contacts list shows
        it ('online', 'offline', 'busy', 'unknown', ...)."""
        for line in self.command('contacts').splitlines():
            if f'<{uri}>' in line:
                return line
        return None

    # -- events --------------------------------------------------------------
    def event_types(self):
        return [e.get('type') for _, e in list(self.events)]

    def wait_event(self, types, timeout=10.0, since=0, match=None):
        """The first event of one of `types` (str or tuple) at index >= since
        (and match(event) true); returns (index, event)."""
        if isinstance(types, str):
            types = (types,)
        deadline = time.monotonic() + util.scaled(timeout)
        with self._cond:
            while True:
                for i in range(since, len(self.events)):
                    e = self.events[i][1]
                    if e.get('type') in types and (match is None or match(e)):
                        return i, e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f'{self.name}: no {"/".join(types)} event after '
                                       f'{timeout:.0f} s; got {self.event_types()}')
                if self._sock is None:
                    raise PeerError(f'{self.name}: control connection closed')
                self._cond.wait(min(left, 0.5))

    def mark(self):
        """An index for wait_event(since=...): only events after now."""
        return len(self.events)

    def wait_for_call(self, timeout=10.0, since=0):
        """The first incoming call (at event index >= since): its
        CALL_INCOMING event, or with auto-answer (where baresip 1.0 emits no
        CALL_INCOMING) its CALL_ESTABLISHED event."""
        return self.wait_event(('CALL_INCOMING', 'CALL_ESTABLISHED'), timeout, since,
                               match=lambda e: e.get('direction') == 'incoming')[1]

    def wait_established(self, timeout=10.0, since=0):
        return self.wait_event('CALL_ESTABLISHED', timeout, since)[1]

    def wait_closed(self, timeout=10.0, since=0):
        """CALL_CLOSED; its 'param' holds the reason (e.g. '486 Busy Here')."""
        return self.wait_event('CALL_CLOSED', timeout, since)[1]

    @property
    def state(self):
        """'idle', 'incoming', 'outgoing', 'ringing', 'early', 'established'
        or 'closed' (of the last call)."""
        mapping = {'CALL_INCOMING': 'incoming', 'CALL_OUTGOING': 'outgoing',
                   'CALL_RINGING': 'ringing', 'CALL_PROGRESS': 'early',
                   'CALL_ESTABLISHED': 'established', 'CALL_CLOSED': 'closed'}
        state = 'idle'
        for _, e in list(self.events):
            state = mapping.get(e.get('type'), state)
        return state

    def dtmf_received(self):
        """The digits received (CALL_DTMF_START events), as a string."""
        return ''.join(str(e.get('param', '')) for _, e in list(self.events)
                       if e.get('type') == 'CALL_DTMF_START')

    # -- audio ---------------------------------------------------------------
    def _dumps(self, kind):
        return sorted(glob.glob(os.path.join(self.rx_dir, f'dump-*-{kind}.wav')),
                      key=os.path.getmtime)

    def received_audio(self):
        """WAV (8 kHz mono) of what the current/last audio stream received
        (decoded RTP); None before any call. baresip starts a new file when
        the stream restarts (each call, and after hold/resume)."""
        files = self._dumps('dec')
        return files[-1] if files else None

    def received_audio_files(self):
        """Every received-audio WAV so far, oldest first."""
        return self._dumps('dec')

    def sent_audio(self):
        files = self._dumps('enc')
        return files[-1] if files else None

    def log_text(self):
        return util.read_text(self.log)


# -- sipp --------------------------------------------------------------------
class _ContactRegister(RegisterClient):
    """RegisterClient that registers another contact (sipp's address)."""

    def __init__(self, *args, contact, **kw):
        super().__init__(*args, **kw)
        self.contact = contact

    def _request(self, expires, auth=None):
        data, ruri = super()._request(expires, auth)
        mine = f'Contact: <sip:{self.user}@{self.lhost}:{self.lport}>'.encode()
        return data.replace(mine, f'Contact: <{self.contact}>'.encode()), ruri


def _free_udp_run(n=4):
    """A port p with p..p+n-1 free for UDP on 127.0.0.1 (sipp -rtp_echo binds
    -mp for audio and -mp + 2 for video)."""
    for _ in range(100):
        base = util.free_port()
        socks = []
        try:
            for i in range(n):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(('127.0.0.1', base + i))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise PeerError('no free UDP port run for sipp media')


def scenario_path(name):
    path = name if os.path.isabs(name) else os.path.join(SIPP_DIR, name)
    if not path.endswith('.xml'):
        path += '.xml'
    if not os.path.exists(path):
        raise PeerError(f'no sipp scenario {path}')
    return path


class Sipp(util.ChildProcess):
    """One sipp process running one scenario for `calls` calls.

    UAS (default): listens on 127.0.0.1:port; register=(kamailio, user,
    password[, domain]) makes user@domain at kamailio point at it (uri), else
    call it directly at direct_uri. UAC: remote='host:port' (e.g.
    kam.hostport) and service=the user to call.
    keys: {name: value} for [name] in the scenario (sipp -key).
    duration_ms: length of the scenario's <pause/> steps (sipp -d).
    rtp_echo: sipp echoes RTP received on media_port back to its sender."""

    def __init__(self, workdir, scenario, port=None, register=None, remote=None,
                 service='sipp', keys=None, duration_ms=1000, calls=1, rtp_echo=True,
                 timeout=30, extra_args=(), name=None):
        self.scenario = scenario_path(scenario)
        base = os.path.splitext(os.path.basename(self.scenario))[0]
        self.name = name or f'sipp-{base}'
        n = 1
        while os.path.exists(os.path.join(workdir, self.name)):
            n += 1
            self.name = f'{name or "sipp-" + base}-{n}'
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or util.free_port()
        self.media_port = _free_udp_run()
        self.register = register
        self.remote = remote
        self.service = service
        self.keys = dict(keys or {})
        self.duration_ms = duration_ms
        self.calls = calls
        self.rtp_echo = rtp_echo
        self.timeout = timeout
        self.extra_args = list(extra_args)
        self.log = os.path.join(workdir, f'{self.name}.log')
        self.message_file = os.path.join(self.dir, 'messages.log')
        self.error_file = os.path.join(self.dir, 'errors.log')
        self.screen_file = os.path.join(self.dir, 'screen.log')
        util.register_log(f'sipp {base} messages ({self.message_file})', self.message_file)
        util.register_log(f'sipp {base} output ({self.log})', self.log)
        self.proc = None
        self.returncode = None
        self._reg = None

    @property
    def direct_uri(self):
        return f'sip:{self.service}@127.0.0.1:{self.port}'

    @property
    def uri(self):
        """What to call: the registered AoR, or sipp's own address."""
        if self.register:
            kam, user = self.register[0], self.register[1]
            domain = self.register[3] if len(self.register) > 3 else \
                (kam.domains[0] if getattr(kam, 'domains', None) else 'vo.test')
            return f'sip:{user}@{domain}'
        return self.direct_uri

    def argv(self):
        args = ['sipp', '-sf', self.scenario, '-i', '127.0.0.1', '-p', str(self.port),
                '-m', str(self.calls), '-d', str(self.duration_ms),
                '-mi', '127.0.0.1', '-mp', str(self.media_port),
                '-timeout', f'{int(util.scaled(self.timeout))}s', '-timeout_error',
                '-nostdin', '-trace_msg', '-message_file', self.message_file,
                '-trace_err', '-error_file', self.error_file,
                '-trace_screen', '-screen_file', self.screen_file,
                '-s', self.service]
        if self.rtp_echo:
            args.append('-rtp_echo')
        for k, v in self.keys.items():
            args += ['-key', k, str(v)]
        args += self.extra_args
        if self.remote:
            args.append(self.remote)
        return args

    def start(self, timeout=10.0):
        with open(self.log, 'ab') as logf:
            logf.write(f'\n===== {" ".join(self.argv())} =====\n'.encode())
            logf.flush()
            self.proc = util.spawn(self.argv(), stdout=logf, stderr=logf, cwd=self.dir)
        if not self.remote:
            util.wait_until(self._listening, util.scaled(timeout), interval=0.02,
                            what=f'sipp to listen on {self.port}')
        if self.register:
            self._do_register()
        return self

    def _listening(self):
        if self.proc.poll() is not None:
            raise PeerError(f'sipp exited with {self.proc.returncode}:\n'
                            + util.tail(self.log, 30))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(('127.0.0.1', self.port))
        except OSError:
            return True
        finally:
            s.close()
        return False

    def _do_register(self):
        kam, user, password = self.register[:3]
        domain = self.register[3] if len(self.register) > 3 else \
            (kam.domains[0] if getattr(kam, 'domains', None) else 'vo.test')
        reg = _ContactRegister(kam.host, kam.port, user, password, domain=domain,
                               contact=f'sip:{user}@127.0.0.1:{self.port}')
        try:
            r = reg.register(expires=300)
        finally:
            reg.close()
        if r.status != 200:
            raise PeerError(f'registering {user} -> sipp failed: {r.status} {r.reason}')

    def wait(self, timeout=30.0):
        """Wait for sipp to finish its calls; returns its exit code (0: every
        call succeeded, 1: some failed, 99: no call processed...)."""
        if self.proc is None:
            return self.returncode
        try:
            self.proc.wait(timeout=util.scaled(timeout))
        except Exception as e:  # noqa: BLE001 - TimeoutExpired
            raise TimeoutError(f'sipp {self.name} still running after {timeout} s:\n'
                               + self.failure()) from e
        self.returncode = util.terminate(self.proc)
        self.proc = None
        return self.returncode

    def stop(self):
        if self.proc is not None:
            self.returncode = util.terminate(self.proc, timeout=3)
            self.proc = None
        return self.returncode

    def messages(self):
        """The SIP messages sipp sent and received (its -trace_msg log)."""
        return util.read_text(self.message_file)

    def received(self, first_line_re):
        """Messages sipp received whose first line matches the regex."""
        out = []
        for block in re.split(r'\n(?=-{10,} )', self.messages()):
            m = re.search(r'message received \[\d+\] bytes :\s*\n\s*\n?(.*)', block, re.S)
            if m and re.match(first_line_re, m.group(1).lstrip()):
                out.append(m.group(1))
        return out

    def failure(self):
        """Errors and the tail of the message log, for assertion messages."""
        err = util.read_text(self.error_file)[-3000:]
        return (f'--- sipp {self.name} rc={self.returncode} ---\n{util.tail(self.log, 20)}\n'
                f'--- errors ---\n{err}\n--- messages (tail) ---\n'
                + self.messages()[-4000:])


# -- Linphone ------------------------------------------------------------------
class LinphonePeer(util.ChildProcess):
    """Linphone 5.1 (Debian's linphone-cli: the headless linphone-daemon),
    driven over its unix socket, registered at kamailio over UDP.

    Calls are answered by hand (answer()) or at once (auto_answer=True);
    events (call states, DTMF, messages) are taken with pop-event and kept
    in self.events. Without a sound card Linphone plays and records nothing,
    which the signalling tests here do not need.

        bob = h.start_linphone(kam, 'bob', 'bob-pw')
        bob.dial('sip:alice@vo.test'); bob.wait_call_state('StreamsRunning')
        bob.send_dtmf('1'); bob.hangup(); bob.wait_call_state('Released')
        bob.message('sip:alice@vo.test', 'hi'); bob.wait_message('hello')
    """

    def __init__(self, workdir, kamailio, user, password, domain='vo.test', auto_answer=True):
        self.user, self.password, self.domain = user, password, domain
        self.registrar = _registrar(kamailio)
        self.dir = os.path.join(workdir, f'linphone-{user}')
        os.makedirs(self.dir, exist_ok=True)
        self.socket_name = f'vo-lp-{os.getpid()}-{user}-{random.getrandbits(24):x}'
        self.socket_path = os.path.join('/tmp', self.socket_name)
        self.port = util.free_port()
        self.rtp_port = _free_udp_run(2)
        self.auto_answer = auto_answer
        self.proc = None
        self.sock = None
        self.events = []
        self.log_path = os.path.join(self.dir, 'linphone.log')
        self.rc = os.path.join(self.dir, 'linphonerc')
        host, port = self.registrar.rsplit(':', 1)
        proxy = f'sip:{host}:{port};transport=udp'
        # The account lives in the config: the daemon's "register" command
        # makes no default account, and "message" then sends straight to
        # the domain (vo.test, which no DNS knows) instead of the proxy.
        with open(self.rc, 'w') as f:
            f.write(f'[sip]\nsip_port={self.port}\nsip_tcp_port=-1\nsip_tls_port=-1\n'
                    'default_proxy=0\nuse_ipv6=0\nregister_only_when_network_is_up=0\n'
                    f'[proxy_0]\nreg_proxy={proxy}\nreg_route={proxy}\n'
                    f'reg_identity=sip:{user}@{domain}\nreg_expires=600\nreg_sendregister=1\n'
                    f'[auth_info_0]\nusername={user}\npasswd={password}\n'
                    f'[rtp]\naudio_rtp_port={self.rtp_port}\nvideo_rtp_port=-1\n'
                    '[video]\nenabled=0\ncapture=0\ndisplay=0\n'
                    f'[storage]\nuri={os.path.join(self.dir, "linphone.db")}\n'
                    '[misc]\nfile_transfer_server_url=\n')

    @property
    def uri(self):
        return f'sip:{self.user}@{self.domain}'

    def start(self, timeout=15.0):
        argv = ['linphone-daemon', '--pipe', self.socket_name, '--config', self.rc,
                '--log', self.log_path, '--disable-stats-events']
        if self.auto_answer:
            argv.append('--auto-answer')
        env = dict(os.environ, HOME=self.dir, XDG_DATA_HOME=self.dir, XDG_CONFIG_HOME=self.dir)
        self.out = open(os.path.join(self.dir, 'stdout.log'), 'wb')
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, env=env, cwd=self.dir)
        util.wait_until(lambda: self.proc.poll() is not None or os.path.exists(self.socket_path),
                        util.scaled(timeout), what='linphone-daemon socket')
        if self.proc.poll() is not None:
            raise PeerError(f'linphone-daemon exited with {self.proc.returncode}')
        # The socket file appears (bind) before linphone-daemon listens: a
        # connect in between is refused, so try until it is accepted.
        def connected():
            if self.proc.poll() is not None:
                raise PeerError(f'linphone-daemon exited with {self.proc.returncode}')
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.socket_path)
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
                return False
            self.sock = sock
            return True
        util.wait_until(connected, util.scaled(timeout), what='linphone-daemon listening')
        self.sock.settimeout(util.scaled(10))
        self.buf = b''
        util.wait_until(lambda: 'LinphoneRegistrationOk' in self.command('register-status ALL'),
                        util.scaled(timeout), interval=0.1, what=f'linphone {self.user} registered')
        return self

    # linphone-daemon reads one command per read() of its socket (anything
    # after the first line is dropped) and writes each answer with one
    # write(), which a unix stream socket hands over whole: so one command,
    # then one answer.
    def command(self, cmd):
        self.sock.sendall(cmd.encode() + b'\n')
        data = self.sock.recv(1 << 20)
        if not data:
            raise PeerError('linphone-daemon closed its socket')
        return data.decode(errors='replace')

    def check(self, cmd):
        text = self.command(cmd)
        if 'Status: Ok' not in text:
            raise PeerError(f'linphone {cmd!r}: {text.strip()}')
        return text

    def poll_events(self):
        while True:
            text = self.command('pop-event')
            if 'Event-type:' not in text:
                return self.events
            event = {}
            for line in text.splitlines():
                if ': ' in line:
                    k, v = line.split(': ', 1)
                    event.setdefault(k, v)
            self.events.append(event)

    def wait_event(self, match, timeout=10.0, what='event', since=0):
        """The first event from index @since on (see mark()) that matches."""
        def check():
            return next((e for e in self.poll_events()[since:] if match(e)), None)
        return util.wait_until(check, util.scaled(timeout), interval=0.1,
                               what=f'linphone {self.user}: {what}')

    def wait_call_state(self, state, timeout=10.0, since=0):
        return self.wait_event(lambda e: e.get('Event') == f'LinphoneCall{state}', timeout,
                               f'call {state}', since=since)

    def mark(self):
        return len(self.poll_events())

    def dial(self, uri):
        return self.check(f'call {uri}')

    def answer(self):
        return self.check('answer')

    def hangup(self):
        return self.check('terminate')

    def send_dtmf(self, digit):
        """One digit: Linphone drops one asked for while another is sent."""
        self.check(f'dtmf {digit}')

    def dtmf_received(self):
        """Digits received so far (RFC 4733 or INFO), in order."""
        return ''.join(e.get('Tone', '') for e in self.poll_events()
                       if e.get('Event-type') == 'receiving-tone')

    def message(self, uri, text):
        return self.check(f'message {uri} {text}')

    def wait_message(self, text, timeout=10.0):
        # The text comes as Content: "…" (quoted).
        return self.wait_event(lambda e: e.get('Event-type') == 'message-received'
                               and e.get('Content', '').strip('"') == text, timeout,
                               f'message {text!r}')

    def log_text(self):
        return util.read_text(self.log_path)

    def stop(self):
        if self.sock:
            try:
                self.sock.sendall(b'quit\n')
            except OSError:
                pass
            self.sock.close()
            self.sock = None
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.wait(timeout=util.scaled(5))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, 'out', None):
            self.out.close()
        try:
            os.unlink(self.socket_path)
        except OSError:
            pass
