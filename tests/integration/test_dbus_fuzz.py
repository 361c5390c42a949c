"""D-Bus fuzz: every method of every org.virtualoffice interface on every
object of a busy daemon (signed in, a call up, a call ringing, conversations,
history, presence), called with random well-typed arguments, answers either
success or a named org.virtualoffice.Error.* with a message, never times out,
and the daemon stays up and logs no critical or sanitizer report.

The methods and properties come from introspection, so a new method is
fuzzed without touching this file. Arguments come from each signature:
strings empty, 1 MiB, with control characters, odd Unicode, path-, URI- and
SQL-like, real ids; integers at their bounds; arrays empty and large; a{sv}
with unknown keys and known keys of the wrong type; invalid UTF-8 where the
type allows it (ay inside a variant: D-Bus strings must be valid UTF-8).

The seed is fixed (the suite runs the same inputs each time) and printed;
VO_FUZZ_SEED=N reproduces a run, VO_FUZZ_SEED=random explores new ones,
VO_FUZZ_ROUNDS sets how
many random argument sets each method gets. Hosts in generated strings are
loopback or the test domain only: nothing is ever looked up in DNS or sent
off the machine.
"""

import os
import random
import time
import types

import pytest
from gi.repository import Gio, GLib

from calls_support import CALL, HISTORY, Party, stop_extra_buses
from vo_harness import SETTINGS, DBusCallError, pump, util

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
PREFIX = 'org.virtualoffice.'
VO_ERRORS = {PREFIX + 'Error.' + n for n in (
    'Failed', 'NotSignedIn', 'NotRegistered', 'NotFound', 'NotSupported', 'InvalidState',
    'InvalidArgument', 'NetworkPolicy', 'AuthFailed', 'Network', 'PermissionDenied', 'Busy')}
DBUS_ERR = 'org.freedesktop.DBus.Error.'
PROPS = 'org.freedesktop.DBus.Properties'
CONVERSATION = PREFIX + 'Conversation1'
MESSAGES = PREFIX + 'Messages1'

# A fixed seed by default, so the suite (and CI) runs the same inputs every
# time; VO_FUZZ_SEED=random explores new ones (and prints the seed to keep).
_SEED_ENV = os.environ.get('VO_FUZZ_SEED') or '20261129'
SEED = (random.SystemRandom().randrange(1 << 32) if _SEED_ENV == 'random'
        else int(_SEED_ENV))
ROUNDS = int(os.environ.get('VO_FUZZ_ROUNDS') or 50)
# Seconds (scaled) the random phase may take before it stops early.
RANDOM_PHASE_BUDGET = 30
# An error message quotes what was wrong, not all of it: vo-ctl prints it.
MESSAGE_MAX = 2000
MIB = 1 << 20

# Methods that end or replace the state the others need: called after every
# other method, in this order (interface short name, method).
DESTRUCTIVE = [
    ('Call1', 'Transfer'), ('Call1', 'Answer'), ('Call1', 'Reject'), ('Call1', 'Hangup'),
    ('Conversation1', 'Delete'), ('Account1', 'SignIn'), ('Account1', 'SignOut'),
]

# Option keys of the contract (docs/dbus-api.md), to send with wrong types.
KNOWN_KEYS = ['registrar', 'domain', 'proxy', 'transport', 'display-name', 'kind', 'since',
              'offset', 'limit', 'before']
UNKNOWN_KEYS = ['', 'colour', 'display_name', 'LIMIT', 'limit ', 'a\x01b', 'k' * 5000,
                '\u202eevil', 'x.y']
# Values a registrar or proxy may take here: loopback or the test domain only.
SAFE_HOSTS = ['', ' ', '127.0.0.1:1', '127.0.0.1:99999', '127.0.0.1:port', 'sip:127.0.0.1:1',
              'sips:127.0.0.1:1', 'sip:127.0.0.1:1;transport=tcp', 'http://127.0.0.1:1',
              '[::1]:1', '127.0.0.1:1\r\nVia: x', '127.0.0.1:0']
