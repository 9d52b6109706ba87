"""First Agenda publication JSON: one meeting as the `dagsordener.<kommune>.dk` portals serve it.

The portal's API (`/api/agenda/dagsorden/<id>`) returns the meeting the portal shows:
`Udvalg` (committee), `Moede` (date, place, participants), `TillaegsDagsorden` and
`Dagsordenpunkter` (the items, each with its title, number, case number, attachments and the
item's text as HTML in `Felter[].Html`). Every field is mapped as the source names it; only
the item HTML needs reading (`ingest.readers.firstagenda_fields`).

Keys are looked up without regard to case and every value may be missing or null: other
portal versions and other municipalities' exports differ in the details. What is decided
and why is described in docs/ingest.md ("First Agenda JSON").
"""

import datetime
import json
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from core import bodies
from core.casenumbers import CaseNumber, parse_case_number
from ingest.errors import IngestError
from ingest.parse import outcomes
from ingest.parsed import BILAG, DOCUMENT, Attachment, Item, Meeting, Person
from ingest.readers.firstagenda_fields import ItemText, read_item_html

FORMAT = "firstagenda-json"
LOCAL = ZoneInfo("Europe/Copenhagen")
BOM = b"\xef\xbb\xbf"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
# The item keys of a First Agenda item and the meeting keys, any casing.
SHAPE = re.compile(rb'"(?:dagsordenpunkter)"\s*:', re.I)
COMPANIONS = re.compile(rb'"(?:moede|udvalg|punktnummer|sagsnummer|felter)"\s*:', re.I)
LOOK = 65536  # bytes looked at from each end of the file
CLOSED_TITLE = re.compile(
    r"^\s*lukket(?:\s+(?:dagsorden)?punkt)?\s*[:.\-–]\s*|\s*[(\[]\s*lukket\s*[)\]]\s*$", re.I
)
CLOSED_ONLY = re.compile(r"^\s*lukket(?:\s+(?:dagsorden)?punkt)?\s*$", re.I)
# Flags some portal versions carry; "IsOpen" is deliberately not among them (see docs).
CLOSED_FLAGS = ("Lukket", "IsClosed", "Closed", "Fortrolig", "IsConfidential")
OPEN_FLAGS = ("Aaben", "Åben", "IsPublic", "Offentlig")
MUNICIPALITY_KEYS = (
    "Kommune", "KommuneNavn", "Municipality", "MunicipalityName", "Myndighed", "Organisation",
    "OrganisationNavn", "OrganizationName", "Kunde", "CustomerName", "Region",
)  # fmt: skip
MINUTES_NAME = re.compile(r"referat|protokol", re.I)
SUPPLEMENT_NAME = re.compile(r"tillæg", re.I)
PARTY = re.compile(r"^(?P<name>.+?)\s*\((?P<party>[A-ZÆØÅ]{1,2})\)$")
DOTNET_DATE = re.compile(r"^/?Date\((-?\d+)([+-]\d{4})?\)/?$")
PLAIN_NUMBER = re.compile(r"^\d{1,4}$")
SUB_NUMBER = re.compile(r"^(\d{1,4})\s*[.\-]\s*\w+")
SPACES = re.compile(r"[\s\u00a0]+")

NOT_JSON = (
    "Filen ligner First Agenda-JSON, men er ikke gyldig JSON ({detail}) "
    "(the file looks like First Agenda JSON but is not valid JSON)."
)
WRONG_SHAPE = (
    "Filen er JSON, men ikke et møde fra First Agenda: {detail} "
    "(the JSON is not a First Agenda meeting)."
)
NO_ITEMS = (
    "Mødet i First Agenda-filen har ingen dagsordenspunkter (the meeting has no agenda items)."
)
NO_DATE = (
    "Mødets dato mangler eller kan ikke læses i First Agenda-filen (Moede.Dato: {value!r}) "
    "(the meeting date is missing or unreadable)."
)
NO_COMMITTEE = (
    "Udvalgets navn mangler i First Agenda-filen (Udvalg.Navn); angiv det med --committee "
    "(the committee is not named in the file; give it with --committee)."
)
NO_MUNICIPALITY = (
    "Kommunen fremgår hverken af First Agenda-filen eller af portalens adresse i den; "
    "angiv den med --municipality (the municipality is not named in the file or its links; "
    "give it with --municipality)."
)


