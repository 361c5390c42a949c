"""The daemon against the reference Virtual Office service (issue 10): sign-in
with only a user name and password, the refresh token across restarts, the
service going away and coming back, a revoked session, an untrusted
certificate, password reset and user-name recovery mail, the profile photo,
server-side forwarding while the daemon is stopped, and the service's fault
modes. Everything is real: kamailio, the service over HTTPS with a test CA,
an SMTP sink, vo-daemons on private buses."""

import configparser
import os
import re
import stat
import urllib.parse

import pytest
from gi.repository import Gio, GLib

from calls_support import Party, stop_extra_buses
from vo_harness import ACCOUNT, ERR, DBusCallError, util
from vo_harness.mail import MailSink, text_of
from vo_harness.service import Service
from vo_harness.tlsca import TestCA

FORWARDING = 'org.virtualoffice.Forwarding1'
ALICE_PW = 'Alice-sign-in-7f3a'
USERS = {
    'alice': dict(password=ALICE_PW, email='alice@example.test', display_name='Alice Example',
                  extension='201', company='Example BV', department='Sales',
                  mobile='+31612345678'),
    'bob': dict(password='Bob-sign-in-1c9e', email='bob@example.test', display_name='Bob B',
                extension='202', company='Example BV'),
    'carol': dict(password='Carol-sign-in-5d21', email='carol@example.test',
                  display_name='Carol C', extension='203', company='Example BV'),
}
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00'
       b'\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe'
       b'\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82')


@pytest.fixture
def world(h):
    """kamailio + SMTP sink + the reference service, with alice, bob, carol."""
    kam = h.start_kamailio(defines=('WITH_DEBUG',))
    mail = MailSink()
    svc = Service(kam, mail, workdir=os.path.join(h.workdir, 'service'))
    svc.start()
    svc.created = {user: svc.add_user(user, **fields) for user, fields in USERS.items()}
    yield kam, svc, mail
    # Daemons before their buses (a daemon that loses its bus while the
    # service's session ends would log criticals), then the service.
    codes = {d.name: d.stop() for d in h.daemons}
    stop_extra_buses(h)
    svc.stop()
    mail.stop()
    bad = {name: rc for name, rc in codes.items() if rc not in (0, None)}
    assert not bad, f'vo-daemon exited badly when stopped with SIGTERM: {bad}'


def service_daemon(h, svc, **conf):
    """A daemon that trusts the service's test CA and retries quickly."""
    d = h.daemon(start=False)
    d.write_conf({'service': {'ca-file': svc.ca_file, 'retry-max': '2', 'timeout': '5',
                              **conf}})
    d.start()
    return d, h.client()


def sign_in(client, svc, user='alice', password=ALICE_PW):
    return client.sign_in(user, password, service=svc.url)


def log_text(svc):
    with open(svc.log, errors='replace') as f:
        return f.read()


def sip_password(svc, user):
    """The SIP password the service generated (what add_user answered)."""
    return svc.created[user]['sip-account']['password']


def service_photo(svc, user='alice'):
    """The user's photo as the service serves it, or None."""
    other_device = svc.client()
    other_device.sign_in(user, USERS[user]['password'])
    r = other_device.get('/v1/me/photo')
    if r.status == 404:
        return None
    assert r.status == 200, r
    return r.body


def set_photo(client, path):
    fd = os.open(path, os.O_RDONLY)
    try:
        fds = Gio.UnixFDList.new_from_array([fd])
    except Exception:
        os.close(fd)
        raise
    return client.call_raw(ACCOUNT, 'SetProfilePhoto', GLib.Variant('(h)', (0,)), fd_list=fds)


# -- sign-in -----------------------------------------------------------------