VOCAB = [
    # statuses, conditions, kinds, transports, digits
    'available', 'away', 'busy', 'dnd', 'invisible', 'offline', 'always', 'no-answer',
    'unreachable', 'all', 'missed', 'incoming', 'outgoing', 'udp', 'tcp', 'tls', 'pigeon',
    '0123456789*#ABCD', '1', '#', 'E', '5' * 65,
    # targets and peers
    'bob', 'alice', 'carol', '201', '1234567', '+31 20 123 4567', '0031 20 1234567',
    '020-1234567', '+', '++1', '0', '-1', '99999999999999999999999999', 'sip:bob@vo.test',
    'sips:bob@vo.test', 'tel:+31201234567', 'tel:', 'sip:', 'sip:@', 'sip:bob@',
    'sip:bob@vo.test?X-Foo=bar', 'sip:bob@vo.test;transport=tls', 'sip:bob@127.0.0.1:1',
    '<sip:bob@vo.test>', '"Bob" <sip:bob@vo.test>', 'sip:' + 'a' * 5000 + '@vo.test',
    'bob@vo.test', 'bob@127.0.0.1', 'bob@', '@vo.test', 'sip:bob@vo.test>\r\nX: y',
    'mailto:bob@vo.test', 'alice@example', 'a@b@c',
    # paths, format strings, SQL and FTS5 syntax
    '../../../../etc/passwd', '/tmp/x', 'C:\\x', '%s%s%s%n', '%99999999s', '{}', 'NULL',
    "'; DROP TABLE call_history; --", '" OR 1=1 --', 'a" OR "1"="1', 'NEAR(a b)',
    'a* OR b', '"unterminated', '*', 'lunch AND', '^', 'col:text', '-', '()',
]
ODD = ['', ' ', '\t', '\n', '\r\n', '\x01', '\x1b[31mred\x1b[0m',
       '\x7f', '\u0085', '\u2028', '\u2029', '\u202e', '\u200b', '\ufeff', '\u00a0',
       '\U0001F600', 'e\u0301' * 50, '\u0301' * 300, '\ud7ff', '\U0010FFFD', 'ß' * 100,
       '漢字', 'ﷺ' * 10, 'a\x02b']
# Valid values by argument name, so the fuzzer also gets past the first check.
HINTS = {
    'condition': ['always', 'busy', 'no-answer', 'unreachable'],
    'status': ['available', 'away', 'busy', 'dnd', 'invisible'],
    'target': ['bob', 'alice', '201', 'sip:bob@vo.test', '+31201234567', 'tel:+31201234567'],
    'to': ['bob', 'alice', '+31201234567', 'sip:carol@vo.test'],
    'peer': ['bob', 'alice', '+31201234567', 'sip:carol@vo.test'],
    'digits': ['1', '123#*', 'ABCD', '0' * 64],
    'user': ['alice', 'bob', 'alice@vo.test'],
    'password': ['alice-pw', 'wrong'],
    'email': ['alice@vo.test', 'a@b'],
    'text': ['hello', 'lunch?', 'x' * 4096],
    'note': ['back soon', 'n' * 256],
    'query': ['lunch', 'sure', 'lun', 'a b c'],
    'uris': ['bob', 'sip:carol@vo.test', '201'],
}
ALPHABET = ('abcXYZ019 _-.;,=+*#/\\\'"<>()[]{}%&|!?~$\t\r\n\x01\x1b\x7f'
            '\u00e9\u00df\u2028\u202e\u200b\ufeff\u4e2d\U0001F600')


