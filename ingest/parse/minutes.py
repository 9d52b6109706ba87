"""Minutes text to plain dataclasses: the meeting and every agenda item in it.

No Django here. `parse_text` takes the structured text a document reader extracted
(`ingest.pipeline` calls it); it raises only `IngestError`.
"""

import re
from collections import Counter

from ingest.errors import IngestError
from ingest.parse import lines as L
from ingest.parse import outcomes
from ingest.parse.dates import find_date
from ingest.parse.furniture import remove_page_furniture
from ingest.parse.header import infer_municipality, normalize_municipality, parse_header
from ingest.parse.items import (
    CLOSED_PREFIX,
    CLOSED_SUFFIX,
    PRIVACY_GROUP,
    PUNKT,
    SAG_NR_LINE,
    Head,
    find_items,
    table_of_contents,
)
from ingest.parse.sections import DECISION, heading_of, parse_body
from ingest.parsed import Item, Meeting, Reference

REFERENCE = re.compile(
    r"\b(?i:punkt|pkt\.?)\s*(?P<number>\d{1,4})\s*,?\s*(?:på\s+|i\s+)?(?:møde[ts]?)\s+i\s+"
    r"(?P<committee>[A-ZÆØÅ][\w\-–,.& ]{2,80}?)\s+(?:den|d\.)\s+"
    r"(?P<date>\d{1,2}\.?\s*[a-zæøå]+\.?\s+\d{4}|\d{1,2}[-./]\d{1,2}[-./]\d{4})",
)
_COMMITTEE = (
    r"(?P<committee>[A-ZÆØÅ][\wæøå\-]*(?:\s+og\s+[A-ZÆØÅ][\wæøå\-]*)?"
    r"(?:udvalg(?:et)?|råd(?:et)?|bestyrelse(?:n)?))"
)
_DATE = r"(?P<date>\d{1,2}\.?\s*[a-zæøå]+\.?\s+\d{4}|\d{1,2}[-./]\d{1,2}[-./ ]\d{4})"
# "Teknik- og Miljøudvalget godkendte den 5. marts 2025 (pkt. 31)"
REFERENCE_DATE_FIRST = re.compile(
    rf"\b{_COMMITTEE}s?\s+(?:[a-zæøå]+\s+){{0,6}}?(?:den|d\.)\s+{_DATE}\s*,?\s*\(?"
    r"(?:under\s+)?(?i:punkt|pkt\.?)\s*(?P<number>\d{1,4})\b",
)
# "Kultur- og Idrætsudvalget, 05-03-2025, pkt. 31" (a decision heading of an earlier meeting)
REFERENCE_HEADING = re.compile(
    rf"\b{_COMMITTEE}\s*,\s*{_DATE}\s*,\s*(?i:punkt|pkt\.?)\s*(?P<number>\d{{1,4}})\b"
)

# How the items of a document are marked, most specific first (ties go to the earlier).


def parse_text(text: str, *, municipality=None, committee=None) -> Meeting:
    lines = [L.squash(line) if "\t" not in line else line.strip() for line in text.split("\n")]
    lines = remove_page_furniture(lines)
    toc = table_of_contents(lines)
    heads = find_items(lines, toc)
    if not heads:
        raise IngestError(
            "Der blev ikke fundet nogen dagsordenspunkter i dokumentet "
            "(no agenda items were found). Er det et referat eller en dagsorden?"
        )
    header = parse_header([line for line in lines[: heads[0].index] if not L.is_toc_entry(line)])
    warnings: list[str] = []
    groups = Counter(line for line in lines if L.GROUP.match(line))
    items = [
        build_item(position, head, lines, heads, groups) for position, head in enumerate(heads, 1)
    ]

    meeting = Meeting(
        municipality=_municipality(municipality, text, warnings),
        committee=_committee(committee, header.committee, warnings),
        kind=header.kind or ("referat" if any(i.decision for i in items) else "dagsorden"),
        date=_meeting_date(header, lines, heads),
        time=header.time,
        location=header.location,
        participants=header.participants,
        absent=header.absent,
        items=items,
        warnings=warnings,
    )
    for item in meeting.items:
        # A decision heading of this very meeting is not a reference to another one.
        item.references = [r for r in item.references if r.date != meeting.date]
    warnings.extend(item_warnings(meeting))
    return meeting


