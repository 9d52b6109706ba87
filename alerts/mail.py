"""Sending one outbox message, knowing how far it got.

SMTP has one moment that matters: the line with a single dot that ends the message. Until
the server has it, the server throws the message away if the connection breaks; once it
has replied "250", the message is its responsibility. `SMTPBackend` is Django's SMTP
backend with one addition: it calls back just before that dot, so the sender can record
"handed over" first. A sender that dies before that point is retried without risk of a
duplicate; one that dies after it is never retried blindly (docs/alerts.md).
"""

import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend

CRLF = b"\r\n"
LEADING_DOT = re.compile(rb"(?m)^\.")


class _Checkpoint:
    """smtplib.SMTP's DATA command with a callback between the message and its end."""

    on_handover = None

    def data(self, msg):
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = LEADING_DOT.sub(b"..", msg if isinstance(msg, bytes) else msg.encode("ascii"))
        if not body.endswith(CRLF):
            body += CRLF
        self.send(body)
        if self.on_handover is not None:
            self.on_handover()
        self.send(b"." + CRLF)
        return self.getreply()


class CheckpointSMTP(_Checkpoint, smtplib.SMTP):
    pass


class CheckpointSMTPSSL(_Checkpoint, smtplib.SMTP_SSL):
    pass


class SMTPBackend(EmailBackend):
    """Django's SMTP backend (EMAIL_URL / EMAIL_HOST ...), able to report the hand-over."""

    @property
    def connection_class(self):
        return CheckpointSMTPSSL if self.use_ssl else CheckpointSMTP

    def send_one(self, message, on_handover) -> bool:
        self.open()
        self.connection.on_handover = on_handover
        try:
            return self._send(message)
        finally:
            if self.connection is not None:
                self.connection.on_handover = None


def backend():
    return get_connection(fail_silently=False)


def send(connection, message, on_handover) -> None:
    """Send with whatever backend is configured; `on_handover` runs before the point of no
    return (for backends other than SMTP, such as the console, just before sending)."""
    if isinstance(connection, SMTPBackend):
        connection.send_one(message, on_handover)
    else:
        on_handover()
        connection.send_messages([message])


def email_for(outbox) -> EmailMultiAlternatives:
    """The message stored in the outbox: the same content and Message-ID at every attempt."""
    message = EmailMultiAlternatives(
        subject=outbox.subject,
        body=outbox.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outbox.to],
        headers={"Message-ID": outbox.message_id, **outbox.headers},
    )
    if outbox.body_html:
        message.attach_alternative(outbox.body_html, "text/html")
    return message


def reset(connection):
    """Drop a connection that failed, so the next message opens a fresh one."""
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        if isinstance(connection, SMTPBackend):
            connection.connection = None
