"""Golden tests of the ESDH export readers on real exports (tests/fixtures/esdh), and the
bundles through `manage.py ingest`: one transaction, attachments linked, re-ingest a no-op."""

import datetime
import hashlib
import shutil

import pytest
from django.core.management import call_command

from archive.models import AgendaItem, Attachment, Meeting, SourceDocument, StoredFile
from ingest import sources, store
from ingest.errors import IngestError
from tests.conftest import FIXTURES, counts

ESDH = FIXTURES / "esdh"
EDOC = ESDH / "edoc-ballerup-2012-12-04"
ACADRE = ESDH / "acadre-syddjurs-2013-06-20"
AGENDAWEB = ESDH / "fujitsu-middelfart-2017-05-02"
PUBLICATION = ESDH / "sbsys-publication-ballerup-2013-05-15.zip"
NATIVE = ESDH / "sbsys-native-lyngby-taarbaek-2016-03-31.tar.gz"


def read(path, municipality):
    (source,) = sources.discover([path])
    (parsed,) = sources.read(source, municipality=municipality)
    return parsed


def items(parsed):
    """(number, title, case number, closed, decision opening, outcome) per item."""
    return [
        (
            item.number,
            item.title,
            item.case_number.printed if item.case_number else None,
            item.closed,
            item.decision[:30],
            item.outcome,
        )
        for item in parsed.meeting.items
    ]


def files(parsed):
    """(item number or None, role, name, sha256 prefix or None) per attachment."""
    number = {item.position: item.number for item in parsed.meeting.items}
    return [
        (number.get(position), a.role, a.name, a.sha256[:12] or None)
        for position, a in parsed.all_files()
    ]


def meeting_facts(parsed):
    m = parsed.meeting
    return (m.municipality, m.committee, m.kind, m.date, m.time, m.location)


def test_edoc_manifest_gives_the_meeting_its_items_in_number_order_and_their_pdfs():
    parsed = read(EDOC, "Ballerup")
    assert parsed.format == "edoc"
    assert meeting_facts(parsed) == (
        "Ballerup Kommune",
        "Sundheds- og Forebyggelsesudvalget",
        "referat",
        datetime.date(2012, 12, 4),
        datetime.time(13, 0),
        "",
    )
    assert items(parsed) == [
        (1, "Meddelelser", "2011-29298", False, "Taget til efterretning", "noted"),
        (2, "Bygningsvedligeholdelse 2013 - anlægsbevilling", "2012-28504", False,
         "Indstillingen godkendt", "approved"),
        (3, "Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013", "2012-31114", False,
         "Indstilles til godkendelse", "recommended"),
        (4, "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013", "2012-31673",
         False, "Indstillingen godkendt", "approved"),
        (5, "KL's opfølgningsproces vedrørende det nære sundhedsvæsen", "2011-29939", False,
         "Indstillingen godkendt", "approved"),
        (6, "Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for ældre",
         "2012-21786", False, "Indstillingen godkendt", "approved"),
        (7, "Etablering af aktivitetscenter på Solvej 6 i Ballerup", "2012-28505", False,
         "Indstillingen godkendt\nmed den", "approved"),
        (8, "Evaluering af rygestopkurser", "2010-3082", False, "Taget til efterretning", "noted"),
    ]  # fmt: skip
    bygning = parsed.meeting.items[1]
    assert list(bygning.sections) == [
        "summary", "Baggrund", "case_text", "economy", "decision_authority", "recommendation",
        "decision",
    ]  # fmt: skip
    assert bygning.sections["decision_authority"] == "Sundheds- og Forebyggelsesudvalget"
    assert bygning.sections["recommendation"].startswith(
        "Center for Ejendomme indstiller, at\n\nA)\nDe foreslåede arbejder"
    )
    assert "Centralisering af ejendomsdriften\nDen forestående" in bygning.sections["case_text"]
    kvalitet = parsed.meeting.items[2]
    assert [(r.number, r.committee, r.date) for r in kvalitet.references] == [
        (5, "Kommunalbestyrelsen", datetime.date(2012, 1, 30))
    ]
    assert files(parsed)[:6] == [
        (None, "document", "Åben dagsorden (samlet PDF)", None),
        (1, "document", "1552824.PDF", "16a63d6dab96"),
        (1, "bilag", "Redegørelse fra Træning og Aktivitet vedrørende Seniorrådets høringssvar",
         "56261576bf1c"),
        (1, "bilag", "Hvordan udvikler vi det nære sundhedsvæsen sammen?", None),
        (1, "bilag", "Forebyggelse af ulighed i sundhedsvæsenet", None),
        (2, "document", "1552823.PDF", "1445ca751cdd"),
    ]  # fmt: skip
    torvevej = parsed.meeting.items[3]
    assert [(a.name, a.path, a.sha256[:12]) for a in torvevej.files] == [
        ("1552826.PDF", "1552826.PDF", "5eef28160db6"),
        ("Forslag til takstreduktion aflastningstilbuddet Torvevej 2013", "1548285.PDF",
         "9186c7f3b426"),
    ]  # fmt: skip
    # The whole-meeting PDF is named but missing: a warning, and the copy of 1548285.PDF
    # under its title is not kept twice.
    assert parsed.meeting.warnings[0] == (
        "Filen 1552814.PDF (Åben dagsorden (samlet PDF)) nævnes i eksporten, men findes ikke "
        "i den. (A file the export names is missing.)"
    )
    assert not any("nævnes ikke i manifestet" in w for w in parsed.meeting.warnings)


