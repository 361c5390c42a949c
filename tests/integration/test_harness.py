"""Self-checks of tests/vo_harness without vo-daemon: when these fail, the
other integration failures are probably the harness's, not the daemon's."""

import os
import subprocess
import time

import pytest

from vo_harness import Harness, RegisterClient, client as vo_client
from vo_harness.nm import NM_BUS


def pids_of(*procs):
    return [p.pid for p in procs if p is not None]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split(') ', 1)[1][0] != 'Z'
    except OSError:
        return False


def kamailio_pids(kam):
    r = subprocess.run(['pgrep', '-f', kam.cfg], capture_output=True, text=True)
    return [int(p) for p in r.stdout.split()]


@pytest.mark.parametrize('domain', ['vo.test', None])
def test_kamailio_register_and_restart(h, domain):
    kam = h.start_kamailio(users={'alice': 'pw-a'})
    with RegisterClient('127.0.0.1', kam.port, 'alice', 'pw-a', domain=domain) as c:
        assert c.register(expires=30).status == 200
        contacts = kam.contacts('alice')
        assert len(contacts) == 1 and contacts[0]['Address'].startswith('sip:alice@127.0.0.1:')
        assert kam.contacts('alice@vo.test') == contacts
        assert c.unregister().status == 200
        assert kam.contacts('alice') == []
        assert c.register(expires=30).status == 200
    kam.restart()
    assert kam.contacts('alice') == []
    with RegisterClient('127.0.0.1', kam.port, 'alice', 'pw-a', domain=domain) as c:
        assert c.register(expires=30).status == 200
    assert kam.contacts('alice')


@pytest.mark.parametrize('defines,status', [((), 401), (('WITH_AUTH_FORBIDDEN',), 403)])
def test_kamailio_wrong_password(h, defines, status):
    kam = h.start_kamailio(users={'alice': 'pw-a'}, defines=defines)
    with RegisterClient('127.0.0.1', kam.port, 'alice', 'nope', domain='vo.test') as c:
        assert c.register().status == status
    assert kam.contacts('alice') == []


def test_kamailio_short_expiry_is_forgotten(h):
    kam = h.start_kamailio(users={'alice': 'pw-a'})
    with RegisterClient('127.0.0.1', kam.port, 'alice', 'pw-a') as c:
        assert c.register(expires=2).status == 200
    assert kam.contacts('alice')
    kam.wait_contacts('alice', present=False, timeout=6)


def test_kamailio_optional_features_start(h):
    kam = h.start_kamailio(users={'alice': 'pw-a'},
                           defines=('WITH_MSILO', 'WITH_PROXY_AUTH', 'WITH_DEBUG'))
    with RegisterClient('127.0.0.1', kam.port, 'alice', 'pw-a') as c:
        assert c.register(expires=30).status == 200


def test_network_manager_mock(h):
    nm = h.start_network_manager('wifi')
    assert nm.get('PrimaryConnectionType') == '802-11-wireless'
    assert nm.get('State') == 70
    c = vo_client.VoClient(h.system_bus.address, bus_name=NM_BUS,
                           path='/org/freedesktop/NetworkManager')
    try:
        nm.set_connection('cellular')
        vo_client.pump(0.3)
        changed = [ch for _, iface, ch, _ in c.changes
                   if iface == 'org.freedesktop.NetworkManager']
        assert any(ch.get('PrimaryConnectionType') == 'gsm' for ch in changed), changed
        path = nm.get('PrimaryConnection')
        typ = nm.conn.call_sync(NM_BUS, path, 'org.freedesktop.DBus.Properties', 'Get',
                                vo_client.GLib.Variant(
                                    '(ss)', ('org.freedesktop.NetworkManager.Connection.Active',
                                             'Type')), None, 0, 5000, None).unpack()[0]
        assert typ == 'gsm'
        nm.set_connection('none')
        assert nm.get('State') == 20
        assert nm.get('PrimaryConnection') == '/'
    finally:
        c.close()


def test_everything_is_torn_down():
    h = Harness()
    kam = h.start_kamailio(users={'alice': 'pw'})
    h.start_network_manager('ethernet')
    pids = pids_of(h.session_bus.proc, h.system_bus.proc, h.nm.proc) + kamailio_pids(kam)
    assert len(pids) > 4
    workdir = h.workdir
    h.close()
    deadline = time.monotonic() + 5
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if alive(p)]
    assert not os.path.exists(workdir)


def _send_message(kam, to, sock):
    port = sock.getsockname()[1]
    data = (f'MESSAGE sip:{to} SIP/2.0\r\n'
            f'Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{time.monotonic_ns()};rport\r\n'
            'Max-Forwards: 70\r\nFrom: <sip:carol@vo.test>;tag=1\r\n'
            f'To: <sip:{to}>\r\nCall-ID: {time.monotonic_ns()}@harness\r\nCSeq: 1 MESSAGE\r\n'
            'Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello').encode()
    sock.sendto(data, ('127.0.0.1', kam.port))


@pytest.mark.parametrize('msilo', [False, True])
def test_kamailio_routes_message(h, msilo):
    import socket
    kam = h.start_kamailio(users={'bob': 'pw-b'}, defines=('WITH_MSILO',) if msilo else ())
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as carol:
        carol.bind(('127.0.0.1', 0))
        carol.settimeout(3)
        _send_message(kam, 'bob@vo.test', carol)
        status = carol.recvfrom(65535)[0].split(b'\r\n')[0]
        assert status.startswith(b'SIP/2.0 202' if msilo else b'SIP/2.0 404'), status
        with RegisterClient('127.0.0.1', kam.port, 'bob', 'pw-b', domain='vo.test') as bob:
            assert bob.register(expires=30).status == 200
            bob.sock.settimeout(3)
            if msilo:   # the stored message is delivered after REGISTER
                got = bob.sock.recvfrom(65535)[0]
                assert got.startswith(b'MESSAGE sip:bob@') and b'hello' in got, got
            _send_message(kam, 'bob@127.0.0.1', carol)
            got = bob.sock.recvfrom(65535)[0]
            while msilo and b'Offline message' in got:   # retransmission of the dump
                got = bob.sock.recvfrom(65535)[0]
            assert got.startswith(b'MESSAGE sip:bob@') and b'hello' in got, got