class Gen:
    """Random well-typed values for a D-Bus signature (python values that
    GLib.Variant packs; 'v' gives a GLib.Variant)."""

    def __init__(self, rng, real_strings, paths):
        self.rng = rng
        self.real = real_strings   # ids and paths of the daemon's own objects
        self.paths = paths
        ids = [r for r in real_strings if not r.startswith('/')]
        self.hints = dict(HINTS, id=ids, ids=ids) if ids else HINTS

    def string(self, small=False):
        r = self.rng.random()
        if r < 0.08 and not small:
            return self.rng.choice('xé\u4e2d;\x01') * (MIB if self.rng.random() < 0.5
                                                          else 4097)
        if r < 0.25:
            return self.rng.choice(ODD)
        if r < 0.55:
            return self.rng.choice(VOCAB)
        if r < 0.7 and self.real:
            return self.rng.choice(self.real)
        if r < 0.8:
            # a good value spoiled: prefix/suffix junk
            return self.rng.choice(VOCAB) + self.rng.choice(ODD)
        n = self.rng.choice((1, 2, 8, 64, 300))
        return ''.join(self.rng.choice(ALPHABET) for _ in range(n))

    def host_string(self):
        return self.rng.choice(SAFE_HOSTS)

    def integer(self, kind):
        lo, hi = {'y': (0, 255), 'n': (-(1 << 15), (1 << 15) - 1), 'q': (0, (1 << 16) - 1),
                  'i': (-(1 << 31), (1 << 31) - 1), 'u': (0, (1 << 32) - 1),
                  'x': (-(1 << 63), (1 << 63) - 1), 't': (0, (1 << 64) - 1),
                  'h': (-(1 << 31), (1 << 31) - 1)}[kind]
        interesting = [lo, hi, 0, 1, 2, 3, 4, 5, 20, 299, 300, 301, 999, 1000, 1001, 4096,
                       int(time.time() * 1e6), lo + 1, hi - 1]
        v = self.rng.choice(interesting) if self.rng.random() < 0.8 \
            else self.rng.randint(lo, hi)
        return min(max(v, lo), hi)

    def value(self, sig, small=False, key=None):
        t = GLib.VariantType.new(sig)
        if key in self.hints and sig in ('s', 'as') and self.rng.random() < 0.4:
            hint = self.rng.choice(self.hints[key])
            return hint if sig == 's' else [hint] + [self.rng.choice(self.hints[key])
                                                     for _ in range(self.rng.randint(0, 3))]
        if sig == 's':
            if key in ('registrar', 'proxy'):
                return self.host_string()
            return self.string(small)
        if sig == 'o':
            return self.rng.choice(self.paths + ['/', '/org/virtualoffice/calls/0',
                                                 '/org/virtualoffice/conversations/999999',
                                                 '/a' * 500])
        if sig == 'g':
            return self.rng.choice(['', 's', 'a{sv}', '(ss)', 'aaaaai'])
        if sig == 'b':
            return self.rng.random() < 0.5
        if sig in 'ynqiuxth':
            return self.integer(sig)
        if sig == 'd':
            return self.rng.choice([0.0, -0.0, 1.5, -1e308, 1e308, float('inf'),
                                    float('-inf'), float('nan')])
        if sig == 'v':
            inner = self.rng.choice(['s', 'u', 'i', 'x', 'b', 'd', 'as', 'ay', 'a{sv}', 'o',
                                     '(ss)', 't', 'y', 'v', 'aa{sv}'])
            return GLib.Variant(inner, self.value(inner, small=True))
        if sig == 'ay':
            return self.rng.choice([b'', b'\xff\xfe\xc3\x28', b'\xc0\x80', b'\xed\xa0\x80',
                                    b'abc\x00def', bytes(range(256)), b'\xf4\x90\x80\x80'])
        if sig == 'a{sv}':
            return self.options(small)
        if t.is_array():
            elem = t.element().dup_string()
            r = self.rng.random()
            if r < 0.2:
                n = 0
            elif r < 0.3 and not small:
                n = self.rng.choice((1001, 3000))
                # many entries: small values, many repeats (sets dedupe them)
                pool = [self.value(elem, small=True) for _ in range(20)]
                if elem.startswith('{'):
                    return dict(self.rng.choice(pool) for _ in range(n))
                return [self.rng.choice(pool) for _ in range(n)]
            else:
                n = self.rng.randint(1, 5)
            if elem.startswith('{'):
                return dict(self.value(elem, small=small) for _ in range(n))
            return [self.value(elem, small=small) for _ in range(n)]
        if t.is_dict_entry():
            k = t.key().dup_string()
            v = t.value().dup_string()
            return (self.value(k, small=True), self.value(v, small=small))
        if t.is_tuple():
            return tuple(self.value(item, small=small) for item in split_signature(sig[1:-1]))
        raise NotImplementedError(f'no generator for D-Bus type {sig}')

    def options(self, small=False):
        """a{sv}: none, known keys with right or wrong types, unknown keys."""
        r = self.rng.random()
        if r < 0.4:
            return {}
        if r < 0.45 and not small:
            return {f'key-{i}': GLib.Variant('u', i) for i in range(500)}
        out = {}
        for _ in range(self.rng.randint(1, 3)):
            key = self.rng.choice(KNOWN_KEYS) if self.rng.random() < 0.7 \
                else self.rng.choice(UNKNOWN_KEYS)
            sig = self.rng.choice(['s', 's', 'u', 'u', 'x', 'i', 'b', 'as', 'ay', 'v', 'd',
                                   'o', 't'])
            out[key] = GLib.Variant(sig, self.value(sig, small=True, key=key))
        return out


