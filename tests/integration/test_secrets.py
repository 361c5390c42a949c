"""The password never shows up in vo.conf, the database, the log or on D-Bus;
the fallback credentials file is private (0600)."""

import hashlib
import os
import stat

import pytest

from conftest import DOMAIN, USER
from vo_harness import ACCOUNT, SETTINGS, pump

# A password that cannot appear by accident; also checked in hex and base64-ish
# forms that a careless log line might print.
SECRET = 'Zq9-unguessable-Pw-5e1d'


def all_bus_strings(client):
    """Every string the daemon exposes as a property on its objects."""
    out = []

    def walk(v):
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
    walk(client.get_all(ACCOUNT))
    walk(client.get_all(SETTINGS))
    try:
        walk(client.managed_objects())
    except Exception:  # noqa: BLE001 - covered by test_introspection
        pass
    pump(0.2)
    walk([c[2] for c in client.changes])
    return out


def files_under(*dirs):
    for d in dirs:
        for root, _dirs, files in os.walk(d):
            for f in files:
                yield os.path.join(root, f)


def assert_secret_nowhere(h, client, allow_credentials=True):
    d = h.daemons[0]
    leaks = []
    for path in files_under(d.config_dir, d.data_dir, d.home):
        if allow_credentials and path == d.credentials_path:
            continue
        with open(path, 'rb') as f:
            data = f.read()
        if SECRET.encode() in data or SECRET.encode().hex().encode() in data:
            leaks.append(path)
    if SECRET in d.log_text():
        leaks.append(d.log)
    if any(SECRET in s for s in all_bus_strings(client)):
        leaks.append('a D-Bus property')
    assert not leaks, f'password found in: {leaks}'


@pytest.fixture
def kam_secret(h):
    return h.start_kamailio(users={USER: SECRET})


def test_password_not_leaked_when_signed_in(h, kam_secret):
    h.daemon()          # --verbose: debug logging on
    client = h.client()
    client.sign_in(USER, SECRET, registrar=kam_secret.hostport, domain=DOMAIN,
                   display_name='Alice Example')
    assert client.account('Registration') == 'registered'
    assert_secret_nowhere(h, client)
    d = h.daemons[0]
    assert SECRET not in d.conf_text()
    # Credentials fall back to a private file (no Secret Service on the test bus).
    assert os.path.exists(d.credentials_path), os.listdir(d.config_dir)
    mode = stat.S_IMODE(os.stat(d.credentials_path).st_mode)
    assert mode == 0o600, oct(mode)
    # Restart (signs in again from the stored password), still no leak.
    assert d.restart() == 0
    c2 = h.client()
    c2.wait_registration('registered', timeout=15)
    assert_secret_nowhere(h, c2)
    mode = stat.S_IMODE(os.stat(d.credentials_path).st_mode)
    assert mode == 0o600, oct(mode)


def test_wrong_password_is_not_stored(h, kam_secret):
    h.daemon()
    client = h.client()
    wrong = SECRET[::-1]
    with pytest.raises(Exception):
        client.sign_in(USER, wrong, registrar=kam_secret.hostport, domain=DOMAIN)
    d = h.daemons[0]
    for path in files_under(d.config_dir, d.data_dir, d.home):
        with open(path, 'rb') as f:
            assert wrong.encode() not in f.read(), f'refused password stored in {path}'
    assert wrong not in d.log_text()
    assert not any(wrong in s for s in all_bus_strings(client))


def test_password_gone_after_sign_out(h, kam_secret):
    h.daemon()
    client = h.client()
    client.sign_in(USER, SECRET, registrar=kam_secret.hostport, domain=DOMAIN)
    client.sign_out()
    d = h.daemons[0]
    assert_secret_nowhere(h, client, allow_credentials=False)
    assert d.restart() == 0
    assert_secret_nowhere(h, h.client(), allow_credentials=False)


def test_credentials_file_mode_with_permissive_umask(h, kam_secret):
    """Even under umask 000 the credentials file is created 0600."""
    h.daemon(umask=0o000)
    d = h.daemons[0]
    client = h.client()
    client.sign_in(USER, SECRET, registrar=kam_secret.hostport, domain=DOMAIN)
    mode = stat.S_IMODE(os.stat(d.credentials_path).st_mode)
    assert mode == 0o600, oct(mode)
    for path in (d.conf_path,):
        assert not stat.S_IMODE(os.stat(path).st_mode) & 0o002, f'{path} world-writable'


def test_sofia_debug_log_holds_no_secret(h, kam_secret):
    """VO_SOFIA_DEBUG=9 (someone debugging SIP): neither the password nor the
    digest HA1 (as good as the password to a registrar) reaches the log, for
    a refused password or the right one, before or after SignOut."""
    d = h.daemon(extra_env={'VO_SOFIA_DEBUG': '9'})
    client = h.client()
    wrong = SECRET[::-1]
    with pytest.raises(Exception):
        client.sign_in(USER, wrong, registrar=kam_secret.hostport, domain=DOMAIN)
    client.sign_in(USER, SECRET, registrar=kam_secret.hostport, domain=DOMAIN)
    assert client.account('Registration') == 'registered'
    client.sign_out()
    assert d.stop() == 0
    log = d.log_text()
    assert 'sofia: nta: sent REGISTER' in log, 'no Sofia trace in the log'
    for password in (SECRET, wrong):
        ha1 = hashlib.md5(f'{USER}:{DOMAIN}:{password}'.encode()).hexdigest()
        assert password not in log, 'password in the Sofia debug log'
        assert ha1 not in log, 'digest HA1 in the Sofia debug log'
