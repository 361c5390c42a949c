"""vo-ctl's Virtual Office service commands against a real daemon, kamailio,
the reference service (HTTPS, the test CA) and an SMTP sink: sign-in --service,
status with ServiceState and the profile, reset-password, recover-username,
photo set/clear; and vo-ctl's own argument errors."""

import json
import os
import struct
import zlib

import pytest

from test_voctl import assert_clean_error, parse_status
from vo_harness.mail import text_of

# A user only the service creates (the kamailio fixture's alice and bob are
# written by the harness itself).
USER = 'vera'
PASSWORD = 'Vera-pw-71c0b2'
EMAIL = 'vera@mail.vo.test'
EXTENSION = '231'
COMPANY = 'Example Trading BV'


def png_bytes(width=2, height=2):
    """A real PNG (signature, IHDR, IDAT, IEND with their CRCs): RGB pixels."""
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    rows = b''.join(b'\0' + bytes([200, 30, 90]) * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows))
            + chunk(b'IEND', b''))


def sent_to(address):
    return lambda m: address in (m.get('To') or '')


@pytest.fixture
def vera(service):
    return service.add_user(USER, PASSWORD, email=EMAIL, display_name='Vera Example',
                            extension=EXTENSION, company=COMPANY)


def service_daemon(h, service, url=False):
    """A daemon that trusts the test CA ([service] ca-file); with url, also
    [service] url, so the service works before anyone signs in."""
    d = h.daemon(start=False)
    group = {'ca-file': service.ca_file}
    if url:
        group['url'] = service.url
    d.write_conf({'service': group})
    d.start()
    return d


def sign_in(h, service, password=PASSWORD):
    return h.voctl.run('sign-in', USER, '--service', service.url, '--password-stdin',
                       input=password + '\n')


@pytest.fixture
def signed_in_service(h, service, vera):
    """vera signed in through the service with only her name and password."""
    service_daemon(h, service)
    r = sign_in(h, service)
    assert r.returncode == 0, r
    h.voctl.ok('wait', 'registered', '--timeout', '15')
    return service


# -- through the service ------------------------------------------------------------
def test_sign_in_with_service_registers_and_shows_profile(h, service, vera):
    service_daemon(h, service)
    r = sign_in(h, service)
    assert r.returncode == 0, r
    assert PASSWORD not in r.stdout + r.stderr
    assert f'sip:{USER}@' in r.stdout, r.stdout
    h.voctl.ok('wait', 'registered', '--timeout', '15')

    out = h.voctl.ok('status')
    st = parse_status(out)
    assert st['state'] == 'signed-in', out
    assert st['registration'] == 'registered', out
    assert st['servicestate'] == 'online', out
    assert st['extension'] == EXTENSION, out
    assert st['company'] == COMPANY, out
    assert st['username'] == USER, out
    assert st['displayname'] == 'Vera Example', out
    assert st['lasterror'] == '', out

    data = json.loads(h.voctl.ok('--json', 'status'))
    assert data['service-state'] == 'online', data
    assert data['extension'] == EXTENSION, data
    assert data['company'] == COMPANY, data
    assert 'photo' in data['capabilities'], data
    assert PASSWORD not in json.dumps(data)


def test_sign_in_with_service_wrong_password(h, service, vera):
    service_daemon(h, service)
    r = sign_in(h, service, password='not-' + PASSWORD)
    assert r.returncode == 1, r
    assert_clean_error(r, 'password')
    st = parse_status(h.voctl.ok('status'))
    assert st['registration'] != 'registered', st
    assert st['servicestate'] != 'online', st


def test_sign_out_ends_service_state(h, signed_in_service):
    h.voctl.ok('sign-out')
    out = h.voctl.ok('status')
    st = parse_status(out)
    assert st['state'] == 'signed-out', out
    assert st['servicestate'] == 'none', out
    # The profile came from the service: gone with the account.
    assert 'extension' not in st and 'company' not in st, out


def test_reset_password_mails_the_link(h, service, mail_sink, vera):
    service_daemon(h, service, url=True)        # signed out: [service] url is enough
    out = h.voctl.ok('reset-password', USER)
    assert out.strip() == (f'If {USER} is a Virtual Office user, a reset link is on its way '
                           'to their e-mail address.'), out
    mail = mail_sink.wait_for(sent_to(EMAIL), timeout=15)
    assert 'reset-password?token=' in text_of(mail), text_of(mail)

    # An unknown user gets the same answer: the service reveals nothing.
    out = h.voctl.ok('reset-password', 'nobody-here')
    assert out.strip().startswith('If nobody-here is a Virtual Office user'), out
    data = json.loads(h.voctl.ok('--json', 'reset-password', USER))
    assert data['message'].startswith(f'If {USER} is'), data


