"""A minimal SIP REGISTER client over UDP with digest auth (RFC 2617, MD5).

Only meant to check the test registrar itself and to plant/remove contacts
from tests; the daemon under test uses Sofia-SIP.
"""

import hashlib
import random
import re
import socket
import time


def _md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def _parse_auth(header):
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', header.split(' ', 1)[1]))
    return params


class SipResponse:
    def __init__(self, data):
        text = data.decode(errors='replace')
        head, _, self.body = text.partition('\r\n\r\n')
        lines = head.split('\r\n')
        parts = lines[0].split(' ', 2)
        self.status = int(parts[1])
        self.reason = parts[2] if len(parts) > 2 else ''
        self.headers = {}
        for line in lines[1:]:
            if ':' in line:
                k, _, v = line.partition(':')
                self.headers.setdefault(k.strip().lower(), []).append(v.strip())

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def __repr__(self):
        return f'<SipResponse {self.status} {self.reason}>'


class RegisterClient:
    def __init__(self, registrar_host, registrar_port, user, password, domain=None,
                 local_host='127.0.0.1'):
        self.rhost = registrar_host
        self.rport = int(registrar_port)
        self.user = user
        self.password = password
        self.domain = domain or registrar_host
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((local_host, 0))
        self.lhost, self.lport = self.sock.getsockname()
        self.call_id = f'{random.getrandbits(64):x}@{self.lhost}'
        self.tag = f'{random.getrandbits(32):x}'
        self.cseq = 0

    def close(self):
        self.sock.close()

    def _request(self, expires, auth=None):
        self.cseq += 1
        branch = f'z9hG4bK{random.getrandbits(48):x}'
        ruri = f'sip:{self.domain}'
        lines = [
            f'REGISTER {ruri} SIP/2.0',
            f'Via: SIP/2.0/UDP {self.lhost}:{self.lport};branch={branch};rport',
            'Max-Forwards: 70',
            f'From: <sip:{self.user}@{self.domain}>;tag={self.tag}',
            f'To: <sip:{self.user}@{self.domain}>',
            f'Call-ID: {self.call_id}',
            f'CSeq: {self.cseq} REGISTER',
            f'Contact: <sip:{self.user}@{self.lhost}:{self.lport}>',
            f'Expires: {expires}',
            'User-Agent: vo-harness',
        ]
        if auth:
            lines.append(auth)
        lines.append('Content-Length: 0')
        return ('\r\n'.join(lines) + '\r\n\r\n').encode(), ruri

    def _send(self, data, timeout):
        self.sock.settimeout(0.5)
        deadline = time.monotonic() + timeout
        self.sock.sendto(data, (self.rhost, self.rport))
        last_send = time.monotonic()
        while time.monotonic() < deadline:
            try:
                pkt, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                if time.monotonic() - last_send > 0.5:
                    self.sock.sendto(data, (self.rhost, self.rport))
                    last_send = time.monotonic()
                continue
            resp = SipResponse(pkt)
            if resp.status >= 200:
                return resp
        raise TimeoutError('no final answer to REGISTER')

    def register(self, expires=60, timeout=5.0):
        """REGISTER (answering one challenge). Returns the final SipResponse."""
        data, ruri = self._request(expires)
        resp = self._send(data, timeout)
        if resp.status in (401, 407):
            hdr = resp.header('www-authenticate') or resp.header('proxy-authenticate')
            p = _parse_auth(hdr)
            ha1 = _md5(f'{self.user}:{p["realm"]}:{self.password}')
            ha2 = _md5(f'REGISTER:{ruri}')
            auth_name = 'Authorization' if resp.status == 401 else 'Proxy-Authorization'
            if 'qop' in p:
                nc = '00000001'
                cnonce = f'{random.getrandbits(32):x}'
                response = _md5(f'{ha1}:{p["nonce"]}:{nc}:{cnonce}:auth:{ha2}')
                auth = (f'{auth_name}: Digest username="{self.user}", realm="{p["realm"]}", '
                        f'nonce="{p["nonce"]}", uri="{ruri}", response="{response}", '
                        f'algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"')
            else:
                response = _md5(f'{ha1}:{p["nonce"]}:{ha2}')
                auth = (f'{auth_name}: Digest username="{self.user}", realm="{p["realm"]}", '
                        f'nonce="{p["nonce"]}", uri="{ruri}", response="{response}", '
                        'algorithm=MD5')
            data, _ = self._request(expires, auth)
            resp = self._send(data, timeout)
        return resp

    def unregister(self, timeout=5.0):
        return self.register(expires=0, timeout=timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
