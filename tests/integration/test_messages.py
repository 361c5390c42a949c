"""Messages between real vo-daemons through kamailio: IM receipts up to read,
unread counts, SMS to a number (sipp as the gateway), kamailio's msilo for
colleagues who are offline, the outbox across a SIGKILL, duplicates and
malformed requests, bad input, conversations and search, vo-ctl."""

import json
import random
import re
import socket
import time

import pytest
from gi.repository import GLib

from calls_support import ERR, DBusCallError, Party, db_rows, stop_extra_buses
from vo_harness import util
from vo_harness.client import pump
from vo_harness.voctl import VoCtl

MESSAGES = 'org.virtualoffice.Messages1'
CONVERSATION = 'org.virtualoffice.Conversation1'
PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
NUMBER = '+15550100'
TEXT_MAX = 4096


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG',))


@pytest.fixture
def msilo_kam(h):
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG', 'WITH_MSILO'))


def make_parties(h, kam):
    made = {}

    def make(user, **kw):
        made[user] = Party(h, kam, user, PASSWORDS[user], **kw)
        return made[user]
    return make


@pytest.fixture
def parties(h, kam):
    yield make_parties(h, kam)
    stop_extra_buses(h)


@pytest.fixture
def msilo_parties(h, msilo_kam):
    yield make_parties(h, msilo_kam)
    stop_extra_buses(h)


# -- helpers ---------------------------------------------------------------
def send(p, to, text, options=None):
    """Messages1.Send; returns (conversation path, message id)."""
    return p.client.call_raw(MESSAGES, 'Send',
                             GLib.Variant('(ssa{sv})', (to, text, options or {})))


def conv_send(p, path, text):
    (mid,) = p.client.call_raw(CONVERSATION, 'Send', GLib.Variant('(s)', (text,)), path=path)
    return mid


def conv_prop(p, path, name):
    (value,) = p.client.call_raw('org.freedesktop.DBus.Properties', 'Get',
                                 GLib.Variant('(ss)', (CONVERSATION, name)), path=path)
    return value


def unread(p):
    return p.client.get(MESSAGES, 'Unread')


def get_messages(p, path, **options):
    variants = {k: (GLib.Variant('x', v) if k == 'before' and isinstance(v, int)
                    else GLib.Variant('s', v) if k == 'before'
                    else GLib.Variant('u', v)) for k, v in options.items()}
    (messages,) = p.client.call_raw(CONVERSATION, 'GetMessages',
                                    GLib.Variant('(a{sv})', (variants,)), path=path)
    return messages


def search(p, query, **options):
    variants = {k: GLib.Variant('u', v) for k, v in options.items()}
    (messages,) = p.client.call_raw(MESSAGES, 'Search', GLib.Variant('(sa{sv})', (query, variants)))
    return messages


def open_conversation(p, peer):
    (path,) = p.client.call_raw(MESSAGES, 'Open', GLib.Variant('(s)', (peer,)))
    return path


def statuses(p, message_id):
    """The statuses MessageStatusChanged announced for message_id, in order."""
    pump()
    return [args[1] for (_t, _path, iface, member, args) in p.client.signals
            if member == 'MessageStatusChanged' and args[0] == message_id]


def wait_status(p, message_id, status, timeout=15.0):
    util.wait_until(lambda: (pump() or status in statuses(p, message_id)), util.scaled(timeout),
                    interval=0.05, what=f'{p.user}: message {message_id} {status} '
                                        f'(so far {statuses(p, message_id)})')


def received(p):
    """(conversation path, message) of every Messages1.Received so far."""
    pump()
    return [tuple(args) for (_t, _path, iface, member, args) in p.client.signals
            if member == 'Received']


def wait_received(p, text, timeout=15.0):
    found = []

    def check():
        found[:] = [r for r in received(p) if r[1]['text'] == text]
        return bool(found)
    util.wait_until(check, util.scaled(timeout), interval=0.05,
                    what=f'{p.user}: a message {text!r}')
    return found[0]


