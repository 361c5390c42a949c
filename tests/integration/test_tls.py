"""SIP over TLS: kamailio's TLS listener with a certificate from a test CA the
harness makes (openssl); two daemons sign in, call, message and see each
other's presence over it; bad certificates are refused with a message that
names the problem, and without retrying."""

import os
import socket
import ssl
import threading

import pytest
from gi.repository import GLib

from calls_support import ERR, DBusCallError, Party, stop_extra_buses
from vo_harness import util
from vo_harness.client import ACCOUNT, pump
from vo_harness.tlsca import TestCA

PASSWORDS = {'alice': 'alice-pw', 'bob': 'bob-pw'}
MESSAGES = 'org.virtualoffice.Messages1'
CONVERSATION = 'org.virtualoffice.Conversation1'
PRESENCE = 'org.virtualoffice.Presence1'


@pytest.fixture
def ca(h):
    return TestCA(os.path.join(h.workdir, 'ca'))


def tls_kamailio(h, cert, extra=()):
    crt, key = cert
    return h.start_kamailio(users=PASSWORDS, defines=('WITH_DEBUG', 'WITH_TLS', *extra),
                            tls_cert=crt, tls_key=key)


@pytest.fixture
def parties(h, ca):
    """Make parties signed in over TLS at a kamailio whose certificate the
    daemons trust through [sip] ca-file."""
    kam = tls_kamailio(h, ca.server('server', san=False), extra=('WITH_PRESENCE',))
    made = []

    def make(user, **kw):
        p = Party(h, kam, user, PASSWORDS[user], sip={'ca-file': ca.cert},
                  sign_in={'registrar': f'sips:{kam.tls_hostport}'}, **kw)
        made.append(p)
        return p
    make.kam = kam
    yield make
    stop_extra_buses(h)


def kam_requests(kam, method):
    """Requests kamailio logged (WITH_DEBUG): (request URI, proto) pairs."""
    out = []
    with open(kam.log, errors='replace') as f:
        for line in f:
            if f'REQ {method} ' in line:
                uri = line.split(f'REQ {method} ', 1)[1].split(' ', 1)[0]
                proto = line.rsplit('(', 1)[1].split(':', 1)[0]
                out.append((uri, proto))
    return out


# -- sign-in ----------------------------------------------------------------
def test_sign_in_over_tls_registers_a_tls_contact(parties):
    alice = parties('alice')
    kam = parties.kam
    contacts = kam.contacts('alice')
    assert len(contacts) == 1
    address = contacts[0]['Address']
    assert address.startswith('sips:') or 'transport=tls' in address.lower(), address
    registers = kam_requests(kam, 'REGISTER')
    assert registers and all(proto == 'tls' for _, proto in registers), registers
    assert alice.client.get(ACCOUNT, 'Registration') == 'registered'
    assert alice.client.get(ACCOUNT, 'LastError') == ''
