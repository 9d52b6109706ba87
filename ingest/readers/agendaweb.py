"""eDoc AgendaWeb (Fujitsu) publication XML: `<Root>` in the namespace
`http://www.fujitsu.dk/agenda/xml/schemas/2009/03/31/`, beside its HTML rendering.

`Committee` (`Name`) / `Meeting` (`MeetingDateTime` "02-05-2017 10:00", `MeetingLocation`,
`MeetingParticipants/MeetingParticipant` with `Participate`) / `Agenda` (`Type` "Dagsorden"
or "Referat") / `AgendaElements/AgendaElement`: `SortOrder`, `AccessIsPublic`, and the
`HandlingItem` — `SerialNo` (the printed number), `Title`, `CaseNumber`, `CaseWorker`,
`CasePresentations/CasePresentation` (the fields: `Title`, `Content` as HTML, `IsDecision`),
`HandlingPlan/Handling[Placement=This]/Decision` and `Attachments/Attachment` (`Title`,
`Link` such as `\\Attachments\\6104646-6648380-1.pdf`, relative to the XML).

AgendaWeb publishes every version of an agenda into a folder named by the time of
publishing ("2017-04-21 12.24.03"); an export may hold several. They are one meeting: the
newest version is read, the older ones are part of the export but not stored. Items
renumber between versions. An item titled "Fejloprettet" was created by mistake and is
dropped with a warning.
"""

import datetime
import posixpath
import re

from ingest.errors import IngestError
from ingest.parse import sections as S
from ingest.parsed import DOCUMENT, Item, Meeting
from ingest.readers import esdh, xmlsafe

FORMAT = "agendaweb"
NAMESPACE = "http://www.fujitsu.dk/agenda/xml/schemas/"
DATE_FORMATS = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y")
PUBLISHED_FOLDER = re.compile(r"(\d{4}-\d{2}-\d{2})[ T_](\d{2})[.:](\d{2})[.:](\d{2})")
MISTAKE = re.compile(r"^\s*fejl\s*oprettet\s*\.?\s*$", re.I)
PARTY_LETTERS = re.compile(r"^[A-ZÆØÅ]{1,3}$")


def recognise(data: bytes) -> bool:
    name = xmlsafe.root_name(data)
    return name.rsplit(":", 1)[-1] == "Root" and NAMESPACE.encode() in data[:4096]


def meeting_key(data: bytes) -> str | None:
    root = xmlsafe.parse(data, what="AgendaWeb-filen")
    meeting = _find(root, "Committee/Meeting")
    if meeting is None:
        return None
    return f"agendaweb:{_text(meeting, 'MeetingIdentifier') or _text(meeting, 'MeetingDateTime')}"


def primary(bundle, paths: list[str]) -> str:
    """Of several published versions, the newest: by the folder AgendaWeb named after the
    time it published it; without such folders, the last in order."""
    return max(paths, key=lambda path: (_published(path) or datetime.datetime.min, path))


def _published(path: str) -> datetime.datetime | None:
    for folder in reversed(path.split("/")[:-1]):
        match = PUBLISHED_FOLDER.search(folder)
        if match:
            try:
                return datetime.datetime.strptime(" ".join(match.groups()), "%Y-%m-%d %H %M %S")
            except ValueError:
                return None
    return None


def read(data: bytes, *, source="", municipality=None, committee=None, bundle=None) -> Meeting:
    root = xmlsafe.parse(data, what="AgendaWeb-filen")
    meeting_element = _find(root, "Committee/Meeting")
    if meeting_element is None:
        raise IngestError("AgendaWeb-filen har intet møde (no Committee/Meeting element).")
    warnings: list[str] = []
    when = esdh.meeting_date(
        _text(meeting_element, "MeetingDateTime"), DATE_FORMATS, "MeetingDateTime"
    )
    meeting = Meeting(
        municipality=esdh.municipality(None, municipality, warnings),
        committee=esdh.committee(_text(root, "Committee/Name"), committee, warnings),
        kind=_kind(root),
        date=when.date(),
        time=when.time() if (when.hour, when.minute) != (0, 0) else None,
        location=esdh.squash(_text(meeting_element, "MeetingLocation")),
        warnings=warnings,
    )
    _participants(meeting_element, meeting)
    elements = _findall(meeting_element, "Agenda/AgendaElements/AgendaElement")
    elements.sort(key=_order)
    for element in elements:
        item = _item(element, meeting, bundle)
        if item is not None:
            item.position = len(meeting.items) + 1
            meeting.items.append(item)
    _versions(meeting, bundle)
    return esdh.finish(meeting)


def _qualified(path: str) -> str:
    return "/".join(f"{{*}}{part}" for part in path.split("/"))


def _find(element, path):
    return element.find(_qualified(path))


def _findall(element, path):
    return element.findall(_qualified(path))


def _text(element, path: str) -> str:
    return xmlsafe.text(element.findtext(_qualified(path)))


