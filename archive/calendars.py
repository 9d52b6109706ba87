"""iCalendar (.ics) feeds of meetings: per municipality, per committee and per person.

A meeting is in the calendar from the moment its agenda is published (upcoming meetings are
agendas, Meeting.kind "dagsorden") and stays when the minutes replace it: the meeting keeps
its id, so its UID never changes. Times are Danish local time with a VTIMEZONE for
Europe/Copenhagen; a meeting without a start time is an all-day event, one without an
end lasts two hours. DTSTAMP is when the meeting last changed, so fetching a calendar twice
gives the same bytes. The icalendar package does all escaping and folding.
"""

import datetime
import zoneinfo

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.caching import public_page
from archive.limits import CALENDAR_SIZE
from archive.models import AgendaItem, Attendance, Committee, Meeting, Municipality
from archive.people_queries import published_person

ZONE = "Europe/Copenhagen"
DURATION = datetime.timedelta(hours=2)
ITEMS_IN_DESCRIPTION = 40
# A person's calendar also holds the coming meetings of the committees they sat on lately.
RECENT = datetime.timedelta(days=365)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meetings(condition: Q):
    """Published meetings matching `condition`, newest first, with their items' titles."""
    items = AgendaItem.objects.only("meeting_id", "position", "number", "title").order_by(
        "position"
    )
    return (
        Meeting.objects.filter(condition, published=True)
        .select_related("committee__municipality")
        .defer("participants", "absent")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-date", "-pk")[:CALENDAR_SIZE]
    )


def summary(meeting: Meeting) -> str:
    kind = _("Dagsorden") if meeting.kind == Meeting.Kind.AGENDA else _("Referat")
    return f"{meeting.committee.name} – {kind}"


def description(meeting: Meeting, url: str) -> str:
    lines = [f"{summary(meeting)}, {meeting.committee.municipality.name}", url]
    titles = [
        f"{item.number}. {item.title}" if item.number else item.title
        for item in meeting.items.all()
    ]
    if titles:
        lines += ["", _("Punkter:"), *titles[:ITEMS_IN_DESCRIPTION]]
        if len(titles) > ITEMS_IN_DESCRIPTION:
            lines.append(_("… og %(n)s flere") % {"n": len(titles) - ITEMS_IN_DESCRIPTION})
    return "\n".join(lines)


def event(request, meeting: Meeting):
    """The meeting as a VEVENT: timed in Copenhagen time, or all day without a start."""
    from icalendar import Event

    url = request.build_absolute_uri(meeting.get_absolute_url())
    entry = Event()
    entry.add("uid", f"moede-{meeting.pk}@{request.get_host()}")
    entry.add("dtstamp", meeting.modified.astimezone(datetime.UTC))
    entry.add("created", meeting.created.astimezone(datetime.UTC))
    entry.add("last-modified", meeting.modified.astimezone(datetime.UTC))
    entry.add("summary", summary(meeting))
    if meeting.start_time is None:
        entry.add("dtstart", meeting.date)
        entry.add("dtend", meeting.date + datetime.timedelta(days=1))
    else:
        start = datetime.datetime.combine(
            meeting.date, meeting.start_time, tzinfo=zoneinfo.ZoneInfo(ZONE)
        )
        entry.add("dtstart", start)
        entry.add("dtend", start + DURATION)
    if meeting.location:
        entry.add("location", meeting.location)
    entry.add("url", url)
    entry.add("description", description(meeting, url))
    entry.add("categories", [meeting.get_kind_display()])
    entry.add("status", "CONFIRMED")
    entry.add("transp", "OPAQUE")
    return entry


def calendar(request, name: str, rows) -> HttpResponse:
    """A calendar of the meetings, with the VTIMEZONE its events refer to."""
    from icalendar import Calendar

    rows = list(rows)
    document = Calendar()
    document.add("prodid", "-//Referatarkiv//Mødekalender//DA")
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("name", name)
    document.add("x-wr-calname", name)
    document.add("x-wr-timezone", ZONE)
    document.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    document.add("x-published-ttl", "PT6H")
    for meeting in rows:
        document.add_component(event(request, meeting))
    if rows:
        # Transitions for the years the events span only: a small, exact VTIMEZONE.
        years = [meeting.date.year for meeting in rows]
        document.add_missing_timezones(
            first_date=datetime.date(min(years) - 1, 1, 1),
            last_date=datetime.date(max(years) + 2, 1, 1),
        )
    response = HttpResponse(document.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return response


@public_page(query=False)
def municipality_calendar(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    name = _("Møder: %(name)s") % {"name": municipality.name}
    return calendar(request, name, meetings(Q(committee__municipality=municipality)))


@public_page(query=False)
def committee_calendar(request, municipality, slug):
    committee = get_object_or_404(
        Committee.objects.select_related("municipality"), municipality__slug=municipality, slug=slug
    )
    name = _("Møder: %(committee)s, %(municipality)s") % {
        "committee": committee.name,
        "municipality": committee.municipality.name,
    }
    return calendar(request, name, meetings(Q(committee=committee)))


@public_page(query=False)
def person_calendar(request, slug):
    """The meetings the person is on the lists of, and the coming meetings of every
    committee they took part in during the last year."""
    person = published_person(slug)
    person = person.merged_into or person
    today = timezone.localdate()
    listed = Attendance.objects.filter(person=person, meeting=OuterRef("pk"))
    recent = Attendance.objects.filter(person=person, meeting__date__gte=today - RECENT).values(
        "meeting__committee_id"
    )
    condition = Q(Exists(listed)) | Q(committee__in=recent, date__gte=today)
    name = _("Møder: %(name)s, %(municipality)s") % {
        "name": person,
        "municipality": person.municipality.name,
    }
    return calendar(request, name, meetings(condition))
