"""python3-dbusmock's NetworkManager template on a private system bus.

The stock template has no PrimaryConnection/PrimaryConnectionType; we add them
(plus an active-connection object whose Type matches) so a daemon can read
either the manager's PrimaryConnectionType or the primary connection's Type.
"""

import os

from gi.repository import GLib

from . import client, util

NM_BUS = 'org.freedesktop.NetworkManager'
NM_PATH = '/org/freedesktop/NetworkManager'
NM_IFACE = 'org.freedesktop.NetworkManager'
ACTIVE_IFACE = 'org.freedesktop.NetworkManager.Connection.Active'
MOCK_IFACE = 'org.freedesktop.DBus.Mock'

# NMState
STATE_ASLEEP = 10
STATE_DISCONNECTED = 20
STATE_CONNECTING = 40
STATE_CONNECTED_LOCAL = 50
STATE_CONNECTED_SITE = 60
STATE_CONNECTED_GLOBAL = 70

# Friendly kind -> NM connection type string
KINDS = {
    'wifi': '802-11-wireless',
    'ethernet': '802-3-ethernet',
    'cellular': 'gsm',
    'gsm': 'gsm',
    'cdma': 'cdma',
    'bluetooth': 'bluetooth',
    'vpn': 'vpn',
    'none': '',
}


class MockNetworkManager:
    def __init__(self, system_bus, workdir, kind='wifi'):
        self.bus = system_bus
        self.workdir = workdir
        self.log = os.path.join(workdir, 'dbusmock-nm.log')
        self.proc = None
        self.conn = None
        self.kind = None
        self._active = {}   # NM type -> active connection object path
        self._initial = kind
        util.register_log(f'NetworkManager mock log ({self.log})', self.log)

    def start(self, timeout=15.0):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address,
                   PYTHONDONTWRITEBYTECODE='1')
        with open(self.log, 'ab') as logf:
            self.proc = util.spawn(['/usr/bin/python3', '-m', 'dbusmock', '--system',
                                    '--template', 'networkmanager', '-l', self.log + '.calls'],
                                   env=env, stdout=logf, stderr=logf)
        self.conn = client.connect(self.bus.address)

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError('dbusmock NetworkManager exited:\n' + util.tail(self.log, 30))
            return client.name_has_owner(self.conn, NM_BUS)
        util.wait_until(up, util.scaled(timeout), what='dbusmock NetworkManager on the bus')
        self._mock(NM_PATH, 'AddProperty', '(ssv)',
                   (NM_IFACE, 'PrimaryConnection', GLib.Variant('o', '/')))
        self._mock(NM_PATH, 'AddProperty', '(ssv)',
                   (NM_IFACE, 'PrimaryConnectionType', GLib.Variant('s', '')))
        self._mock(NM_PATH, 'AddProperty', '(ssv)',
                   (NM_IFACE, 'Metered', GLib.Variant('u', 0)))
        if self._initial is not None:
            self.set_connection(self._initial)
        return self

    def stop(self):
        if self.conn is not None:
            try:
                self.conn.close_sync(None)
            except GLib.Error:
                pass
            self.conn = None
        util.terminate(self.proc, timeout=5)
        self.proc = None

    def _mock(self, path, method, sig, args):
        self.conn.call_sync(NM_BUS, path, MOCK_IFACE, method, GLib.Variant(sig, args), None,
                            0, 10000, None)

    def _active_path(self, nm_type):
        if nm_type not in self._active:
            path = f'{NM_PATH}/ActiveConnection/{len(self._active) + 1}'
            props = {
                'Type': GLib.Variant('s', nm_type),
                'Id': GLib.Variant('s', f'test-{nm_type}'),
                'Uuid': GLib.Variant('s', f'00000000-0000-4000-8000-{len(self._active) + 1:012d}'),
                'State': GLib.Variant('u', 2),
                'Default': GLib.Variant('b', True),
                'Default6': GLib.Variant('b', False),
                'Vpn': GLib.Variant('b', nm_type == 'vpn'),
                'Devices': GLib.Variant('ao', []),
                'Connection': GLib.Variant('o', '/'),
                'SpecificObject': GLib.Variant('o', '/'),
            }
            self._mock('/org/freedesktop', 'AddObject', '(ssa{sv}a(ssss))',
                       (path, ACTIVE_IFACE, props, []))
            self._active[nm_type] = path
        return self._active[nm_type]

    def set_connection(self, kind, state=None):
        """Switch the primary connection: 'wifi', 'ethernet', 'cellular' (gsm),
        'cdma', 'bluetooth', 'vpn' or 'none' (disconnected). Emits
        PropertiesChanged for ActiveConnections, then PrimaryConnection, then one
        for PrimaryConnectionType/State/Connectivity/Metered together, then NM's
        own StateChanged."""
        nm_type = KINDS.get(kind, kind)
        if state is None:
            state = STATE_CONNECTED_GLOBAL if nm_type else STATE_DISCONNECTED
        path = self._active_path(nm_type) if nm_type else '/'
        # dbusmock's UpdateProperties cannot wrap object paths or arrays, so
        # those go first through Properties.Set (one signal each)...
        for name, value in (('ActiveConnections', GLib.Variant('ao', [path] if nm_type else [])),
                            ('PrimaryConnection', GLib.Variant('o', path))):
            self.conn.call_sync(NM_BUS, NM_PATH, 'org.freedesktop.DBus.Properties', 'Set',
                                GLib.Variant('(ssv)', (NM_IFACE, name, value)), None, 0, 10000,
                                None)
        # ...and the type/state in one PropertiesChanged.
        props = {
            'PrimaryConnectionType': GLib.Variant('s', nm_type),
            'State': GLib.Variant('u', state),
            'Connectivity': GLib.Variant('u', 4 if state >= STATE_CONNECTED_GLOBAL else 1),
            'Metered': GLib.Variant('u', 1 if nm_type in ('gsm', 'cdma') else 4),
        }
        self._mock(NM_PATH, 'UpdateProperties', '(sa{sv})', (NM_IFACE, props))
        self._mock(NM_PATH, 'EmitSignal', '(sssav)',
                   (NM_IFACE, 'StateChanged', 'u', [GLib.Variant('u', state)]))
        self.kind = kind
        return self

    def set_state(self, state):
        """Only change the global NMState (e.g. STATE_DISCONNECTED)."""
        self._mock(NM_PATH, 'UpdateProperties', '(sa{sv})',
                   (NM_IFACE, {'State': GLib.Variant('u', state)}))
        self._mock(NM_PATH, 'EmitSignal', '(sssav)',
                   (NM_IFACE, 'StateChanged', 'u', [GLib.Variant('u', state)]))

    def get(self, prop):
        reply = self.conn.call_sync(NM_BUS, NM_PATH, 'org.freedesktop.DBus.Properties', 'Get',
                                    GLib.Variant('(ss)', (NM_IFACE, prop)), None, 0, 5000, None)
        return reply.unpack()[0]
