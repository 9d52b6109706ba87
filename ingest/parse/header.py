"""The meeting header: committee, kind, date, time, place and who took part."""

import re
from collections import Counter
from dataclasses import dataclass, field

from core import bodies
from ingest.parse import dates
from ingest.parse.lines import squash
from ingest.parsed import Person

KIND_WORDS = re.compile(
    r"^(?P<kind>referat|dagsorden|beslutningsprotokol|protokol)\b\s*[:\-–]?\s*"
    r"(?:(?:af|fra|for)\s+)?(?:(?:det\s+)?(?:ordinære\s+|ekstraordinære\s+)?møde(?:t)?\s+i\s+)?"
    r"(?P<rest>.*)$",
    re.I,
)
TRAILING_KIND = re.compile(r"^(?P<rest>.+?)\s*[-–,:]\s*(?P<kind>referat|dagsorden)\b.*$", re.I)
DATE_TAIL = re.compile(
    r"\s*(?:[-–,]\s*)?(?:(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\s+)?"
    r"(?:d\.|den)?\s*\d{1,4}[-./ ].*$",
    re.I,
)
LABEL = re.compile(
    r"^(?P<label>udvalg|mødedato|dato|tidspunkt|mødetidspunkt|starttidspunkt|tid(?=\s*:)|"
    r"mødested|sted|"
    r"lokale|mødelokale|mødedeltagere|deltagere|til\s+stede|tilstede|medlemmer|deltagende|"
    r"fraværende(?:\s+med\s+afbud)?|afbud|fravær|forfald|bemærkninger)\b\s*:?\s*(?P<rest>.*)$",
    re.I,
)
COMMITTEE_WORD = re.compile(
    r"(udvalg(?:et)?|råd(?:et)?|byråd(?:et)?|kommunalbestyrelse(?:n)?|borgerrepræsentation(?:en)?"
    r"|bestyrelse(?:n)?|forum|nævn(?:et)?|kollegium)\b",
    re.I,
)
PERSON = re.compile(r"^(?P<name>[A-ZÆØÅ][^()]{1,80}?)\s*(?:\((?P<party>[A-ZÆØÅ]{1,3})\))?\s*$")
ROLE = re.compile(
    r"^(?:formand|næstformand|borgmester|viceborgmester|rådmand|medlem|suppleant)\s*[:,]?\s+"
    r"(?=[A-ZÆØÅ])",
    re.I,
)
# "Suppleant for Lene Dalgaard (A)", "sag 5-7": notes about an entry, not people.
NOT_A_PERSON = re.compile(
    r"^(?:suppleant|stedfortræder|vikar)\s+for\b|^(?:sag|pkt|punkt)\b|^(?:ingen|intet|-)$", re.I
)
# "... den 12. marts 2024 kl. 15.00 i Byrådssalen"
TRAILING_PLACE = re.compile(
    r"\bkl\.?\s*\d{1,2}[.:]\d{2}\s*,?\s*(?:i|på)\s+(?P<place>[A-ZÆØÅ].{2,100})$"
)
LOCATION_LINE = re.compile(r"^i\s+(?P<place>[A-ZÆØÅ].{2,120})$")
# A meeting room named without a label ("Mødelokale 2, Rådhuset"), on its own line or
# run onto the committee's name by a page that prints them side by side.
ROOM = (
    r"(?:mødelokale|møderum|lokale|udvalgsværelse|udvalgsrum|byrådssal(?:en)?|mødesal(?:en)?|"
    r"kommunalbestyrelsessal(?:en)?|borgmesterkontoret|rådhus(?:et)?|virtuelt møde|teams)\b"
)
PLACE_LINE = re.compile(rf"^(?P<place>{ROOM}.{{0,100}})$", re.I)
# Only words no committee's name holds may split one ("Udvalget for Lokale Erhverv" stays).
MEETING_ROOM = r"(?:mødelokale|møderum|udvalgsværelse|byrådssal(?:en)?|mødesal(?:en)?)\b"
ROOM_AFTER_COMMITTEE = re.compile(
    rf"^(?P<committee>.+?\S)\s*[,\-–]?\s+(?P<place>{MEETING_ROOM}.*)$", re.I
)
MUNICIPALITY = re.compile(r"\b([A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\s+Kommunes?\b")
NOT_A_PLACE = {
    "Den", "Det", "Denne", "Dette", "Hver", "Enhver", "Anden", "Andre", "Samme", "Egen", "Hele",
    "Ny", "Nye", "Vores", "Jeres", "Hvilken", "Hvis", "Som", "At", "En", "Og", "Fra", "Til",
    "Pr", "Af", "Nærværende", "Pågældende", "Bopæls", "Handle", "Betalings", "Opholds",
}  # fmt: skip

