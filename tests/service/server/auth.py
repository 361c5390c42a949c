"""Passwords, tokens and the bearer check.

Passwords are kept as scrypt hashes (computed in an executor: scrypt is slow on
purpose). Tokens are random and stored only as their SHA-256, so a copy of the
state folder signs nobody in.
"""

import asyncio
import base64
import hashlib
import hmac
import secrets
import time

from .problems import ProblemError

# n=2**12: a test service that signs users in many times a run; still scrypt.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 12, 8, 1


def _scrypt(password, salt, n, r, p):
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                          dklen=32)


def hash_password_sync(password):
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return (f'scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$'
            f'{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}')


def check_password_sync(password, stored):
    try:
        _, n, r, p, salt, digest = stored.split('$')
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


async def hash_password(password):
    return await asyncio.get_running_loop().run_in_executor(None, hash_password_sync, password)


async def check_password(password, stored):
    return await asyncio.get_running_loop().run_in_executor(
        None, check_password_sync, password, stored)


def new_token():
    return secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def bearer(request):
    header = request.headers.get('Authorization', '')
    scheme, _, token = header.partition(' ')
    if scheme.lower() != 'bearer' or not token.strip():
        return None
    return token.strip()


def authenticate(request):
    """The session row of the request's access token; 401 invalid-token otherwise."""
    vo = request.app['vo']
    token = bearer(request)
    row = vo.store.access_token(token_hash(token)) if token else None
    if row is None:
        raise ProblemError('invalid-token', 'The access token is unknown or was revoked: '
                           'refresh it.', headers={'WWW-Authenticate': 'Bearer'})
    if row['expires'] <= time.time():
        raise ProblemError('invalid-token', 'The access token expired: refresh it.',
                           headers={'WWW-Authenticate': 'Bearer'})
    request['session'] = row
    return row
