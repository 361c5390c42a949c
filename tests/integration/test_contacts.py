"""Contacts1 over D-Bus: personal contacts (Create, Get, List, Search, Resolve,
Update, Delete, Changed), persistence across a restart, ImportVCard/ExportVCard
(non-ASCII, several numbers, a photo) through real file descriptors, bad input
(malformed vCards, huge fields, too many values, unknown ids, bad sources and
fds) answering named errors with nothing stored, and company contacts from
the reference service being read-only."""

import base64
import os
import struct
import tempfile
import zlib

import pytest
from gi.repository import Gio, GLib

from vo_harness import ERR, DBusCallError, pump, scaled, wait_until

CONTACTS = 'org.virtualoffice.Contacts1'
MAX_FIELD = 1024          # VO_CONTACTS_MAX_FIELD
MAX_VALUES = 50           # VO_CONTACTS_MAX_VALUES
MAX_VCARD_BYTES = 16 * 1024 * 1024


def png_bytes(width=2, height=2):
    """A real PNG (signature, IHDR, IDAT, IEND with their CRCs)."""
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    rows = b''.join(b'\0' + bytes([20, 130, 90]) * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows))
            + chunk(b'IEND', b''))


PNG = png_bytes()


def fields(**kw):
    """Python keyword fields → an a{sv} value dict (lists become as)."""
    out = {}
    for key, value in kw.items():
        key = key.replace('_', '-')
        out[key] = GLib.Variant('as' if isinstance(value, list) else 's', value)
    return out


def create(client, **kw):
    (cid,) = client.call(CONTACTS, 'Create', '(a{sv})', fields(**kw))
    return cid


def get(client, cid):
    return client.call(CONTACTS, 'Get', '(s)', cid)[0]


def list_(client, source='personal', **flt):
    f = {k: GLib.Variant('u', v) for k, v in flt.items()}
    return client.call(CONTACTS, 'List', '(sa{sv})', source, f)[0]


def search(client, query, **flt):
    f = {k: GLib.Variant('s' if isinstance(v, str) else 'u', v) for k, v in flt.items()}
    return client.call(CONTACTS, 'Search', '(sa{sv})', query, f)[0]


def ids_of(contacts):
    return [c['id'] for c in contacts]


def changed_ids(client, since):
    """Every id a Contacts1.Changed recorded after `since` carried."""
    pump()
    return {i for t, _p, iface, member, args in client.signals
            if iface == CONTACTS and member == 'Changed' and t >= since for i in args[0]}


def wait_changed(client, since, *ids):
    return wait_until(lambda: set(ids) <= changed_ids(client, since), scaled(10),
                      what=f'Contacts1.Changed with {ids}')


def expect_error(name, fn, *args):
    with pytest.raises(DBusCallError) as e:
        fn(*args)
    assert e.value.name == name, e.value
    return e.value.message


def import_fd(client, fd):
    """ImportVCard with fd (kept open by the caller) → the new ids."""
    fds = Gio.UnixFDList.new()
    fds.append(fd)
    return client.call_raw(CONTACTS, 'ImportVCard', GLib.Variant('(h)', (0,)), fd_list=fds,
                           timeout=60)[0]


def import_text(client, data):
    if isinstance(data, str):
        data = data.encode()
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.flush()
        f.seek(0)
        return import_fd(client, f.fileno())


def export(client, ids):
    """ExportVCard(ids) → the bytes of the returned fd, which must be a
    sealed file read from its start."""
    try:
        reply, out = client.conn.call_with_unix_fd_list_sync(
            'org.virtualoffice', '/org/virtualoffice', CONTACTS, 'ExportVCard',
            GLib.Variant('(as)', (ids,)), GLib.VariantType('(h)'), Gio.DBusCallFlags.NONE,
            int(scaled(30) * 1000), None, None)
    except GLib.Error as e:
        from vo_harness.client import _convert
        raise _convert(e) from None
    (index,) = reply.unpack()
    fd = out.get(index)
    try:
        with os.fdopen(os.dup(fd), 'rb') as f:
            data = f.read()
        with pytest.raises(OSError):   # sealed: nobody can change it
            os.write(fd, b'x')
    finally:
        os.close(fd)
    return data.decode()


def vcard(*lines, version='3.0'):
    return '\r\n'.join(['BEGIN:VCARD', f'VERSION:{version}', *lines, 'END:VCARD']) + '\r\n'


