"""Signed links: the only way into a subscription, since there are no accounts.

Each purpose has its own salt, so a link made for one thing (managing) can never be used
for another (confirming), and each has a lifetime. A link that was tampered with or is too
old is refused with a page saying so (alerts/views.py), never with a traceback.
"""

import datetime

from django.conf import settings
from django.core import signing

CONFIRM = "alerts.confirm"
MANAGE = "alerts.manage"
UNSUBSCRIBE = "alerts.unsubscribe"


class BadToken(Exception):
    """The link is not one of ours, or no longer valid (`expired`)."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def max_age(purpose: str) -> datetime.timedelta:
    days = settings.ALERTS_CONFIRM_DAYS if purpose == CONFIRM else settings.ALERTS_LINK_DAYS
    return datetime.timedelta(days=days)


def make(purpose: str, **payload) -> str:
    return signing.dumps(payload, salt=purpose, compress=True)


def read(purpose: str, token: str) -> dict:
    """The payload of a valid token for this purpose; BadToken otherwise."""
    try:
        payload = signing.loads(token, salt=purpose, max_age=max_age(purpose))
    except signing.SignatureExpired as error:
        raise BadToken(expired=True) from error
    except (signing.BadSignature, ValueError) as error:
        raise BadToken(expired=False) from error
    if not isinstance(payload, dict):
        raise BadToken(expired=False)
    return payload


def confirm(subscription) -> str:
    return make(CONFIRM, s=subscription.pk, a=subscription.subscriber_id)


def manage(subscriber) -> str:
    return make(MANAGE, a=subscriber.pk)


def unsubscribe(subscriber, subscription=None) -> str:
    """Ends one subscription, or (without one) all of the address's subscriptions."""
    return make(UNSUBSCRIBE, a=subscriber.pk, s=subscription.pk if subscription else None)
