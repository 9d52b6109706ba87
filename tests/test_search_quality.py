"""Search quality on Greve's First Agenda minutes: the problems plain PostgreSQL search
showed on the judged set (perf/judged/greve.json, docs/search.md), each pinned on a few items
modelled on real ones: case numbers, æ/ø/å typed as ae/oe/aa and a dropped double letter,
compounds and false friends, negation, and one case treated by several committees."""

import pytest
from django.core.cache import cache

from archive import limits
from archive.models import AgendaItem
from archive.search import cases, vocabulary
from archive.search.engine import run_search
from tests import factories

pytestmark = pytest.mark.django_db

COMMITTEES = {
    "BEU": "Beskæftigelses- og Erhvervsudvalget",
    "KTMU": "Klima-, Teknik- og Miljøudvalget",
    "KFU": "Kultur- og Fritidsudvalget",
    "PTU": "Plan- og Tryghedsudvalget",
    "SBU": "Skole-, Børne- og Ungeudvalget",
    "SHU": "Social- og Handicapudvalget",
}
SHORT = {name: short for short, name in COMMITTEES.items()}


def greve_item(committee, date, number, title, case_number="", **texts):
    """An item of a Greve meeting (the meeting is made on first use)."""
    place = factories.municipality("Greve Kommune", slug="greve")
    held = factories.committee(place, COMMITTEES[committee], slug=committee.lower())
    meeting = held.meetings.filter(date=date).first() or factories.meeting(held, date=date)
    return factories.item(
        meeting,
        number=number,
        title=title,
        case_number=case_number,
        case_number_normalized=case_number,
        **texts,
    )


def hits(**params):
    """(committee, date, number) of each hit, in the order shown."""
    results = run_search(AgendaItem.objects.public(), params)
    return [
        (SHORT[item.committee.name], item.meeting_date.isoformat(), item.number)
        for item in results.items
    ]


# --- Case numbers as First Agenda prints them ----------------------------------------------


@pytest.fixture
def energy_case():
    """Case 22-011409 (energy savings) under two titles, case 20-010677K, and an item whose
    text only refers to 22-011409."""
    greve_item(
        "BEU",
        "2022-09-12",
        8,
        "Tiltag på energi som følge af stigende energipriser",
        "22-011409",
        summary="Administrationen fremlægger forslag til tiltag, der kan reducere kommunens "
        "energiforbrug som følge af de stigende energipriser.",
    )
    greve_item(
        "KFU",
        "2022-12-12",
        2,
        "Videreførsel af energitiltag i Greve Svømmehal",
        "22-011409",
        summary="Byrådet besluttede den 3. oktober, at der skulle gennemføres tre "
        "energisparetiltag i Greve Svømmehal til udgangen af 2022.",
    )
    greve_item(
        "SHU",
        "2022-05-30",
        5,
        "Tryghed i Greve Nord - Halvårs-status",
        "20-010677K",
        summary="Status på indsatsen for tryghed i Greve Nord det seneste halve år.",
    )
    greve_item(
        "KTMU",
        "2023-05-25",
        14,
        "Opfølgning på energibesparelser - efterår 2023",
        "23-004411",
        case_text="Sagen følger op på tiltagene i sag 22-011409 og 22-011409K.",
    )


def test_first_agenda_case_numbers_are_matched_on_the_case_number(energy_case):
    # Newest first, as every journal-number search; the item that only cites the number in
    # its text is not among them (full text found only that one).
    assert hits(q="22-011409") == [("KFU", "2022-12-12", 2), ("BEU", "2022-09-12", 8)]
    assert hits(q="20-010677K") == [("SHU", "2022-05-30", 5)]
    # Typed in lower case, and a prefix without the letter.
    assert hits(q="20-010677k") == [("SHU", "2022-05-30", 5)]
    assert hits(q="20-010677") == [("SHU", "2022-05-30", 5)]


