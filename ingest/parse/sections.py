"""An agenda item's body: case number, case workers, named sections, attachments."""

import re
from dataclasses import dataclass, field

from core.casenumbers import CaseNumber, parse_case_number
from ingest.parse import lines as L

SUMMARY = "summary"
CASE_TEXT = "case_text"
RECOMMENDATION = "recommendation"
DECISION = "decision"
ECONOMY = "economy"
LEGAL_BASIS = "legal_basis"
DECISION_AUTHORITY = "decision_authority"
ATTACHMENTS = "attachments"

BODY = (
    r"(?:udvalg(?:et)?|råd(?:et)?|byråd(?:et)?|bestyrelse(?:n)?|kommunalbestyrelsen"
    r"|borgerrepræsentationen)"
)
DATE = r"(?:\d{1,2}\.?\s*[a-zæøå]+\.?\s+\d{4}|\d{1,2}[-./]\d{1,2}[-./]\d{4})"
KNOWN_HEADINGS = {
    SUMMARY: r"resum[eé]|sagsresum[eé]|kort\s+resum[eé]|sammendrag|resum[eé]\s+og\s+indstilling",
    CASE_TEXT: r"sagsfremstilling|sagsbeskrivelse|sagens\s+fremstilling|beskrivelse\s+af\s+sagen"
    r"|sagen\s+kort",
    RECOMMENDATION: r"indstilling(?:er)?|forvaltningens\s+indstilling"
    r"|administrationens\s+indstilling|direktionens\s+indstilling|indstilling\s+fra\s+.{3,80}|forslag\s+til\s+beslutning"
    # "Forvaltningen foreslår" (eDoc AgendaWeb)
    r"|(?:forvaltningen|administrationen|direktionen)\s+foreslår",
    DECISION: r"beslutning(?:er)?(?:\s+(?:i|fra|på|af|den|d\.)\b.{0,120})?"
    r"|udvalgets\s+beslutning|.{3,60}s\s+beslutning(?:\s+den\b.{0,40})?|afgørelse"
    # "Protokol:" (small municipalities' Word minutes)
    r"|protokol"
    # "Beslutning Teknik- og Miljøudvalget den 11-06-2025" (Aabenraa)
    rf"|beslutning\s+\S.{{0,80}}?{BODY}\s+(?:den|d\.)\s+\S.{{0,30}}"
    # "Kultur- og Idrætsudvalget, 02-04-2025, pkt. 38" (Roskilde, Rødovre)
    rf"|\S.{{0,80}}?{BODY},\s*{DATE},\s*(?:pkt|punkt)\.?\s*\d{{1,4}}",
    ECONOMY: r"økonomi(?:ske\s+(?:konsekvenser|forhold|oplysninger))?|økonomi\s+og\s+finansiering"
    r"|økonomiske\s+konsekvenser\s+og\s+finansiering|økonomi\s+og\s+organisatoriske\s+konsekvenser"
    r"|bevillingsmæssige\s+konsekvenser",
    LEGAL_BASIS: r"lovgrundlag|retsgrundlag|lovhjemmel|hjemmel|juridiske\s+forhold",
    DECISION_AUTHORITY: r"beslutningskompetence|kompetence|sagen\s+afgøres\s+af|afgøres\s+af"
    r"|beslutningen\s+træffes\s+af"
    r"|beslutningsniveau",
    ATTACHMENTS: r"bilag|bilagsfortegnelse|vedhæftede\s+bilag|bilag\s+til\s+punktet",
}
# Other top-level sections kept under their printed heading. Sub-headings inside a case text
# ("Baggrund", "Videre proces") are deliberately not here: they stay part of the text.
OTHER_HEADINGS = (
    r"meddelelser|høring|høringssvar|tidsplan|kommunikation|handicappolitisk\s+vurdering"
    r"|bæredygtighed|klimavurdering|klima-?\s+og\s+miljøvurdering|borgerinddragelse"
    r"|personaleforhold|supplerende\s+sagsfremstilling|tidligere\s+beslutninger"
    r"|sagens\s+tidligere\s+behandling|protokoltilførsel|mindretalsudtalelse"
    r"|fraværende|afbud|risikovurdering|beslutningstema|sagens\s+kerne|problemstilling|løsning"
    r"|effekt"
)
HEADING_RES = [
    (key, re.compile(rf"^(?:{pattern})$", re.I)) for key, pattern in KNOWN_HEADINGS.items()
]
OTHER_RE = re.compile(rf"^(?:{OTHER_HEADINGS})$", re.I)
INLINE = re.compile(
    r"^(?P<head>beslutning(?:er)?(?:\s+(?:i|fra|på|den)\s+[^:]{3,120})?|indstilling|resum[eé]"
    r"|sagsresum[eé]|økonomi|lovgrundlag|beslutningskompetence|kompetence|sagen\s+afgøres\s+af"
    r"|bilag|udvalgets\s+beslutning|afgørelse|protokol)"
    r"\s*:\s*(?P<rest>\S.*)$",
    re.I,
)
AUTHORITY_INLINE = re.compile(r"^(?P<head>sagen\s+afgøres\s+af)\s+(?P<rest>[A-ZÆØÅ].*)$")
RECOMMENDS = re.compile(r"^.{3,160}?\bindstiller\b\s*[,:]?(?:\s*at\b.*)?$", re.I)
BULLET = re.compile(r"^(?:[-–—•*·▪■●◦‣∙○□➢➤►]\s*)")
# Words a sentence cannot end on; a paragraph ending on one was cut by a page break.
GLUE_WORDS = "i|og|af|til|på|med|for|om|at|den|det|de|en|et|som|der|fra|ved|under|mellem|samt|eller"


