"""Bad arguments to every Account1/Settings1 method and writable property answer
a named error, leave the state alone and never take the daemon down."""

import contextlib
import os
import subprocess
import tempfile

import pytest
from gi.repository import Gio, GLib

from conftest import DOMAIN, PASSWORD, USER
from vo_harness import ACCOUNT, ERR, SETTINGS, DBusCallError

S = lambda v: GLib.Variant('s', v)  # noqa: E731

# (id, user, password, options as {key: GLib.Variant}); REGISTRAR is replaced
# by the real kamailio address so only the bad part is bad.
REGISTRAR = object()
BAD_SIGNIN = [
    ('empty-user', '', PASSWORD, {'registrar': REGISTRAR}),
    ('empty-password', USER, '', {'registrar': REGISTRAR}),
    ('unknown-transport', USER, PASSWORD, {'registrar': REGISTRAR, 'transport': S('pigeon')}),
    ('registrar-space', USER, PASSWORD, {'registrar': S('exa mple:99999')}),
    ('registrar-port-range', USER, PASSWORD, {'registrar': S('127.0.0.1:99999')}),
    ('registrar-port-text', USER, PASSWORD, {'registrar': S('127.0.0.1:port')}),
    ('registrar-bad-scheme', USER, PASSWORD, {'registrar': S('http://127.0.0.1:5060')}),
    ('proxy-malformed', USER, PASSWORD, {'registrar': REGISTRAR, 'proxy': S('pro xy:0')}),
    ('domain-malformed', USER, PASSWORD, {'registrar': REGISTRAR, 'domain': S('vo test')}),
    ('unknown-option', USER, PASSWORD, {'registrar': REGISTRAR, 'colour': S('blue')}),
    ('snake-case-option', USER, PASSWORD, {'registrar': REGISTRAR,
                                           'display_name': S('Alice')}),
    ('registrar-wrong-type', USER, PASSWORD, {'registrar': GLib.Variant('i', 5060)}),
    ('transport-wrong-type', USER, PASSWORD, {'registrar': REGISTRAR,
                                              'transport': GLib.Variant('b', True)}),
    ('display-name-wrong-type', USER, PASSWORD, {'registrar': REGISTRAR,
                                                 'display-name': GLib.Variant('as', ['A'])}),
    ('user-header-injection', 'alice\r\nVia: evil', PASSWORD, {'registrar': REGISTRAR}),
    ('user-empty-domain', 'alice@', PASSWORD, {'registrar': REGISTRAR}),
]


def assert_alive(h, client):
    d = h.daemons[0]
    assert d.running, f'vo-daemon died (exit {d.proc.poll() if d.proc else None})'
    assert client.name_has_owner()
    # And still answers.
    assert client.account('State') in ('signed-out', 'signed-in', 'error', 'signing-in')


def assert_named(err, *names):
    assert err.name in names, f'expected {names}, got {err.name}: {err.message}'
    assert err.message.strip(), f'{err.name} without a message'
    assert not err.message.startswith('GDBus.Error'), err.message


@pytest.mark.parametrize('user,password,options',
                         [c[1:] for c in BAD_SIGNIN], ids=[c[0] for c in BAD_SIGNIN])
def test_sign_in_bad_arguments(h, kam, client, user, password, options):
    options = {k: (S(kam.hostport) if v is REGISTRAR else v) for k, v in options.items()}
    with pytest.raises(DBusCallError) as e:
        client.sign_in_raw_options(user, password, options)
    assert_named(e.value, ERR.InvalidArgument)
    assert client.account('State') == 'signed-out'
    assert client.account('Registration') == 'unregistered'
    assert kam.contacts(USER) == []
    assert_alive(h, client)


def test_sign_in_bad_arguments_keep_signed_in_account(h, kam, signed_in):
    """A refused SignIn does not disturb the account that is signed in."""
    client = signed_in
    with pytest.raises(DBusCallError) as e:
        client.sign_in(USER, PASSWORD, registrar='exa mple:99999')
    assert_named(e.value, ERR.InvalidArgument)
    assert client.account('State') == 'signed-in'
    assert client.account('Registration') == 'registered'
    assert kam.contacts(USER)


@pytest.mark.parametrize('method,signature,args', [
    ('SignIn', '(ss)', (USER, PASSWORD)),
    ('SignIn', '(sss)', (USER, PASSWORD, 'registrar')),
    ('SignIn', '(ssa{ss})', (USER, PASSWORD, {'registrar': '127.0.0.1'})),
    ('SignIn', '(isa{sv})', (1, PASSWORD, {})),
    ('SignOut', '(s)', ('now',)),
    ('ResetPassword', '(i)', (7,)),
    ('ResetPassword', '', ()),
    ('RecoverUsername', '(as)', (['a@b.c'],)),
])
def test_account_wrong_signature(h, client, method, signature, args):
    params = GLib.Variant(signature, args) if signature else None
    with pytest.raises(DBusCallError) as e:
        client.call_raw(ACCOUNT, method, params)
    assert_named(e.value, ERR.InvalidArgs)
    assert_alive(h, client)


