"""The company directory in the contacts core, against the reference service:
the first full sync, a change pushed over the event WebSocket appearing
without polling (added, changed, deleted), photos fetched lazily into the
cache and replaced when they change, an expired sync token answered by a full
sync that sweeps what is gone, and sign-out dropping the company contacts
and favorites while personal contacts stay."""
import os

from test_contacts import CONTACTS, PNG, create, get, list_, wait_changed
from test_voctl_service import png_bytes
from vo_harness import scaled, wait_until


def company_ids(client):
    return {c['id'] for c in list_(client, 'company', limit=1000)}


def put_colleague(service, cid, **fields):
    body = {key.replace('_', '-'): value for key, value in fields.items()}
    return service._admin('PUT', f'/admin/v1/directory/{cid}', body).json()


def signed_in(h, service, user='vera', password='Vera-pw-5e1'):
    service.add_user(user, password, email=f'{user}@mail.vo.test',
                     display_name=user.title(), extension='231')
    d = h.daemon(start=False)
    d.write_conf({'service': {'ca-file': service.ca_file}})
    d.start()
    client = h.client()
    client.sign_in(user, password, service=service.url)
    wait_until(lambda: f'company:{user}' in company_ids(client), scaled(20),
               what='the first directory sync')
    return d, client


def test_sync_push_photo_expiry_sign_out(h, kam, service):
    service._admin('POST', '/admin/v1/directory/generate',
                   {'count': 30, 'photos': 2, 'seed': 7, 'prefix': 'gen'})
    d, client = signed_in(h, service)
    wait_until(lambda: len(company_ids(client)) >= 31, scaled(20), what='30 colleagues')
    mine = create(client, name='Personal Pat', numbers=['0612345678'])

    # Pushed: a new colleague, found by number in any format.
    since = client.mark()
    put_colleague(service, 'zed', display_name='Zed Zwart', extension='777',
                  sip_uri='sip:zed@vo.test', numbers=['+31207770000'])
    wait_changed(client, since, 'company:zed')
    assert client.call(CONTACTS, 'Resolve', '(s)', '020-7770000')[0]['id'] == 'company:zed'
    assert client.call(CONTACTS, 'Resolve', '(s)', '777')[0]['id'] == 'company:zed'

    # A photo: none until shown, then downloaded and the contact changes.
    since = client.mark()
    service.client(token=service.admin_token).request(
        'PUT', '/admin/v1/directory/zed/photo', data=PNG,
        headers={'Content-Type': 'image/png'})
    wait_changed(client, since, 'company:zed')
    since = client.mark()
    get(client, 'company:zed')
    wait_changed(client, since, 'company:zed')
    first = get(client, 'company:zed')['photo']
    assert first and open(first, 'rb').read() == PNG
    other = png_bytes(3, 3)
    since = client.mark()
    service.client(token=service.admin_token).request(
        'PUT', '/admin/v1/directory/zed/photo', data=other,
        headers={'Content-Type': 'image/png'})
    wait_changed(client, since, 'company:zed')
    get(client, 'company:zed')
    second = wait_until(lambda: (p := get(client, 'company:zed')['photo']) != first and p,
                        scaled(10), what='the new photo')
    assert open(second, 'rb').read() == other and not os.path.exists(first)

    # Deleted at the service: gone here, with its photo.
    service._admin('DELETE', '/admin/v1/directory/zed')
    wait_until(lambda: 'company:zed' not in company_ids(client), scaled(10),
               what='company:zed deleted')
    assert not os.path.exists(second)

    # An expired token: the next sync is a full one and sweeps what is gone.
    service._admin('POST', '/admin/v1/directory/expire-sync-tokens')
    service._admin('DELETE', '/admin/v1/directory/gen00001')
    wait_until(lambda: 'company:gen00001' not in company_ids(client), scaled(10),
               what='company:gen00001 swept')
    assert 'fetching all of it again' in d.log_text()
    assert 'Company directory fetched: 31 entries' in d.log_text()

    # Favorites: one set here reaches the service; one set elsewhere (another
    # device of vera's) shows here through favorites.changed.
    other_device = service.client()
    other_device.sign_in('vera', 'Vera-pw-5e1')
    client.call(CONTACTS, 'SetFavorite', '(sb)', 'company:gen00002', True)
    wait_until(lambda: 'company:gen00002' in other_device.get('/v1/favorites').json()['items'],
               scaled(10), what='the favorite at the service')
    since = client.mark()
    assert other_device.put('/v1/favorites/company:gen00003').status == 204
    wait_changed(client, since, 'company:gen00003')
    assert get(client, 'company:gen00003')['favorite'] is True
    assert {c['id'] for c in list_(client, 'favorites')} == {'company:gen00002',
                                                              'company:gen00003'}

    # Sign-out: company contacts and favorites go; personal ones stay.
    client.sign_out()
    wait_until(lambda: not company_ids(client), scaled(10), what='company contacts dropped')
    assert list_(client, 'favorites') == []
    assert get(client, mine)['name'] == 'Personal Pat'


def test_national_numbers_follow_the_profiles_country(h, kam, service):
    # Created before the sign-in, when no region is known: once the profile
    # says NL, 020-… is the same number as +31 20….
    service.add_user('wim', 'Wim-pw-4c2', email='wim@mail.vo.test', extension='241')
    d = h.daemon(start=False)
    d.write_conf({'service': {'ca-file': service.ca_file}})
    d.start()
    client = h.client()
    pat = create(client, name='Pat Local', numbers=['020-5550000'])
    client.sign_in('wim', 'Wim-pw-4c2', service=service.url)
    found = wait_until(lambda: client.call(CONTACTS, 'Resolve', '(s)', '+31205550000')[0]
                       if 'company:wim' in company_ids(client) else None,
                       scaled(20), what='Resolve in the profile\'s region')
    assert found['id'] == pat
