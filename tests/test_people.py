"""People and attendance: the matching rule, attendance that agrees with real sources (Greve's
First Agenda exports, the seeds), corrected meetings, the person page, its feed and the API,
with the number of queries each page takes pinned."""

import datetime
import itertools
import json

import feedparser
import pytest
from django.core.management import call_command

from archive.models import Attendance, Meeting, Person
from core.people import Mention, clean_party, cluster, name_key, split_party
from tests.conftest import FIXTURES
from tests.people_builders import GREVE_FILES, greve_json, greve_lists, store_greve, store_meeting

pytestmark = pytest.mark.django_db

KTM = "Klima-, Teknik- og Miljøudvalget"


# --- The matching rule (pure) ---------------------------------------------------------------


def test_names_match_on_whitespace_case_and_a_party_suffix_only():
    assert split_party("Peter  Nielsen (A)") == ("Peter Nielsen", "A")
    assert split_party("Stefan Rundstrøm ( ø )") == ("Stefan Rundstrøm", "Ø")
    assert split_party("Peter Nielsen") == ("Peter Nielsen", "")
    assert name_key("PETER\u00a0nielsen (A)") == name_key("Peter Nielsen") == "peter nielsen"
    assert name_key("Jensen") != name_key("Jenssen")
    assert clean_party("(sf)") == "F" and clean_party("S") == "S" and clean_party(None) == ""


def day(text):
    return datetime.date.fromisoformat(text)


def m(meeting, date, committee, party=""):
    return Mention(meeting, day(date), committee, party)


def people(mentions):
    """The clusters as sorted lists of meeting ids, whatever order the mentions came in."""
    results = set()
    for order in itertools.permutations(mentions):
        clusters = cluster(set(order))
        results.add(tuple(tuple(sorted(x.meeting for x in c.mentions)) for c in clusters))
    assert len(results) == 1  # the same people in any order
    return results.pop()


def test_two_parties_at_the_same_time_are_two_people():
    mentions = [m(1, "2022-01-10", 1, "A"), m(2, "2022-02-10", 2, "C"), m(3, "2022-03-10", 1, "A")]
    assert people(mentions) == ((1, 3), (2,))


def test_a_party_change_the_data_shows_is_one_person():
    # A until March, C from May, on the same committee: one member who changed party.
    mentions = [m(1, "2022-01-10", 1, "A"), m(2, "2022-03-10", 1, "A"), m(3, "2022-05-10", 1, "C")]
    assert people(mentions) == ((1, 2, 3),)


def test_a_later_spell_elsewhere_or_years_later_is_another_person():
    other_committee = [m(1, "2022-01-10", 1, "A"), m(2, "2022-05-10", 2, "C")]
    assert people(other_committee) == ((1,), (2,))
    years_later = [m(1, "2014-01-10", 1, "A"), m(2, "2022-05-10", 1, "C")]
    assert people(years_later) == ((1,), (2,))


def test_mentions_without_a_party_join_the_person_they_can_only_be():
    alone = [m(1, "2022-01-10", 1), m(2, "2022-02-10", 2, "A")]
    assert people(alone) == ((1, 2),)
    # Two people of the name: the committee decides, else the time span, else nobody.
    a = [m(1, "2022-01-10", 1, "A"), m(2, "2022-06-10", 1, "A")]
    c = [m(3, "2022-01-10", 2, "C"), m(5, "2022-09-10", 2, "C")]
    assert people([*a, *c, m(4, "2022-03-10", 1)]) == ((1, 2, 4), (3, 5))
    assert people([*a, *c, m(4, "2022-08-10", 3)]) == ((1, 2), (3, 4, 5))
    assert people([*a, *c, m(4, "2022-03-10", 3)]) == ((1, 2), (3, 5), (4,))


# --- Attendance agrees with the sources -----------------------------------------------------


def expected_from_greve_json():
    """{name: (attended, missed, committees)} as the Greve exports themselves say."""
    counts = {}
    for path in GREVE_FILES:
        document = greve_json(path)
        present, away = greve_lists(document)
        for name in present + away:
            attended, missed, committees = counts.get(name, (0, 0, set()))
            committees = committees | {document["Udvalg"]["Navn"]}
            counts[name] = (attended + (name in present), missed + (name in away), committees)
    return counts


@pytest.fixture
def greve():
    return [store_greve(path) for path in GREVE_FILES]


