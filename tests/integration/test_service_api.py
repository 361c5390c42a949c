"""The reference Virtual Office service (tests/service/vo-service) against its
contract, docs/service-api.md: over real HTTPS with the test CA, with the real
kamailio database, an aiosmtpd sink and a SIP call through kamailio for the
server-side `unreachable` forwarding."""

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import ssl
import urllib.parse

import aiohttp
import pytest

from conftest import DOMAIN
from vo_harness import util
from vo_harness.service import Service
from vo_harness.sip import RegisterClient

ALICE_PW = 'Alice-service-pw-1'
BOB_PW = 'Bob-service-pw-2'
CAROL_PW = 'Carol-service-pw-3'
PNG = b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 4
JPEG = b'\xff\xd8\xff\xe0' + b'\x00\x10JFIF' + bytes(200)
PHOTO_CAP = 2 * 1024 * 1024


@pytest.fixture
def svc(service):
    service.add_user('alice', ALICE_PW, email='alice@example.test', display_name='Alice Example',
                     extension='201', company='Example BV', department='Sales',
                     mobile='+31612345678')
    service.add_user('bob', BOB_PW, email='bob@example.test', display_name='Bob Builder')
    service.add_user('carol', CAROL_PW, display_name='Carol')
    return service


@pytest.fixture
def alice(svc):
    c = svc.client()
    c.session = c.sign_in('alice', ALICE_PW)
    return c


def assert_problem(r, status, name):
    assert r.status == status, r
    assert r.headers['Content-Type'].startswith('application/problem+json'), r.headers
    body = r.json()
    assert body['type'] == f'https://virtualoffice.example/problems/{name}', body
    assert body['status'] == status and body['title'] and body['detail'], body
    return body


# -- events: an aiohttp WebSocket client ---------------------------------------------
def ssl_context(svc):
    return ssl.create_default_context(cafile=svc.ca_file)


async def _read_events(svc, token, after=None, count=0, until_closed=False, action=None,
                       timeout=10):
    """Connect to /v1/events, run action() (sync) once connected, read `count`
    messages (or until the server closes). Returns (messages, close code)."""
    url = svc.url + '/v1/events' + (f'?after={after}' if after is not None else '')
    messages = []
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, ssl=ssl_context(svc), autoping=True,
                                      headers={'Authorization': f'Bearer {token}'}) as ws:
            if action is not None:
                await asyncio.get_running_loop().run_in_executor(None, action)
            async with asyncio.timeout(util.scaled(timeout)):
                while until_closed or len(messages) < count:
                    msg = await ws.receive()
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        messages.append(json.loads(msg.data))
                    elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING,
                                      aiohttp.WSMsgType.CLOSED):
                        break
            return messages, ws.close_code


def read_events(svc, token, **kw):
    return asyncio.run(_read_events(svc, token, **kw))


