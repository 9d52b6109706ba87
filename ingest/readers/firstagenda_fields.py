"""First Agenda's item text (`Felter[].Html`) as named sections, a decision and its history.

The portal renders each agenda item from one HTML field. Its layouts, all seen in real
publications:

- current: `<h3>Beslutning</h3>` with the decision, then a "Fremstilling" container heading
  and the case's own fields under `<h2>`/`<h3>`/`<h4>` headings (Sagsprocedure, Resume,
  Indstilling, Sagsbeskrivelse, Økonomiske konsekvenser, Lovgrundlag, ...), then "Sagens
  forløb": the dated decisions of every body that handled the case;
- older: the item title as bare text, the decision as the first paragraph without a heading,
  then the fields;
- closed items: the decision alone, no heading at all.

Headings are recognised by their words (`ingest.parse.sections.heading_of` plus the field
names of First Agenda's templates), never by their tag alone: Word documents pasted into a
field use `<h4>` for whole paragraphs and table cells. A heading that names no known field is
kept as a line of the section it stands in, so no text is lost.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

from ingest.parse import outcomes
from ingest.parse import sections as S
from ingest.readers.html import _Writer as BlockWriter

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
CONTAINER = "Fremstilling"  # First Agenda's wrapper heading around the case's fields
HISTORY = "Sagens forløb"
SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
EDGE_MARKS = re.compile(r"^[\W_]+|[\s:;,.\[\]()*_-]+$")
# Field names of First Agenda templates that heading_of does not know; kept as printed.
TEMPLATE_HEADINGS = re.compile(
    r"^(?:sagsprocedurer?|sagens\s+forløb|sagsforløb|øvrige\s+\w+|øvrig\s+information"
    r"|yderligere\s+forhold|supplerende\s+\w+|miljøvurdering|høringspligt|beslutningstema"
    r"|\w+(?:mæssige|ske|politiske)\s+(?:konsekvenser|forhold|vurdering(?:er)?))$",
    re.I,
)
# Spellings to match a mistyped heading against ("Lovgrunlag", "Sagfremstilling").
CANONICAL = {
    "sagsfremstilling": S.CASE_TEXT,
    "sagsbeskrivelse": S.CASE_TEXT,
    "lovgrundlag": S.LEGAL_BASIS,
    "indstilling": S.RECOMMENDATION,
    "beslutning": S.DECISION,
    "økonomiske konsekvenser": S.ECONOMY,
    "sagsprocedure": "Sagsprocedure",
    "kommunikation": "Kommunikation",
    "sagens forløb": HISTORY,
}
ATTENDANCE = re.compile(r"^(afbud|fraværende|ikke\s+til\s+stede|forfald)\s*:\s*\S", re.I)
HISTORY_ENTRY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s+(\S.*)$")
PREAMBLE = "_preamble"
BODY = "_body"  # text under the container heading before the first field


@dataclass
class Decision:
    """One body's dated decision, as "Sagens forløb" lists them."""

    date: datetime.date
    body: str
    text: str


@dataclass
class ItemText:
    sections: dict[str, str] = field(default_factory=dict)
    decision: str = ""
    withheld: bool = False  # the decision field says "Beslutning ikke frigivet"
    # Only the history says "Beslutning ikke frigivet" for this meeting. The portal writes
    # that before a meeting too, so it means withheld only in published minutes.
    pending: bool = False
    history: list[Decision] = field(default_factory=list)


def read_item_html(html: str, *, title="", date=None, committee="") -> ItemText:
    """Sections, this meeting's decision and the case's decision history of one item."""
    chunks = _chunks(_blocks(html), title)
    result = ItemText()
    decision = _join(chunks.pop(S.DECISION, []))
    preamble = _join(chunks.pop(PREAMBLE, []))
    body = chunks.pop(BODY, [])
    if body:
        chunks.setdefault(S.CASE_TEXT, [])[:0] = body
    result.sections = {key: text for key, parts in chunks.items() if (text := _join(parts))}
    if HISTORY in result.sections:
        result.history = history(result.sections[HISTORY])
    if not decision and preamble:
        decision = preamble  # older layout and closed items: the decision without a heading
    elif preamble:
        result.sections[S.CASE_TEXT] = _concat(preamble, result.sections.get(S.CASE_TEXT, ""))
    from_history = not decision
    if from_history:
        decision = _from_history(result.history, date, committee)
    decision = _split_attendance(decision, result.sections)
    if not re.search(r"\w", decision):
        decision = ""  # "." stands in an empty decision field
    if outcomes.NOT_RELEASED.match(decision):
        result.pending, result.withheld = from_history, not from_history
        decision = ""
    if decision:
        result.sections = {S.DECISION: decision, **result.sections}
    result.decision = decision
    return result


def _split_attendance(decision: str, sections: dict[str, str]) -> str:
    """The portal appends the meeting's "Afbud: ..." / "Fraværende: ..." lines to every
    decision; they go to a section of their own, so the decision is only what was decided."""
    lines = decision.split("\n")
    while lines and (match := ATTENDANCE.match(lines[-1].strip())):
        label = _printed(match[1].strip().lower())
        names = lines.pop().strip().split(":", 1)[1].strip()
        sections[label] = _concat(names, sections.get(label, ""), "\n")
        while lines and not lines[-1].strip():
            lines.pop()
    return "\n".join(lines).strip()


def history(text: str) -> list[Decision]:
    """The dated decisions of "Sagens forløb": a "DD-MM-YYYY Body" line, then its text."""
    entries: list[Decision] = []
    for line in text.split("\n"):
        match = HISTORY_ENTRY.match(line.strip())
        date = _date(match) if match else None
        if date is not None:
            entries.append(Decision(date, match[4].strip(), ""))
        elif entries and line.strip():
            entries[-1].text = _concat(entries[-1].text, line.strip(), "\n")
    return entries


