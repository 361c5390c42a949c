"""vo-ctl contacts against a real daemon: every action (list, search, show,
add, edit, delete, favorite, resolve, import, export), --json, the daemon's
errors printed without D-Bus names, and vo-ctl's own usage errors."""

import json

import pytest

from test_voctl import assert_clean_error

CARDS = ('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ångström\r\n'
         'TEL:+46 70 123 45 67\r\nTEL:+46 8 555 010 20\r\nEMAIL:zoe@example.se\r\n'
         'END:VCARD\r\n'
         'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Łukasz Żółć\r\nTEL:+48 22 123 45 67\r\n'
         'END:VCARD\r\n')


@pytest.fixture
def voctl(h, daemon):
    return h.voctl


def add(voctl, *args):
    cid = voctl.ok('contacts', 'add', *args).strip()
    assert cid.startswith('personal:'), cid
    return cid


def show_json(voctl, cid):
    return json.loads(voctl.ok('--json', 'contacts', 'show', cid))


def table_rows(text):
    """The lines of a table after its header, split on runs of 2+ blanks."""
    lines = text.rstrip('\n').split('\n')
    assert lines[0].split() == ['NAME', 'NUMBER', 'COMPANY', 'PRESENCE', 'FAV', 'ID'], lines[0]
    return lines[1:]


def test_add_show_edit_delete(voctl):
    cid = add(voctl, 'Ann Lee', '--number', '+31 20 123 4567', '--number', '+31 6 1234 5678',
              '--email', 'ann@example.com', '--uri', 'sip:ann@vo.test', '--company', 'Acme BV',
              '--department', 'Sales', '--note', 'met at the fair')
    out = voctl.ok('contacts', 'show', cid)
    for line in ('Name: Ann Lee', f'Id: {cid}', 'Source: personal', 'Company: Acme BV',
                 'Department: Sales', 'Numbers: +31 20 123 4567, +31 6 1234 5678',
                 'Emails: ann@example.com', 'Uris: sip:ann@vo.test', 'Favorite: false',
                 'Note: met at the fair'):
        assert line in out.splitlines(), (line, out)

    voctl.ok('contacts', 'edit', cid, '--name', 'Ann van Lee', '--company', 'Globex')
    c = show_json(voctl, cid)
    assert (c['name'], c['company'], c['department']) == ('Ann van Lee', 'Globex', 'Sales')
    assert c['numbers'] == ['+31 20 123 4567', '+31 6 1234 5678']

    voctl.ok('contacts', 'delete', cid)
    r = voctl.run('contacts', 'show', cid)
    assert r.returncode == 1
    assert_clean_error(r, cid)


def test_list_search_and_json(voctl):
    ann = add(voctl, 'Ann Lee', '--number', '+31 20 123 4567', '--company', 'Acme BV')
    bram = add(voctl, 'Bram Visser', '--extension', '245')
    rows = table_rows(voctl.ok('contacts', 'list', 'personal'))
    assert len(rows) == 2
    ann_row = next(r for r in rows if r.endswith(ann))
    assert ann_row.startswith('Ann Lee') and '+31 20 123 4567' in ann_row and 'Acme BV' in ann_row
    assert any(r.endswith(bram) and '245' in r for r in rows)
    assert len(table_rows(voctl.ok('contacts'))) == 2            # list all is the default

    rows = table_rows(voctl.ok('contacts', 'search', 'lee ann'))
    assert len(rows) == 1 and rows[0].endswith(ann)
    assert voctl.ok('contacts', 'search', 'nobody-like-this').strip() == 'No contacts.'

    listed = json.loads(voctl.ok('--json', 'contacts', 'list', 'personal', '--limit', '1'))
    assert len(listed) == 1 and listed[0]['source'] == 'personal'
    found = json.loads(voctl.ok('contacts', 'search', 'visser', '--json'))
    assert [c['id'] for c in found] == [bram]


def test_favorite_and_off(voctl):
    cid = add(voctl, 'Ann Lee')
    voctl.ok('contacts', 'favorite', cid)
    assert show_json(voctl, cid)['favorite'] is True
    rows = table_rows(voctl.ok('contacts', 'list', 'favorites'))
    assert len(rows) == 1 and rows[0].endswith(cid)
    assert '*' in rows[0].split(cid)[0]
    voctl.ok('contacts', 'favorite', cid, 'off')
    assert show_json(voctl, cid)['favorite'] is False
    assert voctl.ok('contacts', 'list', 'favorites').strip() == 'No contacts.'


