"""Names everywhere a number appears (issue 11): calls, history rows and
conversations carry the contact's name and id; Dial, Send and Transfer take
a contact's name; the presence of a favorite company contact is in its
Contacts1 dictionary. Real daemons, kamailio and the reference service."""

import os

import pytest
from gi.repository import GLib

from calls_support import (ERR, HISTORY, PASSWORDS, DBusCallError, Party,  # noqa: F401
                           parties, stop_extra_buses)
from test_calls import pytest_wait
from vo_harness import util
from vo_harness.client import pump
from vo_harness.mail import MailSink
from vo_harness.service import Service
from vo_harness.voctl import VoCtl

CONTACTS = 'org.virtualoffice.Contacts1'
MESSAGES = 'org.virtualoffice.Messages1'
CONVERSATION = 'org.virtualoffice.Conversation1'
PRESENCE = 'org.virtualoffice.Presence1'
# Subscriptions made for the contacts at most (docs/dbus-api.md, Presence1).
AUTO_WATCHES = 100
# The company contacts of one List/Search answer that are asked to be watched.
PER_ANSWER = 25
# A caller whose user is an extension: a personal contact's number matches its From.
EXTENSION, EXTENSION_PW = '201', 'ext-201-pw'
SERVICE_USERS = {
    'alice': dict(password='Alice-sign-in-77a1', email='alice@example.test',
                  display_name='Alice Ämberg', extension='301', company='Example BV'),
    'bob': dict(password='Bob-sign-in-4e02', email='bob@example.test',
                display_name='Bob Bäcker', extension='302', company='Example BV'),
}


@pytest.fixture
def kam(h):
    """kamailio for calls_support's parties (alice, bob, carol) and 201, with presence."""
    return h.start_kamailio(users={**PASSWORDS, EXTENSION: EXTENSION_PW},
                            defines=('WITH_DEBUG', 'WITH_PRESENCE'))


@pytest.fixture
def colleagues(h):
    """alice and bob signed in through the reference service (which makes
    their SIP accounts at a kamailio of its own): each is in the other's
    company directory."""
    kam = h.start_kamailio(defines=('WITH_DEBUG', 'WITH_PRESENCE'))
    mail = MailSink()
    service = Service(kam, mail, workdir=os.path.join(h.workdir, 'service'))
    service.start()
    for user, fields in SERVICE_USERS.items():
        service.add_user(user, **fields)

    def make(user):
        return Party(h, kam, user, SERVICE_USERS[user]['password'], service=service)
    make.service = service
    yield make
    # Daemons before their buses and the service (test_service.py's world).
    codes = {d.name: d.stop() for d in h.daemons}
    stop_extra_buses(h)
    service.stop()
    mail.stop()
    assert all(rc in (0, None) for rc in codes.values()), codes


# -- helpers ---------------------------------------------------------------
def create_contact(party, name, **fields):
    """Contacts1.Create of a personal contact; list fields as lists."""
    values = {'name': GLib.Variant('s', name)}
    for key, value in fields.items():
        values[key] = GLib.Variant('as' if isinstance(value, list) else 's', value)
    (contact_id,) = party.client.call_raw(CONTACTS, 'Create', GLib.Variant('(a{sv})', (values,)))
    return contact_id


def get_contact(party, contact_id):
    (contact,) = party.client.call_raw(CONTACTS, 'Get', GLib.Variant('(s)', (contact_id,)))
    return contact


def wait_contact(party, contact_id, timeout=20):
    """Wait until the directory sync brought contact_id; returns it."""
    found = []

    def known():
        try:
            found[:] = [get_contact(party, contact_id)]
        except DBusCallError:
            return False
        return True
    util.wait_until(known, util.scaled(timeout), interval=0.1,
                    what=f'{party.user} knows contact {contact_id}')
    return found[0]


def history_get(party, entry_id):
    (entry,) = party.client.call_raw(HISTORY, 'Get', GLib.Variant('(s)', (entry_id,)))
    return entry


