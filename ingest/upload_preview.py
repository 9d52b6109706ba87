"""The upload preview: what each file of a pending upload holds, and what storing it would
change in the archive (items added, removed and changed; facts of the meeting). Read-only;
part of the upload workflow (`ingest.upload`).
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import Meeting, Outcome, SourceDocument
from ingest import pipeline
from ingest.upload_checks import danish, find_duplicate


@dataclass
class ItemChange:
    label: str
    title: str
    fields: list[str]


@dataclass
class Diff:
    """How a new version of a meeting differs from the stored one."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    meeting_fields: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.meeting_fields)


@dataclass
class FilePreview:
    """One file of a pending upload as the editor sees it."""

    name: str
    size: int
    sha256: str = ""
    error: str = ""
    duplicate: SourceDocument | None = None
    meeting: dict | None = None
    existing: Meeting | None = None
    diff: Diff | None = None

    @property
    def status(self) -> str:
        """error, duplicate, new, upgrade (minutes for a stored agenda) or replace."""
        if self.error:
            return "error"
        if self.duplicate is not None:
            return "duplicate"
        if self.existing is None:
            return "new"
        if self.existing.kind == Meeting.Kind.AGENDA and self.meeting["kind"] == "referat":
            return "upgrade"
        return "replace"


def preview(record: dict) -> list[FilePreview]:
    """Every file of a pending upload, compared with what the archive holds now."""
    return [preview_file(entry) for entry in record["files"]]


def preview_file(entry):
    view = FilePreview(entry["name"], entry["size"], entry.get("sha256", ""), entry.get("error"))
    if view.error:
        return view
    view.duplicate = find_duplicate(view.sha256)
    if view.duplicate is not None or not entry.get("parsed"):
        if view.duplicate is None:  # stored once and since deleted: read it again
            view.error = _("Filen blev fundet i arkivet, men er siden slettet. Upload den igen.")
        return view
    view.meeting = _readable(entry["parsed"])
    view.existing = existing_meeting(view.meeting)
    if view.existing is not None:
        view.diff = diff(view.existing, view.meeting)
    return view


def _readable(parsed: dict) -> dict:
    """The stored parse result with real dates and times, for templates."""
    meeting = dict(parsed)
    meeting["date"] = datetime.date.fromisoformat(parsed["date"])
    meeting["time"] = stored_time(parsed["time"])
    meeting["warnings"] = [danish(warning) for warning in parsed["warnings"]]
    meeting["kind_label"] = _label_of(Meeting.Kind, parsed["kind"])
    meeting["format_label"] = {
        pipeline.PDF: "PDF",
        pipeline.HTML: "HTML",
        pipeline.MARKDOWN: "Markdown",
        pipeline.TEXT: _("tekst"),
    }.get(parsed["format"], parsed["format"])
    files = parsed.get("files", [])
    meeting["items"] = [
        item
        | {
            "outcome_label": _label_of(Outcome, item["outcome"]),
            "files": [f for f in files if f["item"] == item["position"]],
        }
        for item in parsed["items"]
    ]
    meeting["meeting_files"] = [f for f in files if f["item"] is None]
    meeting["stored_files"] = sum(1 for f in files if f["sha256"])
    return meeting


def stored_time(value):
    """A time as the kept parse result holds it (ISO text), back as a time."""
    return datetime.time.fromisoformat(value) if isinstance(value, str) else value


def _label_of(choices, value):
    return str(choices(value).label) if value in choices.values else value


def existing_meeting(meeting: dict) -> Meeting | None:
    return (
        Meeting.objects.select_related("committee__municipality")
        .filter(
            committee__municipality__name=meeting["municipality"],
            committee__name=meeting["committee"],
            date=meeting["date"],
        )
        .first()
    )


ITEM_FIELDS = {
    "title": gettext_lazy("titel"),
    "case_number": gettext_lazy("sagsnummer"),
    "decision": gettext_lazy("beslutning"),
    "outcome": gettext_lazy("udfald"),
    "closed": gettext_lazy("lukket/åbent"),
}


def diff(meeting: Meeting, new: dict) -> Diff:
    """Items added, removed and changed (matched by number, else by title), and which facts
    of the meeting itself change."""
    old_items = {
        _key(row): row
        for row in meeting.items.order_by("position").values(
            "position", "number", "title", "case_number", "decision", "outcome", "closed"
        )
    }
    new_items = {_key(item): _comparable(item) for item in new["items"]}
    result = Diff(
        added=[item for key, item in new_items.items() if key not in old_items],
        removed=[item for key, item in old_items.items() if key not in new_items],
    )
    for key, item in new_items.items():
        old = old_items.get(key)
        changed = [_field_change(f, old, item) for f in ITEM_FIELDS if old and old[f] != item[f]]
        if changed:
            result.changed.append(ItemChange(_label(item), item["title"], changed))
    result.meeting_fields = _meeting_changes(meeting, new)
    return result


def _field_change(name, old, new):
    """ "titel", or for the outcome what it was and becomes: "udfald (drøftet → udsat)"."""
    if name != "outcome":
        return str(ITEM_FIELDS[name])
    before, after = (_label_of(Outcome, row["outcome"]).lower() for row in (old, new))
    return f"{ITEM_FIELDS[name]} ({before} → {after})"


def _key(item):
    return ("number", item["number"]) if item["number"] is not None else ("title", item["title"])


def _comparable(item):
    return {
        "position": item["position"],
        "number": item["number"],
        "title": item["title"],
        "case_number": item["case_number"] or "",
        "decision": item["decision"] or "",
        "outcome": item["outcome"],
        "closed": item["closed"],
    }


def _label(item):
    if item["number"] is not None:
        return _("Punkt %(number)s") % {"number": item["number"]}
    return _("Punkt uden nummer (nr. %(position)s i rækken)") % {"position": item["position"]}


def _meeting_changes(meeting, new):
    people = lambda rows: [(p["name"], p["party"]) for p in rows]  # noqa: E731
    pairs = [
        (_("type"), meeting.kind, new["kind"]),
        (_("tidspunkt"), meeting.start_time, stored_time(new["time"])),
        (_("mødested"), meeting.location, (new["location"] or "")[:300]),
        (_("deltagere"), people(meeting.participants), people(new["participants"])),
        (_("fraværende"), people(meeting.absent), people(new["absent"])),
    ]
    return [label for label, old, value in pairs if old != value]