def split_signature(sig):
    """'sa{sv}(ss)' -> ['s', 'a{sv}', '(ss)']: the complete types in a row."""
    def end(i):
        if sig[i] == 'a':
            return end(i + 1)
        if sig[i] in '({':
            depth = 0
            for j in range(i, len(sig)):
                depth += sig[j] in '({'
                depth -= sig[j] in ')}'
                if depth == 0:
                    return j + 1
        return i + 1
    out, i = [], 0
    while i < len(sig):
        j = end(i)
        out.append(sig[i:j])
        i = j
    return out


def short(value, limit=160):
    text = repr(value)
    return text if len(text) <= limit else f'{text[:limit]}…({len(text)} chars)'


class Fuzzer:
    """Calls the daemon, checks every answer, counts outcomes, keeps findings."""

    def __init__(self, party, rng):
        self.party = party
        self.conn = party.client.conn
        self.rng = rng
        self.findings = []
        self.calls = 0
        self.outcomes = {}     # (iface.method) -> {'ok' | error name: count}
        self.timeout_ms = int(util.scaled(30) * 1000)

    def alive(self):
        d = self.party.daemon
        if not d.running:
            return False
        try:
            self.conn.call_sync('org.virtualoffice', '/org/virtualoffice', PROPS, 'Get',
                                GLib.Variant('(ss)', (PREFIX + 'Account1', 'State')), None,
                                Gio.DBusCallFlags.NONE, int(util.scaled(10) * 1000), None)
        except GLib.Error:
            return False
        return True

    def call(self, path, iface, method, params, fd_list=None, allowed=()):
        """One call; returns the reply (or None). A finding when the answer
        is neither success nor an allowed error, or the daemon is gone."""
        reply = error = None
        try:
            if fd_list is not None:
                reply, _ = self.conn.call_with_unix_fd_list_sync(
                    'org.virtualoffice', path, iface, method, params, None,
                    Gio.DBusCallFlags.NONE, self.timeout_ms, fd_list, None)
            else:
                reply = self.conn.call_sync('org.virtualoffice', path, iface, method, params,
                                            None, Gio.DBusCallFlags.NONE, self.timeout_ms, None)
        except GLib.Error as e:
            error = e
        self.check(path, iface, method, params, error, allowed)
        self.check_alive(path, f'{iface}.{method}', params)
        return reply

    def burst(self, items):
        """[(path, iface, method, params)] sent at once, without waiting for
        each answer (as busy clients do); then every answer is checked."""
        results = {}

        def done(conn, res, i):
            try:
                conn.call_finish(res)
                results[i] = None
            except GLib.Error as e:
                results[i] = e
        for i, (path, iface, method, params) in enumerate(items):
            self.conn.call('org.virtualoffice', path, iface, method, params, None,
                           Gio.DBusCallFlags.NONE, self.timeout_ms, None, done, i)

        def all_answered():
            pump()
            return len(results) == len(items)
        # Each call has its own D-Bus timeout; this only bounds the wait for them.
        util.wait_until(all_answered, self.timeout_ms / 1000 + util.scaled(10), interval=0.01,
                        what=f'answers to a burst of {len(items)} calls')
        for i, (path, iface, method, params) in enumerate(items):
            self.check(path, iface, method, params, results[i], ())
        self.check_alive(items[0][0], 'a burst of ' + ', '.join(
            f'{it[1][len(PREFIX):]}.{it[2]}' for it in items), None)

    def check(self, path, iface, method, params, error, allowed):
        self.calls += 1
        what = f'{iface}.{method}'
        counts = self.outcomes.setdefault(what, {})
        if error is None:
            counts['ok'] = counts.get('ok', 0) + 1
            return
        name = Gio.DBusError.get_remote_error(error) or f'{error.domain}:{error.code}'
        counts[name] = counts.get(name, 0) + 1
        Gio.DBusError.strip_remote_error(error)
        message = error.message or ''
        ok = (name in VO_ERRORS or name in allowed) and bool(message.strip())
        if name in (DBUS_ERR + 'UnknownObject', DBUS_ERR + 'UnknownMethod') \
                and not self.exists(path, iface):
            ok = True   # the object left the bus (a call ended) before this call
        if ok and len(message) > MESSAGE_MAX:
            ok = False
            message = f'a message of {len(message)} characters: ' + message
        if not ok:
            self.finding(path, what, params, f'answered {name}: {short(message, 300)}')

    def check_alive(self, path, what, params):
        if not self.alive():
            self.finding(path, what, params, 'the daemon is gone or no longer answers')
            raise DaemonDown(self.findings[-1])

    def exists(self, path, iface):
        try:
            reply = self.conn.call_sync('org.virtualoffice', '/org/virtualoffice',
                                        'org.freedesktop.DBus.ObjectManager',
                                        'GetManagedObjects', None, None,
                                        Gio.DBusCallFlags.NONE, self.timeout_ms, None)
        except GLib.Error:
            return True
        objects = reply.unpack()[0]
        return path == '/org/virtualoffice' or iface in objects.get(path, {})

    def finding(self, path, what, params, problem):
        self.findings.append(f'{what} on {path} with {short(params)}: {problem}')
        print(f'FINDING (seed {SEED}): {self.findings[-1]}')


