"""GET /v1/directory and /v1/directory/{id}/photo (§9), the users' own
entries, and the directory.changed event.

Paging is a keyset on the revision (directory_store.py). A listing remembers
the newest revision of its first page (`start`) and hands it out as the sync
token on its last page: an entry changed or deleted while the client pages
is then in the next delta, whichever page it was on.
"""

import base64
import binascii
import json
import urllib.parse

from aiohttp import web

from . import auth
from .photos import photo_response
from .problems import ProblemError, invalid

DEFAULT_LIMIT, MAX_LIMIT = 100, 500


# -- items -------------------------------------------------------------------------
def photo_link(entry_id):
    return f'/v1/directory/{urllib.parse.quote(entry_id, safe="")}/photo'


def item_of(row):
    item = {'id': row['id'], **json.loads(row['fields'])}
    item['photo'] = None if not row['photo_etag'] else {
        'path': photo_link(row['id']), 'etag': row['photo_etag'],
        'content-type': row['photo_type'], 'size': row['photo_size']}
    return item


def user_fields(user, sip_domain):
    """A user's directory fields from their profile (§12): the extension and
    mobile as numbers, the e-mail as emails."""
    return {
        'display-name': user['display_name'] or '',
        'extension': user['extension'] or '',
        'sip-uri': f'sip:{user["username"]}@{sip_domain}',
        'numbers': [n for n in (user['extension'], user['mobile']) if n],
        'emails': [user['email']] if user['email'] else [],
        'company': user['company'] or '',
        'department': user['department'] or '',
    }


def save_user_entry(vo, username):
    """Write a user's entry from their profile and photo; announce it. A
    directory-only colleague of that id becomes the user."""
    user = vo.store.user(username)
    old = vo.directory.entry(username)
    if old is not None and not old['is_user'] and old['photo_etag']:
        vo.directory.delete(username)     # drops the old colleague's photo file
    photo = ((user['photo_type'], user['photo_size'], user['photo_etag'])
             if user['photo_etag'] else None)
    vo.directory.put(username, user_fields(user, vo.sip_domain), is_user=True, photo=photo)
    announce(vo)


def delete_user_entry(vo, username):
    vo.directory.delete(username)
    announce(vo)


def announce(vo):
    """One directory.changed (data {}) to every user: those with an open
    socket get it now, the others when they resume with `after`."""
    for username in vo.store.usernames():
        vo.hub.emit(username, 'directory.changed', {})


# -- tokens and cursors ----------------------------------------------------------
def _expired(detail):
    return ProblemError('sync-token-expired', detail + ' Sync again without "since".')


def parse_token(vo, token):
    """The revision of a sync token ("EPOCH.REVISION"); 410 for one this
    database did not give out."""
    epoch, newest = vo.directory.state()
    got_epoch, _, revision = token.partition('.')
    if got_epoch != epoch or not (revision.isascii() and revision.isdigit()) or \
            len(revision) > 18 or int(revision) > newest:
        raise _expired('This sync token is unknown to the server.')
    return int(revision)


def make_cursor(epoch, start, after, since):
    text = f'{epoch}.{start}.{after}.{"" if since is None else since}'
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip('=')


def parse_cursor(vo, cursor):
    """(start, after, since or None) of a cursor from a `next` link."""
    try:
        text = base64.urlsafe_b64decode(cursor + '=' * (-len(cursor) % 4)).decode()
        epoch, start, after, since = text.split('.')
        numbers = (int(start), int(after), int(since) if since else None)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid('"cursor" is not one this server made: follow "next" as it is.') \
            from None
    if epoch != vo.directory.state()[0]:
        raise _expired('The directory was reset while you paged it.')
    return numbers


def parse_limit(request):
    text = request.query.get('limit', str(DEFAULT_LIMIT))
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise invalid(f'"limit" must be a whole number from 1 to {MAX_LIMIT}.')
    return int(text)


# -- handlers ------------------------------------------------------------------------
async def get_directory(request):
    vo = request.app['vo']
    auth.authenticate(request)
    limit = parse_limit(request)
    epoch, newest = vo.directory.state()
    if 'cursor' in request.query:
        start, after, since = parse_cursor(vo, request.query['cursor'])
    else:
        since = parse_token(vo, request.query['since']) if 'since' in request.query else None
        start, after = newest, since or 0
    rows = vo.directory.page(after, limit + 1, with_deleted=since is not None)
    more = len(rows) > limit
    rows = rows[:limit]
    body = {'items': [item_of(r) for r in rows if not r['deleted']],
            'deleted': [r['id'] for r in rows if r['deleted']], 'next': None}
    if more:
        cursor = make_cursor(epoch, start, rows[-1]['revision'], since)
        body['next'] = f'/v1/directory?cursor={cursor}&limit={limit}'
    else:
        body['sync-token'] = f'{epoch}.{start}'
    return web.json_response(body)


async def get_photo(request):
    vo = request.app['vo']
    auth.authenticate(request)
    entry_id = request.match_info['id']
    row = vo.directory.entry(entry_id)
    missing = f'{entry_id} has no photo in the directory.'
    if row is None:
        raise ProblemError('not-found', missing)
    path = vo.store.photo_path(entry_id) if row['is_user'] else vo.directory.photo_path(entry_id)
    return photo_response(request, path, row['photo_etag'], row['photo_type'], missing)


def add_routes(app):
    app.router.add_get('/v1/directory', get_directory)
    app.router.add_get('/v1/directory/{id}/photo', get_photo)