def recognise(data: bytes) -> bool:
    """A JSON object with First Agenda's meeting keys, judged from both ends of the file.

    The items come first in the portal's output and the meeting last, so a long file is
    recognised by its first and last 64 KB without parsing it.
    """
    data = data.removeprefix(BOM)
    if data.lstrip()[:1] != b"{":
        return False
    window = data[:LOOK] + b"\n" + data[-LOOK:]
    return bool(SHAPE.search(window) and COMPANIONS.search(window))


def read(data: bytes, *, source="", municipality=None, committee=None, bundle=None) -> Meeting:
    """The meeting in one First Agenda publication JSON file."""
    document = _load(data)
    moede = _mapping(_get(document, "Moede"))
    udvalg = _mapping(_get(document, "Udvalg"))
    punkter = _get(document, "Dagsordenpunkter")
    if not isinstance(punkter, list):
        raise IngestError(WRONG_SHAPE.format(detail="'Dagsordenpunkter' er ikke en liste"))
    punkter = [p for p in punkter if isinstance(p, dict)]
    if not punkter:
        raise IngestError(NO_ITEMS)
    start = _start(moede)
    committee_name = _text(_get(udvalg, "Navn", "Name")) or _text(committee)
    if not committee_name:
        raise IngestError(NO_COMMITTEE)
    warnings: list[str] = []
    portal = _portal(punkter)
    name, kind_of_body = _municipality(document, moede, udvalg, portal, municipality, warnings)
    items, pending = _items(punkter, start.date(), committee_name, portal)
    participants, absent = _attendance(_get(moede, "Moededeltagere", "Deltagere", "Participants"))
    meeting_name = _text(_get(moede, "Navn", "Name"))
    if _supplementary(document, moede, meeting_name):
        warnings.append(
            "Tillægsdagsorden: punkterne supplerer mødets ordinære dagsorden "
            "(a supplementary agenda to the meeting's ordinary agenda)."
        )
    kind = _kind(meeting_name, items)
    if kind == "referat":
        for item in pending:
            item.outcome = outcomes.WITHHELD
    return Meeting(
        municipality=name,
        committee=committee_name,
        kind=kind,
        date=start.date(),
        # Midnight is how a portal stores a meeting without a time.
        time=start.time() if start.time() != datetime.time(0) else None,
        location=_text(_get(moede, "Sted", "Location", "Lokale")),
        participants=participants,
        absent=absent,
        items=items,
        warnings=warnings,
        body_kind=kind_of_body,
    )


# --- the file ---------------------------------------------------------------------------


