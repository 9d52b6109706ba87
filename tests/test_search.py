"""Search on the seeds: Danish stemming, phrases, negation, compounds, typos, identifiers,
scopes, filters, facets and safe highlights, through the search service and the views."""

import re

import pytest

from archive.models import AgendaItem
from archive.search.engine import run_search
from archive.search.query import Query
from archive.search.snippets import highlight
from tests import factories

pytestmark = pytest.mark.django_db


def hits(seed_archive=None, **params):
    results = run_search(AgendaItem.objects.public(), params)
    return [(item.meeting_date.year, item.number or item.title[:20]) for item in results.items]


def test_danish_stemming_finds_inflected_forms(seed_archive):
    # "hjemløshed", "hjemløse" and "hjemløs" share one stem.
    expected = [(2026, 26), (2025, 50), (2026, 25), (2025, 49), (2022, 42)]
    assert hits(q="hjemløse") == expected
    assert hits(q="hjemløshed") == expected


def test_phrase(all_samples):
    assert hits(q='"social effektinvestering"') == [(2026, 26)]
    assert hits(q='"effektinvestering social"') == []


def test_negation(seed_archive):
    assert hits(q="varmestue") == [(2025, 51), (2026, 25), (2025, 50)]
    assert hits(q="varmestue -herberg") == [(2025, 50)]


def test_compound_words_are_found_by_their_parts(seed_archive):
    only_compound = AgendaItem.objects.get(number=21, meeting_date__year=2026)
    assert "beskæftigelsesreformen" in only_compound.title.lower()
    assert not re.search(r"\breform", only_compound.title + only_compound.summary, re.I)
    results = hits(q="reform")
    assert (2026, 21) in results
    assert hits(q="udslusning") == [(2026, 25), (2025, 50)]  # exact word first, then compound
    assert hits(q="helhedsplan") == [(2025, 54), (2022, 48)]
    assert (2025, 53) in hits(q="kontanthjælp")  # only says "kontanthjælpsmodtagere"


def test_exact_words_rank_above_compound_parts(seed_archive):
    results = run_search(AgendaItem.objects.public(), {"q": "udslusning"})
    assert [item.exact for item in results.items] == [True, False]


def test_typo_gets_a_suggestion(seed_archive):
    results = run_search(AgendaItem.objects.public(), {"q": "hjemlse"})
    assert (results.count, results.suggestion) == (0, "hjemløse")
    typo = run_search(AgendaItem.objects.public(), {"q": "beskæftigelsesrefomen"})
    assert typo.suggestion == "beskæftigelsesreformen"


def test_identifier_queries_use_case_numbers(seed_archive):
    assert hits(q="00.01.00A00-29-25") == [(2026, 25), (2026, 26)]
    assert hits(q="00.00.00-P19-1719-10") == [
        (2026, 27),
        (2022, 46),
        (2018, "Nøgletal på beskæfti"),
    ]
    prefix = run_search(AgendaItem.objects.public(), {"q": "15.00.00"})
    assert prefix.count == 16
    assert {item.kle_subject for item in prefix.items} == {"15.00.00"}


def test_scopes(seed_archive):
    assert hits(q="reform", scope="titles") == [(2026, 21), (2026, 22), (2026, 28)]
    assert hits(q="reform", scope="decisions") == []
    assert hits(q="udskyde", scope="decisions") == [(2026, 31), (2026, 32)]


def test_stop_words_only_get_a_friendly_message(seed_archive):
    results = run_search(AgendaItem.objects.public(), {"q": "og i at"})
    assert results.items == [] and "almindelige ord" in results.message


def test_sort_by_date(seed_archive):
    assert hits(q="hjemløse", sort="date") == [
        (2026, 26),
        (2026, 25),
        (2025, 49),
        (2025, 50),
        (2022, 42),
    ]


def test_highlights_are_built_from_escaped_text(seed_archive):
    results = run_search(AgendaItem.objects.public(), {"q": '"social effektinvestering"'})
    snippet = str(results.items[0].text_snippet)
    # PostgreSQL 15 and 18 choose different fragments; the highlighted phrase is the same.
    assert (
        "muligheden for en <mark>social</mark> <mark>effektinvestering</mark> på hjemløseområdet"
        in snippet
    )
    assert snippet.count("<mark>") == snippet.count("</mark>") >= 2
    assert highlight("a <b> \ue000hit\ue001 & c") == "a &lt;b&gt; <mark>hit</mark> &amp; c"


def test_hostile_markup_is_shown_escaped(client):
    item = factories.item(
        factories.meeting(),
        number=1,
        title="Angreb <img src=x onerror=alert(1)> på arkivet",
        case_text='Teksten nævner <script>alert("x")</script> og <img src=x onerror=alert(1)> '
        "skadefro.",
        decision="Godkendt <img src=x onerror=alert(1)> skadefro.",
    )
    for url in ("/soeg/?q=skadefro", "/soeg/?q=angreb", item.get_absolute_url(), "/moeder/"):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html and "<script>alert" not in html, url
    results = client.get("/soeg/?q=skadefro").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in results
    assert "<mark>skadefro</mark>" in results


