"""The company directory at scale and across devices (issue 11), against the
reference service: the first full sync of 10,000 generated colleagues,
searching them by name (any order, case, accents), e-mail, department and
number prefix, resolving numbers in every format, all of it again offline
(service stopped, daemon restarted); a change pushed by the event socket
fetched as one delta request, not a full listing; favorites kept at the
service, so a second daemon signed in as the same user has them and hears
when they change. test_contacts_company.py covers photos, token expiry and
sign-out on a small directory. Everything is real: kamailio, the service over
HTTPS, vo-daemons on private buses."""

import re
import unicodedata

import pytest
from gi.repository import GLib

from calls_support import Party, stop_extra_buses
from test_contacts import get, wait_changed
from vo_harness import ERR, DBusCallError, util

CONTACTS = 'org.virtualoffice.Contacts1'
ALICE_PW = 'Alice-sign-in-7f3a'
GENERATED = 10000


@pytest.fixture
def world(h, kam, service):
    """alice and bob as users, Zoë and two Jans as directory-only colleagues."""
    service.add_user('alice', ALICE_PW, display_name='Alice Example', extension='201',
                     company='Example BV', mobile='+31612345601')
    service.add_user('bob', 'Bob-sign-in-1c9e', display_name='Bob Builder', extension='202',
                     company='Example BV', department='Support', mobile='+31612345602')
    # Names the generator never makes (it shares Zoë, Jan, Müller… on purpose).
    service.put_directory_entry('zoe', display_name='Zoë Wüstenrot', extension='301',
                                numbers=['+31 20 123 4301'], emails=['zw.sales@example.test'],
                                company='Example BV', department='Verkoopbinnendienst')
    service.put_directory_entry('jan1', display_name='Jan de Vries', extension='302',
                                numbers=['+31201234302'])
    service.put_directory_entry('jan2', display_name='Jan Jansen', extension='303',
                                numbers=['+31201234303'])
    yield service
    codes = {d.name: d.stop() for d in h.daemons}
    stop_extra_buses(h)
    bad = {name: rc for name, rc in codes.items() if rc not in (0, None)}
    assert not bad, f'vo-daemon exited badly when stopped with SIGTERM: {bad}'


def fold(name):
    """The List order: case- and accent-insensitive."""
    return ''.join(ch for ch in unicodedata.normalize('NFKD', name)
                   if not unicodedata.combining(ch)).casefold()


def signed_in_daemon(h, svc, user='alice', password=ALICE_PW):
    d = h.daemon(start=False)
    d.write_conf({'service': {'ca-file': svc.ca_file, 'retry-max': '2', 'timeout': '10'}})
    d.start()
    c = h.client()
    c.sign_in(user, password, service=svc.url)
    c.wait_prop('Account1', 'ServiceState', 'online', timeout=20)
    return d, c


def u(n):
    return GLib.Variant('u', n)


def contacts_list(c, source, **filt):
    return c.call_raw(CONTACTS, 'List', GLib.Variant('(sa{sv})', (source, {
        k: u(v) for k, v in filt.items()})))[0]


def search(c, q, **filt):
    f = {k: (u(v) if isinstance(v, int) else GLib.Variant('s', v)) for k, v in filt.items()}
    return c.call_raw(CONTACTS, 'Search', GLib.Variant('(sa{sv})', (q, f)))[0]


def resolve(c, number):
    return c.call_raw(CONTACTS, 'Resolve', GLib.Variant('(s)', (number,)))[0]


def resolves(c, number):
    try:
        return resolve(c, number)
    except DBusCallError as e:
        assert e.name == ERR.NotFound, e
        return None


def directory_requests(svc):
    with open(svc.log, errors='replace') as f:
        return len(re.findall(r'GET /v1/directory(?!/)', f.read()))


def wait_synced(c, ext, timeout=60):
    util.wait_until(lambda: resolves(c, ext) is not None, util.scaled(timeout),
                    what=f'the directory entry with extension {ext}')