def test_resolve(voctl):
    cid = add(voctl, 'Ann Lee', '--number', '+31 20 123 4567')
    assert f'Id: {cid}' in voctl.ok('contacts', 'resolve', '0031 20 123 4567').splitlines()
    assert json.loads(voctl.ok('--json', 'contacts', 'resolve', '+31201234567'))['id'] == cid
    r = voctl.run('contacts', 'resolve', '+44 20 7946 0000')
    assert r.returncode == 1
    assert_clean_error(r)


def test_import_and_export(voctl, tmp_path):
    path = tmp_path / 'in.vcf'
    path.write_text(CARDS, encoding='utf-8')
    ids = voctl.ok('contacts', 'import', str(path)).split()
    assert len(ids) == 2 and all(i.startswith('personal:') for i in ids)
    zoe = show_json(voctl, ids[0])
    assert zoe['name'] == 'Zoë Ångström'
    assert zoe['numbers'] == ['+46 70 123 45 67', '+46 8 555 010 20']

    text = voctl.ok('contacts', 'export')                       # every personal contact
    assert text.count('BEGIN:VCARD') == 2
    assert 'Zoë Ångström' in text and 'Łukasz Żółć' in text

    out = tmp_path / 'out.vcf'
    assert voctl.ok('contacts', 'export', ids[1], '-o', str(out)) == ''
    one = out.read_text(encoding='utf-8')
    assert one.count('BEGIN:VCARD') == 1 and 'Łukasz Żółć' in one and ids[1] in one

    again = json.loads(voctl.ok('--json', 'contacts', 'import', str(out)))
    assert len(again) == 1 and again[0] not in ids
    assert show_json(voctl, again[0])['name'] == 'Łukasz Żółć'


def test_import_errors(voctl, tmp_path):
    bad = tmp_path / 'bad.vcf'
    bad.write_text('not a vcard at all\n')
    r = voctl.run('contacts', 'import', str(bad))
    assert r.returncode == 1
    assert_clean_error(r)
    r = voctl.run('contacts', 'import', str(tmp_path))
    assert r.returncode == 1
    assert_clean_error(r, 'not a file')
    r = voctl.run('contacts', 'import', str(tmp_path / 'missing.vcf'))
    assert r.returncode == 1
    assert_clean_error(r, 'cannot open')
    assert voctl.ok('contacts', 'list', 'personal').strip() == 'No contacts.'


def test_export_unknown_id(voctl, tmp_path):
    out = tmp_path / 'out.vcf'
    r = voctl.run('contacts', 'export', 'personal:no-such-contact', '-o', str(out))
    assert r.returncode == 1 and r.stdout == ''
    assert_clean_error(r, 'personal:no-such-contact')
    assert not out.exists()


def test_daemon_refusals(voctl):
    r = voctl.run('contacts', 'add', 'x' * 2000)
    assert r.returncode == 1
    assert_clean_error(r)
    r = voctl.run('contacts', 'add', 'Bad Number', '--number', 'call me maybe')
    assert r.returncode == 1
    assert_clean_error(r)
    r = voctl.run('contacts', 'list', 'friends')
    assert r.returncode == 1
    assert_clean_error(r, 'friends')
    for action in ('delete', 'edit'):
        extra = ('--company', 'X') if action == 'edit' else ()
        r = voctl.run('contacts', action, 'personal:no-such-contact', *extra)
        assert r.returncode == 1
        assert_clean_error(r)
    assert voctl.ok('contacts', 'list', 'personal').strip() == 'No contacts.'


@pytest.mark.parametrize('args,words', [
    (('frobnicate',), ['unknown action']),
    (('search',), ['query']),
    (('search', 'a', 'b'), ['query']),
    (('show',), ['id']),
    (('add',), ['name']),
    (('add', 'Ann', '--name', 'Bea'), ['--name']),
    (('edit', 'personal:x'), ['fields']),
    (('delete',), ['id']),
    (('favorite',), ['id']),
    (('favorite', 'personal:x', 'maybe'), ['off']),
    (('resolve',), ['number']),
    (('import',), ['file']),
    (('list', 'personal', 'extra'), ['source']),
    (('show', 'personal:x', '--company', 'Acme'), ['add', 'edit']),
    (('list', '--output', 'x.vcf'), ['export']),
    (('show', 'personal:x', '--limit', '3'), ['list']),
    (('list', '--limit', '-1'), ['at least 0']),
])
def test_usage_errors(voctl, args, words):
    r = voctl.run('contacts', *args)
    assert r.returncode == 2, r
    assert_clean_error(r, *words)


def test_help_lists_actions(voctl):
    out = voctl.ok('contacts', '--help')
    for action in ('list', 'search', 'show', 'add', 'edit', 'delete', 'favorite', 'resolve',
                   'import', 'export'):
        assert f'  {action}' in out, action
    assert 'contacts' in voctl.ok('help')