def conversation_paths(p):
    return sorted(path for path, ifaces in p.client.managed_objects().items()
                  if CONVERSATION in ifaces)


def alive(p):
    return p.daemon.running and p.client.name_has_owner()


# -- IM: receipts, unread ------------------------------------------------------
def test_im_reaches_read_only_after_mark_read(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, mid = send(alice, 'bob', 'Hello Bob 👋')
    assert a_path.startswith('/org/virtualoffice/conversations/')
    wait_status(alice, mid, 'delivered')

    b_path, message = wait_received(bob, 'Hello Bob 👋')
    assert message['direction'] == 'incoming' and message['kind'] == 'im'
    assert message['status'] == 'delivered' and message['conversation'] == b_path
    assert conv_prop(bob, b_path, 'Peer') == 'sip:alice@vo.test'
    assert conv_prop(bob, b_path, 'Kind') == 'im'
    assert conv_prop(bob, b_path, 'Unread') == 1
    assert unread(bob) == 1

    # Delivered is not read: nothing more happens until bob reads it.
    time.sleep(util.scaled(1.0))
    assert statuses(alice, mid) == ['sent', 'delivered']
    (m,) = get_messages(alice, a_path)
    assert (m['id'], m['status'], m['direction']) == (mid, 'delivered', 'outgoing')

    bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=b_path)
    assert conv_prop(bob, b_path, 'Unread') == 0
    assert unread(bob) == 0
    wait_status(alice, mid, 'read')
    assert statuses(alice, mid) == ['sent', 'delivered', 'read']
    (m,) = get_messages(alice, a_path)
    assert m['status'] == 'read'
    # Receipts are not messages: nothing new in either conversation.
    assert len(get_messages(bob, b_path)) == 1
    assert [r for r in received(alice)] == []


def test_im_through_a_proxy_that_challenges(h):
    """WITH_PROXY_AUTH: kamailio answers MESSAGE with 407; both the IM and the
    receipts coming back authenticate."""
    kam = h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG', 'WITH_PROXY_AUTH'))
    try:
        make = make_parties(h, kam)
        alice, bob = make('alice'), make('bob')
        _, mid = send(alice, 'bob', 'behind auth')
        b_path, _ = wait_received(bob, 'behind auth')
        wait_status(alice, mid, 'delivered')
        bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=b_path)
        wait_status(alice, mid, 'read')
        with open(kam.log, errors='replace') as f:
            log = f.read()
        # Each request went twice: without credentials (407), then with them.
        assert log.count('REQ MESSAGE sip:bob@vo.test from sip:alice@') == 2
        assert log.count('REQ MESSAGE sip:alice@vo.test from sip:bob@') == 4
    finally:
        stop_extra_buses(h)


def test_unread_counts(parties):
    alice, bob = parties('alice'), parties('bob')
    a_path, _ = send(alice, 'bob', 'one')
    conv_send(alice, a_path, 'two')
    _, last = send(alice, 'sip:bob@vo.test', 'three')
    wait_status(alice, last, 'delivered')
    b_path, _ = wait_received(bob, 'three')

    assert unread(bob) == 3
    assert conv_prop(bob, b_path, 'Unread') == 3
    assert conv_prop(bob, b_path, 'LastMessage') == 'three'
    assert [m['text'] for m in get_messages(bob, b_path)] == ['three', 'two', 'one']
    assert bob.client.changes_of(MESSAGES, 'Unread') == [1, 2, 3]

    # bob answers: his own message is not unread, alice has one unread.
    mid = conv_send(bob, b_path, 'got them')
    wait_status(bob, mid, 'delivered')
    wait_received(alice, 'got them')
    assert unread(alice) == 1 and unread(bob) == 3

    bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=b_path)
    assert unread(bob) == 0
    assert bob.client.changes_of(MESSAGES, 'Unread')[-1] == 0
    assert all(m['status'] == 'read' for m in get_messages(bob, b_path)
               if m['direction'] == 'incoming')
    # Marking read again is harmless.
    bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=b_path)
    assert unread(bob) == 0