def test_dates_and_seasons_with_a_slash_stay_text(energy_case):
    greve_item("KFU", "2022-06-01", 3, "Sæsonen 2022/23 i svømmehallen", "22-004101")
    assert hits(q="2022/23") == [("KFU", "2022-06-01", 3)]


# --- Negation ------------------------------------------------------------------------------


@pytest.fixture
def safety_items():
    """Four items on tryghed (safety), one of them in Greve Nord; the newest mentions it in
    passing, the oldest of those outside Greve Nord in its title."""
    greve_item(
        "PTU",
        "2025-03-25",
        3,
        "Tryghed og tryghedsvagter i Greve Kommune",
        "24-004184",
        summary="Udvalget drøfter, hvordan tryghed i kommunen kan styrkes med tryghedsvagter.",
    )
    greve_item(
        "KFU",
        "2024-03-20",
        6,
        "Hovedbiblioteket, genåbning af selvbetjent åbningstid",
        "24-002015",
        summary="Biblioteket vil styrke trygheden i den selvbetjente åbningstid.",
    )
    greve_item(
        "PTU",
        "2025-06-03",
        15,
        "Huskeliste og orientering fra administrationen",
        "22-003655",
        case_text="Orientering om borgermødet om tryghed den 20. maj.",
    )
    greve_item(
        "PTU",
        "2022-05-31",
        17,
        "Tryghed i Greve Nord - Halvårs-status",
        "20-010677K",
        summary="Status på indsatsen for tryghed i Greve Nord.",
    )


@pytest.fixture(params=["counted", "past the cap"])
def ranking_path(request, monkeypatch):
    """Both ways relevance is computed: on the counted matches, and (past the count cap)
    while reading the newest items (engine.newest_ranked)."""
    if request.param == "past the cap":
        for name, value in {"COUNT_CAP": 1, "ESTIMATE_FROM": 1, "ESTIMATE_SAMPLE": 1}.items():
            monkeypatch.setattr(limits, name, value)
        monkeypatch.setattr(limits, "PROBE_MARGIN", 0)
    return request.param


def test_a_negated_word_keeps_the_ranking_of_the_rest(safety_items, ranking_path):
    # ts_rank gives every match of "tryghed -nord" the same rank, which left newest first:
    # the passing mention, then the title. Ranked on "tryghed" alone: title, summary, text.
    expected = [("PTU", "2025-03-25", 3), ("KFU", "2024-03-20", 6), ("PTU", "2025-06-03", 15)]
    assert hits(q="tryghed -nord") == expected
    assert [hit for hit in hits(q="tryghed") if hit != ("PTU", "2022-05-31", 17)] == expected


# --- Spelling: æ, ø, å typed as ae, oe, aa or without their marks, and a double letter ----


@pytest.fixture
def spelling_items():
    """Items on børnehaver, støj and Greve Svømmehal, and the words "mode" and "møde"."""
    greve_item(
        "SBU",
        "2024-01-16",
        4,
        "Skovbørnehave i Karlslunde",
        "23-014120",
        summary="Forslag om at etablere en skovbørnehave, hvor børnene er i skov og natur.",
    )
    greve_item(
        "SBU",
        "2023-05-23",
        7,
        "Frokostordning i børnehave og vuggestue",
        "23-004870",
        summary="Forældrebestyrelserne har valgt frokost til alle børnehavebørn.",
    )
    greve_item(
        "SBU",
        "2022-10-11",
        5,
        "Kapacitet på dagtilbudsområdet",
        "22-011853",
        case_text="Der mangler pladser til 40 børn i 2023, heraf 25 børnehavepladser.",
    )
    greve_item(
        "KTMU",
        "2024-06-13",
        9,
        "Støjhandlingsplan 2024-2028",
        "24-004512",
        summary="Kommunen skal kortlægge støj fra de største veje og lægge en plan.",
    )
    greve_item(
        "KFU",
        "2022-12-12",
        2,
        "Videreførsel af energitiltag i Greve Svømmehal",
        "22-011409",
        summary="Tre energisparetiltag i svømmehallen: saunaen slukkes og vandet er koldere.",
    )
    greve_item("BEU", "2025-02-03", 3, "Møde med erhvervslivet om Greve Midtby", "25-000871")
    greve_item("KFU", "2025-02-05", 6, "Mode og design i Greve Midtby", "25-000912")


