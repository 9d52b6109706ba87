"""Line-level recognisers shared by the header, item and section parsers.

Everything here looks at one stripped line of the structured text that `ingest.formats`
produces (one block per line, blank lines between blocks).
"""

import re

from core.casenumbers import parse_case_number

DEPARTMENT_CODE = re.compile(r"^[A-ZÆØÅ]{2,4}$")
MARKS = {"X", "x", "Å", "☐", "☒", "✓", "✔", "■", "□", "Ø"}

# Table-of-contents entries: dotted leaders or a tab before a page number.
TOC_ENTRY = re.compile(
    r"^(?P<title>.*?\S)?\s*(?:\.{3,}|…+|(?:\s\.){3,}|\t)\s*(?P<page>\d{1,4})\s*$"
)
TOC_HEADING = re.compile(r"^(?:indholdsfortegnelse|indhold|oversigt over punkter)\s*:?$", re.I)

PAGE_FURNITURE = re.compile(
    r"^(?:(?:side|page)\s*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4}|-\s*\d{1,4}\s*-)$"
    # a running header or footer with the page number on the same line
    r"|^.{0,100}?\s(?:side|page)\s+\d{1,4}\s+(?:af|of)\s+\d{1,4}$|^(?:side|page)\s+\d{1,4}\s+(?:af|of)\s+\d{1,4}\s.{0,100}$",
    re.I,
)

CASE_LABEL = re.compile(
    r"^(?:sagsnr|sags\s*nr|sagsnummer|sagsid|sag\s*nr|j\.\s*nr|jnr|journalnr|journalnummer|"
    r"journal\s*nr|dok\.?\s*nr|acadre\s*sagsnr|sbsys\s*sagsnr"
    # "Sag 306-2025-600", "Dok. 306-2026-14521" (PolWeb): only before a number
    r"|sag(?=\s*:?\s*\d)|dok(?=\.?\s*:?\s*\d))\.?\s*:?\s*(?P<number>[^\s].*?)"
    r"(?:\s+(?:sagsbehandler|sagsansvarlig)\s*:?\s*(?P<worker>.*))?$",
    re.I,
)
CASE_WORKER = re.compile(
    r"^(?:sagsbehandler(?:e)?|sagsansvarlig|[øÅåo]vrige\s+sagsbehandlere|andre\s+sagsbehandlere|"
    r"ansvarlig)\s*:?\s*(?P<names>.*)$",
    re.I,
)
# "A. Sager til afgørelse i byrådet": a group of items (Odense), not part of any item.
GROUP = re.compile(r"^[A-H]\.\s+[A-ZÆØÅ][^.]{2,60}$")
# A line of attached file names ("Arbejdsplan_2025.pdf Strategi.pdf").
FILE_NAMES = re.compile(r"^(?:\S+\.(?:pdf|docx?|xlsx?|pptx?|odt|png|jpe?g)\s*)+$", re.I)
CLOSERS = re.compile(
    r"^(?:mødet\s+(?:blev\s+)?(?:hævet|sluttede|slut|afsluttet)|underskrift(?:er|sblad|sside)?\s*:?$|"
    r"referent\s*:|til\s+toppen$)",
    re.I,
)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def is_toc_entry(line: str) -> bool:
    match = TOC_ENTRY.match(line)
    return bool(match) and (match["title"] is None or len(match["title"]) < 400)


def toc_title(line: str) -> str:
    match = TOC_ENTRY.match(line)
    title = (match["title"] or "") if match else line
    return squash(re.sub(r"(?:\.{2,}|…)+$", "", title))


def is_grid_codes(line: str) -> bool:
    """The department grid of First Agenda minutes: 'DIR BFU SOS BSK ...'."""
    tokens = line.split()
    return len(tokens) >= 3 and all(DEPARTMENT_CODE.match(token) for token in tokens)


def is_grid_marks(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and all(token in MARKS for token in tokens)


def is_single_code(line: str) -> bool:
    return bool(DEPARTMENT_CODE.match(line.strip()))


# "Åbent - 27.24.00-A00-2-25", "Lukket sag", "Åbent punkt": whether an item is public.
STATUS = re.compile(r"\b(?P<status>åbent|åben|lukket)(?:\s+(?:punkt|sag))?\b", re.I)
STATUS_CASE = re.compile(
    r"^(?P<status>åbent|åben|lukket)(?:\s+(?:punkt|sag))?\s*[-–:]\s*(?P<number>\S+)$", re.I
)


def case_label(line: str):
    """(case number, case worker, closed) from a case line, else None.

    Handles 'Sagsnr.: … Sagsbehandler: …', 'Sagsid.: 18/2980  Sagsbehandler: X  Lukket sag',
    'Sagsnr. EMN-2025-00412 Udvalget Åbent punkt' and Odense's 'Lukket - 27.00.00-K07-3-25'.
    """
    status = STATUS_CASE.match(line)
    if status:
        case = parse_case_number(status["number"])
        return (case, "", status["status"].lower() == "lukket") if case else None
    match = CASE_LABEL.match(line)
    if not match:
        return None
    number = match["number"].strip()
    case = parse_case_number(number) or parse_case_number(number.split()[0])
    if case is None:
        return None
    worker = STATUS.sub("", match["worker"] or "").strip(" ,")
    marker = STATUS.search(line)
    return case, worker, bool(marker and marker["status"].lower() == "lukket")


def case_workers(line: str) -> list[str] | None:
    """Names from a 'Sagsbehandler: …' line ([] when it says '-'), else None."""
    match = CASE_WORKER.match(line)
    if not match:
        return None
    names = match["names"].strip().lstrip("-–").strip()
    if not names:
        return []
    return [
        squash(n) for n in re.split(r"\s*[,;]\s*|\s+og\s+", names) if squash(n) not in {"", "-"}
    ]
