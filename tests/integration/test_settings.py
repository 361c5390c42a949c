"""Settings1: defaults, changes, PropertiesChanged, persistence across restarts."""

import os

import pytest

from vo_harness import SETTINGS, pump

DEFAULTS = {
    'AllowCellularData': False,
    'CellularVoiceFallback': False,
    'DeviceContactsAccess': False,
    'MobileNumber': '',
}

NEW_VALUES = {
    'AllowCellularData': True,
    'CellularVoiceFallback': True,
    'DeviceContactsAccess': True,
    'MobileNumber': '+1 (555) 010-0199',
    'AudioInput': 'alsa_input.usb-Headset-00.mono-fallback',
    'AudioOutput': 'alsa_output.pci-0000_00_1f.3.analog-stereo',
    'RingOutput': 'Speaker \u2013 built-in',   # non-ASCII device names are fine
}


def test_defaults(h, client):
    props = client.get_all(SETTINGS)
    for name, value in DEFAULTS.items():
        assert props.get(name) == value, (name, props)
    for name in ('AudioInput', 'AudioOutput', 'RingOutput', 'NetworkType'):
        assert isinstance(props.get(name), str), (name, props)
    assert isinstance(props.get('CallsAllowed'), bool), props
    assert props['NetworkType'] in ('wifi', 'ethernet', 'cellular', 'none', 'unknown'), props


def test_set_emits_properties_changed(h, client):
    for name, value in NEW_VALUES.items():
        client.set(SETTINGS, name, value)
        assert client.setting(name) == value
    pump(0.3)
    for name, value in NEW_VALUES.items():
        assert value in client.changes_of(SETTINGS, name), \
            f'no PropertiesChanged for {name}: {client.changes}'


def test_setting_same_value_is_quiet_and_ok(h, client):
    client.set(SETTINGS, 'AllowCellularData', False)
    assert client.setting('AllowCellularData') is False


def test_settings_survive_restart(h, client):
    d = h.daemons[0]
    for name, value in NEW_VALUES.items():
        client.set(SETTINGS, name, value)
    conf = d.read_conf()
    assert 'settings' in conf, d.conf_text()
    rc = d.restart()
    assert rc == 0
    c2 = h.client()
    for name, value in NEW_VALUES.items():
        assert c2.setting(name) == value, name
    # ...and after a kill -9 too (written on each change, not at exit).
    c2.set(SETTINGS, 'AllowCellularData', False)
    c2.set(SETTINGS, 'MobileNumber', '555 0123')
    d.kill()
    d.start()
    c3 = h.client()
    assert c3.setting('AllowCellularData') is False
    assert c3.setting('MobileNumber') == '555 0123'
    assert c3.setting('AudioInput') == NEW_VALUES['AudioInput']


def test_settings_file_is_written_atomically(h, client):
    d = h.daemons[0]
    for i in range(30):
        client.set(SETTINGS, 'MobileNumber', f'+1 555 01{i:02d}')
        # Whenever we look, the file parses (GKeyFile) and has a [settings] group.
        assert 'settings' in d.read_conf(), d.conf_text()
    assert client.setting('MobileNumber') == '+1 555 0129'
    assert '+1 555 0129' in d.conf_text()
    # No temporary files left behind next to vo.conf.
    extra = [f for f in os.listdir(d.config_dir) if f not in ('vo.conf', 'credentials')]
    assert not extra, extra


def test_prewritten_settings_are_read(h):
    d = h.daemon(start=False, settings={'allow-cellular-data': 'true',
                                       'mobile-number': '555 0100'})
    # We do not know the exact key names the daemon writes; learn them from a
    # daemon that writes them, then pre-write a fresh config the same way.
    d.start()
    c = h.client()
    c.set(SETTINGS, 'AllowCellularData', True)
    c.set(SETTINGS, 'MobileNumber', '555 0100')
    written = d.read_conf().get('settings', {})
    d.stop()
    assert written, d.conf_text()
    d2 = h.daemon(start=False, settings=written)
    d2.start()
    c2 = h.client()
    assert c2.setting('AllowCellularData') is True
    assert c2.setting('MobileNumber') == '555 0100'


@pytest.mark.parametrize('bad', ['not-a-bool', ''], ids=['garbage', 'empty'])
def test_corrupt_settings_value_does_not_kill_daemon(h, bad):
    d = h.daemon(start=False)
    with open(d.conf_path, 'a') as f:
        f.write(f'\n[settings]\nAllowCellularData={bad}\nallow-cellular-data={bad}\n')
    d.start()
    c = h.client()
    assert c.setting('AllowCellularData') in (False, True)