@dataclass
class Body:
    case_number: CaseNumber | None = None
    case_workers: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    decision_heading: str = ""
    attachments: list[str] = field(default_factory=list)
    closed: bool = False  # the case line says "Lukket"


def heading_of(line: str):
    """(section key, printed heading, text on the same line) when the line opens a section."""
    text = L.squash(line).rstrip(":").strip()
    if len(text) > 160 or not text:
        return None
    for key, pattern in HEADING_RES:
        if pattern.match(text):
            return key, text, ""
    if OTHER_RE.match(text):
        return text[0].upper() + text[1:], text, ""
    inline = INLINE.match(L.squash(line)) or AUTHORITY_INLINE.match(L.squash(line))
    if inline:
        found = heading_of(inline["head"])
        if found:
            return found[0], found[1], inline["rest"].strip()
    if RECOMMENDS.match(text) and not text.lower().startswith("at "):
        return RECOMMENDATION, "", line.strip()
    return None


def parse_body(body_lines: list[str], closed: bool, group_lines=None) -> Body:
    """Read an item's lines. `group_lines` counts lines like "A. Sager til afgørelse" in the
    whole document: repeated ones are group headings, not text."""
    group_lines = group_lines or {}
    body = Body()
    chunks: dict[str, list[list[str]]] = {}
    headings: dict[str, str] = {}
    current = None
    in_grid = False
    seen_heading = False
    paragraph_open = False
    for index, raw in enumerate(body_lines):
        line = raw.strip()
        if not line:
            paragraph_open = False
            continue
        if in_grid and (L.is_grid_marks(line) or L.is_grid_codes(line) or L.is_single_code(line)):
            continue
        in_grid = False
        if (
            L.is_grid_codes(line)
            or (L.is_grid_marks(line) and not seen_heading)
            or (L.is_single_code(line) and _code_run(body_lines, index) >= 3)
        ):
            in_grid = True
            continue
        if not seen_heading and _take_metadata(body, line):
            continue
        if L.GROUP.match(line) and group_lines.get(line, 0) >= 2:
            continue
        if L.FILE_NAMES.match(line):
            body.attachments.extend(line.split())
            continue
        workers = L.case_workers(line)
        if workers is not None:
            body.case_workers.extend(w for w in workers if w not in body.case_workers)
            continue
        found = heading_of(line)
        if found and not (
            found[0] == RECOMMENDATION and current == RECOMMENDATION and not found[1]
        ):
            key, printed, rest = found
            if key == "Kommunikation" and printed.lower() == "kommunikation":
                # In First Agenda exports "Kommunikation" only labels the department grid.
                in_grid = True
            seen_heading = True
            if key == DECISION and chunks.get(DECISION):
                _demote_decision(chunks, headings)
            current = key
            headings[key] = printed
            chunks.setdefault(key, [])
            paragraph_open = False
            if rest:
                chunks[key].append([rest])
                paragraph_open = True
            continue
        if in_grid:
            in_grid = False
        target = current or L.squash("case_text")
        chunks.setdefault(target, [])
        if paragraph_open and chunks[target]:
            chunks[target][-1].append(line)
        else:
            chunks[target].append([line])
        paragraph_open = True
    if closed or body.closed:
        return Body(body.case_number, body.case_workers, closed=True)
    body.decision_heading = headings.get(DECISION, "")
    for key, paragraphs in chunks.items():
        if key == ATTACHMENTS:
            body.attachments.extend(_attachments(paragraphs))
            continue
        text = _join(paragraphs)
        if text:
            body.sections[key] = text
    return body


