"""A small synchronous D-Bus client of vo-daemon built on Gio (python3-gi)."""

import time

import gi
gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

from . import util  # noqa: E402

BUS_NAME = 'org.virtualoffice'
OBJECT_PATH = '/org/virtualoffice'
PREFIX = 'org.virtualoffice.'
ACCOUNT = PREFIX + 'Account1'
SETTINGS = PREFIX + 'Settings1'
PROPS_IFACE = 'org.freedesktop.DBus.Properties'

# Property signatures of the contract, so set() can build the right variant.
SIGNATURES = {
    'AllowCellularData': 'b', 'CellularVoiceFallback': 'b', 'MobileNumber': 's',
    'DeviceContactsAccess': 'b', 'AudioInput': 's', 'AudioOutput': 's', 'RingOutput': 's',
    'NetworkType': 's', 'CallsAllowed': 'b',
    'State': 's', 'Registration': 's', 'LastError': 's', 'Username': 's', 'DisplayName': 's',
    'Extension': 's', 'Company': 's', 'SipUri': 's', 'Capabilities': 'as', 'PhotoPath': 's',
}


def iface_name(iface):
    return iface if '.' in iface else PREFIX + iface


class DBusCallError(Exception):
    """A D-Bus error reply: .name (e.g. org.virtualoffice.Error.AuthFailed)
    and .message (the text after the name, without the GDBus prefix)."""

    def __init__(self, name, message):
        super().__init__(f'{name}: {message}')
        self.name = name
        self.message = message


def _convert(e):
    if isinstance(e, GLib.Error):
        name = Gio.DBusError.get_remote_error(e)
        msg = e.message or ''
        prefix = f'GDBus.Error:{name}: '
        if name and msg.startswith(prefix):
            msg = msg[len(prefix):]
        return DBusCallError(name or f'{e.domain}:{e.code}', msg)
    return e


def connect(address):
    """A GDBusConnection to a message bus at address."""
    flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
             | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
    return Gio.DBusConnection.new_for_address_sync(address, flags, None, None)


def name_has_owner(conn, name):
    reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                           'org.freedesktop.DBus', 'NameHasOwner', GLib.Variant('(s)', (name,)),
                           None, Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


def close_connection(conn, subscriptions):
    """Drop the signal subscriptions and close the connection (it may be
    closed already: the bus went away)."""
    for sub in subscriptions:
        conn.signal_unsubscribe(sub)
    try:
        conn.close_sync(None)
    except GLib.Error:
        pass