def test_sbsys_publication_final_is_an_agenda_with_its_enclosure():
    parsed = read(PUBLICATION, "Ballerup Kommune")
    assert parsed.format == "sbsys-publication"
    assert meeting_facts(parsed) == (
        "Ballerup Kommune",
        "KMB IT-udvalget",
        "dagsorden",
        datetime.date(2013, 5, 15),
        datetime.time(16, 30),
        "Mødecenter A, Lokale 3 på Ballerup Rådhus",
    )
    assert [(p.name, p.party) for p in parsed.meeting.participants][:3] == [
        ("Doris Børger", "A"), ("Hanne Bahnsen", None), ("Henrik Bolberg", "A"),
    ]  # fmt: skip
    assert len(parsed.meeting.participants) == 11 and parsed.meeting.absent == []
    assert items(parsed) == [
        (1, "Meddelelser", None, False, "", "none"),
        (2, "Oplæg til standard it-arbejdsplads for Kommunalbestyrelsens medlemmer i 2014-2018",
         None, False, "", "none"),
        (3, "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)", None, False, "", "none"),
        (4, "Regler for indkøb af it-udstyr", None, False, "", "none"),
        (5, "Status på eDagsorden", None, False, "", "none"),
    ]  # fmt: skip
    oplæg = parsed.meeting.items[1].sections
    assert oplæg["Tidligere behandling"] == "KMB IT-udvalget den 5. december 2012 Punkt 3"
    assert oplæg["economy"] == "Opgøres ikke i nuværende sag."
    assert "decision" not in oplæg
    assert files(parsed) == [
        (3, "bilag", "Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud", "bf676b188698")
    ]
    assert parsed.meeting.items[2].files[0].path == "Publication32/Enclosures/1.pdf"
    assert parsed.original == PUBLICATION.read_bytes()
    assert parsed.sha256 == hashlib.sha256(PUBLICATION.read_bytes()).hexdigest()


def test_sbsys_native_referat_drops_template_text_and_keeps_closed_items_bare():
    parsed = read(NATIVE, "Lyngby-Taarbæk")
    assert parsed.format == "sbsys-native"
    assert meeting_facts(parsed) == (
        "Lyngby-Taarbæk Kommune",
        "Testudvalg",
        "referat",
        datetime.date(2016, 3, 31),
        datetime.time(8, 15),
        "Udvalgsværelse 1",
    )
    assert [p.name for p in parsed.meeting.absent] == ["Hanne Agersnap", "Henriette Breum"]
    assert items(parsed) == [
        (1, "Test af lukket overskrift", "82.02.00-G10-1-16", False, "Godkendt.", "approved"),
        (2, "Lukket punkt: Sag nr. 2 - lukket overskrift", "82.02.00-G10-1-16", True, "", "none"),
    ]
    first = parsed.meeting.items[0]
    # Every field but the decision is the template's bracketed guidance: none of it is kept.
    # The decision's own bold line "Ditmer testudvalg den 31. marts 2016" dates it.
    assert first.sections == {
        "Fraværende": "Dorthe la Cour, Hanne Agersnap, Henriette Breum",
        "decision": "Godkendt.",
    }
    assert first.case_number.kle() == {
        "subject": "82.02.00", "facet": "G10", "serial": 1, "year": 2016,
    }  # fmt: skip
    assert files(parsed) == [
        (None, "document", "dagsorden.html", "3153c854b219"),
        (1, "bilag", "Test igen", "1646322a9231"),
        (1, "bilag", "Test", "251011109471"),
        (1, "bilag", "test", "11ee33a95cb0"),
    ]
    assert parsed.meeting.items[1].sections == {} and parsed.meeting.items[1].files == []


