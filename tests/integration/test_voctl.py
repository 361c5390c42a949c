"""vo-ctl flows against a real daemon and kamailio."""

import json
import re

import pytest

from conftest import DOMAIN, PASSWORD, USER
from vo_harness import SETTINGS


def norm(key):
    return re.sub(r'[\s_-]', '', key).lower()


def parse_status(text):
    out = {}
    for line in text.splitlines():
        if ':' in line:
            k, _, v = line.partition(':')
            out[norm(k)] = v.strip()
    return out


def assert_clean_error(r, *words):
    """Non-zero exit, a message on stderr without any D-Bus error prefix."""
    assert r.returncode != 0, f'expected failure, got 0: {r.stdout!r}'
    err = r.stderr.strip()
    assert err, 'no error message on stderr'
    for prefix in ('GDBus.Error', 'org.virtualoffice.Error', 'org.freedesktop.DBus.Error'):
        assert prefix not in err, f'D-Bus prefix in message: {err!r}'
    for w in words:
        assert w.lower() in err.lower(), f'{w!r} not in {err!r}'


def sign_in(h, kam, password=PASSWORD, *extra):
    return h.voctl.run('sign-in', USER, '--registrar', kam.hostport, '--domain', DOMAIN,
                       *extra, '--password-stdin', input=password + '\n')


def test_status_signed_out(h, daemon):
    out = h.voctl.ok('status')
    st = parse_status(out)
    assert st.get('state') == 'signed-out', out
    assert st.get('registration') == 'unregistered', out
    for key in ('lasterror', 'networktype', 'callsallowed'):
        assert key in st, f'{key} missing in status:\n{out}'


@pytest.mark.parametrize('argv', [('--json', 'status'), ('status', '--json')])
def test_status_json(h, daemon, argv):
    out = h.voctl.ok(*argv)
    data = json.loads(out)
    for key in ('state', 'registration', 'last-error', 'username', 'display-name', 'sip-uri',
                'capabilities', 'network-type', 'calls-allowed'):
        assert key in data, f'{key} missing: {data}'
    assert data['state'] == 'signed-out'
    assert data['registration'] == 'unregistered'
    assert data['capabilities'] == ['registration', 'calls', 'history', 'presence', 'messages']
    assert isinstance(data['calls-allowed'], bool)


def test_sign_in_wait_status_sign_out(h, kam, daemon):
    client = h.client()
    r = sign_in(h, kam, PASSWORD, '--display-name', 'Alice Example')
    assert r.returncode == 0, r
    assert PASSWORD not in r.stdout + r.stderr
    h.voctl.ok('wait', 'registered', '--timeout', '10')
    kam.wait_contacts(USER, timeout=5)
    assert client.account('Registration') == 'registered'
    assert client.account('DisplayName') == 'Alice Example'

    st = parse_status(h.voctl.ok('status'))
    assert st['state'] == 'signed-in'
    assert st['registration'] == 'registered'
    data = json.loads(h.voctl.ok('--json', 'status'))
    assert data['registration'] == 'registered'
    assert data['sip-uri'].startswith(f'sip:{USER}@{DOMAIN}'), data
    assert data['display-name'] == 'Alice Example'

    h.voctl.ok('sign-out')
    kam.wait_contacts(USER, present=False, timeout=5)
    assert client.account('State') == 'signed-out'
    assert parse_status(h.voctl.ok('status'))['state'] == 'signed-out'


def test_sign_in_tcp_transport(h, kam, daemon):
    r = sign_in(h, kam, PASSWORD, '--transport', 'tcp')
    assert r.returncode == 0, r
    contacts = kam.wait_contacts(USER, timeout=5)
    assert any(c.get('Socket', '').startswith('tcp:') for c in contacts), contacts


def test_sign_in_wrong_password(h, kam, daemon):
    r = sign_in(h, kam, 'wrong-password')
    assert r.returncode == 1, r
    assert_clean_error(r, 'password')
    r = h.voctl.run('wait', 'registered', '--timeout', '3')
    assert_clean_error(r)
    assert 'password' in (r.stderr + r.stdout).lower(), r


def test_sign_in_bad_transport(h, kam, daemon):
    r = sign_in(h, kam, PASSWORD, '--transport', 'pigeon')
    assert r.returncode in (1, 2), r
    assert_clean_error(r)


def test_sign_in_server_down(h, daemon):
    kam = h.start_kamailio(users={USER: PASSWORD}, start=False)
    r = sign_in(h, kam)
    assert r.returncode == 1, r
    assert_clean_error(r)
    kam.start()
    h.voctl.ok('wait', 'registered', '--timeout', '15')


