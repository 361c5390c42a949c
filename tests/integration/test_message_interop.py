"""What other clients put on the wire for messages (Linphone's habits first):
receipts as a bare message/imdn+xml without a CPIM envelope, bodies with
Content-Encoding deflate or gzip, and what a 415 tells the sender to use
instead (RFC 3261 §8.2.3). Sent straight to the daemon's contact over UDP."""

import gzip
import random
import re
import socket
import zlib

import pytest

from calls_support import stop_extra_buses
from test_messages import (PASSWORDS, alive, cpim, get_messages, make_parties,
                           open_conversation, send, statuses, wait_status)
from vo_harness import util

CAROL = 'carol'


@pytest.fixture
def kam(h):
    return h.start_kamailio(users={**PASSWORDS, CAROL: 'carol-pw'}, defines=('WITH_DEBUG',))


@pytest.fixture
def parties(h, kam):
    yield make_parties(h, kam)
    stop_extra_buses(h)


def raw_request(contact, body, content_type, headers=(), sender='sip:mallory@vo.test'):
    """One MESSAGE straight to a daemon's contact: (status, response text)."""
    m = re.match(r'sip:([^@]+)@([\d.]+):(\d+)', contact)
    user, host, port = m.group(1), m.group(2), int(m.group(3))
    payload = body.encode() if isinstance(body, str) else body
    extra = ''.join(f'{h}\r\n' for h in headers)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(('127.0.0.1', 0))
        sock.settimeout(util.scaled(5))
        lport = sock.getsockname()[1]
        head = (f'MESSAGE sip:{user}@{host}:{port} SIP/2.0\r\n'
                f'Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK{random.getrandbits(48):x}'
                f';rport\r\nMax-Forwards: 70\r\nFrom: <{sender}>;tag=t{random.getrandbits(32):x}'
                f'\r\nTo: <sip:{user}@vo.test>\r\nCall-ID: {random.getrandbits(64):x}@test\r\n'
                f'CSeq: 1 MESSAGE\r\nContent-Type: {content_type}\r\n{extra}'
                f'Content-Length: {len(payload)}\r\n\r\n').encode()
        sock.sendto(head + payload, (host, port))
        while True:
            data = sock.recvfrom(65535)[0].decode(errors='replace')
            status = int(data.split(' ', 2)[1])
            if status >= 200:
                return status, data


def header(response, name):
    m = re.search(rf'(?im)^{name}\s*:\s*(.*?)\s*$', response)
    return m.group(1) if m else None


def imdn(message_id, status='delivered'):
    kind = 'delivery' if status == 'delivered' else 'display'
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<imdn xmlns="urn:ietf:params:xml:ns:imdn">'
            f'<message-id>{message_id}</message-id><datetime>2024-05-01T12:00:00Z</datetime>'
            f'<{kind}-notification><status><{status}/></status></{kind}-notification></imdn>')


def deflate(data):
    return zlib.compress(data.encode() if isinstance(data, str) else data)


def sent_to_carol(h, kam, parties, text):
    """alice's IM to carol, a sipp that takes it (200) and sends no receipt."""
    peer = h.sipp('uas_message', register=(kam, CAROL, 'carol-pw'))
    alice = parties('alice')
    _, mid = send(alice, CAROL, text)
    wait_status(alice, mid, 'sent')
    assert peer.wait() == 0, peer.failure()
    return alice, mid, kam.contacts('alice')[0]['Address']


def test_bare_deflated_imdn_from_linphone_marks_delivered(h, kam, parties):
    """Linphone 5.1's receipt: message/imdn+xml, no CPIM, Content-Encoding: deflate."""
    alice, mid, contact = sent_to_carol(h, kam, parties, 'receipt please')
    status, _ = raw_request(contact, deflate(imdn(mid)), 'message/imdn+xml',
                            headers=('Content-Encoding: deflate',),
                            sender='sip:carol@vo.test')
    assert status == 200
    wait_status(alice, mid, 'delivered')
    status, _ = raw_request(contact, gzip.compress(imdn(mid, 'displayed').encode()),
                            'message/imdn+xml', headers=('Content-Encoding: gzip',),
                            sender='sip:carol@vo.test')
    assert status == 200
    wait_status(alice, mid, 'read')
    assert statuses(alice, mid) == ['sent', 'delivered', 'read']


def test_bare_plain_imdn_marks_delivered(h, kam, parties):
    alice, mid, contact = sent_to_carol(h, kam, parties, 'plain receipt please')
    status, _ = raw_request(contact, imdn(mid), 'message/imdn+xml', sender='sip:carol@vo.test')
    assert status == 200
    wait_status(alice, mid, 'delivered')


def test_compressed_text_is_stored(kam, parties):
    bob = parties('bob')
    contact = kam.contacts('bob')[0]['Address']
    assert raw_request(contact, deflate(cpim('z-1', 'squeezed')), 'message/cpim',
                       headers=('Content-Encoding: deflate',))[0] == 200
    assert raw_request(contact, gzip.compress(b'gzipped plain'), 'text/plain',
                       headers=('Content-Encoding: gzip',))[0] == 200
    # Raw deflate (no zlib header), as some stacks send it.
    raw = zlib.compressobj(wbits=-15)
    assert raw_request(contact, raw.compress(b'raw deflate') + raw.flush(), 'text/plain',
                       headers=('Content-Encoding: deflate',))[0] == 200
    path = open_conversation(bob, 'mallory')
    util.wait_until(lambda: len(get_messages(bob, path)) == 3, util.scaled(5))
    assert sorted(m['text'] for m in get_messages(bob, path)) == \
        ['gzipped plain', 'raw deflate', 'squeezed']


def test_bad_encodings_are_refused_and_survived(kam, parties):
    bob = parties('bob')
    contact = kam.contacts('bob')[0]['Address']

    # An encoding we cannot undo: 415 naming the ones we can.
    status, response = raw_request(contact, b'whatever', 'text/plain',
                                   headers=('Content-Encoding: br',))
    assert status == 415
    encodings = {e.strip().lower() for e in (header(response, 'Accept-Encoding') or '').split(',')}
    assert {'deflate', 'gzip'} <= encodings, response
    # A type we do not take: 415 naming the ones we do.
    status, response = raw_request(contact, b'whatever', 'application/octet-stream')
    assert status == 415
    accepted = {t.strip().lower() for t in (header(response, 'Accept') or '').split(',')}
    assert {'text/plain', 'message/cpim', 'message/imdn+xml'} <= accepted, response
    assert header(response, 'Accept-Encoding'), response

    # A bomb: 64 KiB on the wire, 16 MiB unpacked. Refused, not unpacked.
    bomb = deflate(b'\0' * (16 << 20))
    assert len(bomb) < 65000
    assert raw_request(contact, bomb, 'text/plain', headers=('Content-Encoding: deflate',))[0] \
        == 413
    # Not deflate at all, and a gzip cut short.
    assert raw_request(contact, b'\x00\x01garbage' * 10, 'text/plain',
                       headers=('Content-Encoding: deflate',))[0] == 400
    assert raw_request(contact, gzip.compress(b'cut short' * 50)[:30], 'text/plain',
                       headers=('Content-Encoding: gzip',))[0] == 400
    assert alive(bob)
    path = open_conversation(bob, 'mallory')
    assert get_messages(bob, path) == []