def test_acadre_reads_the_published_referat_with_its_running_number_and_decision_history():
    parsed = read(ACADRE, "Syddjurs")
    assert parsed.format == "acadre"
    assert meeting_facts(parsed) == (
        "Syddjurs Kommune",
        "Udvalget for plan, udvikling og kultur (PUK)",
        "referat",
        datetime.date(2013, 6, 20),
        datetime.time(10, 30),
        "Kaløvig Kursuscenter",
    )
    assert [(p.name, p.party) for p in parsed.meeting.participants] == [
        ("Jesper Mathiesen", "A"), ("Ole Bollesen", "A"), ("Niels Viderø", "A"),
        ("Ole Bjerregaard", "V"), ("Steen Fris", "C"),
    ]  # fmt: skip
    assert items(parsed) == [
        (715, "Kulturkommune 2017. Politiske fokusområder", "12/27845", False,
         "Punktet blev drøftet.\n\nSagen g", "postponed"),
    ]  # fmt: skip
    item = parsed.meeting.items[0]
    assert item.position == 1 and item.case_workers == ["Frank Reeckmann"]
    earlier = "Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 24-04-2013"
    assert item.sections[earlier] == (
        "Punktet genoptages.\n\nTidspunkt herfor fastlægges på det ordinære PUK-møde "
        "den 8. maj 2013"
    )
    assert item.sections["economy"] == "Ingen."
    assert item.sections["summary"].startswith("Kulturafdelingen har i forlængelse af Byrådets")
    politik = "Politik for Kultur og Fritid - Lokalt engagement, Godkendt af byrådet 300409"
    oplæg = "Kulturkommune 2017 - arbejdsoplæg til Udvalget for Plan, Udvikling og Kultur"
    assert files(parsed) == [
        (715, "bilag", "Opsamlingsnotat. Temamøde 20.09.2012", "b8cd14656da1"),
        (715, "bilag", politik, "0bf58522816a"),
        (715, "bilag", oplæg, "874705f0bc7b"),
        # PDF renditions the export keeps under the bilag's name go with its item.
        (715, "bilag", "Opsamlingsnotat. Temamøde 20.09.2012.pdf", "62964835d570"),
        (715, "bilag", politik + ".pdf", "e087868e1cc1"),
    ]
    # The original is the content XML; the digest covers it, the index and every file read.
    assert parsed.original == (ACADRE / "Files_1863_3687982/3687981.XML").read_bytes()