# -- personal CRUD -----------------------------------------------------------------
def test_create_get_list_search_resolve_update_delete(h, daemon, client):
    since = client.mark()
    cid = create(client, name='Ann Lee', numbers=['+31 20 123 4567', '+31 6 1234 5678'],
                 emails=['ann@example.com'], uris=['sip:ann@vo.test'], company='Acme BV',
                 department='Sales', note='met at the fair')
    assert cid.startswith('personal:'), cid
    wait_changed(client, since, cid)

    c = get(client, cid)
    assert c['id'] == cid and c['source'] == 'personal' and c['name'] == 'Ann Lee'
    assert c['numbers'] == ['+31 20 123 4567', '+31 6 1234 5678']
    assert c['emails'] == ['ann@example.com'] and c['uris'] == ['sip:ann@vo.test']
    assert (c['company'], c['department'], c['note']) == ('Acme BV', 'Sales', 'met at the fair')
    assert c['favorite'] is False and 'presence' in c

    other = create(client, name='Bram Visser', numbers=['+31 10 765 4321'])
    assert sorted(ids_of(list_(client))) == sorted([cid, other])
    assert cid in ids_of(list_(client, 'all'))
    assert ids_of(search(client, 'lee an')) == [cid]          # names in any order, prefixes
    assert ids_of(search(client, 'acme')) == [cid]
    assert ids_of(search(client, 'vis', source='personal')) == [other]
    assert client.call(CONTACTS, 'Resolve', '(s)', '0031201234567')[0]['id'] == cid
    assert client.call(CONTACTS, 'Resolve', '(s)', 'sip:ann@vo.test')[0]['id'] == cid
    expect_error(ERR.NotFound, client.call, CONTACTS, 'Resolve', '(s)', '+44 20 7946 0000')

    since = client.mark()
    client.call(CONTACTS, 'Update', '(sa{sv})', cid, fields(company='Globex', numbers=['201']))
    wait_changed(client, since, cid)
    c = get(client, cid)
    assert (c['name'], c['company'], c['numbers']) == ('Ann Lee', 'Globex', ['201'])
    assert c['emails'] == ['ann@example.com']                  # fields not given stay

    since = client.mark()
    client.call(CONTACTS, 'Delete', '(s)', cid)
    wait_changed(client, since, cid)
    expect_error(ERR.NotFound, get, client, cid)
    assert ids_of(list_(client)) == [other]


def test_personal_contacts_survive_restart(h, daemon, client):
    cid = create(client, name='Zoë Ångström', numbers=['+46 8 123 456'])
    client.call(CONTACTS, 'SetFavorite', '(sb)', cid, True)
    before = get(client, cid)
    assert daemon.restart() == 0
    after = get(client, cid)
    for key in ('id', 'name', 'numbers', 'favorite'):
        assert after[key] == before[key], key
    assert after['favorite'] is True
    assert ids_of(list_(client, 'favorites')) == [cid]


def test_list_pages(h, daemon, client):
    made = {create(client, name=f'Page Person {i:02d}') for i in range(5)}
    first = ids_of(list_(client, limit=3))
    rest = ids_of(list_(client, offset=3, limit=3))
    assert len(first) == 3 and len(rest) == 2
    assert set(first) | set(rest) == made


# -- vCard import and export ---------------------------------------------------------
def test_vcard_round_trip_non_ascii_numbers_photo(h, daemon, client):
    photo = base64.b64encode(PNG).decode()
    text = (vcard('FN:Zoë Ångström-Þórsdóttir', 'N:Ångström-Þórsdóttir;Zoë;;;',
                  'TEL;TYPE=CELL:+46 70 123 45 67', 'TEL;TYPE=WORK:+46 8 555 010 20',
                  'EMAIL:zoe@example.se', 'ORG:Sjöfart AB;Frakt', 'NOTE:Grüße, 東京',
                  f'PHOTO;ENCODING=b;TYPE=PNG:{photo}')
            + vcard('FN:Łukasz Żółć', 'TEL:+48 22 123 45 67', 'TEL:+48 601 234 567',
                    'TEL:+48 12 000 11 22', version='4.0'))
    since = client.mark()
    ids = import_text(client, text)
    assert len(ids) == 2 and all(i.startswith('personal:') for i in ids), ids
    wait_changed(client, since, *ids)

    zoe, lukasz = get(client, ids[0]), get(client, ids[1])
    assert zoe['name'] == 'Zoë Ångström-Þórsdóttir'
    assert zoe['numbers'] == ['+46 70 123 45 67', '+46 8 555 010 20']
    assert zoe['emails'] == ['zoe@example.se']
    assert (zoe['company'], zoe['department'], zoe['note']) == ('Sjöfart AB', 'Frakt',
                                                                  'Grüße, 東京')
    with open(zoe['photo'], 'rb') as f:
        assert f.read() == PNG
    assert lukasz['name'] == 'Łukasz Żółć' and len(lukasz['numbers']) == 3
    assert ids_of(search(client, 'zolc')) == [ids[1]]          # accent-insensitive

    exported = export(client, ids)
    assert exported.count('BEGIN:VCARD') == 2
    assert 'Zoë Ångström-Þórsdóttir' in exported and 'Łukasz Żółć' in exported
    assert 'PHOTO' in exported

    # Back in as new contacts: the same fields, the same photo.
    again = import_text(client, exported)
    assert len(again) == 2 and not set(again) & set(ids)
    for old, new in zip(ids, again):
        a, b = get(client, old), get(client, new)
        for key in ('name', 'numbers', 'emails', 'company', 'department', 'note'):
            assert a.get(key) == b.get(key), key
    with open(get(client, again[0])['photo'], 'rb') as f:
        assert f.read() == PNG


