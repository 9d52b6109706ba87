"""People in the minutes: participant lists become `Person` and `Attendance` rows, which the
person page, its feed and the people API read (`archive.people_queries`).

`link_meeting` runs in the store's transaction whenever a meeting is written (and
`manage.py link_people` for meetings already in the archive). It makes the meeting's
attendance agree with the lists it carries (`Meeting.participants`, `Meeting.absent`) and
re-decides, for every name on them, who is who in the municipality (core/people.py), so
that the result never depends on the order meetings arrived in. Person rows keep their slug
for as long as they keep their meetings. The rules are explained in docs/people.md.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from archive.models import Attendance, Meeting, Person
from core.people import Mention, clean_party, cluster, has_letters, name_key, split_party

# pg_advisory_xact_lock(LOCK_NAMESPACE, municipality id): one linking at a time per
# municipality, so that two concurrent ingests never both create the same new person.
LOCK_NAMESPACE = 5_307_001
# Absent beats present beats invited when one person is on a meeting's lists twice:
# minutes often list every member and then "Afbud: …".
STATUS_RANK = {Attendance.Status.ABSENT: 0, Attendance.Status.PRESENT: 1}


# --- Linking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One name on one meeting's lists: a stored attendance row or one to store."""

    meeting: int
    date: datetime.date
    committee: int
    status: str
    position: int
    name: str
    party: str
    note: str
    key: str

    @property
    def mention(self) -> Mention:
        return Mention(self.meeting, self.date, self.committee, self.party)

    def values(self, person_id) -> tuple:
        return (
            self.meeting,
            person_id,
            self.status,
            self.position,
            self.name,
            self.party,
            self.note,
        )


def listed(meeting: Meeting) -> list[Record]:
    """The names on the meeting's lists, participants first, as records to store.

    On an agenda the participants are those called to the meeting (`invited`); only
    minutes say who came. Absentees are absent either way ("Afbud" given in advance)."""
    there = Attendance.Status.PRESENT
    if meeting.kind == Meeting.Kind.AGENDA:
        there = Attendance.Status.INVITED
    records = []
    lists = ((there, meeting.participants), (Attendance.Status.ABSENT, meeting.absent))
    for status, people in lists:
        for person in people if isinstance(people, list) else []:
            record = _record(meeting, status, len(records), person)
            if record is not None:
                records.append(record)
    return records


def _record(meeting, status, position, person) -> Record | None:
    if not isinstance(person, dict):
        return None
    name, suffix = split_party(str(person.get("name") or ""))
    if not has_letters(name):
        return None
    note = str(person.get("role") or person.get("note") or "")
    return Record(
        meeting=meeting.pk,
        date=meeting.date,
        committee=meeting.committee_id,
        status=status,
        position=position,
        name=name[:200],
        party=(clean_party(person.get("party")) or suffix)[:10],
        note=note[:200],
        key=name_key(name)[:200],
    )


def link_meeting(meeting: Meeting) -> None:
    """Make the meeting's attendance agree with its lists, and re-decide who is who for
    every name on them and on its earlier lists. Runs in the caller's transaction."""
    municipality = meeting.committee.municipality
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, municipality.pk]
            )
        new = listed(meeting)
        old_keys = meeting.attendances.values_list("person__name_key", flat=True)
        keys = {r.key for r in new} | set(old_keys)
        if not keys:
            return
        stored = _stored_rows(municipality, keys)
        for key in sorted(keys):
            rows = [row for row in stored if row.key == key]
            _relink_name(municipality, meeting.pk, rows, [r for r in new if r.key == key])


def _stored_rows(municipality, keys) -> list[Attendance]:
    return list(
        Attendance.objects.filter(person__municipality=municipality, person__name_key__in=keys)
        .select_related("person")
        .annotate(
            date=F("meeting__date"),
            committee_id=F("meeting__committee_id"),
            key=F("person__name_key"),
        )
    )


def _as_record(row: Attendance) -> Record:
    return Record(
        row.meeting_id,
        row.date,
        row.committee_id,
        row.status,
        row.position,
        row.name,
        row.party,
        row.note,
        row.key,
    )


def _relink_name(municipality, meeting_id, rows, new):
    """One name in one municipality: cluster every mention, keep each person's row for the
    cluster that holds most of its meetings, and store only what changed."""
    kept = [_as_record(row) for row in rows if row.meeting_id != meeting_id]
    records = kept + new
    clusters = cluster({record.mention for record in records})
    owners = _owners(clusters, rows)
    people = _people_for(municipality, clusters, owners, records)
    home = {m: people[i] for i, c in enumerate(clusters) for m in c.mentions}
    wanted = _deduplicated(records, home)
    _write_rows(rows, wanted)
    _retire(rows, home, set(people))
    _refresh(people, records, home)


def _owners(clusters, rows) -> dict[int, Person]:
    """cluster index -> the existing person that keeps it: most shared meetings first."""
    meetings_of = defaultdict(set)
    persons = {}
    for row in rows:
        meetings_of[row.person_id].add(row.meeting_id)
        persons[row.person_id] = row.person
    pairs = []
    for index, group in enumerate(clusters):
        ids = {m.meeting for m in group.mentions}
        for person_id, theirs in meetings_of.items():
            if shared := len(ids & theirs):
                pairs.append((-shared, person_id, index))
    owners, taken = {}, set()
    for _shared, person_id, index in sorted(pairs):
        if index not in owners and person_id not in taken:
            owners[index] = persons[person_id]
            taken.add(person_id)
    return owners


