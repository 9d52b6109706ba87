"""Regions beside municipalities: the body's kind is shown, filtered on and counted as a
facet, in the pages and in both search APIs (issue 14, part 4)."""

import re

import pytest

from archive.models import AgendaItem, Municipality
from archive.search.facets import sampled_facets
from tests import factories

pytestmark = pytest.mark.django_db

RESULT_LINK = re.compile(r'<li class="result">')


@pytest.fixture
def bodies():
    """Two hospital items of Region Hovedstaden, one budget and one hospital item of Testby
    Kommune: 'hospital' matches two region items and one municipality item."""
    region = factories.committee(factories.region(), name="Forretningsudvalget")
    held = factories.meeting(region, date="2026-03-26")
    factories.item(held, title="Ny akutmodtagelse på hospitalet i Hillerød")
    factories.item(held, title="Hospitalets budget for 2027")
    town = factories.meeting(factories.committee(), date="2026-03-24")
    factories.item(town, title="Budgetopfølgning for skolerne")
    factories.item(town, title="Plejehjem ved hospitalet")
    return {"region": held, "town": town}


def facet(data, name="kind"):
    return [(f["value"], f["label"], f["count"]) for f in data["facets"][name]]


def test_a_body_says_its_kind_where_the_name_does_not():
    assert Municipality(name="Region Hovedstaden", kind="region").kind_shown == ""
    assert Municipality(name="Bornholms Regionskommune", kind="kommune").kind_shown == ""
    assert Municipality(name="Hovedstaden", kind="region").kind_shown == "region"
    assert Municipality(name="Frederiksberg", kind="kommune").kind_shown == "kommune"


def test_the_search_api_filters_and_counts_by_kind(client, bodies):
    data = client.get("/api/v1/search?q=hospital").json()
    assert data["count"] == 3
    assert facet(data) == [("region", "Region", 2), ("kommune", "Kommune", 1)]
    only = client.get("/api/v1/search?q=hospital&kind=region").json()
    assert only["count"] == 2
    assert {hit["municipality"]["name"] for hit in only["results"]} == {"Region Hovedstaden"}
    assert facet(only) == [("region", "Region", 2)]
    legacy = client.get("/api/search?q=hospital&kind=kommune").json()
    assert (legacy["count"], facet(legacy)) == (1, [("kommune", "Kommune", 1)])
    assert [hit["municipality"] for hit in legacy["results"]] == ["Testby Kommune"]


def test_browsing_without_a_query_counts_kinds_too(client, bodies):
    data = client.get("/api/v1/search").json()
    assert data["count"] == 4
    assert facet(data) == [("kommune", "Kommune", 2), ("region", "Region", 2)]
    assert client.get("/api/v1/search?kind=region").json()["count"] == 2


def test_the_sampled_facets_count_kinds(bodies):
    sample = sampled_facets(AgendaItem.objects.public())  # a tiny table: all of it
    assert [(f.value, f.count) for f in sample.facets["kind"]] == [("kommune", 2), ("region", 2)]


def test_an_unknown_kind_is_a_clear_400(client, bodies):
    response = client.get("/api/v1/search?q=hospital&kind=amt")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kind"]
    assert client.get("/soeg/?q=hospital&kind=amt").status_code == 400
    assert client.get("/moeder/?kind=amt").status_code == 400


def test_the_search_page_shows_the_kind_facet_and_its_link_filters(client, bodies):
    page = client.get("/soeg/?q=hospital")
    rows = {row["facet"].value: row for row in page.context["facet_links"]["kind"]}
    assert {value: row["facet"].count for value, row in rows.items()} == {
        "region": 2,
        "kommune": 1,
    }
    html = page.content.decode()
    assert "<h2>Kommune eller region</h2>" in html
    assert rows["region"]["url"] == "?q=hospital&kind=region"
    chosen = client.get("/soeg/" + rows["region"]["url"])
    assert chosen.context["results"].count == 2
    assert len(RESULT_LINK.findall(chosen.content.decode())) == 2
    selected = chosen.context["facet_links"]["kind"]
    assert [(r["facet"].value, r["selected"], r["url"]) for r in selected] == [
        ("region", True, "?q=hospital")
    ]


def test_a_kind_facet_with_one_value_is_not_shown(client, bodies):
    page = client.get("/soeg/?q=budgetopfølgning")
    assert page.context["results"].count == 1
    assert "kind" not in page.context["facet_links"]
    assert "Kommune eller region" not in page.content.decode()


def test_the_meeting_list_filters_by_kind(client, bodies):
    listed = client.get("/moeder/?kind=region")
    assert [m.pk for m in listed.context["page"]] == [bodies["region"].pk]
    assert 'name="kind"' in listed.content.decode()
    api = client.get("/api/v1/meetings?kind=kommune").json()
    assert [m["id"] for m in api["results"]] == [bodies["town"].pk]


def test_the_api_describes_kind_from_the_model(client, bodies):
    spec = client.get("/api/v1/openapi.json").json()
    kind = spec["components"]["parameters"]["kind"]
    # An empty value is the same as leaving the filter out (docs/api.md), so the schema
    # is the model's values or "".
    values, empty = kind["schema"]["anyOf"]
    assert values["enum"] == list(Municipality.Kind.values) == ["kommune", "region"]
    assert empty == {"type": "string", "maxLength": 0}
    search = spec["paths"]["/api/v1/search"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/kind"} in search
    body = spec["components"]["schemas"]["Body"]["properties"]["kind"]
    assert body["enum"] == ["kommune", "region"]
    assert client.get("/api/v1/municipalities/regionh").json()["kind"] == "region"


def test_pages_name_the_kind_only_where_the_name_does_not(client, bodies):
    unnamed = factories.committee(
        factories.municipality("Hovedstaden", "hovedstaden", kind="region"), name="Regionsrådet"
    )
    held = factories.meeting(unnamed, date="2026-03-20")
    factories.item(held, title="Hospitalsplan")
    assert (
        'Hovedstaden</a> <span class="muted">(region)</span>'
        in client.get(f"/moeder/{held.pk}/").content.decode()
    )
    assert "(region)" in client.get("/kommune/hovedstaden/regionsraadet/").content.decode()
    assert "Hovedstaden (region) ·" in client.get("/soeg/?q=hospitalsplan").content.decode()
    named = client.get(f"/moeder/{bodies['region'].pk}/").content.decode()
    assert "Region Hovedstaden</a> ›" in named


def test_a_followed_search_keeps_its_kind(bodies):
    from alerts.targets import from_params, matching

    target = from_params({"follow": "search", "q": "hospital", "kind": "region"})
    assert target.params == {"q": "hospital", "kind": "region"}
    assert target.label == "Søgningen »hospital«, kun regioner"
    found = matching(target, AgendaItem.objects.public())
    assert sorted(item.title for item in found) == [
        "Hospitalets budget for 2027",
        "Ny akutmodtagelse på hospitalet i Hillerød",
    ]