def test_export_empty_list_is_every_personal_contact(h, daemon, client):
    a = create(client, name='Ann Lee')
    b = create(client, name='Bram Visser')
    text = export(client, [])
    assert text.count('BEGIN:VCARD') == 2
    assert 'Ann Lee' in text and 'Bram Visser' in text
    assert a in text and b in text        # UID is the id
    expect_error(ERR.NotFound, export, client, [a, 'personal:no-such-contact'])


def test_import_reads_a_pipe(h, daemon, client):
    r, w = os.pipe()
    try:
        os.write(w, vcard('FN:Piped Person', 'TEL:+31 20 000 0001').encode())
        os.close(w)
        w = -1
        ids = import_fd(client, r)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    assert get(client, ids[0])['name'] == 'Piped Person'


BAD_VCARDS = {
    'garbage': 'this is not a vCard\n',
    'empty': '',
    'no-end': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half Card\r\n',
    'no-name': vcard('TEL:+31 20 123 4567'),
    'huge-name': vcard('FN:' + 'x' * (MAX_FIELD + 1)),
    'huge-number': vcard('FN:Long Number', 'TEL:+31' + '1' * MAX_FIELD),
    'too-many-numbers': vcard('FN:Many Numbers',
                              *[f'TEL:+31 20 {i:07d}' for i in range(MAX_VALUES + 1)]),
    'second-card-bad': vcard('FN:Good One') + vcard('TEL:+31 20 123 4567'),
}


@pytest.mark.parametrize('kind', sorted(BAD_VCARDS))
def test_bad_vcard_stores_nothing(h, daemon, client, kind):
    since = client.mark()
    msg = expect_error(ERR.InvalidArgument, import_text, client, BAD_VCARDS[kind])
    assert msg
    assert list_(client) == []
    assert not changed_ids(client, since)
    if kind == 'second-card-bad':
        assert 'card 2' in msg, msg