def test_sign_in_with_only_user_name_and_password(h, world):
    kam, svc, _ = world
    d, client = service_daemon(h, svc)
    assert client.account('ServiceState') == 'none'
    sign_in(client, svc)

    assert client.account('State') == 'signed-in'
    assert client.account('Registration') == 'registered'
    assert client.account('ServiceState') == 'online'
    assert client.account('Username') == 'alice'
    assert client.account('DisplayName') == 'Alice Example'
    assert client.account('Extension') == '201'
    assert client.account('Company') == 'Example BV'
    assert client.account('SipUri') == 'sip:alice@vo.test'
    caps = client.account('Capabilities')
    assert {'registration', 'calls', 'profile', 'photo', 'forwarding'} <= set(caps), caps
    kam.wait_contacts('alice', present=True, timeout=5)

    # The service URL is kept; no password, SIP password or token anywhere
    # but the secret store.
    conf = d.read_conf()
    assert conf['service']['url'] == svc.url
    assert conf['service']['user'] == 'alice'
    sip_pw = sip_password(svc, 'alice')
    for text in (d.conf_text(), d.log_text()):
        assert ALICE_PW not in text
        assert sip_pw not in text
    # A signing-in that ended well leaves no error behind.
    assert client.account('LastError') == ''
    # No Secret Service on this private bus: the 0600 file holds the SIP
    # password and the service's refresh token, and nothing else does.
    assert stat.S_IMODE(os.stat(d.credentials_path).st_mode) == 0o600
    secrets = configparser.RawConfigParser(delimiters=('=',))
    secrets.optionxform = str
    secrets.read(d.credentials_path)
    values = {section: secrets.get(section, 'password') for section in secrets.sections()}
    assert values.get('alice@vo.test') == sip_pw, sorted(values)
    token = values.get(f'alice@{svc.url}')
    assert token and len(token) >= 16, sorted(values)
    for text in (d.conf_text(), d.log_text(), log_text(svc)):
        assert token not in text
    assert ALICE_PW not in open(d.credentials_path).read()


def test_sign_in_with_the_configured_service(h, world):
    _, svc, _ = world
    _, client = service_daemon(h, svc, url=svc.url)
    client.sign_in('alice', ALICE_PW)  # no options at all, as in the app
    assert client.account('Registration') == 'registered'
    assert client.account('ServiceState') == 'online'


def test_wrong_password_is_refused_and_nothing_is_kept(h, world):
    _, svc, _ = world
    d, client = service_daemon(h, svc)
    with pytest.raises(DBusCallError) as e:
        sign_in(client, svc, password='not-the-password')
    assert e.value.name == ERR.AuthFailed, e.value
    assert 'password' in str(e.value).lower()
    assert client.account('State') == 'error'
    assert client.account('Registration') == 'unregistered'
    assert client.account('ServiceState') == 'error'
    assert 'user' not in d.read_conf().get('service', {})
    assert 'account' not in d.read_conf()


def test_service_and_sip_options_are_exclusive(h, world):
    kam, svc, _ = world
    _, client = service_daemon(h, svc)
    with pytest.raises(DBusCallError) as e:
        client.sign_in('alice', ALICE_PW, service=svc.url, registrar=kam.hostport)
    assert e.value.name == ERR.InvalidArgument
    with pytest.raises(DBusCallError) as e:
        client.sign_in('alice', ALICE_PW, service='http://127.0.0.1:1')
    assert e.value.name == ERR.InvalidArgument
    assert 'https' in str(e.value)


def test_untrusted_certificate_is_refused(h, world):
    _, svc, _ = world
    other = TestCA(os.path.join(h.workdir, 'other-ca'))
    d, client = service_daemon(h, svc, **{'ca-file': other.cert})
    with pytest.raises(DBusCallError) as e:
        sign_in(client, svc)
    assert e.value.name == ERR.Network, e.value
    assert 'ca-file' in str(e.value), e.value
    assert client.account('State') == 'error'
    assert client.account('ServiceState') == 'error'
    assert 'ca-file' in client.account('LastError')
    # Nothing was sent: the service never saw a sign-in.
    assert 'POST /v1/session' not in log_text(svc)


# -- the session over time ---------------------------------------------------

def test_restart_signs_in_again_with_the_refresh_token(h, world):
    kam, svc, _ = world
    d, client = service_daemon(h, svc)
    sign_in(client, svc)
    refreshes = log_text(svc).count('POST /v1/session/refresh')
    d.restart()
    client.wait_registration('registered', timeout=15)
    client.wait_prop(ACCOUNT, 'ServiceState', 'online', timeout=15)
    assert client.account('State') == 'signed-in'
    assert client.account('Extension') == '201'
    assert log_text(svc).count('POST /v1/session/refresh') > refreshes


