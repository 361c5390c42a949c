"""A private Evolution Data Server on the test's private session bus.

EDS's own processes (evolution-source-registry, evolution-addressbook-factory)
run with HOME and the XDG folders in the test's work folder, so nothing of the
real user's is read or written, and GSETTINGS_BACKEND=memory.

    eds = start_eds(h)                       # stopped by h's teardown
    uids = eds.seed([VCARD, ...])            # into the local "system-address-book"
    eds.modify(vcard_with_uid); eds.remove([uid])
    eds.contacts()                           # the book's vCards, read back by EBook
    with eds.watch() as view:                # an EBookClientView in a helper
        view.wait_for('added', uid)

The EBook calls run in a short helper process (python3 -m vo_harness.eds CMD,
gi's EBook/EDataServer), which connects to the private bus through its
environment: the test process's own GDBus session singleton is never touched.
"""

import json
import os
import queue
import subprocess
import sys
import threading

from . import util

LIBEXEC = '/usr/libexec'
REGISTRY_NAME = 'org.gnome.evolution.dataserver.Sources5'
ADDRESS_BOOK_NAME = 'org.gnome.evolution.dataserver.AddressBook10'
# How long EDS takes to own its names and to open the book, at most.
START_TIMEOUT = 30.0


class EDS:
    """evolution-source-registry + evolution-addressbook-factory on the bus
    at session_address, with their files under workdir/eds."""

    def __init__(self, workdir, session_address):
        self.workdir = os.path.join(workdir, 'eds')
        self.home = os.path.join(self.workdir, 'home')
        self.session_address = session_address
        self.log = os.path.join(self.workdir, 'eds.log')
        self.procs = []

    def env(self):
        env = dict(os.environ)
        for k in ('DBUS_STARTER_ADDRESS', 'DBUS_STARTER_BUS_TYPE'):
            env.pop(k, None)
        env.update({
            'DBUS_SESSION_BUS_ADDRESS': self.session_address,
            # No system bus: EDS's network monitor stays GLib's plain one.
            'DBUS_SYSTEM_BUS_ADDRESS': 'unix:path=/nonexistent/vo-test',
            'GIO_USE_NETWORK_MONITOR': 'base',
            'HOME': self.home,
            'XDG_CONFIG_HOME': os.path.join(self.home, '.config'),
            'XDG_DATA_HOME': os.path.join(self.home, '.local', 'share'),
            'XDG_CACHE_HOME': os.path.join(self.home, '.cache'),
            'XDG_RUNTIME_DIR': self.home,
            'GSETTINGS_BACKEND': 'memory',
            'GIO_USE_VFS': 'local',
            'PYTHONPATH': os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        })
        return env

    # -- processes -----------------------------------------------------------
    def start(self):
        os.makedirs(self.home, mode=0o700, exist_ok=True)
        util.register_log('evolution-data-server', self.log)
        for exe, name in (('evolution-source-registry', REGISTRY_NAME),
                          ('evolution-addressbook-factory', ADDRESS_BOOK_NAME)):
            with open(self.log, 'ab') as logf:
                proc = util.spawn([os.path.join(LIBEXEC, exe)], env=self.env(), stdout=logf,
                                  stderr=subprocess.STDOUT)
            self.procs.append(proc)
            util.wait_until(lambda n=name, p=proc: self._owned(n, p),
                            util.scaled(START_TIMEOUT), what=f'{exe} to own {name}')
        return self

    def _owned(self, name, proc):
        if proc.poll() is not None:
            raise RuntimeError(f'{proc.args[0]} exited with {proc.returncode}; see {self.log}')
        return name in self.bus_names()

    def bus_names(self):
        """The names owned on the private bus (its own connection, not the
        process's session singleton)."""
        from gi.repository import Gio, GLib
        conn = Gio.DBusConnection.new_for_address_sync(
            self.session_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        try:
            reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                   'org.freedesktop.DBus', 'ListNames', None,
                                   GLib.VariantType('(as)'), Gio.DBusCallFlags.NONE, -1, None)
            return set(reply.unpack()[0])
        finally:
            conn.close_sync(None)

    def stop(self):
        # The factory first: it is the registry's client. The factory's
        # per-book subprocesses are in its process group.
        for proc in reversed(self.procs):
            util.terminate(proc, timeout=util.scaled(10))
        self.procs = []

    # -- the address book, through EBook in a helper process ------------------
    def _helper(self, command, payload=None):
        r = subprocess.run([sys.executable, '-m', 'vo_harness.eds', command],
                           input=json.dumps(payload), env=self.env(), capture_output=True,
                           text=True, timeout=util.scaled(60), check=False)
        if r.returncode != 0:
            raise RuntimeError(f'eds helper {command} failed ({r.returncode}): {r.stderr}')
        return json.loads(r.stdout)

    def seed(self, vcards):
        """Adds the vCards to the system address book; their new UIDs."""
        return self._helper('add', list(vcards))

    def add(self, vcard):
        return self.seed([vcard])[0]

    def modify(self, vcard):
        """Replaces the contact with the vCard's UID."""
        self._helper('modify', [vcard])

    def remove(self, uids):
        self._helper('remove', list(uids))

    def contacts(self):
        """{uid: vCard text} of every contact in the system address book."""
        return self._helper('list')

    def book_uid(self):
        """The system address book's source UID (device ids are
        "device:" + this + ":" + the contact's UID)."""
        return self._helper('book-uid')

    def watch(self):
        return View(self)


