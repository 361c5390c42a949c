"""Outgoing mail: smtplib (blocking) in an executor, to --smtp HOST:PORT."""

import asyncio
import email.message
import logging
import smtplib

log = logging.getLogger('vo-service')


class Mailer:
    def __init__(self, host, port, sender='Virtual Office <no-reply@virtualoffice.example>'):
        self.host = host
        self.port = port
        self.sender = sender
        self._tasks = set()

    def _send_sync(self, to, subject, text):
        msg = email.message.EmailMessage()
        msg['From'] = self.sender
        msg['To'] = to
        msg['Subject'] = subject
        msg.set_content(text)
        with smtplib.SMTP(self.host, self.port, timeout=5) as smtp:
            smtp.send_message(msg)

    async def _send(self, to, subject, text):
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, self._send_sync, to, subject, text)
            log.info('mail "%s" sent', subject)
        except (OSError, smtplib.SMTPException) as e:
            log.warning('mail "%s" could not be sent to %s:%s: %s', subject, self.host,
                        self.port, e)

    def send_later(self, to, subject, text):
        """Send in the background: the HTTP answer must not depend on whether
        a mail goes out (it would tell who exists)."""
        task = asyncio.get_running_loop().create_task(self._send(to, subject, text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
