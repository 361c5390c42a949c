"""Small process/port/time helpers shared by the harness modules."""

import atexit
import ctypes
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# All processes the harness started and has not reaped yet: killed at exit no
# matter how the test run ends (a normal teardown removes them first).
_LIVE = set()


def timeout_scale():
    """Multiplier for every timeout: VO_TEST_TIMEOUT_SCALE, or 5 under a wrapper."""
    value = os.environ.get('VO_TEST_TIMEOUT_SCALE')
    if value:
        return float(value)
    return 5.0 if os.environ.get('VO_DAEMON_WRAPPER') else 1.0


def scaled(seconds):
    return seconds * timeout_scale()


def _pdeathsig():
    # Child dies with SIGKILL when the test process dies (even on SIGKILL of
    # pytest), so nothing is ever left running. Also: own process group.
    try:
        libc = ctypes.CDLL('libc.so.6', use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(argv, env=None, stdout=None, stderr=None, stdin=subprocess.DEVNULL,
          cwd=None, text=False, umask=-1):
    """Start a process in its own process group, tracked for cleanup."""
    proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, stdin=stdin,
                            cwd=cwd, start_new_session=True, preexec_fn=_pdeathsig,
                            text=text, umask=umask)
    _LIVE.add(proc)
    return proc


def dump_threads(pid, log_path, why='did not exit'):
    """Append every thread's backtrace of a live process to log_path."""
    gdb = shutil.which('gdb')
    with open(log_path, 'ab') as log:
        log.write(f'===== pid {pid} {why}: backtraces =====\n'.encode())
        log.flush()
        if not gdb:
            log.write(b'(gdb not installed)\n')
            return
        try:
            subprocess.run([gdb, '-p', str(pid), '-batch', '-nx', '-ex', 'set pagination off',
                            '-ex', 'thread apply all bt'],
                           stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=120, check=False)
        except subprocess.TimeoutExpired:
            log.write(b'(gdb timed out)\n')


def terminate(proc, timeout=10.0, sig=signal.SIGTERM, hang_log=None, slow_after=None):
    """SIGTERM (or sig) the process, wait, then SIGKILL its whole group.

    With hang_log, a process that did not exit in time has the backtraces of
    all its threads appended to that file first (gdb), so a hang on shutdown
    can be diagnosed from the test log alone. With slow_after (seconds) as
    well, a process still running after that long has them appended too and
    is then waited for as before: a thread that is stuck but given up on
    later (vo-daemon leaves a pipeline that does not stop behind after 5 s)
    is caught where it is stuck.
    Returns the exit code of the process (negative signal number if killed)."""
    if proc is None:
        return None
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            if hang_log and slow_after and slow_after < timeout:
                try:
                    proc.wait(timeout=slow_after)
                except subprocess.TimeoutExpired:
                    dump_threads(proc.pid, hang_log, f'still running {slow_after} s after signal {sig}')
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if hang_log:
                dump_threads(proc.pid, hang_log)
    rc = proc.poll()
    # Whatever is left in its group (kamailio children, a wrapper's children).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if rc is None:
        proc.wait()
        rc = proc.returncode
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass
    _LIVE.discard(proc)
    return rc


@atexit.register
def _kill_all():
    for proc in list(_LIVE):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.kill()
            proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _LIVE.clear()


def free_port(host='127.0.0.1'):
    """A port that is currently free for both UDP and TCP on host."""
    for _ in range(100):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind((host, 0))
            port = tcp.getsockname()[1]
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                udp.bind((host, port))
            except OSError:
                continue
            finally:
                udp.close()
            return port
        finally:
            tcp.close()
    raise RuntimeError('no free UDP+TCP port found')


def wait_until(predicate, timeout, interval=0.05, what='condition'):
    """Poll predicate() until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f'timed out after {timeout:.1f}s waiting for {what}')
        time.sleep(interval)


def wrapper_argv():
    wrapper = os.environ.get('VO_DAEMON_WRAPPER', '').strip()
    return shlex.split(wrapper) if wrapper else []


class ChildProcess:
    """`running` and `pid` of a part that keeps its child process in self.proc
    (None before start and after stop)."""

    proc = None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None


def read_text(path):
    """A log's text so far, '' when it is not there (yet)."""
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def tail(path, lines=200):
    try:
        with open(path, 'r', errors='replace') as f:
            data = f.readlines()
    except OSError as e:
        return f'<cannot read {path}: {e}>'
    if len(data) > lines:
        return f'... ({len(data) - lines} earlier lines in {path})\n' + ''.join(data[-lines:])
    return ''.join(data)


# Logs of the current test, shown by tests/integration/conftest.py on failure.
_LOGS = []


def register_log(title, path):
    if (title, path) not in _LOGS:
        _LOGS.append((title, path))


def registered_logs():
    return list(_LOGS)


def clear_logs():
    _LOGS.clear()