class DaemonDown(Exception):
    pass


def walk(client, path='/org/virtualoffice'):
    """{path: Gio.DBusNodeInfo} of every object below path, from Introspect."""
    try:
        node = client.introspect(path)
    except DBusCallError:
        return {}   # it left the bus meanwhile (a call ended)
    out = {path: node}
    for child in node.nodes:
        out.update(walk(client, f'{path.rstrip("/")}/{child.path}'))
    return out


def vo_interfaces(nodes):
    """[(path, Gio.DBusInterfaceInfo)] of the org.virtualoffice interfaces."""
    return [(path, iface) for path, node in sorted(nodes.items()) for iface in node.interfaces
            if iface.name.startswith(PREFIX)]


def is_destructive(iface, method):
    return (iface.name[len(PREFIX):], method.name) in DESTRUCTIVE


def destructive_methods(targets):
    """[(path, iface, method)] of the DESTRUCTIVE methods, in that order."""
    found = [(p, i, m) for p, i in targets for m in i.methods if is_destructive(i, m)]
    return sorted(found, key=lambda t: DESTRUCTIVE.index((t[1].name[len(PREFIX):], t[2].name)))


@pytest.fixture
def kam(h):
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG', 'WITH_PRESENCE'))


@pytest.fixture
def parties(h, kam):
    made = []

    def make(user):
        made.append(Party(h, kam, user, PASSWORDS[user]))
        return made[-1]
    yield make
    stop_extra_buses(h)


def busy_state(alice, bob):
    """alice with history, conversations with messages both ways, watched
    presence, a forwarding rule, an active outgoing call and a ringing
    incoming one."""
    # History: a call bob rejects, and one of bob's alice misses.
    path = alice.dial('bob')
    b_path = bob.wait_incoming()
    bob.call_method(b_path, 'Reject')
    alice.wait_ended(path)
    since = alice.mark()
    path = bob.dial('alice')
    a_path = alice.wait_incoming(since=since)
    bob.wait_state(path, 'ringing')
    bob.call_method(path, 'Hangup')
    alice.wait_ended(a_path)
    util.wait_until(lambda: len(alice.history()) >= 2, util.scaled(10), what='2 history entries')

    # Conversations: an IM each way, an empty SMS conversation.
    for sender, to, text in ((alice, 'bob', 'Lunch at 12?'), (bob, 'alice', 'Sure, lunch')):
        sender.client.call_raw(MESSAGES, 'Send', GLib.Variant('(ssa{sv})', (to, text, {})))
    alice.wait_signal('Received', timeout=10)
    alice.client.call_raw(MESSAGES, 'Open', GLib.Variant('(s)', ('+31201234567',)))

    alice.client.call_raw(PREFIX + 'Presence1', 'Watch', GLib.Variant('(as)', (['bob'],)))
    alice.client.call_raw(PREFIX + 'Presence1', 'SetStatus',
                          GLib.Variant('(ss)', ('away', 'Back soon')))
    # Forwarded only after 300 s of ringing: the ringing call below stays.
    alice.client.call_raw(PREFIX + 'Forwarding1', 'SetRule',
                          GLib.Variant('(sbsu)', ('no-answer', True, '201', 300)))

    # Calls: alice → bob active, bob → alice ringing at alice.
    since = bob.mark()
    out = alice.dial('bob')
    b_in = bob.wait_incoming(since=since)
    bob.call_method(b_in, 'Answer')
    alice.wait_state(out, 'active')
    since = alice.mark()
    bob.dial('alice')
    incoming = alice.wait_incoming(since=since)
    alice.wait_state(incoming, 'incoming')
    return out, incoming