def _code_run(body_lines, index):
    """How many department codes stand one per line from here (the grid of HTML exports)."""
    count = 0
    for line in body_lines[index:]:
        line = line.strip()
        if not line:
            continue
        if not L.is_single_code(line):
            break
        count += 1
    return count


def _take_metadata(body: Body, line: str) -> bool:
    labelled = L.case_label(line)
    if labelled:
        case, worker, closed = labelled
        body.case_number = body.case_number or case
        body.closed = body.closed or closed
        if worker:
            body.case_workers.extend(w for w in L.case_workers("Sagsbehandler: " + worker) or [])
        return True
    if body.case_number is None:
        case = parse_case_number(line)
        if case:
            body.case_number = case
            return True
    return False


def _demote_decision(chunks, headings):
    """A second decision heading: the earlier body's decision is kept under its own heading."""
    printed = headings.get(DECISION) or "Beslutning"
    key = (
        printed if printed.lower() not in {"beslutning", "beslutninger"} else "Tidligere beslutning"
    )
    chunks.setdefault(key, []).extend(chunks.pop(DECISION))


def _join(paragraphs: list[list[str]]) -> str:
    merged: list[str] = []
    for lines in paragraphs:
        text = _reflow(lines).strip()
        if not text:
            continue
        if merged and _continues(merged[-1], text):
            merged[-1] = merged[-1] + " " + text
        else:
            merged.append(text)
    return "\n\n".join(merged)


def _reflow(lines: list[str]) -> str:
    """Join lines that a fixed-width layout wrapped mid-paragraph; keep lists and tables."""
    out = lines[:1]
    for line in lines[1:]:
        previous = out[-1]
        if (
            len(previous) >= 60
            and "\t" not in previous + line
            and not previous.endswith(":")
            and not BULLET.match(line)
            and not re.match(r"^(?:\d{1,2}[.)]\s|at\s|[A-ZÆØÅ][^.]{0,40}:$)", line, re.I)
        ):
            out[-1] = _glue(previous, line)
        else:
            out.append(line)
    return "\n".join(out)


def _glue(previous: str, line: str) -> str:
    if re.search(r"[a-zæøå]-$", previous) and re.match(r"[a-zæøå]", line):
        return previous[:-1] + line  # a word hyphenated at the line end
    return f"{previous} {line}"


def _continues(previous: str, text: str) -> bool:
    """A sentence split by a page break: a long paragraph ending mid-sentence."""
    last_line = previous.rsplit("\n", 1)[-1]
    if len(last_line) <= 60 or "\t" in last_line or "\t" in text or BULLET.match(text):
        return False
    if re.search(r"[\w,]$", last_line) and re.match(r"(?!at )[a-zæøå]", text):
        return True
    return re.search(rf"\b(?:{GLUE_WORDS})$", last_line) is not None


def _attachments(paragraphs: list[list[str]]) -> list[str]:
    names = []
    for lines in paragraphs:
        for line in lines:
            name = BULLET.sub("", line).strip()
            if name and name not in {"-", "Ingen", "Ingen bilag"}:
                names.append(name)
    return names