# -- the session ---------------------------------------------------------------------
def test_sign_in_right_and_wrong(svc):
    c = svc.client()
    r = c.post('/v1/session', {'username': 'alice', 'password': ALICE_PW, 'device': 'pytest'})
    assert r.status == 201, r
    body = r.json()
    assert body['token-type'] == 'Bearer' and body['username'] == 'alice'
    assert body['expires-in'] == 900
    assert body['access-token'] != body['refresh-token']
    assert all(len(body[k]) <= 512 and body[k].isprintable()
               for k in ('access-token', 'refresh-token'))

    wrong = assert_problem(c.post('/v1/session', {'username': 'alice', 'password': 'nope'}),
                           401, 'invalid-credentials')
    unknown = assert_problem(c.post('/v1/session', {'username': 'mallory', 'password': 'x'}),
                             401, 'invalid-credentials')
    assert wrong == unknown      # user names cannot be probed
    assert_problem(c.post('/v1/session', {'username': 'alice'}), 400, 'invalid-request')
    assert_problem(c.post('/v1/session', {'username': '', 'password': 'x'}), 400,
                   'invalid-request')
    assert_problem(c.request('POST', '/v1/session', data=b'{not json',
                             content_type='application/json'), 400, 'invalid-request')
    assert_problem(c.post('/v1/session', ['alice', ALICE_PW]), 400, 'invalid-request')
    assert_problem(c.request('POST', '/v1/session', data=b'[' * 60000,
                             content_type='application/json'), 400, 'invalid-request')
    assert_problem(c.request('POST', '/v1/session', data=b'\xff\xfe{}',
                             content_type='application/json'), 400, 'invalid-request')
    assert_problem(c.request('POST', '/v1/session', data=b'{"a": "' + b'x' * 70000 + b'"}',
                             content_type='application/json'), 413, 'payload-too-large')
    # Neither password appears in the service's log or state.
    log = util.read_text(svc.log)
    assert ALICE_PW not in log and body['access-token'] not in log
    with open(os.path.join(svc.state_dir, 'service.sqlite'), 'rb') as f:
        state = f.read()
    for secret in (ALICE_PW, body['access-token'], body['refresh-token']):
        assert secret.encode() not in state


def test_refresh_rotates_the_refresh_token(alice):
    first = alice.session
    r = alice.post('/v1/session/refresh', {'refresh-token': first['refresh-token']})
    assert r.status == 200, r
    second = r.json()
    assert second['refresh-token'] != first['refresh-token']
    assert second['access-token'] != first['access-token']
    # The used refresh token is refused from now on; the new one works once.
    assert_problem(alice.post('/v1/session/refresh', {'refresh-token': first['refresh-token']}),
                   401, 'invalid-refresh-token')
    assert alice.get('/v1/me', token=second['access-token']).status == 200
    r = alice.post('/v1/session/refresh', {'refresh-token': second['refresh-token']})
    assert r.status == 200, r
    assert_problem(alice.post('/v1/session/refresh', {'refresh-token': 'made-up'}), 401,
                   'invalid-refresh-token')
    assert_problem(alice.post('/v1/session/refresh', {}), 400, 'invalid-request')


def test_access_token_expires_and_event_socket_closes_4401(h, kam, mail_sink, service_tls):
    ca, cert, key = service_tls
    svc = Service(kam, mail_sink, workdir=os.path.join(h.workdir, 'service-ttl'),
                  access_ttl=1, ca=ca, tls_cert=cert, tls_key=key)
    h.peers.append(svc)
    svc.start()
    svc.add_user('alice', ALICE_PW)
    c = svc.client()
    session = c.sign_in('alice', ALICE_PW)
    assert session['expires-in'] == 1
    assert c.get('/v1/me').status == 200
    # The socket opened with the token closes 4401 when the token expires.
    messages, code = read_events(svc, session['access-token'], until_closed=True, timeout=10)
    assert code == 4401 and messages == []
    util.wait_until(lambda: c.get('/v1/me').status == 401, util.scaled(10),
                    interval=0.2, what='the access token to expire')
    assert_problem(c.get('/v1/me'), 401, 'invalid-token')
    r = c.post('/v1/session/refresh', {'refresh-token': session['refresh-token']})
    assert r.status == 200, r
    assert c.get('/v1/me', token=r.json()['access-token']).status == 200


def test_sign_out_ends_the_session(alice):
    refresh = alice.session['refresh-token']
    r = alice.delete('/v1/session')
    assert r.status == 204, r
    assert_problem(alice.get('/v1/me'), 401, 'invalid-token')
    assert_problem(alice.post('/v1/session/refresh', {'refresh-token': refresh}), 401,
                   'invalid-refresh-token')
    assert_problem(alice.delete('/v1/session'), 401, 'invalid-token')


