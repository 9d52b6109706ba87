"""SBSYS's own agenda export, `dagsorden.xml` (root `<Dagsorden>`, Danish element names).

The root's attributes say what it is (`Dagsordentype` "Dagsorden" or "Referat", `Åben`);
`Møde` carries `Udvalg`, `Mødedato` ("31. marts 2016"), `Mødetid` ("08:15") and `Mødested`;
`Indkaldelse/Medlem` the members called. Each `Dagsordenpunkter/Dagsordenpunkt` has
`Nummer`, `Åbent`, `Sagsnr` (a KLE journal number, "82.02.00-G10-1-16"), `Overskrift`, the
item's fields under `Indhold` (one element per field — `Resume`, `Indstilling`,
`Sagsfremstilling`, `Økonomi`, `Beslutning`, … — with its printed name in `Navn` and HTML in
CDATA), `Bilagsliste/Bilag` (`Navn`, `BilagUrl` such as `Bilag/Punkt_1_Bilag_1_….pdf`) and
`Fravaer/Person` (absent from this item).

Unfilled template fields are dropped: SBSYS templates put their guidance in square brackets
("[Skriv et resumé, der …]"), and a field or paragraph that is nothing but such guidance was
never written by the case worker. The export's HTML preview (`dagsorden.html`) is kept as
the meeting's own document; its stylesheets are part of the preview, not content.
"""

import datetime
import re

from ingest.errors import IngestError
from ingest.parse import sections as S
from ingest.parse.dates import find_date, find_time
from ingest.parsed import DOCUMENT, Item, Meeting
from ingest.readers import esdh, xmlsafe

