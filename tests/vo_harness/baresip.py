"""baresip 1.0 as a SIP user agent on loopback, for the benchmark, the demo and
the harness's BaresipPeer (vo_harness.peers).

    ua = BaresipUA(workdir, registrar='127.0.0.1:PORT', user='bob', password='pw')
    t0 = ua.start()                  # monotonic time just before the spawn
    t = ua.wait_registered(10)       # monotonic time of its "bob@vo.test: ... 200 OK" line
    ua.stop()

baresip gets its own config folder (`baresip -f DIR`) holding `config` and
`accounts`. Its terminal is a pty, so its output is line-buffered; every line
is timestamped when read and copied to `log`.

By default it only registers: no UI, no audio/video drivers or codecs.
Calls need more: pass modules=[...] (e.g. 'g711.so', 'ausine.so', 'aufile.so')
and config_extra (audio_source/audio_player lines) and account_params
(e.g. ';answermode=auto').
"""

import os
import pty
import re
import signal
import subprocess
import threading
import time

from . import util

MODULE_PATHS = ('/usr/lib/baresip/modules', '/usr/lib/x86_64-linux-gnu/baresip/modules',
                '/usr/local/lib/baresip/modules')

CONFIG = """\
# baresip for vo-daemon tests/demo ({purpose}).
poll_method\t\tepoll
sip_listen\t\t127.0.0.1:{sip_port}
call_max_calls\t\t4
module_path\t\t{module_path}
{modules}
module_tmp\t\taccount.so
{extra}
"""


class BaresipError(RuntimeError):
    pass


def module_path():
    for p in MODULE_PATHS:
        if os.path.exists(os.path.join(p, 'account.so')):
            return p
    raise BaresipError('baresip account.so module not found in ' + ', '.join(MODULE_PATHS))


def free_sip_port():
    """A port free for UDP+TCP whose next port is free for TCP too: baresip
    1.0 always adds a TLS transport on sip_listen's port + 1."""
    import socket
    for _ in range(50):
        port = util.free_port()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(('127.0.0.1', port + 1))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise BaresipError('no free port pair for baresip')


def version():
    try:
        r = subprocess.run(['baresip', '-h'], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return '?'
    m = re.search(r'baresip v(\S+)', r.stdout + r.stderr)
    return m.group(1) if m else '?'


class BaresipUA(util.ChildProcess):
    def __init__(self, workdir, registrar, user, password, domain='vo.test',
                 regint=600, name='baresip', modules=(), config_extra='',
                 account_params='', purpose='registration only'):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.user, self.domain = user, domain
        self.sip_port = free_sip_port()
        with open(os.path.join(self.dir, 'config'), 'w') as f:
            f.write(CONFIG.format(purpose=purpose, sip_port=self.sip_port,
                                  module_path=module_path(),
                                  modules='\n'.join(f'module\t\t\t{m}' for m in modules),
                                  extra=config_extra))
        self.account_line = (f'<sip:{user}@{domain}>;auth_pass={password};'
                             f'outbound="sip:{registrar}";regint={regint}{account_params}')
        with open(os.path.join(self.dir, 'accounts'), 'w') as f:
            f.write(self.account_line + '\n')
        self.log = os.path.join(workdir, f'{name}.log')
        util.register_log(f'baresip log ({self.log})', self.log)
        self.proc = None
        self.lines = []         # (monotonic time, line)
        self._master = None
        self._reader = None
        aor = re.escape(f'{user}@{domain}')
        self._ok_re = re.compile(aor + r':.*\b2\d\d\b')
        self._fail_re = re.compile(aor + r':.*\b[3-6]\d\d\b|reg.*fail|could not', re.I)

    def start(self):
        """Spawn baresip; returns the monotonic time just before the spawn."""
        if self.running:
            raise BaresipError('baresip already running')
        master, slave = pty.openpty()
        self._master = master
        self.lines = []
        t0 = time.monotonic()
        try:
            # stdin_pty: the stdio UI module (set by a caller that loads it)
            # needs a terminal; nothing is ever typed into it.
            stdin = slave if getattr(self, 'stdin_pty', False) else subprocess.DEVNULL
            self.proc = util.spawn(['baresip', '-f', self.dir], stdout=slave, stderr=slave,
                                   stdin=stdin)
        finally:
            os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return t0

    def _read(self):
        buf = b''
        with open(self.log, 'ab') as logf:
            logf.write(f'\n===== baresip start ({time.strftime("%H:%M:%S")}) =====\n'.encode())
            while True:
                try:
                    chunk = os.read(self._master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                t = time.monotonic()
                logf.write(chunk)
                logf.flush()
                buf += chunk
                while b'\n' in buf:
                    line, buf = buf.split(b'\n', 1)
                    self.lines.append((t, line.decode('utf-8', 'replace').rstrip('\r')))

    def wait_registered(self, timeout=10.0):
        """Monotonic time of baresip's line saying the REGISTER got a 2xx."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            lines = self.lines[:]
            for t, line in lines[seen:]:
                if self._ok_re.search(line):
                    return t
                if self._fail_re.search(line):
                    raise BaresipError(f'baresip: {line}\n{self.log_tail()}')
            seen = len(lines)
            if self.proc.poll() is not None:
                time.sleep(0.05)
                raise BaresipError(f'baresip exited with {self.proc.returncode} before it '
                                   f'registered\n{self.log_tail()}')
            if time.monotonic() > deadline:
                raise BaresipError(f'baresip not registered after {timeout:.0f} s\n'
                                   + self.log_tail())
            time.sleep(0.002)

    def log_tail(self, lines=40):
        return f'--- {self.log} (tail) ---\n{util.tail(self.log, lines)}'

    def stop(self):
        """SIGTERM (baresip un-REGISTERs), SIGKILL after 5 s. Returns the exit code."""
        if self.proc is None:
            return None
        rc = util.terminate(self.proc, timeout=5, sig=signal.SIGTERM)
        self.proc = None
        if self._reader:
            self._reader.join(timeout=2)
            self._reader = None
        if self._master is not None:
            os.close(self._master)
            self._master = None
        return rc
