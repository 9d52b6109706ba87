"""The bodies that publish minutes: municipalities and regions, and their committees."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import bodies


class Municipality(models.Model):
    """A public body that publishes minutes: a municipality or one of the five regions."""

    class Kind(models.TextChoices):
        KOMMUNE = bodies.KOMMUNE, _("kommune")
        REGION = bodies.REGION, _("region")

    name = models.CharField(_("navn"), max_length=100)
    slug = models.SlugField(_("kortnavn"), max_length=100)
    # db_default: bulk loaders that COPY rows (perf's corpus generator) need not name it.
    kind = models.CharField(
        _("type"), max_length=10, choices=Kind.choices, db_default=bodies.KOMMUNE
    )

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

    @property
    def kind_shown(self) -> str:
        """The kind to print beside the name ("region"), or "" when the name says it already:
        "Region Hovedstaden", "Greve Kommune", "Bornholms Regionskommune"."""
        word = {bodies.KOMMUNE: "kommune", bodies.REGION: "region"}.get(self.kind, "")
        return "" if word in self.name.lower() else str(self.get_kind_display())


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
