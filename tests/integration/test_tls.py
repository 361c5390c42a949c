"""SIP over TLS: kamailio's TLS listener with a certificate from a test CA the
harness makes (openssl); two daemons sign in, call, message and see each
other's presence over it; bad certificates are refused with a message that
names the problem, and without retrying. Calls on a TLS account are SRTP
([media] srtp defaults to mandatory there): between two daemons and with
baresip, the audio arrives and is not on the wire in clear."""

import os

import pytest
from gi.repository import GLib

from calls_support import ERR, DBusCallError, Party, stop_extra_buses
from test_srtp import A_TONE, B_TONE, TONE_MEDIA, bob_heard, capture_call_rtp, tone_in_clear
from vo_harness import util
from vo_harness.client import ACCOUNT, pump
from vo_harness.tlsca import TestCA

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
MESSAGES = 'org.virtualoffice.Messages1'
CONVERSATION = 'org.virtualoffice.Conversation1'
PRESENCE = 'org.virtualoffice.Presence1'


def tls_sip(ca, **more):
    """[sip] for a TLS daemon: the test CA, and a SignIn timeout scaled like
    the harness's waits (the certificate check's handshake takes seconds
    under the sanitizers)."""
    return {'ca-file': ca.cert, 'timeout': str(round(util.scaled(5))), **more}


@pytest.fixture
def ca(h):
    return TestCA(os.path.join(h.workdir, 'ca'))


@pytest.fixture
def buses(h):
    """Parties' private buses go at teardown, also after a failure."""
    yield
    stop_extra_buses(h)


def tls_kamailio(h, cert, extra=()):
    crt, key = cert
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG', 'WITH_TLS', *extra),
                            tls_cert=crt, tls_key=key)


@pytest.fixture
def parties(h, ca):
    """Make parties signed in over TLS at a kamailio whose certificate the
    daemons trust through [sip] ca-file."""
    kam = tls_kamailio(h, ca.server('server', san=False), extra=('WITH_PRESENCE',))
    made = []

    def make(user, **kw):
        p = Party(h, kam, user, PASSWORDS[user], sip=tls_sip(ca),
                  sign_in={'registrar': f'sips:{kam.tls_hostport}'}, **kw)
        made.append(p)
        return p
    make.kam = kam
    yield make
    stop_extra_buses(h)


def kam_requests(kam, method):
    """Requests kamailio logged (WITH_DEBUG): (request URI, proto) pairs."""
    out = []
    with open(kam.log, errors='replace') as f:
        for line in f:
            if f'REQ {method} ' in line:
                uri = line.split(f'REQ {method} ', 1)[1].split(' ', 1)[0]
                proto = line.rsplit('(', 1)[1].split(':', 1)[0]
                out.append((uri, proto))
    return out


def contact_lines(kam):
    """(method, proto, Contact) of every request kamailio logged with one."""
    out = []
    with open(kam.log, errors='replace') as f:
        for line in f:
            if ': CONTACT ' in line:
                method, proto, contact = line.split(': CONTACT ', 1)[1].rstrip('\n').split(' ', 2)
                out.append((method, proto, contact))
    return out


def is_tls_contact(contact):
    return '<sips:' in contact or contact.startswith('sips:') or 'transport=tls' in contact.lower()


def daemon_log_count(d, text):
    return d.log_text().count(text)


# -- sign-in ----------------------------------------------------------------
@pytest.mark.parametrize('how', ['sips', 'transport'])
def test_sign_in_over_tls_registers_a_tls_contact(h, ca, buses, how):
    kam = tls_kamailio(h, ca.server('server', san=False))
    options = ({'registrar': f'sips:{kam.tls_hostport}'} if how == 'sips' else
               {'registrar': kam.tls_hostport, 'transport': 'tls'})
    alice = Party(h, kam, 'alice', PASSWORDS['alice'], sip=tls_sip(ca), sign_in=options)
    contacts = kam.contacts('alice')
    assert len(contacts) == 1
    assert is_tls_contact(contacts[0]['Address']), contacts
    registers = kam_requests(kam, 'REGISTER')
    assert registers and all(proto == 'tls' for _, proto in registers), registers
    assert alice.client.get(ACCOUNT, 'Registration') == 'registered'
    assert alice.client.get(ACCOUNT, 'LastError') == ''