def test_greve_attendance_agrees_with_the_first_agenda_json(client, greve):
    expected = expected_from_greve_json()
    assert len(expected) == 12
    assert Person.objects.filter(municipality__slug="greve").count() == 12
    for name, (attended, missed, committees) in expected.items():
        person = Person.objects.get(name=name)
        summary = client.get(person.get_absolute_url()).context["summary"]
        assert (summary.attended, summary.missed) == (attended, missed), name
        assert {c["committee"].name for c in summary.committees} == committees
    # What the three files say, pinned: one member on both committees, one away twice
    # (Absent), two who sent "Afbud" (ParticipationCancelled).
    assert expected["Claus Dyremose"][:2] == (3, 0)
    assert expected["Simon Østergaard"][:2] == (0, 1)
    assert expected["Conni Bergendorff"][:2] == expected["Kenneth Jerkel"][:2] == (0, 1)


def test_greve_person_page_counts_meetings_per_year(client, greve, django_assert_num_queries):
    person = Person.objects.get(name="Hans-Jørgen Kirstein")
    with django_assert_num_queries(4):  # the content version, person, meetings, items
        response = client.get(person.get_absolute_url())
    html = response.content.decode()
    assert person.slug == "hans-joergen-kirstein-greve"
    assert response.context["summary"].years == [
        {"year": 2025, "attended": 1, "missed": 0, "invited": 0},
        {"year": 2023, "attended": 1, "missed": 0, "invited": 0},
        {"year": 2022, "attended": 1, "missed": 0, "invited": 0},
    ]
    assert "Deltog i 3 møder, fraværende fra 0." in html
    assert '<th scope="row">2023</th><td class="number">1</td>' in html
    assert "14. februar 2022" in html and "25. marts 2025" in html
    assert f'href="/personer/{person.slug}/kalender.ics"' in html
    assert "Abonnér på kalender" in html


def test_the_seeds_lists_become_people(client, all_samples):
    golden = {}
    for path in sorted((FIXTURES / "golden").glob("*.json")):
        data = json.loads(path.read_text())
        golden[data["date"]] = (data["participants"], data["absent"])
    for meeting in Meeting.objects.all():
        participants, absent = golden[meeting.date.isoformat()]
        rows = list(meeting.attendances.order_by("position"))
        listed = [{"name": row.name, "party": row.party} for row in rows]
        assert listed == participants + absent
        assert [row.status for row in rows] == ["present"] * len(participants) + ["absent"] * len(
            absent
        )
    # Only the Herlev seed lists its members (all there); the Herning seeds list nobody.
    assert sorted(Person.objects.values_list("slug", flat=True)) == [
        "arly-eskildsen-herlev",
        "bill-bjoerklund-herlev",
        "conni-rosendahl-jensen-herlev",
        "gitte-sitting-vestergaard-herlev",
        "jeannet-lauenborg-herlev",
        "peter-nielsen-herlev",
        "stefan-rundstroem-herlev",
    ]
    summary = client.get("/personer/stefan-rundstroem-herlev/").context["summary"]
    assert (summary.attended, summary.missed, summary.parties[0]["party"]) == (1, 0, "Ø")


def test_meeting_page_links_its_people(client, all_samples, django_assert_num_queries):
    meeting = Meeting.objects.get(date="2026-03-25")
    with django_assert_num_queries(4):  # the content version, the meeting, items, people
        html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<li><a href="/personer/arly-eskildsen-herlev/">Arly Eskildsen (F)</a></li>' in html
    assert html.count('href="/personer/') == 7


def test_committee_page_lists_its_people(client, greve, django_assert_num_queries):
    url = Meeting.objects.get(date="2023-09-14").committee.get_absolute_url()
    with django_assert_num_queries(4):  # the content version, committee, meetings, people
        response = client.get(url)
    rows = [(p["name"], p["attended"], p["missed"]) for p in response.context["people"]]
    assert rows[:2] == [("Claus Dyremose", 2, 0), ("Hans-Jørgen Kirstein", 2, 0)]
    assert ("Simon Østergaard", 0, 1) in rows and len(rows) == 7
    html = response.content.decode()
    assert '<a href="/personer/simon-oestergaard-greve/">Simon Østergaard</a>' in html


# --- Matching through the store -------------------------------------------------------------


