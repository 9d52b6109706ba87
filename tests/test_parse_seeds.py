"""The five real seed documents parse exactly (golden files pin every item)."""

import json

import pytest

from ingest.pipeline import parse_document
from tests.conftest import SAMPLES, sample_path
from tests.golden import golden_path, summarize

SEEDS = sorted(SAMPLES.iterdir())


@pytest.mark.parametrize("sample", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_matches_golden(sample):
    expected = json.loads(golden_path(sample).read_text(encoding="utf-8"))
    assert summarize(sample.read_bytes()) == expected


def parse(prefix):
    return parse_document(sample_path(prefix).read_bytes()).meeting


def test_item_counts_are_10_7_13_14_10():
    assert [len(parse(p).items) for p in ("000", "001", "002", "003", "004")] == [10, 7, 13, 14, 10]


@pytest.mark.parametrize(
    "prefix, numbers",
    [
        ("000", list(range(21, 31))),
        ("001", list(range(49, 56))),
        ("002", list(range(37, 50))),
        ("003", list(range(25, 39))),
        ("004", [None] * 10),
    ],
)
def test_item_numbers(prefix, numbers):
    assert [item.number for item in parse(prefix).items] == numbers


def test_closed_items_are_kept_without_text():
    herning = parse("002")
    herlev = parse("003")
    assert [i.number for i in herning.items if i.closed] == [40]
    assert [i.number for i in herlev.items if i.closed] == [36, 37]
    for item in [herning.items[3], herlev.items[11], herlev.items[12]]:
        assert item.sections == {} and item.decision == "" and item.outcome == "none"
    assert herning.items[3].title == "Socialt udsatte området"
    assert herlev.items[12].title == "Eventuelt"
    assert herlev.items[12].case_number.normalized == "00.17.00-A00-3-25"


def test_unnumbered_items_of_the_2018_html_export_are_found():
    meeting = parse("004")
    assert [item.title for item in meeting.items][:3] == [
        "Tema om indsatsen for unge",
        "Regnskab 2017 - Serviceområde 17 Forsørgelse og Beskæftigelse",
        "Helårsopfølgning på mål 2017",
    ]
    assert meeting.items[0].case_number.printed == "15.00.00-A00-2-18"
    assert meeting.items[0].case_workers == ["Bodil Clark"]
    assert meeting.items[7].case_workers == ["Jane Sønderskov", "Bodil Clark"]
    assert (meeting.date.isoformat(), meeting.location) == ("2018-03-22", "C3.40")


def test_herlev_participants_carry_party_letters():
    meeting = parse("003")
    assert [(p.name, p.party) for p in meeting.participants] == [
        ("Arly Eskildsen", "F"),
        ("Peter Nielsen", "A"),
        ("Bill Bjørklund", "V"),
        ("Conni Rosendahl Jensen", "A"),
        ("Jeannet Lauenborg", "C"),
        ("Gitte Sitting Vestergaard", "O"),
        ("Stefan Rundstrøm", "Ø"),
    ]


def test_meeting_headers():
    first = parse("000")
    assert (first.municipality, first.committee, first.kind) == (
        "Herning Kommune",
        "Beskæftigelsesudvalget",
        "referat",
    )
    assert (first.date.isoformat(), first.time.isoformat(), first.location) == (
        "2026-03-26",
        "13:00:00",
        "C3.40",
    )
    herlev = parse("003")
    assert herlev.committee == "Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget"
    assert herlev.municipality == "Herlev Kommune"


def test_case_numbers_are_normalised_and_split():
    item = parse("003").items[0]
    case = item.case_number
    assert (case.printed, case.normalized) == ("00.01.00A00-29-25", "00.01.00-A00-29-25")
    assert (case.subject, case.facet, case.serial, case.year) == ("00.01.00", "A00", 29, 2025)
    old = parse("000").items[6].case_number
    assert (old.normalized, old.serial, old.year) == ("00.00.00-P19-1719-10", 1719, 2010)


def test_sub_point_decisions_of_herlev():
    item = parse("003").items[2]
    assert [(p.point, p.outcome) for p in item.decision_parts] == [
        (1, "noted"),
        (2, "approved"),
        (3, "approved"),
    ]
    assert item.outcome == "approved"


def test_outcomes_of_the_2026_herning_meeting():
    assert [item.outcome for item in parse("000").items] == [
        "approved", "noted", "noted", "discussed", "approved",
        "noted", "noted", "none", "noted", "approved",
    ]  # fmt: skip


def test_postponed_decisions_in_herlev():
    items = parse("003").items
    assert [items[6].outcome, items[7].outcome] == ["postponed", "postponed"]


def test_references_to_earlier_meetings_are_extracted():
    item = parse("001").items[1]
    assert [(r.number, r.committee, r.date.isoformat()) for r in item.references] == [
        (68, "Beskæftigelsesudvalget", "2024-10-22"),
        (7, "Beskæftigelsesudvalget", "2025-03-04"),
        (25, "Beskæftigelsesudvalget", "2025-05-27"),
    ]


def test_cyrillic_lookalikes_are_repaired():
    text = parse("001").items[2].sections["case_text"]
    assert "varmestuen" in text
    assert not any("\u0400" <= char <= "\u04ff" for char in text)


def test_department_grid_and_toc_are_not_text():
    for prefix in ("000", "002", "004"):
        for item in parse(prefix).items:
            for text in item.sections.values():
                assert "DIR BFU" not in text and "\nDIR\n" not in text
                assert "....." not in text


def test_attachments_are_listed():
    item = parse("000").items[4]
    assert item.attachments == [
        "2026-03-26 - Intro til økonomiske styringsmekanismer på beskæftigelsesområdet _SAA",
        "Regnskab 2025 - Serviceområde 17 Forsørgelse og beskæftigelse",
        "BSK mål 2025 opfølgning",
    ]
