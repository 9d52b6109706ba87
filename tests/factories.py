"""Builders for archive content, so view, API, feed, export and search tests never run the
parser: a better parser must not break a search test.

    municipality(), committee(), meeting(), source(), item()   one row each, with defaults
    region()            a region (a body of kind region) rather than a municipality
    seed_archive()      the five seed meetings (samples/) as the parser once read them,
                        frozen in tests/fixtures/seed_archive.json and built row for row as
                        ingest.store writes them (the originals are the sample files' bytes)

    python -m tests.factories     re-freeze the seeds from the current parser, after a
                                  reviewed parser change (needs DATABASE_URL; writes nothing
                                  to that database)
"""

import datetime
import hashlib
import json
import sys
from pathlib import Path

from django.db import transaction

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED_ARCHIVE = Path(__file__).resolve().parent / "fixtures" / "seed_archive.json"

MEETING_FIELDS = ("kind", "date", "start_time", "location", "participants", "absent")
SOURCE_FIELDS = ("file_name", "format", "encoding", "parser_version", "warnings")
ITEM_FIELDS = (
    "position", "number", "label", "title", "closed", "case_number", "case_number_normalized",
    "kle_subject", "kle_facet", "kle_serial", "kle_year", "case_workers", "summary", "case_text",
    "recommendation", "decision", "economy", "legal_basis", "decision_authority",
    "other_sections", "attachments", "outcome", "decision_parts", "references",
)  # fmt: skip
ATTACHMENT_FIELDS = ("position", "name", "role", "path", "url")


# --- One row each ------------------------------------------------------------------------


def municipality(name="Testby Kommune", slug=None, kind="kommune"):
    """A municipality (get or create: the name is unique)."""
    from archive.models import Municipality

    slug = slug or name.lower().removesuffix(" kommune").replace(" ", "-")
    found, _ = Municipality.objects.get_or_create(name=name, defaults={"slug": slug, "kind": kind})
    return found


def region(name="Region Hovedstaden", slug="regionh"):
    """A region: its council's committees are a region's, not a municipality's."""
    return municipality(name, slug, kind="region")


def committee(municipality_=None, name="Økonomiudvalget", slug=None):
    """A committee of the municipality (by default Testby Kommune's Økonomiudvalget)."""
    from archive.models import Committee

    municipality_ = municipality_ or municipality()
    slug = slug or name.lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
    found, _ = Committee.objects.get_or_create(
        municipality=municipality_, name=name, defaults={"slug": slug.replace(" ", "-")}
    )
    return found


def meeting(committee_=None, date="2026-02-01", **fields):
    """A published meeting (minutes) of the committee."""
    from archive.models import Meeting

    return Meeting.objects.create(committee=committee_ or committee(), date=date, **fields)


def source(meeting_, data=b"REFERAT\n", **fields):
    """The meeting's current original: `data` as received."""
    from archive.models import SourceDocument

    fields = {"file_name": "referat.txt", "format": "text", "encoding": "utf-8"} | fields
    fields.setdefault("parser_version", "test")
    return SourceDocument.objects.create(
        meeting=meeting_,
        original=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        **fields,
    )


def item(meeting_, position=None, title="Et punkt", **fields):
    """An agenda item of the meeting, with the meeting's facts copied as ingest does, and
    its words counted in the vocabulary."""
    from archive.search.vocabulary import add_to_vocabulary, item_texts

    position = position or meeting_.items.count() + 1
    row = _item_row(meeting_, {"position": position, "title": title} | fields)
    row.save()
    add_to_vocabulary(["\n".join(item_texts(row).values())])
    return row


def _item_row(meeting_, fields):
    from archive.models import AgendaItem

    return AgendaItem(
        meeting=meeting_,
        municipality_id=meeting_.committee.municipality_id,
        committee_id=meeting_.committee_id,
        meeting_date=meeting_.date,
        **fields,
    )


# --- The five seed meetings -----------------------------------------------------------------