def test_reset_password_not_supported(h, client):
    with pytest.raises(DBusCallError) as e:
        client.call(ACCOUNT, 'ResetPassword', '(s)', USER)
    assert_named(e.value, ERR.NotSupported)
    with pytest.raises(DBusCallError) as e:
        client.call(ACCOUNT, 'ResetPassword', '(s)', '')
    assert_named(e.value, ERR.NotSupported, ERR.InvalidArgument)
    assert_alive(h, client)


def test_recover_username_not_supported(h, client):
    with pytest.raises(DBusCallError) as e:
        client.call(ACCOUNT, 'RecoverUsername', '(s)', 'alice@example.com')
    assert_named(e.value, ERR.NotSupported)
    assert_alive(h, client)


def test_set_profile_photo_not_supported(h, client):
    with tempfile.TemporaryFile() as f:
        f.write(b'\x89PNG\r\n\x1a\n')
        f.flush()
        fds = Gio.UnixFDList.new()
        fds.append(f.fileno())
        with pytest.raises(DBusCallError) as e:
            client.call_raw(ACCOUNT, 'SetProfilePhoto', GLib.Variant('(h)', (0,)),
                            fd_list=fds)
    assert_named(e.value, ERR.NotSupported)
    assert_alive(h, client)


GOOD_NUMBERS = ['', '+1 (555) 123-4567', '555.123.4567', '0049 30 1234567', '123']
BAD_NUMBERS = ['abc', '12', '+', '555-CALL-NOW', '1234\n5678', '+1 555 123 4567 ext. 9',
               '++15551234567x']


@pytest.mark.parametrize('number', GOOD_NUMBERS)
def test_mobile_number_accepted(h, client, number):
    client.set(SETTINGS, 'MobileNumber', number)
    assert client.setting('MobileNumber') == number


@pytest.mark.parametrize('number', BAD_NUMBERS)
def test_mobile_number_refused(h, client, number):
    client.set(SETTINGS, 'MobileNumber', '+1 555 0100')
    with pytest.raises(DBusCallError) as e:
        client.set(SETTINGS, 'MobileNumber', number)
    assert_named(e.value, ERR.InvalidArgument)
    assert client.setting('MobileNumber') == '+1 555 0100'
    assert_alive(h, client)


@pytest.mark.parametrize('prop', ['AudioInput', 'AudioOutput', 'RingOutput'])
@pytest.mark.parametrize('value', ['mic\nphone', 'tab\there', 'bell\x07', 'esc\x1b[31m',
                                   'nel\u0085', 'line\u2028sep', 'bidi\u202eevil'],
                         ids=['newline', 'tab', 'bel', 'escape', 'c1-nel', 'line-separator',
                              'bidi-override'])
def test_device_name_control_characters_refused(h, client, prop, value):
    with pytest.raises(DBusCallError) as e:
        client.set(SETTINGS, prop, value)
    assert_named(e.value, ERR.InvalidArgument)
    assert client.setting(prop) == ''
    assert_alive(h, client)


@pytest.mark.parametrize('prop,variant', [
    ('AllowCellularData', GLib.Variant('s', 'yes')),
    ('AllowCellularData', GLib.Variant('i', 1)),
    ('CellularVoiceFallback', GLib.Variant('s', 'true')),
    ('DeviceContactsAccess', GLib.Variant('u', 1)),
    ('MobileNumber', GLib.Variant('x', 5551234567)),
    ('AudioInput', GLib.Variant('b', True)),
    ('AudioOutput', GLib.Variant('as', ['a'])),
    ('RingOutput', GLib.Variant('i', 0)),
])
def test_settings_wrong_type(h, client, prop, variant):
    before = client.setting(prop)
    with pytest.raises(DBusCallError) as e:
        client.set(SETTINGS, prop, variant)
    assert_named(e.value, ERR.InvalidArgs, ERR.InvalidArgument)
    assert client.setting(prop) == before
    assert_alive(h, client)