# -- SMS ---------------------------------------------------------------------
def test_sms_to_a_number_stops_at_sent(h, kam, parties):
    kam.add_user(NUMBER, 'gw-pw')
    gateway = h.sipp('uas_message', register=(kam, NUMBER, 'gw-pw'))
    alice = parties('alice')

    path, mid = send(alice, '+1 555 0100', 'Your code is 1234')
    wait_status(alice, mid, 'sent')
    assert gateway.wait() == 0, gateway.failure()
    (request,) = gateway.received(r'MESSAGE ')
    assert request.startswith(f'MESSAGE sip:{NUMBER}@')
    assert re.search(r'(?im)^Content-Type:\s*text/plain', request)
    assert 'Your code is 1234' in request and 'CPIM' not in request.upper()

    assert conv_prop(alice, path, 'Kind') == 'sms'
    assert conv_prop(alice, path, 'Peer') == f'tel:{NUMBER}'
    time.sleep(util.scaled(1.5))
    assert statuses(alice, mid) == ['sent']
    (m,) = get_messages(alice, path)
    assert (m['kind'], m['status']) == ('sms', 'sent')


def test_refused_message_fails_with_a_reason(parties):
    alice = parties('alice')
    # carol is no user of this kamailio and there is no msilo: 404.
    path, mid = send(alice, 'carol', 'anyone there?')
    wait_status(alice, mid, 'failed')
    (m,) = get_messages(alice, path)
    assert m['status'] == 'failed' and '404' in m['reason']
    assert statuses(alice, mid) == ['failed']


# -- offline colleague: msilo ----------------------------------------------------
def test_offline_colleague_gets_message_on_sign_in(msilo_parties):
    alice = msilo_parties('alice')
    _, mid = send(alice, 'bob', 'see you at 10')
    wait_status(alice, mid, 'sent')      # kamailio stored it (202)
    time.sleep(util.scaled(0.5))
    assert statuses(alice, mid) == ['sent']

    bob = msilo_parties('bob')
    b_path, message = wait_received(bob, 'see you at 10')
    assert conv_prop(bob, b_path, 'Peer') == 'sip:alice@vo.test'
    wait_status(alice, mid, 'delivered')
    bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=b_path)
    wait_status(alice, mid, 'read')


# -- nothing lost: outbox across SIGKILL ------------------------------------------
def test_outbox_survives_sigkill(h, kam, parties):
    alice, bob = parties('alice'), parties('bob')
    kam.stop()
    texts = [f'pending message {i:03d}' for i in range(100)]
    ids = [send(alice, 'bob', t)[1] for t in texts]
    # Committed before Send returned: all there, pending, on disk.
    rows = db_rows(alice, "SELECT count(*) FROM messages WHERE status = 'pending'")
    assert rows == [(100,)]
    alice.daemon.kill()

    kam.start()
    # kamailio forgot every contact: bob registers again.
    bob.client.sign_in('bob', PASSWORDS['bob'], registrar=kam.hostport, domain='vo.test')
    kam.wait_contacts('bob', present=True)
    alice.daemon.start(wait=True)

    def all_delivered():
        rows = db_rows(alice, 'SELECT status, count(*) FROM messages GROUP BY status')
        return dict(rows).get('delivered', 0) + dict(rows).get('read', 0) == 100
    util.wait_until(all_delivered, util.scaled(60), interval=0.2,
                    what='alice: all 100 messages delivered')
    b_path = open_conversation(bob, 'alice')
    got = [m['text'] for m in get_messages(bob, b_path, limit=1000)]
    assert sorted(got) == texts, 'every message exactly once'
    assert got == texts[::-1], 'in the order they were written'
    assert unread(bob) == 100
    # The same ids as before the crash, and still the same after settling.
    time.sleep(util.scaled(1.0))
    a_path = open_conversation(alice, 'bob')
    assert sorted(m['id'] for m in get_messages(alice, a_path, limit=1000)) == sorted(ids)
    assert len(get_messages(bob, b_path, limit=1000)) == 100


