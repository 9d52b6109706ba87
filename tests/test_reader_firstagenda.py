"""First Agenda publication JSON read from real Greve meetings (tests/fixtures/firstagenda)."""

import datetime
import json

import pytest
from django.core.management import call_command

from archive.models import AgendaItem, Attachment, Meeting, SourceDocument
from core import bodies
from core.casenumbers import parse_case_number
from ingest.errors import IngestError
from ingest.pipeline import parse_document
from ingest.readers import firstagenda_json
from ingest.readers.firstagenda_fields import read_item_html, section_key
from tests.conftest import SAMPLES, sample_path
from tests.firstagenda_golden import FIXTURES, fixtures, golden_path, summarize

CLOSED = FIXTURES / "greve_plan_2025-01-29_ekstraordinaer_lukket_afbud.json"
WITHHELD = FIXTURES / "greve_sbu_2022-03-15_ikke_frigivet.json"
OLD_LAYOUT = FIXTURES / "greve_beu_2023-01-09_gammelt_layout.json"
ABSENT = FIXTURES / "greve_plan_2023-09-12_fravaerende.json"
EXTRAORDINARY = FIXTURES / "greve_kfu_2023-03-06_ekstraordinaer_punktfravaer.json"
REFERAT = FIXTURES / "greve_kfu_2022-12-12_referat.json"
AGENDA = FIXTURES / "greve_kfu_2022-12-12_dagsorden_uden_beslutninger.json"


def read(path, **kwargs):
    return parse_document(path.read_bytes(), source=path.name, **kwargs).meeting