def _from_history(entries, date, committee) -> str:
    """This meeting's own entry in the history: its date and its committee.

    Two committees often meet on one day about one case; the entry names its committee,
    sometimes with the election period after it ("Kultur- og Fritidsudvalget 2022").
    """
    ours = _fold(committee)
    found = [
        entry
        for entry in entries
        if entry.date == date and (not ours or _fold(entry.body).startswith(ours))
    ]
    return found[-1].text if found else ""


def _date(match):
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# --- HTML to blocks ---------------------------------------------------------------------


class _FieldWriter(BlockWriter):
    """The HTML reader's block writer, remembering which blocks were headings and lists.

    Headings inside a list or a table cell are text: table cells are written by a plain
    writer, and inside a list item the marker or indent is set.
    """

    def __init__(self):
        super().__init__()
        self.kinds: list[str] = []

    def block(self, lines):
        in_list = self.marker is not None or bool(self.indent)
        super().block(lines)
        is_row = len(lines) == 1 and "\t" in lines[0]
        self.kinds.append("li" if in_list else "row" if is_row else "p")

    def node(self, node, depth):
        if node.tag in HEADING_TAGS and self.marker is None and not self.indent:
            self.flush()
            before = len(self.blocks)
            self.walk(node, depth)
            self.flush()
            if len(self.blocks) > before:
                heading = " ".join(self.blocks[before:])
                del self.blocks[before:], self.kinds[before:]
                self.blocks.append(heading)
                self.kinds.append("h")
            return
        super().node(node, depth)


def _blocks(html: str) -> list[tuple[str, str]]:
    """(kind, text) for each block: "h" heading, "p" paragraph, "li" list item, "row"."""
    from selectolax.lexbor import LexborHTMLParser

    html = INVISIBLE.sub("", html or "")
    if not html.strip():
        return []
    body = LexborHTMLParser(html).body
    if body is None:
        return []
    writer = _FieldWriter()
    writer.walk(body, 0)
    writer.flush()
    return [
        (kind, text)
        for kind, text in zip(writer.kinds, (_clean(b) for b in writer.blocks), strict=True)
        if text
    ]


def _clean(text: str) -> str:
    """Spaces collapsed, blank lines dropped; the tabs between table cells stay."""
    lines = [
        "\t".join(SPACES.sub(" ", cell).strip() for cell in line.split("\t"))
        for line in text.split("\n")
    ]
    return "\n".join(line for line in lines if line.strip())


# --- blocks to sections -----------------------------------------------------------------


def _chunks(blocks, title) -> dict[str, list[tuple[str, str]]]:
    chunks: dict[str, list[tuple[str, str]]] = {}
    current = PREAMBLE
    echo = _fold(title)
    decided_by = ""  # the printed heading of the decision read so far
    for index, (kind, text) in enumerate(blocks):
        if kind == "h":
            key = section_key(text)
            if key == CONTAINER:
                current = BODY
                continue
            if key == S.DECISION:
                # Several decision headings ("Beslutning i Økonomiudvalget den ..."): the last
                # is this meeting's, the earlier ones stay under their own heading.
                if chunks.get(S.DECISION):
                    earlier = decided_by if _fold(decided_by) != "beslutning" else ""
                    chunks.setdefault(earlier or "Tidligere beslutning", []).extend(
                        chunks.pop(S.DECISION)
                    )
                decided_by = text
            if key is not None:
                current = key
                chunks.setdefault(current, [])
                continue
            kind = "p"  # a heading that names no field is a line of the current section
        if index == 0 and current == PREAMBLE and echo and _is_echo(text, echo):
            continue  # the older layout repeats the item title before the decision
        chunks.setdefault(current, []).append((kind, text))
    return chunks


def section_key(heading: str) -> str | None:
    """The section a heading opens: a fixed key, a template field's name, CONTAINER or None."""
    name = EDGE_MARKS.sub("", SPACES.sub(" ", heading)).strip()
    if not name or len(name) > 80:
        return None
    if name.casefold() == CONTAINER.casefold():
        return CONTAINER
    found = S.heading_of(name)
    if found and found[1] and not found[2]:
        return found[0] if found[0] != S.ATTACHMENTS else found[1]
    close = difflib.get_close_matches(name.casefold(), CANONICAL, n=1, cutoff=0.9)
    if close and len(name) >= 8:
        return CANONICAL[close[0]]
    if TEMPLATE_HEADINGS.match(name):
        return HISTORY if _fold(name) == "sagsforløb" else _printed(name)
    return None


def _printed(name: str) -> str:
    return name[0].upper() + name[1:]


def _join(parts: list[tuple[str, str]]) -> str:
    """Paragraphs apart by a blank line; list items and table rows one per line."""
    text = ""
    previous = None
    for kind, block in parts:
        together = previous is not None and kind == previous and kind in ("li", "row")
        text = _concat(text, block, "\n" if together else "\n\n")
        previous = kind
    return text.strip()


def _concat(first: str, second: str, separator="\n\n") -> str:
    return f"{first}{separator}{second}" if first and second else first or second


def _fold(text: str) -> str:
    return SPACES.sub(" ", text or "").strip().casefold()


def _is_echo(text: str, title: str) -> bool:
    folded = _fold(text)
    return folded == title or folded == re.sub(r"^lukket\s*(?:punkt)?\s*[:.\-–]\s*", "", title)