def real_strings(party):
    """Ids the daemon knows, so the fuzzer also hits existing entries."""
    (entries,) = party.client.call_raw(HISTORY, 'List', GLib.Variant('(a{sv})', ({},)))
    out = [e['id'] for e in entries]
    for path, ifaces in party.client.managed_objects().items():
        out.append(path)
        if CONVERSATION in ifaces:
            (msgs,) = party.client.call_raw(CONVERSATION, 'GetMessages',
                                            GLib.Variant('(a{sv})', ({},)), path=path)
            out += [m['id'] for m in msgs]
    return out


def make_params(fz, gen, iface, method):
    """(params, fd_list) for one call of method with random arguments."""
    sig = ''.join(a.signature for a in method.in_args)
    if not sig:
        return None, None
    values = [gen.value(a.signature, key=a.name) for a in method.in_args]
    fd_list = None
    if 'h' in sig:
        # A real descriptor or none, at a random (maybe wrong) index.
        fd_list = Gio.UnixFDList.new()
        if gen.rng.random() < 0.5:
            fd = os.open('/dev/null', os.O_RDONLY)
            fd_list.append(fd)   # a duplicate
            os.close(fd)
    if (iface.name, method.name) == (PREFIX + 'Account1', 'SignIn'):
        # Only loopback registrars: a bare domain would be looked up in DNS.
        options = values[2]
        if not isinstance(options.get('registrar'), GLib.Variant) or \
                options['registrar'].get_type_string() != 's':
            options['registrar'] = GLib.Variant('s', gen.rng.choice(
                [fz.party.kam_hostport, '127.0.0.1:1']))
        if 'proxy' in options and options['proxy'].get_type_string() == 's':
            options['proxy'] = GLib.Variant('s', gen.host_string())
    return GLib.Variant(f'({sig})', tuple(values)), fd_list


def fuzz_method(fz, gen, path, iface, method, rounds):
    for _ in range(rounds if method.in_args else 1):
        params, fd_list = make_params(fz, gen, iface, method)
        fz.call(path, iface.name, method.name, params, fd_list=fd_list)


def fuzz_bursts(fz, gen, methods, count, size):
    """count bursts of size random (path, iface, method) from methods, sent
    at once."""
    for _ in range(count):
        items = []
        for path, iface, method in gen.rng.choices(methods, k=size):
            if any(a.signature == 'h' for a in method.in_args):
                continue   # descriptors go with the synchronous calls
            params, _ = make_params(fz, gen, iface, method)
            items.append((path, iface.name, method.name, params))
        if items:
            fz.burst(items)


def fuzz_properties(fz, gen, path, iface, rounds):
    """Get, GetAll and Set (right type, wrong type, unknown names)."""
    std = (DBUS_ERR + 'InvalidArgs', DBUS_ERR + 'UnknownProperty',
           DBUS_ERR + 'UnknownInterface', DBUS_ERR + 'PropertyReadOnly')
    fz.call(path, PROPS, 'GetAll', GLib.Variant('(s)', (iface.name,)))
    for bogus in ('', 'org.virtualoffice.Nope1', iface.name + 'x'):
        fz.call(path, PROPS, 'GetAll', GLib.Variant('(s)', (bogus,)), allowed=std)
        fz.call(path, PROPS, 'Get', GLib.Variant('(ss)', (bogus, 'State')), allowed=std)
    fz.call(path, PROPS, 'Get', GLib.Variant('(ss)', (iface.name, 'NoSuchProperty')),
            allowed=std)
    fz.call(path, PROPS, 'Set', GLib.Variant('(ssv)', (iface.name, 'NoSuchProperty',
                                                       GLib.Variant('s', 'x'))), allowed=std)
    for prop in iface.properties:
        fz.call(path, PROPS, 'Get', GLib.Variant('(ss)', (iface.name, prop.name)))
        writable = bool(prop.flags & Gio.DBusPropertyInfoFlags.WRITABLE)
        for _ in range(rounds if writable else 2):
            if gen.rng.random() < 0.7:
                sig = prop.signature
            else:
                sig = gen.rng.choice([s for s in ('s', 'b', 'u', 'as', 'ay', 'x')
                                      if s != prop.signature])
            value = GLib.Variant(sig, gen.value(sig))
            # GDBus itself refuses read-only properties and wrong types
            # (documented: InvalidArgs); the daemon answers the rest.
            allowed = std if (not writable or sig != prop.signature) else ()
            fz.call(path, PROPS, 'Set', GLib.Variant('(ssv)', (iface.name, prop.name, value)),
                    allowed=allowed)


