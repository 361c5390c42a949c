"""The reference Virtual Office service (tests/service/vo-service) beside a kamailio.

    mail = MailSink()
    svc = Service(kam, mail).start()      # test CA + server certificate for 127.0.0.1
    alice = svc.add_user('alice', 'Alice-pw-1', email='alice@example.test')
    alice['sip-account']['password']      # what kamailio's subscriber row holds
    c = svc.client()                      # HTTPS client trusting svc.ca_file
    r = c.post('/v1/session', {'username': 'alice', 'password': 'Alice-pw-1'})
    svc.faults('500', paths=['/v1/me'], count=1)
    svc.generate_directory(10000, photos=100)   # colleagues gen00001...
    svc.put_directory_entry('dora', display_name='Dora Zoë', numbers=['+31201110000'])
    items, deleted, token, pages = c.directory(since=None, limit=500)
    svc.restart()                          # same port, same state
"""

import http.client
import json
import os
import secrets
import sqlite3
import ssl
import tempfile
import time
import urllib.parse

from . import util
from .tlsca import TestCA

SERVICE = os.path.join(util.REPO_ROOT, 'tests', 'service', 'vo-service')
PYTHON = '/usr/bin/python3'
READY = 'vo-service listening on '


class ServiceError(RuntimeError):
    pass


def _quoted(path_segment):
    return urllib.parse.quote(path_segment, safe='')


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers      # http.client.HTTPMessage (case-insensitive)
        self.body = body

    def json(self):
        return json.loads(self.body)

    @property
    def problem_type(self):
        """The last path segment of a problem+json `type` ('invalid-token'...)."""
        return self.json()['type'].rsplit('/', 1)[-1]

    def __repr__(self):
        return f'<Response {self.status} {self.body[:200]!r}>'


