"""/v1/session: sign in, refresh (rotating refresh tokens), sign out (§3)."""

import time

from aiohttp import web

from . import auth
from .common import json_response, read_json, string_field
from .problems import ProblemError

# Checked against when the user does not exist, so both answers take as long.
_DUMMY_HASH = auth.hash_password_sync('not a password of anyone')


def issue_tokens(vo, session_id, username, refresh_token):
    access = auth.new_token()
    vo.store.add_access_token(auth.token_hash(access), session_id, time.time() + vo.access_ttl)
    return {'access-token': access, 'refresh-token': refresh_token, 'token-type': 'Bearer',
            'expires-in': vo.access_ttl, 'username': username}


async def sign_in(request):
    vo = request.app['vo']
    body = await read_json(request)
    username = string_field(body, 'username')
    password = string_field(body, 'password')
    device = body.get('device')
    if device is not None and not isinstance(device, str):
        raise ProblemError('invalid-request', '"device" must be a string.')
    user = vo.store.user(username)
    ok = await auth.check_password(password, user['password_hash'] if user else _DUMMY_HASH)
    if user is None or not ok:
        raise ProblemError('invalid-credentials', 'The user name or password is not correct.')
    if user['disabled']:
        raise ProblemError('account-disabled', 'This account may not sign in.')
    refresh = auth.new_token()
    session_id = vo.store.new_session(username, auth.token_hash(refresh), device)
    return json_response(issue_tokens(vo, session_id, username, refresh), status=201)


async def refresh(request):
    vo = request.app['vo']
    body = await read_json(request)
    old = string_field(body, 'refresh-token')
    row = vo.store.session_by_refresh(auth.token_hash(old))
    new = auth.new_token()
    if row is None or not vo.store.rotate_refresh(row['id'], auth.token_hash(old),
                                                  auth.token_hash(new)):
        raise ProblemError('invalid-refresh-token', 'The refresh token was revoked, expired '
                           'or already used: sign in again.')
    return json_response(issue_tokens(vo, row['id'], row['username'], new))


async def sign_out(request):
    vo = request.app['vo']
    row = auth.authenticate(request)
    vo.store.end_session(row['id'])
    vo.hub.close_session(row['id'], 4401, 'signed out')
    return web.Response(status=204)


def add_routes(app):
    app.router.add_post('/v1/session', sign_in)
    app.router.add_post('/v1/session/refresh', refresh)
    app.router.add_delete('/v1/session', sign_out)