PARTICIPANTS = {"mødedeltagere", "deltagere", "til stede", "tilstede", "medlemmer", "deltagende"}
ABSENT = {"fraværende", "fraværende med afbud", "afbud", "fravær", "forfald"}
PLACE = {"mødested", "sted", "lokale", "mødelokale"}
WHEN = {"mødedato", "dato", "tidspunkt", "mødetidspunkt", "starttidspunkt", "tid"}
# Labels whose value is one short line: these may stand in a block, all labels first and
# then the values in the same order (a two-column header table read column by column).
SINGLE_VALUE = {"udvalg"} | WHEN | PLACE


@dataclass
class Header:
    kind: str = ""
    committee: str = ""
    date: object = None
    time: object = None
    location: str = ""
    participants: list[Person] = field(default_factory=list)
    absent: list[Person] = field(default_factory=list)


def parse_header(lines: list[str]) -> Header:
    header = Header()
    date_lines: list[str] = []
    index = 0
    while index < len(lines):
        line = squash(lines[index])
        index += 1
        if not line:
            continue
        block = _label_block(lines, index - 1)
        if block:
            for name, value in block[0]:
                _labelled(header, name, value, [], 0, date_lines)
            index = block[1]
            continue
        place = PLACE_LINE.match(line)
        if place and not re.match(r"^\S+\s*:", line) and not dates.find_date(line):
            # "Mødelokale 2, Rådhuset" without a label: the room is the place, word and all.
            header.location = header.location or place["place"].strip(" .")
            continue
        label = LABEL.match(line)
        if label:
            index = _labelled(
                header, label["label"].lower(), label["rest"], lines, index, date_lines
            )
            continue
        place = LOCATION_LINE.match(line)
        if place and date_lines and not header.location:
            header.location = place["place"]  # "i Mødelokale 1.2, Odense Rådhus" below the date
            continue
        _title_line(header, line)
        if dates.find_date(line):
            date_lines.append(line)
            trailing = TRAILING_PLACE.search(line)
            if trailing and not header.location:
                header.location = trailing["place"].strip(" .")
    for line in date_lines:
        header.date = header.date or dates.find_date(line)
        header.time = header.time or dates.find_time(line)
    return header


def _labelled(header, label, rest, lines, index, date_lines):
    label = squash(label)
    if label == "udvalg":
        header.committee = header.committee or _strip_committee(rest)
    elif label in WHEN:
        date_lines.insert(0, rest)
        if dates.find_time(rest) is None and re.match(r"^\d{1,2}[.:]\d{2}", rest.strip()):
            header.time = dates.find_time("kl. " + rest)
    elif label in PLACE:
        rest, index = _continued(rest, lines, index)
        header.location = header.location or rest.strip(" ,")
    elif label in PARTICIPANTS or label in ABSENT:
        if rest.strip():
            rest, index = _continued(rest, lines, index)
        else:
            rest, index = _block(lines, index)
        people = _people(rest)
        (header.absent if label in ABSENT else header.participants).extend(people)
    elif label == "bemærkninger":
        # "Bemærkninger: Afbud: Jesper Holm" (Aabenraa)
        inner = LABEL.match(rest)
        if inner and inner["label"].lower() != "bemærkninger":
            _labelled(header, inner["label"].lower(), inner["rest"], [], 0, date_lines)
    return index


