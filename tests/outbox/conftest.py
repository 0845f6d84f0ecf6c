"""A real SMTP server (aiosmtpd) for the outbox tests, which can refuse or go away."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Collects what the SMTP server accepts; ``reply`` makes it answer with an error,
    ``refuse`` refuses single recipients (address: reply), and ``delay`` slows each message."""

    def __init__(self):
        self.sessions = 0
        self.messages = []
        self.reply: str | None = None
        self.refuse: dict[str, str] = {}
        self.delay = 0.0  # seconds the server takes over each message, like a real one
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1  # one greeting per connection
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(
                (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
            )
        return "250 Message accepted for delivery"

    def start(self) -> None:
        # A stopped aiosmtpd controller cannot start again: a new one takes the same port.
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def recipients(self) -> list[str]:
        with self._lock:
            return [to for rcpt_tos, _ in self.messages for to in rcpt_tos]


@pytest.fixture
def smtp(settings):
    """A running SMTP server on a free port, with Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    mailbox.port = port = free_port()
    mailbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    mailbox.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