def test_import_larger_than_cap(h, daemon, client):
    card = vcard('FN:Filler', 'NOTE:' + 'n' * 1000).encode()
    data = card * (MAX_VCARD_BYTES // len(card) + 1)
    assert len(data) > MAX_VCARD_BYTES
    msg = expect_error(ERR.InvalidArgument, import_text, client, data)
    assert 'larger than' in msg, msg
    assert list_(client) == []


def test_import_bad_fds(h, daemon, client, tmp_path):
    dir_fd = os.open(str(tmp_path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        msg = expect_error(ERR.InvalidArgument, import_fd, client, dir_fd)
        assert 'directory' in msg, msg
    finally:
        os.close(dir_fd)
    wo_fd = os.open(str(tmp_path / 'w.vcf'), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        msg = expect_error(ERR.InvalidArgument, import_fd, client, wo_fd)
        assert 'reading' in msg, msg
    finally:
        os.close(wo_fd)
    # A handle with no fd behind it.
    msg = expect_error(ERR.InvalidArgument, client.call_raw, CONTACTS, 'ImportVCard',
                       GLib.Variant('(h)', (0,)), 30.0, None, None, Gio.UnixFDList.new())
    assert 'No file descriptor' in msg, msg
    assert list_(client) == []


# -- bad arguments ---------------------------------------------------------------------
BAD_FIELDS = [
    ('no-name', {'company': GLib.Variant('s', 'Acme')}),
    ('blank-name', {'name': GLib.Variant('s', '   ')}),
    ('huge-name', {'name': GLib.Variant('s', 'x' * (MAX_FIELD + 1))}),
    ('huge-note', {'name': GLib.Variant('s', 'N'), 'note': GLib.Variant('s', 'x' * 5000)}),
    ('too-many-numbers', {'name': GLib.Variant('s', 'N'),
                          'numbers': GLib.Variant('as', [f'+3120{i:07d}'
                                                         for i in range(MAX_VALUES + 1)])}),
    ('not-a-number', {'name': GLib.Variant('s', 'N'),
                      'numbers': GLib.Variant('as', ['call me maybe'])}),
    ('bad-email', {'name': GLib.Variant('s', 'N'), 'emails': GLib.Variant('as', ['nobody'])}),
    ('bad-uri', {'name': GLib.Variant('s', 'N'), 'uris': GLib.Variant('as', ['http://x'])}),
    ('unknown-key', {'name': GLib.Variant('s', 'N'), 'shoe-size': GLib.Variant('u', 44)}),
    ('id-key', {'name': GLib.Variant('s', 'N'), 'id': GLib.Variant('s', 'personal:mine')}),
    ('wrong-type', {'name': GLib.Variant('s', 'N'), 'numbers': GLib.Variant('s', '+3120')}),
]


@pytest.mark.parametrize('label,value', BAD_FIELDS, ids=[b[0] for b in BAD_FIELDS])
def test_create_bad_fields_store_nothing(h, daemon, client, label, value):
    expect_error(ERR.InvalidArgument, client.call, CONTACTS, 'Create', '(a{sv})', value)
    assert list_(client) == []


@pytest.mark.parametrize('label,value', BAD_FIELDS[2:], ids=[b[0] for b in BAD_FIELDS[2:]])
def test_update_bad_fields_change_nothing(h, daemon, client, label, value):
    cid = create(client, name='Kept As Is', numbers=['+31 20 123 4567'])
    before = get(client, cid)
    expect_error(ERR.InvalidArgument, client.call, CONTACTS, 'Update', '(sa{sv})', cid, value)
    assert get(client, cid) == before


def test_unknown_ids_and_sources(h, daemon, client):
    cid = create(client, name='Only One')
    for bad in ('personal:no-such-contact', 'nonsense', ''):
        expect_error(ERR.NotFound, get, client, bad)
    for method, sig, args in (('Update', '(sa{sv})', (fields(company='X'),)),
                              ('Delete', '(s)', ()),
                              ('SetFavorite', '(sb)', (True,))):
        expect_error(ERR.NotFound, client.call, CONTACTS, method, sig,
                     'personal:no-such-contact', *args)
    expect_error(ERR.InvalidArgument, list_, client, 'friends')
    expect_error(ERR.InvalidArgument, client.call, CONTACTS, 'List', '(sa{sv})', 'all',
                 {'colour': GLib.Variant('s', 'red')})
    expect_error(ERR.InvalidArgument, client.call, CONTACTS, 'List', '(sa{sv})', 'all',
                 {'limit': GLib.Variant('s', '10')})
    expect_error(ERR.InvalidArgument, search, client, 'x', source='friends')
    assert ids_of(list_(client)) == [cid]


# -- company contacts (the reference service) ----------------------------------------
def test_company_contacts_are_read_only(h, kam, service):
    # Users only the service creates (the kam fixture's alice and bob are the
    # harness's own).
    service.add_user('vera', 'Vera-pw-5e1', email='vera@mail.vo.test',
                     display_name='Vera Example', extension='231')
    service.add_user('walt', 'Walt-pw-93a', email='walt@mail.vo.test',
                     display_name='Walt Builder', extension='232')
    d = h.daemon(start=False)
    d.write_conf({'service': {'ca-file': service.ca_file}})
    d.start()
    client = h.client()
    client.sign_in('vera', 'Vera-pw-5e1', service=service.url)
    walt = wait_until(lambda: [c for c in list_(client, 'company') if c['id'] == 'company:walt'],
                      scaled(20), what='company:walt in the directory')[0]
    assert walt['source'] == 'company' and walt['name'] == 'Walt Builder'
    assert walt['extension'] == '232'
    assert client.call(CONTACTS, 'Resolve', '(s)', '232')[0]['id'] == 'company:walt'

    expect_error(ERR.PermissionDenied, client.call, CONTACTS, 'Update', '(sa{sv})',
                 'company:walt', fields(name='Walter'))
    expect_error(ERR.PermissionDenied, client.call, CONTACTS, 'Delete', '(s)', 'company:walt')
    assert get(client, 'company:walt')['name'] == 'Walt Builder'

    since = client.mark()
    client.call(CONTACTS, 'SetFavorite', '(sb)', 'company:walt', True)
    wait_changed(client, since, 'company:walt')
    assert ids_of(list_(client, 'favorites')) == ['company:walt']
    assert get(client, 'company:walt')['favorite'] is True
