"""Fault modes for the client paths (POST /admin/v1/faults, docs/service-api.md §10).

Never applied to /admin/: the tests must always be able to switch them off.
"""

import asyncio
import json
import logging

from aiohttp import web

from .problems import invalid, problem_response

log = logging.getLogger('vo-service')

MODES = ('garbage-json', 'wrong-shape', '500', 'truncated', 'hang', 'none')
HANG_SECONDS = 3600


class Faults:
    def __init__(self):
        self.mode = 'none'
        self.paths = ('/v1/',)
        self.remaining = None     # None: every matching request

    def configure(self, body):
        mode = body.get('mode')
        if mode not in MODES:
            raise invalid(f'"mode" must be one of {", ".join(MODES)}.')
        paths = body.get('paths')
        if paths is None:
            paths = ['/v1/']
        if not isinstance(paths, list) or not paths or \
                not all(isinstance(p, str) and p.startswith('/v1/') for p in paths):
            raise invalid('"paths" must be a list of paths starting with /v1/.')
        count = body.get('count')
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                                  or count < 1):
            raise invalid('"count" must be a positive whole number.')
        self.mode, self.paths, self.remaining = mode, tuple(paths), count
        log.info('faults: %s on %s for %s requests', mode, ', '.join(self.paths),
                 'all' if count is None else count)

    def _take(self, path):
        if self.mode == 'none' or not path.startswith(self.paths):
            return None
        mode = self.mode
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.mode, self.remaining = 'none', None
        return mode

    @web.middleware
    async def middleware(self, request, handler):
        mode = self._take(request.path)
        if mode is None:
            return await handler(request)
        log.info('fault %s for %s %s', mode, request.method, request.path)
        if mode == 'garbage-json':
            return web.Response(body=b'<html>this is {not: JSON', content_type='application/json')
        if mode == 'wrong-shape':
            return web.Response(body=json.dumps(['wrong', 'shape', 42, None]).encode(),
                                content_type='application/json')
        if mode == '500':
            return problem_response('server-error', 'Injected fault: the server failed.')
        if mode == 'truncated':
            return await _truncated(request)
        await asyncio.sleep(HANG_SECONDS)   # 'hang': until the client gives up
        return problem_response('server-error', 'Injected fault: hung.')


async def _truncated(request):
    """Announce 1000 bytes, send a few, close the connection."""
    response = web.StreamResponse(status=200)
    response.content_type = 'application/json'
    response.content_length = 1000
    await response.prepare(request)
    await response.write(b'{"access-token": "cut sh')
    request.transport.close()
    response.force_close()
    return response