def test_agendaweb_reads_the_newest_version_and_drops_items_created_by_mistake():
    parsed = read(AGENDAWEB, "Middelfart")
    assert parsed.format == "agendaweb"
    assert meeting_facts(parsed) == (
        "Middelfart Kommune",
        "Hennys testudvalg",
        "dagsorden",
        datetime.date(2017, 5, 2),
        datetime.time(10, 0),
        "Mødelokale 1, Midtpunkt",
    )
    assert [(p.name, p.party) for p in parsed.meeting.participants][:3] == [
        ("Hanne Lauritsen", "F"), ("Allan Buch", "A"), ("Anni B. Tyrrestrup", "O"),
    ]  # fmt: skip
    # The older version numbered these 2, 3, ..., 6 and had item 5 open and no "Anders' møgsag".
    assert items(parsed) == [
        (1, "test", None, False, "", "none"),
        (2, "test tabel", "200906126", False, "", "none"),
        (5, "Anders' møgsag", "2016-003798", True, "", "none"),
        (6, "Underskriftsblad", None, True, "", "none"),
    ]
    assert [w for w in parsed.meeting.warnings if "Fejloprettet" in w] == [
        "Punkt 3 (Udvalgets indsatser 2010-2013) er markeret »Fejloprettet« i AgendaWeb og er "
        "udeladt. (An item created by mistake was dropped.)",
        "Punkt 4 (Anlægsregnskab for anlægsprojekterne ved Børnehuset Nordlys, Båring Børnehus, "
        "Brenderup Børnehave og Børnehuset Nørre Aaby) er markeret »Fejloprettet« i AgendaWeb og "
        "er udeladt. (An item created by mistake was dropped.)",
    ]
    assert files(parsed) == [
        (None, "document", "e9117c72-1d79-4fe9-9653-ef7ab6f27187.html", "5df2ecbccb27"),
        (1, "bilag", "TrekantBrand Nyhedsbrev nr. 1-2017.msg", None),
        (1, "bilag", "Nyhedsbrev nr. 1-2017.pdf", "13c39faae7f1"),
        (1, "bilag", "Signaturbevis.txt", "0a7cc8c06ea2"),
        (1, "bilag", "TrekantBrand nyhedsbrev nr. 2-2017.msg", None),
    ]
    (newest,) = AGENDAWEB.rglob("e9117c72-1d79-4fe9-9653-ef7ab6f27187.xml")
    assert "2017-04-21 12.24.03" in str(newest)
    assert parsed.original == newest.read_bytes()


@pytest.mark.parametrize(
    "path, body",
    [
        # "Ballerup Kommune" throughout the item texts; case workers mail from @syddjurs.dk.
        (EDOC, "Ballerup Kommune"),
        (PUBLICATION, "Ballerup Kommune"),
        (ACADRE, "Syddjurs Kommune"),
    ],
)
def test_without_a_municipality_the_export_text_says_which_body(path, body):
    (source,) = sources.discover([path])
    (parsed,) = sources.read(source)
    assert parsed.meeting.municipality == body
    assert f"Kommunen er udledt af eksportens tekst: {body}." in parsed.meeting.warnings[-1]


@pytest.mark.parametrize("path", [AGENDAWEB, NATIVE])
def test_without_a_municipality_the_reader_asks_for_one(path):
    (source,) = sources.discover([path])
    with pytest.raises(IngestError) as refused:
        sources.read(source)
    assert "angiv den med --municipality" in refused.value.message


# --- through manage.py ingest -------------------------------------------------------------


def stored(meeting):
    return [
        (link.item.number if link.item else None, link.role, link.name,
         link.file.sha256[:12] if link.file else None)
        for link in Attachment.objects.filter(meeting=meeting)
        .select_related("item", "file").order_by("position")
    ]  # fmt: skip


@pytest.mark.django_db
def test_ingest_stores_a_folder_a_zip_and_a_tar_gz_each_as_one_meeting(capsys):
    call_command("ingest", str(EDOC), "--municipality", "Ballerup")
    call_command("ingest", str(PUBLICATION), str(NATIVE), "--municipality", "Ballerup")
    out = capsys.readouterr().out
    assert "1 filer: 1 møder og 8 punkter indlæst, 0 allerede i arkivet, 0 fejlede" in out
    assert "2 filer: 2 møder og 7 punkter indlæst, 0 allerede i arkivet, 0 fejlede" in out
    edoc = Meeting.objects.get(committee__name="Sundheds- og Forebyggelsesudvalget")
    assert (edoc.kind, edoc.date.isoformat(), edoc.start_time.isoformat()) == (
        "referat", "2012-12-04", "13:00:00",
    )  # fmt: skip
    source = edoc.sources.get()
    assert bytes(source.original) == (EDOC / "eDocAgendaPublishing.xml").read_bytes()
    assert (source.format, source.file_name) == ("edoc", "edoc-ballerup-2012-12-04")
    assert stored(edoc)[:3] == [
        (None, "document", "Åben dagsorden (samlet PDF)", None),
        (1, "document", "1552824.PDF", "16a63d6dab96"),
        (1, "bilag", "Redegørelse fra Træning og Aktivitet vedrørende Seniorrådets høringssvar",
         "56261576bf1c"),
    ]  # fmt: skip
    item = AgendaItem.objects.get(meeting=edoc, number=2)
    assert item.decision == "Indstillingen godkendt"
    assert item.other_sections == {"Baggrund": item.other_sections["Baggrund"]}
    assert item.decision_authority == "Sundheds- og Forebyggelsesudvalget"
    native = Meeting.objects.get(committee__name="Testudvalg")
    assert native.committee.municipality.name == "Ballerup Kommune"
    assert bytes(native.sources.get().original) == NATIVE.read_bytes()
    assert stored(native) == [
        (None, "document", "dagsorden.html", "3153c854b219"),
        (1, "bilag", "Test igen", "1646322a9231"),
        (1, "bilag", "Test", "251011109471"),
        (1, "bilag", "test", "11ee33a95cb0"),
    ]
    assert AgendaItem.objects.get(meeting=native, number=2).closed is True


