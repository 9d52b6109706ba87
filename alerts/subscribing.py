"""Subscribing, confirming and unsubscribing: the changes behind the pages."""

from django.db import transaction
from django.utils import timezone

from alerts import compose, sightings
from alerts.models import Subscriber, Subscription
from alerts.targets import Target


def normalise_email(email: str) -> str:
    # One address, one subscriber, however it is typed: mailbox names are not case
    # sensitive at any provider in practice.
    return email.strip().casefold()


def request(email: str, kind: str, params: dict, label: str):
    """A pending subscription (again pending if it had ended) and its confirmation e-mail."""
    target = Target(kind, params, label)
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=normalise_email(email))
        subscription, _ = Subscription.objects.get_or_create(
            subscriber=subscriber,
            target=target.fingerprint,
            defaults={
                "kind": kind,
                "params": params,
                "label": label,
                "case_number": target.case_number,
            },
        )
        if subscription.status == Subscription.Status.ENDED:
            subscription.status = Subscription.Status.PENDING
            subscription.ended_at = None
            subscription.save(update_fields=["status", "ended_at"])
        return compose.confirmation(subscription)


def manage_link(email: str):
    """The e-mail with a link to the address's subscriptions; None if it follows nothing."""
    subscriber = Subscriber.objects.filter(
        email=normalise_email(email),
        subscriptions__status__in=[Subscription.Status.PENDING, Subscription.Status.ACTIVE],
    ).first()
    return compose.manage_link(subscriber) if subscriber else None


def confirm(subscription) -> bool:
    """Activate; the subscription's news starts now. False if it was active already."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status == Subscription.Status.ACTIVE:
            return False
        subscription.status = Subscription.Status.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.ended_at = None
        # Everything the archive holds at this moment is old news to this subscription.
        subscription.checked_through = sightings.latest_id()
        subscription.save(update_fields=["status", "confirmed_at", "ended_at", "checked_through"])
        return True


def end(subscriptions) -> int:
    """Unsubscribe; the number of subscriptions that were still running."""
    return subscriptions.exclude(status=Subscription.Status.ENDED).update(
        status=Subscription.Status.ENDED, ended_at=timezone.now()
    )
