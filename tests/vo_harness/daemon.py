"""Start/stop the real vo-daemon with private folders and buses."""

import os
import re
import signal
import tempfile
import time

import gi
gi.require_version('GLib', '2.0')
from gi.repository import GLib  # noqa: E402

from . import client, util  # noqa: E402

DEFAULT_DAEMON = os.path.join(util.REPO_ROOT, 'build', 'daemon', 'vo-daemon')

# [sip] keys the tests use unless told otherwise: loopback only, quick
# refresh/backoff/timeouts so the scenarios run in seconds.
DEFAULT_SIP = {
    'bind': '127.0.0.1',
    'register-expires': '60',
    'retry-max': '2',
    'timeout': '5',
}

# Log lines that always mean a daemon bug (GLib criticals, sanitizer reports).
BAD_LOG_RE = re.compile(r'(-CRITICAL \*\*|ERROR: AddressSanitizer|runtime error:|'
                        r'ERROR: LeakSanitizer|Invalid (read|write) of size)')


def daemon_path():
    return os.environ.get('VO_DAEMON') or DEFAULT_DAEMON


def gst_registry_path():
    """One GStreamer registry per user for all test daemons (see env())."""
    return os.path.join(tempfile.gettempdir(), f'vo-test-gst-registry-{os.getuid()}.bin')


class DaemonError(RuntimeError):
    pass