def run_fuzz(party, rng, rounds):
    """The four phases on party's daemon; returns the Fuzzer. party has
    .client, .daemon and .kam_hostport (a registrar SignIn may use)."""
    fz = Fuzzer(party, rng)
    started = time.monotonic()
    nodes = walk(party.client)
    targets = vo_interfaces(nodes)
    gen = Gen(rng, real_strings(party), sorted(nodes))
    safe = [(p, i, m) for p, i in targets for m in i.methods if not is_destructive(i, m)]
    fuzzed = {f'{i.name}.{m.name}' for _, i, m in safe + destructive_methods(targets)}
    try:
        # 1. Everything that keeps the state, in random order, many times
        #    (fewer when the machine is slow: the file must end within its
        #    meson timeout, also under ASan).
        budget = started + util.scaled(RANDOM_PHASE_BUDGET)
        for done_rounds in range(1, rounds + 1):
            for path, iface, method in rng.sample(safe, len(safe)):
                fuzz_method(fz, gen, path, iface, method, 1)
            if time.monotonic() > budget:
                break
        print(f'random phase: {done_rounds} of {rounds} rounds, '
              f'{time.monotonic() - started:.1f}s')
        # 1b. The same in bursts of concurrent calls.
        fuzz_bursts(fz, gen, safe, rounds // 5, 8)
        # 2. Properties of every interface, on the objects there are now
        #    (calls the fuzzer dialled included).
        nodes = walk(party.client)
        targets = vo_interfaces(nodes)
        for path, iface in targets:
            fuzz_properties(fz, gen, path, iface, max(1, rounds // 2))
        print(f'bursts and properties: {time.monotonic() - started:.1f}s')
        fz.call('/org/virtualoffice', 'org.freedesktop.DBus.ObjectManager',
                'GetManagedObjects', None)
        # 3. What ends calls, conversations and the account, last; first every
        #    method of each call at once (Hangup racing Hold, Transfer, ...).
        for path, iface in targets:
            if iface.name == CALL:
                fuzz_bursts(fz, gen, [(path, iface, m) for m in iface.methods], 1,
                            2 * len(iface.methods))
        for path, iface, method in destructive_methods(targets):
            fuzz_method(fz, gen, path, iface, method, max(1, rounds // 2))
        print(f'state-ending methods: {time.monotonic() - started:.1f}s')
        # 4. Signed out (or signed in anew by a random SignIn): everything
        #    again on what is left.
        for path, iface, method in safe:
            if path == '/org/virtualoffice':
                fuzz_method(fz, gen, path, iface, method, 2)
    except DaemonDown:
        pass
    print(f'{fz.calls} calls in {time.monotonic() - started:.1f}s on {len(nodes)} objects, '
          f'{len(fuzzed)} methods: {sorted(fuzzed)}')
    for what, counts in sorted(fz.outcomes.items()):
        print(f'  {what}: {counts}')
    assert not fz.findings, f'seed {SEED}: {len(fz.findings)} findings:\n' + \
        '\n'.join(fz.findings[:30])
    assert party.daemon.running
    bad = party.daemon.bad_log_lines()
    assert not bad, f'seed {SEED}: the daemon logged:\n' + '\n'.join(bad[:20])
    return fz


@pytest.mark.slow
def test_every_method_answers_named_errors(h, kam, parties):
    print(f'vo-daemon D-Bus fuzz: seed {SEED} (VO_FUZZ_SEED={SEED} reproduces), '
          f'{ROUNDS} rounds')
    alice, bob = parties('alice'), parties('bob')
    alice.kam_hostport = kam.hostport
    active, incoming = busy_state(alice, bob)
    nodes = walk(alice.client)
    names = {i.name for _, i in vo_interfaces(nodes)}
    assert {CALL, CONVERSATION, HISTORY, MESSAGES, PREFIX + 'Account1'} <= names, names
    assert active in nodes and incoming in nodes, sorted(nodes)
    assert len([p for p in nodes if p.startswith('/org/virtualoffice/conversations/')]) >= 2

    fz = run_fuzz(alice, random.Random(SEED), ROUNDS)
    methods = {what for what in fz.outcomes if what.startswith(PREFIX)}
    assert len(methods) == len({f'{i.name}.{m.name}' for _, i in vo_interfaces(nodes)
                                for m in i.methods}), sorted(methods)


@pytest.mark.slow
def test_never_signed_in_on_cellular(h, kam):
    """A fresh daemon, no account, cellular data without AllowCellularData:
    the not-signed-in and network-policy answers of every method."""
    print(f'vo-daemon D-Bus fuzz: seed {SEED + 1} (VO_FUZZ_SEED={SEED} reproduces)')
    h.start_network_manager('cellular')
    party = types.SimpleNamespace(daemon=h.daemon(), client=h.client(),
                                  kam_hostport=kam.hostport)
    party.client.wait_prop(SETTINGS, 'CallsAllowed', False)
    run_fuzz(party, random.Random(SEED + 1), max(1, ROUNDS // 2))


# -- fixed cases: what the fuzzer found, checked every run ----------------------

def test_resume_while_dtmf_info_unanswered(h, kam, parties):
    """Resume() right after SendDtmf() on a held call (the digit goes as SIP
    INFO, still unanswered when the re-INVITE is asked for) answers and the
    call is active: Sofia would queue the re-INVITE behind the INFO forever."""
    alice, bob = parties('alice'), parties('bob')
    since = bob.mark()
    path = alice.dial('bob')
    bob.call_method(bob.wait_incoming(since=since), 'Answer')
    alice.wait_state(path, 'active')
    alice.call_method(path, 'Hold')
    done = []
    # SendDtmf and Resume back to back, without waiting for the first answer.
    alice.client.conn.call('org.virtualoffice', path, CALL, 'SendDtmf',
                           GLib.Variant('(s)', ('123',)), None, Gio.DBusCallFlags.NONE,
                           int(util.scaled(10) * 1000), None,
                           lambda conn, res: done.append(conn.call_finish(res)))
    alice.call_method(path, 'Resume', timeout=15)
    assert alice.prop(path, 'State') == 'active'
    assert alice.prop(path, 'Held') is False

    def answered():
        pump()
        return done

    def digits_arrived():
        pump()
        return len(bob.signals('DtmfReceived')) >= 3
    util.wait_until(answered, util.scaled(10), what='the answer to SendDtmf')
    util.wait_until(digits_arrived, util.scaled(10), what='3 DTMF digits at bob')


def test_error_messages_quote_huge_arguments_shortly(h, kam, parties):
    """A 1 MiB argument is quoted by its start, and the advice stays."""
    alice = parties('alice')
    huge = 'x' * MIB
    cases = [
        (PREFIX + 'Presence1', 'SetStatus', GLib.Variant('(ss)', (huge, '')), 'available'),
        (PREFIX + 'Calls1', 'Dial', GLib.Variant('(sa{sv})', ('bob', {huge: GLib.Variant(
            's', '')})), 'pass an empty dictionary'),
        (PREFIX + 'Account1', 'RecoverUsername', GLib.Variant('(s)', (huge,)), 'e-mail'),
        (PROPS, 'Set', GLib.Variant('(ssv)', (PREFIX + 'Settings1', 'MobileNumber',
                                              GLib.Variant('s', huge))), ''),
    ]
    for iface, method, params, advice in cases:
        with pytest.raises(DBusCallError) as e:
            alice.client.call_raw(iface, method, params)
        assert e.value.name == PREFIX + 'Error.InvalidArgument', (method, e.value.name)
        assert len(e.value.message) <= MESSAGE_MAX, (method, len(e.value.message))
        assert 'xxxx' in e.value.message and 'characters left out' in e.value.message, method
        assert advice in e.value.message, (method, e.value.message)