BOERNEHAVE = [("SBU", "2023-05-23", 7), ("SBU", "2024-01-16", 4), ("SBU", "2022-10-11", 5)]


def test_ae_oe_aa_and_missing_marks_find_the_word_meant(spelling_items):
    # As the word itself is found: børnehave, then skovbørnehave (a kind of børnehave),
    # then børnehavepladser; "arbejdstøj" would not be støj.
    assert hits(q="boernehave") == BOERNEHAVE
    assert hits(q="bornehave") == BOERNEHAVE
    assert hits(q="stoej") == [("KTMU", "2024-06-13", 9)]
    assert hits(q="børnehave") == BOERNEHAVE


def test_a_dropped_double_letter_finds_the_word_meant(spelling_items):
    assert hits(q="svømehal") == [("KFU", "2022-12-12", 2)]
    assert hits(q="svømmmehal") == [("KFU", "2022-12-12", 2)]


def test_a_word_that_matches_as_typed_is_not_respelled(spelling_items):
    # "mode" is a word of the archive: it does not also search for "møde".
    assert hits(q="mode") == [("KFU", "2025-02-05", 6)]
    assert hits(q="moede") == [("BEU", "2025-02-03", 3)]


def test_a_rare_spelling_next_to_a_common_one_finds_both_exact_first(spelling_items, monkeypatch):
    # Minutes have typos: a word found in one item, next to a spelling found in many, is
    # searched as typed first and as the common spelling after it.
    greve_item("KFU", "2023-03-06", 2, "Åbningstider i Greve Svømehal", "23-002011")
    monkeypatch.setattr(vocabulary, "RATIO", 1)
    assert hits(q="svømehal") == [("KFU", "2023-03-06", 2), ("KFU", "2022-12-12", 2)]
    cache.clear()
    monkeypatch.setattr(vocabulary, "RATIO", 2)  # svømmehal is in no more items than svømehal
    assert hits(q="svømehal") == [("KFU", "2023-03-06", 2)]


# --- Compounds and false friends -------------------------------------------------------------


@pytest.fixture
def compound_items():
    """Trafiksikkerhed and sikkerhedskrav next to a passing mention of sikkerhed; kunst next
    to the more common kunstgræsbane; ældre next to forældre; tryghed next to the name of
    the Plan- og Tryghedsudvalget."""
    greve_item(
        "KTMU",
        "2024-03-14",
        7,
        "Trafiksikkerhedstiltag ved Tune Skole",
        "24-001655",
        summary="Forslag til tiltag for trafiksikkerhed på skolevejen, hvor der er meget trafik.",
    )
    greve_item(
        "SBU",
        "2022-10-11",
        4,
        "Status for anvendelse af Google Workspace",
        "22-012622",
        case_text="Skolerne bruger Google Workspace. Datatilsynet har fokus på sikkerhed.",
    )
    greve_item(
        "PTU",
        "2023-02-07",
        3,
        "Lokalplan for Hundige Øst",
        "22-012468",
        case_text="Der stilles sikkerhedskrav til byggepladsen og krav om afskærmning.",
    )
    greve_item(
        "KFU",
        "2025-10-22",
        4,
        "Kunst i rundkørslen ved Holmagervej",
        "25-011618",
        summary="Udvalget drøfter kunst i byrummet.",
    )
    greve_item(
        "KTMU",
        "2025-08-14",
        22,
        "Kunstgræsbane i Karlslunde - tidsplan",
        "25-002144",
        summary="Tidsplan for den nye kunstgræsbane ved Karlslunde Stadion.",
    )
    greve_item(
        "KTMU",
        "2024-03-14",
        10,
        "Reparation af Hundige Boldklubs kunstgræsbane",
        "24-001726",
        summary="Kunstgræsbane eller en almindelig græsbane: udvalget beslutter.",
    )
    greve_item(
        "SHU",
        "2023-05-22",
        5,
        "Plejeboliger til ældre borgere",
        "23-003614",
        summary="Ældre med behov for pleje venter på en plejebolig.",
    )
    greve_item(
        "SBU",
        "2023-05-23",
        8,
        "Forældrebestyrelser i dagtilbud",
        "23-004871",
        summary="Valg til forældrebestyrelser: forældre kan stille op.",
    )
    greve_item(
        "PTU",
        "2025-03-25",
        3,
        "Tryghed og tryghedsvagter i Greve Kommune",
        "24-004184",
        summary="Udvalget drøfter tryghed i kommunen.",
    )
    greve_item(
        "KTMU",
        "2024-01-11",
        6,
        "Vejbelysning på Tunevej",
        "23-012871",
        case_text="Sagen sendes til høring i Plan- og Tryghedsudvalget.",
    )


