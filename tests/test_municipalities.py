"""Which body a text evidently comes from (core.municipalities)."""

from core import bodies, municipalities
from ingest.parse.header import normalize_municipality


def test_there_are_98_municipalities_and_5_regions():
    assert len(municipalities.MUNICIPALITIES) == 98
    assert len(set(municipalities.MUNICIPALITIES)) == 98
    assert len(municipalities.REGIONS) == 5


def test_domains_name_their_body():
    assert municipalities.for_domain("dagsordener.greve.dk") == "Greve Kommune"
    assert municipalities.for_domain("jens@balk.dk") == "Ballerup Kommune"
    assert municipalities.for_domain("www.kk.dk") == "Københavns Kommune"
    assert municipalities.for_domain("hoeje-taastrup.dk") is None
    assert municipalities.for_domain("htk.dk") == "Høje-Taastrup Kommune"
    assert municipalities.for_domain("lyngbytaarbaek.dk") == "Lyngby-Taarbæk Kommune"
    assert municipalities.for_domain("rm.dk") == "Region Midtjylland"
    assert municipalities.for_domain("example.dk") is None


def test_the_body_named_most_wins_only_by_a_clear_margin():
    text = "Ballerup Kommune og Herlev Kommune. Ballerup Kommune. Skriv til a@balk.dk"
    assert municipalities.named_in(text) == "Ballerup Kommune"
    assert municipalities.named_in("Ballerup Kommune og Herlev Kommune") is None
    assert municipalities.named_in("Intet her om en kommune") is None
    assert municipalities.named_in("Region  Midtjylland godkender") == "Region Midtjylland"


def test_regions_are_not_made_municipalities():
    assert normalize_municipality("Region Syddanmark") == "Region Syddanmark"
    assert normalize_municipality("Herning") == "Herning Kommune"
    assert normalize_municipality("Bornholms Regionskommune") == "Bornholms Regionskommune"
    assert bodies.kind_of("Region Syddanmark") == bodies.REGION
    assert bodies.kind_of("Bornholms Regionskommune") == bodies.KOMMUNE
