"""eDoc's publication manifest, `eDocAgendaPublishing.xml` (KMD/Fujitsu eDoc 4).

Root `<Meeting>`: `Committee`, `MeetingDate` ("04-12-2012 13:00:00"), `MeetingState`
("Referat endeligt godkendt" for minutes), and one `MeetingAgendaType` per part of the
agenda (`AgendaType` "Åben dagsorden" / "Lukket dagsorden", the part's whole-meeting PDF in
`PDFDocument`). Each `MeetingAgendaItem` has its `AgendaItemNumber`, its own minutes PDF
(`PDFDocument`), the case document (`Document`: `Title`, `Attachments/Attachment` with
`Title` and `PDFDocument`) and `FullText`: the item's text as eDoc's template wrote it, a
heading line before each field ("Sammendrag", "Sagsfremstilling", "Indstilling",
"<Udvalg>s beslutning den 04.12.2012 Punkt 2"), with "Sagsnr.:" and "Dok.nr.:" lines first.

The manifest lists items in the order eDoc stored them, not by number: they are ordered by
`AgendaItemNumber`. A file the manifest names but the export lacks (here: the whole-meeting
PDF) is a warning, not a failure.
"""

import re

from ingest.parse import sections as S
from ingest.parsed import DOCUMENT, Item, Meeting
from ingest.readers import esdh, xmlsafe

FORMAT = "edoc"
DATE_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S")
# The first lines of FullText repeat the number and title ("2.\tTitel"), then the case.
NUMBER_LINE = re.compile(r"^\d{1,3}\.\s+\S")
CASE_LINE = re.compile(r"^(?:sagsnr|sags\s*nr|j\.?\s*nr)\.?\s*:\s*(?P<value>\S.*)$", re.I)
DOCUMENT_LINE = re.compile(r"^dok(?:ument)?\.?\s*nr\.?\s*:", re.I)
# Headings of eDoc's item template that the shared heading list leaves to the case text,
# because in a PDF they are sub-headings; in eDoc's FullText they open a template field.
TEMPLATE_HEADINGS = {
    "baggrund": "Baggrund",
    "tidligere behandling": "Tidligere behandling",
    "følgende deltog ikke i behandlingen af punktet": "Fraværende",
    "følgende deltog ikke i behandlingen af sagen": "Fraværende",
}


def recognise(data: bytes) -> bool:
    return xmlsafe.root_name(data) == "Meeting" and b"<MeetingAgendaTypes" in data[:65536]


def meeting_key(data: bytes) -> str | None:
    """One eDoc manifest per meeting: its committee and meeting time."""
    root = xmlsafe.parse(data, what="eDoc-manifestet")
    return f"edoc:{_text(root, 'Committee')}|{_text(root, 'MeetingDate')}"


def read(data: bytes, *, source="", municipality=None, committee=None, bundle=None) -> Meeting:
    root = xmlsafe.parse(data, what="eDoc-manifestet")
    warnings: list[str] = []
    when = esdh.meeting_date(_text(root, "MeetingDate"), DATE_FORMATS, "MeetingDate")
    meeting = Meeting(
        municipality=esdh.municipality(None, municipality, warnings),
        committee=esdh.committee(_text(root, "Committee"), committee, warnings),
        kind=_kind(root),
        date=when.date(),
        time=when.time() if (when.hour, when.minute) != (0, 0) else None,
        warnings=warnings,
    )
    found = []
    for part in root.iterfind("MeetingAgendaTypes/MeetingAgendaType"):
        closed = "lukket" in _text(part, "AgendaType").casefold()
        whole = _text(part, "PDFDocument")
        if whole:
            name = f"{_text(part, 'AgendaType') or 'Dagsorden'} (samlet PDF)"
            meeting.files.append(
                esdh.attach(bundle, whole, name=name, role=DOCUMENT, warnings=warnings)
            )
        for element in part.iterfind("MeetingAgendaItems/MeetingAgendaItem"):
            found.append(_item(element, closed, meeting, bundle))
    found.sort(key=lambda item: (item.number is None, item.number or 0))
    for position, item in enumerate(found, start=1):
        item.position = position
    meeting.items = found
    return esdh.finish(meeting)


