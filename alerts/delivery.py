"""Sending what is in the outbox: each message at most once, retried with backoff.

A message is claimed with a PostgreSQL advisory lock held by the sending session, so two
workers never send the same message, and a sender that dies (even by SIGKILL) lets go of
it: its connection closes and the lock with it. What the claim finds tells what happened
to an earlier attempt:

- QUEUED: never handed over (or refused): send it.
- HANDED_OVER: an earlier sender died after giving the server the whole message and
  before recording its answer. It may have arrived, so it is not sent again: it becomes
  UNCONFIRMED, for an operator to look at (the admin can queue it again).
"""

import contextlib
import datetime
import logging
import smtplib
from collections import Counter

from django.conf import settings
from django.db import connection
from django.utils import timezone

from alerts import mail
from alerts.models import OutboxMessage, Subscriber, Subscription

logger = logging.getLogger(__name__)

# Advisory lock class for outbox messages (the lock key is the message id).
LOCK_CLASS = 170_617
BATCH = 500

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
UNCONFIRMED = "unconfirmed"
SKIPPED = "skipped"


@contextlib.contextmanager
def claimed(message_id: int):
    """True while this session holds the message; False if another sender does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, (%s %% 2147483647)::int)", [LOCK_CLASS, message_id]
        )
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, (%s %% 2147483647)::int)",
                    [LOCK_CLASS, message_id],
                )


def due(now=None):
    """Messages to look at now: queued ones whose time has come, and any left handed over."""
    now = now or timezone.now()
    queued = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    )
    left = OutboxMessage.objects.filter(status=OutboxMessage.Status.HANDED_OVER)
    return (queued | left).order_by("id")


def deliver_due(now=None, ids=None) -> Counter:
    """Send every due message (or those of `ids` that are due); counts by result.

    Runs outside a transaction: each step must be committed the moment it happens.
    """
    messages = due(now)
    if ids is not None:
        messages = messages.filter(pk__in=ids)
    results = Counter()
    connection_ = mail.backend()
    try:
        for pk in messages.values_list("id", flat=True)[:BATCH]:
            results[deliver_one(connection_, pk, now)] += 1
    finally:
        mail.reset(connection_)
    return results


def deliver_one(connection_, pk: int, now=None) -> str:
    with claimed(pk) as held:
        if not held:
            return SKIPPED
        outbox = OutboxMessage.objects.filter(pk=pk).first()
        if outbox is None:
            return SKIPPED
        if outbox.status == OutboxMessage.Status.HANDED_OVER:
            logger.error("message %s was handed over by a sender that died; not resent", pk)
            _finish(
                outbox, OutboxMessage.Status.UNCONFIRMED, "afsenderen stoppede efter overgivelsen"
            )
            return UNCONFIRMED
        if outbox.status != OutboxMessage.Status.QUEUED or outbox.next_attempt_at > (
            now or timezone.now()
        ):
            return SKIPPED
        if outbox.kind == OutboxMessage.Kind.DIGEST and not _still_following(outbox):
            # Unsubscribed from everything while the digest waited (for a retry, say).
            _finish(outbox, OutboxMessage.Status.FAILED, "afmeldt inden afsendelsen")
            return FAILED
        return _attempt(connection_, outbox)


def _still_following(outbox) -> bool:
    return Subscription.objects.filter(
        subscriber_id=outbox.subscriber_id, status=Subscription.Status.ACTIVE
    ).exists()


def _attempt(connection_, outbox) -> str:
    handed_over = []

    def on_handover():
        OutboxMessage.objects.filter(pk=outbox.pk).update(
            status=OutboxMessage.Status.HANDED_OVER, attempts=outbox.attempts + 1
        )
        handed_over.append(True)

    try:
        mail.send(connection_, mail.email_for(outbox), on_handover)
    except smtplib.SMTPRecipientsRefused as error:
        mail.reset(connection_)
        return _fail(outbox, f"modtageren blev afvist: {error.recipients}", permanent=True)
    except smtplib.SMTPResponseException as error:
        # The server answered: whatever it was, it did not take the message.
        mail.reset(connection_)
        permanent = error.smtp_code >= 500 and isinstance(error, smtplib.SMTPDataError)
        return _fail(outbox, f"{error.smtp_code} {error.smtp_error!r}", permanent=permanent)
    except (smtplib.SMTPException, OSError) as error:
        mail.reset(connection_)
        if handed_over:
            logger.error("message %s: connection lost after hand-over: %s", outbox.pk, error)
            _finish(outbox, OutboxMessage.Status.UNCONFIRMED, repr(error))
            return UNCONFIRMED
        return _fail(outbox, repr(error), permanent=False)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=outbox.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=now, attempts=outbox.attempts + 1, last_error=""
    )
    if outbox.kind == OutboxMessage.Kind.DIGEST:
        Subscriber.objects.filter(pk=outbox.subscriber_id).update(last_digest_at=now)
    return SENT


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before attempt number `attempts + 1`: the base, doubled after each failure."""
    return datetime.timedelta(seconds=settings.ALERTS_RETRY_SECONDS * 2 ** (attempts - 1))


def _fail(outbox, error: str, permanent: bool) -> str:
    attempts = outbox.attempts + 1
    if permanent or attempts >= settings.ALERTS_MAX_ATTEMPTS:
        logger.error("message %s given up after %s attempts: %s", outbox.pk, attempts, error)
        _finish(outbox, OutboxMessage.Status.FAILED, error, attempts)
        return FAILED
    logger.warning("message %s failed (attempt %s), will retry: %s", outbox.pk, attempts, error)
    OutboxMessage.objects.filter(pk=outbox.pk).update(
        status=OutboxMessage.Status.QUEUED,
        attempts=attempts,
        next_attempt_at=timezone.now() + backoff(attempts),
        last_error=error[:2000],
    )
    return RETRY


def _finish(outbox, status, error: str, attempts=None):
    OutboxMessage.objects.filter(pk=outbox.pk).update(
        status=status,
        last_error=error[:2000],
        **({"attempts": attempts} if attempts is not None else {}),
    )


def requeue(queryset) -> int:
    """Queue messages again (an operator's decision for unconfirmed or failed ones)."""
    return queryset.exclude(status=OutboxMessage.Status.SENT).update(
        status=OutboxMessage.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0
    )
