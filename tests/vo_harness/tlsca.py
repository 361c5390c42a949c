"""A throw-away certificate authority for TLS tests, made with the openssl CLI.

TestCA(dir) makes a CA; server(name, ...) issues a server certificate (key and
certificate in PEM files). Also: a CA nobody trusts, a certificate for another
name, and an expired one, for the refusal tests.
"""

import os
import subprocess


def _openssl(*args, cwd):
    r = subprocess.run(['openssl', *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f'openssl {" ".join(args)} failed: {r.stderr}')
    return r.stdout


class TestCA:
    __test__ = False  # not a pytest class

    def __init__(self, workdir, name='vo test CA'):
        self.dir = workdir
        os.makedirs(self.dir, exist_ok=True)
        self.key = os.path.join(self.dir, 'ca.key')
        self.cert = os.path.join(self.dir, 'ca.pem')
        _openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', self.key,
                 '-out', self.cert, '-days', '2', '-subj', f'/CN={name}',
                 '-addext', 'basicConstraints=critical,CA:TRUE',
                 '-addext', 'keyUsage=critical,keyCertSign,cRLSign', cwd=self.dir)

    def server(self, label, dns=('localhost',), ips=('127.0.0.1',), expired=False, san=True):
        """Issue a server certificate; returns (cert_path, key_path).
        expired=True: valid only on 2020-01-01 (openssl ca). san=False: the
        name only in the CN (what Sofia-SIP 1.12.11 needs for an IP address:
        with SANs present it ignores the CN, and it cannot read IP SANs)."""
        key = os.path.join(self.dir, f'{label}.key')
        csr = os.path.join(self.dir, f'{label}.csr')
        cert = os.path.join(self.dir, f'{label}.pem')
        ext = os.path.join(self.dir, f'{label}.ext')
        names = ','.join([f'DNS:{d}' for d in dns] + [f'IP:{i}' for i in ips])
        cn = (list(ips) + list(dns))[0]
        with open(ext, 'w') as f:
            f.write('basicConstraints=CA:FALSE\n' + (f'subjectAltName={names}\n' if san else '') +
                    'keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n')
        _openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr,
                 '-subj', f'/CN={cn}', cwd=self.dir)
        if expired:
            self._sign_expired(csr, cert, ext, label)
        else:
            _openssl('x509', '-req', '-in', csr, '-CA', self.cert, '-CAkey', self.key,
                     '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext,
                     cwd=self.dir)
        return cert, key

    def _sign_expired(self, csr, cert, ext, label):
        # `openssl ca` takes explicit start and end dates; x509 -req cannot.
        db = os.path.join(self.dir, f'{label}.index')
        open(db, 'w').close()
        conf = os.path.join(self.dir, f'{label}.cnf')
        with open(conf, 'w') as f:
            f.write('[ca]\ndefault_ca=test\n[test]\n'
                    f'database={db}\nnew_certs_dir={self.dir}\n'
                    f'certificate={self.cert}\nprivate_key={self.key}\n'
                    f'serial={os.path.join(self.dir, label + ".serial")}\n'
                    'default_md=sha256\npolicy=any\nunique_subject=no\n'
                    '[any]\ncommonName=supplied\n')
        with open(os.path.join(self.dir, f'{label}.serial'), 'w') as f:
            f.write('1000\n')
        _openssl('ca', '-batch', '-config', conf, '-in', csr, '-out', cert,
                 '-startdate', '20200101000000Z', '-enddate', '20200102000000Z',
                 '-extfile', ext, '-notext', cwd=self.dir)
