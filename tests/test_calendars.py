"""The iCalendar feeds, read back with the real icalendar parser: the time zone, summer and
winter times, all-day meetings, stable UIDs, what each calendar holds and where it is linked."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from archive.models import Meeting, Person
from tests.people_builders import GREVE_FILES, store_greve, store_meeting

pytestmark = pytest.mark.django_db

KTM = "Klima-, Teknik- og Miljøudvalget"
UTC = datetime.UTC


@pytest.fixture
def greve():
    return [store_greve(path) for path in GREVE_FILES]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content), response.content


def events_by_date(calendar):
    events = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART")
        day = start.date() if isinstance(start, datetime.datetime) else start
        events[day.isoformat()] = event
    return events


def test_municipality_calendar_has_copenhagen_time_in_summer_and_winter(client, greve):
    calendar, raw = fetch(client, "/kommune/greve/kalender.ics")
    assert calendar["VERSION"] == "2.0" and calendar["X-WR-CALNAME"] == "Møder: Greve Kommune"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Copenhagen"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = events_by_date(calendar)
    assert sorted(events) == ["2022-02-14", "2023-09-14", "2025-03-25"]
    for event in events.values():
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=2)
    # 08:00 in Copenhagen is 06:00 UTC in summer (CEST) and 07:00 in winter (CET).
    summer = events["2023-09-14"].decoded("DTSTART")
    winter = events["2022-02-14"].decoded("DTSTART")
    assert summer.astimezone(UTC) == datetime.datetime(2023, 9, 14, 6, 0, tzinfo=UTC)
    assert winter.astimezone(UTC) == datetime.datetime(2022, 2, 14, 7, 0, tzinfo=UTC)
    # 25 March 2025 is before that year's change to summer time (30 March): still CET.
    spring = events["2025-03-25"].decoded("DTSTART").astimezone(UTC)
    assert spring == datetime.datetime(2025, 3, 25, 15, 0, tzinfo=UTC)
    assert b"DTSTART;TZID=Europe/Copenhagen:20230914T080000" in raw
    assert b"DTEND;TZID=Europe/Copenhagen:20230914T100000" in raw


def test_an_event_says_what_where_and_links_the_meeting(client, greve):
    calendar, raw = fetch(client, "/kommune/greve/kalender.ics")
    event = events_by_date(calendar)["2022-02-14"]
    meeting = Meeting.objects.get(date="2022-02-14")
    assert str(event["SUMMARY"]) == f"{KTM} – Referat"
    assert b"SUMMARY:Klima-\\, Teknik- og Milj\xc3\xb8udvalget \xe2\x80\x93 Referat" in raw
    assert str(event["LOCATION"]) == "Mødelokale 6+7"
    assert str(event["URL"]) == f"http://testserver/moeder/{meeting.pk}/"
    assert str(event["UID"]) == f"moede-{meeting.pk}@testserver"
    assert event.decoded("DTSTAMP") == meeting.modified.astimezone(UTC).replace(microsecond=0)
    description = str(event["DESCRIPTION"])
    assert description.startswith(f"{KTM} – Referat, Greve Kommune\nhttp://testserver/moeder/")
    assert "7. Cykelstiprojekter med puljemidler 2021" in description


def test_uids_stay_when_fetched_again_and_when_the_minutes_replace_the_agenda(client):
    when = datetime.time(17, 0)
    store_meeting("Økonomiudvalget", "2026-06-01", kind="dagsorden", time=when)
    url = "/kommune/testrup/oekonomiudvalget/kalender.ics"
    first, raw = fetch(client, url)
    cache.clear()
    again, raw_again = fetch(client, url)
    assert raw_again == raw  # same bytes: DTSTAMP is when the meeting changed, not "now"
    [agenda] = first.walk("VEVENT")
    assert str(agenda["SUMMARY"]) == "Økonomiudvalget – Dagsorden"
    store_meeting("Økonomiudvalget", "2026-06-01", ["Ole Hansen"], time=when)
    [minutes] = fetch(client, url)[0].walk("VEVENT")
    assert minutes["UID"] == agenda["UID"]
    assert str(minutes["SUMMARY"]) == "Økonomiudvalget – Referat"


def test_a_meeting_without_a_start_time_is_all_day(client, all_samples):
    calendar, raw = fetch(client, "/kommune/herning/beskaeftigelsesudvalget/kalender.ics")
    event = events_by_date(calendar)["2018-03-22"]
    assert event.decoded("DTSTART") == datetime.date(2018, 3, 22)
    assert event.decoded("DTEND") == datetime.date(2018, 3, 23)
    assert b"DTSTART;VALUE=DATE:20180322" in raw
    timed = events_by_date(calendar)["2026-03-26"]
    assert timed.decoded("DTSTART").hour == 13


def test_text_from_documents_is_escaped_by_icalendar(client):
    place = "Rådhuset; mødelokale 2, Greve\\Syd"
    store_meeting("Økonomiudvalget", "2024-01-10", location=place, time=datetime.time(9))
    calendar, raw = fetch(client, "/kommune/testrup/kalender.ics")
    [event] = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == place
    assert b"LOCATION:R\xc3\xa5dhuset\\; m\xc3\xb8delokale 2\\, Greve\\\\Syd" in raw


def test_committee_and_person_calendars_hold_their_meetings(client, greve):
    committee = Meeting.objects.get(date="2022-02-14").committee
    calendar, _ = fetch(client, f"{committee.get_absolute_url()}kalender.ics")
    assert sorted(events_by_date(calendar)) == ["2022-02-14", "2023-09-14"]
    person = Person.objects.get(name="Claus Dyremose")
    calendar, _ = fetch(client, f"/personer/{person.slug}/kalender.ics")
    assert sorted(events_by_date(calendar)) == ["2022-02-14", "2023-09-14", "2025-03-25"]
    assert calendar["X-WR-CALNAME"] == "Møder: Claus Dyremose, Greve Kommune"


def test_a_person_calendar_has_the_coming_meetings_of_their_committees(client):
    today = timezone.localdate()
    soon, lately = today + datetime.timedelta(days=14), today - datetime.timedelta(days=60)
    store_meeting("Økonomiudvalget", lately.isoformat(), ["Ole Hansen"])
    # Agendas without lists of members: Ole's committee's is his, the other is not.
    store_meeting("Økonomiudvalget", soon.isoformat(), kind="dagsorden", time=datetime.time(16))
    store_meeting("Teknikudvalget", soon.isoformat(), kind="dagsorden")
    calendar, _ = fetch(client, "/personer/ole-hansen-testrup/kalender.ics")
    events = events_by_date(calendar)
    assert sorted(events) == [lately.isoformat(), soon.isoformat()]
    assert str(events[soon.isoformat()]["SUMMARY"]) == "Økonomiudvalget – Dagsorden"


def test_calendar_query_count(client, greve, django_assert_num_queries):
    # the content version, the municipality, its meetings, their items
    with django_assert_num_queries(4):
        client.get("/kommune/greve/kalender.ics")


def test_unknown_calendars_are_404(client, greve):
    assert client.get("/kommune/atlantis/kalender.ics").status_code == 404
    assert client.get("/kommune/greve/atlantis/kalender.ics").status_code == 404
    assert client.get("/personer/nobody/kalender.ics").status_code == 404


def test_pages_link_their_calendars(client, greve):
    meeting = Meeting.objects.get(date="2022-02-14")
    committee = meeting.committee
    person = Person.objects.get(name="Claus Dyremose")
    pages = {
        "/kommune/greve/": "/kommune/greve/kalender.ics",
        committee.get_absolute_url(): f"{committee.get_absolute_url()}kalender.ics",
        meeting.get_absolute_url(): f"{committee.get_absolute_url()}kalender.ics",
        person.get_absolute_url(): f"/personer/{person.slug}/kalender.ics",
    }
    for page, calendar in pages.items():
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="text/calendar"' in html, page
        assert f'href="{calendar}">' in html, page
        assert f'<a href="{calendar}">Abonnér på kalender</a>' in html, page