def _load(data: bytes) -> dict:
    try:
        document = json.loads(data.removeprefix(BOM).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise IngestError(NOT_JSON.format(detail=f"ikke UTF-8 ved byte {error.start}")) from None
    except json.JSONDecodeError as error:
        detail = f"{error.msg} i linje {error.lineno}, kolonne {error.colno}"
        raise IngestError(NOT_JSON.format(detail=detail)) from None
    if not isinstance(document, dict):
        raise IngestError(WRONG_SHAPE.format(detail="øverste niveau er ikke et objekt"))
    if _get(document, "Dagsordenpunkter") is None:
        raise IngestError(WRONG_SHAPE.format(detail="'Dagsordenpunkter' mangler"))
    return document


def _get(mapping, *names):
    """The first of the keys present with a value, whatever its casing ("moede", "MOEDE")."""
    if not isinstance(mapping, dict):
        return None
    for name in names:
        value = mapping.get(name)
        if value is None:
            folded = name.casefold()
            value = next((v for k, v in mapping.items() if str(k).casefold() == folded), None)
        if value is not None:
            return value
    return None


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return SPACES.sub(" ", str(value)).strip()


def _flag(value) -> bool:
    """True, "true", "True", 1: the ways JSON exports write a set flag."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "ja", "yes")
    return value is True or (isinstance(value, int) and value == 1)


# --- the meeting ------------------------------------------------------------------------


def _start(moede) -> datetime.datetime:
    """The meeting's start in Danish local time ("2022-01-10T08:00:00+01:00")."""
    value = _get(moede, "Dato", "MeetingBeginUtc", "Date", "Start")
    moment = _moment(value)
    if moment is None:
        raise IngestError(NO_DATE.format(value=value))
    return moment


def _moment(value) -> datetime.datetime | None:
    text = _text(value)
    dotnet = DOTNET_DATE.match(text)
    if dotnet:  # "/Date(1641798000000+0100)/", the old ASP.NET JSON date
        instant = datetime.datetime.fromtimestamp(int(dotnet[1]) / 1000, datetime.UTC)
        return instant.astimezone(LOCAL)
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Without an offset the time is the portal's own: Danish local time.
    return moment.astimezone(LOCAL) if moment.tzinfo else moment.replace(tzinfo=LOCAL)


def _attendance(members) -> tuple[list[Person], list[Person]]:
    """Present and absent members: "Absent" (fraværende) and "ParticipationCancelled"
    (afbud) both mean the member was not there."""
    present, absent = [], []
    for member in members if isinstance(members, list) else []:
        name = _text(_get(member, "Name", "Navn"))
        if not name:
            continue
        away = _flag(_get(member, "Absent", "Fraværende")) or _flag(
            _get(member, "ParticipationCancelled", "Afbud")
        )
        (absent if away else present).append(_person(name))
    return present, absent


def _person(name: str) -> Person:
    match = PARTY.match(name)
    return Person(match["name"], match["party"]) if match else Person(name)


def _kind(meeting_name: str, items: list[Item]) -> str:
    """A referat when the portal calls it one or when any item carries a decision.

    Portals such as Greve's keep "Dagsorden" as the meeting's name after the decisions are
    published, so the name alone cannot say it. A decision field that says "Beslutning ikke
    frigivet" is a decision taken; the same words in the history alone are not (see
    firstagenda_fields.ItemText.pending). "Afsluttet" is not used: that a meeting has ended
    does not say that its decisions are published.
    """
    if MINUTES_NAME.search(meeting_name):
        return "referat"
    decided = any(item.decision or item.outcome == outcomes.WITHHELD for item in items)
    return "referat" if decided else "dagsorden"


def _supplementary(document, moede, meeting_name) -> bool:
    return (
        _flag(_get(document, "TillaegsDagsorden"))
        or _flag(_get(moede, "IsSupplementaryAgenda", "TillaegsDagsorden"))
        or bool(SUPPLEMENT_NAME.search(meeting_name))
    )


# --- who published it -------------------------------------------------------------------


def _portal(punkter) -> str:
    """The portal's address ("https://dagsordener.greve.dk") from the first link in the file."""
    for punkt in punkter:
        for felt in _list(_get(punkt, "Felter", "Fields")):
            link = _text(_get(felt, "Link", "Url"))
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") and parts.hostname:
                return f"{parts.scheme}://{parts.netloc}"
    return ""


def _municipality(document, moede, udvalg, portal, given, warnings) -> tuple[str, str]:
    """The municipality (or region) and its kind.

    A name given by the user (--municipality, the upload form) wins: it is an explicit
    statement, and a re-parse passes the stored name. Otherwise a field that names it, then
    the portal's host name. When they disagree a warning says so.
    """
    named = next(
        (
            found
            for mapping in (document, udvalg, moede)
            if (found := _official(_text(_get(mapping, *MUNICIPALITY_KEYS))))
        ),
        "",
    )
    host = urlsplit(portal).hostname or ""
    found = named or (bodies.name_from_host(host) if host else None) or ""
    given = _text(given)
    if given and found and given != found:
        warnings.append(
            f"Kommunen er angivet som {given}, men filen peger på {found} "
            f"(the given municipality differs from the file's)."
        )
    name = given or found
    if not name:
        raise IngestError(NO_MUNICIPALITY)
    return name, bodies.kind_of(name)


def _official(value: str) -> str:
    """'Greve Kommune' as given, 'Greve' or 'greve' as its official name."""
    if not value:
        return ""
    if re.search(r"\b(?:kommune|regionskommune)$", value, re.I) or bodies.REGION_NAME.search(value):
        return value
    return bodies.name_from_host(f"{value.replace(' ', '')}.dk") or ""


# --- the items --------------------------------------------------------------------------


def _list(value) -> list:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _items(punkter, date, committee, portal) -> tuple[list[Item], list[Item]]:
    """The items, and those whose decision only the history calls not released."""
    items: list[Item] = []
    pending: list[Item] = []
    for position, punkt in enumerate(punkter, 1):
        item, text = _item(position, punkt, date, committee, portal)
        item.parent = _parent(items, item.label)
        items.append(item)
        if text.pending:
            pending.append(item)
    return items, pending


def _item(position, punkt, date, committee, portal) -> tuple[Item, ItemText]:
    number, label = _number(_get(punkt, "Punktnummer", "Number", "Nummer"))
    printed_title = _text(_get(punkt, "Navn", "Caption", "Titel", "Title"))
    title, closed_by_title = _title(printed_title)
    felter = _list(_get(punkt, "Felter", "Fields"))
    html = "\n".join(_text_html(_get(felt, "Html")) for felt in felter)
    text = read_item_html(html, title=printed_title, date=date, committee=committee)
    item = Item(
        position=position,
        number=number,
        title=title,
        label=label,
        closed=closed_by_title or _closed_flag(punkt),
        case_number=_case_number(_text(_get(punkt, "SagsNummer", "CaseNumber", "Sagsnr"))),
        sections=text.sections,
        decision=text.decision,
    )
    _attendees(item, _get(punkt, "ExternalAgendaItemAttendees", "Attendees"))
    item.decision_parts = outcomes.split_parts(item.decision)
    item.outcome = (
        outcomes.WITHHELD if text.withheld else outcomes.overall(item.decision_parts, item.decision)
    )
    item.files = _documents(felter, title, portal) + _bilag(punkt, portal)
    item.attachments = [a.name for a in item.files if a.role == BILAG]
    return item, text


def _text_html(value) -> str:
    return value if isinstance(value, str) else ""


def _number(value) -> tuple[int | None, str]:
    """(number, label): 7 -> (7, ""); "3.1" -> (None, "3.1"); "" -> (None, "")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, ""
    printed = _text(value)
    if PLAIN_NUMBER.match(printed):
        return int(printed), ""
    return None, printed[:20]


def _parent(items: list[Item], label: str) -> int | None:
    """The item a sub-item ("3.1", "3a") belongs to: the latest item numbered 3."""
    match = SUB_NUMBER.match(label)
    if not match:
        return None
    number = int(match[1])
    return next((item.position for item in reversed(items) if item.number == number), None)


def _title(printed: str) -> tuple[str, bool]:
    """("Køb af ejendom", True) for "Lukket: Køb af ejendom"; "Lukket punkt" stays as is."""
    if CLOSED_ONLY.match(printed):
        return printed, True
    title, count = CLOSED_TITLE.subn("", printed)
    return (title.strip() or printed, bool(count))


def _closed_flag(punkt) -> bool:
    if any(_flag(_get(punkt, key)) for key in CLOSED_FLAGS):
        return True
    return any((value := _get(punkt, key)) is not None and not _flag(value) for key in OPEN_FLAGS)


def _case_number(printed: str) -> CaseNumber | None:
    """The source says it is the case number: an unknown scheme is kept as printed."""
    if not printed:
        return None
    return parse_case_number(printed) or CaseNumber(printed[:100], printed[:100])


def _attendees(item: Item, attendees):
    """Members away for this item only, under the reason the portal gives ("Fraværende")."""
    for attendee in _list(attendees):
        name = _text(_get(attendee, "Name", "Navn"))
        if not name:
            continue
        reason = _text(_get(attendee, "Reason", "Aarsag", "Årsag")) or "Fraværende"
        key = reason[0].upper() + reason[1:]
        lines = item.sections.get(key, "").split("\n") if key in item.sections else []
        if name not in lines:
            item.sections[key] = "\n".join([*lines, name])


def _documents(felter, title, portal) -> list[Attachment]:
    """The item's own PDF, as the portal renders it (one per field)."""
    files = []
    for felt in felter:
        url = _text(_get(felt, "Link", "Url")) or _document_url(
            portal, _text(_get(felt, "DocumentId"))
        )
        if url:
            name = _text(_get(felt, "Navn", "Name")) or title or "Dagsordenpunkt"
            files.append(Attachment(name, url=url, role=DOCUMENT, content_type="application/pdf"))
    return files


def _bilag(punkt, portal) -> list[Attachment]:
    entries = _list(_get(punkt, "Bilag", "Attachments"))
    if all(isinstance(_get(entry, "Order"), int) for entry in entries):
        entries = sorted(entries, key=lambda entry: _get(entry, "Order"))
    files = []
    for index, entry in enumerate(entries, 1):
        name = _text(_get(entry, "Navn", "Name", "Titel")) or f"Bilag {index}"
        url = _text(_get(entry, "Link", "Url")) or _document_url(portal, _text(_get(entry, "Id")))
        pdf = _flag(_get(entry, "HarPdfVersion", "HasPdfVersion"))
        files.append(
            Attachment(name, url=url, role=BILAG, content_type="application/pdf" if pdf else "")
        )
    return files


def _document_url(portal: str, guid: str) -> str:
    """The portal serves every document, attachments included, at /vis/pdf/bilag/<id>."""
    if not portal or not guid or guid == ZERO_GUID:
        return ""
    return f"{portal}/vis/pdf/bilag/{guid}"
