#!/usr/bin/python3
"""vo-daemon demo: everything on loopback, torn down when you leave.

Started by tools/demo (which builds first). Starts, through tests/vo_harness:
a private session bus (and a private system bus with python3-dbusmock's
NetworkManager, when installed), kamailio on an ephemeral port, an SMTP sink
(aiosmtpd) and the reference Virtual Office service (tests/service, HTTPS
with a test CA) in front of them, which creates the users below and their SIP
accounts; a private PipeWire (null devices vo_test_mic / vo_test_speaker /
vo_test_ring) for vo-daemon's audio, vo-daemon signed in as alice with only
her user name and password (the service provides the SIP account), and
extension 200: a baresip that answers every call at once and sends back what
it hears (its echo module). Then:

  interactive (stdin is a terminal): a bash with DBUS_SESSION_BUS_ADDRESS and
      the PipeWire variables set and build/client on PATH; leaving it (exit,
      Ctrl-D) stops everything;
  --check (or stdin is not a terminal): prints the state, runs `vo-ctl status`,
      calls 200 and exits 0 only if the daemon reached Registration=registered
      and ServiceState=online, and the call to 200 became active (Call1.State)
      and hung up cleanly;
  --run CMD: runs `bash -c CMD` in that environment, exits with its status.

The environment also has VO_DEMO_SERVICE_URL, VO_DEMO_SERVICE_CA (the test
CA's PEM) and VO_DEMO_ADMIN_TOKEN (the service's admin API), so a script can
add users and sign a second daemon in against the same world.

    /usr/bin/python3 tools/demo.py [--check | --run CMD] [--user alice] [--peer]
                                   [--tone-peer] [--keep]
"""

import argparse
import errno
import os
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'tests'))

from gi.repository import GLib  # noqa: E402

from vo_harness import (ACCOUNT, MIC, SPEAKER, DBusCallError, Harness, util,  # noqa: E402
                        voctl_path)
from vo_harness.client import pump  # noqa: E402
from vo_harness.daemon import daemon_path  # noqa: E402
from vo_harness.mail import text_of  # noqa: E402

from demo_world import (COMPANY, DOMAIN, ECHO_PASSWORD, ECHO_USER,  # noqa: E402
                        EXTENSIONS, USERS, check_contacts, daemon_conf, service_sign_in,
                        start_world)

NETWORK_KINDS = ('wifi', 'ethernet', 'cellular', 'none')
# baresip codec modules for 200, in the order it prefers them, with the names
# its audio_codecs account parameter knows them by.
ECHO_CODECS = (('opus.so', 'opus/48000/2'), ('g722.so', 'G722'), ('g711.so', 'PCMU,PCMA'))
FALLBACK_TONE = 440          # Hz that 200 sends when it cannot echo
CALLS_IFACE = 'org.virtualoffice.Calls1'
CALL_IFACE = 'org.virtualoffice.Call1'
# Without PipeWire the daemon still gets working (silent) media.
SILENT_MEDIA = {
    'VO_MEDIA_SOURCE': 'audiotestsrc is-live=true wave=silence',
    'VO_MEDIA_SINK': 'fakesink sync=false',
    'VO_MEDIA_RING_SINK': 'fakesink sync=false',
}


def say(*args):
    print('demo:', *args, file=sys.stderr, flush=True)


# -- peers -------------------------------------------------------------------------
class Peer:
    """A phone at the demo kamailio: what the banner says, and how to stop it."""

    def __init__(self, desc, proc, kind):
        self.desc, self.proc, self.kind = desc, proc, kind

    def stop(self):
        self.proc.stop()