def test_profile_and_provisioning_changes_arrive_by_events(h, world):
    """The provider renames alice and gives her a new SIP password: the
    daemon shows the new name and registers again with the new password."""
    kam, svc, _ = world
    d, client = service_daemon(h, svc)
    sign_in(client, svc)
    util.wait_until(lambda: 'Event socket open' in d.log_text(), util.scaled(10),
                    what='the daemon on the event socket')
    svc.update_user('alice', display_name='Alice Renamed', extension='299')
    client.wait_prop(ACCOUNT, 'DisplayName', 'Alice Renamed', timeout=10)
    assert client.account('Extension') == '299'

    old = sip_password(svc, 'alice')
    new = svc.update_user('alice', rotate_sip_password=True)['sip-account']['password']
    assert new != old
    util.wait_until(lambda: 'changed the SIP account; registering again' in d.log_text(),
                    util.scaled(10), what='the daemon registering with the new SIP password')
    client.wait_registration('registered', timeout=10)
    kam.wait_contacts('alice', present=True, timeout=5)
    svc.created['alice']['sip-account']['password'] = new
    # The stored SIP password is the new one: a restart registers with it.
    d.restart()
    client.wait_registration('registered', timeout=15)
    assert client.account('LastError') == ''


def test_service_down_sip_goes_on_and_recovers(h, world):
    kam, svc, _ = world
    alice = Party(h, kam, 'alice', ALICE_PW, service=svc)
    bob = Party(h, kam, 'bob', USERS['bob']['password'], service=svc)
    svc.stop()
    alice.client.wait_prop(ACCOUNT, 'ServiceState', 'offline', timeout=15)
    assert 'Virtual Office service' in alice.client.account('LastError')
    assert alice.client.account('Registration') == 'registered'
    assert alice.client.account('State') == 'signed-in'
    # Calls go on without the service.
    path = bob.dial('alice')
    a_path = alice.wait_incoming()
    alice.call_method(a_path, 'Answer')
    bob.wait_state(path, 'active')
    bob.call_method(path, 'Hangup')
    alice.wait_ended(a_path)
    # And the service comes back by itself (backoff capped at 2 s here).
    svc.start()
    alice.client.wait_prop(ACCOUNT, 'ServiceState', 'online', timeout=20)
    assert alice.client.account('LastError') == ''


def test_revoked_session_asks_to_sign_in_again(h, world):
    kam, svc, _ = world
    _, client = service_daemon(h, svc)
    sign_in(client, svc)
    svc.revoke('alice')
    client.wait_prop(ACCOUNT, 'ServiceState', 'error', timeout=15)
    client.wait_prop(ACCOUNT, 'State', 'error', timeout=5)
    assert 'sign in again' in client.account('LastError')
    # SIP still works from the stored provisioning.
    assert client.account('Registration') == 'registered'
    # Signing in again mends it.
    sign_in(client, svc)
    assert client.account('State') == 'signed-in'
    assert client.account('ServiceState') == 'online'


def test_sign_out_ends_the_service_session(h, world):
    kam, svc, _ = world
    d, client = service_daemon(h, svc)
    sign_in(client, svc)
    client.sign_out()
    assert client.account('State') == 'signed-out'
    assert client.account('ServiceState') == 'none'
    assert client.account('Extension') == ''
    util.wait_until(lambda: 'DELETE /v1/session' in log_text(svc), util.scaled(10),
                    what='DELETE /v1/session at the service')
    kam.wait_contacts('alice', present=False, timeout=5)
    assert d.read_conf().get('service', {}).get('user', '') == ''
    # After a restart nothing signs in.
    d.restart()
    assert client.account('State') == 'signed-out'
    assert client.account('ServiceState') == 'none'


# -- reset and recovery --------------------------------------------------------