def _text(element, path: str) -> str:
    return xmlsafe.text(element.findtext(path))


def _kind(root) -> str:
    state = _text(root, "MeetingState").casefold()
    urls = " ".join(xmlsafe.text(u.text) for u in root.iter("UrlShowCompleteAgendaType"))
    return "referat" if "referat" in state or "type=minute" in urls else "dagsorden"


def _item(element, closed: bool, meeting: Meeting, bundle) -> Item:
    number = _text(element, "AgendaItemNumber")
    title = _text(element, "Document/Title") or _text(element, "Document/NeutralTitle")
    item = Item(
        position=0,
        number=int(number) if number.isdigit() else None,
        label="" if number.isdigit() else number,
        title=esdh.squash(title) or "(uden titel)",
        closed=closed,
    )
    case, sections = _full_text(_text(element, "FullText"))
    item.case_number = case
    attachments = element.findall("Document/Attachments/Attachment")
    item.attachments = [esdh.nfc(_text(a, "Title") or _text(a, "PDFDocument")) for a in attachments]
    if closed:
        # A closed item is published with its title and case only; its files stay unread.
        for reference in [_text(element, "PDFDocument")] + [
            _text(a, "PDFDocument") for a in attachments
        ]:
            _claim(bundle, reference)
        return item
    decision_fields = sections.pop("_decisions", [])
    decision, earlier = esdh.dated_decisions(decision_fields, meeting.date)
    item.sections = {**sections, **earlier}
    if decision:
        item.sections[S.DECISION] = decision
    esdh.decide(item, decision)
    own = _text(element, "PDFDocument")
    if own:
        item.files.append(esdh.attach(bundle, own, role=DOCUMENT, warnings=meeting.warnings))
    for attachment in attachments:
        item.files.append(
            esdh.attach(
                bundle,
                _text(attachment, "PDFDocument"),
                name=_text(attachment, "Title") or _text(attachment, "PDFDocument"),
                warnings=meeting.warnings,
            )
        )
    return item


def _claim(bundle, reference):
    if bundle is not None and reference:
        path = bundle.find(reference)
        if path is not None:
            bundle.claim(path)


def _heading(line: str):
    """(key, printed) when a FullText line opens one of the template's fields."""
    bare = esdh.squash(line).rstrip(":").strip()
    template = TEMPLATE_HEADINGS.get(bare.casefold())
    if template:
        return template, bare
    found = S.heading_of(bare) if len(bare) <= 160 else None
    if found and found[1] and not found[2]:
        return found[0], found[1]
    return None


def _full_text(full: str):
    """(case number, sections) from FullText; decision fields under "_decisions"."""
    case = None
    chunks: list[tuple[str, str, list[str]]] = []  # (key, printed heading, lines)
    lines = full.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and NUMBER_LINE.match(lines[start].strip()):
        start += 1
    previous_blank = True
    for raw in lines[start:]:
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        if not chunks and case is None and CASE_LINE.match(line):
            case = esdh.case_number(CASE_LINE.match(line)["value"])
            continue
        if not chunks and DOCUMENT_LINE.match(line):
            continue
        heading = _heading(line) if previous_blank else None
        if heading:
            chunks.append((heading[0], heading[1], []))
        elif chunks:
            if previous_blank and chunks[-1][2]:
                chunks[-1][2].append("")  # a paragraph break
            chunks[-1][2].append(line)
        else:
            chunks.append((S.CASE_TEXT, "", [line]))
        previous_blank = False
    return case, _sections(chunks)


def _sections(chunks) -> dict:
    sections: dict = {}
    decisions = []
    for key, printed, lines in chunks:
        text = _paragraphs(lines)
        if key == S.DECISION:
            decisions.append((printed, text))
        elif key == S.ATTACHMENTS:
            continue  # the manifest lists the attachments themselves
        else:
            esdh.add_section(sections, key, text)
    sections["_decisions"] = decisions
    return sections


def _paragraphs(lines: list) -> str:
    """Lines of one field; "" marks a blank line in the source (a paragraph break)."""
    out, current = [], []
    for line in lines:
        if line == "":
            if current:
                out.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        out.append("\n".join(current))
    return "\n\n".join(out)
