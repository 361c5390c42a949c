"""The event stream: GET /v1/events (WebSocket) and the per-user hub (§2.6).

Every event is stored first (table events, ids per user growing by one), then
handed to the user's open sockets. A socket registers for new events before it
reads the backlog after `?after=`, and skips ids it already sent, so a client
that resumes gets every event once and in order.
"""

import asyncio
import json
import logging
import time

from aiohttp import WSMsgType, web

from . import auth
from .problems import invalid

log = logging.getLogger('vo-service')

KEEP_EVENTS = 1000       # per user, and at least 24 hours (storage.add_event)
PING_INTERVAL = 30
CLOSE_SESSION_ENDED = 4401
CLOSE_REVOKED = 4403


def now_text():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


class _Socket:
    def __init__(self, ws, username, session_id):
        self.ws = ws
        self.username = username
        self.session_id = session_id
        self.queue = asyncio.Queue()

    def close(self, code, reason):
        # Queued behind the events already on their way (session.revoked first).
        self.queue.put_nowait(('close', code, reason))


class Hub:
    def __init__(self, store):
        self.store = store
        self.sockets = set()

    def emit(self, username, type_, data):
        text_time = now_text()
        event_id = self.store.add_event(username, type_, text_time, json.dumps(data),
                                        KEEP_EVENTS)
        message = json.dumps({'id': event_id, 'type': type_, 'time': text_time, 'data': data})
        for sock in self.sockets:
            if sock.username == username:
                sock.queue.put_nowait(('event', event_id, message))
        return event_id

    def close_session(self, session_id, code, reason):
        for sock in list(self.sockets):
            if sock.session_id == session_id:
                sock.close(code, reason)

    def close_user(self, username, code, reason):
        for sock in list(self.sockets):
            if sock.username == username:
                sock.close(code, reason)


def stored_message(row):
    return json.dumps({'id': row['id'], 'type': row['type'], 'time': row['time'],
                       'data': json.loads(row['data'])})


def backlog(store, username, after):
    """(messages to send first, the last id they cover)."""
    last = store.last_event_id(username)
    if after is None:
        return [], last
    first = store.first_event_id(username)
    if after > last or (first is not None and after < first - 1):
        return [json.dumps({'id': last, 'type': 'resync', 'time': now_text()})], last
    rows = store.events_after(username, after)
    return [stored_message(r) for r in rows], last


async def _read_until_closed(sock):
    """Take the client's frames (pongs, its close) and ignore their content;
    tell the sender when the client is gone."""
    async for msg in sock.ws:
        if msg.type == WSMsgType.ERROR:
            break
    sock.queue.put_nowait(('gone',))


async def _send_until_closed(sock, last_sent):
    while True:
        item = await sock.queue.get()
        if item[0] == 'gone':
            return None
        if item[0] == 'close':
            return item[1:]
        if item[1] > last_sent:
            await sock.ws.send_str(item[2])
            last_sent = item[1]


async def events(request):
    vo = request.app['vo']
    row = auth.authenticate(request)
    after = request.query.get('after')
    if after is not None:
        if not (after.isascii() and after.isdigit() and len(after) <= 18):
            raise invalid('"after" must be an event id (a whole number).')
        after = int(after)
    ws = web.WebSocketResponse(heartbeat=PING_INTERVAL)
    if not ws.can_prepare(request).ok:
        raise invalid('/v1/events needs a WebSocket upgrade.')
    # Registered (and the backlog read) before the 101 goes out: an event
    # emitted while the client is told it is connected is queued, not lost.
    sock = _Socket(ws, row['username'], row['id'])
    vo.hub.sockets.add(sock)
    messages, last_sent = backlog(vo.store, row['username'], after)
    loop = asyncio.get_running_loop()
    expiry = loop.call_later(max(0.0, row['expires'] - time.time()), sock.close,
                             CLOSE_SESSION_ENDED, 'access token expired')
    reader = None
    closing = None
    try:
        await ws.prepare(request)
        reader = loop.create_task(_read_until_closed(sock))
        for message in messages:
            await ws.send_str(message)
        closing = await _send_until_closed(sock, last_sent)
    except ConnectionError:
        log.info('event socket of %s: the client went away', row['username'])
    finally:
        expiry.cancel()
        vo.hub.sockets.discard(sock)
        # Stop reading before closing: aiohttp 3.8 closing a socket another
        # task reads from does not wait for the client's close frame, and the
        # client, answering into a closed connection, sees 1006, not our code.
        if reader is not None:
            reader.cancel()
            try:
                await reader
            except asyncio.CancelledError:
                pass
    if closing is not None:
        await ws.close(code=closing[0], message=closing[1].encode())
    return ws


async def close_all(app):
    """On shutdown: each socket's handler closes it with 1001 (going away)."""
    for sock in list(app['vo'].hub.sockets):
        sock.close(1001, 'server shutdown')


def add_routes(app):
    app.router.add_get('/v1/events', events)