def _kind(root) -> str:
    agenda_type = _text(root, "Committee/Meeting/Agenda/Type").casefold()
    if agenda_type:
        return "referat" if "referat" in agenda_type or "protokol" in agenda_type else "dagsorden"
    return "dagsorden" if _text(root, "OutputTypeEnumName").casefold() == "agenda" else "referat"


def _participants(meeting_element, meeting: Meeting):
    for element in _findall(meeting_element, "MeetingParticipants/MeetingParticipant"):
        party = _text(element, "PoliticalPartyList")
        found = esdh.person(_text(element, "Name"), party if PARTY_LETTERS.match(party) else None)
        if found is None:
            continue
        away = esdh.boolean(_text(element, "Participate")) is False and meeting.kind == "referat"
        (meeting.absent if away else meeting.participants).append(found)


def _order(element):
    def number(path):
        value = _text(element, path)
        return int(value) if value.isdigit() else 10**6

    return number("SortOrder"), number("HandlingItem/SerialNo")


def _item(element, meeting: Meeting, bundle) -> Item | None:
    handling = _find(element, "HandlingItem")
    if handling is None:
        return None
    title = esdh.squash(_text(handling, "Title"))
    number = _text(handling, "SerialNo")
    attachments = _findall(handling, "Attachments/Attachment")
    if not title or MISTAKE.match(title):
        meeting.warnings.append(
            f"Punkt {number or '?'} ({_text(handling, 'NeutralTitle') or 'uden titel'}) er "
            f"markeret »{title or 'uden titel'}« i AgendaWeb og er udeladt. "
            "(An item created by mistake was dropped.)"
        )
        _claim(bundle, attachments)
        return None
    item = Item(
        position=0,
        number=int(number) if number.isdigit() else None,
        label="" if number.isdigit() else number,
        title=title,
        closed=esdh.boolean(_text(element, "AccessIsPublic")) is False,
        case_number=esdh.case_number(_text(handling, "CaseNumber")),
    )
    worker = esdh.squash(_text(handling, "CaseWorker") or _text(handling, "HandlingItemCaseWorker"))
    item.case_workers = [worker] if worker else []
    public = [a for a in attachments if _public(a)]
    item.attachments = [esdh.nfc(_text(a, "Title")) for a in public]
    if item.closed:
        _claim(bundle, attachments)
        return item
    decisions = []
    for presentation in _findall(handling, "CasePresentations/CasePresentation"):
        caption = esdh.squash(_text(presentation, "Title"))
        text = xmlsafe.markup_text(presentation.findtext("{*}Content"))
        if esdh.boolean(_text(presentation, "IsDecision")):
            decisions.append((caption, text))
        else:
            esdh.add_section(item.sections, esdh.section_key(caption), text)
    item.sections.pop(S.ATTACHMENTS, None)
    if meeting.kind == "referat":
        _decide(item, handling, decisions, meeting)
    _claim(bundle, [a for a in attachments if not _public(a)])
    for attachment in public:
        link, title = _text(attachment, "Link"), _text(attachment, "Title")
        item.files.append(esdh.attach(bundle, link, name=title, warnings=meeting.warnings))
    return item


def _decide(item: Item, handling, decisions, meeting: Meeting):
    """The decision field of the item, else the decision of this handling in its plan."""
    if not any(text for _caption, text in decisions):
        for step in _findall(handling, "HandlingPlan/Handling"):
            if _text(step, "Placement").casefold() == "this":
                decisions = [("Beslutning", xmlsafe.markup_text(step.findtext("{*}Decision")))]
    decision, earlier = esdh.dated_decisions(decisions, meeting.date)
    item.sections.update(earlier)
    if decision:
        item.sections[S.DECISION] = decision
    esdh.decide(item, decision)


def _public(attachment) -> bool:
    access = _text(attachment, "AccessEnumName").casefold()
    return access in ("", "public")


def _claim(bundle, attachments):
    for attachment in attachments:
        path = bundle.find(_text(attachment, "Link")) if bundle is not None else None
        if path is not None:
            bundle.claim(path)


def _versions(meeting: Meeting, bundle):
    """The rendering of the version read is the meeting's document; older versions' files
    are part of the export, not of the meeting."""
    if bundle is None or not bundle.dedicated or not getattr(bundle, "manifest", ""):
        return
    stem = posixpath.splitext(bundle.manifest)[0].casefold()
    for path in bundle.files():
        if path == bundle.manifest or path in bundle.opened:
            continue
        inside = not bundle.base or path.startswith(bundle.base + "/")
        if not inside:
            bundle.claim(path)
        elif posixpath.splitext(path)[0].casefold() == stem and path.lower().endswith(
            (".html", ".htm")
        ):
            shown = posixpath.basename(path)
            meeting.files.append(esdh.attach(bundle, path, name=shown, role=DOCUMENT))