def edited(path, change) -> bytes:
    """A fixture with one field changed, to try what the real files do not show."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    return json.dumps(document, ensure_ascii=False).encode()


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.stem)
def test_fixture_reads_as_pinned(path):
    expected = json.loads(golden_path(path).read_text(encoding="utf-8"))
    assert summarize(path) == expected


# --- recognising ------------------------------------------------------------------------


def test_recognised_from_the_content_with_or_without_bom_and_in_any_key_casing():
    data = REFERAT.read_bytes()
    assert firstagenda_json.recognise(data)
    assert firstagenda_json.recognise(b"\xef\xbb\xbf" + data)
    assert firstagenda_json.recognise(data.replace(b'"Dagsordenpunkter"', b'"dagsordenpunkter"'))
    assert parse_document(b"\xef\xbb\xbf" + data).format == "firstagenda-json"


def test_other_json_and_other_documents_are_not_first_agenda():
    assert not firstagenda_json.recognise(b'{"Udvalg": {"Udvalg 2022-2025": []}}')
    assert not firstagenda_json.recognise(b'[{"Dagsordenpunkter": []}]')
    assert not firstagenda_json.recognise(sample_path("000").read_bytes())
    assert not firstagenda_json.recognise(b"%PDF-1.4 Dagsordenpunkter Moede")


def test_keys_in_other_casing_read_the_same():
    def lower(value):
        if isinstance(value, dict):
            return {key.lower(): lower(inner) for key, inner in value.items()}
        return [lower(inner) for inner in value] if isinstance(value, list) else value

    data = json.dumps(lower(json.loads(WITHHELD.read_text(encoding="utf-8")))).encode()
    assert parse_document(data).meeting == read(WITHHELD)


def test_missing_and_null_fields_are_read_as_absent():
    def nulls(document):
        document["Moede"].update(Sted=None, Moededeltagere=None, Navn=None)
        document["TillaegsDagsorden"] = None
        for punkt in document["Dagsordenpunkter"]:
            punkt.update(SagsNummer=None, CaseNumber=None, Bilag=None)
            del punkt["ExternalAgendaItemAttendees"]
        document["Dagsordenpunkter"][0]["Felter"] = None
        document["Dagsordenpunkter"][1]["Felter"][0]["Html"] = None

    meeting = parse_document(edited(OLD_LAYOUT, nulls)).meeting
    assert (meeting.location, meeting.participants, meeting.absent) == ("", [], [])
    assert [item.case_number for item in meeting.items] == [None] * 9
    assert (meeting.items[0].sections, meeting.items[0].files) == ({}, [])
    assert meeting.items[1].decision == "" and meeting.items[2].decision.startswith("Udkast")
    assert meeting.kind == "referat"


# --- the meeting ------------------------------------------------------------------------


def test_meeting_facts_come_from_udvalg_and_moede_in_local_time():
    meeting = read(EXTRAORDINARY)
    assert (meeting.municipality, meeting.body_kind) == ("Greve Kommune", "kommune")
    assert meeting.committee == "Kultur- og Fritidsudvalget"
    assert (meeting.date, meeting.time, meeting.location) == (
        datetime.date(2023, 3, 6),
        datetime.time(16, 40),
        "Biblioteket",
    )
    assert meeting.kind == "referat"  # named "Ekstraordinær dagsorden", decisions published


def test_utc_times_are_converted_to_danish_time():
    def utc(document):
        document["Moede"]["Dato"] = "2024-06-10T14:30:00Z"

    meeting = parse_document(edited(REFERAT, utc)).meeting
    assert (meeting.date, meeting.time) == (datetime.date(2024, 6, 10), datetime.time(16, 30))


def test_absent_and_cancelled_members_are_absent():
    absent = read(ABSENT)
    assert [p.name for p in absent.absent] == ["Ronni Mark Nielsen"]  # Absent: true
    assert len(absent.participants) == 6 and "Ronni Mark Nielsen" not in {
        p.name for p in absent.participants
    }
    cancelled = read(CLOSED)
    assert [p.name for p in cancelled.absent] == ["Dorthe Bøgh Madsen"]  # ParticipationCancelled


def test_an_agenda_without_decisions_is_a_dagsorden():
    meeting = read(AGENDA)
    assert meeting.kind == "dagsorden"
    assert [item.outcome for item in meeting.items] == ["none", "none", "none"]
    # "Sagens forløb" has Klima-, Teknik- og Miljøudvalget's entry of the same day: not ours.
    assert meeting.items[1].decision == ""
    assert meeting.items[1].sections["Sagens forløb"] == (
        "12-12-2022 Klima-, Teknik- og Miljøudvalget\nBeslutning ikke frigivet"
    )


def test_not_released_in_the_history_of_an_agenda_is_no_withheld_decision():
    # The portal writes "Beslutning ikke frigivet" for the coming meeting too.
    def ours(document):
        felt = document["Dagsordenpunkter"][1]["Felter"][0]
        felt["Html"] = felt["Html"].replace(
            "Klima-, Teknik- og Miljøudvalget</u>", "Kultur- og Fritidsudvalget 2022</u>"
        )

    meeting = parse_document(edited(AGENDA, ours)).meeting
    assert meeting.kind == "dagsorden"
    assert meeting.items[1].outcome == "none"


def test_supplementary_agenda_is_flagged():
    def supplementary(document):
        document["TillaegsDagsorden"] = True

    meeting = parse_document(edited(REFERAT, supplementary)).meeting
    assert meeting.warnings == [
        "Tillægsdagsorden: punkterne supplerer mødets ordinære dagsorden "
        "(a supplementary agenda to the meeting's ordinary agenda)."
    ]


# --- municipality -----------------------------------------------------------------------


def test_the_given_municipality_wins_and_a_disagreement_is_a_warning():
    meeting = read(REFERAT, municipality="Solrød Kommune")
    assert meeting.municipality == "Solrød Kommune"
    assert meeting.warnings == [
        "Kommunen er angivet som Solrød Kommune, men filen peger på Greve Kommune "
        "(the given municipality differs from the file's)."
    ]
    assert read(REFERAT, municipality="Greve Kommune").warnings == []


def test_the_portal_host_names_the_municipality_or_region():
    def host(name):
        def change(document):
            for punkt in document["Dagsordenpunkter"]:
                for felt in punkt["Felter"]:
                    felt["Link"] = felt["Link"].replace("dagsordener.greve.dk", name)

        return parse_document(edited(REFERAT, change)).meeting

    assert host("hoersholm.dagsordener.dk").municipality == "Hørsholm Kommune"
    assert host("dagsordener-referater.hvidovre.dk").municipality == "Hvidovre Kommune"
    region = host("dagsordener.regionh.dk")
    assert (region.municipality, region.body_kind) == ("Region Hovedstaden", "region")


def test_without_links_the_municipality_must_be_given():
    def no_links(document):
        for punkt in document["Dagsordenpunkter"]:
            for felt in punkt["Felter"]:
                felt["Link"] = None

    data = edited(REFERAT, no_links)
    with pytest.raises(IngestError, match="--municipality"):
        parse_document(data)
    assert parse_document(data, municipality="Greve Kommune").meeting.municipality == (
        "Greve Kommune"
    )


def test_host_names_of_known_bodies_only():
    assert bodies.name_from_host("dagsordner.albertslund.dk") == "Albertslund Kommune"
    assert bodies.name_from_host("dagsordener.koege.dk") == "Køge Kommune"
    assert bodies.name_from_host("dagsorden.kk.dk") == "Københavns Kommune"
    assert bodies.name_from_host("dagsordener.example.com") is None


# --- items ------------------------------------------------------------------------------


def test_closed_item_keeps_its_title_without_the_prefix_and_only_its_decision():
    item = read(CLOSED).items[1]
    assert (item.number, item.title, item.closed) == (
        2,
        "Tune Plejecenter skema B og grundkøbsaftale",
        True,
    )
    assert item.case_number.printed == "24-008513"
    assert (item.decision, item.outcome) == ("1.-6. anbefales.", "recommended")
    assert item.sections == {"decision": "1.-6. anbefales.", "Afbud": "Dorthe Bøgh Madsen"}
    assert item.files == []  # the portal publishes no PDF of a closed item


def test_is_open_says_nothing_about_closed_items():
    # IsOpen is false on every Greve item, open or closed: it is not the closed flag.
    data = json.loads(CLOSED.read_text(encoding="utf-8"))
    assert {punkt["IsOpen"] for punkt in data["Dagsordenpunkter"]} == {False}
    assert [item.closed for item in read(CLOSED).items] == [False, True, False]


def test_decision_not_released_is_withheld_with_no_text():
    meeting = read(WITHHELD)
    last = meeting.items[-1]
    assert (last.title, last.decision, last.outcome) == ("Underskriftsark", "", "withheld")
    assert last.sections["Sagens forløb"] == (
        "15-03-2022 Skole-, Børne- og Ungeudvalget 2022\nBeslutning ikke frigivet"
    )
    # The item's own published decision wins over the history's "ikke frigivet".
    first = meeting.items[0]
    assert (first.decision, first.outcome) == ("Godkendt", "approved")
    assert "Beslutning ikke frigivet" in first.sections["Sagens forløb"]


def test_the_older_layout_has_the_decision_as_first_paragraph():
    items = read(OLD_LAYOUT).items
    assert (items[0].decision, items[0].outcome) == ("Godkendt.", "approved")
    assert items[1].decision.startswith("Udvalget drøftede politikken og ønskede fokus")
    assert items[1].outcome == "discussed"
    # The title the layout repeats before the decision is neither decision nor case text.
    assert "case_text" not in items[0].sections
    assert (
        items[0].sections["recommendation"]
        == "Administrationen indstiller, at dagsordenen godkendes."
    )


def test_per_item_absence_is_kept_under_its_reason():
    items = read(OLD_LAYOUT).items
    assert items[0].sections["Fraværende"] == "Brigitte Klintskov Jerkel\nKenneth Jerkel"


def test_case_numbers_of_first_agenda_parse():
    for printed in ("21-014448", "20-010677K"):
        case = parse_case_number(printed)
        assert (case.printed, case.normalized, case.subject) == (printed, printed, "")
    assert read(WITHHELD).items[4].case_number.printed == "20-072352K"


def test_sub_items_keep_their_printed_number_and_parent():
    def sub_item(document):
        document["Dagsordenpunkter"][2]["Punktnummer"] = "2.1"
        document["Dagsordenpunkter"][2]["Number"] = "2.1"

    items = parse_document(edited(REFERAT, sub_item)).meeting.items
    assert [(i.number, i.label, i.parent) for i in items] == [
        (1, "", None),
        (2, "", None),
        (None, "2.1", 2),
    ]


def test_bilag_and_the_items_own_pdf_are_linked_files():
    item = read(REFERAT).items[1]
    assert item.attachments == ["Besparelser på energiforbrug i Greve Svømmehal"]
    assert [(a.role, a.name, a.url, a.data) for a in item.files] == [
        (
            "document",
            "Videreførsel af energitiltag i Greve Svømmehal",
            "https://dagsordener.greve.dk/Vis/Pdf/bilag/026c2d5e-2a73-4b11-95c6-e5f51ce5c062",
            None,
        ),
        (
            "bilag",
            "Besparelser på energiforbrug i Greve Svømmehal",
            "https://dagsordener.greve.dk/vis/pdf/bilag/b7c67f92-6b21-4244-b24c-7dba0d7b2315",
            None,
        ),
    ]


# --- the item HTML ----------------------------------------------------------------------


def test_headings_are_read_by_their_words_whatever_the_markup():
    # Markup as in Greve's items: <span>/<strong> inside, &nbsp;, a line break, a typo.
    html = (
        "<h2><strong>Sagsprocedure&nbsp;</strong></h2><p>Udvalget.</p>"
        "<h4>Økonomiske<br>konsekvenser </h4><p>Ingen.</p>"
        "<h3><span></span></h3>"
        "<h4>Lovgrunlag</h4><p>Planloven.</p>"
        "<h4><span>Der er ikke høringspligt i denne sag.</span></h4>"
    )
    text = read_item_html(html)
    assert text.sections == {
        "Sagsprocedure": "Udvalget.",
        "economy": "Ingen.",
        "legal_basis": "Planloven.\n\nDer er ikke høringspligt i denne sag.",
    }
    assert section_key("Fremstilling") == "Fremstilling"
    assert section_key("Politianmeldelse") is None  # a sub-heading of the case text


def test_section_text_is_clean_paragraphs_with_lists_and_table_rows():
    html = (
        "<h4>Indstilling</h4><p><em>Administrationen indstiller,</em></p>"
        "<ol><li><em>at sagen godkendes</em></li><li>at &quot;planen&quot; sendes videre</li></ol>"
        "<h4>Sagsbeskrivelse</h4><ul><li>Saunaerne lukkes</li><li>Varmen sænkes</li></ul>"
        "<table><tr><td>År</td><td>2023</td></tr><tr><td>Beløb</td><td>1,5</td></tr></table>"
    )
    sections = read_item_html(html).sections
    assert sections["recommendation"] == (
        'Administrationen indstiller,\n\n1. at sagen godkendes\n2. at "planen" sendes videre'
    )
    assert sections["case_text"] == "- Saunaerne lukkes\n- Varmen sænkes\n\nÅr\t2023\nBeløb\t1,5"


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"Dagsordenpunkter": [ {"Punktnummer": "1", "Navn": "x"', "ikke gyldig JSON"),
        (b'{"Dagsordenpunkter": {"a": 1}, "Moede": {}}', "ikke et møde fra First Agenda"),
        (
            b'{"Dagsordenpunkter": [], "Moede": {"Dato": "2024-01-01T10:00:00+01:00"}}',
            "ingen dagsordenspunkter",
        ),
        (b'{"Dagsordenpunkter": [{"Navn": "x"}], "Moede": {"Dato": "i morgen"}}', "dato"),
    ],
)
def test_bad_input_is_one_clear_danish_error(data, message):
    with pytest.raises(IngestError, match=message) as error:
        parse_document(data, source="x.json", municipality="Greve Kommune")
    assert "(" in error.value.message  # the English gloss


# --- through the archive ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_referat_replaces_the_agenda_of_its_meeting_through_the_ingest_command(capsys):
    call_command("ingest", str(AGENDA))
    meeting = Meeting.objects.get()
    assert meeting.kind == "dagsorden"
    call_command("ingest", str(REFERAT))
    assert "1 filer: 1 møder og 3 punkter indlæst" in capsys.readouterr().out
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.start_time, meeting.location) == (
        "referat",
        datetime.time(15, 0),
        "Mødelokale 4+5",
    )
    assert list(meeting.items.order_by("position").values_list("outcome", flat=True)) == [
        "approved",
        "recommended",
        "none",
    ]
    assert list(SourceDocument.objects.order_by("pk").values_list("status", flat=True)) == [
        "superseded",
        "current",
    ]
    assert meeting.committee.municipality.name == "Greve Kommune"
    bilag = Attachment.objects.filter(source__status="current", role="bilag").get()
    assert (bilag.item.title, bilag.file, bilag.url) == (
        "Videreførsel af energitiltag i Greve Svømmehal",
        None,
        "https://dagsordener.greve.dk/vis/pdf/bilag/b7c67f92-6b21-4244-b24c-7dba0d7b2315",
    )
    assert (
        AgendaItem.objects.get(position=2).other_sections["Sagens forløb"].startswith("12-12-2022")
    )


def test_the_seeds_are_not_taken_for_first_agenda():
    assert {parse_document(p.read_bytes()).format for p in SAMPLES.iterdir()} <= {
        "text",
        "markdown",
        "html",
    }