def _people_for(municipality, clusters, owners, records) -> list[Person]:
    """A person per cluster: its owner, or a new person with a slug of its own."""
    people = []
    taken = None
    for index, group in enumerate(clusters):
        if index in owners:
            people.append(owners[index])
            continue
        latest = _latest(records, group.mentions)
        if taken is None:
            taken = _slugs_like(latest.name)
        party = _latest_party(records, group.mentions)
        slug = free_slug(latest.name, party, municipality.slug, taken)
        taken.add(slug)
        people.append(
            Person.objects.create(
                municipality=municipality,
                name=latest.name,
                name_key=latest.key,
                party=party,
                slug=slug,
            )
        )
    return people


def _deduplicated(records, home) -> dict[tuple[int, int], Record]:
    """(meeting, person) -> the record to store: absent first, then the first listed."""
    wanted = {}
    for record in sorted(records, key=lambda r: (STATUS_RANK.get(r.status, 2), r.position)):
        wanted.setdefault((record.meeting, home[record.mention].pk), record)
    return wanted


def _write_rows(rows, wanted):
    """Delete the rows that differ from what is wanted and create the missing ones."""
    keep, stale = set(), []
    for row in rows:
        record = wanted.get((row.meeting_id, row.person_id))
        if record is not None and record.values(row.person_id) == _values(row):
            keep.add((row.meeting_id, row.person_id))
        else:
            stale.append(row.pk)
    Attendance.objects.filter(pk__in=stale).delete()
    Attendance.objects.bulk_create(
        Attendance(
            meeting_id=meeting_id,
            person_id=person_id,
            status=record.status,
            position=record.position,
            name=record.name,
            party=record.party,
            note=record.note,
        )
        for (meeting_id, person_id), record in wanted.items()
        if (meeting_id, person_id) not in keep
    )


def _values(row: Attendance) -> tuple:
    return (row.meeting_id, row.person_id, row.status, row.position, row.name, row.party, row.note)


def _retire(rows, home, people: set[Person]):
    """Persons whose meetings all went to others: point them at the one that took the most
    (their pages redirect there); a person left with no meetings at all is deleted."""
    taken_by = defaultdict(Counter)
    for row in rows:
        if row.person not in people:
            taken_by[row.person][home.get(_as_record(row).mention)] += 1
    for person, counter in taken_by.items():
        counter.pop(None, None)
        if not counter:
            person.delete()
            continue
        target = max(counter.items(), key=lambda pair: (pair[1], -pair[0].pk))[0]
        Person.objects.filter(Q(pk=person.pk) | Q(merged_into=person)).update(
            merged_into=target, modified=timezone.now()
        )


def _refresh(people, records, home):
    """Each person's name and party as most recently printed."""
    changed = []
    for person in set(people):
        mine = {m for m, owner in home.items() if owner == person}
        latest = _latest(records, mine)
        party = _latest_party(records, mine)
        if (person.name, person.party) != (latest.name, party):
            person.name, person.party, person.modified = latest.name, party, timezone.now()
            changed.append(person)
    Person.objects.bulk_update(changed, ["name", "party", "modified"])


def _latest(records, mentions) -> Record:
    return max(
        (r for r in records if r.mention in mentions),
        key=lambda r: (r.date, r.meeting, -r.position),
    )


def _latest_party(records, mentions) -> str:
    parties = [r for r in records if r.mention in mentions and r.party]
    return max(parties, key=lambda r: (r.date, r.meeting)).party if parties else ""


def _slugs_like(name) -> set[str]:
    return set(
        Person.objects.filter(slug__startswith=danish_slug(name)[:120]).values_list(
            "slug", flat=True
        )
    )


def danish_slug(text: str) -> str:
    """Readable Danish slugs: "Bill Bjørklund" -> "bill-bjoerklund"."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
    return slugify(text.translate(table))


def free_slug(name, party, municipality_slug, taken) -> str:
    """ "peter-nielsen-herlev"; when taken "peter-nielsen-a-herlev", then "...-herlev-2"."""
    base = danish_slug(name)[:120] or "person"
    options = [f"{base}-{municipality_slug}"[:240]]
    if party:
        options.append(f"{base}-{danish_slug(party)}-{municipality_slug}"[:240])
    for option in options:
        if option not in taken:
            return option
    number = 2
    while f"{options[0]}-{number}" in taken:
        number += 1
    return f"{options[0]}-{number}"


def meetings_to_link(missing=False):
    """The meetings whose attendance `link_people` makes: all with lists or rows; with
    `missing`, only those with lists and no rows yet."""
    has_lists = ~Q(participants=[]) | ~Q(absent=[])
    has_rows = Exists(Attendance.objects.filter(meeting=OuterRef("pk")))
    meetings = Meeting.objects.select_related("committee__municipality").order_by("pk")
    if missing:
        return meetings.filter(has_lists).exclude(has_rows)
    return meetings.filter(has_lists | Q(has_rows))