def test_filters_and_facets(seed_archive):
    results = run_search(
        AgendaItem.objects.public().filter(municipality__slug="herlev"), {"q": "reform"}
    )
    assert results.count == 4
    assert [(f.label, f.count) for f in results.facets["outcome"]] == [
        ("godkendt", 2),
        ("taget til efterretning", 1),
        ("udsat", 1),
    ]


def test_search_view_filters_by_facet_and_keeps_the_query(client, seed_archive):
    html = client.get("/soeg/?q=reform").content.decode()
    assert "12 punkter fundet" in html
    assert 'href="?q=reform&amp;municipality=herlev"' in html
    filtered = client.get("/soeg/?q=reform&municipality=herlev").content.decode()
    assert "4 punkter fundet" in filtered


@pytest.mark.parametrize(
    "query",
    [
        "q=%00%00",
        "q=" + "x" * 10_000,
        'q="unbalanced',
        "q=a%20or%20or%20-",
        "q=!!!&scope=all",
        "q=x&scope=nonsense",
        "q=x&municipality=atlantis",
        "q=x&page=999999",
        "q=x&date_from=2026-13-45",
        "q=x&year=abc",
        "q=x&committee=999999",
        "q=%E2%80%8B%C2%A0",
    ],
)
def test_bad_input_never_gives_500(client, seed_archive, query):
    assert client.get("/soeg/?" + query).status_code in (200, 400)
    assert client.get("/api/search?" + query).status_code in (200, 400)


def test_api_search_shape(client, seed_archive):
    data = client.get("/api/search?q=udslusning&page_size=1").json()
    assert (data["count"], data["count_is_exact"], data["suggestion"]) == (2, True, None)
    assert data["results"] == [
        {
            "url": data["results"][0]["url"],
            "municipality": "Herlev Kommune",
            "committee": "Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget",
            "date": "2026-03-25",
            "position": 1,
            "number": 25,
            "title": (
                "Indsatser til håndtering af udgiftsudvikling i Myndighed Handicap & Psykiatri"
            ),
            "case_number": "00.01.00A00-29-25",
            "outcome": "noted",
            "snippet": data["results"][0]["snippet"],
            "snippet_html": data["results"][0]["snippet_html"],
        }
    ]
    assert "«udslusning»" in data["results"][0]["snippet"]
    assert set(data["facets"]) == {"kind", "municipality", "committee", "year", "outcome"}


def test_api_rejects_malformed_filter_values_with_json(client, seed_archive):
    response = client.get("/api/search?q=x&committee=herning&page_size=500")
    assert response.status_code == 400
    body = response.json()
    assert set(body["fields"]) == {"committee", "page_size"}


def test_search_view_query_count(client, seed_archive, django_assert_num_queries):
    # content version, parse query, stems (with the stem's items), compound lookup (2:
    # the words containing it, their parts), facet sample, the matching rows, facet
    # labels (municipalities and committees in one), page, headlines, and one vocabulary
    # lookup for a suggestion because fewer than three items matched.
    with django_assert_num_queries(12):
        assert client.get("/soeg/?q=udslusning").status_code == 200


def test_api_query_count_for_identifiers(client, seed_archive, django_assert_num_queries):
    # A KLE prefix: content version, table size, facet sample, the matching rows, facet
    # labels (one statement), page, snippets. A whole journal number has no sample.
    with django_assert_num_queries(7):
        assert client.get("/api/search?q=15.00.00").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/api/search?q=15.00.00-A00-12-21").status_code == 200


@pytest.mark.django_db
def test_the_items_of_a_withdrawn_meeting_are_not_public_and_no_meeting_is_joined():
    shown = factories.item(factories.meeting(date="2026-02-01"), title="Vejbelysning i byen")
    withdrawn = factories.meeting(date="2026-03-01", published=False)
    hidden = factories.item(withdrawn, title="Vejbelysning på landet")
    public = AgendaItem.objects.public()
    assert set(public.values_list("id", flat=True)) == {shown.pk}
    assert [i.pk for i in run_search(public, {"q": "vejbelysning"}).items] == [shown.pk]
    # "Not in a withdrawn meeting" (a partial index of the few) rather than a join of every
    # meeting to read its flag: that join was 9 ms of each statement at a million items.
    sql = str(public.matching(Query.prepare("vejbelysning")).order_by().query)
    assert 'JOIN "archive_meeting"' not in sql
    withdrawn.published = True
    withdrawn.save()
    assert set(public.values_list("id", flat=True)) == {shown.pk, hidden.pk}
