"""/v1/favorites (§10): the user's favorite contacts, opaque client ids in
the order they were added, at most MAX_FAVORITES."""

from aiohttp import web

from . import auth
from .common import conditional_json
from .problems import ProblemError, invalid

MAX_FAVORITES = 1000
MAX_ID_LENGTH = 256

# The table `favorites` (username, id, position) is in storage.py.


def favorites_of(db, username):
    return [r[0] for r in db.execute('SELECT id FROM favorites WHERE username=? '
                                     'ORDER BY position', (username,))]


def favorite_id(request):
    """The decoded {id} of the path: 1–256 printable ASCII characters."""
    fav = request.match_info['id']
    if not 1 <= len(fav) <= MAX_ID_LENGTH or not all(' ' <= c <= '~' for c in fav):
        raise invalid(f'A favorite id is 1 to {MAX_ID_LENGTH} printable ASCII characters.')
    return fav


async def get_favorites(request):
    row = auth.authenticate(request)
    return conditional_json(request, {'items': favorites_of(request.app['vo'].store.db,
                                                            row['username'])})


async def put_favorite(request):
    vo = request.app['vo']
    username = auth.authenticate(request)['username']
    fav = favorite_id(request)
    db = vo.store.db
    if db.execute('SELECT 1 FROM favorites WHERE username=? AND id=?',
                  (username, fav)).fetchone() is not None:
        return web.Response(status=204)
    count, last = db.execute('SELECT count(*), max(position) FROM favorites WHERE username=?',
                             (username,)).fetchone()
    if count >= MAX_FAVORITES:
        raise ProblemError('conflict', f'There are {MAX_FAVORITES} favorites already: '
                           'remove one first.')
    db.execute('INSERT INTO favorites VALUES (?, ?, ?)', (username, fav, (last or 0) + 1))
    vo.hub.emit(username, 'favorites.changed', {})
    return web.Response(status=204)


async def delete_favorite(request):
    vo = request.app['vo']
    username = auth.authenticate(request)['username']
    cur = vo.store.db.execute('DELETE FROM favorites WHERE username=? AND id=?',
                              (username, favorite_id(request)))
    if cur.rowcount:
        vo.hub.emit(username, 'favorites.changed', {})
    return web.Response(status=204)


def add_routes(app):
    app.router.add_get('/v1/favorites', get_favorites)
    app.router.add_put('/v1/favorites/{id}', put_favorite)
    app.router.add_delete('/v1/favorites/{id}', delete_favorite)
