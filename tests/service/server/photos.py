"""Images: checking an upload and serving a stored file (§2.5, §6, §9).

One path for every photo the service keeps (the user's own, a colleague's),
so ETag, If-None-Match and Range behave the same everywhere.
"""

import hashlib
import os

from aiohttp import web

from .common import etag_matches, read_body
from .problems import ProblemError

PHOTO_LIMIT = 2 * 1024 * 1024
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
JPEG_SIGNATURE = b'\xff\xd8\xff'


def image_type(data):
    if data.startswith(PNG_SIGNATURE):
        return 'image/png'
    if data.startswith(JPEG_SIGNATURE):
        return 'image/jpeg'
    return None


def photo_etag(data):
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


async def read_image(request):
    """(bytes, content type) of an uploaded JPEG or PNG: 415 when the declared
    type or the content is anything else, 413 over PHOTO_LIMIT."""
    declared = request.content_type
    if declared not in ('image/png', 'image/jpeg'):
        raise ProblemError('unsupported-media-type',
                           f'A photo must be image/jpeg or image/png, not {declared}.')
    data = await read_body(request, PHOTO_LIMIT)
    if image_type(data) != declared:
        raise ProblemError('unsupported-media-type', f'The body is not a {declared} image.')
    return data, declared


def photo_response(request, path, etag, content_type, missing):
    """The file at path with its ETag: 304 for a matching If-None-Match, 206
    for a Range, 416 outside it; 404 `missing` when there is no photo."""
    if not etag or not os.path.exists(path):
        raise ProblemError('not-found', missing)
    headers = {'ETag': etag, 'Accept-Ranges': 'bytes'}
    if etag_matches(request.if_none_match, etag):
        return web.Response(status=304, headers=headers)
    with open(path, 'rb') as f:
        data = f.read()
    if 'Range' not in request.headers:
        return web.Response(body=data, content_type=content_type, headers=headers)
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
    return web.Response(status=206, body=data[start:stop], content_type=content_type,
                        headers=headers)
