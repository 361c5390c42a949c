"""The bus name, object, ObjectManager and introspection match dbus/*.xml."""

import os
import subprocess

import pytest
from gi.repository import Gio, GLib

from vo_harness import ACCOUNT, OBJECT_PATH, SETTINGS
from vo_harness.util import REPO_ROOT

XML_DIR = os.path.join(REPO_ROOT, 'dbus')
CONTACTS = 'org.virtualoffice.Contacts1'


def contract_interface(name):
    with open(os.path.join(XML_DIR, f'{name}.xml')) as f:
        node = Gio.DBusNodeInfo.new_for_xml(f.read())
    return node.lookup_interface(name)


def test_root_object_interfaces(h, client):
    node = client.introspect()
    names = {i.name for i in node.interfaces}
    for iface in (ACCOUNT, SETTINGS, CONTACTS, 'org.freedesktop.DBus.Properties',
                  'org.freedesktop.DBus.ObjectManager', 'org.freedesktop.DBus.Introspectable'):
        assert iface in names, f'{iface} missing on {OBJECT_PATH}: {sorted(names)}'


def test_object_manager_answers(h, client):
    objects = client.managed_objects()
    assert isinstance(objects, dict)
    # Wherever the singletons are reported, it is with their properties.
    for path, ifaces in objects.items():
        assert path.startswith(OBJECT_PATH), path
        if ACCOUNT in ifaces:
            assert 'State' in ifaces[ACCOUNT]
        if SETTINGS in ifaces:
            assert 'NetworkType' in ifaces[SETTINGS]


@pytest.mark.parametrize('iface', [ACCOUNT, SETTINGS, CONTACTS])
def test_introspection_matches_contract(h, client, iface):
    want = contract_interface(iface)
    have = client.introspect().lookup_interface(iface)
    assert have is not None
    for m in want.methods:
        got = have.lookup_method(m.name)
        assert got is not None, f'{iface}.{m.name} missing'
        assert [(a.signature) for a in got.in_args] == [a.signature for a in m.in_args], m.name
        assert [(a.signature) for a in got.out_args] == [a.signature for a in m.out_args], m.name
    for p in want.properties:
        got = have.lookup_property(p.name)
        assert got is not None, f'{iface}.{p.name} missing'
        assert got.signature == p.signature, p.name
        assert got.flags == p.flags, f'{p.name}: access differs'
    for sig in want.signals:
        got = have.lookup_signal(sig.name)
        assert got is not None, f'{iface}.{sig.name} missing'
        assert [a.signature for a in got.args] == [a.signature for a in sig.args], sig.name


@pytest.mark.parametrize('iface', [ACCOUNT, SETTINGS])
def test_get_all_has_every_property(h, client, iface):
    want = contract_interface(iface)
    props = client.get_all(iface)
    for p in want.properties:
        assert p.name in props, f'{iface}.{p.name} not in GetAll: {sorted(props)}'


def test_initial_account_properties(h, client):
    props = client.get_all(ACCOUNT)
    assert props['State'] == 'signed-out'
    assert props['Registration'] == 'unregistered'
    assert props['Capabilities'] == ['registration', 'calls', 'history', 'presence', 'messages']


def test_bus_name_single_instance(h, client):
    """A second daemon on the same bus does not steal the name (no --replace)."""
    d1 = h.daemons[0]
    owner = client.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                  'org.freedesktop.DBus', 'GetNameOwner',
                                  GLib.Variant('(s)', ('org.virtualoffice',)), None, 0, 5000,
                                  None).unpack()[0]
    d2 = h.daemon(start=False)
    d2.start(wait=False)
    try:
        d2.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    assert d1.running
    now = client.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                'org.freedesktop.DBus', 'GetNameOwner',
                                GLib.Variant('(s)', ('org.virtualoffice',)), None, 0, 5000,
                                None).unpack()[0]
    assert now == owner, 'the second vo-daemon took over org.virtualoffice without --replace'
    assert client.account('State') == 'signed-out'
