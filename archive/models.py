"""The archive's domain: municipalities, their committees, meetings, agenda items and the
original documents they were parsed from."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.search import AgendaItemQuerySet


class Municipality(models.Model):
    name = models.CharField(_("navn"), max_length=100)
    slug = models.SlugField(_("kortnavn"), max_length=100)

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="municipality_name_uniq"),
            models.UniqueConstraint(fields=["slug"], name="municipality_slug_uniq"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:municipality", args=[self.slug])


class Committee(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="committees", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=200)

    class Meta:
        verbose_name = _("udvalg")
        verbose_name_plural = _("udvalg")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="committee_municipality_name_uniq"
            ),
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="committee_municipality_slug_uniq"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.municipality})"

    def get_absolute_url(self):
        return reverse("archive:committee", args=[self.municipality.slug, self.slug])


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

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["-date", "committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date"], name="meeting_committee_date_uniq"
            )
        ]
        indexes = [models.Index(fields=["-date"], name="meeting_date_idx")]

    def __str__(self):
        return f"{self.committee.name} {self.date:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("archive:meeting", args=[self.pk])


class Outcome(models.TextChoices):
    APPROVED = "approved", _("godkendt")
    NOTED = "noted", _("taget til efterretning")
    DISCUSSED = "discussed", _("drøftet")
    POSTPONED = "postponed", _("udsat")
    REJECTED = "rejected", _("afvist")
    REFERRED = "referred", _("oversendt")
    NONE = "none", _("ingen beslutning")
    OTHER = "other", _("andet")


def _vector(*fields, weight):
    return SearchVector(*fields, weight=weight, config="danish")


class AgendaItemManager(models.Manager.from_queryset(AgendaItemQuerySet)):
    def get_queryset(self):
        # The vectors are for PostgreSQL to search in. Read into Python they only cost: several
        # kB of text per item, fetched from TOAST and parsed, on every page that shows items.
        return super().get_queryset().defer("search_vector", "title_vector", "decision_vector")


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
    # Stored, weighted vectors (A title, B decision and summary, C the rest); one per search
    # scope so each has its own GIN index.
    search_vector = models.GeneratedField(
        expression=_vector("title", weight="A")
        + _vector("decision", "summary", weight="B")
        + _vector(
            "case_text",
            "recommendation",
            "economy",
            "legal_basis",
            "decision_authority",
            Cast("other_sections", models.TextField()),
            Cast("attachments", models.TextField()),
            weight="C",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    title_vector = models.GeneratedField(
        expression=_vector("title", weight="A"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    decision_vector = models.GeneratedField(
        expression=_vector("decision", weight="B"),
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
            # varchar_pattern_ops so that a journal-number prefix (LIKE '15.00.00%') uses it.
            models.Index(
                fields=["case_number_normalized"],
                name="item_case_number_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["kle_subject"], name="item_kle_subject_idx"),
            models.Index(fields=["-meeting_date"], name="item_meeting_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("archive:item", args=[self.meeting_id, self.position])


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
