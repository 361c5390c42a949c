"""RFC 7807 problem+json answers (docs/service-api.md §2.2)."""

import json

from aiohttp import web

TYPE_BASE = 'https://virtualoffice.example/problems/'

# name -> (status, title)
TYPES = {
    'invalid-request': (400, 'Invalid request'),
    'invalid-credentials': (401, 'Wrong user name or password'),
    'invalid-token': (401, 'Invalid or expired access token'),
    'invalid-refresh-token': (401, 'Invalid refresh token'),
    'account-disabled': (403, 'Account disabled'),
    'forbidden': (403, 'Forbidden'),
    'not-found': (404, 'Not found'),
    'method-not-allowed': (405, 'Method not allowed'),
    'conflict': (409, 'Conflict'),
    'sync-token-expired': (410, 'Sync token expired'),
    'precondition-failed': (412, 'Precondition failed'),
    'payload-too-large': (413, 'Payload too large'),
    'unsupported-media-type': (415, 'Unsupported media type'),
    'range-not-satisfiable': (416, 'Range not satisfiable'),
    'rate-limited': (429, 'Too many requests'),
    'server-error': (500, 'Server error'),
    'unavailable': (503, 'Service unavailable'),
}


def problem_response(name, detail, status=None, headers=None):
    """A web.Response carrying the named problem."""
    default_status, title = TYPES[name]
    status = status or default_status
    body = {'type': TYPE_BASE + name, 'title': title, 'status': status, 'detail': detail}
    return web.Response(status=status, headers=headers,
                        body=json.dumps(body).encode(),
                        content_type='application/problem+json', charset='utf-8')


class ProblemError(Exception):
    """Raised by handlers; the app turns it into problem+json."""

    def __init__(self, name, detail, headers=None):
        super().__init__(detail)
        self.name = name
        self.detail = detail
        self.headers = headers

    def response(self):
        return problem_response(self.name, self.detail, headers=self.headers)


def invalid(detail):
    return ProblemError('invalid-request', detail)
