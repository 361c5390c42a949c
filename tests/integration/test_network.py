"""NetworkType/CallsAllowed follow NetworkManager (python3-dbusmock), and a
network change re-registers."""

import time

import pytest

from conftest import DOMAIN, PASSWORD, USER
from vo_harness import ACCOUNT, SETTINGS, pump, wait_until


def wait_network(client, kind, allowed, timeout=5):
    client.wait_prop(SETTINGS, 'NetworkType', kind, timeout=timeout)
    client.wait_prop(SETTINGS, 'CallsAllowed', allowed, timeout=timeout)


@pytest.mark.parametrize('kind,expected,allowed', [
    ('wifi', 'wifi', True),
    ('ethernet', 'ethernet', True),
    ('gsm', 'cellular', False),
    ('cdma', 'cellular', False),
    ('none', 'none', False),
])
def test_network_type_at_start(h, kind, expected, allowed):
    h.start_network_manager(kind)
    h.daemon()
    client = h.client()
    wait_network(client, expected, allowed)


def test_network_switch_live(h):
    nm = h.start_network_manager('wifi')
    h.daemon()
    client = h.client()
    wait_network(client, 'wifi', True)

    nm.set_connection('ethernet')
    wait_network(client, 'ethernet', True)
    assert 'ethernet' in client.changes_of(SETTINGS, 'NetworkType')

    nm.set_connection('cellular')
    wait_network(client, 'cellular', False)
    assert False in client.changes_of(SETTINGS, 'CallsAllowed')

    # Allowing cellular data allows calls on cellular, live.
    client.set(SETTINGS, 'AllowCellularData', True)
    client.wait_prop(SETTINGS, 'CallsAllowed', True, timeout=3)
    client.set(SETTINGS, 'AllowCellularData', False)
    client.wait_prop(SETTINGS, 'CallsAllowed', False, timeout=3)

    nm.set_connection('none')
    wait_network(client, 'none', False)
    # AllowCellularData does not help without any network.
    client.set(SETTINGS, 'AllowCellularData', True)
    pump(0.5)
    assert client.setting('CallsAllowed') is False

    nm.set_connection('wifi')
    wait_network(client, 'wifi', True)
    pump(0.2)
    types = iter(client.changes_of(SETTINGS, 'NetworkType'))
    # In this order (other values in between are tolerated).
    assert all(t in types for t in ['ethernet', 'cellular', 'none', 'wifi']), \
        client.changes_of(SETTINGS, 'NetworkType')


def test_disconnected_state_means_none(h):
    """NM State alone going to DISCONNECTED (type left stale) counts as no network."""
    from vo_harness.nm import STATE_CONNECTED_GLOBAL, STATE_DISCONNECTED
    nm = h.start_network_manager('wifi')
    h.daemon()
    client = h.client()
    wait_network(client, 'wifi', True)
    nm.set_state(STATE_DISCONNECTED)
    wait_network(client, 'none', False)
    nm.set_state(STATE_CONNECTED_GLOBAL)
    wait_network(client, 'wifi', True)


def test_allow_cellular_at_start(h):
    h.start_network_manager('gsm')
    h.daemon(settings=None)
    client = h.client()
    wait_network(client, 'cellular', False)
    client.set(SETTINGS, 'AllowCellularData', True)
    d = h.daemons[0]
    assert d.restart() == 0
    c2 = h.client()
    wait_network(c2, 'cellular', True)


def test_without_network_manager(h, kam):
    """No NM on the (private) system bus: the daemon runs and still signs in."""
    h.daemon()
    client = h.client()
    props = client.get_all(SETTINGS)
    assert props['NetworkType'] in ('wifi', 'ethernet', 'cellular', 'none', 'unknown')
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    assert client.account('Registration') == 'registered'


def test_without_system_bus(h, kam):
    """No system bus at all: the daemon runs and still signs in."""
    h.daemon(system_bus=False)
    client = h.client()
    assert client.setting('NetworkType') in ('wifi', 'ethernet', 'cellular', 'none', 'unknown')
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    assert client.account('Registration') == 'registered'


def test_network_manager_appears_later(h):
    h.system_bus  # start the bus, NM not yet on it
    h.daemon()
    client = h.client()
    h.start_network_manager('ethernet')
    wait_network(client, 'ethernet', True, timeout=8)
    h.nm.set_connection('gsm')
    wait_network(client, 'cellular', False)


def _contact_key(kam):
    return sorted((c.get('Call-ID'), c.get('CSeq'), c.get('Address')) for c in kam.contacts(USER))


def _changed(kam, before):
    now = _contact_key(kam)
    return bool(now) and now != before


@pytest.mark.parametrize('to_kind', ['ethernet', 'cellular'])
def test_network_change_reregisters(h, kam, to_kind):
    nm = h.start_network_manager('wifi')
    # Long expiry: any REGISTER we see after the switch is caused by the switch.
    h.daemon(sip={'register-expires': 600})
    client = h.client()
    wait_network(client, 'wifi', True)
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    client.wait_registration('registered')
    before = _contact_key(kam)
    assert before, 'not registered at kamailio'
    pump()
    since = time.monotonic()

    nm.set_connection(to_kind)
    # A new REGISTER reaches kamailio (new CSeq or a new contact/Call-ID).
    wait_until(lambda: _changed(kam, before), 10, interval=0.1,
               what='a re-REGISTER after the network change')
    client.wait_registration('registered', timeout=10)
    # The re-registration was visible on D-Bus.
    regs = client.changes_of(ACCOUNT, 'Registration', since=since)
    assert 'registered' in regs, regs
    # Only one live contact for this daemon: the old one was refreshed in place
    # or removed, otherwise calls would fork to a dead address for 10 minutes.
    kam.wait_contacts(USER, timeout=2)
    assert len(kam.contacts(USER)) == 1, kam.contacts(USER)


def test_network_lost_and_back_reregisters(h, kam):
    nm = h.start_network_manager('wifi')
    h.daemon(sip={'register-expires': 600})
    client = h.client()
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    client.wait_registration('registered')
    before = _contact_key(kam)
    assert before, 'not registered at kamailio'
    nm.set_connection('none')
    wait_network(client, 'none', False)
    nm.set_connection('wifi')
    wait_until(lambda: _changed(kam, before), 10, interval=0.1,
               what='a re-REGISTER after the network came back')
    client.wait_registration('registered', timeout=10)
