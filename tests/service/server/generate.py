"""Generated colleagues for POST /admin/v1/directory/generate (§12).

Deterministic by seed (random.Random(seed)); first and last names are drawn
from short lists, accented ones among them, so that many people share a first
or a last name and a search for one is ambiguous. Photos are tiny PNGs, one
colour each, written with zlib (PNG's own compression) and struct.
"""

import random
import struct
import unicodedata
import zlib

FIRST_NAMES = ('Zoë', 'José', 'Anna', 'Jan', 'Sören', 'Chloé', 'Łukasz', 'Mia', 'Noah',
               'Inès', 'Bram', 'Emma', 'Ángel', 'Fatima', 'Pieter', 'Jürgen', 'Saoirse',
               'Daan', 'Eva', 'Mohammed', 'Sophie', 'Björn', 'Çağla', 'Liam')
LAST_NAMES = ('Müller', 'Álvarez', 'de Vries', 'Jansen', 'Smith', 'Østergaard', 'Nguyen',
              'Bakker', 'Dubois', 'Janssen', "O'Brien", 'Visser', 'Kowalski', 'García',
              'van den Berg', 'Yılmaz', 'Meijer', 'Schäfer', 'Rossi', 'Peeters')
DEPARTMENTS = ('Sales', 'Support', 'Engineering', 'Finance', 'Marketing', 'Operations',
               'Legal', 'Human Resources')
COMPANY = 'Example BV'
MAX_COUNT = 200000
PHOTO_SIDE = 8


def ascii_folded(name):
    """'Zoë Müller' -> 'zoe.muller': for e-mail addresses."""
    plain = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode()
    return '.'.join(''.join(c for c in part if c.isalnum()) for part in plain.lower().split())


def entry_id(prefix, number):
    return f'{prefix}{number:05d}'


def colleagues(count, seed, prefix, sip_domain, first=1):
    """(number, id, fields) of `count` generated colleagues numbered from
    `first`, one at a time (200,000 of them at once would be hundreds of
    megabytes)."""
    rng = random.Random(seed)
    for number in range(first, first + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        ident = entry_id(prefix, number)
        yield number, ident, {
            'display-name': f'{first} {last}',
            'extension': f'5{number:05d}',
            'sip-uri': f'sip:{ident}@{sip_domain}',
            'numbers': [f'+31205{number:06d}', f'+3165{number:07d}'],
            'emails': [f'{ascii_folded(first)}.{ascii_folded(last)}.{number}@example.test'],
            'company': COMPANY,
            'department': rng.choice(DEPARTMENTS),
        }


def _chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))


def png(seed, number):
    """A PHOTO_SIDE x PHOTO_SIDE PNG of one colour picked by (seed, number)."""
    colour = bytes(random.Random(f'{seed}:{number}').randrange(256) for _ in range(3))
    rows = b''.join(b'\x00' + colour * PHOTO_SIDE for _ in range(PHOTO_SIDE))
    header = struct.pack('>IIBBBBB', PHOTO_SIDE, PHOTO_SIDE, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', header) +
            _chunk(b'IDAT', zlib.compress(rows)) + _chunk(b'IEND', b''))