def test_same_name_in_two_parties_at_once_stays_two_people(client):
    store_meeting("Økonomiudvalget", "2024-01-10", [("Peter Nielsen", "A")])
    store_meeting("Teknikudvalget", "2024-01-11", [("Peter Nielsen", "V")])
    store_meeting("Økonomiudvalget", "2024-02-10", [("Peter Nielsen", "A")])
    store_meeting("Teknikudvalget", "2024-02-11", [("Peter Nielsen", "V")])
    # And another Peter Nielsen in another municipality: never merged across.
    store_meeting("Økonomiudvalget", "2024-01-10", [("Peter Nielsen", "A")], municipality="Ny By")
    found = Person.objects.order_by("slug").values_list("slug", "party")
    assert list(found) == [
        ("peter-nielsen-ny-by", "A"),
        ("peter-nielsen-testrup", "A"),
        ("peter-nielsen-v-testrup", "V"),
    ]
    assert Person.objects.get(slug="peter-nielsen-testrup").attendances.count() == 2


def test_a_party_change_shows_on_one_page(client):
    store_meeting("Økonomiudvalget", "2023-03-01", [("Anna Berg", "A")])
    store_meeting("Økonomiudvalget", "2023-06-01", [("Anna Berg", "B")])
    person = Person.objects.get()
    assert (person.slug, person.party) == ("anna-berg-testrup", "B")
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Parti i referaterne: A (1. marts 2023 – 1. marts 2023), B (1. juni 2023" in html


def test_later_evidence_merges_two_people_and_the_old_page_redirects(client):
    store_meeting("Økonomiudvalget", "2023-01-10", [("Anna Berg", "A")])
    store_meeting("Teknikudvalget", "2023-03-10", [("Anna Berg", "C")])
    assert Person.objects.count() == 2  # no committee in common: not shown to be one
    first, second = Person.objects.order_by("pk")
    # She turns up in Økonomiudvalget as (C): one member who changed party.
    store_meeting("Økonomiudvalget", "2023-05-10", [("Anna Berg", "C")])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.merged_into is None and first.attendances.count() == 3
    assert second.merged_into == first
    response = client.get(second.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == first.get_absolute_url()


def test_a_corrected_meeting_replaces_its_attendance(client):
    store_meeting("Økonomiudvalget", "2024-01-10", ["Ole Hansen"])
    store_meeting("Økonomiudvalget", "2024-02-10", ["Ole Hansen", "Ida Holm", "Typo Navn"])
    ida = Person.objects.get(name="Ida Holm")
    store_meeting(
        "Økonomiudvalget",
        "2024-02-10",
        ["Ole Hansen"],
        absent=["Ida Holm"],
        replace=True,
        version="rettet",
    )
    assert not Person.objects.filter(name="Typo Navn").exists()  # no meetings left
    ida.refresh_from_db()  # the same person (slug and all), now away
    assert list(ida.attendances.values_list("status", flat=True)) == ["absent"]
    ole = Person.objects.get(name="Ole Hansen")
    assert ole.attendances.count() == 2


def test_listed_twice_as_there_and_away_counts_as_away():
    # "Medlemmer: …" followed by "Afbud: …" names the absentee on both lists.
    store_meeting("Økonomiudvalget", "2024-01-10", ["Ole Hansen", "Ida Holm"], absent=["Ida Holm"])
    assert dict(Attendance.objects.values_list("person__name", "status")) == {
        "Ole Hansen": "present",
        "Ida Holm": "absent",
    }


def test_agenda_members_are_invited_until_the_minutes_say(client):
    store_meeting("Økonomiudvalget", "2024-01-10", ["Ole Hansen"], kind="dagsorden")
    person = Person.objects.get()
    summary = client.get(person.get_absolute_url()).context["summary"]
    assert (summary.attended, summary.missed, summary.invited) == (0, 0, 1)
    store_meeting("Økonomiudvalget", "2024-01-10", ["Ole Hansen"])  # the minutes replace it
    person.refresh_from_db()
    assert list(person.attendances.values_list("status", flat=True)) == ["present"]


def test_link_people_is_idempotent_and_agrees_with_the_store(greve):
    def state():
        return sorted(
            Attendance.objects.values_list(
                "meeting_id", "person__slug", "status", "position", "name", "party"
            )
        )

    stored, ids = state(), sorted(Attendance.objects.values_list("pk", flat=True))
    call_command("link_people", verbosity=0)
    assert state() == stored
    assert sorted(Attendance.objects.values_list("pk", flat=True)) == ids  # nothing rewritten
    Person.objects.all().delete()
    call_command("link_people", "--missing", verbosity=0)
    assert state() == stored


def test_unpublished_meetings_are_not_counted(client, greve):
    Meeting.objects.filter(date="2025-03-25").update(published=False)
    person = Person.objects.get(name="Kenneth Jerkel")  # on that meeting only
    assert client.get(person.get_absolute_url()).status_code == 404
    dyremose = Person.objects.get(name="Claus Dyremose")
    assert client.get(dyremose.get_absolute_url()).context["summary"].attended == 2


def test_names_from_documents_are_escaped(client):
    store_meeting("Økonomiudvalget", "2024-01-10", ["Ole <script>alert(1)</script> Hansen"])
    person = Person.objects.get()
    html = client.get(person.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "Ole &lt;script&gt;alert(1)&lt;/script&gt; Hansen" in html


# --- Items that name a person ---------------------------------------------------------------


def test_items_naming_a_person_are_listed_with_the_name_marked(client, greve):
    person = Person.objects.get(name="Bjarke Abel")
    response = client.get(person.get_absolute_url())
    assert [(i.meeting_date.isoformat(), i.number) for i, _ in response.context["mentions"]] == [
        ("2022-02-14", 7)
    ]
    html = response.content.decode()
    assert "For administrationens indstilling stemte: <mark>Bjarke Abel</mark> (A)" in html
    simon = Person.objects.get(name="Simon Østergaard")
    numbers = [item.number for item, _ in client.get(simon.get_absolute_url()).context["mentions"]]
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 14, 15]  # "Ikke til stede: …"


def test_only_the_name_as_printed_counts(client):
    store_meeting(
        "Økonomiudvalget",
        "2024-01-10",
        ["Per Lund", "Jørgen Kirstein"],
        items=[
            ("Forslag fra Per Lund (A) om cykelstier", "Godkendt."),
            ("Cykelstier", "Per Lunde stemte imod."),  # stems like "Lund"
            ("Veje", "Forslaget fra Hans-Jørgen Kirstein (D) blev godkendt."),
            ("Skoler", "Udvalget godkendte per lund at ..."),  # not capitalised: not a name
            ("Parker", "Per Lunds forslag blev vedtaget."),  # genitive
        ],
    )
    for name, titles in [
        ("Per Lund", ["Forslag fra Per Lund (A) om cykelstier", "Parker"]),
        ("Jørgen Kirstein", []),
    ]:
        person = Person.objects.get(name=name)
        mentions = client.get(person.get_absolute_url()).context["mentions"]
        assert [item.title for item, _ in mentions] == titles


def test_person_feed_lists_the_items_naming_them(client, greve):
    person = Person.objects.get(name="Simon Østergaard")
    response = client.get(f"/personer/{person.slug}/feed")
    feed = feedparser.parse(response.content)
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.feed.title == "Nævnt i referaterne: Simon Østergaard, Greve Kommune"
    assert len(feed.entries) == 13
    assert feed.entries[0].title == "Punkt 1: Godkendelse af dagsorden"


# --- API ------------------------------------------------------------------------------------


def test_people_api(client, greve, django_assert_num_queries):
    # the content version, the chosen municipality, the count, the page
    with django_assert_num_queries(4):
        data = client.get("/api/v1/people?municipality=greve&q=claus").json()
    assert [(p["name"], p["meetings_attended"]) for p in data["results"]] == [
        ("Claus Dyremose", 3),
        ("Claus Jensen", 1),
    ]
    committee = Meeting.objects.get(date="2025-03-25").committee_id
    data = client.get(f"/api/v1/people?committee={committee}").json()
    assert data["count"] == 7
    slug = Person.objects.get(name="Claus Dyremose").slug
    with django_assert_num_queries(4):  # the content version, person, meetings, items
        detail = client.get(f"/api/v1/people/{slug}").json()
    assert detail["years"][0] == {"year": 2025, "attended": 1, "missed": 0, "invited": 0}
    assert [c["name"] for c in detail["committees"]] == ["Plan- og Tryghedsudvalget", KTM]
    assert [m["date"] for m in detail["meetings"]] == ["2025-03-25", "2023-09-14", "2022-02-14"]
    assert [i["number"] for i in detail["mentioned_in"]] == [7]
    assert detail["calendar"] == f"http://testserver/personer/{slug}/kalender.ics"
    assert client.get("/api/v1/people/nobody").status_code == 404
    assert client.get("/api/v1/people?committee=abc").status_code == 400