def test_every_bearer_resource_needs_a_valid_token(svc):
    c = svc.client()
    for method, path in (('GET', '/v1/me'), ('GET', '/v1/sip-account'),
                         ('GET', '/v1/forwarding'), ('GET', '/v1/me/photo'),
                         ('PUT', '/v1/forwarding/busy'), ('DELETE', '/v1/me/photo'),
                         ('GET', '/v1/events'), ('GET', '/v1/directory'),
                         ('GET', '/v1/directory/alice/photo'), ('GET', '/v1/favorites'),
                         ('PUT', '/v1/favorites/x'), ('DELETE', '/v1/favorites/x')):
        assert_problem(c.request(method, path), 401, 'invalid-token')
        assert_problem(c.request(method, path, token='garbage'), 401, 'invalid-token')
    assert_problem(c.get('/v1/voicemail'), 404, 'not-found')
    r = c.request('PATCH', '/v1/session')
    assert_problem(r, 405, 'method-not-allowed')
    assert 'POST' in r.headers['Allow']


# -- provisioning and me ---------------------------------------------------------------
def test_sip_account_matches_the_kamailio_subscriber(svc, alice, kam):
    r = alice.get('/v1/sip-account')
    assert r.status == 200, r
    account = r.json()
    username, domain, password = svc.subscriber('alice')
    assert (username, domain) == ('alice', DOMAIN)
    assert account == {'auth-user': 'alice', 'password': password, 'domain': DOMAIN,
                       'registrar': f'sip:{kam.hostport}', 'outbound-proxy': None,
                       'transport': 'udp', 'display-name': 'Alice Example'}
    assert password != ALICE_PW and len(password) >= 16
    assert svc.subscriber('bob')[2] != password
    # kamailio takes it: a REGISTER with the provisioned account succeeds.
    reg = RegisterClient(kam.host, kam.port, 'alice', password, domain=DOMAIN)
    try:
        assert reg.register(expires=60).status == 200
    finally:
        reg.close()
    etag = r.headers['ETag']
    assert alice.get('/v1/sip-account', headers={'If-None-Match': etag}).status == 304
    # The sign-in password is not in kamailio's database.
    with open(kam.db, 'rb') as f:
        assert ALICE_PW.encode() not in f.read()


def test_me_with_etag(alice):
    r = alice.get('/v1/me')
    assert r.status == 200, r
    me = r.json()
    assert me == {'username': 'alice', 'display-name': 'Alice Example', 'extension': '201',
                  'company': 'Example BV', 'department': 'Sales',
                  'email': 'alice@example.test', 'mobile': '+31612345678',
                  'sip-uri': f'sip:alice@{DOMAIN}', 'photo': None, 'country': 'NL',
                  'capabilities': ['profile', 'photo', 'password-reset', 'username-recovery',
                                   'forwarding', 'events', 'directory', 'favorites']}
    etag = r.headers['ETag']
    r = alice.get('/v1/me', headers={'If-None-Match': etag})
    assert r.status == 304 and r.body == b''
    assert alice.get('/v1/me', headers={'If-None-Match': '"other"'}).status == 200
    assert alice.put('/v1/me/photo', data=PNG, content_type='image/png').status == 200
    r = alice.get('/v1/me', headers={'If-None-Match': etag})
    assert r.status == 200 and r.headers['ETag'] != etag


