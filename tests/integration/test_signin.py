"""Account1.SignIn/SignOut against a real kamailio registrar."""

import re
import time

import pytest

from conftest import BOB, BOB_PASSWORD, DOMAIN, PASSWORD, USER, register_count
from vo_harness import ACCOUNT, ERR, DBusCallError


def assert_registered_at(kam, user, transport=None):
    contacts = kam.wait_contacts(user, present=True, timeout=5)
    if transport:
        sockets = [c.get('Socket', '') for c in contacts]
        assert any(s.startswith(f'{transport}:') for s in sockets), \
            f'{user} is registered, but not over {transport}: {contacts}'
    return contacts


@pytest.mark.parametrize('transport,domain,user', [
    ('udp', DOMAIN, USER),
    ('tcp', DOMAIN, USER),
    (None, None, USER),                 # domain defaults to the registrar host
    (None, None, f'{USER}@{DOMAIN}'),   # user@domain form
])
def test_sign_in_registers(h, kam, client, transport, domain, user):
    assert client.account('State') == 'signed-out'
    assert client.account('Registration') == 'unregistered'

    opts = {'registrar': kam.hostport}
    if domain:
        opts['domain'] = domain
    if transport:
        opts['transport'] = transport
    client.sign_in(user, PASSWORD, **opts)

    # SignIn returns after the first final answer: registered already.
    assert client.account('State') == 'signed-in'
    assert client.account('Registration') == 'registered'
    assert_registered_at(kam, USER, transport)

    expected_domain = domain or ('vo.test' if '@' in user else '127.0.0.1')
    sip_uri = client.account('SipUri')
    assert sip_uri.startswith(f'sip:{USER}@{expected_domain}') or \
        sip_uri.startswith(f'sips:{USER}@{expected_domain}'), sip_uri
    assert USER in client.account('Username')
    assert client.account('Capabilities') == ['registration', 'calls', 'history', 'presence',
                                              'messages']

    # Registration went through PropertiesChanged, ending in registered.
    regs = client.changes_of(ACCOUNT, 'Registration')
    assert regs and regs[-1] == 'registered', regs
    states = client.changes_of(ACCOUNT, 'State')
    assert states and states[-1] == 'signed-in', states

    # The account (never the password) was stored.
    conf = h.daemons[0].read_conf()
    assert 'account' in conf, conf
    assert USER in conf['account'].get('user', ''), conf['account']
    assert PASSWORD not in h.daemons[0].conf_text()


def test_sign_in_registrar_as_uri(h, kam, client):
    client.sign_in(USER, PASSWORD, registrar=f'sip:{kam.hostport}', domain=DOMAIN)
    assert client.account('Registration') == 'registered'
    assert_registered_at(kam, USER, 'udp')


def test_sign_in_via_outbound_proxy(h, kam, client):
    """registrar is the (unresolvable) SIP domain; everything goes through the
    outbound proxy, as with a provider whose domain has no DNS for us."""
    client.sign_in(USER, PASSWORD, registrar=DOMAIN, proxy=kam.hostport)
    assert client.account('Registration') == 'registered'
    assert client.account('SipUri').startswith(f'sip:{USER}@{DOMAIN}')
    assert_registered_at(kam, USER)


@pytest.mark.parametrize('defines', [(), ('WITH_AUTH_FORBIDDEN',)], ids=['401', '403'])
def test_wrong_password(h, client, defines):
    kam = h.start_kamailio(users={USER: PASSWORD}, defines=('WITH_DEBUG',) + defines)
    with pytest.raises(DBusCallError) as e:
        client.sign_in(USER, 'not-the-password', registrar=kam.hostport, domain=DOMAIN)
    assert e.value.name == ERR.AuthFailed, e.value
    assert client.account('State') == 'error'
    assert client.account('Registration') == 'failed'
    assert 'password' in client.account('LastError').lower(), client.account('LastError')
    assert kam.contacts(USER) == []

    # Not retried: retry-max is 2 s, so a retry would show within 3 s.
    before = register_count(kam)
    time.sleep(3)
    assert register_count(kam) == before, 'the daemon retried a refused password'
    assert client.account('Registration') == 'failed'
    assert kam.contacts(USER) == []


