"""/v1/forwarding: the four rules, also written to kamailio's vo_forwarding (§8)."""

import re

from aiohttp import web

from . import auth
from .common import conditional_json, etag_of, etag_matches, read_json
from .problems import ProblemError, invalid

CONDITIONS = ('always', 'busy', 'no-answer', 'unreachable')
DEFAULT_TIMEOUT = 20
MIN_TIMEOUT, MAX_TIMEOUT = 5, 300
# sip:/sips: and a body of URI characters only: kamailio puts it into $ru as it is.
SIP_URI = re.compile(r"^sips?:[A-Za-z0-9\-_.!~*()&=+$,;?/%:@\[\]]+$")


def rules_of(store, username):
    stored = store.forwarding(username)
    rules = []
    for condition in CONDITIONS:
        row = stored.get(condition)
        rules.append({'condition': condition,
                      'enabled': bool(row['enabled']) if row else False,
                      'target': row['target'] if row else '',
                      'timeout': row['timeout'] if row else DEFAULT_TIMEOUT})
    return {'rules': rules}


async def get_forwarding(request):
    row = auth.authenticate(request)
    return conditional_json(request, rules_of(request.app['vo'].store, row['username']))


def validated_rule(current, body):
    rule = dict(current)
    if 'enabled' in body:
        if not isinstance(body['enabled'], bool):
            raise invalid('"enabled" must be true or false.')
        rule['enabled'] = body['enabled']
    if 'target' in body:
        target = body['target']
        if not isinstance(target, str) or (target and not SIP_URI.match(target)):
            raise invalid('"target" must be a sip: or sips: URI, or empty.')
        rule['target'] = target
    if 'timeout' in body:
        timeout = body['timeout']
        if isinstance(timeout, bool) or not isinstance(timeout, int) or \
                not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
            raise invalid(f'"timeout" must be a whole number of seconds from {MIN_TIMEOUT} '
                          f'to {MAX_TIMEOUT}.')
        rule['timeout'] = timeout
    if rule['enabled'] and not rule['target']:
        raise invalid('A rule cannot be enabled without a "target".')
    return rule


async def put_rule(request):
    vo = request.app['vo']
    row = auth.authenticate(request)
    username = row['username']
    condition = request.match_info['condition']
    if condition not in CONDITIONS:
        raise invalid(f'Unknown condition "{condition}"; use one of {", ".join(CONDITIONS)}.')
    current = rules_of(vo.store, username)
    if request.if_match is not None and not etag_matches(request.if_match, etag_of(current)):
        raise ProblemError('precondition-failed', 'The rules changed meanwhile: fetch them '
                           'again.')
    body = await read_json(request)
    rule = validated_rule(current['rules'][CONDITIONS.index(condition)], body)
    vo.store.set_forwarding(username, condition, rule['enabled'], rule['target'],
                            rule['timeout'])
    vo.kamailio.set_forwarding(username, condition, rule['enabled'], rule['target'],
                               rule['timeout'])
    vo.hub.emit(username, 'forwarding.changed', {'condition': condition})
    return web.json_response(rule)


def add_routes(app):
    app.router.add_get('/v1/forwarding', get_forwarding)
    app.router.add_put('/v1/forwarding/{condition}', put_rule)