def test_call_message_and_presence_over_tls(parties):
    alice, bob = parties('alice'), parties('bob')
    kam = parties.kam

    # Presence: bob watches alice, who goes away.
    bob.client.call_raw(PRESENCE, 'Watch', GLib.Variant('(as)', (['alice'],)))
    alice.client.call_raw(PRESENCE, 'SetStatus', GLib.Variant('(ss)', ('away', 'over TLS')))

    def bob_sees_away():
        pump()
        return any(args[0].get('sip:alice@vo.test') == ('away', 'over TLS')
                   for (_p, args) in bob.signals('Changed'))
    util.wait_until(bob_sees_away, util.scaled(15), what='bob sees alice away over TLS')

    # A message with its delivery receipt.
    _, mid = alice.client.call_raw(MESSAGES, 'Send',
                                   GLib.Variant('(ssa{sv})', ('bob', 'hello over TLS', {})))

    def delivered():
        pump()
        return any(m == 'MessageStatusChanged' and args[0] == mid and args[1] == 'delivered'
                   for (_t, _p, _i, m, args) in alice.client.signals)
    util.wait_until(delivered, util.scaled(15), what='the message delivered to bob')
    util.wait_until(lambda: (pump() or any(args[1]['text'] == 'hello over TLS'
                                            for (_p, args) in bob.signals('Received'))),
                    util.scaled(15), what='bob receives the message')

    # A call: answered, active on both sides, SRTP both ways (a TLS account
    # is mandatory by default), hung up.
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    bob.call_method(b_path, 'Answer')
    alice.wait_state(a_path, 'active')
    bob.wait_state(b_path, 'active')
    alice.wait_prop(a_path, 'Encrypted', True)
    bob.wait_prop(b_path, 'Encrypted', True)
    alice.call_method(a_path, 'Hangup')
    assert alice.wait_ended(a_path) == 'local'
    assert bob.wait_ended(b_path) == 'remote'

    # Everything the daemons sent reached kamailio over TLS, with TLS Contacts.
    requests = [r for m in ('REGISTER', 'SUBSCRIBE', 'PUBLISH', 'MESSAGE', 'INVITE', 'ACK', 'BYE')
                for r in kam_requests(kam, m)]
    assert {m for m in ('SUBSCRIBE', 'PUBLISH', 'MESSAGE', 'INVITE', 'BYE')
            if kam_requests(kam, m)} == {'SUBSCRIBE', 'PUBLISH', 'MESSAGE', 'INVITE', 'BYE'}
    assert requests and all(proto == 'tls' for _, proto in requests), requests
    contacts = contact_lines(kam)
    assert {m for m, _, _ in contacts} >= {'REGISTER', 'SUBSCRIBE', 'INVITE'}, contacts
    assert all(is_tls_contact(c) for _, _, c in contacts), contacts


def test_udp_account_keeps_sip_contacts(h, buses):
    """The TLS transport is there, but a UDP account's Contacts stay sip:."""
    kam = h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG', 'WITH_PRESENCE'))
    alice = Party(h, kam, 'alice', PASSWORDS['alice'])
    bob = Party(h, kam, 'bob', PASSWORDS['bob'])
    bob.client.call_raw(PRESENCE, 'Watch', GLib.Variant('(as)', (['alice'],)))
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    bob.call_method(b_path, 'Answer')
    alice.wait_state(a_path, 'active')
    alice.call_method(a_path, 'Hangup')
    alice.wait_ended(a_path)
    util.wait_until(lambda: any(m == 'SUBSCRIBE' for m, _, _ in contact_lines(kam)),
                    util.scaled(10), what="bob's SUBSCRIBE")
    contacts = contact_lines(kam)
    assert {m for m, _, _ in contacts} >= {'REGISTER', 'SUBSCRIBE', 'INVITE'}, contacts
    assert all(proto == 'udp' and not is_tls_contact(c) and '<sip:' in c
               for _, proto, c in contacts), contacts


