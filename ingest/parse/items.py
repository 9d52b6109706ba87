"""Where the agenda items of minutes text start: every header style, scored by evidence.

Every line is tried against each header style (`STYLES`); a candidate counts when what
follows it looks like an item's opening (a case number, case worker, the department grid,
a section heading). The style with most evidenced candidates wins, so that a numbered list
inside a case text is not taken for items. `ingest.parse.minutes` builds the items.
"""

import re
from dataclasses import dataclass, field

from ingest.parse import lines as L
from ingest.parse.sections import heading_of

PUNKT = re.compile(
    r"^(?:(?:punkt|pkt\.?|dagsordens?punkt|item)\s*(?:nr\.?\s*)?(?P<number>\d{1,4})"
    r"(?:\.(?P<sub>\d{1,2})(?!\d))?\s*[:.\-–)]?\s*"
    r"|sag\s*(?:nr\.?\s*)?(?P<sag>\d{1,4})\s*[:.\-–)]\s+)(?P<title>.*)$",
    re.I,
)
# A numbered line is an item header only if its title does not read like a list entry
# of a recommendation ("1. At der bevilges ...").
# "3.1 Title" / "3.1. Title": a sub-item of item 3, kept under it (Item.label, Item.parent).
NUMBERED = re.compile(
    r"^(?P<number>\d{1,3})(?:\.(?P<sub>\d{1,2})\.?|\s*[.)])\s+(?![Aa]t\b)"
    r"(?P<title>[A-ZÆØÅ\"'«“(].{1,300})$"
)
BARE_NUMBER = re.compile(r"^(?P<number>\d{1,3})(?:\.(?P<sub>\d{1,2}))?\.?$")
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


STYLES = ("punkt", "sag_nr", "numbered", "bare", "case_opens", "toc")


@dataclass
class Head:
    index: int
    end: int
    number: int | None
    title: str
    style: str
    extra: list[int] = field(default_factory=list)  # lines between two copies of a header
    sub: int | None = None  # 1 for "3.1": a sub-item of item 3

    @property
    def key(self):
        """Its place in the numbering: (3, 0) for item 3, (3, 1) for 3.1."""
        return (self.number, self.sub or 0) if self.number is not None else None

    @property
    def label(self) -> str:
        return f"{self.number}.{self.sub}" if self.sub else ""


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
        evidenced = {id(h) for h in heads if _evidenced(lines, h, heads) or _in_toc(h, toc)}
        evidenced |= {id(h) for h in heads if _opens_sub_items(h, heads, evidenced)}
        evidenced |= _filling_the_sequence(heads, evidenced)
        kept = [h for h in heads if id(h) in evidenced]
        return _increasing(_dedupe(lines, kept, heads))
    return _dedupe(lines, _drop_listings(lines, heads), heads)


def _candidates(lines, index, toc):
    line = lines[index]
    nxt = _next_nonblank(lines, index)
    match = PUNKT.match(line)
    if match:
        title, end, case_lines = match["title"], index + 1, []
        if not title and nxt is not None:
            at, case_lines = _title_below(lines, index)
            title, end = lines[at], at + 1
        number = int(match["number"] or match["sag"])
        yield Head(index, end, number, title, "punkt", case_lines, sub=_sub(match))
    match = NUMBERED.match(line)
    if match and not line.endswith((",", ";")):
        number = int(match["number"])
        yield Head(index, index + 1, number, match["title"], "numbered", sub=_sub(match))
    match = BARE_NUMBER.match(line)
    at, case_lines = _title_below(lines, index) if match else (None, [])
    if match and at is not None and re.match(r"^[A-ZÆØÅ\"«“]", lines[at]):
        number = int(match["number"])
        yield Head(index, at + 1, number, lines[at], "bare", case_lines, sub=_sub(match))
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


def _title_below(lines, index) -> tuple[int | None, list[int]]:
    """(the line of the title below a bare item number, the case lines skipped to reach it).

    Portals print the case number between the number and the title ("1" / "21-014448" /
    "Godkendelse af dagsorden"): the title is the line after it, the case number stays the
    item's."""
    at = _next_nonblank(lines, index)
    skipped = []
    while at is not None and len(skipped) < 2 and _is_case_line(lines[at]):
        skipped.append(at)
        at = _next_nonblank(lines, at)
    return (at, skipped) if at is not None else (None, [])


def _is_case_line(line: str) -> bool:
    return bool(L.case_label(line) or L.parse_case_number(line))


def _sub(match) -> int | None:
    sub = match.groupdict().get("sub")
    return int(sub) if sub else None


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
    if head.style == "case_opens" or any(_is_case_line(lines[j]) for j in head.extra):
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


def _filling_the_sequence(heads, evidenced) -> set[int]:
    """Headers without evidence of their own that stand exactly where the numbering of the
    evidenced items needs them (item 4 between items 3 and 5: an agenda item with no case
    number or heading yet), so that an agenda keeps every item."""
    filled, last = set(), 0
    numbers = [h.number for h in heads if id(h) in evidenced and not h.sub] or [0]
    for position, head in enumerate(heads):
        if id(head) in evidenced:
            last = head.number if not head.sub else last
            continue
        later = [h.number for h in heads[position + 1 :] if id(h) in evidenced and not h.sub]
        # The last items ("Eventuelt") may follow the last evidenced one.
        after_last = not later and last > 0 and last == max(numbers)
        if (
            not head.sub
            and head.number == last + 1
            and (after_last or max(later, default=0) > head.number)
        ):
            filled.add(id(head))
            last = head.number
    return filled


def _opens_sub_items(head, heads, evidenced) -> bool:
    """Item 3 followed straight by its evidenced sub-item 3.1: its text is in the sub-items."""
    following = [h for h in heads if h.index > head.index][:1]
    return (
        not head.sub
        and bool(following)
        and following[0].key == (head.number, 1)
        and id(following[0]) in evidenced
    )


def _in_toc(head, toc) -> bool:
    title = L.squash(head.title).lower()
    return any(entry.lower() == title or entry.lower().startswith(title) for entry in toc if title)


def _increasing(heads):
    kept = []
    for head in heads:
        previous = kept[-1].key if kept else None
        if previous is not None and head.key is not None and head.key <= previous:
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
        if following is not None and following.key == head.key is not None:
            between = [j for j in range(head.end, following.index) if lines[j]]
            if len(between) <= 2 and not any(heading_of(lines[j]) for j in between):
                kept.append(
                    Head(
                        head.index,
                        following.end,
                        head.number,
                        following.title,
                        head.style,
                        between,
                        head.sub,
                    )
                )
                skip.add(i + 1)
                continue
        later = [h for h in heads[i + 1 :] if head.key is not None and h.key == head.key]
        if later and not _has_body(lines, head, following, header_lines):
            continue
        kept.append(head)
    return kept
