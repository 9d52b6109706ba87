"""The files of meetings and items: stored once by content (StoredFile), their pages' text
(AttachmentPage), and where each is attached (Attachment). See docs/attachments.md."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from archive.models.minutes import AgendaItem, Meeting, SourceDocument, danish_vector


class StoredFile(models.Model):
    """The bytes of an attachment, once per content (a bilag often recurs from committee to
    committee), with the text read from it."""

    class Text(models.TextChoices):
        PENDING = "pending", _("venter")
        LAYER = "layer", _("tekstlag")
        OCR = "ocr", _("tekstgenkendt (OCR)")
        NONE = "none", _("ingen tekst")
        UNSUPPORTED = "unsupported", _("filtypen læses ikke")
        FAILED = "failed", _("kunne ikke læses")

    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"))
    content_type = models.CharField(_("filtype"), max_length=100, blank=True)
    data = models.BinaryField(_("indhold"))
    page_count = models.PositiveIntegerField(_("sider"), null=True, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    text_status = models.CharField(
        _("tekst"), max_length=20, choices=Text.choices, default=Text.PENDING
    )
    # Why the text is missing or partial: the reason a file failed, or that OCR is not
    # installed ("tekst ikke genkendt"). Danish first, as every message.
    text_note = models.TextField(_("bemærkning om teksten"), blank=True, default="", db_default="")
    text_read = models.DateTimeField(_("tekst læst"), null=True, blank=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("fil")
        verbose_name_plural = _("filer")
        constraints = [models.UniqueConstraint(fields=["sha256"], name="storedfile_sha256_uniq")]

    def __str__(self):
        return self.sha256[:12]

    @property
    def recognised(self) -> bool:
        """The text (or some of it) was recognised from images (OCR), not read."""
        return self.text_status == self.Text.OCR

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class AttachmentPage(models.Model):
    """The text of one page of a stored file, so that a search hit can name the page.

    A Word file has no pages of its own: its text is page 1."""

    file = models.ForeignKey(
        StoredFile, on_delete=models.CASCADE, related_name="pages", verbose_name=_("fil")
    )
    number = models.PositiveIntegerField(_("side"))
    text = models.TextField(_("tekst"), blank=True)
    ocr = models.BooleanField(_("tekstgenkendt (OCR)"), default=False)
    search_vector = models.GeneratedField(
        expression=danish_vector("text", weight="D"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("side")
        verbose_name_plural = _("sider")
        ordering = ["file", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "number"], name="attachmentpage_file_number_uniq"
            )
        ]
        indexes = [GinIndex(fields=["search_vector"], name="attachmentpage_vector_idx")]

    def __str__(self):
        return f"{self.file} s. {self.number}"


class Attachment(models.Model):
    """A file as a meeting or an item refers to it: a bilag, or the item's own PDF."""

    class Role(models.TextChoices):
        BILAG = "bilag", _("bilag")
        DOCUMENT = "document", _("dokument")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("møde")
    )
    # Set to NULL when the item is replaced by a new version of the minutes: the file stays
    # with the source document it came with.
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("dagsordenspunkt"),
    )
    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("kildedokument"),
    )
    position = models.PositiveSmallIntegerField(_("placering"), default=0)
    name = models.CharField(_("navn"), max_length=300)
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.BILAG)
    path = models.CharField(_("sti i eksporten"), max_length=500, blank=True)
    url = models.URLField(_("adresse hos udgiveren"), max_length=500, blank=True)
    file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("fil"),
    )
    # An editor's upload in the admin (not from the export): kept on its item's position
    # when the document is re-parsed.
    uploaded = models.BooleanField(_("tilføjet i admin"), default=False, db_default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tilføjet af"),
    )

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["meeting", "item", "position"]
        indexes = [models.Index(fields=["source", "position"], name="attachment_source_idx")]

    def __str__(self):
        return self.name
