"""The messages themselves: rendered once, in Danish, and written to the outbox.

Every message carries a link to the address's subscriptions and one to stop them all,
also as `List-Unsubscribe` with RFC 8058's one-click POST, which mail programs show as an
"unsubscribe" button.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from alerts import tokens
from alerts.models import OutboxMessage


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def links(subscriber) -> dict:
    return {
        "manage_url": absolute(reverse("alerts:manage", args=[tokens.manage(subscriber)])),
        "unsubscribe_all_url": absolute(
            reverse("alerts:unsubscribe", args=[tokens.unsubscribe(subscriber)])
        ),
        "site_url": settings.SITE_URL,
    }


def _headers(unsubscribe_url: str) -> dict:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def queue(subscriber, kind: str, template: str, context: dict, item_count=0) -> OutboxMessage:
    """Render `alerts/email/<template>{_subject.txt,.txt,.html}` into a queued message."""
    context = links(subscriber) | {"email": subscriber.email} | context
    with translation.override("da"):
        subject = render_to_string(f"alerts/email/{template}_subject.txt", context)
        text = render_to_string(f"alerts/email/{template}.txt", context)
        html = render_to_string(f"alerts/email/{template}.html", context)
    return OutboxMessage.objects.create(
        subscriber=subscriber,
        kind=kind,
        to=subscriber.email,
        subject=" ".join(subject.split())[:300],
        body_text=text.strip() + "\n",
        body_html=html,
        headers=_headers(context["unsubscribe_all_url"]),
        message_id=make_msgid("referatarkiv", domain=urlsplit(settings.SITE_URL).hostname),
        item_count=item_count,
        next_attempt_at=timezone.now(),
    )


def confirmation(subscription) -> OutboxMessage:
    url = absolute(reverse("alerts:confirm", args=[tokens.confirm(subscription)]))
    return queue(
        subscription.subscriber,
        OutboxMessage.Kind.CONFIRM,
        "confirm",
        {
            "subscription": subscription,
            "confirm_url": url,
            "days": int(settings.ALERTS_CONFIRM_DAYS),
        },
    )


def manage_link(subscriber) -> OutboxMessage:
    return queue(subscriber, OutboxMessage.Kind.MANAGE, "manage", {})


def digest(subscriber, sections: list[dict]) -> OutboxMessage:
    """`sections`: one per subscription with news: its label, page, items and the rest."""
    count = sum(len(section["items"]) + section["more"] for section in sections)
    for section in sections:
        section["unsubscribe_url"] = absolute(
            reverse(
                "alerts:unsubscribe", args=[tokens.unsubscribe(subscriber, section["subscription"])]
            )
        )
        for item in section["items"]:
            item.absolute_url = absolute(item.get_absolute_url())
    context = {"sections": sections, "count": count}
    return queue(subscriber, OutboxMessage.Kind.DIGEST, "digest", context, item_count=count)