def test_photo_upload_download_and_limits(alice):
    assert_problem(alice.get('/v1/me/photo'), 404, 'not-found')
    r = alice.put('/v1/me/photo', data=PNG, content_type='image/png')
    assert r.status == 200, r
    photo = r.json()
    assert photo['path'] == '/v1/me/photo' and photo['content-type'] == 'image/png'
    assert photo['size'] == len(PNG)
    assert alice.get('/v1/me').json()['photo'] == photo

    r = alice.get('/v1/me/photo')
    assert r.status == 200 and r.body == PNG
    assert r.headers['Content-Type'] == 'image/png'
    assert r.headers['ETag'] == photo['etag']
    assert int(r.headers['Content-Length']) == len(PNG)
    assert alice.get('/v1/me/photo', headers={'If-None-Match': photo['etag']}).status == 304
    r = alice.get('/v1/me/photo', headers={'Range': 'bytes=8-15'})
    assert r.status == 206 and r.body == PNG[8:16]
    assert r.headers['Content-Range'] == f'bytes 8-15/{len(PNG)}'
    r = alice.get('/v1/me/photo', headers={'Range': 'bytes=1000-'})
    assert r.status == 206 and r.body == PNG[1000:]
    r = alice.get('/v1/me/photo', headers={'Range': f'bytes={len(PNG)}-'})
    assert_problem(r, 416, 'range-not-satisfiable')
    assert r.headers['Content-Range'] == f'bytes */{len(PNG)}'

    r = alice.put('/v1/me/photo', data=JPEG, content_type='image/jpeg')
    assert r.status == 200 and r.json()['content-type'] == 'image/jpeg'
    assert alice.get('/v1/me/photo').body == JPEG

    # By content, not by name: text, or a PNG declared as something else.
    assert_problem(alice.put('/v1/me/photo', data=b'hello, I am text\n',
                             content_type='image/png'), 415, 'unsupported-media-type')
    assert_problem(alice.put('/v1/me/photo', data=b'hello', content_type='text/plain'), 415,
                   'unsupported-media-type')
    assert_problem(alice.put('/v1/me/photo', data=PNG, content_type='image/jpeg'), 415,
                   'unsupported-media-type')
    big = PNG + bytes(PHOTO_CAP + 1 - len(PNG))
    body = assert_problem(alice.put('/v1/me/photo', data=big, content_type='image/png'), 413,
                          'payload-too-large')
    assert str(PHOTO_CAP) in body['detail']
    exact = PNG + bytes(PHOTO_CAP - len(PNG))
    assert alice.put('/v1/me/photo', data=exact, content_type='image/png').status == 200
    assert alice.get('/v1/me/photo').body == exact

    assert alice.delete('/v1/me/photo').status == 204
    assert_problem(alice.get('/v1/me/photo'), 404, 'not-found')
    assert alice.get('/v1/me').json()['photo'] is None


# -- password reset and user-name recovery ---------------------------------------------
def reset_link(mail, address):
    msg = mail.wait_for(lambda m: m['To'] == address and 'password' in m['Subject'].lower())
    mail.clear()
    m = re.search(r'(https://\S+/reset-password\?token=(\S+))', msg.get_content())
    assert m, msg.get_content()
    return m.group(1), urllib.parse.unquote(m.group(2))


def test_password_reset_by_mail_and_form(svc, alice, mail_sink):
    c = svc.client()
    r = c.post('/v1/password-reset', {'username': 'alice'})
    assert r.status == 202 and r.json() == {}
    link, token = reset_link(mail_sink, 'alice@example.test')
    assert link.startswith(svc.url + '/reset-password?')

    # The link opens a form for a person, posting to the confirm endpoint.
    page = c.get(link[len(svc.url):])
    assert page.status == 200 and page.headers['Content-Type'].startswith('text/html')
    html = page.body.decode()
    assert 'action="/v1/password-reset/confirm"' in html
    assert f'name="token" value="{token}"' in html

    assert_problem(c.post('/v1/password-reset/confirm', {'token': token, 'password': 'short'}),
                   400, 'invalid-request')
    form = urllib.parse.urlencode({'token': token, 'password': 'New-alice-pw-1'}).encode()
    r = c.request('POST', '/v1/password-reset/confirm', data=form,
                  content_type='application/x-www-form-urlencoded')
    assert r.status == 200 and b'Password changed' in r.body, r

    assert_problem(c.post('/v1/session', {'username': 'alice', 'password': ALICE_PW}), 401,
                   'invalid-credentials')
    assert c.post('/v1/session', {'username': 'alice', 'password': 'New-alice-pw-1'}).status \
        == 201
    # The reset ended alice's other sessions.
    assert_problem(alice.post('/v1/session/refresh',
                              {'refresh-token': alice.session['refresh-token']}),
                   401, 'invalid-refresh-token')
    # Usable once.
    body = assert_problem(c.post('/v1/password-reset/confirm',
                                 {'token': token, 'password': 'Another-pw-22'}),
                          400, 'invalid-request')
    assert body['detail'].startswith('This reset link has expired or was already used')
    assert 'expired or was already used' in c.get(link[len(svc.url):]).body.decode()

    # A JSON confirm (what an app sends) works the same way.
    assert c.post('/v1/password-reset', {'username': 'alice'}).status == 202
    _, token = reset_link(mail_sink, 'alice@example.test')
    assert c.post('/v1/password-reset/confirm',
                  {'token': token, 'password': 'Third-alice-pw'}).status == 204
    assert c.post('/v1/session', {'username': 'alice', 'password': 'Third-alice-pw'}).status \
        == 201


