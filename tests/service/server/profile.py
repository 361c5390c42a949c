"""/v1/sip-account, /v1/me and /v1/me/photo (§4–§6)."""

import hashlib
import os

from aiohttp import web

from . import auth
from .common import conditional_json, etag_matches, read_body
from .problems import ProblemError

PHOTO_LIMIT = 2 * 1024 * 1024
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
JPEG_SIGNATURE = b'\xff\xd8\xff'
CAPABILITIES = ['profile', 'photo', 'password-reset', 'username-recovery', 'forwarding',
                'events']


def current_user(request):
    row = auth.authenticate(request)
    user = request.app['vo'].store.user(row['username'])
    if user is None:
        raise ProblemError('invalid-token', 'The user of this token no longer exists.')
    return user


def photo_object(user):
    if not user['photo_etag']:
        return None
    return {'path': '/v1/me/photo', 'etag': user['photo_etag'],
            'content-type': user['photo_type'], 'size': user['photo_size']}


def me_object(vo, user):
    return {
        'username': user['username'],
        'display-name': user['display_name'] or '',
        'extension': user['extension'] or '',
        'company': user['company'] or '',
        'department': user['department'] or '',
        'email': user['email'] or '',
        'mobile': user['mobile'] or '',
        'sip-uri': f'sip:{user["username"]}@{vo.sip_domain}',
        'photo': photo_object(user),
        'capabilities': CAPABILITIES,
    }


def sip_account_object(vo, user):
    return {
        'auth-user': user['username'],
        'password': vo.kamailio.sip_password(user['username']),
        'domain': vo.sip_domain,
        'registrar': f'sip:{vo.registrar}',
        'outbound-proxy': None,
        'transport': 'udp',
        'display-name': user['display_name'] or '',
    }


async def get_sip_account(request):
    vo = request.app['vo']
    user = current_user(request)
    account = sip_account_object(vo, user)
    if account['password'] is None:
        raise ProblemError('not-found', 'This user has no SIP account.')
    return conditional_json(request, account)


async def get_me(request):
    vo = request.app['vo']
    return conditional_json(request, me_object(vo, current_user(request)))


def image_type(data):
    if data.startswith(PNG_SIGNATURE):
        return 'image/png'
    if data.startswith(JPEG_SIGNATURE):
        return 'image/jpeg'
    return None


async def put_photo(request):
    vo = request.app['vo']
    user = current_user(request)
    declared = request.content_type
    if declared not in ('image/png', 'image/jpeg'):
        raise ProblemError('unsupported-media-type',
                           f'A photo must be image/jpeg or image/png, not {declared}.')
    data = await read_body(request, PHOTO_LIMIT)
    if image_type(data) != declared:
        raise ProblemError('unsupported-media-type',
                           f'The body is not a {declared} image.')
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    vo.store.set_photo(user['username'], data, declared, etag)
    vo.hub.emit(user['username'], 'photo.changed', {})
    return web.json_response(photo_object(vo.store.user(user['username'])))


async def get_photo(request):
    vo = request.app['vo']
    user = current_user(request)
    path = vo.store.photo_path(user['username'])
    if not user['photo_etag'] or not os.path.exists(path):
        raise ProblemError('not-found', 'This user has no photo.')
    etag = user['photo_etag']
    headers = {'ETag': etag, 'Accept-Ranges': 'bytes'}
    if etag_matches(request.if_none_match, etag):
        return web.Response(status=304, headers=headers)
    with open(path, 'rb') as f:
        data = f.read()
    if 'Range' not in request.headers:
        return web.Response(body=data, content_type=user['photo_type'], headers=headers)
    try:
        wanted = request.http_range
    except ValueError:
        wanted = None
    start, stop, _ = wanted.indices(len(data)) if wanted else (0, 0, 1)
    if wanted is None or start >= len(data) or start >= stop:
        headers['Content-Range'] = f'bytes */{len(data)}'
        raise ProblemError('range-not-satisfiable', 'The range is outside the photo.',
                           headers=headers)
    headers['Content-Range'] = f'bytes {start}-{stop - 1}/{len(data)}'
    return web.Response(status=206, body=data[start:stop], content_type=user['photo_type'],
                        headers=headers)


async def delete_photo(request):
    vo = request.app['vo']
    user = current_user(request)
    if user['photo_etag']:
        vo.store.clear_photo(user['username'])
        vo.hub.emit(user['username'], 'photo.changed', {})
    return web.Response(status=204)


def add_routes(app):
    app.router.add_get('/v1/sip-account', get_sip_account)
    app.router.add_get('/v1/me', get_me)
    app.router.add_put('/v1/me/photo', put_photo)
    app.router.add_get('/v1/me/photo', get_photo)
    app.router.add_delete('/v1/me/photo', delete_photo)