def test_history_survives_restart(parties):
    alice, bob = parties('alice'), parties('bob')
    _, mid = send(alice, 'bob', 'kept')
    wait_status(alice, mid, 'delivered')
    b_path, _ = wait_received(bob, 'kept')
    bob.daemon.restart()
    bob.client.wait_registration('registered')
    assert conversation_paths(bob) == [b_path]
    assert conv_prop(bob, b_path, 'Unread') == 1 and unread(bob) == 1
    assert conv_prop(bob, b_path, 'LastMessage') == 'kept'
    # A receipt still due goes out after the restart (displayed, here).
    bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=b_path)
    wait_status(alice, mid, 'read')


# -- what arrives from the network -------------------------------------------------
def raw_message(contact, body, content_type='message/cpim', call_id=None, cseq=1,
                sender='sip:mallory@vo.test'):
    """Sends one MESSAGE straight to a daemon's contact; returns the status code."""
    m = re.match(r'sip:([^@]+)@([\d.]+):(\d+)', contact)
    user, host, port = m.group(1), m.group(2), int(m.group(3))
    payload = body.encode() if isinstance(body, str) else body
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(('127.0.0.1', 0))
        sock.settimeout(util.scaled(5))
        lport = sock.getsockname()[1]
        call_id = call_id or f'{random.getrandbits(64):x}@test'
        head = (f'MESSAGE sip:{user}@{host}:{port} SIP/2.0\r\n'
                f'Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK{random.getrandbits(48):x}'
                f';rport\r\nMax-Forwards: 70\r\nFrom: <{sender}>;tag=t{random.getrandbits(32):x}'
                f'\r\nTo: <sip:{user}@vo.test>\r\nCall-ID: {call_id}\r\n'
                f'CSeq: {cseq} MESSAGE\r\nContent-Type: {content_type}\r\n'
                f'Content-Length: {len(payload)}\r\n\r\n').encode()
        sock.sendto(head + payload, (host, port))
        while True:
            data = sock.recvfrom(65535)[0]
            status = int(data.split(b' ', 2)[1])
            if status >= 200:
                return status


def cpim(message_id, text, sender='sip:mallory@vo.test'):
    return (f'From: <{sender}>\r\nTo: <sip:bob@vo.test>\r\n'
            f'NS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: {message_id}\r\n'
            f'DateTime: 2024-05-01T12:00:00Z\r\n\r\n'
            f'Content-Type: text/plain;charset=utf-8\r\n\r\n{text}')


def test_duplicates_stored_once_and_bad_requests_survived(kam, parties):
    bob = parties('bob')
    contact = kam.contacts('bob')[0]['Address']

    # The same IM (same imdn Message-ID) twice, in different transactions.
    assert raw_message(contact, cpim('dup-1', 'only once')) == 200
    assert raw_message(contact, cpim('dup-1', 'only once')) == 200
    # A plain MESSAGE retransmitted by a proxy: same Call-ID and CSeq.
    assert raw_message(contact, 'plain once', 'text/plain', call_id='c1@t', cseq=7) == 200
    assert raw_message(contact, 'plain once', 'text/plain', call_id='c1@t', cseq=7) == 200
    path = open_conversation(bob, 'mallory')
    util.wait_until(lambda: len(get_messages(bob, path)) == 2, util.scaled(5))
    assert sorted(m['text'] for m in get_messages(bob, path)) == ['only once', 'plain once']
    assert unread(bob) == 2

    bad = [
        ('message/cpim', b'no envelope at all'),
        ('message/cpim', b'From: <sip:x@y>\r\n\r\nContent-Type: text/plain\r\n'),  # cut short
        ('message/cpim', b'\x00\x01\x02\xff' * 100),
        ('message/cpim', cpim('bad-utf8', '').encode() + b'\xc3\x28'),
        ('text/plain', b'\xff\xfe not utf-8'),
        ('application/octet-stream', b'whatever'),
    ]
    for content_type, body in bad:
        status = raw_message(contact, body, content_type)
        assert 400 <= status < 500, (content_type, body, status)
    # Receipts that make no sense are taken (200) and ignored.
    junk_receipts = [
        '<imdn><message-id>unknown</message-id><delivery-notification><status><delivered/>'
        '</status></delivery-notification></imdn>',
        '<imdn><message-id>x</message-id>',
        '<<<>>>',
    ]
    for xml in junk_receipts:
        body = cpim('r', '').replace('text/plain;charset=utf-8', 'message/imdn+xml') + xml
        assert raw_message(contact, body) == 200
    assert raw_message(contact, '', 'application/im-iscomposing+xml') == 200

    assert alive(bob)
    assert sorted(m['text'] for m in get_messages(bob, path)) == ['only once', 'plain once']
    assert unread(bob) == 2