def test_wait_registered_times_out(h, daemon):
    r = h.voctl.run('wait', 'registered', '--timeout', '1')
    assert r.returncode != 0, r


def test_settings_list_get_set(h, daemon):
    client = h.client()
    out = h.voctl.ok('settings')
    for key in ('allow-cellular-data', 'mobile-number', 'network-type', 'calls-allowed'):
        assert norm(key) in norm(out), f'{key} not listed:\n{out}'

    assert h.voctl.ok('settings', 'get', 'allow-cellular-data').strip() == 'false'
    h.voctl.ok('settings', 'set', 'allow-cellular-data', 'true')
    assert client.setting('AllowCellularData') is True
    assert h.voctl.ok('settings', 'get', 'allow-cellular-data').strip() == 'true'
    # D-Bus names work too.
    h.voctl.ok('settings', 'set', 'AllowCellularData', 'false')
    assert client.setting('AllowCellularData') is False
    assert h.voctl.ok('settings', 'get', 'AllowCellularData').strip() == 'false'

    h.voctl.ok('settings', 'set', 'mobile-number', '+1 555 0100')
    assert client.setting('MobileNumber') == '+1 555 0100'
    assert h.voctl.ok('settings', 'get', 'mobile-number').strip() == '+1 555 0100'
    h.voctl.ok('settings', 'set', 'audio-input', 'Headset Mic')
    assert client.setting('AudioInput') == 'Headset Mic'


def test_settings_errors(h, daemon):
    client = h.client()
    r = h.voctl.run('settings', 'set', 'mobile-number', 'abc')
    assert r.returncode == 1, r
    assert_clean_error(r)
    assert client.setting('MobileNumber') == ''

    r = h.voctl.run('settings', 'set', 'allow-cellular-data', 'maybe')
    assert r.returncode in (1, 2), r
    assert_clean_error(r)
    assert client.setting('AllowCellularData') is False

    r = h.voctl.run('settings', 'set', 'no-such-setting', 'x')
    assert r.returncode in (1, 2), r
    assert_clean_error(r)

    r = h.voctl.run('settings', 'set', 'network-type', 'wifi')
    assert r.returncode in (1, 2), r
    assert_clean_error(r)

    r = h.voctl.run('settings', 'get', 'no-such-setting')
    assert r.returncode in (1, 2), r


def test_monitor_prints_changes(h, kam, daemon):
    client = h.client()
    mon = h.monitor()   # returns once it has subscribed
    client.set(SETTINGS, 'AllowCellularData', True)
    line = mon.wait_line(lambda s: 'allowcellulardata' in norm(s), timeout=5)
    assert 'true' in line.lower(), line
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    mon.wait_line(lambda s: 'registration' in norm(s) and 'registered' in s.lower(), timeout=5)
    assert PASSWORD not in '\n'.join(mon.lines)
    assert mon.proc.poll() is None, 'monitor exited by itself'


def test_monitor_json(h, daemon):
    client = h.client()
    mon = h.monitor('--json')
    client.set(SETTINGS, 'MobileNumber', '555 0199')
    line = mon.wait_line(lambda s: '555 0199' in s, timeout=5)
    json.loads(line)   # one JSON document per line


def test_usage_errors(h, daemon):
    assert h.voctl.run().returncode == 2
    r = h.voctl.run('frobnicate')
    assert r.returncode == 2, r
    assert r.stderr.strip()
    r = h.voctl.run('sign-in')          # missing USER
    assert r.returncode == 2, r
    r = h.voctl.run('wait', 'registered', '--timeout', 'soon')
    assert r.returncode == 2, r


def test_daemon_not_running(h):
    """No daemon on the bus (and nothing to activate): a clear error, exit 1."""
    r = h.voctl.run('status')
    assert r.returncode == 1, r
    assert_clean_error(r)


@pytest.mark.parametrize('argv', [('--json', 'status'), ('status',), ('--json', 'settings')])
def test_debug_messages_go_to_stderr(h, daemon, monkeypatch, argv):
    """G_MESSAGES_DEBUG=all (someone debugging) must not mix GLib's log lines
    into what vo-ctl prints: its logging all goes to stderr."""
    monkeypatch.setenv('G_MESSAGES_DEBUG', 'all')
    r = h.voctl.run(*argv)
    assert r.returncode == 0, r
    assert '-DEBUG' not in r.stdout and 'DEBUG:' not in r.stdout, r.stdout
    if argv[0] == '--json':
        json.loads(r.stdout)
    else:
        assert parse_status(r.stdout).get('state') == 'signed-out', r.stdout
    # The debug lines are still there for the person debugging, on stderr.
    assert 'DEBUG' in r.stderr, r.stderr