def seed_archive() -> list:
    """The five seed meetings, in the order `make run` ingests them; returns the meetings."""
    return [seed_meeting(entry) for entry in _frozen()]


def seed_meeting(entry) -> object:
    """One frozen seed meeting (an entry of seed_archive.json, or a sample's prefix such as
    "000"), written as ingest.store writes a document: in one transaction."""
    if isinstance(entry, str):
        entry = next(e for e in _frozen() if e["sample"].startswith(entry))
    with transaction.atomic():
        return _build(entry)


def _frozen() -> list[dict]:
    return json.loads(SEED_ARCHIVE.read_text(encoding="utf-8"))


def _build(entry):
    from archive.models import AgendaItem, Attachment
    from archive.people import link_meeting
    from archive.search.vocabulary import add_to_vocabulary, item_texts

    place = municipality(**entry["municipality"])
    room = committee(place, **entry["committee"])
    facts = entry["meeting"] | {"date": datetime.date.fromisoformat(entry["meeting"]["date"])}
    if facts["start_time"]:
        facts["start_time"] = datetime.time.fromisoformat(facts["start_time"])
    held = meeting(room, **facts)
    original = source(held, (SAMPLES / entry["sample"]).read_bytes(), **entry["source"])
    items = [{k: v for k, v in i.items() if k != "parent"} for i in entry["items"]]
    rows = AgendaItem.objects.bulk_create([_item_row(held, fields) for fields in items])
    _link_parents(rows, entry["items"])
    by_position = {row.position: row for row in rows}
    Attachment.objects.bulk_create(
        Attachment(meeting=held, source=original, item=by_position.get(a["item"]), **a["fields"])
        for a in entry["attachments"]
    )
    add_to_vocabulary(["\n".join(item_texts(row).values()) for row in rows])
    link_meeting(held)  # its participants become people, as in ingest.store
    return held


def _link_parents(rows, frozen_items):
    from archive.models import AgendaItem

    by_position = {row.position: row for row in rows}
    children = []
    for frozen in frozen_items:
        if frozen["parent"] is not None:
            child = by_position[frozen["position"]]
            child.parent = by_position[frozen["parent"]]
            children.append(child)
    if children:
        AgendaItem.objects.bulk_update(children, ["parent"])


# --- Freezing the seeds (python -m tests.factories) -------------------------------------------


def freeze() -> list[dict]:
    """The seeds as the current parser and ingest.store write them, as seed_archive.json
    holds them. Ingests inside a transaction that is rolled back."""
    from ingest.store import ingest_bytes

    entries = []
    with transaction.atomic():
        for path in sorted(SAMPLES.glob("*.txt")):
            stored = ingest_bytes(path.read_bytes(), file_name=path.name)
            entries.append(_entry(path.name, stored.meeting, stored.source))
        transaction.set_rollback(True)
    return entries


def _entry(sample, held, original) -> dict:
    committee_, place = held.committee, held.committee.municipality
    items = list(held.items.order_by("position"))
    parents = {row.pk: row.position for row in items}
    return {
        "sample": sample,
        "municipality": {"name": place.name, "slug": place.slug, "kind": place.kind},
        "committee": {"name": committee_.name, "slug": committee_.slug},
        "meeting": {name: _plain(getattr(held, name)) for name in MEETING_FIELDS},
        "source": {name: getattr(original, name) for name in SOURCE_FIELDS},
        "items": [
            {name: getattr(row, name) for name in ITEM_FIELDS}
            | {"parent": parents.get(row.parent_id)}
            for row in items
        ],
        "attachments": [
            {
                "item": parents.get(link.item_id),
                "fields": {name: getattr(link, name) for name in ATTACHMENT_FIELDS},
            }
            for link in original.attachments.order_by("position")
        ],
    }


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date | datetime.time) else value


def main():
    """Re-freeze tests/fixtures/seed_archive.json from the current parser."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    entries = freeze()
    text = json.dumps(entries, ensure_ascii=False, indent=1)
    SEED_ARCHIVE.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {SEED_ARCHIVE.name}: {sum(len(e['items']) for e in entries)} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