def test_username_recovery_and_no_probing(svc, mail_sink):
    c = svc.client()
    unknown_user = c.post('/v1/password-reset', {'username': 'mallory'})
    unknown_address = c.post('/v1/username-recovery', {'email': 'nobody@example.test'})
    no_address = c.post('/v1/password-reset', {'username': 'carol'})   # carol has no e-mail
    known = c.post('/v1/username-recovery', {'email': 'Bob@Example.test'})
    for r in (unknown_user, unknown_address, no_address, known):
        assert r.status == 202 and r.json() == {}, r
    msg = mail_sink.wait_for()
    assert msg['To'] == 'bob@example.test'
    assert 'user name is: bob' in msg.get_content()
    # Only bob's mail was sent (the others were handed to the mailer first).
    util.wait_until(lambda: util.read_text(svc.log).count('mail "') >= 1, util.scaled(5))
    assert len(mail_sink.messages) == 1, [m['To'] for m in mail_sink.messages]
    assert util.read_text(svc.log).count('mail "') == 1

    assert_problem(c.post('/v1/username-recovery', {'email': 'not an address'}), 400,
                   'invalid-request')
    assert_problem(c.post('/v1/password-reset', {}), 400, 'invalid-request')

    # Rate limited per user name (mallory had one request above).
    answers = [c.post('/v1/password-reset', {'username': 'mallory'}).status for _ in range(9)]
    assert answers == [202] * 9
    r = c.post('/v1/password-reset', {'username': 'mallory'})
    assert_problem(r, 429, 'rate-limited')
    assert int(r.headers['Retry-After']) > 0
    # Another user is not limited by mallory's requests.
    assert c.post('/v1/password-reset', {'username': 'carol'}).status == 202


