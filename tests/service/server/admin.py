"""The admin API of the reference service (/admin/v1/..., docs/service-api.md §12):
users (each one also a directory entry), revoke, faults. The directory-only
colleagues are admin_directory.py's."""

import hmac
import secrets

from aiohttp import web

from . import auth
from .common import read_json, string_field
from .directory import delete_user_entry, save_user_entry
from .problems import ProblemError, invalid
from .profile import me_object, sip_account_object

PROFILE_KEYS = {'email': 'email', 'display-name': 'display_name', 'extension': 'extension',
                'company': 'company', 'department': 'department', 'mobile': 'mobile',
                'country': 'country'}
DEFAULT_COUNTRY = 'NL'


def profile_of(body):
    """The profile columns the body sets ({column: value}); `country` is an
    ISO 3166-1 alpha-2 code or empty."""
    profile = {column: string_field(body, key, required=False)
               for key, column in PROFILE_KEYS.items() if key in body}
    country = profile.get('country')
    if country is not None and country != '' and \
            not (len(country) == 2 and country.isascii() and country.isupper()):
        raise invalid('"country" must be two capital letters (ISO 3166-1 alpha-2) or empty.')
    return profile


def check_admin(request):
    token = auth.bearer(request) or ''
    if not hmac.compare_digest(token.encode(), request.app['vo'].admin_token.encode()):
        raise ProblemError('forbidden', 'The admin API needs the admin token.')


async def add_user(request):
    check_admin(request)
    vo = request.app['vo']
    body = await read_json(request)
    username = string_field(body, 'username')
    password = string_field(body, 'password')
    if not username.replace('-', '').replace('.', '').replace('_', '').isalnum() or \
            not username.isascii() or len(username) > 64:
        raise invalid('"username" must be letters, digits, "-", "." or "_" (64 at most).')
    profile = {'country': DEFAULT_COUNTRY, **profile_of(body)}
    if vo.store.user(username) is not None:
        raise ProblemError('conflict', f'The user {username} exists already.')
    vo.store.add_user(username, await auth.hash_password(password), profile)
    vo.kamailio.provision(username, secrets.token_urlsafe(18))
    save_user_entry(vo, username)
    user = vo.store.user(username)
    return web.json_response({**me_object(vo, user),
                              'sip-account': sip_account_object(vo, user)}, status=201)


async def update_user(request):
    """Change a user as the provider would: profile fields (me.changed), the
    sign-in password, `disabled` (ends their sessions), and
    `rotate-sip-password` (a new SIP password in kamailio: sip-account.changed)."""
    check_admin(request)
    vo = request.app['vo']
    username = existing_user(request)
    body = await read_json(request)
    profile = profile_of(body)
    password = string_field(body, 'password', required=False)
    flags = {}
    for key in ('disabled', 'rotate-sip-password'):
        if key in body and not isinstance(body[key], bool):
            raise invalid(f'"{key}" must be true or false.')
        flags[key] = body.get(key)
    if profile:
        vo.store.update_user(username, profile)
        vo.hub.emit(username, 'me.changed', {})
        save_user_entry(vo, username)
    if password is not None:
        vo.store.set_password_hash(username, await auth.hash_password(password))
    if flags['disabled'] is not None:
        vo.store.update_user(username, {'disabled': int(flags['disabled'])})
        if flags['disabled']:
            vo.revoke_sessions(username)
    if flags['rotate-sip-password']:
        vo.kamailio.provision(username, secrets.token_urlsafe(18))
        vo.hub.emit(username, 'sip-account.changed', {})
    user = vo.store.user(username)
    return web.json_response({**me_object(vo, user), 'sip-account': sip_account_object(vo, user)})


def existing_user(request):
    username = request.match_info['username']
    if request.app['vo'].store.user(username) is None:
        raise ProblemError('not-found', f'There is no user {username}.')
    return username


async def delete_user(request):
    check_admin(request)
    vo = request.app['vo']
    username = existing_user(request)
    vo.revoke_sessions(username)
    vo.store.delete_user(username)
    vo.kamailio.remove(username)
    delete_user_entry(vo, username)
    return web.Response(status=204)


async def revoke(request):
    check_admin(request)
    request.app['vo'].revoke_sessions(existing_user(request))
    return web.Response(status=204)


async def faults(request):
    check_admin(request)
    request.app['vo'].faults.configure(await read_json(request))
    return web.Response(status=204)


def add_routes(app):
    app.router.add_post('/admin/v1/users', add_user)
    app.router.add_patch('/admin/v1/users/{username}', update_user)
    app.router.add_delete('/admin/v1/users/{username}', delete_user)
    app.router.add_post('/admin/v1/users/{username}/revoke', revoke)
    app.router.add_post('/admin/v1/faults', faults)
