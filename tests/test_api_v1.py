"""The /api/v1/ API: every endpoint's real responses checked against the OpenAPI document,
paging and filters that agree with the HTML pages, harvesting by `modified`, stable ids,
and bad parameters that give a JSON 400."""

import datetime
import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from archive.models import AgendaItem, Meeting, SourceDocument
from ingest.store import reparse

pytestmark = pytest.mark.django_db

CASE = "00.00.00-P19-1719-10"
PERSON = "peter-nielsen-herlev"


@pytest.fixture
def openapi(client, seed_archive):
    return client.get("/api/v1/openapi.json").json()


def schema_for(document, path, status, content_type="application/json"):
    response = document["paths"][path]["get"]["responses"][str(status)]
    return response["content"][content_type].get("schema")


def check(document, path, response, status=200):
    """The response has the documented status and content type, and a JSON body that
    validates against the documented schema (formats checked too)."""
    assert response.status_code == status, (path, response.status_code)
    documented = document["paths"][path]["get"]["responses"][str(status)]["content"]
    content_type = response["Content-Type"].split(";")[0]
    assert content_type in documented, (path, content_type)
    schema = documented[content_type].get("schema")
    if content_type != "application/json":
        return
    body = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(body)
    if schema is None:
        return data
    validator = Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, f"{path}: {errors[0].message} at {list(errors[0].path)}"
    return data


