"""A private, headless PipeWire (plus a minimal WirePlumber) per test.

    pw = h.start_pipewire()             # or PipeWire(workdir, session_bus=...).start()
    d = h.start_daemon(pipewire=pw)     # the daemon's env points at this instance
    pw.wait_linked('vo-daemon', MIC)    # some node of the daemon captures the mic
    pw.links()                          # [{'output_node': ..., 'input_node': ...}, ...]

Config: tests/fixtures/pipewire/pipewire.conf (dummy driver, no hardware, three
null devices) and tests/fixtures/pipewire/wireplumber/ (only the linking policy).

Devices (node.name):
    MIC     'vo_test_mic'      Audio/Source/Virtual, the default source. Apps
                               capture it; tone players feed its input port.
    SPEAKER 'vo_test_speaker'  Audio/Sink, the default sink; record its monitor.
    RING    'vo_test_ring'     Audio/Sink for ringing; record its monitor.

Linking: the private WirePlumber links application streams like on a desktop
(honours target.object / node.target, falls back to the default devices).
The harness' own measuring tools (audio.TonePlayer / audio.Recorder) do not
depend on it: they run with node.autoconnect=false and are linked explicitly
with pw-link (PipeWire.link) to the device they feed or record.

Every process a client needs: PIPEWIRE_RUNTIME_DIR (and PIPEWIRE_REMOTE)
select the instance; see env_vars()/env().
"""

import json
import os
import subprocess
import time

from . import util

FIXTURES = os.path.join(util.REPO_ROOT, 'tests', 'fixtures', 'pipewire')
CONFIG = os.path.join(FIXTURES, 'pipewire.conf')
WIREPLUMBER_DIR = os.path.join(FIXTURES, 'wireplumber')

MIC = 'vo_test_mic'
SPEAKER = 'vo_test_speaker'
RING = 'vo_test_ring'
DEVICES = (MIC, SPEAKER, RING)
RATE = 48000

# Variables that would make a client talk to another PipeWire/Pulse server.
_FOREIGN_ENV = ('PIPEWIRE_RUNTIME_DIR', 'PIPEWIRE_REMOTE', 'PIPEWIRE_CONFIG_DIR',
                'PIPEWIRE_CONFIG_NAME', 'PIPEWIRE_NODE', 'PIPEWIRE_PROPS', 'PULSE_SERVER',
                'PULSE_RUNTIME_PATH', 'JACK_DEFAULT_SERVER', 'WIREPLUMBER_CONFIG_DIR',
                'WIREPLUMBER_DATA_DIR', 'DBUS_SESSION_BUS_ADDRESS', 'DBUS_STARTER_ADDRESS',
                'DBUS_STARTER_BUS_TYPE')


class PipeWireError(RuntimeError):
    pass


def parse_dump(text):
    """The objects in pw-dump's output. When the graph changes while it runs,
    pw-dump prints one JSON array per update after (or before) the main one:
    later objects replace earlier ones with the same id, and {"id": N,
    "info": null} says N was removed. A removal may come before the array
    that still lists N, so a removed id is dropped wherever it appears (a
    caller waiting for a reused id polls again)."""
    decoder = json.JSONDecoder()
    objects, removed = {}, set()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        value, pos = decoder.raw_decode(text, pos)
        for o in value if isinstance(value, list) else [value]:
            if not isinstance(o, dict) or 'id' not in o:
                continue
            if o.get('type'):
                objects[o['id']] = o
            elif o.get('info') is None:
                removed.add(o['id'])
    if not objects:
        raise ValueError('no objects')
    return [o for i, o in objects.items() if i not in removed]


