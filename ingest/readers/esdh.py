"""What the ESDH export readers (eDoc, SBSYS, Acadre, AgendaWeb) share.

Each reader maps its system's own fields; these helpers keep the mapping the same across
systems: a field's caption to a section key, the meeting's municipality and committee, the
decision and its outcome, dates as the systems write them, and files from the bundle.
"""

import datetime
import mimetypes
import re
import unicodedata

from core.casenumbers import CaseNumber, parse_case_number
from ingest.errors import IngestError
from ingest.parse import outcomes
from ingest.parse import sections as S
from ingest.parse.dates import find_date
from ingest.parse.header import PERSON, normalize_municipality
from ingest.parsed import BILAG, Attachment, Item, Meeting, Person

WITHHELD = re.compile(r"^\W*beslutning(?:en)?\s+(?:er\s+)?ikke\s+frigivet\W*$", re.I)
WHITESPACE = re.compile(r"\s+")


def squash(value: str | None) -> str:
    return WHITESPACE.sub(" ", value or "").strip()


def section_key(caption: str) -> str:
    """The section key for a field's caption: a known key ("Sagsfremstilling" -> case_text)
    or the caption itself, so no field is ever dropped."""
    caption = squash(caption).rstrip(":").strip()
    found = S.heading_of(caption) if caption else None
    if found and found[1]:
        return found[0]
    return caption[:1].upper() + caption[1:] if caption else "Tekst"


def add_section(sections: dict[str, str], key: str, text: str):
    """Add a field's text under its key; a second field with the same key is appended."""
    text = (text or "").strip()
    if not text:
        return
    sections[key] = f"{sections[key]}\n\n{text}" if sections.get(key) else text


def municipality(found: str | None, given: str | None, warnings: list[str]) -> str:
    """The export's own municipality, else the one given, else "" (`ingest.pipeline` then
    looks for the body the export's text evidently comes from)."""
    if found:
        name = normalize_municipality(found)
        if given and normalize_municipality(given).casefold() != name.casefold():
            warnings.append(
                f"Eksporten nævner {name}; --municipality {given} blev ikke brugt. "
                "(The export names its municipality.)"
            )
        return name
    if given:
        return normalize_municipality(given)
    return ""


def committee(found: str | None, given: str | None, warnings: list[str]) -> str:
    """The export's own committee name, else the one given, else a clear error."""
    found = squash(found)
    if found:
        if given and squash(given).casefold() != found.casefold():
            warnings.append(
                f"Eksporten nævner udvalget {found}; --committee {given} blev ikke brugt."
            )
        return found
    if given:
        return squash(given)
    raise IngestError(
        "Eksporten nævner ikke udvalget; angiv det med --committee. "
        "(The export does not name the committee.)"
    )


def parse_datetime(value: str | None, formats: tuple[str, ...]) -> datetime.datetime | None:
    value = squash(value)
    for fmt in formats:
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def meeting_date(value: str | None, formats: tuple[str, ...], field: str) -> datetime.datetime:
    """The meeting's date and time from the export's field, or an IngestError naming it."""
    found = parse_datetime(value, formats)
    if found is None:
        date = find_date(squash(value))
        if date is not None:
            return datetime.datetime.combine(date, datetime.time(0, 0))
        raise IngestError(
            f"Mødets dato kunne ikke læses af feltet {field} ({squash(value)!r}). "
            "(The meeting date field could not be read.)"
        )
    return found


def finish(meeting: Meeting) -> Meeting:
    """What every reader adds last: references to earlier treatments ("Kommunalbestyrelsen
    den 30. januar 2012 Punkt 5") and the warnings the text parser gives too (numbers that
    jump, minutes items without a decision)."""
    from ingest.parse.minutes import find_references, item_warnings

    for item in meeting.items:
        if item.closed:
            # A closed item publishes its number, title and case number; even the names of
            # its bilag can say what the closed case is about.
            item.attachments, item.files = [], []
        else:
            item.references = find_references(" ".join([*item.sections, *item.sections.values()]))
    meeting.warnings.extend(item_warnings(meeting))
    return meeting


def case_number(value: str | None) -> CaseNumber | None:
    """A case number the export gives in a field of its own: parsed when it is a known
    scheme, else kept as printed (the field says it is one)."""
    value = squash(value).strip(" -")
    if not value:
        return None
    return parse_case_number(value) or CaseNumber(value, value)


def decide(item: Item, text: str, *, withheld: bool = False):
    """Set the item's decision, per-point parts and outcome from the export's decision."""
    text = (text or "").strip()
    if withheld or WITHHELD.match(text):
        item.decision, item.decision_parts, item.outcome = text, [], outcomes.WITHHELD
        return
    item.decision = text
    item.decision_parts = outcomes.split_parts(text)
    item.outcome = outcomes.overall(item.decision_parts, text)


def dated_decisions(fields: list[tuple[str, str]], when: datetime.date) -> tuple[str, dict]:
    """Several decision fields in one item ("Beslutning i X den 10-04-2013", "… den
    24-04-2013"): the one dated on this meeting is the decision, the others are kept under
    their own captions. Without a date on this meeting, the last one is the decision."""
    if not fields:
        return "", {}
    chosen = next((i for i, (cap, _t) in enumerate(fields) if find_date(cap) == when), None)
    chosen = len(fields) - 1 if chosen is None else chosen
    others = {squash(cap): text for i, (cap, text) in enumerate(fields) if i != chosen and text}
    return fields[chosen][1], others


def content_type(name: str, data: bytes | None = None) -> str:
    if data is not None and data.startswith(b"%PDF-"):
        return "application/pdf"
    guessed, _encoding = mimetypes.guess_type(name.lower())
    return guessed or ""


def attach(bundle, reference, *, name="", base=None, role=BILAG, url="", warnings=None):
    """An Attachment for a file the manifest names, with its bytes when the bundle has it.

    No bundle (the manifest alone): the name and path are kept. A bundle without the file:
    the same, plus a warning on the meeting, never a failure."""
    reference = (reference or "").strip()
    shown = nfc(name or reference.replace("\\", "/").rsplit("/", 1)[-1])
    path = bundle.find(reference, base) if bundle is not None and reference else None
    if path is None:
        if bundle is not None and reference and warnings is not None:
            warnings.append(
                f"Filen {reference} ({shown}) nævnes i eksporten, men findes ikke i den. "
                "(A file the export names is missing.)"
            )
        where = reference.replace("\\", "/").lstrip("/")
        return Attachment(shown, None, where, url, role, content_type(reference))
    data = bundle.read(path)
    return Attachment(shown, data, path, url, role, content_type(path, data))


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", squash(value))


def boolean(value: str | None) -> bool | None:
    value = squash(value).casefold()
    if value in ("true", "1", "ja", "yes"):
        return True
    if value in ("false", "0", "nej", "no"):
        return False
    return None


def person(name: str | None, party: str | None = None) -> Person | None:
    """A member as the export names them; "Jesper Mathiesen (A)" carries the party letter."""
    name = squash(name)
    if not name:
        return None
    match = PERSON.match(name)
    if match and match["party"]:
        return Person(squash(match["name"]), match["party"])
    return Person(name, squash(party) or None)
