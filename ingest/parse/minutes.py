"""Minutes text to plain dataclasses: the meeting and every agenda item in it.

No Django here. `parse_text` takes the structured text a document reader extracted
(`ingest.pipeline` calls it); it raises only `IngestError`.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.errors import IngestError
from ingest.parse import lines as L
from ingest.parse import outcomes
from ingest.parse.dates import find_date
from ingest.parse.header import infer_municipality, normalize_municipality, parse_header
from ingest.parse.sections import DECISION, heading_of, parse_body
from ingest.parsed import Item, Meeting, Reference

PUNKT = re.compile(
    r"^(?:(?:punkt|pkt\.?|dagsordens?punkt|item)\s*(?:nr\.?\s*)?(?P<number>\d{1,4})\s*[:.\-–)]?\s*"
    r"|sag\s*(?:nr\.?\s*)?(?P<sag>\d{1,4})\s*[:.\-–)]\s+)(?P<title>.*)$",
    re.I,
)
# A numbered line is an item header only if its title does not read like a list entry
# of a recommendation ("1. At der bevilges ...").
NUMBERED = re.compile(
    r"^(?P<number>\d{1,3})\s*[.)]\s+(?![Aa]t\b)(?P<title>[A-ZÆØÅ\"'«“(].{1,300})$"
)
BARE_NUMBER = re.compile(r"^(?P<number>\d{1,3})\.?$")
SAG_NR_AFTER = re.compile(
    r"^(?P<title>.{3,300}?)\s*[-–,(\[]?\s*\bsag\s*nr\.?\s*(?P<number>\d{1,5})\s*[)\]]?$", re.I
)
SAG_NR_LINE = re.compile(r"^sag\s*nr\.?\s*(?P<number>\d{1,5})$", re.I)
# "Lukkede punkter" / "Åbne punkter": the items below are closed (or open) ones.
PRIVACY_GROUP = re.compile(
    r"^(?:(?:(?P<closed>lukkede?)|åbne?)\s+(?:dagsordens)?(?:punkter|sager)"
    r"|(?:til\s+behandling\s*[-–:]?\s*)?for\s+(?:(?P<doors>lukkede)|åbne)\s+døre)(?:\s*:)?$",
    re.I,
)
CLOSED_PREFIX = re.compile(r"^lukket(?:\s+punkt)?\s*[:\-–.]\s*(?P<title>.*)$", re.I)
CLOSED_SUFFIX = re.compile(
    r"^(?P<title>.*?)\s*(?:[(\[]\s*lukket(?:\s+punkt)?\s*[)\]]|[-–]\s*lukket(?:\s+punkt)?)$",
    re.I,
)

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
STYLES = ("punkt", "sag_nr", "numbered", "bare", "case_opens", "toc")


@dataclass
class Head:
    index: int
    end: int
    number: int | None
    title: str
    style: str
    extra: list[int] = field(default_factory=list)  # lines between two copies of a header


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


def remove_page_furniture(lines: list[str]) -> list[str]:
    """Drop page numbers and the header/footer lines repeated around them on every page."""
    running = _running_headers(lines)
    if running:
        lines = [_without_running(line, running) for line in lines]
    page_marks = [
        i
        for i, line in enumerate(lines)
        if L.PAGE_FURNITURE.match(line) or (line and _shape(line) in running)
    ]
    near = Counter()
    for i in page_marks:
        for j in range(max(0, i - 3), min(len(lines), i + 4)):
            if j != i and lines[j]:
                near[_shape(lines[j])] += 1
    furniture = {
        shape for shape, count in near.items() if count >= 2 and count >= len(page_marks) / 2
    }
    first = next((line for line in lines if line), "")
    kept = []
    seen_first = False
    for i, line in enumerate(lines):
        if i in page_marks and len(page_marks) >= 2:
            continue
        if line and _shape(line) in furniture and len(line) < 150 and heading_of(line) is None:
            continue
        if line == first and seen_first and len(page_marks) >= 1:
            continue
        seen_first = seen_first or line == first
        kept.append(line)
    return kept


# "Referat - Teknisk Udvalg - 03-02-2026 Side 4": a running header numbered without "af N".
RUNNING_PAGE = re.compile(r"(?:^|\s)(?:side|page)\s+(?P<page>\d{1,4})$", re.I)


def _running_headers(lines) -> dict[str, re.Pattern]:
    """Lines ending in a page number whose shape recurs with other numbers: {shape: pattern}.

    The pattern also finds the header where text extraction ran it into a paragraph."""
    pages, examples = {}, {}
    for line in lines:
        match = RUNNING_PAGE.search(line) if 15 <= len(line) < 150 else None
        if match and not L.PAGE_FURNITURE.match(line):
            pages.setdefault(_shape(line), set()).add(match["page"])
            examples.setdefault(_shape(line), line)
    return {
        shape: re.compile(re.sub(r"\d+", r"\\d{1,4}", re.escape(examples[shape])), re.I)
        for shape, numbers in pages.items()
        if len(numbers) >= 2
    }


def _without_running(line: str, running: dict) -> str:
    if not line or _shape(line) in running:
        return line
    for pattern in running.values():
        line = L.squash(pattern.sub(" ", line))
    return line


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def table_of_contents(lines: list[str]) -> list[str]:
    return [L.toc_title(line) for line in lines if L.is_toc_entry(line) and L.toc_title(line)]


def find_items(lines: list[str], toc: list[str]) -> list[Head]:
    candidates = {style: [] for style in STYLES}
    for index, line in enumerate(lines):
        if not line or L.is_toc_entry(line) or L.TOC_HEADING.match(line):
            continue
        for head in _candidates(lines, index, toc):
            candidates[head.style].append(head)
    scores = {
        style: sum(_evidenced(lines, h, heads) for h in heads)
        for style, heads in candidates.items()
    }
    best = max(STYLES, key=lambda style: (scores[style], -STYLES.index(style)))
    if scores[best] == 0:
        return []
    heads = candidates[best]
    if best in {"numbered", "bare", "toc"}:
        kept = [h for h in heads if _evidenced(lines, h, heads) or _in_toc(h, toc)]
        return _increasing(_dedupe(lines, kept, heads))
    return _dedupe(lines, _drop_listings(lines, heads), heads)


def _candidates(lines, index, toc):
    line = lines[index]
    nxt = _next_nonblank(lines, index)
    match = PUNKT.match(line)
    if match:
        title, end = match["title"], index + 1
        if not title and nxt is not None:
            title, end = lines[nxt], nxt + 1
        yield Head(index, end, int(match["number"] or match["sag"]), title, "punkt")
    match = NUMBERED.match(line)
    if match and not line.endswith((",", ";")):
        yield Head(index, index + 1, int(match["number"]), match["title"], "numbered")
    match = BARE_NUMBER.match(line)
    if match and nxt is not None and re.match(r"^[A-ZÆØÅ\"«“]", lines[nxt]):
        yield Head(index, nxt + 1, int(match["number"]), lines[nxt], "bare")
    match = SAG_NR_AFTER.match(line)
    if match and not L.CASE_LABEL.match(line):
        yield Head(index, index + 1, int(match["number"]), match["title"].strip(" -–,"), "sag_nr")
    match = SAG_NR_LINE.match(line)
    if match:
        previous = _previous_nonblank(lines, index)
        if previous is not None:
            yield Head(previous, index + 1, int(match["number"]), lines[previous], "sag_nr")
    previous = _previous_nonblank(lines, index)
    # Two case lines in a row ("Sagsnr.: …" / "J.nr.: …") open one item, not two.
    if (
        L.case_label(line)
        and nxt is not None
        and not (previous is not None and L.case_label(lines[previous]))
    ):
        while nxt is not None and (L.case_label(lines[nxt]) or L.case_workers(lines[nxt])):
            nxt = _next_nonblank(lines, nxt)
        if nxt is not None:
            yield Head(index, nxt + 1, None, lines[nxt], "case_opens")
    if toc and L.squash(line) in toc:
        yield Head(index, index + 1, None, line, "toc")


def _next_nonblank(lines, index):
    for j in range(index + 1, min(len(lines), index + 6)):
        if lines[j]:
            return j
    return None


def _previous_nonblank(lines, index):
    for j in range(index - 1, max(-1, index - 6), -1):
        if lines[j]:
            return j
    return None


def _evidenced(lines, head, heads) -> bool:
    """Whether what follows a candidate looks like an agenda item's opening."""
    if head.style == "case_opens":
        return True
    following = [h.index for h in heads if h.index > head.index]
    stop = min(following) if following else len(lines)
    seen = 0
    for j in range(head.end, stop):
        line = lines[j]
        if not line:
            continue
        seen += 1
        if seen > 6:
            break
        if (
            L.case_label(line)
            or L.parse_case_number(line)
            or L.case_workers(line) is not None
            or L.is_grid_codes(line)
        ):
            return True
        # A heading right below the title; one further down may close a numbered list.
        found = heading_of(line)
        if found and found[1] and seen <= 3:
            return True
    return bool(CLOSED_PREFIX.match(head.title) or CLOSED_SUFFIX.match(head.title))