def _label_block(lines, index):
    """([(label, value), ...], index after the values) for a block of two or more bare
    labels ("Dato:" "Tid:" "Sted:") followed by as many values, else None."""
    labels = []
    while index < len(lines):
        line = squash(lines[index])
        label = LABEL.match(line) if line else None
        if line and not (label and not label["rest"] and label["label"].lower() in SINGLE_VALUE):
            break
        if label:
            labels.append(squash(label["label"].lower()))
        index += 1
    if len(labels) < 2:
        return None
    values = []
    while index < len(lines) and len(values) < len(labels):
        line = squash(lines[index])
        if line and LABEL.match(line) and re.match(r"^[^:]{1,30}:", line):
            return None  # another label: the values are not all there
        if line:
            values.append(line)
        index += 1
    if len(values) < len(labels):
        return None
    return list(zip(labels, values, strict=True)), index


def _continued(rest, lines, index):
    """A value that wraps onto following lines, up to a blank line or the next label."""
    while index < len(lines) and squash(lines[index]) and not LABEL.match(squash(lines[index])):
        rest = (
            f"{rest.rstrip(',')}, {squash(lines[index])}"
            if rest.rstrip().endswith(",")
            else (f"{rest} {squash(lines[index])}")
        )
        index += 1
    return squash(rest.replace(",,", ",")), index


def _block(lines, index):
    """A list written one entry per line below its label."""
    while index < len(lines) and not squash(lines[index]):
        index += 1
    taken = []
    while index < len(lines) and squash(lines[index]) and not LABEL.match(squash(lines[index])):
        taken.append(re.sub(r"^[-–—•*·▪■●◦‣∙○□➢➤►]\s*", "", squash(lines[index])))
        index += 1
    return ", ".join(taken), index


def _people(text):
    people = []
    for part in re.split(r",(?![^()]*\))|;|\s+og\s+", text):
        part = ROLE.sub("", squash(part).strip("."))
        if NOT_A_PERSON.match(part):
            continue
        match = PERSON.match(part)
        if match and len(match["name"].split()) <= 6:
            people.append(Person(squash(match["name"]), match["party"]))
    return people


def _title_line(header, line):
    kind = KIND_WORDS.match(line)
    if kind and not header.kind:
        header.kind = _kind(kind["kind"])
        committee = _strip_committee(kind["rest"])
        if committee and COMMITTEE_WORD.search(committee):
            header.committee = header.committee or committee
        return
    trailing = TRAILING_KIND.match(line)
    if trailing and COMMITTEE_WORD.search(trailing["rest"]):
        header.kind = header.kind or _kind(trailing["kind"])
        header.committee = header.committee or _strip_committee(trailing["rest"])
        return
    if not header.committee and len(line) < 90 and COMMITTEE_WORD.search(line):
        candidate = _strip_committee(line)
        room = ROOM_AFTER_COMMITTEE.match(candidate)
        if room and COMMITTEE_WORD.search(room["committee"]):
            candidate = room["committee"]
            header.location = header.location or room["place"].strip(" .")
        if candidate and candidate[0].isupper() and len(candidate.split()) <= 8:
            header.committee = candidate


def _kind(word):
    return "dagsorden" if word.lower() == "dagsorden" else "referat"


def _strip_committee(text):
    text = DATE_TAIL.sub("", squash(text))
    text = re.sub(r"^(?:mødet\s+i\s+|møde\s+i\s+)", "", text, flags=re.I)
    return text.strip(" -–,:")


def infer_municipality(text: str) -> tuple[str, int] | None:
    """The municipality the text names most often, with how often."""
    counts = Counter(
        name for name in MUNICIPALITY.findall(text) if name not in NOT_A_PLACE and len(name) > 2
    )
    if not counts:
        return None
    name, count = counts.most_common(1)[0]
    return f"{name} Kommune", count


def normalize_municipality(name: str) -> str:
    name = squash(name)
    if not name:
        return ""
    if (
        not re.search(r"\b(?:regions)?kommune$", name, re.I)
        and bodies.kind_of(name) != bodies.REGION
    ):
        name = f"{name} Kommune"
    return name[0].upper() + name[1:]