FORMAT = "sbsys-native"
# A paragraph of template guidance: "[…]" from its first character to its last.
PLACEHOLDER = re.compile(r"^\s*\[.*\]\s*$", re.S)
# The guidance sometimes runs over several paragraphs: "[Angiv kort …" … "… opdeles.]".
OPENS = re.compile(r"^\s*\[")
CLOSES = re.compile(r"\]\s*$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
RENDITIONS = ("dagsorden.html", "dagsorden.htm", "referat.html", "referat.htm")


def recognise(data: bytes) -> bool:
    head = data[:65536]
    return xmlsafe.root_name(data) == "Dagsorden" and (
        b"<Dagsordenpunkter" in head or "<Møde".encode() in head
    )


def meeting_key(data: bytes) -> str | None:
    root = xmlsafe.parse(data, what="SBSYS-dagsordenen")
    meeting = root.find("Møde")
    if meeting is None:
        return None
    return f"sbsys-native:{meeting.get('MødeID')}|{root.get('DagsordenID')}"


def read(data: bytes, *, source="", municipality=None, committee=None, bundle=None) -> Meeting:
    root = xmlsafe.parse(data, what="SBSYS-dagsordenen")
    møde = root.find("Møde")
    if møde is None:
        raise IngestError("SBSYS-dagsordenen har intet <Møde> (no meeting element).")
    warnings: list[str] = []
    meeting = Meeting(
        municipality=esdh.municipality(None, municipality, warnings),
        committee=esdh.committee(møde.get("Udvalg"), committee, warnings),
        kind="referat"
        if esdh.squash(root.get("Dagsordentype")).casefold() == "referat"
        else "dagsorden",
        date=_date(møde),
        time=_time(møde),
        location=esdh.squash(møde.get("Mødested")),
        warnings=warnings,
    )
    called = [esdh.squash(m.get("Navn")) for m in root.iterfind("Indkaldelse/Medlem")]
    called = list(dict.fromkeys(name for name in called if name))
    absences = []
    for position, element in enumerate(_ordered(root), start=1):
        item, absent = _item(position, element, meeting, bundle)
        meeting.items.append(item)
        absences.append(absent)
    # Absent from every item is absent from the meeting; the rest took part.
    away = set.intersection(*absences) if absences and meeting.kind == "referat" else set()
    meeting.participants = [esdh.person(n) for n in called if n not in away]
    meeting.absent = [esdh.person(n) for n in called if n in away]
    _renditions(meeting, bundle)
    return esdh.finish(meeting)


def _date(møde) -> datetime.date:
    date = find_date(esdh.squash(møde.get("Mødedato")))
    if date is None:
        raise IngestError(
            f"Mødedatoen i SBSYS-dagsordenen kunne ikke læses ({møde.get('Mødedato')!r}). "
            "(The meeting date could not be read.)"
        )
    return date


def _time(møde) -> datetime.time | None:
    value = esdh.squash(møde.get("Mødetid"))
    match = TIME.match(value)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return datetime.time(int(match[1]), int(match[2]))
    return find_time(esdh.squash(møde.text)) if møde.text else None


def _ordered(root):
    items = root.findall("Dagsordenpunkter/Dagsordenpunkt")
    return sorted(items, key=lambda e: _number(e.get("Nummer")))


def _number(value):
    value = esdh.squash(value)
    return (0, int(value)) if value.isdigit() else (1, 0)


def _item(position: int, element, meeting: Meeting, bundle) -> tuple[Item, set[str]]:
    number = esdh.squash(element.get("Nummer"))
    item = Item(
        position=position,
        number=int(number) if number.isdigit() else None,
        label="" if number.isdigit() else number,
        title=esdh.squash(element.findtext("Overskrift")) or "(uden titel)",
        closed=esdh.boolean(element.get("Åbent")) is False,
        case_number=esdh.case_number(element.get("Sagsnr")),
    )
    responsible = esdh.squash(element.get("Ansvarlig"))
    item.case_workers = [responsible] if responsible else []
    enclosures = element.findall("Bilagsliste/Bilag")
    item.attachments = [esdh.nfc(b.get("Navn") or b.get("Linktekst") or "") for b in enclosures]
    absent = {esdh.squash(p.get("Navn")) for p in element.iterfind("Fravaer/Person")}
    if item.closed:
        for enclosure in enclosures:
            path = bundle.find(enclosure.get("BilagUrl") or "") if bundle is not None else None
            if path:
                bundle.claim(path)
        return item, absent
    decisions = []
    for field in element.iterfind("Indhold/*"):
        caption = esdh.squash(field.get("Navn")) or field.tag
        content = _written(xmlsafe.markup_text(field.text))
        key = esdh.section_key(caption)
        if key == S.DECISION:
            decisions.append(_dated(caption, content))
        else:
            esdh.add_section(item.sections, key, content)
    item.sections.pop(S.ATTACHMENTS, None)
    note = xmlsafe.text(element.findtext("Note"))
    esdh.add_section(item.sections, "Note", _written(note))
    if meeting.kind == "referat":
        if absent:
            item.sections["Fraværende"] = ", ".join(sorted(absent))
        decision, earlier = esdh.dated_decisions(decisions, meeting.date)
        item.sections.update(earlier)
        if decision:
            item.sections[S.DECISION] = decision
        esdh.decide(item, decision)
    for enclosure in enclosures:
        item.files.append(
            esdh.attach(
                bundle,
                enclosure.get("BilagUrl") or "",
                name=enclosure.get("Navn") or enclosure.get("Linktekst") or "",
                warnings=meeting.warnings,
            )
        )
    return item, absent


def _dated(caption: str, text: str) -> tuple[str, str]:
    """SBSYS opens a decision with its own bold line "Udvalget den 31. marts 2016": that
    line says who decided when, so it becomes the decision's caption."""
    first, _, rest = text.partition("\n\n")
    if (
        rest
        and len(first) <= 160
        and "\n" not in first
        and find_date(first)
        and not first.endswith(".")
    ):
        return first, rest.strip()
    return caption, text


def _written(text: str) -> str:
    """A field's text without the template's bracketed guidance paragraphs."""
    kept, guidance = [], False
    for paragraph in text.split("\n\n"):
        if guidance:
            guidance = not CLOSES.search(paragraph)
            continue
        if PLACEHOLDER.match(paragraph):
            continue
        if OPENS.match(paragraph):
            guidance = True
            continue
        kept.append(paragraph)
    return "\n\n".join(kept).strip()


def _renditions(meeting: Meeting, bundle):
    """The export's HTML preview of the whole agenda is the meeting's own document."""
    if bundle is None or not bundle.dedicated:
        return
    for name in RENDITIONS:
        path = bundle.find(name)
        if path is not None:
            shown = path.rsplit("/", 1)[-1]
            meeting.files.append(esdh.attach(bundle, path, name=shown, role=DOCUMENT))
            return
