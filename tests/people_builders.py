"""Small builders of parsed meetings for the people and calendar tests, stored through the
real `ingest.store.store`.

`greve_document` reads a real Greve First Agenda JSON file (tests/fixtures/greve-firstagenda/)
with the json module alone: the First Agenda reader is written elsewhere, and these tests
are about what the archive does with the lists, not about reading them. It takes what the
export says as it says it: `Moede.Moededeltagere[].Name`, away when `Absent` (fraværende)
or `ParticipationCancelled` (afbud) is set; each item's title, number and the text under
its "Beslutning" heading as the decision.
"""

import datetime
import hashlib
import json
from pathlib import Path

from ingest.parsed import Item, Meeting, ParsedDocument, Person
from ingest.store import store

GREVE = Path(__file__).resolve().parent / "fixtures" / "greve-firstagenda"
GREVE_FILES = sorted(GREVE.glob("*.json"))


def greve_json(path: Path) -> dict:
    return json.loads(path.read_bytes().decode("utf-8-sig"))


def greve_lists(document: dict) -> tuple[list[str], list[str]]:
    """(present, away) names, as the export flags them."""
    present, away = [], []
    for member in document["Moede"]["Moededeltagere"]:
        gone = member["Absent"] or member["ParticipationCancelled"]
        (away if gone else present).append(member["Name"])
    return present, away


def _decision(html: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    for heading in LexborHTMLParser(html).css("h3"):
        if heading.text(strip=True) == "Beslutning":
            node = heading.next
            while node is not None and node.tag == "-text":
                node = node.next
            if node is not None:
                return " ".join(node.text(separator=" ").split())
    return ""


def greve_document(path: Path) -> tuple[ParsedDocument, bytes]:
    document = greve_json(path)
    moment = datetime.datetime.fromisoformat(document["Moede"]["Dato"])
    present, away = greve_lists(document)
    items = []
    for position, punkt in enumerate(document["Dagsordenpunkter"], start=1):
        html = "".join(felt.get("Html") or "" for felt in punkt.get("Felter") or [])
        items.append(
            Item(
                position=position,
                number=int(punkt["Punktnummer"]),
                title=punkt["Navn"],
                closed=punkt["Navn"].startswith("Lukket"),
                decision=_decision(html),
                outcome="other",
            )
        )
    meeting = Meeting(
        municipality="Greve Kommune",
        committee=document["Udvalg"]["Navn"],
        kind="referat",
        date=moment.date(),
        time=moment.time().replace(tzinfo=None),
        location=document["Moede"]["Sted"],
        participants=[Person(name) for name in present],
        absent=[Person(name) for name in away],
        items=items,
    )
    data = path.read_bytes()
    return parsed(meeting, data, path.name), data


def parsed(meeting: Meeting, data: bytes, source: str = "test.json") -> ParsedDocument:
    return ParsedDocument(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        format="json",
        encoding="utf-8",
        size=len(data),
        meeting=meeting,
    )


def store_greve(path: Path):
    document, data = greve_document(path)
    return store(document, data)


def store_meeting(
    committee: str,
    date: str,
    participants=(),
    absent=(),
    *,
    municipality="Testrup Kommune",
    kind="referat",
    time=None,
    location="",
    items=(),
    replace=False,
    version="",
):
    """Store a meeting whose lists are `(name, party)` pairs (or names)."""

    def people(entries):
        return [Person(*entry) if isinstance(entry, tuple) else Person(entry) for entry in entries]

    meeting = Meeting(
        municipality=municipality,
        committee=committee,
        kind=kind,
        date=datetime.date.fromisoformat(date),
        time=time,
        location=location,
        participants=people(participants),
        absent=people(absent),
        items=[
            Item(position=i, number=i, title=title, decision=decision)
            for i, (title, decision) in enumerate(items, start=1)
        ],
    )
    data = repr((meeting, version)).encode()
    return store(parsed(meeting, data), data, replace=replace)
