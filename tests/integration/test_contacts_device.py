"""Device contacts: the desktop's address book (a private Evolution Data
Server, vo_harness.eds) shows up in Contacts1 only while
Settings1.DeviceContactsAccess is true, follows live EDS changes through
Contacts1.Changed, and is gone from every answer at once when the setting
goes off. Without EDS on the bus the daemon says so once and carries on."""

import base64
import os

import pytest

from vo_harness import ERR, SETTINGS, scaled, wait_until
from vo_harness.eds import start_eds
from test_contacts import (CONTACTS, PNG, changed_ids, expect_error, get, ids_of, list_,
                           search, vcard, wait_changed)

JORG = vcard('FN:Jörg Müller', 'N:Müller;Jörg;;;', 'TEL;TYPE=WORK,VOICE:+31 20 123 4567',
             'EMAIL:jorg@example.test', 'IMPP:sip:jorg@vo.test', 'ORG:Acme;Sales',
             'PHOTO;ENCODING=b;TYPE=PNG:' + base64.b64encode(PNG).decode())
ANNA = vcard('FN:Anna Jansen', 'TEL;TYPE=CELL:+31 6 1234 5678')


def resolve(client, number):
    return client.call(CONTACTS, 'Resolve', '(s)', number)[0]


def set_access(client, allowed):
    client.set(SETTINGS, 'DeviceContactsAccess', allowed)


@pytest.fixture
def eds(h):
    return start_eds(h)


def test_device_contacts_only_with_permission(h, eds):
    uids = eds.seed([JORG, ANNA])
    book = eds.book_uid()
    jorg, anna = (f'device:{book}:{uid}' for uid in uids)
    h.daemon()
    client = h.client()

    assert list_(client, 'device') == []
    assert search(client, 'Müller') == []
    expect_error(ERR.NotFound, resolve, client, '+31 20 123 4567')

    since = client.mark()
    set_access(client, True)
    wait_changed(client, since, jorg, anna)
    assert sorted(ids_of(list_(client, 'device'))) == sorted([jorg, anna])
    contact = get(client, jorg)
    assert contact['source'] == 'device'
    assert contact['name'] == 'Jörg Müller'
    assert contact['numbers'] == ['+31 20 123 4567']
    assert contact['emails'] == ['jorg@example.test']
    assert contact['uris'] == ['sip:jorg@vo.test']
    assert (contact['company'], contact['department']) == ('Acme', 'Sales')
    with open(contact['photo'], 'rb') as f:
        assert f.read() == PNG
    photo = contact['photo']
    assert ids_of(search(client, 'mull jor')) == [jorg]       # accent-insensitive, any order
    assert resolve(client, '+31 20 123 4567')['id'] == jorg
    assert resolve(client, '0031 6-12345678')['id'] == anna
    # Device contacts are read only.
    expect_error(ERR.PermissionDenied, client.call, CONTACTS, 'Delete', '(s)', jorg)

    since = client.mark()
    set_access(client, False)
    # Gone at once: no waiting between the setting and these answers.
    assert list_(client, 'device') == []
    assert search(client, 'Müller') == []
    expect_error(ERR.NotFound, resolve, client, '+31 20 123 4567')
    expect_error(ERR.NotFound, get, client, jorg)
    assert not os.path.exists(photo)
    wait_changed(client, since, jorg, anna)


def test_live_changes(h, eds):
    seeded = eds.add(ANNA)
    book = eds.book_uid()
    h.daemon()
    client = h.client()
    since = client.mark()
    set_access(client, True)
    wait_changed(client, since, f'device:{book}:{seeded}')

    since = client.mark()
    uid = eds.add(JORG)
    cid = f'device:{book}:{uid}'
    wait_changed(client, since, cid)
    assert get(client, cid)['name'] == 'Jörg Müller'
    assert resolve(client, 'sip:jorg@vo.test')['id'] == cid

    since = client.mark()
    eds.modify(JORG.replace('FN:Jörg Müller', f'UID:{uid}\r\nFN:Jörg Schmidt')
                   .replace('+31 20 123 4567', '+31 20 765 4321'))
    wait_changed(client, since, cid)
    assert get(client, cid)['name'] == 'Jörg Schmidt'
    assert resolve(client, '+31 20 765 4321')['id'] == cid
    expect_error(ERR.NotFound, resolve, client, '+31 20 123 4567')

    since = client.mark()
    eds.remove([uid])
    wait_changed(client, since, cid)
    expect_error(ERR.NotFound, get, client, cid)
    assert ids_of(list_(client, 'device')) == [f'device:{book}:{seeded}']
    # Nothing else was reported changed.
    assert changed_ids(client, since) == {cid}


def test_contact_deleted_while_the_daemon_was_down_disappears(h, eds):
    keep, gone = eds.seed([ANNA, JORG])
    book = eds.book_uid()
    d = h.daemon(settings={'device-contacts-access': True})
    client = h.client()
    wait_until(lambda: len(list_(client, 'device')) == 2, scaled(20), what='device contacts')
    d.stop()
    eds.remove([gone])
    d.start()
    client = h.client()
    wait_until(lambda: ids_of(list_(client, 'device')) == [f'device:{book}:{keep}'],
               scaled(20), what='only the remaining device contact')


def test_without_eds_the_daemon_carries_on(h):
    d = h.daemon(settings={'device-contacts-access': True})
    client = h.client()
    wait_until(lambda: 'Evolution Data Server is not available' in d.log_text(), scaled(20),
               what='the no-EDS message')
    assert d.log_text().count('Evolution Data Server is not available') == 1
    assert list_(client, 'device') == []
    assert client.setting('DeviceContactsAccess') is True