# -- forwarding ----------------------------------------------------------------------
def test_forwarding_rules_validation_and_kamailio_rows(svc, alice):
    r = alice.get('/v1/forwarding')
    assert r.status == 200, r
    assert r.json() == {'rules': [
        {'condition': c, 'enabled': False, 'target': '', 'timeout': 20}
        for c in ('always', 'busy', 'no-answer', 'unreachable')]}
    etag = r.headers['ETag']
    assert alice.get('/v1/forwarding', headers={'If-None-Match': etag}).status == 304

    for condition, body in (('sometimes', {'enabled': False}),
                            ('busy', {'enabled': True, 'target': 'tel:+3161234'}),
                            ('busy', {'enabled': True, 'target': 'carol@vo.test'}),
                            ('busy', {'enabled': True, 'target': 'sip:carol @vo.test'}),
                            ('busy', {'enabled': True, 'target': "sip:x'or'1'='1@vo.test"}),
                            ('busy', {'enabled': True}),
                            ('busy', {'enabled': 'yes', 'target': 'sip:carol@vo.test'}),
                            ('no-answer', {'timeout': 4}), ('no-answer', {'timeout': 301}),
                            ('no-answer', {'timeout': '20'}), ('no-answer', {'timeout': True})):
        assert_problem(alice.put(f'/v1/forwarding/{condition}', body), 400, 'invalid-request')
    assert svc.forwarding_rows('alice') == {}

    r = alice.put('/v1/forwarding/unreachable',
                  {'enabled': True, 'target': 'sip:carol@vo.test', 'timeout': 30})
    assert r.status == 200 and r.json() == {'condition': 'unreachable', 'enabled': True,
                                            'target': 'sip:carol@vo.test', 'timeout': 30}
    r = alice.put('/v1/forwarding/no-answer',
                  {'enabled': True, 'target': 'sips:bob@vo.test', 'timeout': 15})
    assert r.status == 200, r
    rules = alice.get('/v1/forwarding').json()['rules']
    assert rules[2] == {'condition': 'no-answer', 'enabled': True,
                        'target': 'sips:bob@vo.test', 'timeout': 15}
    assert rules[3]['target'] == 'sip:carol@vo.test'
    assert svc.forwarding_rows('alice') == {'unreachable': (True, 'sip:carol@vo.test', 30),
                                            'no-answer': (True, 'sips:bob@vo.test', 15)}
    # If-Match: a stale ETag is refused, the current one accepted.
    assert_problem(alice.put('/v1/forwarding/busy', {'enabled': False},
                             headers={'If-Match': etag}), 412, 'precondition-failed')
    current = alice.get('/v1/forwarding').headers['ETag']
    assert alice.put('/v1/forwarding/unreachable', {'enabled': False},
                     headers={'If-Match': current}).status == 200
    assert svc.forwarding_rows('alice')['unreachable'] == (False, 'sip:carol@vo.test', 30)


# -- events --------------------------------------------------------------------------
def test_events_resume_after_reconnect_without_loss_or_repeat(svc, alice):
    token = alice.token

    def change(target):
        assert alice.put('/v1/forwarding/busy', {'enabled': True, 'target': target}) \
            .status == 200

    (first,), _ = read_events(svc, token, count=1, action=lambda: change('sip:bob@vo.test'))
    assert first['type'] == 'forwarding.changed' and first['data'] == {'condition': 'busy'}
    assert isinstance(first['id'], int) and re.match(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$',
                                                    first['time'])
    # Missed while disconnected: two forwarding changes and a photo change.
    change('sip:carol@vo.test')
    change('sip:alice@vo.test')
    assert alice.put('/v1/me/photo', data=PNG, content_type='image/png').status == 200

    def live():
        assert alice.delete('/v1/me/photo').status == 204
    got, _ = read_events(svc, token, after=first['id'], count=6, action=live)
    assert [e['id'] for e in got] == [first['id'] + i for i in range(1, 7)]
    # The photo is alice's directory entry's too (§9).
    assert [e['type'] for e in got] == ['forwarding.changed', 'forwarding.changed',
                                        'photo.changed', 'directory.changed',
                                        'photo.changed', 'directory.changed']
    # Nothing after the last one: a resume from it gets only new events.
    got2, _ = read_events(svc, token, after=got[-1]['id'], count=1,
                          action=lambda: change('sip:bob@vo.test'))
    assert [e['id'] for e in got2] == [got[-1]['id'] + 1]
    # An id the server does not know: resync from the newest.
    (resync,), _ = read_events(svc, token, after=10 ** 6, count=1)
    assert resync['type'] == 'resync' and resync['id'] == got2[0]['id']
    for bad in ('abc', '-1', '9' * 30, '٣'):
        assert_problem(alice.get(f'/v1/events?after={urllib.parse.quote(bad)}'), 400,
                       'invalid-request')
    assert_problem(alice.get('/v1/events'), 400, 'invalid-request')   # not a WebSocket


