"""The admin API's directory-only colleagues (§12): PUT/DELETE an entry and
its photo, generate many, expire every sync token. Users' entries follow
their profile (admin.py, directory.save_user_entry) and are refused here."""

import os

from aiohttp import web

from . import generate
from .admin import check_admin
from .common import read_json
from .directory import announce, item_of
from .directory_store import KEEP
from .forwarding import SIP_URI
from .photos import photo_etag, read_image
from .problems import ProblemError, invalid
from .profile import set_user_photo

STRING_FIELDS = ('display-name', 'extension', 'company', 'department')
LIST_FIELDS = ('numbers', 'emails')
MAX_ID_LENGTH = 128


def entry_id(request):
    """The {id} of the path: 1–128 printable ASCII characters, no / ? # %."""
    ident = request.match_info['id']
    if not 1 <= len(ident) <= MAX_ID_LENGTH or \
            not all(' ' <= c <= '~' and c not in '/?#%' for c in ident):
        raise invalid(f'A directory id is 1 to {MAX_ID_LENGTH} printable ASCII characters '
                      'without "/", "?", "#" or "%".')
    return ident


def not_a_user(vo, ident):
    if vo.store.user(ident) is not None:
        raise ProblemError('conflict', f'{ident} is a user: change them with '
                           '/admin/v1/users/{username}.')


def existing_entry(vo, ident):
    row = vo.directory.entry(ident)
    if row is None:
        raise ProblemError('not-found', f'There is no directory entry {ident}.')
    return row


def entry_fields(body):
    unknown = set(body) - set(STRING_FIELDS) - set(LIST_FIELDS) - {'sip-uri'}
    if unknown:
        raise invalid(f'Unknown field(s): {", ".join(sorted(unknown))}.')
    for key in STRING_FIELDS:
        if key in body and not isinstance(body[key], str):
            raise invalid(f'"{key}" must be a string.')
    for key in LIST_FIELDS:
        if key in body and (not isinstance(body[key], list) or
                            not all(isinstance(v, str) for v in body[key])):
            raise invalid(f'"{key}" must be a list of strings.')
    uri = body.get('sip-uri', '')
    if not isinstance(uri, str) or (uri and not SIP_URI.match(uri)):
        raise invalid('"sip-uri" must be a sip: or sips: URI, or empty.')
    return dict(body)


async def put_entry(request):
    check_admin(request)
    vo = request.app['vo']
    ident = entry_id(request)
    fields = entry_fields(await read_json(request))
    not_a_user(vo, ident)
    vo.directory.put(ident, fields, photo=KEEP)
    announce(vo)
    return web.json_response(item_of(vo.directory.entry(ident)))


async def delete_entry(request):
    check_admin(request)
    vo = request.app['vo']
    ident = entry_id(request)
    not_a_user(vo, ident)
    existing_entry(vo, ident)
    vo.directory.delete(ident)
    announce(vo)
    return web.Response(status=204)


def set_colleague_photo(vo, ident, data, content_type):
    """data None removes it."""
    if data is None:
        vo.directory.remove_photo_file(ident)
        vo.directory.set_photo(ident, None)
    else:
        write_file(vo.directory.photo_path(ident), data)
        vo.directory.set_photo(ident, (content_type, len(data), photo_etag(data)))
    announce(vo)


def set_entry_photo(vo, row, data, content_type):
    """A colleague's photo; for a user it is their own (/v1/me/photo)."""
    setter = set_user_photo if row['is_user'] else set_colleague_photo
    setter(vo, row['id'], data, content_type)


async def put_photo(request):
    check_admin(request)
    vo = request.app['vo']
    row = existing_entry(vo, entry_id(request))
    data, content_type = await read_image(request)
    set_entry_photo(vo, row, data, content_type)
    return web.json_response(item_of(vo.directory.entry(row['id'])))


async def delete_photo(request):
    check_admin(request)
    vo = request.app['vo']
    row = existing_entry(vo, entry_id(request))
    if row['photo_etag']:
        set_entry_photo(vo, row, None, None)
    return web.Response(status=204)


def write_file(path, data):
    with open(path + '.tmp', 'wb') as f:
        f.write(data)
    os.replace(path + '.tmp', path)


def whole_number(body, name, default, maximum):
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise invalid(f'"{name}" must be a whole number from 0 to {maximum}.')
    return value


async def generate_entries(request):
    check_admin(request)
    vo = request.app['vo']
    body = await read_json(request)
    count = whole_number(body, 'count', None, generate.MAX_COUNT)
    photos = whole_number(body, 'photos', 0, count)
    seed = whole_number(body, 'seed', 1, 2 ** 63)
    first = whole_number(body, 'first', 1, generate.MAX_COUNT)
    prefix = body.get('prefix', 'gen')
    if not isinstance(prefix, str) or not 1 <= len(prefix) <= 64 or \
            not all(c.isascii() and (c.isalnum() or c in '-._') for c in prefix):
        raise invalid('"prefix" must be 1 to 64 letters, digits, "-", "." or "_".')
    ids = [generate.entry_id(prefix, number) for number in range(first, first + count)]
    taken = set(ids) & set(vo.store.usernames())
    if taken:
        raise ProblemError('conflict', f'{min(taken)} is a user: use another "prefix".')

    def entries():
        for number, ident, fields in generate.colleagues(count, seed, prefix, vo.sip_domain,
                                                         first):
            photo = None
            if number < first + photos:
                data = generate.png(seed, number)
                write_file(vo.directory.photo_path(ident), data)
                photo = ('image/png', len(data), photo_etag(data))
            yield ident, fields, photo
    vo.directory.put_many(entries(), count)
    announce(vo)
    return web.json_response({'ids': ids}, status=201)


async def expire_sync_tokens(request):
    check_admin(request)
    vo = request.app['vo']
    vo.directory.expire_tokens()
    return web.Response(status=204)


def add_routes(app):
    app.router.add_post('/admin/v1/directory/generate', generate_entries)
    app.router.add_post('/admin/v1/directory/expire-sync-tokens', expire_sync_tokens)
    app.router.add_put('/admin/v1/directory/{id}', put_entry)
    app.router.add_delete('/admin/v1/directory/{id}', delete_entry)
    app.router.add_put('/admin/v1/directory/{id}/photo', put_photo)
    app.router.add_delete('/admin/v1/directory/{id}/photo', delete_photo)
