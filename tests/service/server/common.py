"""Helpers the handlers share: bodies with limits, JSON fields, ETags."""

import hashlib
import json

from aiohttp import web

from .problems import ProblemError, invalid

JSON_LIMIT = 64 * 1024


async def read_body(request, limit):
    """The request body, at most limit bytes (413 payload-too-large beyond)."""
    if request.content_length is not None and request.content_length > limit:
        raise ProblemError('payload-too-large', f'The body is over the limit of {limit} bytes.')
    chunks = []
    size = 0
    async for chunk in request.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise ProblemError('payload-too-large',
                               f'The body is over the limit of {limit} bytes.')
        chunks.append(chunk)
    return b''.join(chunks)


async def read_json(request):
    """The request's JSON object (400 invalid-request when it is not one)."""
    body = await read_body(request, JSON_LIMIT)
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):   # UnicodeDecodeError is a ValueError
        raise invalid('The body is not JSON (or nested too deeply).') from None
    if not isinstance(value, dict):
        raise invalid('The body must be a JSON object.')
    return value


def string_field(body, name, required=True):
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(f'"{name}" must be a non-empty string.')
    return value


def etag_of(value):
    text = json.dumps(value, sort_keys=True).encode()
    return '"' + hashlib.sha256(text).hexdigest()[:32] + '"'


def etag_matches(header_etags, etag):
    """header_etags: request.if_none_match / if_match (a tuple of ETag, or None)."""
    if not header_etags:
        return False
    bare = etag.strip('"')
    return any(e.value == '*' or e.value == bare for e in header_etags)


def json_response(value, status=200, etag=None, headers=None):
    headers = dict(headers or {})
    if etag:
        headers['ETag'] = etag
    return web.json_response(value, status=status, headers=headers)


def conditional_json(request, value):
    """200 with an ETag, or 304 when If-None-Match has it (§2.3)."""
    etag = etag_of(value)
    if etag_matches(request.if_none_match, etag):
        return web.Response(status=304, headers={'ETag': etag})
    return json_response(value, etag=etag)