def test_unknown_user_is_auth_failed(h, kam, client):
    with pytest.raises(DBusCallError) as e:
        client.sign_in('mallory', 'whatever', registrar=kam.hostport, domain=DOMAIN)
    assert e.value.name == ERR.AuthFailed, e.value
    assert client.account('Registration') == 'failed'


def test_server_down_then_up(h, client):
    kam = h.start_kamailio(users={USER: PASSWORD}, start=False)   # port reserved, nobody there
    with pytest.raises(DBusCallError) as e:
        client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN, timeout=60)
    assert e.value.name == ERR.Network, e.value
    assert client.account('State') == 'signed-in'
    assert client.account('Registration') == 'failed'
    last_error = client.account('LastError')
    assert re.search(r'reach|respond|answer|connect|unavailable', last_error, re.I), last_error

    kam.start()
    # Backoff is 1 s doubling up to retry-max=2 s: registered within a few seconds.
    client.wait_registration('registered', timeout=15)
    assert client.account('State') == 'signed-in'
    assert_registered_at(kam, USER)


@pytest.mark.parametrize('transport', ['udp', 'tcp'])
def test_kamailio_restart_reregisters(h, transport):
    kam = h.start_kamailio(users={USER: PASSWORD}, defines=('WITH_DEBUG',))
    h.daemon(sip={'register-expires': 4})
    client = h.client()
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN, transport=transport)
    assert_registered_at(kam, USER, transport)

    kam.restart()
    assert kam.contacts(USER) == [], 'a restarted kamailio should forget contacts'
    # Refresh at most every 4 s (or a reconnect for TCP): back within ~10 s.
    kam.wait_contacts(USER, timeout=12)
    assert_registered_at(kam, USER, transport)
    client.wait_registration('registered', timeout=5)
    assert client.account('State') == 'signed-in'


def test_sign_out(h, kam, signed_in):
    client = signed_in
    assert kam.contacts(USER)
    client.sign_out()
    assert client.account('State') == 'signed-out'
    assert client.account('Registration') == 'unregistered'
    kam.wait_contacts(USER, present=False, timeout=5)

    # The password is forgotten: a restarted daemon stays signed out.
    d = h.daemons[0]
    assert PASSWORD not in d.conf_text()
    rc = d.restart()
    assert rc == 0
    c2 = h.client()
    time.sleep(2)
    assert c2.account('State') == 'signed-out'
    assert c2.account('Registration') == 'unregistered'
    assert kam.contacts(USER) == []


@pytest.mark.parametrize('how', ['sigterm', 'sigkill'])
def test_daemon_restart_signs_in_again(h, kam, signed_in, how):
    d = h.daemons[0]
    if how == 'sigterm':
        assert d.stop() == 0
        assert kam.contacts(USER) == []
    else:
        d.kill()
        assert kam.contacts(USER), 'SIGKILL cannot un-register'
    d.start()
    client = h.client()
    client.wait_registration('registered', timeout=15)
    assert client.account('State') == 'signed-in'
    assert USER in client.account('Username')
    assert_registered_at(kam, USER)


def test_sigterm_exits_zero_and_unregisters(h, kam, signed_in):
    d = h.daemons[0]
    assert kam.contacts(USER)
    rc = d.stop()
    assert rc == 0, f'vo-daemon exited with {rc} on SIGTERM'
    # The un-REGISTER was answered before exit.
    assert kam.contacts(USER) == []


def test_sigint_exits_zero(h, kam, signed_in):
    import signal
    rc = h.daemons[0].stop(sig=signal.SIGINT)
    assert rc == 0
    assert kam.contacts(USER) == []


def test_sign_in_replaces_account(h, kam, signed_in):
    client = signed_in
    client.sign_in(BOB, BOB_PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    assert client.account('Registration') == 'registered'
    assert BOB in client.account('Username')
    assert_registered_at(kam, BOB)
    kam.wait_contacts(USER, present=False, timeout=5)


def test_sign_in_after_auth_failure(h, kam, client):
    with pytest.raises(DBusCallError) as e:
        client.sign_in(USER, 'wrong', registrar=kam.hostport, domain=DOMAIN)
    assert e.value.name == ERR.AuthFailed
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    assert client.account('State') == 'signed-in'
    assert client.account('Registration') == 'registered'
    assert_registered_at(kam, USER)


@pytest.mark.parametrize('display_name', ['Al"ice', 'Al\\ice "Q" O\'Neil', '"Alice"'])
def test_display_name_with_quotes(h, kam, client, display_name):
    """A double quote or backslash in the display name is escaped in From and
    Contact (RFC 3261 quoted-string): the REGISTER is well-formed, sign-in
    works, and works again after a restart from the stored account."""
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN,
                   display_name=display_name, timeout=20)
    assert client.account('State') == 'signed-in'
    assert client.account('Registration') == 'registered'
    assert client.account('DisplayName') == display_name
    assert client.account('LastError') == ''
    assert_registered_at(kam, USER)

    d = h.daemons[0]
    assert d.stop() == 0
    kam.wait_contacts(USER, present=False, timeout=5)
    d.start()
    c2 = h.client()
    c2.wait_registration('registered', timeout=15)
    assert c2.account('DisplayName') == display_name
    assert_registered_at(kam, USER)