class PipeWire(util.ChildProcess):
    """One private pipewire daemon (+ wireplumber) in workdir/name.

    session_bus: D-Bus address handed to wireplumber (the harness' private
    session bus); None gives it an address where nothing listens. The config
    disables D-Bus use anyway, so neither needs a bus to work.
    wireplumber=False starts PipeWire alone: nothing links application
    streams then (only PipeWire.link does)."""

    def __init__(self, workdir, name='pipewire', session_bus=None, wireplumber=True,
                 config=CONFIG):
        self.name = name
        self.dir = os.path.join(workdir, name)
        # Short: the socket path (runtime_dir/pipewire-0) must stay < 108 bytes.
        self.runtime_dir = os.path.join(self.dir, 'run')
        self.socket = os.path.join(self.runtime_dir, 'pipewire-0')
        self.config = config
        self.session_bus = session_bus or \
            f'unix:path={os.path.join(self.dir, "no-session-bus-here")}'
        self.use_wireplumber = wireplumber
        self.log = os.path.join(workdir, f'{name}.log')
        self.wp_log = os.path.join(workdir, f'{name}-wireplumber.log')
        self.proc = None
        self.wp = None
        self._tools = []
        for d in (self.dir, self.runtime_dir):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        util.register_log(f'pipewire log ({self.log})', self.log)
        if wireplumber:
            util.register_log(f'wireplumber log ({self.wp_log})', self.wp_log)

    # -- environment ---------------------------------------------------------
    def env_vars(self):
        """What a client process needs to use this instance (for a daemon's
        extra_env). PIPEWIRE_RUNTIME_DIR wins over XDG_RUNTIME_DIR in libpipewire."""
        return {'PIPEWIRE_RUNTIME_DIR': self.runtime_dir, 'PIPEWIRE_REMOTE': 'pipewire-0'}

    def env(self, base=None):
        """A full environment for a client tool (pw-*, gst-launch-1.0, ...)."""
        env = dict(os.environ if base is None else base)
        for k in _FOREIGN_ENV:
            env.pop(k, None)
        env.update(self.env_vars())
        env['XDG_RUNTIME_DIR'] = self.runtime_dir
        env.setdefault('GST_DEBUG_NO_COLOR', '1')
        return env

    def _server_env(self):
        env = self.env()
        env.update({
            'HOME': self.dir,
            'XDG_CONFIG_HOME': os.path.join(self.dir, 'config'),
            'XDG_STATE_HOME': os.path.join(self.dir, 'state'),
            'XDG_DATA_HOME': os.path.join(self.dir, 'data'),
            'DBUS_SESSION_BUS_ADDRESS': self.session_bus,
            'PIPEWIRE_LOG_SYSTEMD': 'false',
            'NO_COLOR': '1',
        })
        env.pop('PIPEWIRE_REMOTE', None)
        return env

    # -- process -------------------------------------------------------------
    def start(self, timeout=10.0):
        if self.running:
            return self
        timeout = util.scaled(timeout)
        with open(self.log, 'ab') as logf:
            logf.write(f'\n===== pipewire start ({time.strftime("%H:%M:%S")}) '
                       f'in {self.runtime_dir} =====\n'.encode())
            logf.flush()
            self.proc = util.spawn(['pipewire', '-c', self.config], env=self._server_env(),
                                   stdout=logf, stderr=logf)

        def up():
            if self.proc.poll() is not None:
                raise PipeWireError(f'pipewire exited with {self.proc.returncode}:\n'
                                    + util.tail(self.log, 40))
            if not os.path.exists(self.socket):
                return False
            try:
                names = set(self.nodes())
            except PipeWireError:
                return False
            return all(n in names for n in DEVICES)
        try:
            util.wait_until(up, timeout, interval=0.05, what='pipewire and its null devices')
            if self.use_wireplumber:
                self._start_wireplumber(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_wireplumber(self, timeout):
        env = self._server_env()
        env['WIREPLUMBER_CONFIG_DIR'] = WIREPLUMBER_DIR
        env['PIPEWIRE_REMOTE'] = 'pipewire-0'
        with open(self.wp_log, 'ab') as logf:
            logf.write(f'\n===== wireplumber start ({time.strftime("%H:%M:%S")}) =====\n'
                       .encode())
            logf.flush()
            self.wp = util.spawn(['wireplumber'], env=env, stdout=logf, stderr=logf)

        def ready():
            if self.wp.poll() is not None:
                raise PipeWireError(f'wireplumber exited with {self.wp.returncode}:\n'
                                    + util.tail(self.wp_log, 40))
            d = self.defaults()
            return d.get('default.audio.sink') == SPEAKER and \
                d.get('default.audio.source') == MIC
        util.wait_until(ready, timeout, interval=0.05,
                        what='wireplumber to choose the default devices')

    def stop(self):
        for p in self._tools:
            util.terminate(p, timeout=3)
        self._tools = []
        if self.wp is not None:
            util.terminate(self.wp, timeout=5)
            self.wp = None
        if self.proc is not None:
            util.terminate(self.proc, timeout=5)
            self.proc = None

    close = stop

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def spawn(self, argv, log=None, **kw):
        """Start a client tool against this instance, tracked and stopped with it.
        Its stdout+stderr go to log (a path) if given."""
        kw.setdefault('env', self.env())
        if log is not None:
            with open(log, 'ab') as f:
                p = util.spawn(argv, stdout=f, stderr=f, **kw)
        else:
            p = util.spawn(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        self._tools.append(p)
        return p

    def forget(self, proc):
        """Stop tracking a tool started with spawn() (after terminating it)."""
        if proc in self._tools:
            self._tools.remove(proc)

    # -- inspection ----------------------------------------------------------
    def run(self, *argv, timeout=10, check=True):
        """Run a pw-* tool against this instance; returns its stdout."""
        try:
            r = subprocess.run(list(argv), env=self.env(), capture_output=True, text=True,
                               timeout=util.scaled(timeout))
        except subprocess.TimeoutExpired as e:
            raise PipeWireError(f'{" ".join(argv)} timed out') from e
        if check and r.returncode != 0:
            raise PipeWireError(f'{" ".join(argv)} failed ({r.returncode}): {r.stderr.strip()}')
        return r.stdout

    def dump(self):
        """pw-dump as a list of objects (see parse_dump)."""
        out = self.run('pw-dump', '-N')
        try:
            return parse_dump(out)
        except ValueError as e:
            raise PipeWireError(f'pw-dump gave no JSON: {out[:200]!r}') from e

    def nodes(self, objects=None):
        """{node.name: {'id', 'class', 'state', 'props'}} (duplicate names get '#id')."""
        out = {}
        for o in objects if objects is not None else self.dump():
            if o.get('type') != 'PipeWire:Interface:Node':
                continue
            info = o.get('info') or {}
            props = info.get('props') or {}
            name = props.get('node.name', f'node{o["id"]}')
            if name in out:
                name = f'{name}#{o["id"]}'
            out[name] = {'id': o['id'], 'class': props.get('media.class'),
                         'state': info.get('state'), 'props': props}
        return out

    def ports(self, objects=None):
        """[{'id', 'node_id', 'node', 'name', 'direction', 'monitor', 'channel'}]."""
        objects = objects if objects is not None else self.dump()
        names = {v['id']: k.split('#')[0] for k, v in self.nodes(objects).items()}
        out = []
        for o in objects:
            if o.get('type') != 'PipeWire:Interface:Port':
                continue
            info = o.get('info') or {}
            props = info.get('props') or {}
            node_id = int(props.get('node.id', -1))
            out.append({'id': o['id'], 'node_id': node_id, 'node': names.get(node_id),
                        'name': props.get('port.name'), 'direction': info.get('direction'),
                        'monitor': props.get('port.monitor') in (True, 'true'),
                        'channel': props.get('audio.channel')})
        return out

    def links(self, objects=None):
        """[{'output_node', 'output_port', 'input_node', 'input_port', 'state'}] by names."""
        objects = objects if objects is not None else self.dump()
        ports = {p['id']: p for p in self.ports(objects)}
        names = {v['id']: k.split('#')[0] for k, v in self.nodes(objects).items()}
        out = []
        for o in objects:
            if o.get('type') != 'PipeWire:Interface:Link':
                continue
            info = o.get('info') or {}
            op = ports.get(info.get('output-port-id'), {})
            ip = ports.get(info.get('input-port-id'), {})
            out.append({'id': o['id'],
                        'output_node': names.get(info.get('output-node-id')),
                        'output_port': op.get('name'),
                        'input_node': names.get(info.get('input-node-id')),
                        'input_port': ip.get('name'),
                        'state': info.get('state')})
        return out

    def linked(self, out_node, in_node):
        """Links from a node whose name starts with out_node to one whose name
        starts with in_node (prefixes: a gst app's node may be 'gst-launch-1.0')."""
        return [lk for lk in self.links()
                if (lk['output_node'] or '').startswith(out_node)
                and (lk['input_node'] or '').startswith(in_node)]

    def wait_linked(self, out_node, in_node, timeout=10.0):
        return util.wait_until(lambda: self.linked(out_node, in_node), util.scaled(timeout),
                               interval=0.1, what=f'a PipeWire link {out_node} -> {in_node}')

    def wait_node(self, name, timeout=10.0):
        return util.wait_until(lambda: self.nodes().get(name), util.scaled(timeout),
                               interval=0.05, what=f'PipeWire node {name}')

    # -- defaults (the "default" metadata) -----------------------------------
    def defaults(self):
        """{'default.audio.sink': name, 'default.audio.source': name, ...}."""
        out = {}
        for o in self.dump():
            if o.get('type') != 'PipeWire:Interface:Metadata':
                continue
            if (o.get('props') or {}).get('metadata.name') != 'default':
                continue
            for m in o.get('metadata') or []:
                value = m.get('value')
                if isinstance(value, dict):
                    value = value.get('name')
                out[m.get('key')] = value
        return out

    def set_default(self, sink=None, source=None):
        """Make a node the configured default sink/source (WirePlumber follows)."""
        for key, name in (('default.configured.audio.sink', sink),
                          ('default.configured.audio.source', source)):
            if name:
                self.run('pw-metadata', '-n', 'default', '0', key,
                         json.dumps({'name': name}), 'Spa:String:JSON')

    # -- explicit links ------------------------------------------------------
    def link(self, out_node, in_node, timeout=10.0):
        """Link out_node's output ports to in_node's input ports with pw-link,
        waiting for the ports to exist. A sink given as out_node is read
        through its monitor ports. Channels are paired by position, else by
        order (a mono side is linked to every channel of the other)."""
        deadline = time.monotonic() + util.scaled(timeout)
        while True:
            ports = self.ports()
            outs = [p for p in ports if p['node'] == out_node and p['direction'] == 'output']
            # a sink's outputs are its monitor ports; a stream may have both
            real = [p for p in outs if not p['monitor']]
            outs = real or outs
            ins = [p for p in ports if p['node'] == in_node and p['direction'] == 'input']
            if outs and ins:
                break
            if time.monotonic() > deadline:
                raise PipeWireError(f'no ports to link {out_node} -> {in_node}: '
                                    f'{[(p["node"], p["name"]) for p in ports]}')
            time.sleep(0.05)
        pairs = []
        by_channel = {p['channel']: p for p in ins}
        if len(outs) == 1 or len(ins) == 1:
            pairs = [(o, i) for o in outs for i in ins]
        elif all(o['channel'] in by_channel for o in outs):
            pairs = [(o, by_channel[o['channel']]) for o in outs]
        else:
            pairs = list(zip(outs, ins))
        for o, i in pairs:
            r = subprocess.run(['pw-link', str(o['id']), str(i['id'])], env=self.env(),
                               capture_output=True, text=True, timeout=util.scaled(10))
            if r.returncode != 0 and 'File exists' not in r.stderr:
                raise PipeWireError(f'pw-link {out_node}:{o["name"]} {in_node}:{i["name"]} '
                                    f'failed: {r.stderr.strip()}')
        return pairs