def test_password_reset_mail_and_link(h, world):
    _, svc, mail = world
    _, client = service_daemon(h, svc, url=svc.url)
    # Signed out: the configured service is asked.
    client.call('Account1', 'ResetPassword', '(s)', 'nobody-here')
    client.call('Account1', 'ResetPassword', '(s)', 'alice')
    message = mail.wait_for(lambda m: 'alice@example.test' in m['To'], timeout=10)
    # The unknown user got nothing, and the answer was the same.
    assert [m['To'] for m in mail.messages] == [message['To']]
    link = re.search(r'https://\S+reset-password\?token=([A-Za-z0-9_\-.~%]+)', text_of(message))
    assert link, text_of(message)
    token = urllib.parse.unquote(link.group(1))
    browser = svc.client()
    r = browser.get('/reset-password?token=' + link.group(1))
    assert r.status == 200 and b'<form' in r.body
    r = browser.post('/v1/password-reset/confirm', {'token': token, 'password': 'Brand-new-pw-42'})
    assert r.status == 204, r
    with pytest.raises(DBusCallError) as e:
        client.sign_in('alice', ALICE_PW)
    assert e.value.name == ERR.AuthFailed
    client.sign_in('alice', 'Brand-new-pw-42')
    assert client.account('Registration') == 'registered'


def test_username_recovery_mail(h, world):
    _, svc, mail = world
    _, client = service_daemon(h, svc, url=svc.url)
    client.call('Account1', 'RecoverUsername', '(s)', 'nobody@example.test')
    client.call('Account1', 'RecoverUsername', '(s)', 'carol@example.test')
    message = mail.wait_for(timeout=10)
    assert 'carol@example.test' in message['To']
    assert 'carol' in text_of(message)
    assert len(mail.messages) == 1


def test_reset_without_a_service_is_not_supported(h):
    h.daemon()
    client = h.client()
    with pytest.raises(DBusCallError) as e:
        client.call('Account1', 'ResetPassword', '(s)', 'alice')
    assert e.value.name == ERR.NotSupported
    assert '[service]' in str(e.value)
    with pytest.raises(DBusCallError) as e:
        client.call('Account1', 'RecoverUsername', '(s)', 'not an address')
    assert e.value.name == ERR.InvalidArgument


# -- the profile photo -----------------------------------------------------------

def test_profile_photo_upload_download_and_clear(h, world, tmp_path):
    _, svc, _ = world
    _, client = service_daemon(h, svc)
    sign_in(client, svc)
    assert client.account('PhotoPath') == ''

    png = tmp_path / 'me.png'
    png.write_bytes(PNG)
    set_photo(client, str(png))
    path = client.account('PhotoPath')
    assert path.endswith('.png') and open(path, 'rb').read() == PNG
    # The service has it, byte for byte.
    assert service_photo(svc) == PNG

    text = tmp_path / 'notes.txt'
    text.write_text('not a photo\n')
    with pytest.raises(DBusCallError) as e:
        set_photo(client, str(text))
    assert e.value.name == ERR.InvalidArgument and 'JPEG or PNG' in str(e.value)
    big = tmp_path / 'big.jpg'
    big.write_bytes(b'\xff\xd8\xff' + b'\0' * (2 * 1024 * 1024))
    with pytest.raises(DBusCallError) as e:
        set_photo(client, str(big))
    assert e.value.name == ERR.InvalidArgument and 'KiB' in str(e.value)
    assert service_photo(svc) == PNG  # the refused ones changed nothing

    set_photo(client, '/dev/null')
    assert client.account('PhotoPath') == ''
    assert not os.path.exists(path)
    assert service_photo(svc) is None


def test_photo_needs_the_service(h, world):
    kam, _, _ = world
    kam.add_user('dave', 'dave-sip-pw')
    h.daemon()
    client = h.client()
    client.sign_in('dave', 'dave-sip-pw', registrar=kam.hostport, domain='vo.test')
    with pytest.raises(DBusCallError) as e:
        set_photo(client, '/dev/null')
    assert e.value.name == ERR.NotSupported
    assert client.account('ServiceState') == 'none'


# -- forwarding at the service ---------------------------------------------------

