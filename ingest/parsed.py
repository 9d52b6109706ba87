"""What the parser produces: plain dataclasses, no Django."""

import datetime
from dataclasses import asdict, dataclass, field


@dataclass
class Person:
    name: str
    party: str | None = None


@dataclass
class CaseNumber:
    printed: str
    normalized: str
    subject: str = ""
    facet: str = ""
    serial: int | None = None
    year: int | None = None

    def kle(self):
        if not self.subject:
            return None
        return {
            "subject": self.subject,
            "facet": self.facet,
            "serial": self.serial,
            "year": self.year,
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
    closed: bool = False
    case_number: CaseNumber | None = None
    case_workers: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    decision: str = ""
    outcome: str = "none"
    decision_parts: list[DecisionPart] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
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


@dataclass
class ParsedDocument:
    """A parsed file: where it came from, how it was read, and the meeting in it."""

    source: str
    sha256: str
    format: str
    encoding: str
    size: int
    meeting: Meeting

    @property
    def warnings(self):
        return self.meeting.warnings

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
            "items": [_item_json(item) for item in m.items],
            "warnings": list(m.warnings),
        }


def _item_json(item):
    case = item.case_number
    return {
        "position": item.position,
        "number": item.number,
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
