"""pytest fixtures for the vo-daemon integration tests (see tests/vo_harness)."""

import os
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from vo_harness import Harness, util  # noqa: E402

USER = 'alice'
PASSWORD = 'Alice-pw-4a7c19'
BOB = 'bob'
BOB_PASSWORD = 'Bob-pw-90d2e3'
DOMAIN = 'vo.test'


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: takes more than a few seconds')


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f'rep_{rep.when}', rep)
    if not rep.failed:
        return
    h = item.funcargs.get('h') if hasattr(item, 'funcargs') else None
    if h is not None:
        rep.sections.append(('harness', f'work folder: {h.workdir} (kept)'))
        if h._voctl is not None and h._voctl.history:
            lines = []
            for argv, r in h._voctl.history[-15:]:
                lines.append(f'$ {" ".join(argv[1:])}\n  exit {r.returncode}\n'
                             f'  stdout: {r.stdout!r}\n  stderr: {r.stderr!r}')
            rep.sections.append(('vo-ctl calls', '\n'.join(lines)))
        for m in h.monitors:
            rep.sections.append(('vo-ctl monitor output',
                                 '\n'.join(m.lines[-100:]) + '\nstderr:\n' + '\n'.join(m.stderr)))
    for title, path in util.registered_logs():
        rep.sections.append((title, util.tail(path, 300)))


@pytest.fixture
def h(request):
    """The per-test Harness: private buses, kamailio, daemons, all torn down."""
    util.clear_logs()
    harness = Harness()
    yield harness
    failed = any(getattr(request.node, f'rep_{w}', None) is not None
                 and getattr(request.node, f'rep_{w}').failed for w in ('setup', 'call'))
    bad = []
    # Stop the daemons first: sanitizers report leaks only when they exit.
    for d in harness.daemons:
        try:
            running = d.proc is not None and d.proc.poll() is None
            rc = d.stop()
            if running and rc != 0:
                bad.append(f'vo-daemon exited with {rc} when stopped with SIGTERM at teardown')
        except Exception as e:  # noqa: BLE001 - reported below, teardown goes on
            bad.append(f'stopping vo-daemon failed: {e}')
        bad += d.bad_log_lines()
    harness.close(failed=failed or bool(bad))
    leftover = [p.args for p in list(util._LIVE) if p.poll() is None]
    assert not leftover, f'processes left running after teardown: {leftover}'
    assert not bad, 'vo-daemon logged criticals/sanitizer errors:\n' + '\n'.join(bad[:20])


@pytest.fixture
def kam(h):
    """Kamailio with alice and bob; WITH_DEBUG logs every request."""
    return h.start_kamailio(users={USER: PASSWORD, BOB: BOB_PASSWORD}, defines=('WITH_DEBUG',))


@pytest.fixture
def daemon(h):
    """A running vo-daemon (private system bus without NetworkManager)."""
    return h.daemon()


@pytest.fixture
def client(h, daemon):
    return h.client()


@pytest.fixture
def signed_in(h, kam, daemon, client):
    """alice signed in and registered at kamailio (domain vo.test)."""
    client.sign_in(USER, PASSWORD, registrar=kam.hostport, domain=DOMAIN)
    client.wait_registration('registered')
    return client


def register_count(kam, user=USER):
    """How many REGISTERs for user kamailio has logged (needs WITH_DEBUG)."""
    with open(kam.log, errors='replace') as f:
        return sum(1 for line in f if 'REQ REGISTER' in line and f'sip:{user}@' in line)


@pytest.fixture
def mail_sink():
    """An SMTP sink (aiosmtpd, vo_harness.mail.MailSink) the reference service mails to."""
    from vo_harness.mail import MailSink
    sink = MailSink()
    yield sink
    sink.stop()


@pytest.fixture(scope='session')
def service_tls(tmp_path_factory):
    """(TestCA, cert, key): the test CA and the reference service's certificate
    for 127.0.0.1, made once per run (RSA key generation is slow)."""
    from vo_harness.tlsca import TestCA
    ca = TestCA(str(tmp_path_factory.mktemp('service-ca')))
    cert, key = ca.server('service', dns=('localhost',), ips=('127.0.0.1',))
    return ca, cert, key


@pytest.fixture
def service(h, kam, mail_sink, service_tls):
    """The reference Virtual Office service (tests/service/vo-service,
    vo_harness.service.Service) over HTTPS (certificate from service_tls; the CA
    is service.ca_file), provisioning SIP accounts into kam's database and
    mailing to mail_sink. No users yet: service.add_user(...). Stopped before
    the mail sink."""
    from vo_harness.service import Service
    ca, cert, key = service_tls
    svc = Service(kam, mail_sink, workdir=os.path.join(h.workdir, 'service'), domain=DOMAIN,
                  ca=ca, tls_cert=cert, tls_key=key)
    h.peers.append(svc)
    yield svc.start()
    svc.stop()
