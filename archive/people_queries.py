"""What the person page, its feed, the people API and the committee page read about people:
a person's published meetings counted by year, committee and party; the items that name
them; who took part in a committee. The rows are written by `archive.people.link_meeting`.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from archive.limits import ITEM_LIMIT
from archive.models import AgendaItem, Attendance, Person

__all__ = [
    "ITEM_LIMIT",
    "Summary",
    "attendance_of",
    "committee_people",
    "items_naming",
    "name_pattern",
    "naming",
    "published_person",
    "snippet",
    "summarise",
]

COMMITTEE_PEOPLE = 100
TEXT_FIELDS = ("title", "decision", "summary", "case_text", "recommendation")
SNIPPET_CHARS = 160


@dataclass
class Summary:
    """A person's published meetings counted by year, committee and party."""

    years: list[dict]
    committees: list[dict]
    parties: list[dict]
    attended: int
    missed: int
    invited: int


def attendance_of(person: Person) -> list[Attendance]:
    """The person's published meetings, newest first, with their committees (one query)."""
    return list(
        person.attendances.filter(meeting__published=True)
        .select_related("meeting__committee__municipality")
        .defer("meeting__participants", "meeting__absent")
        .order_by("-meeting__date", "-meeting_id")
    )


def summarise(rows: list[Attendance]) -> Summary:
    counts = Counter(row.status for row in rows)
    return Summary(
        years=_by_year(rows),
        committees=_by_committee(rows),
        parties=_by_party(rows),
        attended=counts[Attendance.Status.PRESENT],
        missed=counts[Attendance.Status.ABSENT],
        invited=counts[Attendance.Status.INVITED],
    )


def _tally(rows) -> dict:
    counts = Counter(row.status for row in rows)
    return {
        "attended": counts[Attendance.Status.PRESENT],
        "missed": counts[Attendance.Status.ABSENT],
        "invited": counts[Attendance.Status.INVITED],
    }


def _by_year(rows) -> list[dict]:
    years = defaultdict(list)
    for row in rows:
        years[row.meeting.date.year].append(row)
    return [{"year": year, **_tally(years[year])} for year in sorted(years, reverse=True)]


def _by_committee(rows) -> list[dict]:
    groups = defaultdict(list)
    for row in rows:
        groups[row.meeting.committee_id].append(row)
    result = []
    for group in groups.values():
        dates = [row.meeting.date for row in group]
        committee = group[0].meeting.committee
        result.append(
            {"committee": committee, "first": min(dates), "last": max(dates), **_tally(group)}
        )
    return sorted(result, key=lambda c: (-c["last"].toordinal(), c["committee"].name))


def _by_party(rows) -> list[dict]:
    """The parties printed with the name, each with the dates it was printed first and last."""
    spans = {}
    for row in rows:
        if row.party:
            first, last = spans.get(row.party, (row.meeting.date, row.meeting.date))
            spans[row.party] = (min(first, row.meeting.date), max(last, row.meeting.date))
    ordered = sorted(spans.items(), key=lambda pair: pair[1])
    return [{"party": party, "first": first, "last": last} for party, (first, last) in ordered]


def name_pattern(name: str, *, postgres: bool) -> str:
    """The full name as printed, any whitespace between its words, as a whole name: not
    inside a longer one ("Jørgen Kirstein" is not in "Hans-Jørgen Kirstein"), with or
    without a genitive s ("Claus Jensens forslag")."""
    words = [re.escape(word) for word in name.split()]
    edge = "[[:alnum:]-]" if postgres else r"[\w-]"
    return rf"(?<!{edge})" + r"\s+".join(words) + rf"s?(?!{edge})"


def naming(person: Person):
    """The items in the person's municipality whose text prints the full name, newest first.

    The Danish phrase query finds candidates through the items' GIN index; the name as
    printed (name_pattern) then drops what stemming and stop words let in ("Per Lunde" for
    "Per Lund", "Hans-Jørgen Kirstein" for "Jørgen Kirstein"). Capitals count: "per lund"
    is not a name. Measured in docs/people.md."""
    pattern = name_pattern(person.name, postgres=True)
    printed = Q()
    for field in TEXT_FIELDS:
        printed |= Q(**{f"{field}__regex": pattern})
    return (
        AgendaItem.objects.public()
        .filter(
            municipality_id=person.municipality_id,
            search_vector=SearchQuery(person.name, search_type="phrase", config="danish"),
        )
        .filter(printed)
        .select_related("meeting", "committee", "municipality")
        .order_by("-meeting_date", "-meeting_id", "position")
    )


def items_naming(person: Person, limit: int = ITEM_LIMIT) -> list[AgendaItem]:
    return list(naming(person)[:limit])


def snippet(item: AgendaItem, name: str) -> dict | None:
    """Where the item names the person: the text around the name, in three parts (before,
    the name as printed, after) for the template to escape and mark."""
    pattern = re.compile(name_pattern(name, postgres=False))
    for field in TEXT_FIELDS:
        text = getattr(item, field) or ""
        found = pattern.search(text)
        if found:
            start = max(0, found.start() - SNIPPET_CHARS)
            end = min(len(text), found.end() + SNIPPET_CHARS)
            return {
                "before": ("…" if start else "") + text[start : found.start()],
                "name": found.group(0),
                "after": text[found.end() : end] + ("…" if end < len(text) else ""),
            }
    return None


def committee_people(committee, limit: int = COMMITTEE_PEOPLE) -> list[dict]:
    """Who took part in the committee's published meetings: most recently seen first."""
    rows = (
        Attendance.objects.filter(meeting__committee=committee, meeting__published=True)
        .values("person__slug", "person__name", "person__party")
        .annotate(
            attended=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
            missed=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            last=Max("meeting__date"),
        )
        .order_by("-last", "person__name", "person__slug")[:limit]
    )
    return [
        {
            "url": reverse("archive:person", args=[row["person__slug"]]),
            "name": row["person__name"],
            "party": row["person__party"],
            "attended": row["attended"],
            "missed": row["missed"],
            "last": row["last"],
        }
        for row in rows
    ]


def published_person(slug: str) -> Person:
    """The person, or a 404. One merged into another is returned as it is: callers follow
    `merged_into`."""
    return get_object_or_404(
        Person.objects.select_related("municipality", "merged_into"), slug=slug[:250]
    )
