"""E-mail alerts: who follows what, what the archive has seen, and every message sent.

Delivery guarantees (docs/alerts.md): an item is identified by its content (`Sighting`),
not by its row id, which changes when a corrected version of a meeting replaces its items.
A digest is written to the outbox (`OutboxMessage`) in the same transaction that records
each of its items as delivered to that address (`Delivery`, unique per address and item),
so no item is ever put into two messages to the same address.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subscriber(models.Model):
    """An e-mail address that follows something. No account, no password: links in the
    messages sent to the address are signed, and they are the only way in."""

    email = models.EmailField(_("e-mailadresse"), max_length=254)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_digest_at = models.DateTimeField(_("seneste oversigt"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnent")
        verbose_name_plural = _("abonnenter")
        constraints = [models.UniqueConstraint(fields=["email"], name="subscriber_email_uniq")]

    def __str__(self):
        return self.email


class Subscription(models.Model):
    """One thing an address follows: a search with its filters, a case, or a committee."""

    class Kind(models.TextChoices):
        SEARCH = "search", _("søgning")
        CASE = "case", _("sag")
        COMMITTEE = "committee", _("udvalg")
        PERSON = "person", _("person")

    class Status(models.TextChoices):
        PENDING = "pending", _("afventer bekræftelse")
        ACTIVE = "active", _("aktiv")
        ENDED = "ended", _("afmeldt")

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("abonnent"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    # The normalised parameters (alerts/targets.py); `target` is their fingerprint.
    params = models.JSONField(_("parametre"), default=dict)
    target = models.CharField(_("mål"), max_length=64)
    label = models.CharField(_("beskrivelse"), max_length=500)
    # Copied out of `params` for the lookups made right after an ingest.
    case_number = models.CharField(_("sagsnummer"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bekræftet"), null=True, blank=True)
    ended_at = models.DateTimeField(_("afmeldt"), null=True, blank=True)
    # The highest Sighting id this subscription has been matched against: everything up to
    # it has been considered once, and is never considered again.
    checked_through = models.BigIntegerField(_("behandlet til og med"), default=0)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementer")
        ordering = ["subscriber", "created"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "target"], name="subscription_subscriber_target_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["status", "kind", "case_number"], name="subscription_case_idx")
        ]

    def __str__(self):
        return self.label


class Sighting(models.Model):
    """The first time the archive held an agenda item with this identity (alerts/keys.py).

    Ids are handed out in commit order (alerts/sightings.py takes a lock), so "every
    sighting after id N" is a watermark that never skips a row committed late.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(_("nøgle"), max_length=64)
    meeting = models.ForeignKey(
        "archive.Meeting", on_delete=models.CASCADE, related_name="+", verbose_name=_("møde")
    )
    first_seen = models.DateTimeField(_("først set"))

    class Meta:
        verbose_name = _("nyt punkt")
        verbose_name_plural = _("nye punkter")
        constraints = [models.UniqueConstraint(fields=["key"], name="sighting_key_uniq")]

    def __str__(self):
        return self.key[:12]


class OutboxMessage(models.Model):
    """An e-mail exactly as it will be sent, written before any attempt to send it."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("bekræftelse")
        MANAGE = "manage", _("link til abonnementer")
        DIGEST = "digest", _("nyhedsoversigt")

    class Status(models.TextChoices):
        QUEUED = "queued", _("venter")
        # The whole message went to the mail server, its answer was not yet recorded.
        HANDED_OVER = "handed_over", _("overgivet")
        SENT = "sent", _("sendt")
        # The sender stopped after handing the message over: it may well have arrived, so
        # it is not sent again by itself (an operator may, from the admin).
        UNCONFIRMED = "unconfirmed", _("ubekræftet")
        FAILED = "failed", _("opgivet")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="messages", verbose_name=_("abonnent")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    to = models.EmailField(_("til"), max_length=254)
    subject = models.CharField(_("emne"), max_length=300)
    body_text = models.TextField(_("tekst"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("brevhoveder"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300)
    item_count = models.PositiveIntegerField(_("punkter"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"))
    last_error = models.TextField(_("seneste fejl"), blank=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("udgående e-mail")
        verbose_name_plural = _("udgående e-mails")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="outbox_message_id_uniq")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class Delivery(models.Model):
    """An item put into a digest for an address: at most once per address, ever."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="+", verbose_name=_("abonnent")
    )
    key = models.CharField(_("nøgle"), max_length=64)
    # Kept when old messages are cleared away: the record of what an address has had is
    # what stops an item from being sent to it again.
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("e-mail"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abonnement"),
    )

    class Meta:
        verbose_name = _("leveret punkt")
        verbose_name_plural = _("leverede punkter")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "key"], name="delivery_subscriber_key_uniq"
            )
        ]

    def __str__(self):
        return self.key[:12]
