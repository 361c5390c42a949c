"""Command line, TLS and start-up of the reference service (docs/service-api.md §12)."""

import argparse
import asyncio
import logging
import signal
import sqlite3
import ssl
import sys

from aiohttp import web

from .app import make_app
from .directory_store import DirectoryStore
from .events import CLOSE_REVOKED, Hub
from .kamailio import KamailioDB, KamailioDBError
from .mail import Mailer
from .recovery import RateLimiter
from .storage import Store

log = logging.getLogger('vo-service')


class Service:
    """Everything the handlers share (request.app['vo'])."""

    def __init__(self, args):
        self.store = Store(args.state)
        self.directory = DirectoryStore(self.store.db, args.state)
        self.kamailio = KamailioDB(args.kamailio_db, args.sip_domain)
        self.hub = Hub(self.store)
        self.mailer = Mailer(*args.smtp)
        self.limiter = RateLimiter()
        self.sip_domain = args.sip_domain
        self.registrar = f'{args.registrar[0]}:{args.registrar[1]}'
        self.admin_token = args.admin_token
        self.access_ttl = args.access_ttl
        self.public_url = (args.public_url or
                           f'https://{args.listen[0]}:{args.listen[1]}').rstrip('/')
        self.faults = None   # set by make_app

    def revoke_sessions(self, username):
        """End every session of the user; their open event sockets close 4403."""
        if self.store.end_sessions_of(username):
            self.hub.emit(username, 'session.revoked', {})
        self.hub.close_user(username, CLOSE_REVOKED, 'session revoked')


def host_port(text):
    host, sep, port = text.rpartition(':')
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f'{text!r} is not HOST:PORT')
    return host, int(port)


def positive_int(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f'{text!r} is not a positive whole number')
    return int(text)


def parse_args(argv):
    p = argparse.ArgumentParser(prog='vo-service',
                                description='The reference Virtual Office service.')
    p.add_argument('--listen', type=host_port, required=True, metavar='HOST:PORT')
    p.add_argument('--tls-cert', required=True, metavar='CERT')
    p.add_argument('--tls-key', required=True, metavar='KEY')
    p.add_argument('--state', required=True, metavar='DIR')
    p.add_argument('--kamailio-db', required=True, metavar='KAMAILIO_SQLITE')
    p.add_argument('--sip-domain', required=True, metavar='DOMAIN')
    p.add_argument('--registrar', type=host_port, required=True, metavar='HOST:PORT')
    p.add_argument('--smtp', type=host_port, required=True, metavar='HOST:PORT')
    p.add_argument('--admin-token', required=True, metavar='TOKEN')
    p.add_argument('--access-ttl', type=positive_int, default=900, metavar='SECONDS')
    p.add_argument('--public-url', metavar='URL',
                   help='base of the links in mails (default https://LISTEN)')
    return p.parse_args(argv)


async def serve(args):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.tls_cert, args.tls_key)
    vo = Service(args)
    runner = web.AppRunner(make_app(vo), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.listen[0], args.listen[1], ssl_context=tls,
                       reuse_address=True, shutdown_timeout=1.0)
    await site.start()
    print(f'vo-service listening on https://{args.listen[0]}:{args.listen[1]}', flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info('stopping')
    await runner.cleanup()
    vo.store.close()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format='%(asctime)s vo-service %(levelname)s %(message)s')
    try:
        asyncio.run(serve(args))
    except (OSError, ssl.SSLError, sqlite3.Error, KamailioDBError) as e:
        log.error('cannot start: %s', e)
        return 1
    return 0
