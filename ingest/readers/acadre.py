"""Acadre MM's publication: an index `XML_<agenda>.xml` and, per produced document, a files
folder with the agenda's content XML and its enclosures.

Both are `<root>` files of `<table name=…>` / `<fields>` / `<field …>`, but they store
values differently:

- the index stores each value as the *attribute* of an empty field, named after the key:
  `<field sysid="5835"/>`, `<field xmlfilename="3687981.xml"/>`, `<field publish="1"/>`.
  `table name=producedAgenda` lists the produced documents (`type` 1 agenda, 2 minutes;
  `publish`; `filesfolder`; `xmlfilename`).
- the content XML stores `<field name="key">value</field>`: `table agenda` (its `name` is
  "Referat" or "Dagsorden"), `committee`, `meeting` (`date` "2013-06-20 10:30", `location`,
  `meetmember/member` with `absent`), and per item `agendaitemparents` (`sort`: the running
  item number Acadre prints, such as 715) holding `agendaitem` (`name`, `caseno` such as
  "12/27845", `accessname` "Åben"/"Lukket", `caseofficername`), its `bullet`s (the fields:
  `bulletname`, `bulletcontent` as escaped HTML) and `enclosure`s (`name`, `filename`).

The item's number is the running number as printed (715); its place on this agenda is its
position. Several "Beslutning i … den dd-mm-yyyy" bullets are the item's history: the one
dated on this meeting is the decision, the others are kept under their captions.
"""

from ingest.errors import IngestError
from ingest.parse import sections as S
from ingest.parsed import Item, Meeting
from ingest.readers import esdh, xmlsafe

FORMAT = "acadre"
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%Y-%m-%d")
DECISION_BULLET = "8"  # Acadre's bullet type for "Beslutning i <udvalg> den <dato>"
MINUTES, AGENDA = "2", "1"  # producedAgenda types


def recognise(data: bytes) -> bool:
    head = data[:65536]
    return xmlsafe.root_name(data) == "root" and (
        b'<table name="agenda"' in head or b'<table name="producedAgenda"' in head
    )


def meeting_key(data: bytes) -> str | None:
    """The agenda's sysid, which both the index and the content XML carry."""
    root = xmlsafe.parse(data, what="Acadre-filen")
    if _is_index(root):
        return f"acadre:{_attribute(root.find(_table('agenda') + '/fields'), 'sysid')}"
    agenda = _agenda(root)
    return f"acadre:{_field(agenda.find('fields'), 'sysid')}" if agenda is not None else None


def rank(data: bytes) -> int:
    """The content XML is the meeting; the index only points at it."""
    return 1 if b'<table name="producedAgenda"' in data[:65536] else 0


def read(data: bytes, *, source="", municipality=None, committee=None, bundle=None) -> Meeting:
    root = xmlsafe.parse(data, what="Acadre-filen")
    produced = None
    if _is_index(root):
        produced, root = _content_from_index(root, bundle)
    agenda = _agenda(root)
    if agenda is None:
        raise IngestError("Acadre-filen har ingen <table name=agenda> (no agenda table).")
    warnings: list[str] = []
    meeting_fields = agenda.find(_table("meeting") + "/fields")
    when = esdh.meeting_date(_field(meeting_fields, "date"), DATE_FORMATS, "meeting/date")
    meeting = Meeting(
        municipality=esdh.municipality(None, municipality, warnings),
        committee=esdh.committee(
            _field(agenda.find(_table("committee") + "/fields"), "name"), committee, warnings
        ),
        kind=_kind(agenda, produced),
        date=when.date(),
        time=when.time() if (when.hour, when.minute) != (0, 0) else None,
        location=esdh.squash(_field(meeting_fields, "location")),
        warnings=warnings,
    )
    _members(agenda, meeting)
    parents = agenda.findall(".//" + _table("agendaitemparents"))
    numbers = _numbers(parents, root)
    for position, (parent, number) in enumerate(zip(parents, numbers, strict=True), start=1):
        meeting.items.append(_item(position, number, parent, meeting, bundle))
    return esdh.finish(meeting)


def _table(name: str) -> str:
    return f"table[@name='{name}']"


def _field(fields, key: str) -> str:
    """A content-XML value: `<field name="key">value</field>`."""
    if fields is None:
        return ""
    for field in fields.iterfind("field"):
        if field.get("name") == key:
            return xmlsafe.text(field.text)
    return ""


def _attribute(fields, key: str) -> str:
    """An index value: the attribute named after the key, on one of the empty fields."""
    if fields is None:
        return ""
    for field in fields.iterfind("field"):
        if key in field.attrib:
            return esdh.squash(field.get(key))
    return ""


def _is_index(root) -> bool:
    return root.find(_table("producedAgenda")) is not None


def _agenda(root):
    return root if root.get("name") == "agenda" else root.find(_table("agenda"))


