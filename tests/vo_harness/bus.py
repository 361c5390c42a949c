"""Private dbus-daemon instances (a "session" bus and a stand-in system bus)."""

import os
import subprocess
import tempfile

from . import util

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{type}</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <!-- no servicedir: nothing is ever D-Bus activated on a test bus
       (no real org.virtualoffice, no Secret Service, no real NetworkManager) -->
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
  <limit name="reply_timeout">300000</limit>
</busconfig>
"""


class DBusDaemon:
    """A private dbus-daemon. kind is 'session' or 'system' (only the label
    and the <type> differ: the system stand-in is for DBUS_SYSTEM_BUS_ADDRESS)."""

    def __init__(self, workdir=None, kind='session'):
        self.kind = kind
        self.workdir = workdir or tempfile.mkdtemp(prefix=f'vo-{kind}-bus-')
        os.makedirs(self.workdir, exist_ok=True)
        self.socket = os.path.join(self.workdir, f'{kind}_bus_socket')
        self.config = os.path.join(self.workdir, f'{kind}-bus.conf')
        self.log = os.path.join(self.workdir, f'{kind}-bus.log')
        self.proc = None
        self.address = None

    def start(self):
        with open(self.config, 'w') as f:
            f.write(_CONFIG.format(type=self.kind, socket=self.socket))
        logf = open(self.log, 'ab')
        try:
            self.proc = util.spawn(['dbus-daemon', f'--config-file={self.config}', '--nofork',
                                    '--print-address=1', '--nosyslog'],
                                   stdout=subprocess.PIPE, stderr=logf)
        finally:
            logf.close()
        line = self.proc.stdout.readline().decode().strip()
        if not line:
            util.terminate(self.proc)
            raise RuntimeError(f'dbus-daemon ({self.kind}) did not start; see {self.log}')
        self.address = line
        return self

    def stop(self):
        util.terminate(self.proc, timeout=5)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
