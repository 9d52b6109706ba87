"""What the minutes hold: the original documents, meetings, their agenda items with the
stored search vectors, and the corpus's words (Term)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from archive.links import by_number
from archive.models.bodies import Committee, Municipality
from archive.querysets import AgendaItemManager, MeetingQuerySet
from core import outcomes as core_outcomes


class SourceDocument(models.Model):
    """An original file exactly as received, kept so it can be downloaded and re-parsed."""

    class Status(models.TextChoices):
        CURRENT = "current", _("gældende")
        SUPERSEDED = "superseded", _("erstattet")

    original = models.BinaryField(_("original"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_name = models.CharField(_("filnavn"), max_length=255)
    size = models.PositiveIntegerField(_("størrelse (bytes)"))
    format = models.CharField(_("format"), max_length=20)
    encoding = models.CharField(_("tegnsæt"), max_length=20)
    parser_version = models.CharField(_("parserversion"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CURRENT
    )
    warnings = models.JSONField(_("advarsler"), default=list, blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("møde"),
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("erstattet af"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("indlæst af"),
    )
    uploaded_at = models.DateTimeField(_("indlæst"), auto_now_add=True)

    class Meta:
        verbose_name = _("kildedokument")
        verbose_name_plural = _("kildedokumenter")
        ordering = ["-uploaded_at"]
        constraints = [models.UniqueConstraint(fields=["sha256"], name="source_sha256_uniq")]

    def __str__(self):
        return f"{self.file_name} ({self.sha256[:12]})"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MINUTES = "referat", _("referat")
        AGENDA = "dagsorden", _("dagsorden")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("udvalg")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.MINUTES)
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("starttidspunkt"), null=True, blank=True)
    location = models.CharField(_("mødested"), max_length=300, blank=True)
    participants = models.JSONField(_("deltagere"), default=list, blank=True)
    absent = models.JSONField(_("fraværende"), default=list, blank=True)
    published = models.BooleanField(_("offentliggjort"), default=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    modified = models.DateTimeField(_("ændret"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["-date", "committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date"], name="meeting_committee_date_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["-date"], name="meeting_date_idx"),
            # The few withdrawn meetings, which the public search leaves out
            # (AgendaItemQuerySet.public): found here without reading every meeting.
            models.Index(
                fields=["id"], condition=models.Q(published=False), name="meeting_withdrawn_idx"
            ),
        ]

    def __str__(self):
        return f"{self.committee.name} {self.date:%d.%m.%Y}"

    def get_absolute_url(self):
        return by_number("archive:meeting", self.pk)


class Outcome(models.TextChoices):
    APPROVED = core_outcomes.Outcome.APPROVED.value, _("godkendt")
    RECOMMENDED = core_outcomes.Outcome.RECOMMENDED.value, _("anbefalet")
    NOTED = core_outcomes.Outcome.NOTED.value, _("taget til efterretning")
    DISCUSSED = core_outcomes.Outcome.DISCUSSED.value, _("drøftet")
    POSTPONED = core_outcomes.Outcome.POSTPONED.value, _("udsat")
    REJECTED = core_outcomes.Outcome.REJECTED.value, _("afvist")
    REFERRED = core_outcomes.Outcome.REFERRED.value, _("oversendt")
    WITHHELD = core_outcomes.Outcome.WITHHELD.value, _("beslutning ikke frigivet")
    NONE = core_outcomes.Outcome.NONE.value, _("ingen beslutning")
    OTHER = core_outcomes.Outcome.OTHER.value, _("andet")


def danish_vector(*fields, weight):
    """The fields' Danish text search vector at a weight (A title … D bilag)."""
    return SearchVector(*fields, weight=weight, config="danish")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("møde")
    )
    # Copied from the meeting so filters and the search index need no joins.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("udvalg")
    )
    meeting_date = models.DateField(_("mødedato"))
    position = models.PositiveSmallIntegerField(_("placering"))
    number = models.PositiveIntegerField(_("punktnummer"), null=True, blank=True)
    # "3.1": the number as printed when it is not a plain one; the sub-item's parent item.
    label = models.CharField(_("nummer som trykt"), max_length=20, blank=True, db_default="")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("hovedpunkt"),
    )
    title = models.TextField(_("titel"))
    closed = models.BooleanField(_("lukket punkt"), default=False)
    case_number = models.CharField(_("sagsnummer"), max_length=100, blank=True)
    case_number_normalized = models.CharField(
        _("sagsnummer (normaliseret)"), max_length=100, blank=True
    )
    kle_subject = models.CharField(_("KLE-emne"), max_length=8, blank=True)
    kle_facet = models.CharField(_("KLE-facet"), max_length=4, blank=True)
    kle_serial = models.PositiveIntegerField(_("løbenummer"), null=True, blank=True)
    kle_year = models.PositiveSmallIntegerField(_("sagsår"), null=True, blank=True)
    case_workers = models.JSONField(_("sagsbehandlere"), default=list, blank=True)
    summary = models.TextField(_("resumé"), blank=True)
    case_text = models.TextField(_("sagsfremstilling"), blank=True)
    recommendation = models.TextField(_("indstilling"), blank=True)
    decision = models.TextField(_("beslutning"), blank=True)
    economy = models.TextField(_("økonomi"), blank=True)
    legal_basis = models.TextField(_("lovgrundlag"), blank=True)
    decision_authority = models.TextField(_("beslutningskompetence"), blank=True)
    other_sections = models.JSONField(_("øvrige afsnit"), default=dict, blank=True)
    attachments = models.JSONField(_("bilag"), default=list, blank=True)
    outcome = models.CharField(
        _("udfald"), max_length=20, choices=Outcome.choices, default=Outcome.NONE
    )
    decision_parts = models.JSONField(_("delbeslutninger"), default=list, blank=True)
    references = models.JSONField(_("henvisninger"), default=list, blank=True)
    # The text of the item's bilag (names, then pages), filled by the background job that
    # reads them (docs/attachments.md) and cut at limits.ATTACHMENT_TEXT_CHARS: a generated
    # column can only read its own row. Empty for closed items.
    attachment_text = models.TextField(_("bilagenes tekst"), blank=True, default="", db_default="")
    # Stored, weighted vectors (A title, B decision and summary, C the rest, D the bilag's
    # text); one per search scope so each has its own GIN index.
    search_vector = models.GeneratedField(
        expression=danish_vector("title", weight="A")
        + danish_vector("decision", "summary", weight="B")
        + danish_vector(
            "case_text",
            "recommendation",
            "economy",
            "legal_basis",
            "decision_authority",
            Cast("other_sections", models.TextField()),
            Cast("attachments", models.TextField()),
            weight="C",
        )
        + danish_vector("attachment_text", weight="D"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    attachment_vector = models.GeneratedField(
        expression=danish_vector("attachment_text", weight="D"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    title_vector = models.GeneratedField(
        expression=danish_vector("title", weight="A"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    decision_vector = models.GeneratedField(
        expression=danish_vector("decision", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = AgendaItemManager()

    class Meta:
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="item_meeting_position_uniq"
            )
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="item_search_vector_idx"),
            GinIndex(fields=["title_vector"], name="item_title_vector_idx"),
            GinIndex(fields=["decision_vector"], name="item_decision_vector_idx"),
            GinIndex(fields=["attachment_vector"], name="item_attachment_vector_idx"),
            # varchar_pattern_ops so that a journal-number prefix (LIKE '15.00.00%') uses it.
            models.Index(
                fields=["case_number_normalized"],
                name="item_case_number_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["kle_subject"], name="item_kle_subject_idx"),
            models.Index(fields=["-meeting_date"], name="item_meeting_date_idx"),
            # Browsing by outcome (and year): a rare outcome ("henvist", "udsat") is a few
            # hundred rows the count and exact facets find here instead of scanning every
            # item (4 s at 1M items for outcome=referred; docs/performance.md).
            models.Index(fields=["outcome", "-meeting_date"], name="item_outcome_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return by_number("archive:item", self.meeting_id, self.position)


class Term(models.Model):
    """A word of the corpus: for finding compound words and for "Mente du" suggestions."""

    word = models.CharField(_("ord"), max_length=100)
    stem = models.CharField(_("stamme"), max_length=100, blank=True)
    frequency = models.PositiveIntegerField(_("antal punkter"), default=0)

    class Meta:
        verbose_name = _("ord")
        verbose_name_plural = _("ordforråd")
        constraints = [models.UniqueConstraint(fields=["word"], name="term_word_uniq")]
        indexes = [
            models.Index(fields=["stem"], name="term_stem_idx"),
            GinIndex(fields=["word"], name="term_word_trgm_idx", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.word