# -- certificate problems ---------------------------------------------------
@pytest.mark.parametrize('problem', ['untrusted', 'wrong-name', 'expired'])
def test_bad_certificate_is_refused_by_name_without_retries(h, ca, problem):
    if problem == 'untrusted':
        rogue = TestCA(os.path.join(h.workdir, 'rogue'), name='rogue CA')
        cert = rogue.server('server', san=False)
        expected = ('not trusted (unknown CA)', '[sip] ca-file')
    elif problem == 'wrong-name':
        cert = ca.server('wrong', dns=('wrong.example',), ips=())
        expected = ('issued for wrong.example, not 127.0.0.1', 'wrong name')
    else:
        cert = ca.server('expired', san=False, expired=True)
        expected = ('expired on 2020-01-02',)
    kam = tls_kamailio(h, cert)
    nm = h.start_network_manager('wifi')
    # retry-max 1: a retry loop would show up within a few seconds.
    d = h.daemon(sip=tls_sip(ca, **{'retry-max': '1'}))
    client = h.client()
    with pytest.raises(DBusCallError) as e:
        client.sign_in('alice', PASSWORDS['alice'], registrar=f'sips:{kam.tls_hostport}',
                       domain='vo.test')
    assert e.value.name == ERR.Network, e.value
    for text in expected:
        assert text in e.value.message, e.value.message
    assert client.get(ACCOUNT, 'LastError') == e.value.message
    assert client.get(ACCOUNT, 'Registration') == 'failed'
    assert client.get(ACCOUNT, 'State') == 'error'
    checks = 'Checking the TLS certificate of 127.0.0.1'
    assert daemon_log_count(d, checks) == 1
    # No retries: no second handshake within three backoff periods.
    with pytest.raises(TimeoutError):
        util.wait_until(lambda: daemon_log_count(d, checks) > 1, util.scaled(3),
                        what='a retry that must not happen')
    assert kam_requests(kam, 'REGISTER') == []
    # Nor after a network change (only SignIn tries again).
    nm.set_connection('ethernet')
    util.wait_until(lambda: 'Network changed' in d.log_text(), util.scaled(10),
                    what='the daemon sees the network change')
    assert daemon_log_count(d, checks) == 1
    # SignIn again tries again (once), with the same answer.
    with pytest.raises(DBusCallError) as again:
        client.sign_in('alice', PASSWORDS['alice'], registrar=f'sips:{kam.tls_hostport}',
                       domain='vo.test')
    assert again.value.message == e.value.message
    assert daemon_log_count(d, checks) == 2


def test_unreachable_tls_registrar_is_a_network_error(h, ca):
    """No TLS server at all: not a certificate problem; the daemon keeps trying."""
    port = util.free_port()
    h.daemon(sip=tls_sip(ca))
    client = h.client()
    with pytest.raises(DBusCallError) as e:
        client.sign_in('alice', 'pw', registrar=f'sips:127.0.0.1:{port}', domain='vo.test')
    assert e.value.name == ERR.Network, e.value
    assert 'certificate' not in e.value.message
    assert f'sips:127.0.0.1:{port}' in e.value.message
    assert client.get(ACCOUNT, 'State') == 'signed-in'   # stored, retried


def test_unreadable_ca_file_refuses_tls_sign_in(h):
    h.daemon(sip={'ca-file': os.path.join(h.workdir, 'missing-ca.pem')})
    client = h.client()
    with pytest.raises(DBusCallError) as e:
        client.sign_in('alice', 'pw', registrar='sips:127.0.0.1:5061', domain='vo.test')
    assert e.value.name == ERR.NotSupported, e.value
    assert 'ca-file' in e.value.message and 'missing-ca.pem' in e.value.message


def test_tls_call_audio_is_srtp_and_not_in_clear(parties):
    """Two daemons on TLS accounts: the call is Encrypted both ways by
    default, and alice's PCMU tone is nowhere on the wire in clear."""
    alice = parties('alice', media=TONE_MEDIA, conf={'media': {'codecs': 'PCMU'}})
    bob = parties('bob', conf={'media': {'codecs': 'PCMU'}})
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    bob.call_method(b_path, 'Answer')
    alice.wait_prop(a_path, 'Encrypted', True)
    bob.wait_prop(b_path, 'Encrypted', True)
    assert alice.prop(a_path, 'Codec') == 'PCMU'
    streams = capture_call_rtp(alice, bob)
    clear = [key for key, payloads in streams.items() if tone_in_clear(payloads)]
    assert not clear, f'the tone travels in clear in {clear}'
    alice.call_method(a_path, 'Hangup')
    assert bob.wait_ended(b_path) == 'remote'


# -- interop ----------------------------------------------------------------
def wait_received_seconds(peer, seconds):
    """Until baresip has decoded `seconds` of audio (8 kHz S16 WAV dumps)."""
    def received():
        path = peer.received_audio()
        return path and os.path.getsize(path) - 44 >= seconds * 8000 * 2
    util.wait_until(received, util.scaled(15), interval=0.1,
                    what=f'{seconds} s of audio decoded by baresip')


