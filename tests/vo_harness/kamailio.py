"""Kamailio registrar on an ephemeral loopback port, from tests/fixtures/kamailio.cfg.in."""

import glob
import os
import re
import socket
import sqlite3
import subprocess
import tempfile
import time

from . import util

TEMPLATE = os.path.join(util.REPO_ROOT, 'tests', 'fixtures', 'kamailio.cfg.in')
SCHEMA_DIR = '/usr/share/kamailio/db_sqlite'
# Tables the config may use (standard first: it creates `version`).
SCHEMAS = ('standard', 'auth_db', 'usrloc', 'registrar', 'msilo', 'presence', 'alias_db')
# Forwarding rules: the reference service writes them, the cfg reads them (sqlops).
# Made here too, so kamailio starts without the service.
FORWARDING_SCHEMA = os.path.join(util.REPO_ROOT, 'tests', 'service', 'server',
                                 'vo_forwarding-create.sql')


class KamailioError(RuntimeError):
    pass


class Kamailio(util.ChildProcess):
    """One kamailio instance.

    The port is chosen once (free for UDP and TCP on 127.0.0.1) and kept across
    stop()/start(), so a restart comes back on the same address. usrloc is in
    memory: a restart forgets every contact. Users live in a flat namespace
    (use_domain=0), so any SIP domain (e.g. 'vo.test' or '127.0.0.1') works with
    registrar 127.0.0.1:PORT.
    """

    def __init__(self, workdir=None, port=None, host='127.0.0.1', domains=('vo.test',),
                 defines=(), min_expires=1, shm_mb=64, pkg_mb=8, tls_cert=None, tls_key=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix='vo-kamailio-')
        os.makedirs(self.workdir, exist_ok=True)
        self.host = host
        self.port = port or util.free_port(host)
        self.domains = tuple(domains)
        self.defines = tuple(defines)
        self.min_expires = min_expires
        self.shm_mb = shm_mb
        self.pkg_mb = pkg_mb
        # WITH_TLS: SIP over TLS on a second port with this server certificate.
        self.tls_port = util.free_port(host) if 'WITH_TLS' in self.defines else None
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.cfg = os.path.join(self.workdir, 'kamailio.cfg')
        self.db = os.path.join(self.workdir, 'kamailio.sqlite')
        self.ctl_socket = os.path.join(self.workdir, 'kamailio_ctl')
        self.rundir = os.path.join(self.workdir, 'run')
        self.log = os.path.join(self.workdir, 'kamailio.log')
        self.proc = None
        self.starts = 0
        util.register_log(f'kamailio log ({self.log})', self.log)
        self._create_db()

    # -- addresses -------------------------------------------------------
    @property
    def hostport(self):
        """What a client passes as registrar: '127.0.0.1:PORT'."""
        return f'{self.host}:{self.port}'

    @property
    def tls_hostport(self):
        """The TLS listener (WITH_TLS): '127.0.0.1:TLSPORT'."""
        return f'{self.host}:{self.tls_port}'

    # -- configuration and DB --------------------------------------------
    def _render(self):
        with open(TEMPLATE) as f:
            text = f.read()
        aliases = '\n'.join(f'alias="{d}"' for d in self.domains if d != self.host)
        subst = {
            '@LISTEN_ADDR@': self.host,
            '@PORT@': str(self.port),
            '@DBURL@': f'sqlite:///{self.db}',
            '@CTL_SOCKET@': self.ctl_socket,
            '@MIN_EXPIRES@': str(self.min_expires),
            '@ALIASES@': aliases,
            '@TLS_PORT@': str(self.tls_port or 0),
            '@TLS_CFG@': os.path.join(self.workdir, 'tls.cfg'),
        }
        if self.tls_port:
            if not (self.tls_cert and self.tls_key):
                raise KamailioError('WITH_TLS needs tls_cert and tls_key')
            with open(subst['@TLS_CFG@'], 'w') as f:
                f.write('[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\n'
                        'require_certificate = no\n'
                        f'certificate = {self.tls_cert}\nprivate_key = {self.tls_key}\n\n'
                        '[client:default]\nverify_certificate = no\n'
                        'require_certificate = no\n')
        for key, value in subst.items():
            text = text.replace(key, value)
        left = re.findall(r'@[A-Z_]+@', text)
        if left:
            raise KamailioError(f'unreplaced tokens in {TEMPLATE}: {sorted(set(left))}')
        with open(self.cfg, 'w') as f:
            f.write(text)

    def _create_db(self):
        if os.path.exists(self.db):
            return
        con = sqlite3.connect(self.db)
        try:
            for name in SCHEMAS:
                path = os.path.join(SCHEMA_DIR, f'{name}-create.sql')
                if os.path.exists(path):
                    with open(path) as f:
                        con.executescript(f.read())
            with open(FORWARDING_SCHEMA) as f:
                con.executescript(f.read())
            con.commit()
        finally:
            con.close()

    def add_user(self, user, password, domain=''):
        """Create (or replace) a subscriber with a plain password."""
        con = sqlite3.connect(self.db, timeout=10)
        try:
            con.execute('INSERT OR REPLACE INTO subscriber (username, domain, password) '
                        'VALUES (?, ?, ?)', (user, domain or (self.domains[0] if self.domains else
                                                              self.host), password))
            con.commit()
        finally:
            con.close()

    def set_password(self, user, password):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            con.execute('UPDATE subscriber SET password=? WHERE username=?', (password, user))
            con.commit()
        finally:
            con.close()

    def remove_user(self, user):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            con.execute('DELETE FROM subscriber WHERE username=?', (user,))
            con.commit()
        finally:
            con.close()

    # -- process -------------------------------------------------------
    def start(self, timeout=15.0):
        if self.running:
            return self
        self._render()
        os.makedirs(self.rundir, exist_ok=True)
        if os.path.exists(self.ctl_socket):
            os.unlink(self.ctl_socket)
        argv = ['kamailio', '-f', self.cfg, '-DD', '-E', '-Y', self.rundir, '-w', self.rundir,
                '-m', str(self.shm_mb), '-M', str(self.pkg_mb), '-a', 'no']
        for d in self.defines:
            argv += ['-A', d]
        self.starts += 1
        with open(self.log, 'ab') as logf:
            logf.write(f'\n===== kamailio start #{self.starts} on {self.hostport} '
                       f'({time.strftime("%H:%M:%S")}) =====\n'.encode())
            logf.flush()
            self.proc = util.spawn(argv, stdout=logf, stderr=logf)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                util.terminate(self.proc)
                self.proc = None
                raise KamailioError(f'kamailio exited with {rc} during start-up:\n'
                                    + util.tail(self.log, 40))
            if os.path.exists(self.ctl_socket) and self._answers() and self._tcp_open():
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise KamailioError('kamailio did not come up in time:\n' + util.tail(self.log, 40))
            time.sleep(0.05)

    def _answers(self):
        try:
            r = subprocess.run(['kamcmd', '-s', f'unix:{self.ctl_socket}', 'core.uptime'],
                               capture_output=True, timeout=5, text=True)
        except subprocess.TimeoutExpired:
            return False
        return r.returncode == 0

    def _tcp_open(self):
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self, timeout=10.0):
        """Stop kamailio (SIGTERM; SIGKILL after timeout). The port is kept."""
        if self.proc is None:
            return
        util.terminate(self.proc, timeout=timeout)
        self.proc = None
        for path in [self.ctl_socket] + glob.glob(os.path.join(self.rundir, '*')):
            try:
                os.unlink(path)
            except OSError:
                pass

    def restart(self):
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- RPC ---------------------------------------------------------------
    def kamcmd(self, *args, timeout=10):
        r = subprocess.run(['kamcmd', '-s', f'unix:{self.ctl_socket}', *args],
                           capture_output=True, timeout=timeout, text=True)
        if r.returncode != 0:
            raise KamailioError(f'kamcmd {" ".join(args)} failed ({r.returncode}): '
                                f'{r.stdout}{r.stderr}')
        return r.stdout

    def ul_dump(self):
        """{aor: [contact dict, ...]} from `kamcmd ul.dump` (location table)."""
        return parse_ul_dump(self.kamcmd('ul.dump'))

    def contacts(self, user, include_expired=False):
        """The live contacts the registrar holds for user ('alice' or 'alice@dom')."""
        user = user.split('@', 1)[0]
        if user.startswith('sip:'):
            user = user[4:]
        out = []
        for aor, contacts in self.ul_dump().items():
            if aor.split('@', 1)[0] != user:
                continue
            for c in contacts:
                if include_expired or not c.get('_expired'):
                    out.append(c)
        return out

    def wait_contacts(self, user, present=True, timeout=10.0):
        """Wait until user has (present=True) or has no (False) live contact."""
        def check():
            cs = self.contacts(user)
            if present:
                return cs or None
            return not cs
        return util.wait_until(check, util.scaled(timeout),
                               interval=0.1,
                               what=f'registrar contacts of {user} to be '
                                    f'{"present" if present else "gone"}')


def parse_ul_dump(text):
    """Parse kamcmd's ul.dump output into {aor: [contact, ...]}.

    kamcmd prints nested structures as `{ ... }` blocks of `Key: value` lines.
    We read it line by line: every `AoR:` starts a record, every `Address:`
    starts a contact whose following `Key: value` lines belong to it.
    """
    result = {}
    aor = None
    contact = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line in ('{', '}') or ':' not in line:
            continue
        key, _, value = line.partition(':')
        key = key.strip()
        value = value.strip()
        if value == '{':
            if key not in ('Contact', 'Contacts'):
                contact = None
            continue
        if key == 'AoR':
            aor = value
            result.setdefault(aor, [])
            contact = None
        elif key == 'Address' and aor is not None:
            contact = {'Address': value}
            result[aor].append(contact)
        elif contact is not None:
            contact[key] = value
            if key == 'Expires':
                contact['_expired'] = value in ('deleted', 'expired') or (
                    value.lstrip('-').isdigit() and int(value) <= 0 and value != '0')
    return result