def test_sign_out_closes_4401_and_revoke_closes_4403(svc, alice):
    other = svc.client()
    other.sign_in('alice', ALICE_PW)
    _, code = read_events(svc, other.token, until_closed=True,
                          action=lambda: other.delete('/v1/session'))
    assert code == 4401
    assert alice.get('/v1/me').status == 200     # only that session ended

    messages, code = read_events(svc, alice.token, until_closed=True,
                                 action=lambda: svc.revoke('alice'))
    assert code == 4403
    assert [m['type'] for m in messages] == ['session.revoked']
    assert_problem(alice.get('/v1/me'), 401, 'invalid-token')
    assert_problem(alice.post('/v1/session/refresh',
                              {'refresh-token': alice.session['refresh-token']}),
                   401, 'invalid-refresh-token')


# -- faults ----------------------------------------------------------------------------
def test_fault_modes(svc, alice):
    svc.faults('garbage-json', count=1)
    r = alice.get('/v1/me')
    assert r.status == 200
    with pytest.raises(ValueError):
        json.loads(r.body)
    assert alice.get('/v1/me').json()['username'] == 'alice'     # count=1: once only

    svc.faults('wrong-shape', paths=['/v1/sip-account'])
    assert alice.get('/v1/me').json()['username'] == 'alice'     # another path: normal
    for _ in range(2):
        r = alice.get('/v1/sip-account')
        assert r.status == 200 and not isinstance(r.json(), dict)
    svc.faults('none')
    assert alice.get('/v1/sip-account').json()['auth-user'] == 'alice'

    svc.faults('500', count=2)
    assert_problem(alice.get('/v1/forwarding'), 500, 'server-error')
    assert_problem(alice.post('/v1/session', {'username': 'alice', 'password': ALICE_PW}),
                   500, 'server-error')
    assert alice.get('/v1/forwarding').status == 200

    svc.faults('truncated', count=1)
    with pytest.raises(http.client.IncompleteRead):
        alice.get('/v1/me')

    # The admin API is never affected.
    svc.faults('hang')
    svc.add_user('dave', 'Dave-pw-12345')
    hanging = svc.client(token=alice.token)
    hanging.timeout = 1
    with pytest.raises((socket.timeout, TimeoutError)):
        hanging.get('/v1/me')
    svc.faults('none')
    assert alice.get('/v1/me').status == 200


def test_admin_api(svc, kam):
    c = svc.client()
    assert_problem(c.post('/admin/v1/users', {'username': 'eve', 'password': 'x'}), 403,
                   'forbidden')
    assert_problem(c.post('/admin/v1/users', {'username': 'eve', 'password': 'x'},
                          token='wrong'), 403, 'forbidden')
    admin = svc.client(token=svc.admin_token)
    r = admin.post('/admin/v1/users', {'username': 'alice', 'password': 'x'})
    assert_problem(r, 409, 'conflict')
    assert_problem(admin.post('/admin/v1/users', {'username': 'bad name', 'password': 'x'}),
                   400, 'invalid-request')
    assert_problem(admin.post('/admin/v1/faults', {'mode': 'explode'}), 400, 'invalid-request')
    assert_problem(admin.post('/admin/v1/users/nobody/revoke'), 404, 'not-found')
    user = svc.add_user('eve', 'Eve-pw-123456', extension='209')
    assert user['extension'] == '209'
    assert user['sip-account']['password'] == svc.subscriber('eve')[2]
    c.sign_in('eve', 'Eve-pw-123456')
    old_sip = svc.subscriber('eve')[2]

    def update():
        svc.update_user('eve', display_name='Eve Example', department='Ops')
        svc.update_user('eve', rotate_sip_password=True)
    events, _ = read_events(svc, c.token, count=3, action=update)
    assert [e['type'] for e in events] == ['me.changed', 'directory.changed',
                                           'sip-account.changed']
    me = c.get('/v1/me').json()
    assert (me['display-name'], me['department'], me['extension']) == \
        ('Eve Example', 'Ops', '209')
    assert c.get('/v1/sip-account').json()['password'] == svc.subscriber('eve')[2] != old_sip
    svc.update_user('eve', disabled=True)
    assert_problem(c.get('/v1/me'), 401, 'invalid-token')        # sessions ended
    assert_problem(c.post('/v1/session', {'username': 'eve', 'password': 'Eve-pw-123456'}),
                   403, 'account-disabled')
    svc.update_user('eve', disabled=False, password='Eve-new-pw-1')
    assert c.sign_in('eve', 'Eve-new-pw-1')['username'] == 'eve'
    assert_problem(admin.request('PATCH', '/admin/v1/users/eve', body={'disabled': 'yes'}),
                   400, 'invalid-request')

    svc.delete_user('eve')
    assert svc.subscriber('eve') is None
    assert_problem(c.post('/v1/session', {'username': 'eve', 'password': 'Eve-pw-123456'}),
                   401, 'invalid-credentials')