def start_echo_peer(h, kam, sip_password, tone_peer=False):
    """Extension 200: baresip answering every call at once.

    Normally with baresip's echo module (it answers incoming calls itself and
    connects each call's player to its source through an aubridge device, so
    the caller hears itself; DTMF digits are sent back too). With tone_peer,
    or when echo.so/aubridge.so are missing or that baresip does not start,
    the harness's baresip peer (tests/vo_harness/peers.py) answers instead and
    sends a FALLBACK_TONE sine. Returns a Peer (kind 'echo' or 'tone')."""
    from vo_harness.baresip import BaresipError, BaresipUA, module_path
    mdir = module_path()
    have = [(m, c) for m, c in ECHO_CODECS if os.path.exists(os.path.join(mdir, m))]
    why = '--tone-peer' if tone_peer else None
    missing = [m for m in ('echo.so', 'aubridge.so') if not os.path.exists(os.path.join(mdir, m))]
    if why is None and missing:
        why = f'baresip has no {" ".join(missing)} in {mdir}'
    if why is None:
        config = '\n'.join([
            'audio_source\t\taubridge,nil',     # echo.so names the device per call
            'audio_player\t\taubridge,nil',
            'audio_alert\t\tnone,none',
            'net_interface\t\t127.0.0.1',
            'rtp_timeout\t\t0',
        ])
        codecs = ','.join(c for _, c in have)
        ua = BaresipUA(h.workdir, kam.hostport, ECHO_USER, sip_password, domain=DOMAIN,
                       name='peer-200', modules=[m for m, _ in have] + ['aubridge.so', 'echo.so'],
                       config_extra=config,
                       # echo.so answers by itself: no answermode=auto on top of it
                       account_params=f';answermode=manual;audio_codecs={codecs}',
                       purpose='demo peer 200: echo, answers every call and sends back '
                               'what it hears')
        ua.start()
        try:
            ua.wait_registered(util.scaled(10))
            codec_names = ', '.join(x.split('/')[0] for _, c in have for x in c.split(','))
            return Peer(f'{ECHO_USER}@{DOMAIN} (baresip echo: answers at once and sends back '
                        f'what it hears; {codec_names}; pid {ua.pid}; log {ua.log})', ua, 'echo')
        except BaresipError as e:
            ua.stop()
            why = f'the echo baresip did not register: {str(e).splitlines()[0]}'
    say(f'extension {ECHO_USER}: no echo ({why}); it answers with a {FALLBACK_TONE} Hz tone '
        'instead')
    try:
        peer = h.start_baresip(kam, ECHO_USER, sip_password, domain=DOMAIN, name='peer-200-tone',
                               tone=FALLBACK_TONE, tone_seconds=300, auto_answer=True)
    except Exception as e:  # noqa: BLE001 - the demo goes on without 200
        raise RuntimeError(f'extension {ECHO_USER} (baresip) did not start: {e}') from None
    return Peer(f'{ECHO_USER}@{DOMAIN} (baresip, no echo: {why}; answers at once and sends a '
                f'{FALLBACK_TONE} Hz tone for 5 minutes; PCMU/PCMA; log {peer.log})', peer, 'tone')


def start_peers(h, kam, world, args):
    """Other phones at the same kamailio, for vo-daemon to call, registered
    with the SIP passwords the service generated.

    Always extension 200 (start_echo_peer). With --peer also bob, with
    baresip, registration only: he is online, but baresip has no audio codecs
    loaded, so a call to him fails at once.

    Returns a list of Peer to show and tear down.
    """
    peers = [start_echo_peer(h, kam, world.sip_passwords[ECHO_USER], tone_peer=args.tone_peer)]
    if not args.peer:
        return peers
    from vo_harness.baresip import BaresipError, BaresipUA
    bob = BaresipUA(h.workdir, kam.hostport, 'bob', world.sip_passwords['bob'], domain=DOMAIN,
                    name='peer-bob', purpose='demo peer bob: registration only')
    bob.start()
    try:
        bob.wait_registered(10)
    except BaresipError as e:
        bob.stop()
        for p in peers:
            p.stop()
        raise RuntimeError(f'peer bob (baresip) did not register: {e}') from None
    peers.append(Peer(f'bob@{DOMAIN} (baresip, pid {bob.pid}, registered; takes no calls: no '
                      f'audio codecs loaded; log {bob.log})', bob, 'registered'))
    return peers


