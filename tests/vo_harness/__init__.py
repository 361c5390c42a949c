"""vo_harness: start real parts on loopback for vo-daemon tests, demos and benchmarks.

    import sys; sys.path.insert(0, '<repo>/tests')
    from vo_harness import Harness

    with Harness() as h:
        kam = h.start_kamailio(users={'alice': 'secret'})
        nm = h.start_network_manager('wifi')        # optional (python3-dbusmock)
        d = h.start_daemon()                          # VO_DAEMON or build/daemon/vo-daemon
        c = h.client()                                # Gio client of org.virtualoffice
        c.sign_in('alice', 'secret', registrar=kam.hostport, domain='vo.test')
        assert kam.contacts('alice')
        print(h.voctl.ok('status'))

Media (see pipewire.py, audio.py, peers.py):

        pw = h.start_pipewire()                       # private PipeWire + WirePlumber
        d = h.start_daemon(pipewire=pw)               # daemon uses that PipeWire
        bob = h.start_baresip(kam, 'bob', 'secret', tone=660)   # auto-answering peer
        uas = h.sipp('uas_busy', register=(kam, 'carol', 'pw')) # sipp scenario

The Virtual Office service (service.py, mail.py): the reference service
(tests/service/vo-service) over HTTPS with the harness's test CA, writing
kamailio's subscriber and vo_forwarding tables, and an aiosmtpd sink for its
mail:

        mail = MailSink()
        svc = Service(kam, mail); svc.start()
        svc.add_user('alice', 'pw', email='alice@example.test', extension='201')
        c.sign_in('alice', 'pw', service=svc.url)   # with [service] ca-file = svc.ca_file

baresip as a bare user agent (registration only, or with modules; the peer
above drives one) is baresip.py. Benchmarks (tests/bench) measure with
measure.py: Results, VmRSS/Pss from /proc, timed() D-Bus calls, summaries.

Everything runs on ephemeral ports in a private temp folder and is torn down
by Harness.close() (also at interpreter exit, and children die with the
parent through PR_SET_PDEATHSIG).

Environment: VO_DAEMON, VO_CTL (binaries), VO_DAEMON_WRAPPER (e.g.
"valgrind --error-exitcode=99"), VO_TEST_TIMEOUT_SCALE (multiplies timeouts;
defaults to 5 under a wrapper), VO_TEST_KEEP=1 keeps the temp folder.

Use /usr/bin/python3 (python3-gi and python3-dbusmock are Debian packages).
"""

import os
import shutil
import tempfile

from . import util
from .bus import DBusDaemon
from .client import (ACCOUNT, SETTINGS, BUS_NAME, OBJECT_PATH, DBusCallError, VoClient,
                     pump)
from .daemon import DEFAULT_SIP, VoDaemon, daemon_path
from .kamailio import Kamailio, KamailioError, parse_ul_dump
from .nm import MockNetworkManager
from .pipewire import MIC, RING, SPEAKER, PipeWire, PipeWireError
from .sip import RegisterClient
from .util import free_port, scaled, wait_until
from .voctl import VoCtl, voctl_path

__all__ = [
    'Harness', 'DBusDaemon', 'VoClient', 'DBusCallError', 'VoDaemon', 'Kamailio',
    'KamailioError', 'MockNetworkManager', 'RegisterClient', 'VoCtl', 'ACCOUNT', 'SETTINGS',
    'BUS_NAME', 'OBJECT_PATH', 'DEFAULT_SIP', 'daemon_path', 'voctl_path', 'free_port',
    'scaled', 'wait_until', 'pump', 'parse_ul_dump', 'ERR', 'util',
    'PipeWire', 'PipeWireError', 'MIC', 'SPEAKER', 'RING',
]


class ERR:
    """D-Bus error names of the contract."""
    P = 'org.virtualoffice.Error.'
    NotSignedIn = P + 'NotSignedIn'
    NotRegistered = P + 'NotRegistered'
    NotFound = P + 'NotFound'
    NotSupported = P + 'NotSupported'
    InvalidState = P + 'InvalidState'
    InvalidArgument = P + 'InvalidArgument'
    NetworkPolicy = P + 'NetworkPolicy'
    AuthFailed = P + 'AuthFailed'
    Network = P + 'Network'
    PermissionDenied = P + 'PermissionDenied'
    Busy = P + 'Busy'
    Failed = P + 'Failed'
    InvalidArgs = 'org.freedesktop.DBus.Error.InvalidArgs'


