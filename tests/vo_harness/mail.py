"""An SMTP sink (aiosmtpd) on 127.0.0.1 that tests read: the reference service's mail.

    mail = MailSink()                 # started
    msg = mail.wait_for(lambda m: m['To'] == 'alice@example.test')
    print(text_of(msg))
    mail.stop()
"""

import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

from . import util


def text_of(message):
    """The text/plain body of an e-mail (email.message.EmailMessage), decoded
    (quoted-printable or base64, its charset); '' when it has none."""
    for part in message.walk():
        if part.get_content_type() == 'text/plain':
            payload = part.get_payload(decode=True) or b''
            return payload.decode(part.get_content_charset() or 'utf-8', errors='replace')
    return ''


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        self.sink._received(message)
        return '250 OK'


class MailSink:
    """aiosmtpd Controller on an ephemeral port; .messages are EmailMessage objects."""

    def __init__(self, host='127.0.0.1', port=None, start=True):
        self.host = host
        self.port = port or util.free_port(host)
        self.messages = []
        self._cond = threading.Condition()
        self._controller = Controller(_Handler(self), hostname=host, port=self.port)
        self._started = False
        if start:
            self.start()

    @property
    def hostport(self):
        return f'{self.host}:{self.port}'

    def start(self):
        if not self._started:
            self._controller.start()
            self._started = True
        return self

    def _received(self, message):
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()

    def wait_for(self, predicate=None, timeout=10):
        """The first message (received so far or later) for which predicate(msg)
        is true (any message without one); TimeoutError after timeout seconds."""
        deadline = time.monotonic() + util.scaled(timeout)
        with self._cond:
            while True:
                for message in self.messages:
                    if predicate is None or predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f'no matching mail within {timeout} s; got '
                                       f'{[m["Subject"] for m in self.messages]}')
                self._cond.wait(left)

    def clear(self):
        with self._cond:
            self.messages.clear()

    def stop(self):
        if self._started:
            self._controller.stop()
            self._started = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
