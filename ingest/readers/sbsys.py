"""SBSYS eDagsorden's publication XML (`<Publication>`, one per published agenda or minutes).

`PublicationTypeAsEnum` says what was published: "Draft" and "Final" are the agenda (their
decision fields are empty), "Minutes" the minutes. `Agendas/Agenda` holds the `Meeting`
(`When`, `Where`, `Members/MeetingMember` with `ParticipationStatusAsText`), the `Committee`
and the `Items/Item`: `Number`, `Caption`, `IsPublic`, `Case/Number`, `Fields/ItemField`
(each with its `Caption`, `IsFeedback` for the decision field, and `Content`: HTML in CDATA)
and `Enclosures/Enclosure` (`Name`, `FileName`, `InstantiationFilePathRelative` such as
`Enclosures\\1.pdf`, relative to the publication XML).
"""

from ingest.errors import IngestError
from ingest.parse import sections as S
from ingest.parsed import Item, Meeting
from ingest.readers import esdh, xmlsafe

FORMAT = "sbsys-publication"
DATE_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y")
MINUTES_TYPES = {"minutes", "referat", "summary", "protocol"}
AGENDA_TYPES = {"draft", "final", "dagsorden", "agenda"}
ABSENT = {"absent", "notattending", "afbud", "fraværende", "notpresent"}


def recognise(data: bytes) -> bool:
    return xmlsafe.root_name(data) == "Publication" and b"<Agendas" in data[:262144]


def meeting_key(data: bytes) -> str | None:
    root = xmlsafe.parse(data, what="SBSYS-publikationen")
    agenda = root.find("Agendas/Agenda")
    if agenda is None:
        return None
    return f"sbsys:{agenda.get('ID')}|{_text(agenda, 'Meeting/When')}"


def read(data: bytes, *, source="", municipality=None, committee=None, bundle=None) -> Meeting:
    root = xmlsafe.parse(data, what="SBSYS-publikationen")
    agenda = root.find("Agendas/Agenda")
    if agenda is None:
        raise IngestError(
            "SBSYS-publikationen indeholder ingen dagsorden (no Agenda in the publication)."
        )
    warnings: list[str] = []
    when = esdh.meeting_date(_text(agenda, "Meeting/When"), DATE_FORMATS, "Meeting/When")
    kind = _kind(root)
    name = _text(agenda, "Committee/Name") or _text(agenda, "Name")
    meeting = Meeting(
        municipality=esdh.municipality(None, municipality, warnings),
        committee=esdh.committee(name, committee, warnings),
        kind=kind,
        date=when.date(),
        time=when.time() if (when.hour, when.minute) != (0, 0) else None,
        location=esdh.squash(_text(agenda, "Meeting/Where")),
        warnings=warnings,
    )
    _members(agenda, meeting)
    items = agenda.findall("Items/Item")
    for position, element in enumerate(sorted(items, key=_number), start=1):
        meeting.items.append(_item(position, element, meeting, bundle))
    return esdh.finish(meeting)


def _text(element, path: str) -> str:
    return xmlsafe.text(element.findtext(path))


def _kind(root) -> str:
    """What the publication says it is; an unknown type is minutes if decisions are filled."""
    published = _text(root, "PublicationTypeAsEnum").casefold()
    if published in MINUTES_TYPES:
        return "referat"
    if published in AGENDA_TYPES:
        return "dagsorden"
    for field in root.iter("ItemField"):
        if esdh.boolean(_text(field, "IsFeedback")) and xmlsafe.markup_text(
            field.findtext("Content")
        ):
            return "referat"
    return "dagsorden"


def _number(element):
    number = _text(element, "Number")
    return (0, int(number)) if number.isdigit() else (1, 0)


def _members(agenda, meeting: Meeting):
    """Meeting members; in minutes, those whose participation says absent are absent."""
    for member in agenda.iterfind("Meeting/Members/MeetingMember"):
        found = esdh.person(_text(member, "Name") or _text(member, "Member/Name"))
        if found is None:
            continue
        status = _text(member, "ParticipationStatusAsText").casefold().replace(" ", "")
        absent = meeting.kind == "referat" and status in ABSENT
        (meeting.absent if absent else meeting.participants).append(found)


def _item(position: int, element, meeting: Meeting, bundle) -> Item:
    number = _text(element, "Number")
    public = esdh.boolean(_text(element, "IsPublic"))
    item = Item(
        position=position,
        number=int(number) if number.isdigit() else None,
        label="" if number.isdigit() else number,
        title=esdh.squash(_text(element, "Caption")) or "(uden titel)",
        closed=public is False,
        case_number=esdh.case_number(_text(element, "Case/Number")),
    )
    enclosures = element.findall("Enclosures/Enclosure")
    item.attachments = [esdh.nfc(_text(e, "Name") or _text(e, "FileName")) for e in enclosures]
    if item.closed:
        for enclosure in enclosures:
            path = bundle.find(_reference(enclosure)) if bundle is not None else None
            if path:
                bundle.claim(path)
        return item
    decisions = []
    for field in element.iterfind("Fields/ItemField"):
        caption = esdh.squash(_text(field, "Caption"))
        content = xmlsafe.markup_text(field.findtext("Content"))
        is_decision = esdh.boolean(_text(field, "IsFeedback")) or (
            esdh.section_key(caption) == S.DECISION
        )
        if is_decision:
            decisions.append((caption, content))
        else:
            esdh.add_section(
                item.sections, esdh.section_key(caption) if caption else "Tekst", content
            )
    item.sections.pop(S.ATTACHMENTS, None)
    if meeting.kind == "referat":
        decision, earlier = esdh.dated_decisions(decisions, meeting.date)
        item.sections.update(earlier)
        if decision:
            item.sections[S.DECISION] = decision
        esdh.decide(item, decision)
    for enclosure in enclosures:
        item.files.append(
            esdh.attach(
                bundle,
                _reference(enclosure),
                name=_text(enclosure, "Name") or _text(enclosure, "FileName"),
                warnings=meeting.warnings,
            )
        )
    return item


def _reference(enclosure) -> str:
    """Where the publication put the file: its relative path, else its instantiated name."""
    return (
        _text(enclosure, "InstantiationFilePathRelative")
        or _text(enclosure, "InstantiationFileName")
        or _text(enclosure, "FileName")
    )
