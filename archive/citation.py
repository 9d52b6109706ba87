"""The citation of an agenda item: the same text on the item page and in the API."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def citation(item, permalink: str, sha256: str | None) -> str:
    """A ready citation as plain text: who decided what, when, where to read it, which source.

    Built from the item alone (municipality and committee loaded with it) so the item page
    and the API give the same text.
    """
    # The words are looked up outside the f-strings: makemessages (xgettext) does not read
    # calls inside one, and the catalogue would never get them.
    meeting, point, case, source = _("møde"), _("punkt"), _("Sagsnr."), _("kildedokument SHA-256")
    when = date_format(item.meeting_date, "DATE_FORMAT")
    parts = [f"{item.municipality.name}, {item.committee.name}, {meeting} {when}"]
    title = f"»{item.title}«"
    parts.append(f"{point} {item.number}: {title}" if item.number else title)
    text = ", ".join(parts) + "."
    if item.case_number:
        text += f" {case} {item.case_number}."
    text += f" {permalink}"
    if sha256:
        text += f" ({source}: {sha256})"
    return text