def test_first_sync_lists_searches_and_resolves_offline(h, world):
    ids = world.generate_directory(GENERATED, photos=10, seed=7)
    assert len(ids) == GENERATED
    d, c = signed_in_daemon(h, world)
    wait_synced(c, '5%05d' % GENERATED)

    everyone = []
    while True:
        page = contacts_list(c, 'company', offset=len(everyone), limit=1000)
        everyone += page
        if len(page) < 1000:
            break
    assert len(everyone) == GENERATED + 5
    keys = [fold(e['name']) for e in everyone]
    assert keys == sorted(keys)
    assert len({e['id'] for e in everyone}) == len(everyone)
    zoe = get(c, 'company:zoe')
    assert zoe['source'] == 'company'
    assert zoe['name'] == 'Zoë Wüstenrot'
    assert zoe['extension'] == '301'
    assert zoe['emails'] == ['zw.sales@example.test']
    assert zoe['company'] == 'Example BV'
    assert 'presence' in zoe and 'favorite' in zoe and 'photo' in zoe

    # Names in any order and case, without accents, prefixes.
    assert [e['id'] for e in search(c, 'wust zoe')] == ['company:zoe']
    assert [e['id'] for e in search(c, 'WÜSTENROT')] == ['company:zoe']
    jans = search(c, 'jan', limit=1000)
    assert {e['id'] for e in jans} >= {'company:jan1', 'company:jan2'}
    assert all('jan' in fold(e['name']) or 'jan' in fold(e['company'])
               or any('jan' in m for m in e['emails']) for e in jans)
    assert [e['id'] for e in search(c, 'verkoopbin')] == ['company:zoe']
    assert [e['id'] for e in search(c, 'zw.sales')] == ['company:zoe']
    # Numbers in any format, and extensions.
    for written in ('+31 20 123 4301', '020-1234301', '0031201234301', '301',
                    'tel:+31201234301'):
        assert resolve(c, written)['id'] == 'company:zoe', written
    assert {e['id'] for e in search(c, '020 123 43')} == {'company:zoe', 'company:jan1',
                                                         'company:jan2'}
    assert resolve(c, 'sip:bob@vo.test')['id'] == 'company:bob'

    # Offline: the service stops and the daemon restarts; the cache answers.
    world.stop()
    d.stop()
    d.start()
    c2 = h.client()
    assert resolve(c2, '0201234301')['id'] == 'company:zoe'
    assert len(contacts_list(c2, 'company', limit=10)) == 10
    assert [e['id'] for e in search(c2, 'wustenrot')] == ['company:zoe']


def test_a_change_is_pushed_and_delta_synced(h, world):
    d, c = signed_in_daemon(h, world)
    wait_synced(c, '303')
    before = directory_requests(world)
    since = c.mark()

    world.put_directory_entry('dave', display_name='Dave Nieuw', extension='304',
                              numbers=['+31201234304'])
    wait_changed(c, since, 'company:dave')
    assert get(c, 'company:dave')['name'] == 'Dave Nieuw'
    # One delta request, not a full listing.
    assert directory_requests(world) - before == 1

    since = c.mark()
    world.put_directory_entry('zoe', display_name='Zoë Wüstenrot-Smit', extension='301',
                              numbers=['+31 20 123 4301'])
    world.delete_directory_entry('jan2')
    wait_changed(c, since, 'company:jan2')
    wait_changed(c, since, 'company:zoe')
    assert get(c, 'company:zoe')['name'] == 'Zoë Wüstenrot-Smit'
    with pytest.raises(DBusCallError) as e:
        get(c, 'company:jan2')
    assert e.value.name == ERR.NotFound
    assert resolves(c, '303') is None
    assert [x['id'] for x in search(c, 'wustenrot smit')] == ['company:zoe']


def test_favorites_follow_the_user_to_a_second_daemon(h, kam, world):
    d, c = signed_in_daemon(h, world)
    wait_synced(c, '301')
    since = c.mark()
    c.call_raw(CONTACTS, 'SetFavorite', GLib.Variant('(sb)', ('company:zoe', True)))
    wait_changed(c, since, 'company:zoe')
    assert get(c, 'company:zoe')['favorite'] is True
    assert [e['id'] for e in contacts_list(c, 'favorites')] == ['company:zoe']

    api = world.client()
    api.sign_in('alice', ALICE_PW)
    util.wait_until(lambda: api.get('/v1/favorites').json()['items'] == ['company:zoe'],
                    util.scaled(10), what='the favorite at the service')

    # Another device of alice's: a daemon on a bus of its own.
    c2 = Party(h, kam, 'alice', ALICE_PW, service=world).client
    util.wait_until(lambda: [e['id'] for e in contacts_list(c2, 'favorites')] == ['company:zoe'],
                    util.scaled(20), what='the favorite on the second daemon')

    # Unset on the second one: the first hears it from the service.
    since = c.mark()
    c2.call_raw(CONTACTS, 'SetFavorite', GLib.Variant('(sb)', ('company:zoe', False)))
    util.wait_until(lambda: contacts_list(c, 'favorites') == [], util.scaled(20),
                    what='the favorite removed on the first daemon')