def test_restart_keeps_users_sessions_photo_and_rules(svc, alice):
    assert alice.put('/v1/me/photo', data=JPEG, content_type='image/jpeg').status == 200

    def set_rule():
        assert alice.put('/v1/forwarding/always',
                         {'enabled': True, 'target': 'sip:bob@vo.test'}).status == 200
    (event,), _ = read_events(svc, alice.token, count=1, action=set_rule)
    # Stopping closes open event sockets with 1001 (going away).
    _, code = read_events(svc, alice.token, until_closed=True,
                          action=lambda: svc.proc.send_signal(signal.SIGTERM))
    assert code == 1001
    assert svc.proc.wait(timeout=util.scaled(10)) == 0     # a clean exit on SIGTERM
    svc.stop()
    svc.start()
    assert alice.get('/v1/me').json()['photo']['content-type'] == 'image/jpeg'
    assert alice.get('/v1/me/photo').body == JPEG
    assert alice.get('/v1/forwarding').json()['rules'][0]['enabled'] is True
    r = alice.post('/v1/session/refresh', {'refresh-token': alice.session['refresh-token']})
    assert r.status == 200, r
    # Event ids go on where they were.
    got, _ = read_events(svc, alice.token, after=event['id'] - 1, count=1)
    assert got == [event] and event['type'] == 'forwarding.changed'
    assert svc.client().sign_in('bob', BOB_PW)['username'] == 'bob'


# -- server-side forwarding in kamailio ----------------------------------------------------
def test_unreachable_forwarding_reaches_carol(h, svc, kam):
    """bob has no registered contact and an `unreachable` rule to carol: kamailio
    (reading vo_forwarding) sends a call for bob to carol."""
    bob = svc.client()
    bob.sign_in('bob', BOB_PW)
    assert not kam.contacts('bob')
    carol_password = svc.subscriber('carol')[2]
    carol = h.sipp('uas_answer', register=(kam, 'carol', carol_password))
    # A disabled rule: the call is not found, as without one.
    assert bob.put('/v1/forwarding/unreachable',
                   {'enabled': False, 'target': f'sip:carol@{DOMAIN}'}).status == 200
    refused = h.sipp('uac_call', remote=kam.hostport, service='bob', duration_ms=200)
    assert refused.wait() != 0
    assert refused.received(r'SIP/2.0 404'), refused.failure()
    assert 'FORWARD unreachable: bob' not in util.read_text(kam.log)

    assert bob.put('/v1/forwarding/unreachable', {'enabled': True}).status == 200
    caller = h.sipp('uac_call', remote=kam.hostport, service='bob', duration_ms=200)
    assert caller.wait() == 0, caller.failure()
    assert carol.wait() == 0, carol.failure()
    invites = carol.received(r'INVITE ')
    assert len(invites) == 1, carol.failure()
    assert re.search(r'^To:.*sip:bob@', invites[0], re.M | re.I), invites[0]
    assert re.search(r'FORWARD unreachable: bob has no contact, call \S+ goes to '
                     rf'sip:carol@{DOMAIN}$', util.read_text(kam.log), re.M), \
        util.tail(kam.log, 30)
