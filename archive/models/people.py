"""People in the minutes: a person per municipality, and their attendance at meetings
(written by archive.people.link_meeting; docs/people.md)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models.bodies import Municipality
from archive.models.minutes import Meeting


class Person(models.Model):
    """A member as the minutes name them: one per person within a municipality.

    Made and kept up to date from the meetings' lists of participants and absentees
    (archive/people.py); the rule for when two printings are one person is in
    core/people.py and docs/people.md.
    """

    # Derived from the meetings' lists: it never keeps a municipality from being deleted.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="people", verbose_name=_("kommune")
    )
    # As most recently printed, without the party; `name_key` is what names are matched on.
    name = models.CharField(_("navn"), max_length=200)
    name_key = models.CharField(_("navn (normaliseret)"), max_length=200)
    party = models.CharField(_("parti"), max_length=10, blank=True)
    slug = models.SlugField(_("kortnavn"), max_length=250)
    # Set when later data showed this person to be another one: the page redirects there.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("slået sammen med"),
    )
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    modified = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="person_slug_uniq")]
        indexes = [
            models.Index(fields=["municipality", "name_key"], name="person_name_key_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.party})" if self.party else self.name

    def get_absolute_url(self):
        return reverse("archive:person", args=[self.slug])


class Attendance(models.Model):
    """A person at a meeting: there, away, or (on an agenda) called to it."""

    class Status(models.TextChoices):
        PRESENT = "present", _("deltog")
        ABSENT = "absent", _("fraværende")
        # Named on an agenda: whether they came is not known until the minutes say so.
        INVITED = "invited", _("indkaldt")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("møde")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Where the person stands on the source's lists, participants first.
    position = models.PositiveSmallIntegerField(_("placering"))
    # As the source printed it for this meeting; the party may change over time.
    name = models.CharField(_("navn som trykt"), max_length=200)
    party = models.CharField(_("parti"), max_length=10, blank=True)
    note = models.CharField(_("rolle eller note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fremmøde")
        verbose_name_plural = _("fremmøde")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_meeting_person_uniq"
            )
        ]
        indexes = [models.Index(fields=["person", "status"], name="attendance_person_idx")]

    def __str__(self):
        return f"{self.person} – {self.meeting}"