def _in_toc(head, toc) -> bool:
    title = L.squash(head.title).lower()
    return any(entry.lower() == title or entry.lower().startswith(title) for entry in toc if title)


def _increasing(heads):
    kept = []
    for head in heads:
        previous = kept[-1].number if kept else None
        if previous is not None and head.number is not None and head.number <= previous:
            continue
        kept.append(head)
    return kept


def _drop_listings(lines, heads):
    """Runs of three or more headers with nothing between them are a listing, not items."""
    bodiless = [
        not _has_body(lines, head, heads[i + 1] if i + 1 < len(heads) else None)
        for i, head in enumerate(heads)
    ]
    kept = []
    for i, head in enumerate(heads):
        run = _run_length(bodiless, i)
        if bodiless[i] and run >= 3:
            continue
        kept.append(head)
    return kept


def _run_length(flags, i):
    if not flags[i]:
        return 0
    start = i
    while start > 0 and flags[start - 1]:
        start -= 1
    end = i
    while end + 1 < len(flags) and flags[end + 1]:
        end += 1
    return end - start + 1


def _has_body(lines, head, following, ignore=frozenset()):
    stop = following.index if following else len(lines)
    return any(lines[j] and j not in ignore for j in range(head.end, stop))


def _dedupe(lines, heads, candidates):
    """A number seen twice: the earlier one was a listing of the agenda or a repeated header.

    A listing goes when nothing but other headers stands below it. A header repeated straight
    after itself ("Pkt. 40 Title" / "Pkt. 40" / "Title") is merged into one item, so that
    neither copy ends up as text of the item before.
    """
    header_lines = {j for h in candidates for j in range(h.index, h.end)}
    kept = []
    skip = set()
    for i, head in enumerate(heads):
        if i in skip:
            continue
        following = heads[i + 1] if i + 1 < len(heads) else None
        if following is not None and following.number == head.number is not None:
            between = [j for j in range(head.end, following.index) if lines[j]]
            if len(between) <= 2 and not any(heading_of(lines[j]) for j in between):
                kept.append(
                    Head(
                        head.index, following.end, head.number, following.title, head.style, between
                    )
                )
                skip.add(i + 1)
                continue
        later = [h for h in heads[i + 1 :] if head.number is not None and h.number == head.number]
        if later and not _has_body(lines, head, following, header_lines):
            continue
        kept.append(head)
    return kept


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
        number=head.number,
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
        for item in meeting.items:
            if not item.closed and not item.decision:
                label = (
                    f"Punkt {item.number}" if item.number else f"Punkt nr. {item.position} i rækken"
                )
                warnings.append(f"{label} ({item.title[:60]}) har ingen beslutning.")
    return warnings