def test_a_compound_ending_in_the_word_ranks_with_the_word(compound_items):
    # Trafiksikkerhed is a kind of sikkerhed: it ranks with the items saying "sikkerhed"
    # (here above the passing mention), sikkerhedskrav after them.
    assert hits(q="sikkerhed") == [
        ("KTMU", "2024-03-14", 7),
        ("SBU", "2022-10-11", 4),
        ("PTU", "2023-02-07", 3),
    ]
    # Compounds beginning with the word are found too.
    assert hits(q="trafik") == [("KTMU", "2024-03-14", 7)]


def test_false_friends_are_not_compounds_of_the_word(compound_items):
    # Kunstgræsbane, more common than kunst itself, is a word of its own; forældre is no
    # kind of ældre; the Plan- og Tryghedsudvalget's name says nothing about tryghed.
    assert hits(q="kunst") == [("KFU", "2025-10-22", 4)]
    assert hits(q="ældre") == [("SHU", "2023-05-22", 5)]
    assert hits(q="tryghed") == [("PTU", "2025-03-25", 3)]
    assert hits(q="kunstgræsbane") == [("KTMU", "2025-08-14", 22), ("KTMU", "2024-03-14", 10)]


# --- One case through several committees ---------------------------------------------------


@pytest.fixture
def case_path():
    """Case 20-010677K: one status report in three committees in one week, the next
    report half a year later; and a standing item with one case number and title at two
    meetings of one committee, which are two items, not copies."""
    report = "Tryghed i Greve Nord - Halvårs-status"
    text = {"summary": "Status på indsatsen for tryghed i Greve Nord det seneste halve år."}
    greve_item("SHU", "2022-05-30", 5, report, "20-010677K", **text)
    greve_item("BEU", "2022-05-30", 8, report, "20-010677K", **text)
    # The PTU wrote the title a little differently.
    ptu_title = "Tryghed i Greve nord - Halvårsstatus"
    greve_item("PTU", "2022-05-31", 17, ptu_title, "20-010677K", **text)
    greve_item(
        "PTU",
        "2022-11-15",
        8,
        "Tryghed i Greve Nord - Helårsstatus 2022 og indsatser i 2023",
        "20-010677K",
        summary="Helårsstatus på tryghed i Greve Nord og indsatserne i 2023.",
    )
    for date, number in (("2023-11-14", 15), ("2024-01-16", 17)):
        greve_item(
            "PTU",
            date,
            number,
            "Huskeliste og orientering fra administrationen",
            "22-003655",
            case_text="Orientering om tryghed i Greve Nord.",
        )