def test_receipt_from_someone_else_is_ignored(kam, parties):
    alice, bob = parties('alice'), parties('bob')
    _, mid = send(alice, 'bob', 'for bob only')
    wait_status(alice, mid, 'delivered')
    wait_received(bob, 'for bob only')
    contact = kam.contacts('alice')[0]['Address']
    xml = (f'<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>{mid}</message-id>'
           '<display-notification><status><displayed/></status></display-notification></imdn>')
    body = cpim('r2', '').replace('text/plain;charset=utf-8', 'message/imdn+xml') + xml
    assert raw_message(contact, body) == 200     # from mallory, not bob
    time.sleep(util.scaled(0.5))
    assert statuses(alice, mid) == ['sent', 'delivered']


def kam_requests(kam, method, uri_prefix):
    with open(kam.log, errors='replace') as f:
        return [line for line in f if f'REQ {method} {uri_prefix}' in line]


def test_receipts_go_to_the_authenticated_sender(kam, parties):
    """A CPIM From that differs from the SIP From does not get the receipts:
    the SIP From is the one the proxy vouches for."""
    bob = parties('bob')
    contact = kam.contacts('bob')[0]['Address']
    body = cpim('third-1', 'receipt to whom?', sender='sip:carol@vo.test').replace(
        'DateTime:', 'imdn.Disposition-Notification: positive-delivery, display\r\nDateTime:')
    assert raw_message(contact, body) == 200
    path, message = wait_received(bob, 'receipt to whom?')
    bob.client.call_raw(CONVERSATION, 'MarkRead', None, path=path)
    util.wait_until(lambda: len(kam_requests(kam, 'MESSAGE', 'sip:mallory@')) >= 2,
                    util.scaled(15), what='the delivery and display receipts to mallory')
    assert kam_requests(kam, 'MESSAGE', 'sip:carol@') == []


# -- bad input over D-Bus -------------------------------------------------------
def expect_error(name, fn, *args, **kw):
    with pytest.raises(DBusCallError) as e:
        fn(*args, **kw)
    assert e.value.name == name, e.value
    assert e.value.message
    return e.value


