"""The aiohttp application: routes, the request log, problem+json, body limits."""

import logging
import time

from aiohttp import web

from . import (admin, admin_directory, directory, events, favorites, forwarding, profile,
               recovery, session)
from .faults import Faults
from .problems import ProblemError, problem_response

log = logging.getLogger('vo-service')

# The photo cap (2 MiB) is checked by the photo handler; this only bounds aiohttp.
CLIENT_MAX_SIZE = 4 * 1024 * 1024

STATUS_PROBLEMS = {400: 'invalid-request', 404: 'not-found', 405: 'method-not-allowed',
                   413: 'payload-too-large', 415: 'unsupported-media-type'}


@web.middleware
async def request_log(request, handler):
    """One line per request: method, path (never the query: it may hold a
    reset token), status, time. Headers and bodies are never logged."""
    start = time.monotonic()
    status = 'error'
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        log.info('%s %s %s %.0fms', request.method, request.path, status,
                 (time.monotonic() - start) * 1000)


@web.middleware
async def problems(request, handler):
    """Every error answer is problem+json, whoever raised it."""
    try:
        return await handler(request)
    except ProblemError as e:
        return e.response()
    except web.HTTPException as e:
        if e.status < 400:
            raise
        name = STATUS_PROBLEMS.get(e.status, 'invalid-request' if e.status < 500
                                   else 'server-error')
        allow = {'Allow': e.headers['Allow']} if 'Allow' in e.headers else None
        return problem_response(name, f'{e.reason}: {request.method} {request.path}',
                                status=e.status, headers=allow)
    except Exception:  # noqa: BLE001 - a bug answers 500, the server stays up
        log.exception('handler of %s %s failed', request.method, request.path)
        return problem_response('server-error', 'The server failed; try again later.')


def make_app(vo):
    faults = Faults()
    vo.faults = faults
    app = web.Application(middlewares=[request_log, faults.middleware, problems],
                          client_max_size=CLIENT_MAX_SIZE)
    app['vo'] = vo
    session.add_routes(app)
    profile.add_routes(app)
    recovery.add_routes(app)
    forwarding.add_routes(app)
    events.add_routes(app)
    directory.add_routes(app)
    favorites.add_routes(app)
    admin.add_routes(app)
    admin_directory.add_routes(app)
    app.on_shutdown.append(events.close_all)
    return app