def hang_up_and_record(caller, caller_path, callee, callee_path):
    """caller hangs up; returns (caller's, callee's) newest history entry."""
    caller.call_method(caller_path, 'Hangup')
    caller.wait_ended(caller_path)
    callee.wait_ended(callee_path)
    return caller.history()[0], callee.history()[0]


def send(party, to, text):
    (path, message_id) = party.client.call_raw(
        MESSAGES, 'Send', GLib.Variant('(ssa{sv})', (to, text, {})))
    return path, message_id


def conversation_prop(party, path, name):
    (value,) = party.client.call_raw('org.freedesktop.DBus.Properties', 'Get',
                                     GLib.Variant('(ss)', (CONVERSATION, name)), path=path)
    return value


def received_paths(party):
    pump()
    return [args[0] for (_p, args) in party.signals('Received')]


# -- calls and history -----------------------------------------------------
def test_incoming_call_from_a_personal_contacts_number_shows_their_name(h, kam, parties):
    bob, caller = parties('bob'), Party(h, kam, EXTENSION, EXTENSION_PW)
    contact_id = create_contact(bob, 'Zoë Ñúñez', numbers=['201'])
    assert contact_id.startswith('personal:')

    c_path = caller.dial('bob')
    b_path = bob.wait_incoming()
    assert bob.prop(b_path, 'RemoteName') == 'Zoë Ñúñez'
    assert bob.prop(b_path, 'ContactId') == contact_id
    bob.call_method(b_path, 'Answer')
    caller.wait_state(c_path, 'active')

    _, bob_row = hang_up_and_record(caller, c_path, bob, b_path)
    assert bob_row['direction'] == 'incoming'
    assert (bob_row['name'], bob_row['contact-id']) == ('Zoë Ñúñez', contact_id)
    # A personal contact has no presence or extension to add.
    assert 'presence' not in history_get(bob, bob_row['id'])


def test_a_caller_who_is_no_contact_has_no_contact_id(parties):
    bob, alice = parties('bob'), parties('alice')
    create_contact(bob, 'Somebody Else', numbers=['+31 20 555 0000'])
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    assert bob.prop(b_path, 'ContactId') == ''
    bob.call_method(b_path, 'Reject')
    bob.wait_ended(b_path)
    alice.wait_ended(a_path)
    assert bob.history()[0]['contact-id'] == ''


def test_outgoing_call_to_a_company_colleague(colleagues):
    alice, bob = colleagues('alice'), colleagues('bob')
    colleague = wait_contact(alice, 'company:bob')
    assert colleague['name'] == 'Bob Bäcker'

    a_path = alice.dial('bob@vo.test')  # an address: found by its SIP URI
    b_path = bob.wait_incoming()
    alice.wait_prop(a_path, 'ContactId', 'company:bob')
    assert alice.prop(a_path, 'RemoteName') == 'Bob Bäcker'
    # bob sees alice's name from his directory, not her SIP display name.
    wait_contact(bob, 'company:alice')
    bob.call_method(b_path, 'Answer')
    alice.wait_state(a_path, 'active')

    alice_row, _ = hang_up_and_record(alice, a_path, bob, b_path)
    assert (alice_row['name'], alice_row['contact-id']) == ('Bob Bäcker', 'company:bob')
    assert 'presence' not in alice_row  # List stays as stored
    entry = history_get(alice, alice_row['id'])
    assert entry['extension'] == '302'
    assert entry['company'] == 'Example BV'
    # Get of the contact made it watched: bob's published presence arrives.
    pytest_wait(lambda: history_get(alice, alice_row['id'])['presence'] == 'available',
                'the history entry shows bob available', timeout=15)


