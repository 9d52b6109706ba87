"""Digests: for each address, what is new since its last digest, in one message.

`send_alerts` (the command, and the periodic job) records what the ingest hook may have
missed, matches every active subscription against the items first seen since it last
looked, writes one digest per address to the outbox, and sends what is due. The matching
and the writing happen in one transaction per address (docs/alerts.md):

- each subscription's watermark (`checked_through`) moves past the sightings it has been
  matched against, so a sighting is considered once;
- each item goes into the digest with a `Delivery` row, unique per address and item, so
  nothing reaches an address twice, whichever subscription found it;
- a crash anywhere before the commit leaves everything as it was, to be done again.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from alerts import compose, delivery, sightings, targets
from alerts.models import Delivery, OutboxMessage, Sighting, Subscriber, Subscription
from archive.models import AgendaItem

logger = logging.getLogger(__name__)

# Sent and given-up messages are cleared after this long (the Delivery rows stay).
KEEP_MESSAGES = datetime.timedelta(days=90)


class Window:
    """The sightings one run looks at, and the identity keys of their meetings' items."""

    def __init__(self, start: int, through: int):
        self.through = through
        self.sightings = list(
            Sighting.objects.filter(id__gt=start, id__lte=through).values_list(
                "id", "key", "meeting_id", "first_seen"
            )
        )
        self._keys: dict[int, str] = {}
        self._meetings: set[int] = set()

    def new_for(self, subscription) -> dict[str, int]:
        """{key: meeting id} first seen after the subscription was confirmed and after
        what it has already been matched against."""
        if subscription.confirmed_at is None:
            return {}
        return {
            key: meeting
            for id_, key, meeting, first_seen in self.sightings
            if id_ > subscription.checked_through and first_seen > subscription.confirmed_at
        }

    def keys(self, meetings: set[int], refresh=False) -> dict[int, str]:
        todo = meetings if refresh else meetings - self._meetings
        if todo:
            self._keys.update(sightings.current_keys(todo))
            self._meetings |= todo
        return self._keys

    def matches(self, subscription, new: dict[str, int]) -> list[tuple[int, str]]:
        """(item id, key) of the subscription's matches among the new items."""
        meetings = set(new.values())
        items = AgendaItem.objects.public().filter(meeting_id__in=meetings)
        ids = list(targets.matching(subscription, items).values_list("id", flat=True))
        keys = self.keys(meetings)
        if any(id_ not in keys for id_ in ids):
            # A meeting was replaced since its keys were read: read them again.
            keys = self.keys(meetings, refresh=True)
        return [(id_, keys[id_]) for id_ in ids if keys.get(id_) in new]


@dataclass
class Summary:
    recorded: int = 0
    digests: int = 0
    items: int = 0
    sent: dict = field(default_factory=dict)


def send_alerts(subscriber_ids=None) -> Summary:
    """One full run (or one for these addresses only): record, match, write, send."""
    summary = Summary()
    if subscriber_ids is None:
        summary.recorded = sightings.catch_up()
    summary.digests, summary.items = build_digests(subscriber_ids)
    summary.sent = dict(delivery.deliver_due())
    if subscriber_ids is None:
        clean_up()
    return summary


def build_digests(subscriber_ids=None) -> tuple[int, int]:
    """Write each address's digest to the outbox; (digests, items) written."""
    through = sightings.latest_id()
    active = Subscription.objects.filter(
        status=Subscription.Status.ACTIVE, checked_through__lt=through
    )
    if subscriber_ids is not None:
        active = active.filter(subscriber_id__in=subscriber_ids)
    start = active.aggregate(start=Min("checked_through"))["start"]
    if start is None:
        return 0, 0
    window = Window(start, through)
    digests = items = 0
    for subscriber_id in sorted(set(active.values_list("subscriber_id", flat=True))):
        written = build_digest(subscriber_id, window)
        digests += bool(written)
        items += written
    return digests, items


def build_digest(subscriber_id: int, window: Window) -> int:
    """Match one address's subscriptions and write its digest; the number of items."""
    with transaction.atomic():
        # Another run (an ingest's immediate one) working on this address finishes it.
        subscriber = (
            Subscriber.objects.select_for_update(skip_locked=True).filter(pk=subscriber_id).first()
        )
        if subscriber is None:
            return 0
        subscriptions = list(
            subscriber.subscriptions.filter(
                status=Subscription.Status.ACTIVE, checked_through__lt=window.through
            ).order_by("created", "id")
        )
        found = {
            sub.pk: window.matches(sub, new)
            for sub in subscriptions
            if (new := window.new_for(sub))
        }
        keys = {key for matches in found.values() for _, key in matches}
        taken = set(
            Delivery.objects.filter(subscriber=subscriber, key__in=keys).values_list(
                "key", flat=True
            )
        )
        sections, rows = [], []
        for sub in subscriptions:
            fresh = []
            for item_id, key in found.get(sub.pk, []):
                if key not in taken:
                    taken.add(key)
                    fresh.append(item_id)
                    rows.append(Delivery(subscriber=subscriber, key=key, subscription=sub))
            if fresh:
                sections.append(_section(sub, fresh))
        Subscription.objects.filter(pk__in=[sub.pk for sub in subscriptions]).update(
            checked_through=window.through
        )
        if not rows:
            return 0
        message = compose.digest(subscriber, sections)
        for row in rows:
            row.message = message
        Delivery.objects.bulk_create(rows)
        return len(rows)


def _section(subscription, item_ids: list[int]) -> dict:
    shown = list(
        AgendaItem.objects.filter(pk__in=item_ids)
        .select_related("meeting", "committee", "municipality")
        .order_by("-meeting_date", "committee__name", "position")[: settings.ALERTS_MAX_ITEMS]
    )
    return {
        "subscription": subscription,
        "label": subscription.label,
        "url": compose.absolute(targets.page_url(subscription)),
        "items": shown,
        "more": len(item_ids) - len(shown),
    }


def clean_up(now=None):
    """Forget what no one needs: unconfirmed requests past their link's lifetime, old
    messages, and addresses that follow nothing any more."""
    now = now or timezone.now()
    expired = now - datetime.timedelta(days=settings.ALERTS_CONFIRM_DAYS)
    Subscription.objects.filter(status=Subscription.Status.PENDING, created__lt=expired).delete()
    done = [OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED]
    OutboxMessage.objects.filter(status__in=done, created__lt=now - KEEP_MESSAGES).delete()
    following = Q(
        subscriptions__status__in=[Subscription.Status.PENDING, Subscription.Status.ACTIVE]
    )
    unsent = Q(
        messages__status__in=[
            OutboxMessage.Status.QUEUED,
            OutboxMessage.Status.HANDED_OVER,
            OutboxMessage.Status.UNCONFIRMED,
        ]
    )
    Subscriber.objects.filter(created__lt=expired).exclude(following | unsent).delete()