@pytest.mark.parametrize('how', ['sign-out', 'sigterm'])
@pytest.mark.parametrize('defines', [
    ('WITH_UNREGISTER_RECHALLENGE',),
    ('WITH_AUTH_NO_QOP', 'WITH_UNREGISTER_RECHALLENGE'),
    ('WITH_ONE_TIME_NONCE',),
    ('WITH_AUTH_NO_QOP', 'WITH_ONE_TIME_NONCE'),
], ids=['qop-rechallenge', 'no-qop-rechallenge', 'qop-one-time-nonce',
        'no-qop-one-time-nonce'])
def test_unregister_answers_fresh_challenge(h, defines, how):
    """Wrong password, right password, status, then SignOut or SIGTERM: the
    un-REGISTER answers every fresh challenge (also digest without qop), and
    SignOut / exit come only after the registrar dropped the contact."""
    kam = h.start_kamailio(users={USER: PASSWORD}, defines=('WITH_DEBUG', *defines))
    d = h.daemon()
    for attempt in range(3):
        client = h.client()
        with pytest.raises(DBusCallError) as e:
            client.sign_in(USER, 'wrong-' + PASSWORD, registrar=kam.hostport, domain=DOMAIN)
        assert e.value.name == ERR.AuthFailed, e.value
        client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
        assert_registered_at(kam, USER)
        h.voctl.ok('status')
        if how == 'sign-out':
            client.sign_out()
            assert client.account('State') == 'signed-out'
        else:
            assert d.stop() == 0
        # No waiting: the contact is gone when SignOut answers / the daemon exits.
        assert kam.contacts(USER) == [], f'attempt {attempt + 1}: contact left at the registrar'
        if how == 'sigterm':
            d.start()


def test_sign_out_unconfirmed_says_so(h, kam, signed_in):
    """The registrar is gone when the user signs out: SignOut still signs out
    locally within a bounded wait, and LastError says the contact may stay."""
    client = signed_in
    kam.stop()
    start = time.monotonic()
    client.sign_out()
    took = time.monotonic() - start
    assert took < 10, f'SignOut took {took:.1f} s'
    assert client.account('State') == 'signed-out'
    assert client.account('Registration') == 'unregistered'
    last_error = client.account('LastError')
    assert 'did not confirm' in last_error and kam.hostport in last_error, last_error
    assert PASSWORD not in last_error


@pytest.mark.parametrize('keepalive', [None, 2], ids=['default', 'keepalive-2s'])
def test_registrar_restart_detected_within_seconds(h, keepalive):
    """A restarted registrar forgot the contact (usrloc in memory only); with
    the default long refresh (600 s) the daemon notices by its keep-alive
    OPTIONS to its own address and registers again within seconds."""
    kam = h.start_kamailio(users={USER: PASSWORD})
    sip = {'register-expires': 600}   # the default, not the harness's short one
    if keepalive:
        sip['keepalive'] = keepalive
    h.daemon(sip=sip)
    client = h.client()
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    assert_registered_at(kam, USER)

    kam.restart()
    assert kam.contacts(USER) == [], 'a restarted kamailio should forget contacts'
    start = time.monotonic()
    # Default keep-alive 10 s; 2 s when set: back well before the 600 s refresh.
    kam.wait_contacts(USER, timeout=(keepalive or 10) + 8)
    took = time.monotonic() - start
    client.wait_registration('registered', timeout=5)
    assert client.account('State') == 'signed-in'
    print(f'contact back {took:.1f} s after the registrar restart')
