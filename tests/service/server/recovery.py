"""Password reset (mail, the HTML form, confirm) and user-name recovery (§7).

Both requests answer 202 {} for any well-formed request, whether or not the
user or the address exists, and both are rate limited per user or address.
"""

import html
import time

from aiohttp import web

from . import auth
from .common import json_response, read_json, string_field
from .problems import ProblemError, invalid

RESET_TTL = 3600
MIN_PASSWORD = 8
RATE_LIMIT = 10          # requests per key per RATE_WINDOW
RATE_WINDOW = 3600
BAD_TOKEN = 'This reset link has expired or was already used'


class RateLimiter:
    def __init__(self, limit=RATE_LIMIT, window=RATE_WINDOW):
        self.limit = limit
        self.window = window
        self.hits = {}

    def check(self, key):
        now = time.monotonic()
        recent = [t for t in self.hits.get(key, []) if t > now - self.window]
        if len(recent) >= self.limit:
            retry = int(recent[0] + self.window - now) + 1
            raise ProblemError('rate-limited', 'Too many requests; try again later.',
                               headers={'Retry-After': str(retry)})
        recent.append(now)
        self.hits[key] = recent


async def request_reset(request):
    vo = request.app['vo']
    username = string_field(await read_json(request), 'username').strip()
    vo.limiter.check('user:' + username)
    user = vo.store.user(username)
    if user is not None and user['email']:
        token = auth.new_token()
        vo.store.add_reset_token(auth.token_hash(token), username, time.time() + RESET_TTL)
        link = f'{vo.public_url}/reset-password?token={token}'
        vo.mailer.send_later(user['email'], 'Reset your Virtual Office password',
                             f'Hello {user["display_name"] or username},\n\n'
                             f'someone asked to reset the password of "{username}".\n'
                             f'To choose a new one, open this link within an hour:\n\n'
                             f'{link}\n\nIf it was not you, ignore this mail.\n')
    return json_response({}, status=202)


FORM_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Reset your password</title></head>
<body><h1>Reset your Virtual Office password</h1>
<form method="post" action="/v1/password-reset/confirm">
<input type="hidden" name="token" value="{token}">
<label>New password (at least {min} characters)
<input type="password" name="password" minlength="{min}" required></label>
<button type="submit">Set password</button>
</form></body></html>
"""

MESSAGE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""


def message_page(title, text, status=200):
    return web.Response(status=status, content_type='text/html', charset='utf-8',
                        text=MESSAGE_PAGE.format(title=html.escape(title),
                                                 text=html.escape(text)))


async def reset_form(request):
    vo = request.app['vo']
    token = request.query.get('token', '')
    if not token or not vo.store.reset_token_valid(auth.token_hash(token)):
        return message_page('Link expired', BAD_TOKEN + '. Ask for a new one in the app.')
    return web.Response(content_type='text/html', charset='utf-8',
                        text=FORM_PAGE.format(token=html.escape(token, quote=True),
                                              min=MIN_PASSWORD))


async def confirm_reset(request):
    vo = request.app['vo']
    from_form = request.content_type == 'application/x-www-form-urlencoded'
    if from_form:
        form = await request.post()
        body = {k: form.get(k) for k in ('token', 'password')}
    else:
        body = await read_json(request)
    try:
        token = string_field(body, 'token')
        password = string_field(body, 'password')
        if len(password) < MIN_PASSWORD:
            raise invalid(f'The new password must be at least {MIN_PASSWORD} characters.')
        username = vo.store.take_reset_token(auth.token_hash(token))
        if username is None or vo.store.user(username) is None:
            raise invalid(BAD_TOKEN + '.')
    except ProblemError as e:
        if from_form:
            return message_page('Password not changed', e.detail, status=400)
        raise
    vo.store.set_password_hash(username, await auth.hash_password(password))
    vo.revoke_sessions(username)
    if from_form:
        return message_page('Password changed', 'Sign in with your new password.')
    return web.Response(status=204)


async def recover_username(request):
    vo = request.app['vo']
    address = string_field(await read_json(request), 'email').strip()
    if '@' not in address or any(c.isspace() for c in address):
        raise invalid('"email" must be an e-mail address.')
    vo.limiter.check('email:' + address.lower())
    for user in vo.store.users_with_email(address):
        vo.mailer.send_later(user['email'], 'Your Virtual Office user name',
                             f'Hello {user["display_name"] or user["username"]},\n\n'
                             f'your Virtual Office user name is: {user["username"]}\n')
    return json_response({}, status=202)


def add_routes(app):
    app.router.add_post('/v1/password-reset', request_reset)
    app.router.add_get('/reset-password', reset_form)
    app.router.add_post('/v1/password-reset/confirm', confirm_reset)
    app.router.add_post('/v1/username-recovery', recover_username)
