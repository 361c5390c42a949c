"""Run vo-ctl against a private session bus."""

import os
import queue
import subprocess
import threading
import time

from . import util

DEFAULT_VOCTL = os.path.join(util.REPO_ROOT, 'build', 'client', 'vo-ctl')


def voctl_path():
    return os.environ.get('VO_CTL') or DEFAULT_VOCTL


class VoCtl:
    def __init__(self, session_address, workdir=None):
        self.session_address = session_address
        self.workdir = workdir
        self.history = []   # (argv, CompletedProcess) for failure reports

    def env(self):
        env = dict(os.environ)
        env.pop('DBUS_STARTER_ADDRESS', None)
        env['DBUS_SESSION_BUS_ADDRESS'] = self.session_address
        env['LC_ALL'] = 'C.UTF-8'
        env.pop('NO_COLOR', None)
        return env

    def run(self, *args, input=None, timeout=30.0):
        """Run `vo-ctl ARGS`; returns subprocess.CompletedProcess (text)."""
        argv = [voctl_path(), *map(str, args)]
        try:
            r = subprocess.run(argv, input=input, capture_output=True, text=True,
                               env=self.env(), timeout=util.scaled(timeout),
                               stdin=None if input is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f'{" ".join(argv)} did not finish in {timeout}s; '
                                 f'stdout={e.stdout!r} stderr={e.stderr!r}') from None
        self.history.append((argv, r))
        return r

    def ok(self, *args, **kw):
        """run() and assert exit 0; returns stdout."""
        r = self.run(*args, **kw)
        assert r.returncode == 0, (f'vo-ctl {" ".join(map(str, args))} exited {r.returncode}\n'
                                   f'stdout: {r.stdout}\nstderr: {r.stderr}')
        return r.stdout

    def monitor(self, *args):
        return Monitor(self, args)


class Monitor:
    """`vo-ctl [args] monitor` in the background; lines collected by a thread."""

    def __init__(self, voctl, args):
        argv = [voctl_path(), *args]
        if 'monitor' not in args:
            argv.append('monitor')
        self.argv = argv
        env = voctl.env()
        # vo-ctl says (as a debug message) when its subscription is in place.
        env['G_MESSAGES_DEBUG'] = 'vo-ctl'
        self.proc = util.spawn(argv, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.stderr = []
        self._q = queue.Queue()
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, True),
                                          daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, False),
                                          daemon=True)]
        for t in self._threads:
            t.start()
        self._wait_subscribed()

    def _wait_subscribed(self):
        """Wait until vo-ctl has subscribed, so no signal sent after this is missed."""
        util.wait_until(lambda: any('Watching org.virtualoffice' in s for s in self.stderr)
                        or self.proc.poll() is not None,
                        util.scaled(10), interval=0.02, what='vo-ctl monitor subscribed')

    def _read(self, stream, is_out):
        try:
            for line in stream:
                line = line.rstrip('\n')
                if is_out:
                    self.lines.append(line)
                    self._q.put(line)
                else:
                    self.stderr.append(line)
        except (ValueError, OSError):
            pass

    def wait_line(self, predicate, timeout=10.0):
        """Wait for a stdout line (seen before or after the call) matching predicate
        (a callable or a substring). Returns the line."""
        check = predicate if callable(predicate) else (lambda s: predicate in s)
        deadline = time.monotonic() + util.scaled(timeout)
        for line in list(self.lines):
            if check(line):
                return line
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f'vo-ctl monitor printed no line matching {predicate!r}; '
                                   f'stdout={self.lines!r} stderr={self.stderr!r} '
                                   f'exit={self.proc.poll()}')
            try:
                line = self._q.get(timeout=min(remaining, 0.2))
            except queue.Empty:
                continue
            if check(line):
                return line

    def stop(self):
        rc = util.terminate(self.proc, timeout=5)
        for t in self._threads:
            t.join(timeout=2)
        return rc