# -- messages ----------------------------------------------------------------
def test_conversations_carry_the_contacts_name(parties):
    alice, bob = parties('alice'), parties('bob')
    # A new conversation with a contact has the name from the start.
    create_contact(alice, 'Bob Büilder', uris=['sip:bob@vo.test'])
    path, _ = send(alice, 'bob@vo.test', 'Hello')
    assert conversation_prop(alice, path, 'PeerName') == 'Bob Büilder'

    # bob's conversation exists before his contact for alice does...
    pytest_wait(lambda: received_paths(bob), 'bob received the message', timeout=15)
    first = received_paths(bob)[0]
    assert conversation_prop(bob, first, 'PeerName') != 'Ålice Wonder'
    # ...and gets the name once the contact appears (Contacts1.Changed).
    create_contact(bob, 'Ålice Wonder', uris=['sip:alice@vo.test'])
    pytest_wait(lambda: conversation_prop(bob, first, 'PeerName') == 'Ålice Wonder',
                'the conversation takes the new contact\'s name', timeout=10)
    # An incoming message keeps the contact's name (not the From display name).
    send(alice, 'bob@vo.test', 'Hello again')
    pytest_wait(lambda: len(received_paths(bob)) == 2, 'bob received the second message',
                timeout=15)
    assert conversation_prop(bob, first, 'PeerName') == 'Ålice Wonder'


# -- by name -------------------------------------------------------------------
def test_dial_and_send_by_a_unique_name(parties):
    alice, bob = parties('alice'), parties('bob')
    contact_id = create_contact(alice, 'Bob Büilder', uris=['sip:bob@vo.test'])

    a_path = alice.dial('Bob Büilder')
    b_path = bob.wait_incoming()
    assert alice.prop(a_path, 'RemoteUri').startswith('sip:bob@vo.test')
    assert alice.prop(a_path, 'ContactId') == contact_id
    assert alice.prop(a_path, 'RemoteName') == 'Bob Büilder'
    alice.call_method(a_path, 'Hangup')
    bob.wait_ended(b_path)

    # Prefixes of the words, any case, no accents: still the one contact.
    path, _ = send(alice, 'bob buil', 'By name')
    assert conversation_prop(alice, path, 'Peer') == 'sip:bob@vo.test'
    pytest_wait(lambda: received_paths(bob), 'bob received the message', timeout=15)


def test_a_bare_user_name_without_a_contact_is_still_a_user(parties):
    alice, bob = parties('alice'), parties('bob')
    create_contact(alice, 'Carol Cöok', uris=['sip:carol@vo.test'])
    a_path = alice.dial('bob')  # no contact is called bob
    b_path = bob.wait_incoming()
    assert alice.prop(a_path, 'ContactId') == ''
    alice.call_method(a_path, 'Hangup')
    bob.wait_ended(b_path)


def test_an_ambiguous_name_lists_the_choices(h, parties):
    alice, carol = parties('alice'), parties('carol')
    first = create_contact(alice, 'Carol Cöok', uris=['sip:carol@vo.test'])
    second = create_contact(alice, 'Carol Chef', numbers=['+31 20 555 0101'])

    for call in (lambda: alice.dial('carol'),
                 lambda: send(alice, 'Carol', 'Which one?')):
        with pytest.raises(DBusCallError) as e:
            call()
        assert e.value.name == ERR.InvalidArgument
        for name, contact_id in (('Carol Cöok', first), ('Carol Chef', second)):
            assert name in e.value.message and contact_id in e.value.message, e.value.message
    assert alice.call_paths() == []

    voctl = VoCtl(alice.bus.address, workdir=h.workdir)
    r = voctl.run('dial', 'carol')
    assert r.returncode != 0
    assert 'Carol Cöok' in r.stderr and 'Carol Chef' in r.stderr, r.stderr
    # The id picks one of them.
    a_path = alice.dial(first)
    c_path = carol.wait_incoming()
    assert alice.prop(a_path, 'ContactId') == first
    alice.call_method(a_path, 'Hangup')
    carol.wait_ended(c_path)