@pytest.mark.django_db
def test_reingesting_an_unchanged_export_is_a_no_op(tmp_path, capsys):
    export = tmp_path / "acadre"
    shutil.copytree(ACADRE, export)
    call_command("ingest", str(export), str(NATIVE), "--municipality", "Syddjurs")
    before = (counts(), StoredFile.objects.count(), Attachment.objects.count())
    capsys.readouterr()
    call_command("ingest", str(export), str(NATIVE), "--municipality", "Syddjurs")
    assert (
        "0 møder og 0 punkter indlæst, 2 allerede i arkivet, 0 fejlede" in capsys.readouterr().out
    )
    assert (counts(), StoredFile.objects.count(), Attachment.objects.count()) == before
    assert before == ((1, 2, 2, 3, 2), 9, 9)
    # A changed bilag is a different export of a meeting already stored.
    bilag = export / "Files_1863_3687982" / "3525829E1.DOCX"
    bilag.write_bytes(bilag.read_bytes() + b"\0")
    with pytest.raises(SystemExit):
        call_command("ingest", str(export), "--municipality", "Syddjurs")
    assert "findes allerede i arkivet med et andet dokument" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_bundle_that_fails_halfway_stores_nothing(monkeypatch):
    real = store.stored_file
    seen = []

    def fail_on_the_fifth(attachment):
        seen.append(attachment.name)
        if len(seen) == 5:
            raise RuntimeError("disk full while writing a bilag")
        return real(attachment)

    monkeypatch.setattr(store, "stored_file", fail_on_the_fifth)
    (parsed,) = sources.read(sources.discover([EDOC])[0], municipality="Ballerup")
    with pytest.raises(RuntimeError):
        store.store(parsed, parsed.original)
    assert len(seen) == 5
    assert counts() == (0, 0, 0, 0, 0)
    assert (StoredFile.objects.count(), Attachment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_reparse_reads_an_archived_export_again_with_its_files():
    (parsed,) = sources.read(sources.discover([PUBLICATION])[0], municipality="Ballerup")
    outcome = store.store(parsed, parsed.original)
    result = store.reparse(SourceDocument.objects.get(pk=outcome.source.pk))
    assert (result.error, result.changed, result.before, result.after) == ("", False, 5, 5)
    link = Attachment.objects.get(meeting=outcome.meeting)
    assert (link.item.number, link.file.sha256[:12]) == (3, "bf676b188698")


@pytest.mark.django_db
def test_reparse_of_a_folder_export_keeps_its_stored_files_on_their_items():
    (parsed,) = sources.read(sources.discover([ACADRE])[0], municipality="Syddjurs")
    outcome = store.store(parsed, parsed.original)
    result = store.reparse(SourceDocument.objects.get(pk=outcome.source.pk))
    assert (result.error, result.changed) == ("", False)
    assert [n for n, *_rest in stored(outcome.meeting)] == [715] * 5


@pytest.mark.parametrize("path", [NATIVE, AGENDAWEB])
def test_closed_items_publish_no_bilag_names(path):
    # SBSYS native item 2 and AgendaWeb items 5 and 6 are closed; their bilag are named in the
    # export ("SV_ Vedrørende _ Regarding #Incident=…"), which would say what the case is.
    (source,) = sources.discover([path])
    (parsed,) = sources.read(source, municipality="Testkommune")
    closed = [item for item in parsed.meeting.items if item.closed]
    assert closed
    assert all(item.attachments == [] and item.files == [] for item in closed)
