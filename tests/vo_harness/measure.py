"""What the benchmarks (tests/bench) measure with, and how they print it.

    res = Results(); res.add('vo', 'idle_rss', rss_kib(pid))
    med, lo, hi, reply = timed(conn, 20, path, interface, 'List', params)
    say(summary(res.get('vo', 'idle_rss'), '{:.0f}'))     # "median (min-max)"

Memory is read from /proc (VmRSS, VmHWM, Pss); D-Bus calls are timed from the
client with perf_counter, after two warm-up calls that are not counted.
"""

import os
import shutil
import statistics
import subprocess
import time

from gi.repository import Gio

from . import BUS_NAME, util
from .daemon import daemon_path


class BenchError(RuntimeError):
    pass


def say(*args):
    # Flushed at once: meson shows a verbose test's output as it comes.
    print(*args, flush=True)


def ms(seconds):
    return seconds * 1000.0


# -- process memory -------------------------------------------------------------
def memory_kib(pid):
    """{'rss': VmRSS, 'hwm': VmHWM, 'pss': Pss} in KiB (Pss None if unreadable)."""
    out = {'rss': None, 'hwm': None, 'pss': None}
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                out['rss'] = int(line.split()[1])
            elif line.startswith('VmHWM:'):
                out['hwm'] = int(line.split()[1])
    try:
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Pss:'):
                    out['pss'] = int(line.split()[1])
    except OSError:
        pass
    if out['rss'] is None:
        raise BenchError(f'no VmRSS in /proc/{pid}/status')
    return out


def rss_kib(pid):
    """VmRSS alone: cheap enough for a watchdog polling every few ms."""
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise BenchError(f'no VmRSS in /proc/{pid}/status')   # a zombie has none


# -- D-Bus round trips --------------------------------------------------------------
def timed(conn, calls, path, interface, method, params, timeout_ms=120000):
    """Median, min, max in ms of `calls` synchronous calls (2 warm-up calls
    first), and the last reply."""
    def once():
        t = time.perf_counter()
        reply = conn.call_sync(BUS_NAME, path, interface, method, params, None,
                               Gio.DBusCallFlags.NONE, timeout_ms, None)
        return time.perf_counter() - t, reply
    for _ in range(2):
        _, reply = once()
    samples = []
    for _ in range(calls):
        elapsed, reply = once()
        samples.append(ms(elapsed))
    return statistics.median(samples), min(samples), max(samples), reply


# -- results and output ---------------------------------------------------------------
class Results:
    """Samples by (who, what): who is the program measured, what the figure."""

    def __init__(self):
        self.data = {}

    def add(self, who, what, value):
        self.data.setdefault((who, what), []).append(value)

    def get(self, who, what):
        return self.data.get((who, what), [])


def summary(values, fmt, spread=True):
    """'median (min-max)' of the values that were measured, 'n/a' if none."""
    values = [v for v in values if v is not None]
    if not values:
        return 'n/a'
    med = statistics.median(values)
    if len(values) == 1 or not spread:
        return fmt.format(med)
    return f'{fmt.format(med)} ({fmt.format(min(values))}-{fmt.format(max(values))})'


def print_timings(results, last_column):
    """The table of timed() rows: (label, median, min, max, last column)."""
    width = max(len(r[0]) for r in results)
    print(f'  {"call":<{width}}  {"median ms":>9}  {"min-max ms":>15}  {last_column}')
    for label, med, lo, hi, n in results:
        print(f'  {label:<{width}}  {med:9.2f}  {lo:7.2f}-{hi:<7.2f}  {"" if n is None else n}')


def daemon_version():
    try:
        r = subprocess.run([daemon_path(), '--version'], capture_output=True, text=True,
                           timeout=5)
        return (r.stdout.strip() or r.stderr.strip()).split('\n')[0]
    except (OSError, subprocess.TimeoutExpired):
        return '?'


def log_tail(path, lines=30):
    """The end of a log, to quote in a failure ('' without a log)."""
    if not path:
        return ''
    return f'\n--- {path} (tail) ---\n{util.tail(path, lines)}'


# -- a benchmark's run ------------------------------------------------------------
def unready(tools):
    """Before a run: 77 (meson: SKIP) when one of the tools is not installed, 1
    when vo-daemon is not built, None when the run can go."""
    for tool in tools:
        if shutil.which(tool) is None:
            say(f'bench: SKIP: {tool} not installed')
            return 77
    if not os.access(daemon_path(), os.X_OK):
        say(f'bench: vo-daemon not found at {daemon_path()} (build it, or set VO_DAEMON)')
        return 1
    return None


def check_daemon_logs(h, failures):
    """A figure from a daemon that logged a critical is not worth having."""
    bad = [line for d in h.daemons for line in d.bad_log_lines()]
    if bad:
        failures.append('vo-daemon logged criticals:\n' + '\n'.join(bad[:10]))


def report(failures, workdir):
    """The exit status of a run, after listing what failed."""
    if failures:
        say(f'\nbench: {len(failures)} measurement(s) failed:')
        for f in failures:
            say('  - ' + f.replace('\n', '\n    '))
        say(f'bench: work folder kept: {workdir}')
        return 1
    say('\nbench: all measurements done')
    return 0


def verdict(failures):
    """The exit status of a run whose figures have limits: 1 with a FAIL line
    per failure, else 0."""
    for f in failures:
        print(f'FAIL: {f}')
    return 1 if failures else 0