class View:
    """An EBookClientView of the system address book in a helper process:
    every added/modified/removed notification as an event."""

    def __init__(self, eds):
        self.eds = eds
        self.events = queue.Queue()
        self.proc = None
        self.stderr = []

    def start(self):
        self.proc = util.spawn([sys.executable, '-m', 'vo_harness.eds', 'watch'],
                               env=self.eds.env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr),
                         daemon=True).start()
        self.wait_for('complete')
        return self

    def _read(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put({'event': 'exited', 'uids': []})

    def wait_for(self, event, uid=None, timeout=30.0):
        """The next event named event (with uid among its uids, when given);
        earlier ones are skipped."""
        deadline = util.scaled(timeout)
        while True:
            try:
                e = self.events.get(timeout=deadline)
            except queue.Empty:
                raise TimeoutError(f'no {event} {uid or ""} from the EDS view; '
                                   f'stderr: {self.stderr[-20:]}') from None
            if e['event'] == 'exited':
                raise RuntimeError(f'the EDS view helper exited: {self.stderr[-20:]}')
            if e['event'] == event and (uid is None or uid in e['uids']):
                return e

    def stop(self):
        if self.proc is not None:
            util.terminate(self.proc, timeout=util.scaled(5))
            self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def start_eds(h):
    """A private EDS on h's session bus, stopped with h's other peers."""
    eds = EDS(h.workdir, h.session_bus.address).start()
    h.peers.append(eds)
    return eds


# -- the helper process: EBook calls on the bus of its environment ------------
def _open_book():
    import gi
    gi.require_version('EDataServer', '1.2')
    gi.require_version('EBook', '1.2')
    gi.require_version('EBookContacts', '1.2')
    from gi.repository import EBook, EDataServer
    registry = EDataServer.SourceRegistry.new_sync(None)
    source = registry.ref_builtin_address_book()
    # Not waiting for "connected" (0xFFFFFFFF is EDS's -1): a local book is
    # usable at once, and the wait runs to its timeout on a private bus.
    return source, EBook.BookClient.connect_sync(source, 0xFFFFFFFF, None)


def _contacts_of(vcards):
    from gi.repository import EBookContacts
    return [EBookContacts.Contact.new_from_vcard(v) for v in vcards]


def _uid(contact):
    from gi.repository import EBookContacts
    return contact.get_property('id')


def _watch(client):
    from gi.repository import EBookContacts, GLib
    loop = GLib.MainLoop()
    query = EBookContacts.BookQuery.any_field_contains('').to_string()
    ok, view = client.get_view_sync(query, None)

    def emit(event, uids):
        print(json.dumps({'event': event, 'uids': list(uids)}), flush=True)
    view.connect('objects-added', lambda _v, cs: emit('added', [_uid(c) for c in cs]))
    view.connect('objects-modified', lambda _v, cs: emit('modified', [_uid(c) for c in cs]))
    view.connect('objects-removed', lambda _v, uids: emit('removed', uids))
    view.connect('complete', lambda _v, _e: emit('complete', []))
    view.start()
    loop.run()


def _main(command):
    source, client = _open_book()
    payload = json.loads(sys.stdin.read() or 'null') if command != 'watch' else None
    if command == 'add':
        ok, uids = client.add_contacts_sync(_contacts_of(payload), 0, None)
        result = list(uids)
    elif command == 'modify':
        client.modify_contacts_sync(_contacts_of(payload), 0, None)
        result = None
    elif command == 'remove':
        client.remove_contacts_sync(payload, 0, None)
        result = None
    elif command == 'list':
        from gi.repository import EBookContacts
        ok, contacts = client.get_contacts_sync(
            EBookContacts.BookQuery.any_field_contains('').to_string(), None)
        # The enum's member is named "30", which Python cannot spell.
        vcard_30 = getattr(EBookContacts.VCardFormat, '30')
        result = {_uid(c): c.to_string(vcard_30) for c in contacts}
    elif command == 'book-uid':
        result = source.get_uid()
    elif command == 'watch':
        _watch(client)
        return
    else:
        raise SystemExit(f'unknown command {command}')
    print(json.dumps(result))


if __name__ == '__main__':
    _main(sys.argv[1])
