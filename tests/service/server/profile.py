"""/v1/sip-account, /v1/me and /v1/me/photo (§4–§6). The photo is the
user's directory photo too (directory.save_user_entry)."""

from aiohttp import web

from . import auth
from .common import conditional_json
from .directory import save_user_entry
from .photos import photo_etag, photo_response, read_image
from .problems import ProblemError

CAPABILITIES = ['profile', 'photo', 'password-reset', 'username-recovery', 'forwarding',
                'events', 'directory', 'favorites']


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
        'country': user['country'] or '',
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


async def put_photo(request):
    vo = request.app['vo']
    user = current_user(request)
    data, content_type = await read_image(request)
    vo.store.set_photo(user['username'], data, content_type, photo_etag(data))
    vo.hub.emit(user['username'], 'photo.changed', {})
    save_user_entry(vo, user['username'])
    return web.json_response(photo_object(vo.store.user(user['username'])))


async def get_photo(request):
    vo = request.app['vo']
    user = current_user(request)
    return photo_response(request, vo.store.photo_path(user['username']), user['photo_etag'],
                          user['photo_type'], 'This user has no photo.')


async def delete_photo(request):
    vo = request.app['vo']
    user = current_user(request)
    if user['photo_etag']:
        vo.store.clear_photo(user['username'])
        vo.hub.emit(user['username'], 'photo.changed', {})
        save_user_entry(vo, user['username'])
    return web.Response(status=204)


def add_routes(app):
    app.router.add_get('/v1/sip-account', get_sip_account)
    app.router.add_get('/v1/me', get_me)
    app.router.add_put('/v1/me/photo', put_photo)
    app.router.add_get('/v1/me/photo', get_photo)
    app.router.add_delete('/v1/me/photo', delete_photo)