def concrete_calls():
    """(documented path, URL, status) for every endpoint, with good and bad parameters."""
    meeting = Meeting.objects.get(date="2026-03-25")
    item = meeting.items.get(position=2)
    committee = meeting.committee
    slug, cslug = committee.municipality.slug, committee.slug
    return [
        ("/api/v1/", "/api/v1/", 200),
        ("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
        ("/api/v1/municipalities", "/api/v1/municipalities", 200),
        ("/api/v1/municipalities", "/api/v1/municipalities?page=0", 400),
        ("/api/v1/municipalities/{slug}", f"/api/v1/municipalities/{slug}", 200),
        ("/api/v1/municipalities/{slug}", "/api/v1/municipalities/atlantis", 404),
        ("/api/v1/committees", "/api/v1/committees?municipality=herning", 200),
        ("/api/v1/committees", "/api/v1/committees?page_size=101", 400),
        ("/api/v1/committees/{id}", f"/api/v1/committees/{committee.pk}", 200),
        ("/api/v1/committees/{id}", "/api/v1/committees/999999", 404),
        ("/api/v1/meetings", "/api/v1/meetings?date_from=2020-01-01&page_size=2", 200),
        ("/api/v1/meetings", "/api/v1/meetings?date_to=2026-02-30", 400),
        ("/api/v1/meetings/{id}", f"/api/v1/meetings/{meeting.pk}", 200),
        ("/api/v1/meetings/{id}", "/api/v1/meetings/99999999999999999999999", 404),
        ("/api/v1/items", "/api/v1/items?kle=15.00&page_size=3", 200),
        ("/api/v1/items", "/api/v1/items?outcome=maybe", 400),
        (
            "/api/v1/meetings/{meeting_id}/items/{position}",
            f"/api/v1/meetings/{meeting.pk}/items/{item.position}",
            200,
        ),
        (
            "/api/v1/meetings/{meeting_id}/items/{position}",
            f"/api/v1/meetings/{meeting.pk}/items/999",
            404,
        ),
        ("/api/v1/cases/{case_number}", f"/api/v1/cases/{CASE}", 200),
        ("/api/v1/cases/{case_number}", "/api/v1/cases/99/99999", 404),
        ("/api/v1/search", "/api/v1/search?q=hjemløse", 200),
        ("/api/v1/search", "/api/v1/search?q=og+i+at", 200),
        ("/api/v1/search", "/api/v1/search?q=x&page_size=500", 400),
        ("/api/search", "/api/search?q=udslusning", 200),
        ("/api/search", "/api/search?q=x&scope=nonsense", 400),
        ("/soeg/feed", "/soeg/feed?q=hjemløse", 200),
        ("/soeg/feed", "/soeg/feed?q=x&year=abc", 400),
        ("/kommune/{slug}/feed", f"/kommune/{slug}/feed", 200),
        ("/kommune/{slug}/feed", "/kommune/atlantis/feed", 404),
        ("/kommune/{municipality}/{committee}/feed", f"/kommune/{slug}/{cslug}/feed", 200),
        ("/kommune/{municipality}/{committee}/feed", f"/kommune/{slug}/atlantis/feed", 404),
        ("/sag/{case_number}/feed", f"/sag/{CASE}/feed", 200),
        ("/sag/{case_number}/feed", "/sag/99/99999/feed", 404),
        ("/soeg/eksport.csv", "/soeg/eksport.csv?q=reform", 200),
        ("/soeg/eksport.csv", "/soeg/eksport.csv?q=reform&delimiter=pipe", 400),
        ("/soeg/eksport.json", "/soeg/eksport.json?q=reform", 200),
        ("/soeg/eksport.json", "/soeg/eksport.json?closed=maybe", 400),
        ("/moeder/eksport.csv", "/moeder/eksport.csv?municipality=herning", 200),
        ("/moeder/eksport.csv", "/moeder/eksport.csv?committee=abc", 400),
        ("/moeder/eksport.json", "/moeder/eksport.json?year=2026", 200),
        ("/moeder/eksport.json", "/moeder/eksport.json?modified_since=yesterday", 400),
        # People and calendars (archive/people.py, archive/calendars.py).
        ("/api/v1/people", "/api/v1/people?municipality=herlev&party=A", 200),
        ("/api/v1/people", "/api/v1/people?committee=abc", 400),
        ("/api/v1/people/{slug}", f"/api/v1/people/{PERSON}", 200),
        ("/api/v1/people/{slug}", "/api/v1/people/nobody", 404),
        ("/personer/{slug}/feed", f"/personer/{PERSON}/feed", 200),
        ("/personer/{slug}/feed", "/personer/nobody/feed", 404),
        ("/kommune/{slug}/kalender.ics", f"/kommune/{slug}/kalender.ics", 200),
        ("/kommune/{slug}/kalender.ics", "/kommune/atlantis/kalender.ics", 404),
        (
            "/kommune/{municipality}/{committee}/kalender.ics",
            f"/kommune/{slug}/{cslug}/kalender.ics",
            200,
        ),
        (
            "/kommune/{municipality}/{committee}/kalender.ics",
            f"/kommune/{slug}/atlantis/kalender.ics",
            404,
        ),
        ("/personer/{slug}/kalender.ics", f"/personer/{PERSON}/kalender.ics", 200),
        ("/personer/{slug}/kalender.ics", "/personer/nobody/kalender.ics", 404),
    ]


def test_openapi_document_is_valid_openapi_31(openapi):
    validate_spec(openapi)
    assert openapi["openapi"] == "3.1.0"
    assert openapi["servers"] == [{"url": "http://testserver"}]


def test_every_endpoint_answers_as_documented(client, openapi):
    calls = concrete_calls()
    documented = {
        (path, status)
        for path, item in openapi["paths"].items()
        for status in item["get"]["responses"]
    }
    exercised = {(path, str(status)) for path, _, status in calls}
    assert exercised == documented  # every documented endpoint and status is exercised
    for path, url, status in calls:
        check(openapi, path, client.get(url), status)


def test_schemas_are_strict(openapi):
    # A field the document does not list makes validation fail: check that it would.
    item = {"type": "Body", "id": "x", "name": "x", "url": "http://x", "web": "http://x"}
    validator = Draft202012Validator({"$ref": "#/components/schemas/BodyRef", **openapi})
    assert not validator.is_valid(item)  # "type" is not a BodyRef field
    del item["type"]
    assert validator.is_valid(item)


def test_bad_parameters_give_400_with_the_field_named(client, seed_archive):
    cases = {
        "/api/v1/meetings?modified_since=soon": "modified_since",
        "/api/v1/meetings?page=1001": "page",
        "/api/v1/meetings?page_size=0": "page_size",
        "/api/v1/meetings?committee=1.5": "committee",
        "/api/v1/meetings?year=2020.5": "year",
        "/api/v1/items?committee=abc": "committee",
        "/api/v1/items?case_number=" + "9" * 101: "case_number",
        "/api/v1/items?date_from=2026-13-45": "date_from",
        "/api/v1/search?q=x&sort=random": "sort",
        "/api/v1/committees?page=-1": "page",
    }
    for url, field in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        body = response.json()
        assert body["error"] == "Ugyldige parametre." and field in body["fields"], url


def test_hostile_input_never_gives_500(client, seed_archive):
    for url in [
        "/api/v1/items?kle=%00%00",
        "/api/v1/items?case_number=%00",
        "/api/v1/cases/%00",
        "/api/v1/cases/" + "x" * 5000,
        "/api/v1/search?q=%00",
        "/api/v1/meetings?committee=99999999999999999999999",
        "/api/v1/meetings/1/items/99999999",
        "/api/v1/municipalities/%E2%80%AE",
        "/api/v1/nothing/here",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        assert response["Content-Type"] == "application/json", url
    assert client.post("/api/v1/meetings").status_code == 405


def page_ids(client, url):
    return [row["id"] for row in client.get(url).json()["results"]]


def test_search_pages_agree_between_html_api_and_v1(client, seed_archive):
    """Page 2 of the search page, /api/search and /api/v1/search are the same items."""
    query = urlencode({"q": "indsats", "municipality": "herning"})
    html = client.get(f"/soeg/?{query}&page=2").context["results"]
    html_ids = [f"{i.meeting_id}-{i.position}" for i in html.items]
    assert html.count > 20 and len(html_ids) == min(20, html.count - 20)
    assert page_ids(client, f"/api/v1/search?{query}&page=2") == html_ids
    legacy = client.get(f"/api/search?{query}&page=2").json()["results"]
    v1 = client.get(f"/api/v1/search?{query}&page=2").json()
    assert [r["web"] for r in v1["results"]] == [r["url"] for r in legacy]
    assert (v1["count"], v1["pages"]) == (html.count, html.pages)


def test_items_list_pages_as_search_by_date(client, seed_archive):
    everything = []
    url = "/api/v1/items?municipality=herning&page_size=7"
    while url:
        data = client.get(url).json()
        everything += [row["id"] for row in data["results"]]
        url = data["next"]
    html = []
    for page in (1, 2):
        results = client.get(f"/soeg/?municipality=herning&sort=date&page={page}").context
        html += [f"{i.meeting_id}-{i.position}" for i in results["results"].items]
    assert everything == html
    assert len(everything) == AgendaItem.objects.filter(municipality__slug="herning").count()
    assert len(set(everything)) == len(everything)


def test_meeting_list_agrees_with_html_meeting_list(client, seed_archive):
    html = client.get("/moeder/?municipality=herning").context["page"]
    api = page_ids(client, "/api/v1/meetings?municipality=herning")
    assert api == [meeting.pk for meeting in html]
    first, second = (
        page_ids(client, f"/api/v1/meetings?municipality=herning&page_size=3&page={p}")
        for p in (1, 2)
    )
    assert first + second == api
    dated = client.get("/api/v1/meetings?date_from=2022-01-01&date_to=2025-12-31").json()
    assert [row["date"] for row in dated["results"]] == ["2025-09-16", "2022-05-24"]


def test_modified_since_returns_only_what_changed(client, seed_archive):
    old = timezone.now() - datetime.timedelta(days=30)
    Meeting.objects.exclude(date="2018-03-22").update(modified=old)
    since = (old + datetime.timedelta(days=1)).isoformat()
    meetings = client.get("/api/v1/meetings", {"modified_since": since}).json()
    assert [row["date"] for row in meetings["results"]] == ["2018-03-22"]
    items = client.get("/api/v1/items", {"modified_since": since}).json()
    assert items["count"] == 10 and {row["date"] for row in items["results"]} == {"2018-03-22"}
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/items", {"modified_since": future}).json()["count"] == 0
    stamp = meetings["results"][0]["modified"]
    again = client.get("/api/v1/meetings", {"modified_since": stamp}).json()
    assert again["count"] == 1  # a harvester's last seen stamp includes that meeting again


def test_case_number_filter_and_case_endpoint(client, seed_archive):
    printed = "00.00.00P19-1719-10"  # as one of the documents prints it
    items = client.get("/api/v1/items", {"case_number": printed}).json()["results"]
    case = client.get(f"/api/v1/cases/{CASE}").json()
    assert [row["date"] for row in case["items"]] == ["2018-03-22", "2022-05-24", "2026-03-26"]
    assert sorted(row["id"] for row in items) == sorted(row["id"] for row in case["items"])
    assert case["kle_subject"] == "00.00.00" and case["feed"].endswith(f"/sag/{CASE}/feed")


def test_objects_link_to_themselves_and_to_their_pages(client, seed_archive):
    herlev = Meeting.objects.get(date="2026-03-25").committee_id
    meeting = client.get(f"/api/v1/meetings?committee={herlev}").json()["results"][0]
    assert client.get(meeting["url"]).json()["id"] == meeting["id"]
    assert client.get(meeting["web"]).status_code == 200
    detail = client.get(meeting["url"]).json()
    assert len(detail["items"]) == meeting["item_count"] == 14
    item = detail["items"][0]
    assert client.get(item["url"]).json() == item
    assert client.get(item["web"]).status_code == 200
    assert client.get(item["committee"]["url"]).json()["name"] == item["committee"]["name"]
    assert client.get(item["municipality"]["url"]).json()["id"] == "herlev"
    original = client.get(detail["original"]["url"])
    assert hashlib.sha256(original.content).hexdigest() == detail["original"]["sha256"]


def test_item_ids_survive_reparsing(client, all_samples):
    meeting = Meeting.objects.get(date="2026-03-25")
    before = client.get(f"/api/v1/meetings/{meeting.pk}").json()["items"]
    row_ids = set(meeting.items.values_list("pk", flat=True))
    reparse(SourceDocument.objects.get(meeting=meeting))
    assert not row_ids & set(meeting.items.values_list("pk", flat=True))  # rows replaced
    after = client.get(f"/api/v1/meetings/{meeting.pk}").json()["items"]
    assert [(i["id"], i["url"], i["title"]) for i in after] == [
        (i["id"], i["url"], i["title"]) for i in before
    ]
    assert after[0]["modified"] > before[0]["modified"]


def test_unpublished_meetings_are_not_in_the_api(client, seed_archive):
    meeting = Meeting.objects.get(date="2026-03-25")
    meeting.published = False
    meeting.save()
    assert client.get(f"/api/v1/meetings/{meeting.pk}").status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting.pk}/items/1").status_code == 404
    assert client.get("/api/v1/meetings").json()["count"] == 4
    assert client.get("/api/v1/items?municipality=herlev").json()["count"] == 0
    committee = client.get(f"/api/v1/committees/{meeting.committee_id}").json()
    assert committee["meeting_count"] == 0


def test_query_counts(client, seed_archive, django_assert_num_queries):
    meeting = Meeting.objects.get(date="2026-03-25")
    # Each first reads the content version, the key of the page cache.
    with django_assert_num_queries(3):  # version, count, page
        assert client.get("/api/v1/items?page_size=100").status_code == 200
    with django_assert_num_queries(3):
        assert client.get("/api/v1/meetings").status_code == 200
    with django_assert_num_queries(3):  # version, meeting, its items
        assert client.get(f"/api/v1/meetings/{meeting.pk}").status_code == 200
    with django_assert_num_queries(2):
        assert client.get(f"/api/v1/cases/{CASE}").status_code == 200


def test_human_page_lists_every_endpoint(client, openapi):
    html = client.get("/api/").content.decode()
    for path in openapi["paths"]:
        assert f"GET {path}" in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'href="/api/"' in client.get("/").content.decode()  # linked from every page


def test_a_page_of_hits_reverses_each_address_once(client, seed_archive, monkeypatch):
    from archive.api import serializers

    reversed_ = []
    real = serializers.reverse

    def counting(name, args=()):
        reversed_.append((name, tuple(args)))
        return real(name, args=args)

    monkeypatch.setattr(serializers, "reverse", counting)
    found = client.get("/api/v1/search", {"q": "budget", "page_size": 20}).json()
    assert len(found["results"]) >= 10
    # The hits share their committees and municipalities: each link is built once.
    assert len(reversed_) == len(set(reversed_))
    committees = {hit["committee"]["url"] for hit in found["results"]}
    assert 1 < len(committees) < len(found["results"])
    assert all(url.startswith("http://testserver/api/v1/") for url in committees)