class Harness:
    """Owns a temp folder and every process started through it."""

    def __init__(self, workdir=None, keep=None):
        # Short path: unix socket paths must stay under 108 bytes.
        self.workdir = workdir or tempfile.mkdtemp(prefix='vo-it-', dir='/tmp')
        os.makedirs(self.workdir, exist_ok=True)
        self.keep = keep if keep is not None else bool(os.environ.get('VO_TEST_KEEP'))
        self._session_bus = None
        self._system_bus = None
        self.nm = None
        self.kamailios = []
        self.daemons = []
        self.clients = []
        self.monitors = []
        self._voctl = None
        self.pipewires = []
        self.peers = []     # baresip peers and sipp runs (anything with .stop())

    # -- buses ---------------------------------------------------------------
    @property
    def session_bus(self):
        if self._session_bus is None:
            self._session_bus = DBusDaemon(os.path.join(self.workdir, 'bus'), 'session').start()
        return self._session_bus

    @property
    def system_bus(self):
        if self._system_bus is None:
            self._system_bus = DBusDaemon(os.path.join(self.workdir, 'bus'), 'system').start()
        return self._system_bus

    def start_network_manager(self, kind='wifi'):
        """python3-dbusmock NetworkManager on the private system bus."""
        if self.nm is None:
            self.nm = MockNetworkManager(self.system_bus, self.workdir, kind).start()
        else:
            self.nm.set_connection(kind)
        return self.nm

    # -- kamailio ----------------------------------------------------------------
    def start_kamailio(self, users=None, domains=('vo.test',), defines=(), start=True, **kw):
        """Kamailio with {user: password} subscribers. start=False only
        prepares it (the port is reserved in the config; call .start() later)."""
        n = len(self.kamailios) + 1
        kam = Kamailio(os.path.join(self.workdir, f'kam{n}'), domains=domains,
                       defines=defines, **kw)
        for user, password in (users or {}).items():
            kam.add_user(user, password)
        self.kamailios.append(kam)
        if start:
            kam.start()
        return kam

    # -- daemon ------------------------------------------------------------
    def daemon(self, sip=None, settings=None, system_bus=True, start=True, wait=True,
               pipewire=None, **kw):
        """A vo-daemon on the private session bus. system_bus=False gives it no
        system bus at all (DBUS_SYSTEM_BUS_ADDRESS points nowhere). pipewire=
        a PipeWire (start_pipewire()) the daemon's audio goes to."""
        if pipewire is not None:
            kw['extra_env'] = {**pipewire.env_vars(), **(kw.get('extra_env') or {})}
        name = 'daemon' if not self.daemons else f'daemon{len(self.daemons) + 1}'
        d = VoDaemon(self.workdir, self.session_bus.address,
                     self.system_bus.address if system_bus else None,
                     sip=sip, settings=settings, name=name, **kw)
        self.daemons.append(d)
        if start:
            d.start(wait=wait)
        return d

    start_daemon = daemon

    def client(self):
        c = VoClient(self.session_bus.address)
        self.clients.append(c)
        return c

    @property
    def voctl(self):
        if self._voctl is None:
            self._voctl = VoCtl(self.session_bus.address, self.workdir)
        return self._voctl

    def monitor(self, *args):
        m = self.voctl.monitor(*args)
        self.monitors.append(m)
        return m

    # -- media -------------------------------------------------------------
    def start_pipewire(self, wireplumber=True, start=True):
        """A private PipeWire (own runtime dir, null devices MIC/SPEAKER/RING)
        with a minimal WirePlumber on the private session bus."""
        n = len(self.pipewires) + 1
        pw = PipeWire(self.workdir, name='pipewire' if n == 1 else f'pipewire{n}',
                      session_bus=self.session_bus.address, wireplumber=wireplumber)
        self.pipewires.append(pw)
        if start:
            pw.start()
        return pw

    def start_baresip(self, kamailio, user, password, **kw):
        """A baresip peer registered at kamailio (see peers.BaresipPeer)."""
        from .peers import BaresipPeer
        peer = BaresipPeer(self.workdir, kamailio, user, password, **kw)
        self.peers.append(peer)
        peer.start()
        return peer

    def start_linphone(self, kamailio, user, password, **kw):
        """A linphone-daemon peer registered at kamailio (see peers.LinphonePeer)."""
        from .peers import LinphonePeer
        peer = LinphonePeer(self.workdir, kamailio, user, password, **kw)
        self.peers.append(peer)
        peer.start()
        return peer

    def sipp(self, scenario, **kw):
        """A sipp run of tests/fixtures/sipp/<scenario>.xml (see peers.Sipp)."""
        from .peers import Sipp
        s = Sipp(self.workdir, scenario, **kw)
        self.peers.append(s)
        s.start()
        return s

    # -- teardown -------------------------------------------------------------
    def close(self, failed=False):
        errors = []

        def attempt(fn):
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - teardown must go on
                errors.append(e)
        for m in self.monitors:
            attempt(m.stop)
        for d in self.daemons:
            attempt(d.stop)
        for c in self.clients:
            attempt(c.close)
        for p in self.peers:
            attempt(p.stop)
        for pw in self.pipewires:
            attempt(pw.stop)
        for k in self.kamailios:
            attempt(k.stop)
        if self.nm is not None:
            attempt(self.nm.stop)
        for b in (self._session_bus, self._system_bus):
            if b is not None:
                attempt(b.stop)
        if not (failed or self.keep):
            shutil.rmtree(self.workdir, ignore_errors=True)
        if errors:
            raise errors[0]

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        self.close(failed=exc_type is not None)
