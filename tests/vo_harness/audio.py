"""Tones in, recordings out, and what frequency a recording holds.

    from vo_harness import audio
    from vo_harness.pipewire import MIC, SPEAKER

    with audio.TonePlayer(pw, 440):                 # into vo_test_mic until closed
        wav = audio.record(pw, SPEAKER, seconds=1.5)  # from vo_test_speaker's monitor
    hz, rms = audio.dominant_frequency(wav)         # (440.0, 0.35); (None, 0.0) if silent
    assert audio.is_tone(wav, 440)

    audio.write_tone('/tmp/x.wav', 660, seconds=3, rate=8000)   # for baresip/aufile
    audio.analyze(wav).active_seconds; audio.profile(wav, window=0.25)

The tone player is `gst-launch-1.0 audiotestsrc ! pipewiresink` and the recorder
`pw-record`; both run with node.autoconnect=false and are linked explicitly
(PipeWire.link), so they never depend on the session manager and never get
linked to anything else. Recordings are 48 kHz mono S16 WAV.
"""

import os
import signal
import time
import wave
from collections import namedtuple
from itertools import count

import numpy as np

from . import util
from .pipewire import MIC, RATE

# Below this RMS (-60 dBFS) a block counts as silence.
SILENCE_RMS = 1e-3
_SEQ = count(1)

Analysis = namedtuple('Analysis', 'hz rms peak seconds active_seconds total_rms rate')


# -- files -------------------------------------------------------------------
def write_tone(path, freq=440.0, seconds=3.0, rate=RATE, channels=1, amplitude=0.5):
    """A sine WAV (S16LE). freq 0/None writes silence."""
    n = int(round(seconds * rate))
    t = np.arange(n) / rate
    x = np.zeros(n) if not freq else amplitude * np.sin(2 * np.pi * float(freq) * t)
    data = np.clip(x * 32767, -32768, 32767).astype('<i2')
    if channels > 1:
        data = np.repeat(data[:, None], channels, axis=1).reshape(-1)
    with wave.open(path, 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())
    return path