def pump(seconds=0.0):
    """Dispatch pending GLib events of the default main context for a while."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while True:
        while ctx.pending():
            ctx.iteration(False)
        if time.monotonic() >= deadline:
            return
        time.sleep(min(0.01, max(0.0, deadline - time.monotonic())))


class VoClient:
    """Calls, properties and PropertiesChanged recording for /org/virtualoffice.

    Signals are recorded from whatever sender emits them on OBJECT_PATH, so the
    recording survives a daemon restart (new unique name)."""

    def __init__(self, address, bus_name=BUS_NAME, path=OBJECT_PATH):
        self.address = address
        self.bus_name = bus_name
        self.path = path
        self.conn = connect(address)
        self.changes = []   # (monotonic time, iface, {prop: value}, [invalidated])
        self.signals = []   # (monotonic time, path, iface, member, unpacked args)
        self._subs = [
            self.conn.signal_subscribe(None, PROPS_IFACE, 'PropertiesChanged', None, None,
                                       Gio.DBusSignalFlags.NONE, self._on_props, None),
            self.conn.signal_subscribe(None, None, None, None, None,
                                       Gio.DBusSignalFlags.NONE, self._on_signal, None),
        ]

    def close(self):
        close_connection(self.conn, self._subs)
        self._subs = []

    def _on_props(self, conn, sender, path, iface, member, params, data):
        if not path.startswith(self.path):
            return
        changed_iface, changed, invalidated = params.unpack()
        self.changes.append((time.monotonic(), changed_iface, changed, invalidated))

    def _on_signal(self, conn, sender, path, iface, member, params, data):
        if path is None or not path.startswith(self.path):
            return
        self.signals.append((time.monotonic(), path, iface, member, params.unpack()))

    # -- raw calls -----------------------------------------------------
    def call_raw(self, iface, method, params=None, timeout=30.0, path=None,
                 reply_type=None, fd_list=None):
        """Call and return the unpacked reply tuple; raise DBusCallError."""
        try:
            if fd_list is not None:
                reply, _ = self.conn.call_with_unix_fd_list_sync(
                    self.bus_name, path or self.path, iface_name(iface), method, params,
                    reply_type, Gio.DBusCallFlags.NONE, int(util.scaled(timeout) * 1000),
                    fd_list, None)
            else:
                reply = self.conn.call_sync(self.bus_name, path or self.path, iface_name(iface),
                                            method, params, reply_type, Gio.DBusCallFlags.NONE,
                                            int(util.scaled(timeout) * 1000), None)
        except GLib.Error as e:
            raise _convert(e) from None
        return reply.unpack() if reply is not None else ()

    def call(self, iface, method, signature='', *args, timeout=30.0):
        """call('Account1', 'SignIn', '(ssa{sv})', 'alice', 'pw', {...})."""
        params = GLib.Variant(signature, tuple(args)) if signature else None
        return self.call_raw(iface, method, params, timeout=timeout)

    # -- Account1 ---------------------------------------------------------
    def sign_in(self, user, password, timeout=30.0, **options):
        """SignIn with string options; option names may use '_' for '-'."""
        opts = {k.replace('_', '-'): GLib.Variant('s', v) for k, v in options.items()}
        return self.call_raw(ACCOUNT, 'SignIn',
                             GLib.Variant('(ssa{sv})', (user, password, opts)), timeout=timeout)

    def sign_in_raw_options(self, user, password, options, timeout=30.0):
        """SignIn with an a{sv} of ready-made GLib.Variant values."""
        return self.call_raw(ACCOUNT, 'SignIn',
                             GLib.Variant('(ssa{sv})', (user, password, options)),
                             timeout=timeout)

    def sign_out(self, timeout=30.0):
        return self.call_raw(ACCOUNT, 'SignOut', None, timeout=timeout)

    # -- properties -----------------------------------------------------
    def get(self, iface, prop, timeout=10.0):
        (value,) = self.call_raw(PROPS_IFACE, 'Get',
                                 GLib.Variant('(ss)', (iface_name(iface), prop)),
                                 timeout=timeout)
        return value

    def get_all(self, iface, timeout=10.0):
        (value,) = self.call_raw(PROPS_IFACE, 'GetAll', GLib.Variant('(s)', (iface_name(iface),)),
                                 timeout=timeout)
        return value

    def set(self, iface, prop, value, signature=None, timeout=10.0):
        """Set a property; value may be a GLib.Variant or a python value whose
        D-Bus type is taken from signature or the contract's SIGNATURES."""
        if not isinstance(value, GLib.Variant):
            value = GLib.Variant(signature or SIGNATURES[prop], value)
        return self.call_raw(PROPS_IFACE, 'Set',
                             GLib.Variant('(ssv)', (iface_name(iface), prop, value)),
                             timeout=timeout)

    def account(self, prop):
        return self.get(ACCOUNT, prop)

    def setting(self, prop):
        return self.get(SETTINGS, prop)

    # -- waiting ---------------------------------------------------------
    def wait_prop(self, iface, prop, expected, timeout=10.0, poll=0.25):
        """Wait until property equals expected (or expected(value) is true).

        Wakes on PropertiesChanged and also polls with Get every `poll` s.
        Returns the value; raises TimeoutError quoting the last value."""
        iface = iface_name(iface)
        check = expected if callable(expected) else (lambda v: v == expected)
        deadline = time.monotonic() + util.scaled(timeout)
        seen = len(self.changes)
        last = self.get(iface, prop)
        next_poll = time.monotonic() + poll
        while not check(last):
            pump(0.01)
            for _, ch_iface, changed, _inv in self.changes[seen:]:
                if ch_iface == iface and prop in changed:
                    last = changed[prop]
            seen = len(self.changes)
            if check(last):
                break
            now = time.monotonic()
            if now >= next_poll:
                last = self.get(iface, prop)
                next_poll = now + poll
            if now >= deadline:
                extra = ''
                if prop != 'LastError' and iface == ACCOUNT:
                    try:
                        extra = f' (LastError={self.get(ACCOUNT, "LastError")!r})'
                    except DBusCallError:
                        pass
                raise TimeoutError(f'{iface}.{prop} is {last!r}, waited '
                                   f'{util.scaled(timeout):.1f}s for {expected!r}{extra}')
        return last

    def wait_registration(self, value='registered', timeout=10.0):
        return self.wait_prop(ACCOUNT, 'Registration', value, timeout=timeout)

    def mark(self):
        """A time for since= that no signal sent before it can pass, and a
        barrier: a round trip to the daemon, handled on its main loop after
        whatever it had already queued (a property change goes out from an
        idle), so every signal it sent before is here and dispatched, with
        an earlier time. Waiting on this instead of sleeping is race-free."""
        try:
            self.call_raw(PROPS_IFACE, 'Get', GLib.Variant('(ss)', (ACCOUNT, 'State')),
                          timeout=10.0)
        except DBusCallError:
            pass   # no daemon: nothing more can come from it
        pump()
        return time.monotonic()

    def changes_of(self, iface, prop, since=0.0):
        """Values prop took in recorded PropertiesChanged signals (after `since`)."""
        pump()
        iface = iface_name(iface)
        return [changed[prop] for t, i, changed, _ in self.changes
                if i == iface and prop in changed and t >= since]

    def invalidated_of(self, iface, since=0.0):
        pump()
        iface = iface_name(iface)
        return [inv for t, i, _c, inv in self.changes if i == iface and t >= since]

    # -- bus helpers ----------------------------------------------------
    def name_has_owner(self, name=None):
        return name_has_owner(self.conn, name or self.bus_name)

    def introspect(self, path=None):
        """Gio.DBusNodeInfo of path (default /org/virtualoffice)."""
        (xml,) = self.call_raw('org.freedesktop.DBus.Introspectable', 'Introspect', None,
                               path=path)
        return Gio.DBusNodeInfo.new_for_xml(xml)

    def managed_objects(self):
        (objs,) = self.call_raw('org.freedesktop.DBus.ObjectManager', 'GetManagedObjects', None)
        return objs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