def test_unreachable_forwarding_while_the_daemon_is_stopped(h, world):
    kam, svc, _ = world
    alice = Party(h, kam, 'alice', ALICE_PW, service=svc)
    # bob and carol: plain SIP phones with the SIP passwords the service made.
    bob = Party(h, kam, 'bob', sip_password(svc, 'bob'))
    carol = Party(h, kam, 'carol', sip_password(svc, 'carol'))
    alice.client.call_raw(FORWARDING, 'SetRule',
                          GLib.Variant('(sbsu)', ('unreachable', True, 'carol', 0)))
    rules = {r['condition']: r for r in alice.client.get(FORWARDING, 'Rules')}
    assert rules['unreachable']['applied-by'] == 'service'
    util.wait_until(lambda: svc.forwarding_rows('alice').get('unreachable', (False, ''))[0]
                    and svc.forwarding_rows('alice')['unreachable'][1].startswith('sip:carol@'),
                    util.scaled(10), what="alice's unreachable rule at the service")

    alice.daemon.stop()
    kam.wait_contacts('alice', present=False, timeout=10)
    path = bob.dial('alice')
    c_path = carol.wait_incoming(timeout=15)
    carol.call_method(c_path, 'Answer')
    bob.wait_state(path, 'active')
    bob.call_method(path, 'Hangup')


def test_a_rule_changed_elsewhere_arrives_by_the_event_socket(h, world):
    """Another device of alice changes a rule at the service: the service's
    forwarding.changed event makes the daemon fetch the rules."""
    _, svc, _ = world
    d, client = service_daemon(h, svc)
    sign_in(client, svc)
    # (The service logs a socket when it closes; the daemon when it opens.)
    util.wait_until(lambda: 'Event socket open' in d.log_text(), util.scaled(10),
                    what='the daemon on the event socket')
    other_device = svc.client()
    other_device.sign_in('alice', ALICE_PW)
    r = other_device.put('/v1/forwarding/always',
                         {'enabled': True, 'target': 'sip:carol@vo.test', 'timeout': 20})
    assert r.status == 200, r

    def always():
        rule = {r['condition']: r for r in client.get(FORWARDING, 'Rules')}['always']
        return rule['enabled'] and rule['target'] == 'sip:carol@vo.test'
    util.wait_until(always, util.scaled(10), what="the service's rule in Forwarding1.Rules")


def test_rules_set_while_offline_reach_the_service_when_it_returns(h, world):
    kam, svc, _ = world
    alice = Party(h, kam, 'alice', ALICE_PW, service=svc)
    svc.stop()
    alice.client.wait_prop(ACCOUNT, 'ServiceState', 'offline', timeout=15)
    alice.client.call_raw(FORWARDING, 'SetRule',
                          GLib.Variant('(sbsu)', ('no-answer', True, 'carol', 15)))
    svc.start()
    alice.client.wait_prop(ACCOUNT, 'ServiceState', 'online', timeout=20)
    util.wait_until(lambda: svc.forwarding_rows('alice').get('no-answer', (False, '', 0))[0]
                    and int(svc.forwarding_rows('alice')['no-answer'][2]) == 15,
                    util.scaled(10), what="the rule set offline at the service")


# -- a service that misbehaves -------------------------------------------------------

@pytest.mark.parametrize('mode,words', [
    ('garbage-json', 'cannot read'),
    ('wrong-shape', 'cannot read'),
    ('500', ''),
    ('truncated', ''),
    ('hang', ''),
])
def test_faults_are_named_errors(h, world, mode, words):
    _, svc, _ = world
    d, client = service_daemon(h, svc, timeout='2')
    svc.faults(mode, paths=['/v1/session'])
    with pytest.raises(DBusCallError) as e:
        sign_in(client, svc)
    assert e.value.name == ERR.Network, e.value
    assert 'Virtual Office service' in str(e.value), e.value
    assert words in str(e.value)
    assert client.account('State') == 'error'
    svc.faults('none')
    # The daemon is fine, and the next sign-in works.
    sign_in(client, svc)
    assert client.account('ServiceState') == 'online'
    assert d.proc.poll() is None


def test_unreadable_profile_after_a_restart_is_offline_then_recovers(h, world):
    _, svc, _ = world
    d, client = service_daemon(h, svc, timeout='2')
    sign_in(client, svc)
    svc.faults('garbage-json', paths=['/v1/me'])
    d.restart()
    # SIP from the stored provisioning; the service's answer is unreadable.
    client.wait_registration('registered', timeout=15)
    client.wait_prop(ACCOUNT, 'ServiceState', 'offline', timeout=15)
    assert 'cannot read' in client.account('LastError')
    assert client.account('Extension') == '201'  # the cached profile
    svc.faults('none')
    client.wait_prop(ACCOUNT, 'ServiceState', 'online', timeout=20)
    assert client.account('LastError') == ''