def test_bad_input_is_refused_and_nothing_stored(parties):
    alice, bob = parties('alice'), parties('bob')
    for text in ('', '   ', '\n\t'):
        expect_error(ERR.InvalidArgument, send, alice, 'bob', text)
    e = expect_error(ERR.InvalidArgument, send, alice, 'bob', 'x' * (TEXT_MAX + 1))
    assert str(TEXT_MAX) in e.message
    e = expect_error(ERR.InvalidArgument, send, alice, 'bob', 'é' * (TEXT_MAX // 2 + 1))
    for target in ('', 'bob@', 'sip:', 'not a peer!', '+1', 'tel:abc', 'x' * 300):
        expect_error(ERR.InvalidArgument, send, alice, target, 'hello')
    expect_error(ERR.InvalidArgument, send, alice, 'bob', 'hello', {'urgent': GLib.Variant('b', 1)})
    expect_error(ERR.InvalidArgument, open_conversation, alice, 'bob@')
    expect_error(ERR.InvalidArgument, search, alice, '')
    expect_error(ERR.InvalidArgument, search, alice, 'x', limit=0)
    with pytest.raises(DBusCallError) as e:
        alice.client.call_raw(MESSAGES, 'Search',
                              GLib.Variant('(sa{sv})', ('x', {'kind': GLib.Variant('s', 'im')})))
    assert e.value.name == ERR.InvalidArgument
    # (Invalid UTF-8 cannot cross the bus: D-Bus itself refuses such strings;
    # the check behind it is in tests/unit/test-imdn.c.)

    assert alive(alice)
    assert conversation_paths(alice) == []
    assert db_rows(alice, 'SELECT count(*) FROM messages') == [(0,)]
    assert db_rows(alice, 'SELECT count(*) FROM conversations') == [(0,)]

    # The longest message there is goes through (over TCP: it is too big for UDP).
    longest = ('ü' * (TEXT_MAX // 2 - 1)) + 'ok'
    assert len(longest.encode()) == TEXT_MAX
    path, mid = send(alice, 'bob', longest)
    wait_status(alice, mid, 'delivered')
    wait_received(bob, longest)
    expect_error(ERR.InvalidArgument, conv_send, alice, path, '')
    expect_error(ERR.InvalidArgument, get_messages, alice, path, limit=0)
    expect_error(ERR.NotFound, get_messages, alice, path, before='no-such-message')
    e = expect_error(ERR.InvalidArgument, get_messages, alice, path, before='')
    assert 'before' in e.message
    with pytest.raises(DBusCallError) as e:
        alice.client.call_raw(CONVERSATION, 'GetMessages',
                              GLib.Variant('(a{sv})', ({'after': GLib.Variant('x', 1)},)),
                              path=path)
    assert e.value.name == ERR.InvalidArgument
    assert db_rows(alice, 'SELECT count(*) FROM messages') == [(1,)]


def test_not_signed_in(h):
    h.daemon()
    client = h.client()
    with pytest.raises(DBusCallError) as e:
        client.call_raw(MESSAGES, 'Send', GLib.Variant('(ssa{sv})', ('bob', 'hi', {})))
    assert e.value.name == ERR.NotSignedIn
    assert client.get(MESSAGES, 'Unread') == 0


# -- conversations and search ------------------------------------------------------
def test_conversations_pages_and_delete(parties):
    alice, bob = parties('alice'), parties('bob')
    path, first = send(alice, 'bob', 'message 0')
    assert open_conversation(alice, 'bob') == path
    assert open_conversation(alice, 'sip:bob@vo.test') == path
    ids = [first] + [conv_send(alice, path, f'message {i}') for i in range(1, 12)]
    wait_status(alice, ids[-1], 'delivered')

    page = get_messages(alice, path, limit=5)
    assert [m['text'] for m in page] == [f'message {i}' for i in range(11, 6, -1)]
    older = get_messages(alice, path, limit=5, before=page[-1]['id'])
    assert [m['text'] for m in older] == [f'message {i}' for i in range(6, 1, -1)]
    assert len(get_messages(alice, path, before=page[0]['time'] + 1)) == 12
    assert get_messages(alice, path, before=1) == []
    assert conv_prop(alice, path, 'LastMessage') == 'message 11'
    assert conv_prop(alice, path, 'LastActivity') == page[0]['time']

    # Open makes an empty conversation; Delete removes one with its messages.
    carol = open_conversation(alice, 'carol')
    assert carol != path and conversation_paths(alice) == sorted([path, carol])
    assert conv_prop(alice, carol, 'LastMessage') == '' and get_messages(alice, carol) == []
    since = time.monotonic()
    alice.client.call_raw(CONVERSATION, 'Delete', None, path=path)
    util.wait_until(lambda: pump() or [s for s in alice.client.signals
                                       if s[3] == 'InterfacesRemoved' and s[0] >= since],
                    util.scaled(5))
    assert conversation_paths(alice) == [carol]
    assert search(alice, 'message') == []
    with pytest.raises(DBusCallError):
        get_messages(alice, path)
    assert open_conversation(alice, 'bob') != path
    # bob still has his copy.
    b_path = open_conversation(bob, 'alice')
    assert len(get_messages(bob, b_path, limit=100)) == 12


def test_search_finds_by_text(parties):
    alice, bob = parties('alice'), parties('bob')
    _, m1 = send(alice, 'bob', 'The quarterly report is due Friday')
    _, m2 = send(alice, 'bob', 'Lunch at the café?')
    wait_status(alice, m2, 'delivered')
    b_path, _ = wait_received(bob, 'Lunch at the café?')
    r = conv_send(bob, b_path, 'Report looks good; lunch yes')
    wait_received(alice, 'Report looks good; lunch yes')

    found = search(alice, 'report')
    assert [m['text'] for m in found] == ['Report looks good; lunch yes',
                                          'The quarterly report is due Friday']
    assert found[0]['direction'] == 'incoming' and found[1]['id'] == m1
    assert found[0]['conversation'] == found[1]['conversation']
    assert [m['text'] for m in search(alice, 'quart')] == ['The quarterly report is due Friday']
    assert len(search(alice, 'lunch')) == 2
    assert [m['text'] for m in search(alice, 'cafe')] == ['Lunch at the café?']
    assert [m['id'] for m in search(alice, 'lunch report')] != []
    assert search(alice, 'nothing like this') == []
    assert search(alice, '"') == [] and search(alice, 'NEAR(report') == []
    assert len(search(alice, 'report', limit=1)) == 1
    assert search(alice, 'report', offset=1, limit=5)[0]['id'] == m1
    assert [m['id'] for m in search(bob, 'looks good')] == [r]


# -- vo-ctl ------------------------------------------------------------------
def test_voctl_messages(h, parties):
    alice, bob = parties('alice'), parties('bob')
    a_ctl = VoCtl(alice.bus.address, h.workdir)
    b_ctl = VoCtl(bob.bus.address, h.workdir)

    mid = a_ctl.ok('send', 'bob', 'hello', 'from', 'vo-ctl').strip()
    wait_status(alice, mid, 'delivered')
    wait_received(bob, 'hello from vo-ctl')

    listing = b_ctl.ok('conversations')
    assert 'sip:alice@vo.test' in listing and 'hello from vo-ctl' in listing
    data = json.loads(b_ctl.ok('conversations', '--json'))
    assert len(data) == 1 and data[0]['peer'] == 'sip:alice@vo.test' and data[0]['unread'] == 1

    shown = json.loads(b_ctl.ok('messages', 'alice', '--json', '--limit', '5'))
    assert [m['text'] for m in shown] == ['hello from vo-ctl']
    assert 'hello from vo-ctl' in b_ctl.ok('messages', 'alice')
    b_ctl.ok('read', 'alice')
    wait_status(alice, mid, 'read')
    assert json.loads(b_ctl.ok('conversations', '--json'))[0]['unread'] == 0

    found = json.loads(a_ctl.ok('search', 'vo-ctl', '--json'))
    assert [m['id'] for m in found] == [mid]
    assert 'hello from vo-ctl' in a_ctl.ok('search', 'hello')
    r = a_ctl.run('send', 'bob', '')
    assert r.returncode == 1 and 'empty' in r.stderr
    r = a_ctl.run('send', 'bob@', 'hi')
    assert r.returncode == 1 and 'bob@' in r.stderr
    assert a_ctl.run('send', 'bob').returncode == 2
