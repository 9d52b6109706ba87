"""CSV and JSON exports of search results and meeting lists: read back with the csv module,
the same rows in the same order as the pages they export, streamed and capped."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest

from archive import limits
from archive.exports import ITEM_COLUMNS, MEETING_COLUMNS
from archive.models import AgendaItem

pytestmark = pytest.mark.django_db


def body(response):
    assert response.streaming  # written row by row, never built whole in memory
    return b"".join(response.streaming_content)


def read_csv(response, delimiter=";"):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text  # Excel's line ends
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def html_pages(client, query):
    """Every page of the search page for this query, as item ids, in order."""
    ids, page = [], 1
    while True:
        results = client.get(f"/soeg/?{query}&page={page}").context["results"]
        ids += [f"{item.meeting_id}-{item.position}" for item in results.items]
        if page >= results.pages:
            return ids, results.count
        page += 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "indsats"},  # relevance, two pages
        {"q": "indsats", "sort": "date", "municipality": "herning"},
        {"municipality": "herning", "outcome": "noted"},  # no text: newest first
        {"q": "15.00.00"},  # a journal-number prefix
        {"q": "beskæftigelse", "scope": "titles", "date_from": "2020-01-01"},
    ],
)
def test_search_export_is_every_page_of_the_search(client, seed_archive, params):
    query = urlencode(params)
    ids, count = html_pages(client, query)
    assert count == len(ids) > 0
    rows = read_csv(client.get(f"/soeg/eksport.csv?{query}"))
    assert [row["id"] for row in rows] == ids
    data = json.loads(body(client.get(f"/soeg/eksport.json?{query}")))
    assert [row["id"] for row in data["results"]] == ids
    assert (data["count"], data["truncated"]) == (count, False)
    assert data["parameters"] == params


def test_csv_columns_and_danish_text(client, all_samples):
    response = client.get("/soeg/eksport.csv?q=udslusning")
    assert response["Content-Disposition"].startswith('attachment; filename="referatarkiv-')
    assert response["X-Total-Count"] == "2" and response["X-Export-Truncated"] == "false"
    rows = read_csv(response)
    assert list(rows[0]) == ITEM_COLUMNS
    item = AgendaItem.objects.get(meeting_id=int(rows[0]["meeting_id"]), position=1)
    assert rows[0] == {
        "id": f"{item.meeting_id}-1",
        "web": f"http://testserver{item.get_absolute_url()}",
        "municipality": "Herlev Kommune",
        "committee": "Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget",
        "date": "2026-03-25",
        "number": "25",
        "position": "1",
        "title": item.title,
        "case_number": "00.01.00A00-29-25",
        "outcome": "noted",
        "outcome_label": "taget til efterretning",
        "decision": item.decision,
        "meeting_id": str(item.meeting_id),
    }
    assert "håndtering" in rows[0]["title"]


def test_delimiters(client, seed_archive):
    semicolon = read_csv(client.get("/soeg/eksport.csv?q=reform"))
    comma = read_csv(client.get("/soeg/eksport.csv?q=reform&delimiter=comma"), delimiter=",")
    tab = read_csv(client.get("/soeg/eksport.csv?q=reform&delimiter=tab"), delimiter="\t")
    assert semicolon == comma == tab and len(semicolon) == 12


def test_formulas_are_defused_in_csv_but_not_in_json(client, seed_archive):
    item = AgendaItem.objects.get(number=50, meeting_date__year=2025)
    item.title = '=HYPERLINK("http://evil.example","udslusning")'
    item.decision = "-2+3 og @SUM(A1)"
    item.save()
    row = next(
        r for r in read_csv(client.get("/soeg/eksport.csv?q=udslusning")) if "evil" in r["title"]
    )
    assert row["title"] == "'" + item.title and row["decision"] == "'" + item.decision
    data = json.loads(body(client.get("/soeg/eksport.json?q=udslusning")))
    assert item.title in [r["title"] for r in data["results"]]


def test_export_is_capped(client, seed_archive, monkeypatch):
    monkeypatch.setattr(limits, "EXPORT_LIMIT", 5)
    response = client.get("/soeg/eksport.csv?municipality=herning")
    assert (response["X-Total-Count"], response["X-Export-Truncated"]) == ("5", "true")
    rows = read_csv(response)
    ids, _ = html_pages(client, "municipality=herning")
    assert [row["id"] for row in rows] == ids[:5]
    data = json.loads(body(client.get("/moeder/eksport.json")))
    assert (len(data["results"]), data["count"], data["truncated"], data["limit"]) == (
        5,
        5,
        False,
        5,
    )


def test_meeting_export_is_the_meeting_list(client, seed_archive):
    html = [m.pk for m in client.get("/moeder/?municipality=herning").context["page"]]
    rows = read_csv(client.get("/moeder/eksport.csv?municipality=herning"))
    assert [int(row["id"]) for row in rows] == html
    assert list(rows[0]) == MEETING_COLUMNS
    assert rows[0]["date"] == "2026-03-26" and rows[0]["start_time"] == "13:00"
    assert rows[0]["item_count"] == "10" and len(rows[0]["source_sha256"]) == 64
    api = client.get("/api/v1/meetings?municipality=herning").json()["results"]
    data = json.loads(body(client.get("/moeder/eksport.json?municipality=herning")))
    assert data["results"] == api  # the same objects as the API gives
    year = read_csv(client.get("/moeder/eksport.csv?year=2022"))
    assert [row["date"] for row in year] == ["2022-05-24"]


def test_bad_parameters_give_json_400(client, seed_archive):
    for url, field in {
        "/soeg/eksport.csv?page_size=500": "page_size",
        "/soeg/eksport.csv?delimiter=%3B": "delimiter",
        "/soeg/eksport.json?committee=herning": "committee",
        "/moeder/eksport.csv?date_from=2026-02-30": "date_from",
        "/moeder/eksport.json?committee=x": "committee",
    }.items():
        response = client.get(url)
        assert response.status_code == 400, url
        assert field in response.json()["fields"], url


def test_pages_link_to_exports(client, seed_archive):
    html = client.get("/soeg/?q=reform&municipality=herning&page=1").content.decode()
    assert 'href="/soeg/eksport.csv?q=reform&amp;municipality=herning"' in html
    assert 'href="/soeg/eksport.json?q=reform&amp;municipality=herning"' in html
    assert (
        'href="/moeder/eksport.csv?municipality=herning"'
        in client.get("/kommune/herning/").content.decode()
    )