def read_wav(path):
    """(mono float samples in -1..1, rate). Channels are averaged; a file
    whose header was not finalised (writer killed) is read to its end."""
    with open(path, 'rb') as f:
        raw = f.read()
    with wave.open(path, 'rb') as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
    pos = raw.find(b'data')
    if pos < 0:
        raise ValueError(f'{path}: no data chunk')
    body = raw[pos + 8:]
    body = body[:len(body) - len(body) % (width * channels)]
    if width == 2:
        x = np.frombuffer(body, dtype='<i2').astype(np.float64) / 32768.0
    elif width == 4:
        x = np.frombuffer(body, dtype='<i4').astype(np.float64) / 2147483648.0
    elif width == 1:
        x = (np.frombuffer(body, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    else:
        raise ValueError(f'{path}: unsupported sample width {width}')
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1)
    return x, rate


# -- analysis ------------------------------------------------------------------
def _rms(x):
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def _active(x, rate, block=0.02, threshold=SILENCE_RMS):
    """Concatenate the blocks of x louder than threshold."""
    n = max(1, int(rate * block))
    usable = len(x) - len(x) % n
    if usable == 0:
        return x[:0]
    blocks = x[:usable].reshape(-1, n)
    loud = np.sqrt((blocks * blocks).mean(axis=1)) >= threshold
    return blocks[loud].reshape(-1)


def _peak_hz(x, rate):
    """Frequency of the strongest FFT bin, refined by parabolic interpolation."""
    if len(x) < 16:
        return None
    x = x - x.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    spec[:max(1, int(20 * len(x) / rate))] = 0  # ignore DC / below 20 Hz
    k = int(np.argmax(spec))
    if spec[k] <= 0:
        return None
    if 0 < k < len(spec) - 1:
        a, b, c = np.log(spec[k - 1] + 1e-12), np.log(spec[k] + 1e-12), np.log(spec[k + 1] + 1e-12)
        denom = a - 2 * b + c
        k = k + (0.5 * (a - c) / denom if denom else 0.0)
    return float(k * rate / len(x))


def analyze(path, start=0.0, end=None, threshold=SILENCE_RMS):
    """Analysis(hz, rms, peak, seconds, active_seconds, total_rms, rate) of a WAV.

    Silent blocks (RMS < threshold) are left out: hz and rms describe the
    audible part only; hz is None when nothing is audible. start/end (s)
    cut the file first."""
    x, rate = read_wav(path)
    x = x[int(start * rate):None if end is None else int(end * rate)]
    act = _active(x, rate, threshold=threshold)
    hz = _peak_hz(act, rate) if len(act) >= rate * 0.05 else None
    return Analysis(hz=hz, rms=_rms(act), peak=float(np.max(np.abs(x))) if len(x) else 0.0,
                    seconds=len(x) / rate, active_seconds=len(act) / rate,
                    total_rms=_rms(x), rate=rate)


def dominant_frequency(path, **kw):
    """(hz, rms) of the audible part of a WAV; (None, 0.0) for silence."""
    a = analyze(path, **kw)
    return a.hz, a.rms


def is_tone(path, freq, tolerance=5.0, min_rms=0.01, min_seconds=0.3, **kw):
    """True when the audible part is at freq (+- tolerance Hz), loud enough
    and long enough."""
    a = analyze(path, **kw)
    return (a.hz is not None and abs(a.hz - freq) <= tolerance and a.rms >= min_rms
            and a.active_seconds >= min_seconds)


def is_silent(path, threshold=SILENCE_RMS, **kw):
    return analyze(path, threshold=threshold, **kw).active_seconds == 0


def profile(path, window=0.25, threshold=SILENCE_RMS):
    """[(t_start, hz or None, rms)] per window: when a tone starts/stops
    (hold, mute, early media) is visible here."""
    x, rate = read_wav(path)
    n = int(window * rate)
    out = []
    for i in range(0, len(x) - n + 1, n):
        seg = x[i:i + n]
        r = _rms(seg)
        out.append((i / rate, _peak_hz(seg, rate) if r >= threshold else None, r))
    return out


# -- playing and recording through a private PipeWire ------------------------
class TonePlayer(util.ChildProcess):
    """A sine into a PipeWire node (default: the virtual mic) until stop(),
    or for `seconds`. freq=0 plays digital silence."""

    def __init__(self, pw, freq=440.0, target=MIC, amplitude=0.5, seconds=None, rate=RATE,
                 start=True, link_timeout=10.0):
        self.pw, self.freq, self.target = pw, freq, target
        self.amplitude, self.seconds, self.rate = amplitude, seconds, rate
        self.node = f'vo_tone_{os.getpid()}_{next(_SEQ)}'
        self.log = os.path.join(pw.dir, f'{self.node}.log')
        self.link_timeout = link_timeout
        self.proc = None
        if start:
            self.start()

    def argv(self):
        src = ['audiotestsrc', 'wave=sine' if self.freq else 'wave=silence',
               f'freq={float(self.freq or 440)}', f'volume={self.amplitude}']
        if self.seconds:
            src.append(f'num-buffers={max(1, int(self.seconds * self.rate / 480))}')
            src.append('samplesperbuffer=480')
        return (['gst-launch-1.0', '-q'] + src +
                ['!', f'audio/x-raw,format=S16LE,rate={self.rate},channels=1',
                 '!', 'pipewiresink', f'client-name={self.node}',
                 f'stream-properties=props,node.name={self.node},node.autoconnect=false,'
                 f'media.role=Production'])

    def start(self):
        self.proc = self.pw.spawn(self.argv(), log=self.log)
        self.pw.link(self.node, self.target, timeout=self.link_timeout)
        return self

    def wait(self, timeout=None):
        """Wait for a tone with `seconds` to end."""
        self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc is not None:
            util.terminate(self.proc, timeout=3, sig=signal.SIGINT)
            self.pw.forget(self.proc)
            self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Recorder:
    """Record a PipeWire node (a sink's monitor, or a source) to a WAV
    (48 kHz mono S16) until stop(), which returns the path."""

    def __init__(self, pw, source, path=None, rate=RATE, start=True, link_timeout=10.0):
        self.pw, self.source, self.rate = pw, source, rate
        self.node = f'vo_rec_{os.getpid()}_{next(_SEQ)}'
        self.path = path or os.path.join(pw.dir, f'{self.node}-{source}.wav')
        self.log = os.path.join(pw.dir, f'{self.node}.log')
        self.link_timeout = link_timeout
        self.proc = None
        self.started_at = None
        if start:
            self.start()

    def start(self):
        argv = ['pw-record', '--rate', str(self.rate), '--channels', '1', '--format', 's16',
                '--latency', '20ms', '-P',
                f'{{ node.name = {self.node} node.autoconnect = false '
                f'stream.capture.sink = true media.role = Production }}', self.path]
        self.proc = self.pw.spawn(argv, log=self.log)
        self.pw.link(self.source, self.node, timeout=self.link_timeout)
        self.started_at = time.monotonic()
        return self

    def stop(self):
        """Stop recording (pw-record finalises the WAV on SIGINT); the path."""
        if self.proc is not None:
            util.terminate(self.proc, timeout=5, sig=signal.SIGINT)
            self.pw.forget(self.proc)
            self.proc = None
        return self.path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def record(pw, source, seconds, path=None):
    """Record `source` for `seconds` (after its link exists); returns the WAV path."""
    rec = Recorder(pw, source, path=path)
    try:
        time.sleep(seconds)
    finally:
        rec.stop()
    return rec.path