def build_item(position: int, head: Head, lines: list[str], heads: list[Head], groups=None) -> Item:
    following = heads[position] if position < len(heads) else None
    stop = following.index if following else len(lines)
    end = head.end
    title = head.title
    while end < stop and lines[end] and _continues_title(lines[end]):
        title = f"{title} {lines[end]}"
        end += 1
    body_lines = [line for line in lines[end:stop] if not PRIVACY_GROUP.match(line)]
    closer = next((i for i, line in enumerate(body_lines) if L.CLOSERS.match(line)), None)
    if closer is not None and following is None:
        body_lines = body_lines[:closer]
    title, closed = _closed(L.squash(title))
    # Below "Lukkede punkter" an item is closed even if it does not say so itself.
    closed = closed or _under_closed_group(lines, head.index)
    if head.style == "case_opens":
        body_lines = [lines[head.index], *body_lines]
    body_lines = [lines[j] for j in head.extra] + body_lines
    body = parse_body(body_lines, closed, groups)
    closed = closed or body.closed
    item = Item(
        position=position,
        # A sub-item is known by its printed number ("3.1"), as structured sources give it.
        number=None if head.sub else head.number,
        label=head.label,
        parent=_parent_position(head, heads[: position - 1]),
        title=title,
        closed=closed,
        case_number=body.case_number,
        case_workers=body.case_workers,
        sections=body.sections,
        attachments=body.attachments,
    )
    item.decision = body.sections.get(DECISION, "")
    item.decision_parts = outcomes.split_parts(item.decision)
    item.outcome = outcomes.overall(item.decision_parts, item.decision)
    item.references = find_references(" ".join([*body.sections, *body.sections.values()]))
    return item


def _parent_position(head, before) -> int | None:
    """The position of the item a sub-item belongs to: the latest item with its number."""
    if not head.sub:
        return None
    for position in range(len(before), 0, -1):
        if before[position - 1].key == (head.number, 0):
            return position
    return None


def _under_closed_group(lines, index) -> bool:
    for line in reversed(lines[:index]):
        match = PRIVACY_GROUP.match(line)
        if match:
            return bool(match["closed"] or match["doors"])
    return False


def _continues_title(line: str) -> bool:
    """A title wrapped onto the next line (no blank line between)."""
    return not (
        L.case_label(line)
        or L.parse_case_number(line)
        or L.case_workers(line) is not None
        or heading_of(line)
        or L.is_grid_codes(line)
        or L.is_grid_marks(line)
        or SAG_NR_LINE.match(line)
        or PUNKT.match(line)
        or L.GROUP.match(line)
        or len(line) > 200
    )


def _closed(title: str) -> tuple[str, bool]:
    for pattern in (CLOSED_PREFIX, CLOSED_SUFFIX):
        match = pattern.match(title)
        if match:
            return (match["title"].strip(" -–:") or "Lukket punkt"), True
    if title.lower() in {"lukket punkt", "lukket"}:
        return "Lukket punkt", True
    return title, False


def find_references(text: str) -> list[Reference]:
    text = L.squash(text)
    found = []
    for pattern in (REFERENCE, REFERENCE_DATE_FIRST, REFERENCE_HEADING):
        for match in pattern.finditer(text):
            date = find_date(match["date"])
            if date is None:
                continue
            committee = match["committee"].strip(" ,.-–")
            reference = Reference(int(match["number"]), committee, date)
            if reference not in found:
                found.append(reference)
    return found


def _municipality(given, text, warnings) -> str:
    if given:
        return normalize_municipality(given)
    inferred = infer_municipality(text)
    if inferred is None:
        raise IngestError(
            "Kommunen kunne ikke findes i dokumentet; angiv den (--municipality). "
            "(The municipality is not named in the document; give it explicitly.)"
        )
    name, count = inferred
    warnings.append(
        f"Kommunen er udledt af teksten: {name} (nævnt {count} gange). "
        f"(Municipality inferred from the text.)"
    )
    return name


def _committee(given, found, warnings) -> str:
    if given:
        if found and L.squash(found).lower() != L.squash(given).lower():
            warnings.append(f"Udvalget er angivet som {given}; dokumentet nævner {found}.")
        return L.squash(given)
    if not found:
        raise IngestError(
            "Udvalget kunne ikke findes i dokumentets hoved; angiv det (--committee). "
            "(The committee was not found in the header.)"
        )
    return found


def _meeting_date(header, lines, heads):
    if header.date:
        return header.date
    raise IngestError(
        "Mødedatoen blev ikke fundet i dokumentets hoved (the meeting date was not found). "
        "Forventet fx 'Mødedato: 26. marts 2026' eller 'REFERAT Udvalget d. 26-03-2026'."
    )


def item_warnings(meeting: Meeting) -> list[str]:
    warnings = []
    numbers = [item.number for item in meeting.items if item.number is not None]
    for previous, current in zip(numbers, numbers[1:], strict=False):
        if current != previous + 1:
            warnings.append(f"Punktnumrene springer fra {previous} til {current}.")
    if meeting.kind == "referat":
        parents = {item.parent for item in meeting.items}
        for item in meeting.items:
            # A parent's decisions are its sub-items'.
            if not item.closed and not item.decision and item.position not in parents:
                label = (
                    f"Punkt {item.number}" if item.number else f"Punkt nr. {item.position} i rækken"
                )
                warnings.append(f"{label} ({item.title[:60]}) har ingen beslutning.")
    return warnings
