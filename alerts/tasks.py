"""The alerts' background jobs (Procrastinate; docs/jobs.md).

Requests from the web only put a job in the queue, so the response is the same, and as
fast, whatever the address's state, and mail-server trouble never reaches a reader.
"""

import logging

from django.conf import settings
from procrastinate.contrib.django import app

from alerts import delivery, digests, subscribing
from alerts.models import Subscription
from archive.models import AgendaItem

logger = logging.getLogger(__name__)

QUEUE = "alerts"


@app.task(queue=QUEUE)
def request_subscription(email: str, kind: str, params: dict, label: str):
    """Record a (pending) subscription and send its confirmation link."""
    message = subscribing.request(email, kind, params, label)
    delivery.deliver_due(ids=[message.pk])


@app.task(queue=QUEUE)
def request_manage_link(email: str):
    """Send the address a link to its subscriptions, if it has any."""
    message = subscribing.manage_link(email)
    if message is not None:
        delivery.deliver_due(ids=[message.pk])


@app.task(queue=QUEUE)
def send_now(subscriber_ids: list[int]):
    """Digests for these addresses now (followers of a case that was just ingested)."""
    digests.send_alerts(subscriber_ids=subscriber_ids)


@app.periodic(cron=settings.ALERTS_SCHEDULE)
@app.task(queue=QUEUE, queueing_lock="alerts.send_alerts")
def send_alerts(timestamp: int):
    """Every address's digest (ALERTS_SCHEDULE, daily by default)."""
    summary = digests.send_alerts()
    logger.info("alerts: %s", summary)


@app.periodic(cron="*/5 * * * *")
@app.task(queue=QUEUE, queueing_lock="alerts.deliver_due")
def deliver_due(timestamp: int):
    """Retries whose time has come (failed deliveries back off, doubling each time)."""
    delivery.deliver_due()


def send_to_case_followers(new: dict[str, int]):
    """After an ingest: a job for the addresses following a case among the new items."""
    cases = set(
        AgendaItem.objects.filter(pk__in=list(new.values()))
        .exclude(case_number_normalized="")
        .values_list("case_number_normalized", flat=True)
    )
    if not cases:
        return
    followers = sorted(
        set(
            Subscription.objects.filter(
                status=Subscription.Status.ACTIVE,
                kind=Subscription.Kind.CASE,
                case_number__in=cases,
            ).values_list("subscriber_id", flat=True)
        )
    )
    if followers:
        send_now.defer(subscriber_ids=followers)