# -- control FIFO: lets the demo shell switch the mock NetworkManager, play a tone
# into the daemon's microphone and listen to its speaker ------------------------------
class Control:
    """`demo-network KIND` in the shell writes 'network KIND' to DIR/control and
    reads one answer line from DIR/control.reply; `demo-tone`, `demo-listen`
    `demo-mail` and `demo-add-user` likewise ('tone HZ SECONDS', 'listen
    SECONDS', 'mail', 'add-user NAME PASSWORD [EXTENSION]')."""

    def __init__(self, workdir, nm, pw=None, world=None):
        self.path = os.path.join(workdir, 'control')
        self.reply = self.path + '.reply'
        self.maildir = os.path.join(workdir, 'mail')
        self.nm = nm
        self.pw = pw
        self.world = world
        self.player = None
        self.recordings = 0
        os.mkfifo(self.path, 0o600)
        os.mkfifo(self.reply, 0o600)
        # O_RDWR: we stay a writer ourselves, so reads never see EOF.
        self.fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        os.close(self.fd)
        self._stop_tone()

    def _stop_tone(self):
        if self.player is not None:
            self.player.stop()
            self.player = None

    def _run(self):
        buf = b''
        while not self._stop:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if not r:
                continue
            try:
                buf += os.read(self.fd, 4096)
            except BlockingIOError:
                continue
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                self._answer(self._handle(line.decode(errors='replace').split()))

    def _handle(self, words):
        if len(words) == 2 and words[0] == 'network':
            if self.nm is None:
                return 'error: no mock NetworkManager (python3-dbusmock missing)'
            if words[1] not in NETWORK_KINDS:
                return f'error: network kind must be one of {", ".join(NETWORK_KINDS)}'
            try:
                self.nm.set_connection(words[1])
            except Exception as e:  # noqa: BLE001 - reported to the shell
                return f'error: {e}'
            return f'ok: NetworkManager primary connection is now {words[1]}'
        if words == ['mail']:
            return self._save_mail()
        if words and words[0] == 'add-user':
            return self._add_user(words[1:])
        if words and words[0] in ('tone', 'listen'):
            if self.pw is None:
                return 'error: no private PipeWire in this demo (the daemon uses silent media)'
            try:
                return self._tone(words[1:]) if words[0] == 'tone' else self._listen(words[1:])
            except Exception as e:  # noqa: BLE001 - reported to the shell
                return f'error: {type(e).__name__}: {e}'
        return f'error: unknown command {" ".join(words)!r}'

    def _tone(self, words):
        """tone HZ SECONDS: a sine into vo_test_mic (what the daemon sends in a
        call); tone 0 stops it."""
        from vo_harness import audio
        hz, seconds = float(words[0]), float(words[1])
        self._stop_tone()
        if hz <= 0:
            return 'ok: tone stopped'
        if not 20 <= hz <= 20000 or not 0 < seconds <= 3600:
            return 'error: usage: demo-tone HZ [SECONDS] (20-20000 Hz, up to 3600 s)'
        self.player = audio.TonePlayer(self.pw, hz, target=MIC, seconds=seconds)
        return (f'ok: playing {hz:g} Hz into {MIC} (the daemon\'s microphone) for '
                f'{seconds:g} s')

    def _listen(self, words):
        """listen SECONDS: record vo_test_speaker (what the daemon plays)."""
        from vo_harness import audio
        seconds = float(words[0])
        if not 0 < seconds <= 60:
            return 'error: usage: demo-listen [SECONDS] (up to 60)'
        self.recordings += 1
        path = os.path.join(self.pw.dir, f'listen-{self.recordings}.wav')
        audio.record(self.pw, SPEAKER, seconds, path=path)
        a = audio.analyze(path)
        if a.hz is None:
            return f'ok: silence on {SPEAKER} ({seconds:g} s in {path})'
        return (f'ok: heard {a.hz:.0f} Hz on {SPEAKER}, RMS {a.rms:.2f}, audible '
                f'{a.active_seconds:.1f} of {a.seconds:.1f} s ({path})')

    def _add_user(self, words):
        """add-user NAME PASSWORD [EXTENSION]: a user at the service."""
        if self.world is None:
            return 'error: no Virtual Office service in this demo'
        if len(words) not in (2, 3):
            return 'error: usage: demo-add-user NAME PASSWORD [EXTENSION]'
        profile = {'email': f'{words[0]}@{DOMAIN}', 'company': COMPANY}
        if len(words) == 3:
            profile['extension'] = words[2]
        try:
            self.world.add_user(words[0], words[1], **profile)
        except Exception as e:  # noqa: BLE001 - reported to the shell
            return f'error: {e}'
        return f'ok: {words[0]} can sign in now: vo-ctl sign-in {words[0]}'

    def _save_mail(self):
        """mail: every message the service sent so far, as DIR/mail/N.txt (the
        headers people read and the text, decoded)."""
        if self.world is None:
            return 'error: no mail sink in this demo'
        messages = list(self.world.mail.messages)
        if not messages:
            return 'ok: no mail yet (try vo-ctl reset-password alice)'
        os.makedirs(self.maildir, exist_ok=True)
        for n, message in enumerate(messages, 1):
            with open(os.path.join(self.maildir, f'{n}.txt'), 'w') as f:
                for header in ('From', 'To', 'Subject', 'Date'):
                    if message.get(header):
                        f.write(f'{header}: {message[header]}\n')
                f.write('\n' + text_of(message))
        newest = os.path.join(self.maildir, f'{len(messages)}.txt')
        return f'ok: {len(messages)} mail(s) in {self.maildir}; newest {newest}'

    def _answer(self, text):
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                fd = os.open(self.reply, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno == errno.ENXIO:       # the shell has not opened it yet
                    time.sleep(0.01)
                    continue
                return
            try:
                os.write(fd, (text + '\n').encode())
            finally:
                os.close(fd)
            return


# -- the shell ----------------------------------------------------------------------
def shell_env(h, kam, d, user, pw, world):
    env = dict(os.environ)
    for k in ('DBUS_STARTER_ADDRESS', 'DBUS_STARTER_BUS_TYPE'):
        env.pop(k, None)
    if pw is not None:
        # pw-cli, pw-dump, pw-cat, pw-link, gst-launch-1.0 ... reach the demo's
        # PipeWire (PIPEWIRE_RUNTIME_DIR wins over XDG_RUNTIME_DIR), not the
        # desktop's; Pulse/JACK clients are not redirected.
        for k in ('PIPEWIRE_REMOTE', 'PIPEWIRE_CONFIG_DIR', 'PIPEWIRE_CONFIG_NAME',
                  'PIPEWIRE_NODE', 'PIPEWIRE_PROPS'):
            env.pop(k, None)
        env.update(pw.env_vars())
        env['VO_DEMO_PIPEWIRE_LOG'] = pw.log
    client_dir = os.path.dirname(voctl_path())
    env.update({
        'DBUS_SESSION_BUS_ADDRESS': h.session_bus.address,
        'PATH': f'{client_dir}:{env.get("PATH", "/usr/bin:/bin")}',
        'VO_DEMO_DIR': h.workdir,
        'VO_DEMO_USER': user,
        'VO_DEMO_DOMAIN': DOMAIN,
        'VO_DEMO_REGISTRAR': kam.hostport,
        'VO_DEMO_KAMAILIO_CTL': f'unix:{kam.ctl_socket}',
        'VO_DEMO_DAEMON_LOG': d.log,
        'VO_DEMO_DAEMON_PID': str(d.pid),
        'VO_DEMO_SYSTEM_BUS': h.system_bus.address,
        # The service, for scripts that add users (admin API) and sign a
        # second daemon in against the same world.
        'VO_DEMO_SERVICE_URL': world.service.url,
        'VO_DEMO_SERVICE_CA': world.service.ca_file,
        'VO_DEMO_ADMIN_TOKEN': world.service.admin_token,
        'VO_DEMO_SERVICE_LOG': world.service.log,
    })
    return env


EXPORTED = ('DBUS_SESSION_BUS_ADDRESS', 'PATH', 'VO_DEMO_DIR', 'VO_DEMO_USER', 'VO_DEMO_DOMAIN',
            'VO_DEMO_REGISTRAR', 'VO_DEMO_KAMAILIO_CTL', 'VO_DEMO_DAEMON_LOG',
            'VO_DEMO_DAEMON_PID', 'VO_DEMO_SYSTEM_BUS', 'PIPEWIRE_RUNTIME_DIR', 'PIPEWIRE_REMOTE',
            'VO_DEMO_PIPEWIRE_LOG', 'VO_DEMO_SERVICE_URL', 'VO_DEMO_SERVICE_CA',
            'VO_DEMO_ADMIN_TOKEN', 'VO_DEMO_SERVICE_LOG')

FUNCTIONS = r'''
# Who kamailio has registered (AoR and contact address).
demo-contacts() {
  kamcmd -s "$VO_DEMO_KAMAILIO_CTL" ul.dump \
    | sed -n 's/^[[:space:]]*AoR: */  /p; s/^[[:space:]]*Address: */      contact /p'
}
# One request to tools/demo.py through its control FIFO: demo-ctl TIMEOUT WORDS...
demo-ctl() {
  local timeout=$1; shift
  echo "$*" > "$VO_DEMO_DIR/control" || return 1
  local reply; read -r -t "$timeout" reply < "$VO_DEMO_DIR/control.reply"
  echo "$reply"; [ "${reply#ok}" != "$reply" ]
}
# Switch the mock NetworkManager: wifi | ethernet | cellular | none.
demo-network() {
  if [ $# -ne 1 ]; then echo "usage: demo-network wifi|ethernet|cellular|none" >&2; return 2; fi
  demo-ctl 5 network "$1"
}
# Play a sine into vo_test_mic, the daemon's microphone (returns at once):
# demo-tone [HZ [SECONDS]] (440 Hz, 5 s); demo-tone 0 stops it.
demo-tone() {
  if [ $# -gt 2 ]; then echo "usage: demo-tone [HZ [SECONDS]]" >&2; return 2; fi
  demo-ctl 15 tone "${1:-440}" "${2:-5}"
}
# Record vo_test_speaker (what the daemon plays) and tell its frequency:
# demo-listen [SECONDS] (2 s).
demo-listen() {
  if [ $# -gt 1 ]; then echo "usage: demo-listen [SECONDS]" >&2; return 2; fi
  demo-ctl $(( ${1%.*} + 20 )) listen "${1:-2}"
}
# The mail the service sent (reset links, recovered user names): saves them
# all in $VO_DEMO_DIR/mail and prints the newest.
demo-mail() {
  local reply; reply=$(demo-ctl 5 mail) || { echo "$reply"; return 1; }
  echo "$reply"
  local newest=${reply##* newest }
  [ "$newest" != "$reply" ] && cat "$newest"
}
# A user at the service (through its admin API), who can then sign in:
# demo-add-user NAME PASSWORD [EXTENSION]
demo-add-user() {
  if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: demo-add-user NAME PASSWORD [EXTENSION]" >&2; return 2
  fi
  demo-ctl 15 add-user "$@"
}
'''


def write_env_file(h, env):
    """DIR/env: `source` it in another terminal to join the demo."""
    path = os.path.join(h.workdir, 'env')
    with open(path, 'w') as f:
        f.write('# source this file in another terminal to use the running vo-daemon demo\n')
        for k in EXPORTED:
            if k in env:
                f.write(f'export {k}={shlex.quote(env[k])}\n')
        f.write(FUNCTIONS)
    return path


def tip(cmd, comment):
    return f'  {cmd:<40}  # {comment}'


def banner(h, kam, d, user, peers, env_file, nm, pw, world):
    reg = kam.hostport
    echo = next((p for p in peers if p.desc.startswith(f'{ECHO_USER}@')), None)
    lines = [
        '',
        'vo-daemon demo: everything runs on loopback; it all stops when this shell exits.',
        f'  service    {world.service.url}: the Virtual Office service (its test CA in '
        '$VO_DEMO_SERVICE_CA, admin token $VO_DEMO_ADMIN_TOKEN)',
        '  users      ' + ', '.join(f'{u}/{p} ({EXTENSIONS[u]})' for u, p in USERS.items())
        + f', {ECHO_USER}/{ECHO_PASSWORD} (the echo peer)',
        f'  mail       SMTP sink on {world.mail.hostport}: demo-mail shows what the service sent',
        f'  kamailio   {reg}, domain {DOMAIN}; SIP accounts made by the service',
        f'  vo-daemon  pid {d.pid}, signed in as {user} with only name and password; '
        f'log {d.log}',
        f'  D-Bus      session bus {h.session_bus.address} (exported)'
        + ('; NetworkManager: mock (wifi)' if nm else '; no NetworkManager (GNetworkMonitor)'),
        ('  PipeWire   private, PIPEWIRE_RUNTIME_DIR exported (pw-cli, pw-dump, pw-cat ... '
         f'use it); the daemon\'s mic {MIC}, speaker {SPEAKER}'
         if pw is not None else
         '  PipeWire   none (it did not start): calls carry silence'),
        '  peers      ' + '\n             '.join(p.desc for p in peers),
        '             (tools/demo --peer also registers bob with baresip, registration only)'
        if len(peers) == 1 else None,
        '  another terminal: source ' + env_file,
        '',
        'Try:',
        '  vo-ctl status',
        '  vo-ctl monitor &                          # signals as they happen (kill %1 to stop)',
        tip(f'vo-ctl dial {ECHO_USER}', 'the echo peer answers at once'
            if echo and echo.kind == 'echo' else f'{ECHO_USER} answers at once (a tone)'),
        tip('vo-ctl calls', 'ID, state, codec, ...'),
        tip('vo-ctl contacts search zoe', 'the company directory (and personal contacts)'),
        tip('vo-ctl dial Echo', f'a contact by name: {ECHO_USER} is "Echo" in the directory'),
    ]
    if pw is not None:
        if echo and echo.kind == 'echo':
            lines.append(tip('demo-tone 440 5; demo-listen 2',
                             f'in the call: your tone comes back from {ECHO_USER}'))
        else:
            lines.append(tip('demo-listen 2', f'in the call: {ECHO_USER}\'s {FALLBACK_TONE} Hz '
                             'tone'))
    lines += [
        tip('vo-ctl hangup', 'the only call; else give its ID'),
        '  vo-ctl history',
    ]
    if pw is not None:
        lines += [
            tip(f'pw-cat -p --target {MIC} some.wav', 'a sound file into the mic'),
            f'  pw-record --target {SPEAKER} -P \'{{ stream.capture.sink=true }}\' out.wav',
            tip('', 'record the speaker (Ctrl-C stops)'),
        ]
    lines += [
        '  vo-ctl settings',
        '  vo-ctl settings set allow-cellular-data true',
    ]
    if nm:
        lines.append('  demo-network cellular                     # then: vo-ctl settings get '
                     'calls-allowed')
    lines += [
        tip('vo-ctl reset-password bob; demo-mail', 'the reset link the service mailed'),
        tip('vo-ctl recover-username carol@vo.test', 'then demo-mail: the user name'),
        tip('vo-ctl photo set ~/me.jpg', 'JPEG or PNG up to 2 MiB; vo-ctl photo'),
        '  vo-ctl sign-out',
        tip('echo carol-demo | vo-ctl sign-in --password-stdin carol',
            'name and password: [service] url in vo.conf'),
        tip('demo-add-user dave dave-demo-pw 204', 'a new user at the service'),
        '  busctl --user introspect org.virtualoffice /org/virtualoffice',
        '  busctl --user call org.virtualoffice /org/virtualoffice org.virtualoffice.Calls1 '
        f'Dial \'sa{{sv}}\' {ECHO_USER} 0',
        '  busctl --user monitor org.virtualoffice',
        '  demo-contacts                             # what kamailio has registered',
        '  tail -f "$VO_DEMO_DAEMON_LOG"',
        '',
    ]
    return '\n'.join(x for x in lines if x is not None)


def run_shell(h, env, text):
    rc = os.path.join(h.workdir, 'bashrc')
    with open(rc, 'w') as f:
        f.write('[ -f ~/.bashrc ] && . ~/.bashrc\n')
        f.write(FUNCTIONS)
        f.write(f'PS1={shlex.quote("(vo-demo) ")}"$PS1"\n')
        f.write(f'cat <<\'VO_DEMO_BANNER\'\n{text}\nVO_DEMO_BANNER\n')
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the shell's
    proc = None
    try:
        proc = subprocess.Popen(['bash', '--rcfile', rc, '-i'], env=env)
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                continue
    finally:
        signal.signal(signal.SIGINT, old_int)
        if proc is not None and proc.poll() is None:
            # We are stopping (SIGTERM/SIGHUP): the shell goes too.
            proc.send_signal(signal.SIGHUP)
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        take_back_terminal()


def take_back_terminal():
    """Make our process group the terminal's foreground again (bash normally does)."""
    try:
        fd = sys.stdin.fileno()
        if os.isatty(fd) and os.tcgetpgrp(fd) != os.getpgrp():
            old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            try:
                os.tcsetpgrp(fd, os.getpgrp())
            finally:
                signal.signal(signal.SIGTTOU, old)
    except OSError:
        pass


# -- main ---------------------------------------------------------------------------
def show_state(client, kam, user):
    """Prints the account and kamailio's view; returns Account1's properties."""
    props = client.get_all(ACCOUNT)
    for key in ('State', 'Registration', 'ServiceState', 'Username', 'SipUri', 'DisplayName',
                'Extension', 'Company', 'LastError', 'Capabilities'):
        if key in props:
            print(f'  Account1.{key:<13} {props[key]!r}')
    contacts = kam.contacts(user)
    print(f'  kamailio contacts of {user}: '
          + (', '.join(c.get('Address', '?') for c in contacts) or 'none'))
    return props


ECHO_TEST_HZ = 660        # --check plays this into the mic and wants it back from 200


def call_prop(client, path, name):
    (value,) = client.call_raw('org.freedesktop.DBus.Properties', 'Get',
                               GLib.Variant('(ss)', (CALL_IFACE, name)), path=path)
    return value


def ended_reason(client, path, since):
    pump()
    for t, p, iface, member, args in client.signals:
        if t >= since and p == path and member == 'Ended':
            return args[0]
    return None


def check_audio(pw, peer):
    """During an active call to 200: does what 200 sends reach the speaker?
    Returns (True, text) or (False, text); informative only."""
    from vo_harness import audio
    if pw is None:
        return False, 'not checked (no PipeWire)'
    want = ECHO_TEST_HZ if peer.kind == 'echo' else FALLBACK_TONE
    player = audio.TonePlayer(pw, ECHO_TEST_HZ, target=MIC) if peer.kind == 'echo' else None
    try:
        a = None
        for _ in range(3):      # the jitter buffer and fresh streams take a moment
            a = audio.analyze(audio.record(pw, SPEAKER, 1.5))
            if a.hz is not None and abs(a.hz - want) <= 5 and a.active_seconds >= 0.5:
                break
    finally:
        if player is not None:
            player.stop()
    what = (f'{ECHO_TEST_HZ} Hz played into {MIC} came back from {ECHO_USER}'
            if peer.kind == 'echo' else f'{ECHO_USER}\'s {FALLBACK_TONE} Hz tone')
    heard = 'silence' if a.hz is None else f'{a.hz:.0f} Hz, RMS {a.rms:.2f}'
    if a.hz is not None and abs(a.hz - want) <= 5 and a.active_seconds >= 0.5:
        return True, f'{what} on {SPEAKER} ({heard})'
    return False, f'expected {what} on {SPEAKER}, heard {heard}'


def check_call(client, env, have_voctl, pw, peer, timeout=20.0):
    """Dial 200, wait for Call1.State 'active', hang up, wait for Ended.
    Prints as it goes; returns None when all that worked, else what failed."""
    print(f'call to {ECHO_USER}:')
    since = time.monotonic()
    try:
        (path,) = client.call_raw(CALLS_IFACE, 'Dial', GLib.Variant('(sa{sv})', (ECHO_USER, {})))
    except DBusCallError as e:
        return f'Calls1.Dial({ECHO_USER!r}) failed: {e}'
    print(f'  Calls1.Dial({ECHO_USER!r}) -> {path}')
    deadline = time.monotonic() + util.scaled(timeout)
    state = None
    while True:
        pump(0.02)
        try:
            state = call_prop(client, path, 'State')
        except DBusCallError:
            reason = ended_reason(client, path, since)
            return (f'the call to {ECHO_USER} ended before it became active (EndReason '
                    f'{reason!r}' + (f', last State {state!r})' if state else ')'))
        if state == 'active':
            break
        if state == 'ended':
            return f'the call to {ECHO_USER} ended before it became active'
        if time.monotonic() > deadline:
            hangup_quietly(client, path)
            return (f'the call to {ECHO_USER} is still {state!r} after '
                    f'{util.scaled(timeout):.0f} s (wanted active)')
        time.sleep(0.03)
    try:
        codec = call_prop(client, path, 'Codec')
    except DBusCallError:
        codec = '?'
    print(f'  Call1.State \'active\' after {(time.monotonic() - since) * 1000:.0f} ms; '
          f'Codec {codec!r}')
    if have_voctl:
        r = subprocess.run([voctl_path(), 'calls'], env=env, capture_output=True, text=True,
                           timeout=30)
        print(f'$ vo-ctl calls   (exit {r.returncode})')
        print(r.stdout.rstrip() + (('\n' + r.stderr.rstrip()) if r.stderr else ''))
    try:
        ok, text = check_audio(pw, peer)
    except Exception as e:  # noqa: BLE001 - informative only
        ok, text = False, f'{type(e).__name__}: {e}'
    print(f'  audio: {text}' if ok else f'  audio: WARNING (not counted): {text}')
    try:
        client.call_raw(CALL_IFACE, 'Hangup', None, path=path)
    except DBusCallError as e:
        return f'Call1.Hangup on {path} failed: {e}'
    try:
        util.wait_until(lambda: ended_reason(client, path, since) is not None,
                        util.scaled(timeout), interval=0.05, what=f'Ended on {path}')
    except TimeoutError:
        return f'no Ended signal from {path} within {util.scaled(timeout):.0f} s of Hangup'
    print(f'  Call1.Hangup -> Ended({ended_reason(client, path, since)!r})')
    if have_voctl:
        r = subprocess.run([voctl_path(), 'history', '--limit', '1'], env=env,
                           capture_output=True, text=True, timeout=30)
        print(f'$ vo-ctl history --limit 1   (exit {r.returncode})')
        print(r.stdout.rstrip() + (('\n' + r.stderr.rstrip()) if r.stderr else ''))
    return None


def hangup_quietly(client, path):
    try:
        client.call_raw(CALL_IFACE, 'Hangup', None, path=path)
    except DBusCallError:
        pass


def main():
    ap = argparse.ArgumentParser(description='vo-daemon demo on loopback (see tools/demo)')
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument('--check', action='store_true',
                      help='start everything, print the state, exit 0 if registered')
    mode.add_argument('--run', metavar='CMD',
                      help='run `bash -c CMD` in the demo environment, exit with its status')
    ap.add_argument('--user', default='alice', choices=sorted(USERS),
                    help='who vo-daemon signs in as (default alice)')
    ap.add_argument('--peer', action='store_true',
                    help='also register bob with baresip (registration only, takes no calls)')
    ap.add_argument('--tone-peer', action='store_true',
                    help=f'extension {ECHO_USER} answers with a {FALLBACK_TONE} Hz tone instead '
                         'of echoing (what happens when baresip has no echo module)')
    ap.add_argument('--no-nm', action='store_true',
                    help='no mock NetworkManager (the daemon uses GNetworkMonitor)')
    ap.add_argument('--keep', action='store_true', help='keep the work folder at exit')
    args = ap.parse_args()
    interactive = not args.check and args.run is None and sys.stdin.isatty()
    if not interactive and args.run is None:
        args.check = True

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))

    if not os.access(daemon_path(), os.X_OK):
        say(f'no vo-daemon at {daemon_path()}: build first (tools/demo does)')
        return 1
    have_voctl = os.access(voctl_path(), os.X_OK)

    h = Harness(workdir=tempfile.mkdtemp(prefix='vo-demo-', dir='/tmp'), keep=args.keep)
    control = None
    peers = []
    status = 1
    failed = True       # keep the work folder when the demo itself went wrong
    try:
        say(f'work folder {h.workdir}')
        kam = h.start_kamailio(domains=(DOMAIN,))
        say(f'kamailio on {kam.hostport}')
        world = start_world(h, kam)
        say(f'Virtual Office service on {world.service.url} (log {world.service.log}), mail to '
            f'the SMTP sink on {world.mail.hostport}; users {", ".join(USERS)}, {ECHO_USER} '
            'created through its admin API')
        nm = None
        if not args.no_nm:
            try:
                nm = h.start_network_manager('wifi')
                say('mock NetworkManager (python3-dbusmock) on the private system bus: wifi')
            except Exception as e:  # noqa: BLE001 - the demo works without it
                say(f'no mock NetworkManager ({e}); vo-daemon falls back to GNetworkMonitor')
                h.nm = None
        pw = None
        try:
            pw = h.start_pipewire()
            say(f'private PipeWire in {pw.runtime_dir} (devices {MIC}, {SPEAKER}, ...)')
        except Exception as e:  # noqa: BLE001 - calls still connect, with silent media
            say(f'no private PipeWire ({type(e).__name__}: {str(e).splitlines()[0]}); '
                'vo-daemon gets silent test media instead')
            for p in h.pipewires:
                p.stop()
            h.pipewires.clear()
        media = {'pipewire': pw} if pw is not None else {'extra_env': SILENT_MEDIA}
        d = h.daemon(start=False, **media)
        d.write_conf(daemon_conf(world))
        d.start()
        say(f'vo-daemon pid {d.pid} owns org.virtualoffice; log {d.log}')
        client = h.client()
        user = args.user
        try:
            service_sign_in(client, world, user)
            say(f'signed in as {user} with only name and password through the service: '
                'registered')
        except (DBusCallError, TimeoutError) as e:
            say(f'sign-in as {user} through the service failed: {e}')
        peers = start_peers(h, kam, world, args)
        for p in peers:
            say(f'peer {p.desc}')
        control = Control(h.workdir, nm, pw, world)
        env = shell_env(h, kam, d, user, pw, world)
        env_file = write_env_file(h, env)
        failed = False

        if interactive:
            run_shell(h, env, banner(h, kam, d, user, peers, env_file, nm, pw, world))
            status = 0
        elif args.run is not None:
            r = subprocess.run(['bash', '-c', FUNCTIONS + '\n' + args.run], env=env)
            status = r.returncode
        else:
            print('vo-daemon demo state:')
            props = show_state(client, kam, user)
            registration = props.get('Registration')
            service_state = props.get('ServiceState')
            if have_voctl:
                r = subprocess.run([voctl_path(), 'status'], env=env, capture_output=True,
                                   text=True, timeout=30)
                print(f'$ vo-ctl status   (exit {r.returncode})')
                print(r.stdout.rstrip() + (('\n' + r.stderr.rstrip()) if r.stderr else ''))
            else:
                print(f'(no vo-ctl at {voctl_path()}: skipped `vo-ctl status`)')
            call_error = 'not tried (not registered)'
            if registration == 'registered':
                call_error = check_call(client, env, have_voctl, pw, peers[0])
            contacts_error = check_contacts(client)
            print('Contacts1: ' + (contacts_error or 'the company directory is synced: '
                                   '"zoe mul" and 020-1234301 find Zoë Müller'))
            call_error = call_error or contacts_error
            if not d.running:
                say('vo-daemon is no longer running')
                registration = None
                call_error = call_error or 'vo-daemon is no longer running'
            status = 0 if (registration == 'registered' and service_state == 'online'
                           and call_error is None) else 1
            failed = status != 0
            if failed:
                print(f'--- {d.log} (tail) ---\n{util.tail(d.log, 30)}')
                if call_error and registration == 'registered':
                    print(f'--- {peers[0].proc.log} (tail) ---\n'
                          f'{util.tail(peers[0].proc.log, 30)}')
            print(f'demo: {"OK" if status == 0 else "FAILED"}: vo-daemon Registration='
                  f'{registration!r}, ServiceState={service_state!r}; call to {ECHO_USER}: '
                  + ('active, hung up' if call_error is None else call_error))
    except Exception as e:  # noqa: BLE001 - report, tear down, exit 1
        say(f'error: {type(e).__name__}: {e}')
        status = 1
        failed = True
    finally:
        say('stopping everything')
        for peer in peers:
            try:
                peer.stop()
            except Exception:  # noqa: BLE001
                pass
        if control is not None:
            control.close()
        try:
            h.close(failed=failed)
        except Exception as e:  # noqa: BLE001
            say(f'teardown: {e}')
        if failed or args.keep:
            say(f'work folder kept: {h.workdir}')
    return status


if __name__ == '__main__':
    sys.exit(main())