class VoDaemon(util.ChildProcess):
    """One vo-daemon process (restartable) with its own VO_CONFIG_DIR/VO_DATA_DIR.

    session_address: the private session bus the daemon owns its name on.
    system_address: DBUS_SYSTEM_BUS_ADDRESS (a private bus, maybe with the NM
    mock); None gives an address where nothing listens (no system bus at all).
    """

    def __init__(self, workdir, session_address, system_address=None, sip=None,
                 settings=None, verbose=True, extra_args=(), extra_env=None, name='daemon',
                 umask=-1):
        self.workdir = workdir
        self.name = name
        self.session_address = session_address
        self.system_address = system_address or \
            f'unix:path={os.path.join(workdir, "no-system-bus-here")}'
        self.config_dir = os.path.join(workdir, f'{name}-config')
        self.data_dir = os.path.join(workdir, f'{name}-data')
        self.home = os.path.join(workdir, f'{name}-home')
        for d in (self.config_dir, self.data_dir, self.home):
            os.makedirs(d, exist_ok=True)
        self.conf_path = os.path.join(self.config_dir, 'vo.conf')
        self.credentials_path = os.path.join(self.config_dir, 'credentials')
        self.log = os.path.join(workdir, f'{name}.log')
        self.verbose = verbose
        self.umask = umask
        self.extra_args = list(extra_args)
        self.extra_env = dict(extra_env or {})
        self.proc = None
        self.starts = 0
        self.exit_codes = []
        util.register_log(f'vo-daemon log ({self.log})', self.log)
        if not os.path.exists(self.conf_path):
            values = dict(DEFAULT_SIP)
            values.update({k: str(v) for k, v in (sip or {}).items()})
            groups = {'sip': values}
            if settings:
                groups['settings'] = settings
            self.write_conf(groups)

    # -- vo.conf ---------------------------------------------------------
    def read_conf(self):
        """{group: {key: value}} of vo.conf (empty if missing)."""
        kf = GLib.KeyFile()
        try:
            kf.load_from_file(self.conf_path, GLib.KeyFileFlags.KEEP_COMMENTS)
        except GLib.Error:
            return {}
        out = {}
        groups, _ = kf.get_groups()
        for g in groups:
            keys, _ = kf.get_keys(g)
            out[g] = {k: kf.get_value(g, k) for k in keys}
        return out

    def write_conf(self, groups, replace=False):
        """Merge {group: {key: value}} into vo.conf (bools as true/false)."""
        kf = GLib.KeyFile()
        if not replace and os.path.exists(self.conf_path):
            kf.load_from_file(self.conf_path, GLib.KeyFileFlags.KEEP_COMMENTS)
        for g, kv in groups.items():
            for k, v in kv.items():
                if isinstance(v, bool):
                    v = 'true' if v else 'false'
                kf.set_value(g, k, str(v))
        kf.save_to_file(self.conf_path)

    def conf_text(self):
        return util.read_text(self.conf_path)

    # -- process ---------------------------------------------------------
    def env(self):
        env = dict(os.environ)
        for k in ('DBUS_SESSION_BUS_ADDRESS', 'DBUS_SYSTEM_BUS_ADDRESS', 'XDG_RUNTIME_DIR',
                  'DBUS_STARTER_ADDRESS', 'DBUS_STARTER_BUS_TYPE'):
            env.pop(k, None)
        env.update({
            'DBUS_SESSION_BUS_ADDRESS': self.session_address,
            'DBUS_SYSTEM_BUS_ADDRESS': self.system_address,
            'VO_CONFIG_DIR': self.config_dir,
            'VO_DATA_DIR': self.data_dir,
            'HOME': self.home,
            'XDG_CONFIG_HOME': os.path.join(self.home, '.config'),
            'XDG_DATA_HOME': os.path.join(self.home, '.local', 'share'),
            'XDG_CACHE_HOME': os.path.join(self.home, '.cache'),
            # GStreamer's plugin registry, shared by every daemon of every
            # test run as a user's ~/.cache one is: a fresh cache costs each
            # daemon a plugin scan (2 s and more on a loaded machine) on the
            # main loop at its first INVITE, which ran into the peers'
            # timeouts. GStreamer replaces the file atomically.
            'GST_REGISTRY': gst_registry_path(),
            'XDG_RUNTIME_DIR': self.home,
            'GSETTINGS_BACKEND': 'memory',
            'GIO_USE_VFS': 'local',
            'NO_AT_BRIDGE': '1',
            'G_MESSAGES_DEBUG': 'all' if self.verbose else '',
        })
        env.update(self.extra_env)
        return env

    def argv(self):
        args = [daemon_path()]
        if self.verbose:
            args.append('--verbose')
        return util.wrapper_argv() + args + self.extra_args

    def start(self, wait=True, timeout=10.0):
        """Start the daemon; with wait, return once it owns org.virtualoffice."""
        if self.running:
            raise DaemonError('vo-daemon already running')
        path = daemon_path()
        if not os.access(path, os.X_OK):
            raise DaemonError(f'vo-daemon not found at {path} (set VO_DAEMON)')
        self.starts += 1
        with open(self.log, 'ab') as logf:
            logf.write(f'\n===== vo-daemon start #{self.starts} '
                       f'({time.strftime("%H:%M:%S")}): {" ".join(self.argv())} =====\n'.encode())
            logf.flush()
            self.proc = util.spawn(self.argv(), env=self.env(), stdout=logf, stderr=logf,
                                   umask=self.umask)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=10.0):
        conn = client.connect(self.session_address)
        try:
            def owned():
                if self.proc.poll() is not None:
                    raise DaemonError(f'vo-daemon exited with {self.proc.returncode} during '
                                      f'start-up:\n{util.tail(self.log, 60)}')
                return client.name_has_owner(conn, client.BUS_NAME)
            util.wait_until(owned, util.scaled(timeout), what='vo-daemon to own org.virtualoffice')
        finally:
            conn.close_sync(None)

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Signal the daemon and wait for it; returns its exit code
        (negative: killed by that signal). SIGKILL after timeout."""
        if self.proc is None:
            return None
        proc = self.proc
        # Its pipelines stop within 5 s or are left behind (then logged):
        # a stop that takes longer than 3 s gets backtraces in the log. Not
        # under the sanitizers: there every exit takes seconds (the leak
        # check), and gdb on an instrumented binary takes many more.
        sanitized = util.scaled(1.0) > 1.0
        rc = util.terminate(proc, timeout=util.scaled(timeout), sig=sig,
                            hang_log=None if sig == signal.SIGKILL else self.log,
                            slow_after=None if sanitized else 3.0)
        self.proc = None
        self.exit_codes.append(rc)
        with open(self.log, 'ab') as logf:
            logf.write(f'===== vo-daemon exited: {rc} =====\n'.encode())
        return rc

    def kill(self):
        return self.stop(sig=signal.SIGKILL, timeout=5)

    def restart(self, wait=True):
        rc = self.stop()
        self.start(wait=wait)
        return rc

    def wait_exit(self, timeout=15.0):
        """Wait for the daemon to exit by itself; returns the code."""
        import subprocess
        try:
            self.proc.wait(timeout=util.scaled(timeout))
        except subprocess.TimeoutExpired:
            return None
        return self.stop()

    # -- inspection ----------------------------------------------------------
    def log_text(self):
        return util.read_text(self.log)

    def bad_log_lines(self):
        return [line for line in self.log_text().splitlines() if BAD_LOG_RE.search(line)]
