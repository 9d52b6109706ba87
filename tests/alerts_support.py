"""Helpers for the alert tests: a real SMTP server (aiosmtpd) that can misbehave, the job
queue run in-process, and reading links out of received e-mails."""

import asyncio
import contextlib
import email
import re
import socket
import threading
import time
from email import policy
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from django.db import connection

LINK = re.compile(r"https?://\S+")


class Mailbox:
    """An SMTP server's handler that keeps every message it received.

    `drop_after`: once that many messages were received, the server closes the connection
    at the next MAIL command (a server going away mid-run). `stall`: ("rcpt" | "data", n)
    hangs at that stage of the n-th message until `release` is set; at "data" the server
    already has the whole message (it is recorded) but has not answered yet. `refuse`:
    an address the server does not accept.
    """

    def __init__(self):
        self.messages = []
        self.drop_after = None
        self.stall = None
        self.refuse = None
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.mail_commands = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 4.3.0 closing connection"
        self.mail_commands += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._maybe_stall("rcpt")
        if address == self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)
        await self._maybe_stall("data")
        return "250 OK queued"

    async def _maybe_stall(self, stage):
        if self.stall == (stage, self.mail_commands):
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_server(settings):
    """A running SMTP server on 127.0.0.1, with Django's settings pointed at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "alerts.mail.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 20
    mailbox.port = port
    try:
        yield mailbox
    finally:
        mailbox.release.set()
        controller.stop()


def clear_queue():
    """Procrastinate's tables are not Django-managed, so test flushes leave them alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_workers "
            "CASCADE"
        )


def wait_for_released_claims(timeout=15.0):
    """A killed sender's database session ends (and its claim on a message with it) a
    moment after the process: wait for that moment."""
    from alerts.delivery import LOCK_CLASS

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s",
                [LOCK_CLASS],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)
    raise AssertionError("a killed sender still holds a message")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links(message) -> list[str]:
    return LINK.findall(text_of(message))


def path_of(url: str) -> str:
    return urlsplit(url).path


def link_after(message, label: str) -> str:
    """The address on the text line that starts with `label` ("Afmeld dette:")."""
    line = next(line for line in text_of(message).splitlines() if line.startswith(label))
    return LINK.search(line).group(0)


def link_to(message, prefix: str) -> str:
    """The path of the first link in the message's text that starts with `prefix`."""
    return next(path_of(url) for url in links(message) if path_of(url).startswith(prefix))