def test_recover_username_mails_the_name(h, service, mail_sink, vera):
    service_daemon(h, service, url=True)
    out = h.voctl.ok('recover-username', EMAIL)
    assert out.strip() == (f'If {EMAIL} belongs to a Virtual Office user, their user name is '
                           'on its way to it.'), out
    mail = mail_sink.wait_for(sent_to(EMAIL), timeout=15)
    assert USER in text_of(mail), text_of(mail)
    out = h.voctl.ok('recover-username', 'nobody@mail.vo.test')
    assert out.strip().startswith('If nobody@mail.vo.test belongs'), out


def test_photo_set_show_clear(h, signed_in_service):
    assert h.voctl.ok('photo') == ''            # none yet
    image = os.path.join(h.workdir, 'me.png')
    content = png_bytes()
    with open(image, 'wb') as f:
        f.write(content)

    out = h.voctl.ok('photo', 'set', image)
    assert out.startswith('Profile photo set: '), out
    path = h.voctl.ok('photo').strip()
    assert path and os.path.isabs(path), path
    with open(path, 'rb') as f:
        assert f.read() == content
    assert parse_status(h.voctl.ok('status'))['photopath'] == path
    assert json.loads(h.voctl.ok('--json', 'photo')) == {'photo-path': path}

    assert h.voctl.ok('photo', 'clear').strip() == 'Profile photo cleared.'
    assert h.voctl.ok('photo') == ''
    assert 'photopath' not in parse_status(h.voctl.ok('status'))


def test_photo_set_refuses_text(h, signed_in_service):
    note = os.path.join(h.workdir, 'note.png')    # the name says PNG, the content does not
    with open(note, 'w') as f:
        f.write('this is not an image\n')
    r = h.voctl.run('photo', 'set', note)
    assert r.returncode == 1, r
    assert_clean_error(r)
    assert any(w in r.stderr.lower() for w in ('png', 'jpeg', 'image')), r.stderr
    assert h.voctl.ok('photo') == ''


# -- SIP-only and vo-ctl's own errors: no service needed -----------------------------
def test_help_lists_the_service_commands(h):
    out = h.voctl.ok('--help')
    for command in ('reset-password', 'recover-username', 'photo'):
        assert f'  {command} ' in out, out
    assert '--service=URL' in h.voctl.ok('sign-in', '--help')
    out = h.voctl.ok('photo', '--help')
    assert 'set FILE' in out and 'clear' in out and 'memfd' in out, out
    assert 'ServiceState' in h.voctl.ok('help', 'status')


@pytest.mark.parametrize('url', ['http://127.0.0.1:8443', 'vo.example.com', 'https://',
                                 'sip:vo.example.com'])
def test_sign_in_service_url_must_be_https(h, daemon, url):
    r = h.voctl.run('sign-in', USER, '--service', url, '--password-stdin',
                    input=PASSWORD + '\n')
    assert r.returncode == 2, r
    assert_clean_error(r, 'https://')
    assert h.client().account('State') == 'signed-out'


@pytest.mark.parametrize('url', ['https://vera:hunter2@vo.example.com',
                                 'http://vera:hunter2@vo.example.com'])
def test_sign_in_service_url_without_credentials(h, daemon, url):
    r = h.voctl.run('sign-in', USER, '--service', url, '--password-stdin',
                    input=PASSWORD + '\n')
    assert r.returncode == 2, r
    assert_clean_error(r, 'password')
    assert 'hunter2' not in r.stderr + r.stdout


def test_status_sip_only_has_no_profile_lines(h, daemon):
    out = h.voctl.ok('status')
    st = parse_status(out)
    assert 'servicestate' in st, out
    for key in ('extension', 'company', 'photopath'):
        assert key not in st, out
    data = json.loads(h.voctl.ok('--json', 'status'))
    assert data['service-state'] == 'none', data
    for key in ('extension', 'company', 'photo-path'):
        assert data[key] == '', data


def test_service_commands_usage_errors(h, daemon):
    for argv in (('reset-password',), ('reset-password', 'a', 'b'), ('recover-username',),
                 ('photo', 'set'), ('photo', 'set', 'a', 'b'), ('photo', 'clear', 'x'),
                 ('photo', 'frame')):
        r = h.voctl.run(*argv)
        assert r.returncode == 2, (argv, r)
        assert f"vo-ctl {argv[0]} --help" in r.stderr, (argv, r.stderr)


def test_service_commands_without_service(h, daemon):
    """SIP-only daemon, no [service] url: NotSupported, said without D-Bus names."""
    r = h.voctl.run('reset-password', USER)
    assert r.returncode == 1, r
    assert_clean_error(r, 'service')
    r = h.voctl.run('recover-username', EMAIL)
    assert r.returncode == 1, r
    assert_clean_error(r, 'service')
    r = h.voctl.run('recover-username', 'not-an-address')
    assert r.returncode == 1, r
    assert_clean_error(r, 'e-mail')


def test_photo_set_unreadable_files(h, daemon):
    r = h.voctl.run('photo', 'set', os.path.join(h.workdir, 'missing.png'))
    assert r.returncode == 1, r
    assert_clean_error(r, 'missing.png', 'no such file')
    r = h.voctl.run('photo', 'set', h.workdir)
    assert r.returncode == 1, r
    assert_clean_error(r, 'not a file')