@pytest.mark.parametrize('direction', ['to-baresip', 'from-baresip'])
def test_call_with_baresip_over_tls(h, ca, buses, direction):
    """baresip over TLS with its srtp module, mandatory (RTP/SAVP) as a TLS
    account is: Encrypted, and alice's tone reaches baresip both ways."""
    kam = tls_kamailio(h, ca.server('server', san=False))
    alice = Party(h, kam, 'alice', PASSWORDS['alice'], sip=tls_sip(ca), media=TONE_MEDIA,
                  sign_in={'registrar': f'sips:{kam.tls_hostport}'})
    # baresip registers over TLS too, verifying kamailio against the test CA.
    bob = h.start_baresip(f'{kam.tls_hostport};transport=tls', 'bob', PASSWORDS['bob'],
                          tone=B_TONE, extra_config=f'sip_cafile\t\t{ca.cert}',
                          modules=('srtp.so',), account_params=';mediaenc=srtp-mand')
    assert [proto for _, proto in kam_requests(kam, 'REGISTER')] and \
        all(proto == 'tls' for _, proto in kam_requests(kam, 'REGISTER'))
    if direction == 'to-baresip':
        a_path = alice.dial('bob')
        bob.wait_established()
        alice.wait_state(a_path, 'active')
        alice.wait_prop(a_path, 'Encrypted', True)
        wait_received_seconds(bob, 1.5)
        alice.call_method(a_path, 'Hangup')
        assert alice.wait_ended(a_path) == 'local'
        bob.wait_closed()
    else:
        since = alice.mark()
        bob.dial('sip:alice@vo.test')
        a_path = alice.wait_incoming(since=since)
        alice.call_method(a_path, 'Answer')
        alice.wait_state(a_path, 'active')
        bob.wait_established()
        alice.wait_prop(a_path, 'Encrypted', True)
        wait_received_seconds(bob, 1.5)
        bob.hangup()
        assert alice.wait_ended(a_path) == 'remote'
    bob_heard(bob, A_TONE)
    invites = kam_requests(kam, 'INVITE')
    assert invites and all(proto == 'tls' for _, proto in invites), invites


def test_switching_between_tls_and_udp_accounts(h, ca):
    """SignIn replaces a TLS account with a UDP one and back: each time the
    registrar holds one Contact of the new transport's kind."""
    kam = tls_kamailio(h, ca.server('server', san=False))
    h.daemon(sip=tls_sip(ca))
    client = h.client()
    for registrar, tls in ((f'sips:{kam.tls_hostport}', True), (kam.hostport, False),
                           (f'sips:{kam.tls_hostport}', True)):
        client.sign_in('alice', PASSWORDS['alice'], registrar=registrar, domain='vo.test')
        util.wait_until(lambda: len(kam.contacts('alice')) == 1 and
                        is_tls_contact(kam.contacts('alice')[0]['Address']) == tls,
                        util.scaled(10), what=f'one {"TLS" if tls else "UDP"} contact')
        assert client.get(ACCOUNT, 'Registration') == 'registered'


def test_message_and_presence_with_baresip_over_tls(parties, ca):
    """alice (vo-daemon) and baresip bob, both over TLS: MESSAGEs both ways
    (baresip takes only text/plain: alice's IM goes again as that after its
    415), and baresip sees alice's status change."""
    alice = parties('alice')
    kam = parties.kam
    bob = alice.h.start_baresip(f'{kam.tls_hostport};transport=tls', 'bob', PASSWORDS['bob'],
                                extra_config=f'sip_cafile\t\t{ca.cert}',
                                contacts=['sip:alice@vo.test'], presence=True)

    # alice -> bob: baresip's menu module shows it.
    alice.client.call_raw(MESSAGES, 'Send',
                          GLib.Variant('(ssa{sv})', ('bob', 'hello baresip over TLS', {})))
    assert bob.wait_message('hello baresip over TLS', timeout=15) == 'sip:alice@vo.test'

    # bob -> alice: a Received signal.
    bob.send_message('sip:alice@vo.test', 'hello vo over TLS')
    util.wait_until(lambda: (pump() or any(args[1]['text'] == 'hello vo over TLS'
                                            for (_p, args) in alice.signals('Received'))),
                    util.scaled(15), what='alice receives the message from baresip')
    messages = kam_requests(kam, 'MESSAGE')
    assert len(messages) >= 2 and all(proto == 'tls' for _, proto in messages), messages

    # Presence: baresip SUBSCRIBEs to alice (its contact with presence=p2p)
    # and sees her status change. (The other way, baresip 1.0's presence.so
    # sends no PUBLISH here, so alice cannot watch it change.)
    util.wait_until(lambda: 'Online' in (bob.contact_presence('sip:alice@vo.test') or ''),
                    util.scaled(15), what='baresip sees alice online')
    alice.client.call_raw(PRESENCE, 'SetStatus', GLib.Variant('(ss)', ('invisible', '')))
    util.wait_until(lambda: 'Offline' in (bob.contact_presence('sip:alice@vo.test') or ''),
                    util.scaled(15), what='baresip sees alice offline')
    alice.client.call_raw(PRESENCE, 'SetStatus', GLib.Variant('(ss)', ('available', '')))
    util.wait_until(lambda: 'Online' in (bob.contact_presence('sip:alice@vo.test') or ''),
                    util.scaled(15), what='baresip sees alice online again')
    subscribes = [r for r in kam_requests(kam, 'SUBSCRIBE') if r[0] == 'sip:alice@vo.test']
    assert subscribes and all(proto == 'tls' for _, proto in subscribes), subscribes