def paths(items=None, **params):
    """Each hit as (committee, date, number) with the copies listed under it."""
    results = run_search(items or AgendaItem.objects.public(), params)
    return [
        (
            (SHORT[item.committee.name], item.meeting_date.isoformat(), item.number),
            [(SHORT[c["committee"]], c["date"].isoformat(), c["number"]) for c in item.also],
        )
        for item in results.items
    ]


def test_copies_of_a_case_are_one_hit_with_its_path(case_path, ranking_path):
    # The newest copy is the hit, the others are listed under it, oldest first (the PTU's
    # title differs in case only); the next round's report and the standing item's two
    # meetings are hits of their own.
    copies = [("SHU", "2022-05-30", 5), ("BEU", "2022-05-30", 8)]
    expected = [
        (("PTU", "2022-05-31", 17), copies),
        (("PTU", "2022-11-15", 8), []),
        (("PTU", "2024-01-16", 17), []),
        (("PTU", "2023-11-14", 15), []),
    ]
    assert paths(q="tryghed greve nord") == expected
    results = run_search(AgendaItem.objects.public(), {"q": "tryghed greve nord"})
    if ranking_path == "counted":
        assert (results.count, results.hit_count, results.pages) == (6, 4, 1)
    else:  # copies are dropped from the page; the hits are not counted
        assert (results.count_is_exact, results.hit_count) == (False, None)
    # A journal number lists the case newest first.
    assert paths(q="20-010677K") == [(("PTU", "2022-11-15", 8), []), expected[0]]


def test_a_filtered_search_still_lists_the_other_committees(case_path):
    in_beu = AgendaItem.objects.public().filter(committee__name=COMMITTEES["BEU"])
    assert paths(in_beu, q="tryghed") == [
        (("BEU", "2022-05-30", 8), [("SHU", "2022-05-30", 5), ("PTU", "2022-05-31", 17)])
    ]


def test_the_search_page_and_the_api_show_the_path(client, case_path):
    html = client.get("/soeg/?q=tryghed+greve+nord").content.decode()
    assert "6 punkter fundet" in html and "(4 resultater:" in html
    assert html.count('<li class="result">') == 4
    shu, beu = (
        AgendaItem.objects.get(committee__name=COMMITTEES[c], number=n).get_absolute_url()
        for c, n in (("SHU", 5), ("BEU", 8))
    )
    assert (
        f'Også behandlet i <a href="{shu}">Social- og Handicapudvalget</a> 30. maj 2022 · '
        f'<a href="{beu}">Beskæftigelses- og Erhvervsudvalget</a> 30. maj 2022</p>'
    ) in html
    for _ in range(2):  # computed, then from the cache
        data = client.get("/api/v1/search", {"q": "tryghed greve nord"}).json()
        assert (data["count"], data["hit_count"], data["pages"]) == (6, 4, 1)
        assert [len(hit["also"]) for hit in data["results"]] == [2, 0, 0, 0]
        first = data["results"][0]["also"][0]
        meeting, position = first["id"].split("-")
        assert first == {
            "id": first["id"],
            "url": f"http://testserver/api/v1/meetings/{meeting}/items/{position}",
            "web": f"http://testserver{shu}",
            "date": "2022-05-30",
            "committee": {"id": first["committee"]["id"], "name": COMMITTEES["SHU"]},
            "number": 5,
            "title": "Tryghed i Greve Nord - Halvårs-status",
        }


def test_past_count_all_the_hits_are_picked_out_but_not_counted(case_path, monkeypatch):
    monkeypatch.setattr(cases, "COUNT_ALL", 2)
    assert [hit for hit, _ in paths(q="tryghed greve nord")] == [
        ("PTU", "2022-05-31", 17),
        ("PTU", "2022-11-15", 8),
        ("PTU", "2024-01-16", 17),
        ("PTU", "2023-11-14", 15),
    ]
    results = run_search(AgendaItem.objects.public(), {"q": "tryghed greve nord"})
    assert (results.count, results.hit_count, results.count_is_exact) == (6, None, True)