@pytest.mark.parametrize('iface,prop,variant', [
    (SETTINGS, 'NetworkType', GLib.Variant('s', 'wifi')),
    (SETTINGS, 'CallsAllowed', GLib.Variant('b', True)),
    (ACCOUNT, 'State', GLib.Variant('s', 'signed-in')),
    (ACCOUNT, 'Registration', GLib.Variant('s', 'registered')),
    (ACCOUNT, 'Username', GLib.Variant('s', 'mallory')),
    (SETTINGS, 'NoSuchSetting', GLib.Variant('b', True)),
])
def test_read_only_or_unknown_property_set(h, client, iface, prop, variant):
    with pytest.raises(DBusCallError) as e:
        client.set(iface, prop, variant)
    # As docs/dbus-api.md says: GDBus refuses a write to a read-only property
    # with InvalidArgs before the daemon sees it; an unknown one likewise.
    assert_named(e.value, ERR.InvalidArgs)
    assert prop in e.value.message
    assert_alive(h, client)
    if prop == 'State':
        assert client.account('State') == 'signed-out'


def test_unknown_interface_and_method(h, client):
    with pytest.raises(DBusCallError) as e:
        client.call_raw(ACCOUNT, 'Frobnicate', None)
    assert e.value.name in ('org.freedesktop.DBus.Error.UnknownMethod',
                            'org.freedesktop.DBus.Error.UnknownInterface'), e.value
    with pytest.raises(DBusCallError) as e:
        client.get('org.virtualoffice.NoSuch1', 'State')
    assert e.value.name.startswith('org.freedesktop.DBus.Error.'), e.value
    assert_alive(h, client)


STORM = ('empty-user', 'empty-password', 'unknown-transport', 'registrar-space',
         'unknown-option', 'registrar-wrong-type')


def test_error_storm_keeps_daemon_alive(h, kam, client):
    """Many bad calls in a row, then a good one still works."""
    for _ in range(20):
        for user, password, options in [c[1:] for c in BAD_SIGNIN if c[0] in STORM]:
            options = {k: (S(kam.hostport) if v is REGISTRAR else v) for k, v in options.items()}
            with pytest.raises(DBusCallError):
                client.sign_in_raw_options(user, password, options)
        with pytest.raises(DBusCallError):
            client.set(SETTINGS, 'MobileNumber', 'abc')
    assert_alive(h, client)
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    assert client.account('Registration') == 'registered'
    assert os.path.exists(h.daemons[0].conf_path)


# ---- fatal start errors: a message and an exit status, never an abort -------

def _garbage_db(d):
    with open(os.path.join(d.data_dir, 'vo.db'), 'wb') as f:
        f.write(b'this is not an SQLite database\n' * 64)


def _truncated_db(d):
    # A real vo.db (written by a daemon run), cut short mid-page.
    d.start()
    assert d.stop() == 0
    path = os.path.join(d.data_dir, 'vo.db')
    size = os.path.getsize(path)
    assert size > 4096, size
    os.truncate(path, 1500)


def _db_is_folder(d):
    os.mkdir(os.path.join(d.data_dir, 'vo.db'))


def _garbage_conf(d):
    with open(d.conf_path, 'wb') as f:
        f.write(b'\x00\x01[[[garbage\n=no key\n\xff\xfe')


@contextlib.contextmanager
def _read_only_folder(path):
    """Make path read-only, also for root (who ignores the mode bits)."""
    if os.geteuid() != 0:
        os.chmod(path, 0o555)
        try:
            yield
        finally:
            os.chmod(path, 0o755)
        return
    if subprocess.run(['chattr', '+i', path], capture_output=True).returncode != 0:
        pytest.skip('cannot make a folder read-only for root here (chattr +i refused)')
    try:
        yield
    finally:
        subprocess.run(['chattr', '-i', path], check=True)


START_ERRORS = [
    ('garbage-db', _garbage_db, ('vo.db',)),
    ('truncated-db', _truncated_db, ('vo.db',)),
    ('db-is-folder', _db_is_folder, ('vo.db',)),
    ('garbage-conf', _garbage_conf, ('vo.conf',)),
]


def _assert_clean_fatal_exit(d, words):
    d.start(wait=False)
    rc = d.wait_exit(timeout=15)
    log = d.log_text()
    assert rc is not None, f'vo-daemon kept running:\n{log[-3000:]}'
    assert rc > 0, f'vo-daemon exited with {rc} (negative: killed by that signal):\n{log[-3000:]}'
    assert 'Aborting' not in log and 'SIGABRT' not in log, log[-3000:]
    for w in words:
        assert w in log, f'{w!r} not in the start-up message:\n{log[-3000:]}'


@pytest.mark.parametrize('spoil,words', [c[1:] for c in START_ERRORS],
                         ids=[c[0] for c in START_ERRORS])
def test_fatal_start_error_exits_without_abort(h, spoil, words):
    d = h.daemon(start=False)
    spoil(d)
    _assert_clean_fatal_exit(d, words)


def test_read_only_data_folder_exits_without_abort(h):
    d = h.daemon(start=False)
    with _read_only_folder(d.data_dir):
        _assert_clean_fatal_exit(d, (d.data_dir,))
