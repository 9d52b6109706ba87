"""What the parser produces: plain dataclasses, no Django."""

import datetime
import hashlib
from dataclasses import asdict, dataclass, field

from core.casenumbers import CaseNumber

__all__ = ["Attachment", "CaseNumber", "DecisionPart", "Item", "Meeting", "ParsedDocument"]

BILAG = "bilag"  # an attachment to an item
DOCUMENT = "document"  # the item's or meeting's own text as the publisher rendered it (a PDF)


@dataclass
class Person:
    name: str
    party: str | None = None


@dataclass
class Attachment:
    """A file an item (or the meeting) refers to: a bilag, or the item's own PDF.

    `data` is None when the source names the file but does not carry it (a link on the
    publisher's portal, a file missing from an export); the archive then keeps the name and
    the link.
    """

    name: str
    data: bytes | None = field(default=None, repr=False)
    path: str = ""  # where it lay inside the export
    url: str = ""  # where the publisher serves it
    role: str = BILAG
    content_type: str = ""
    # The SHA-256 a parse result kept as JSON promises for `data` (ingest.upload).
    expected_sha256: str = ""

    @property
    def sha256(self) -> str:
        if self.data is None:
            return self.expected_sha256
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def from_json(cls, data: dict) -> "Attachment":
        """An attachment back from `as_json` (its name, where it lies, its hash; no bytes)."""
        return cls(
            name=data["name"],
            path=data.get("path") or "",
            url=data.get("url") or "",
            role=data.get("role") or BILAG,
            content_type=data.get("content_type") or "",
            expected_sha256=data.get("sha256") or "",
        )

    def as_json(self, position=None):
        return {
            "item": position,
            "name": self.name,
            "path": self.path,
            "url": self.url,
            "role": self.role,
            "content_type": self.content_type,
            "size": len(self.data) if self.data is not None else None,
            "sha256": self.sha256 or None,
        }


@dataclass
class Reference:
    number: int | None
    committee: str
    date: datetime.date


@dataclass
class DecisionPart:
    point: int
    text: str
    outcome: str


@dataclass
class Item:
    position: int
    number: int | None
    title: str
    # The number as printed when it is not a plain integer ("3.1"), and the position of the
    # item it is a sub-item of.
    label: str = ""
    parent: int | None = None
    closed: bool = False
    case_number: CaseNumber | None = None
    case_workers: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    decision: str = ""
    outcome: str = "none"
    decision_parts: list[DecisionPart] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # the names, as listed
    # The files behind them, where the source carries or links them (exports, First Agenda).
    files: list[Attachment] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)


@dataclass
class Meeting:
    municipality: str
    committee: str
    kind: str
    date: datetime.date
    time: datetime.time | None = None
    location: str = ""
    participants: list[Person] = field(default_factory=list)
    absent: list[Person] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # "kommune" or "region"; empty: inferred from the name when stored (core.bodies).
    body_kind: str = ""
    # Files of the meeting as a whole (the full minutes PDF of an export).
    files: list[Attachment] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """A parsed file: where it came from, how it was read, and the meeting in it."""

    source: str
    sha256: str
    format: str
    encoding: str
    size: int
    meeting: Meeting
    # What to keep as the original: the file's bytes, or an export's archive or manifest.
    original: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def warnings(self):
        return self.meeting.warnings

    def all_files(self) -> list[tuple[int | None, Attachment]]:
        """Every attachment with the position of its item (None: the meeting's own)."""
        found = [(None, a) for a in self.meeting.files]
        for item in self.meeting.items:
            found += [(item.position, a) for a in item.files]
        return found

    def as_json(self):
        """The documented dry-run shape (docs/ingest.md)."""
        m = self.meeting
        return {
            "source": self.source,
            "sha256": self.sha256,
            "format": self.format,
            "encoding": self.encoding,
            "municipality": m.municipality,
            "committee": m.committee,
            "kind": m.kind,
            "date": m.date.isoformat(),
            "time": m.time.strftime("%H:%M") if m.time else None,
            "location": m.location or None,
            "participants": [asdict(p) for p in m.participants],
            "absent": [asdict(p) for p in m.absent],
            "body_kind": m.body_kind,
            "items": [_item_json(item) for item in m.items],
            "files": [a.as_json(position) for position, a in self.all_files()],
            "warnings": list(m.warnings),
        }


def _item_json(item):
    case = item.case_number
    # Sub-items only: "label" (the printed number, "3.1") and "parent" (its item's position).
    hierarchy = {"label": item.label, "parent": item.parent} if item.label else {}
    return {
        "position": item.position,
        "number": item.number,
        **hierarchy,
        "title": item.title,
        "closed": item.closed,
        "case_number": case.printed if case else None,
        "case_number_normalized": case.normalized if case else None,
        "kle": case.kle() if case else None,
        "case_workers": item.case_workers,
        "sections": item.sections,
        "decision": item.decision or None,
        "outcome": item.outcome,
        "decision_parts": [asdict(part) for part in item.decision_parts],
        "attachments": item.attachments,
        "references": [
            {"number": r.number, "committee": r.committee, "date": r.date.isoformat()}
            for r in item.references
        ],
    }