class ServiceClient:
    """A small HTTPS client for tests of the service itself: one connection per
    request, the certificate verified against ca_file."""

    def __init__(self, url, ca_file, token=None, timeout=10):
        self.host, _, port = url.split('://', 1)[1].partition(':')
        self.port = int(port)
        self.context = ssl.create_default_context(cafile=ca_file)
        self.token = token
        self.timeout = timeout

    def request(self, method, path, body=None, data=None, headers=None, token=None,
                content_type=None):
        """body: a JSON value; data: raw bytes (with content_type). token: a
        bearer token for this request (default: the client's own, if any)."""
        headers = dict(headers or {})
        token = token or self.token
        if token:
            headers['Authorization'] = f'Bearer {token}'
        if body is not None:
            data = json.dumps(body).encode()
            content_type = content_type or 'application/json'
        if content_type:
            headers['Content-Type'] = content_type
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context,
                                           timeout=util.scaled(self.timeout))
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def directory(self, since=None, limit=None):
        """Every page of GET /v1/directory (following `next`): (items by id,
        deleted ids, sync token, number of pages)."""
        query = {k: v for k, v in (('since', since), ('limit', limit)) if v is not None}
        path = '/v1/directory' + ('?' + urllib.parse.urlencode(query) if query else '')
        items, deleted, pages = {}, [], 0
        while path:
            r = self.get(path)
            if r.status != 200:
                raise ServiceError(f'GET {path} failed: {r}')
            page = r.json()
            pages += 1
            items.update((item['id'], item) for item in page['items'])
            deleted += page['deleted']
            path = page['next']
        return items, deleted, page['sync-token'], pages

    def post(self, path, body=None, **kw):
        return self.request('POST', path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request('PUT', path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    def sign_in(self, username, password):
        """POST /v1/session; on success the client uses the access token. Returns
        the session body (tokens)."""
        r = self.post('/v1/session', {'username': username, 'password': password})
        if r.status != 201:
            raise ServiceError(f'sign-in of {username} failed: {r}')
        session = r.json()
        self.token = session['access-token']
        return session


class Service(util.ChildProcess):
    """tests/service/vo-service on an ephemeral port, provisioning into kamailio's DB."""

    def __init__(self, kamailio, mail, workdir=None, domain='vo.test', ca=None,
                 access_ttl=None, admin_token=None, tls_cert=None, tls_key=None,
                 public_url=None):
        self.kamailio = kamailio
        self.mail = mail
        self.workdir = workdir or tempfile.mkdtemp(prefix='vo-service-')
        os.makedirs(self.workdir, exist_ok=True)
        self.domain = domain
        self.access_ttl = access_ttl
        self.admin_token = admin_token or secrets.token_hex(16)
        self.host = '127.0.0.1'
        self.port = util.free_port(self.host)
        self.public_url = public_url
        self.state_dir = os.path.join(self.workdir, 'state')
        self.log = os.path.join(self.workdir, 'vo-service.log')
        if tls_cert and tls_key:
            if ca is None:
                raise ServiceError('with tls_cert/tls_key, pass the ca= that signed them')
            self.tls_cert, self.tls_key = tls_cert, tls_key
        else:
            ca = ca or TestCA(os.path.join(self.workdir, 'ca'))
            self.tls_cert, self.tls_key = ca.server(f'service-{self.port}',
                                                   dns=('localhost',), ips=(self.host,))
        self.ca = ca
        self.proc = None
        self.starts = 0
        util.register_log(f'vo-service log ({self.log})', self.log)

    @property
    def url(self):
        return f'https://{self.host}:{self.port}'

    @property
    def ca_file(self):
        """PEM of the CA that signed the server certificate."""
        return self.ca.cert

    def argv(self):
        args = [PYTHON, SERVICE, '--listen', f'{self.host}:{self.port}',
                '--tls-cert', self.tls_cert, '--tls-key', self.tls_key,
                '--state', self.state_dir, '--kamailio-db', self.kamailio.db,
                '--sip-domain', self.domain, '--registrar', self.kamailio.hostport,
                '--smtp', self.mail.hostport, f'--admin-token={self.admin_token}']
        if self.access_ttl:
            args += ['--access-ttl', str(self.access_ttl)]
        if self.public_url:
            args += ['--public-url', self.public_url]
        return args

    # -- process -----------------------------------------------------------
    def start(self, timeout=15.0):
        if self.running:
            return self
        os.makedirs(self.state_dir, exist_ok=True)
        self.starts += 1
        with open(self.log, 'ab') as logf:
            logf.write(f'\n===== vo-service start #{self.starts} on {self.url} '
                       f'({time.strftime("%H:%M:%S")}) =====\n'.encode())
            offset = logf.tell()
            logf.flush()
            self.proc = util.spawn(self.argv(), stdout=logf, stderr=logf)

        def ready():
            if self.proc.poll() is not None:
                raise ServiceError(f'vo-service exited with {self.proc.returncode}:\n'
                                   + util.tail(self.log, 40))
            # offset counts bytes: read bytes (the log may hold non-ASCII paths).
            with open(self.log, 'rb') as logf:
                logf.seek(offset)
                return READY.encode() in logf.read()
        try:
            util.wait_until(ready, util.scaled(timeout), interval=0.02,
                            what='vo-service to listen')
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self, timeout=10.0):
        """SIGTERM; returns the exit code. The port and state are kept."""
        if self.proc is None:
            return None
        rc = util.terminate(self.proc, timeout=timeout)
        self.proc = None
        return rc

    def restart(self):
        self.stop()
        return self.start()

    # -- clients -----------------------------------------------------------
    def client(self, token=None):
        return ServiceClient(self.url, self.ca_file, token=token)

    def _admin(self, method, path, body=None, expect=(200, 201, 204)):
        r = self.client(token=self.admin_token).request(method, path, body=body)
        if r.status not in expect:
            raise ServiceError(f'{method} {path} failed: {r}')
        return r

    def add_user(self, username, password, email=None, display_name=None, extension=None,
                 company=None, department=None, mobile=None):
        """Create the user (and their SIP account in kamailio); returns the
        service's answer: the profile of /v1/me plus 'sip-account'."""
        body = {'username': username, 'password': password}
        for key, value in (('email', email), ('display-name', display_name),
                           ('extension', extension), ('company', company),
                           ('department', department), ('mobile', mobile)):
            if value is not None:
                body[key] = value
        return self._admin('POST', '/admin/v1/users', body).json()

    def update_user(self, username, **fields):
        """PATCH /admin/v1/users/USER: display_name=..., email=... (any profile
        field; emits me.changed), password=..., disabled=True/False (True ends
        the user's sessions), rotate_sip_password=True (a new SIP password in
        kamailio; emits sip-account.changed). Returns the answer of add_user."""
        body = {key.replace('_', '-'): value for key, value in fields.items()}
        return self._admin('PATCH', f'/admin/v1/users/{username}', body).json()

    def delete_user(self, username):
        self._admin('DELETE', f'/admin/v1/users/{username}')

    def revoke(self, username):
        """End every session of the user (open event sockets close 4403)."""
        self._admin('POST', f'/admin/v1/users/{username}/revoke')

    # -- the company directory (docs/service-api.md §9, §12) -------------
    def put_directory_entry(self, entry_id, **fields):
        """Create or replace a directory-only colleague: display_name=...,
        extension=..., sip_uri=..., numbers=[...], emails=[...], company=...,
        department=... Returns the item of GET /v1/directory. Emits
        directory.changed."""
        body = {key.replace('_', '-'): value for key, value in fields.items()}
        return self._admin('PUT', f'/admin/v1/directory/{_quoted(entry_id)}', body).json()

    def delete_directory_entry(self, entry_id):
        self._admin('DELETE', f'/admin/v1/directory/{_quoted(entry_id)}')

    def set_directory_photo(self, entry_id, data):
        """data: PNG or JPEG bytes, or None to remove the photo. A user's
        photo is their own (/v1/me/photo)."""
        path = f'/admin/v1/directory/{_quoted(entry_id)}/photo'
        if data is None:
            self._admin('DELETE', path)
            return
        kind = 'image/png' if data.startswith(b'\x89PNG') else 'image/jpeg'
        r = self.client(token=self.admin_token).request('PUT', path, data=data,
                                                        content_type=kind)
        if r.status != 200:
            raise ServiceError(f'PUT {path} failed: {r}')

    def generate_directory(self, count, photos=0, seed=1, prefix='gen', first=1):
        """`count` generated colleagues PREFIX00001... (numbered from
        `first`; the first `photos` with a PNG), the same for the same seed,
        in one transaction and one directory.changed. Returns their ids."""
        body = {'count': count, 'photos': photos, 'seed': seed, 'prefix': prefix,
                'first': first}
        return self._admin('POST', '/admin/v1/directory/generate', body).json()['ids']

    def expire_directory_sync_tokens(self):
        """Every sync token handed out answers 410 sync-token-expired from now on."""
        self._admin('POST', '/admin/v1/directory/expire-sync-tokens')

    def faults(self, mode, paths=None, count=None):
        """Make the next `count` (default all) client requests under `paths`
        (default every /v1/ path) misbehave: garbage-json, wrong-shape, 500,
        truncated, hang, or none."""
        body = {'mode': mode}
        if paths is not None:
            body['paths'] = list(paths)
        if count is not None:
            body['count'] = count
        self._admin('POST', '/admin/v1/faults', body)

    def forwarding_rows(self, username):
        """{condition: (enabled, target, timeout)} from kamailio's vo_forwarding."""
        con = sqlite3.connect(self.kamailio.db, timeout=10)
        try:
            rows = con.execute('SELECT condition, enabled, target, timeout FROM vo_forwarding '
                               'WHERE username=?', (username,)).fetchall()
        finally:
            con.close()
        return {c: (bool(e), t, to) for c, e, t, to in rows}

    def subscriber(self, username):
        """kamailio's subscriber row of the user: (username, domain, password) or None."""
        con = sqlite3.connect(self.kamailio.db, timeout=10)
        try:
            return con.execute('SELECT username, domain, password FROM subscriber '
                               'WHERE username=?', (username,)).fetchone()
        finally:
            con.close()