def _content_from_index(index, bundle):
    """The published document the index names, read from the bundle: (its fields, root)."""
    produced = index.findall(_table("producedAgenda") + "/fields")
    published = [p for p in produced if _attribute(p, "publish") == "1"] or produced
    # Minutes before the agenda, the latest produced first.
    published.sort(key=lambda p: _attribute(p, "createdDate"), reverse=True)
    published.sort(key=lambda p: _attribute(p, "type") != MINUTES)
    for choice in published:
        folder = _attribute(choice, "filesfolder")
        if not folder:
            agenda_id = _attribute(index.find(_table("agenda") + "/fields"), "sysid")
            folder = f"Files_{agenda_id}_{_attribute(choice, 'docID')}"
        name = _attribute(choice, "xmlfilename")
        path = bundle.find(f"{folder}/{name}") if bundle is not None and name else None
        if path is not None:
            bundle.base = path.rsplit("/", 1)[0] if "/" in path else ""
            return choice, xmlsafe.parse(bundle.read(path), what="Acadre-filen")
    raise IngestError(
        "Acadre-indekset peger på et referat, hvis XML-fil ikke er med i eksporten; indlæs "
        "hele mappen med Files_…-mappen. (The index names a content file that is missing.)"
    )


def _kind(agenda, produced) -> str:
    name = _field(agenda.find("fields"), "name").casefold()
    if "referat" in name or "protokol" in name:
        return "referat"
    if "dagsorden" in name:
        return "dagsorden"
    if produced is not None:
        return "referat" if _attribute(produced, "type") == MINUTES else "dagsorden"
    return "dagsorden"


def _members(agenda, meeting: Meeting):
    for member in agenda.iterfind(f"{_table('meeting')}/{_table('meetmember')}/{_table('member')}"):
        fields = member.find("fields")
        found = esdh.person(_field(fields, "name"), _field(fields, "party"))
        if found is None:
            continue
        absent = _field(fields, "absent") == "1" and meeting.kind == "referat"
        (meeting.absent if absent else meeting.participants).append(found)


def _numbers(parents, root) -> list[int | None]:
    """The printed item numbers: each item's running `sort`; when those are only an order
    (not consecutive), the agenda's first number counted on."""
    sorts = [_field(p.find("fields"), "sort") for p in parents]
    if sorts and all(s.isdigit() for s in sorts):
        values = [int(s) for s in sorts]
        if values == list(range(values[0], values[0] + len(values))):
            return values
    start = xmlsafe.text(root.findtext("agendaData/startAgendaItemNo"))
    if start.isdigit():
        return [int(start) + i for i in range(len(parents))]
    return [int(s) if s.isdigit() else None for s in sorts]


def _item(position: int, number, parent, meeting: Meeting, bundle) -> Item:
    element = parent.find(_table("agendaitem"))
    fields = element.find("fields") if element is not None else None
    access = _field(fields, "accessname").casefold()
    item = Item(
        position=position,
        number=number,
        title=esdh.squash(_field(fields, "name")) or "(uden titel)",
        closed="lukket" in access or (not access and _field(fields, "access") not in ("", "1")),
        case_number=esdh.case_number(_field(fields, "caseno")),
    )
    worker = esdh.squash(_field(fields, "caseofficername"))
    item.case_workers = [worker] if worker else []
    if element is None:
        return item
    enclosures = [e.find("fields") for e in element.iterfind(_table("enclosure"))]
    public = [e for e in enclosures if _open(e)]
    item.attachments = [esdh.nfc(_field(e, "name") or _field(e, "filename")) for e in public]
    if item.closed:
        for enclosure in enclosures:
            path = bundle.find(_field(enclosure, "filename")) if bundle is not None else None
            if path:
                bundle.claim(path)
        return item
    decisions = []
    bullets = [b.find("fields") for b in element.iterfind(_table("bullet"))]
    bullets.sort(key=_order)
    for bullet in bullets:
        caption = esdh.squash(_field(bullet, "bulletname"))
        text = xmlsafe.markup_text(_field(bullet, "bulletcontent"))
        key = esdh.section_key(caption)
        if key == S.DECISION or _field(bullet, "bullettype") == DECISION_BULLET:
            decisions.append((caption, text))
        elif key != S.ATTACHMENTS:
            esdh.add_section(item.sections, key, text)
    if meeting.kind == "referat":
        decision, earlier = esdh.dated_decisions(decisions, meeting.date)
        item.sections.update(earlier)
        if decision:
            item.sections[S.DECISION] = decision
        esdh.decide(item, decision)
    else:
        for caption, text in decisions:
            esdh.add_section(item.sections, caption, text)
    for enclosure in enclosures:
        if not _open(enclosure):
            path = bundle.find(_field(enclosure, "filename")) if bundle is not None else None
            if path:
                bundle.claim(path)
            continue
        item.files.append(
            esdh.attach(
                bundle,
                _field(enclosure, "filename"),
                name=_field(enclosure, "name") or _field(enclosure, "filename"),
                warnings=meeting.warnings,
            )
        )
    return item


def _order(bullet) -> int:
    order = _field(bullet, "bulletsortorder")
    return int(order) if order.isdigit() else 0


def _open(enclosure) -> bool:
    access = _field(enclosure, "accessname").casefold()
    if access:
        return "lukket" not in access and "fortrolig" not in access
    return _field(enclosure, "access") in ("", "1")
