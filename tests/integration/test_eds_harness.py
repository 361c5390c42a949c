"""The private Evolution Data Server of vo_harness.eds: it runs on the test's
private bus with its files in the test's folder, a seeded address book reads
back through EBook, and live changes reach an EBookClientView."""

import os

from vo_harness import util
from vo_harness.eds import ADDRESS_BOOK_NAME, REGISTRY_NAME, start_eds

JORG = ('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jörg Müller\r\nN:Müller;Jörg;;;\r\n'
        'TEL;TYPE=WORK,VOICE:+31 20 123 4567\r\nEMAIL:jorg@example.test\r\nEND:VCARD\r\n')
ANNA = ('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Jansen\r\nTEL;TYPE=CELL:06 1234 5678\r\n'
        'END:VCARD\r\n')


def test_seed_and_read_back(h):
    eds = start_eds(h)
    assert {REGISTRY_NAME, ADDRESS_BOOK_NAME} <= eds.bus_names()
    assert eds.book_uid() == 'system-address-book'

    uids = eds.seed([JORG, ANNA])
    contacts = eds.contacts()
    assert sorted(contacts) == sorted(uids)
    assert 'FN:Jörg Müller' in contacts[uids[0]]
    assert '+31 20 123 4567' in contacts[uids[0]]
    assert 'FN:Anna Jansen' in contacts[uids[1]]
    # EDS keeps its sources and the book in the test's folder, not the user's.
    assert os.path.isdir(os.path.join(eds.home, '.config', 'evolution', 'sources'))
    assert os.path.isdir(os.path.join(eds.home, '.local', 'share', 'evolution', 'addressbook',
                                      'system'))


def test_live_changes_reach_a_view(h):
    eds = start_eds(h)
    seeded = eds.add(JORG)
    with eds.watch() as view:
        uid = eds.add(ANNA)
        assert view.wait_for('added', uid)['uids'] == [uid]

        eds.modify(ANNA.replace('FN:Anna Jansen', f'UID:{uid}\r\nFN:Anna de Boer'))
        view.wait_for('modified', uid)
        assert 'FN:Anna de Boer' in eds.contacts()[uid]

        eds.remove([uid])
        view.wait_for('removed', uid)
        assert list(eds.contacts()) == [seeded]


def test_stop_leaves_the_bus(h):
    eds = start_eds(h)
    eds.stop()
    util.wait_until(lambda: not ({REGISTRY_NAME, ADDRESS_BOOK_NAME} & eds.bus_names()),
                    util.scaled(10), what='EDS to leave the bus')
    assert not eds.procs
