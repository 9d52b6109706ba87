"""Which body a text evidently comes from (core.municipalities)."""

from core import bodies
from ingest.parse.header import normalize_municipality


def test_there_are_98_municipalities_and_5_regions():
    names = bodies.official_names()
    assert len(set(names)) == len(names) == 98 + 5
    assert sum(name.startswith("Region ") for name in names) == 5


def test_domains_name_their_body():
    assert bodies.name_from_host("dagsordener.greve.dk") == "Greve Kommune"
    assert bodies.name_from_host("balk.dk") == "Ballerup Kommune"
    assert bodies.name_from_host("www.kk.dk") == "Københavns Kommune"
    assert bodies.name_from_host("htk.dk") == "Høje-Taastrup Kommune"
    assert bodies.name_from_host("lyngbytaarbaek.dk") == "Lyngby-Taarbæk Kommune"
    assert bodies.name_from_host("rm.dk") == "Region Midtjylland"
    assert bodies.name_from_host("example.dk") is None


def test_the_body_named_most_wins_only_by_a_clear_margin():
    text = "Ballerup Kommune og Herlev Kommune. Ballerup Kommune. Skriv til a.b@balk.dk"
    assert bodies.named_in(text) == "Ballerup Kommune"
    assert bodies.named_in("Ballerup Kommune og Herlev Kommune") is None
    assert bodies.named_in("Intet her om en kommune") is None
    assert bodies.named_in("Region  Midtjylland godkender") == "Region Midtjylland"


def test_regions_are_not_made_municipalities():
    assert normalize_municipality("Region Syddanmark") == "Region Syddanmark"
    assert normalize_municipality("Herning") == "Herning Kommune"
    assert normalize_municipality("Bornholms Regionskommune") == "Bornholms Regionskommune"
    assert bodies.kind_of("Region Syddanmark") == bodies.REGION
    assert bodies.kind_of("Bornholms Regionskommune") == bodies.KOMMUNE