def test_transfer_by_name(parties):
    alice, bob, carol = parties('alice'), parties('bob'), parties('carol')
    create_contact(bob, 'Carol Cöok', uris=['sip:carol@vo.test'])
    a_path = alice.dial('bob')
    b_path = bob.wait_incoming()
    bob.call_method(b_path, 'Answer')
    alice.wait_state(a_path, 'active')
    bob.call_method(b_path, 'Transfer', 'carol cöok', signature='(s)')
    c_path = carol.wait_incoming()
    assert carol.prop(c_path, 'RemoteUri').startswith('sip:alice@')
    carol.call_method(c_path, 'Reject')
    carol.wait_ended(c_path)


# -- presence ---------------------------------------------------------------------
def test_presence_of_a_favorite_company_contact(colleagues):
    alice, bob = colleagues('alice'), colleagues('bob')
    wait_contact(alice, 'company:bob')
    since = alice.mark()
    alice.client.call_raw(CONTACTS, 'SetFavorite', GLib.Variant('(sb)', ('company:bob', True)))
    bob.client.call_raw(PRESENCE, 'SetStatus', GLib.Variant('(ss)', ('away', 'Lunch')))

    pytest_wait(lambda: get_contact(alice, 'company:bob')['presence'] == 'away',
                'alice sees bob away in his contact', timeout=15)
    pump()
    assert any('company:bob' in args[0] for (_p, args) in alice.signals('Changed', since=since)
               if isinstance(args[0], list))
    # Watched for the contacts: not a stored watch of Presence1.
    (watched,) = alice.client.call_raw(PRESENCE, 'Get', GLib.Variant('(as)', ([],)))
    assert watched == {}


def list_company(party, offset, limit):
    (listed,) = party.client.call_raw(CONTACTS, 'List', GLib.Variant(
        '(sa{sv})', ('company', {'offset': GLib.Variant('u', offset),
                                 'limit': GLib.Variant('u', limit)})))
    return listed


@pytest.mark.slow
def test_automatic_watches_are_bounded(colleagues):
    """Listing more colleagues than the bound: the least recently wanted are
    un-SUBSCRIBEd (Expires: 0, answered by kamailio)."""
    admin = colleagues.service.client(token=colleagues.service.admin_token)
    extra = 5
    for i in range(AUTO_WATCHES + extra):
        r = admin.put(f'/admin/v1/directory/peer{i:03d}',
                      {'display-name': f'Peer {i:03d}', 'sip-uri': f'sip:peer{i:03d}@vo.test'})
        assert r.status == 200, r
    alice = colleagues('alice')
    last = f'sip:peer{AUTO_WATCHES + extra - 1:03d}@vo.test'

    def synced():  # Resolve wants no watch, unlike List, Search and Get
        try:
            alice.client.call_raw(CONTACTS, 'Resolve', GLib.Variant('(s)', (last,)))
        except DBusCallError:
            return False
        return True
    pytest_wait(synced, 'the directory synced', timeout=20)

    # Pages of 25 (what an answer asks to watch) fill the set; each is
    # subscribed (a NOTIFY came).
    def first_pages_watched():
        pages = [list_company(alice, offset, PER_ANSWER)
                 for offset in range(0, AUTO_WATCHES, PER_ANSWER)]
        return all(c['presence'] != 'unknown' for page in pages for c in page)
    pytest_wait(first_pages_watched, f'{AUTO_WATCHES} colleagues watched', timeout=30)

    def unsubscribed():
        with open(alice.daemon.log, errors='replace') as f:
            return [line for line in f if 'Un-SUBSCRIBE of sip:' in line and ': 200' in line]
    assert unsubscribed() == []
    # The rest is wanted now: as many of the first page are let go.
    rest = len(list_company(alice, AUTO_WATCHES, 1000))
    assert rest <= PER_ANSWER
    assert rest >= extra
    pytest_wait(lambda: len(unsubscribed()) >= rest, f'{rest} subscriptions let go',
                timeout=30)
    assert len(unsubscribed()) == rest
