"""Storing parsed minutes: atomic per document, idempotent by hash, originals kept."""

import hashlib
import json

import pytest
from django.core.management import call_command

from archive.models import AgendaItem, Meeting, Municipality, SourceDocument
from ingest import store
from ingest.errors import IngestError
from ingest.store import ingest_bytes
from tests.conftest import SAMPLES, counts


@pytest.mark.django_db
def test_ingesting_the_seeds_twice_leaves_counts_unchanged(ingest_sample):
    first = [ingest_sample(p).status for p in ("000", "001", "002", "003", "004")]
    after_first = counts()
    second = [ingest_sample(p).status for p in ("000", "001", "002", "003", "004")]
    assert first == ["created"] * 5
    assert second == ["duplicate"] * 5
    assert after_first == counts() == (2, 2, 5, 54, 5)


@pytest.mark.django_db
def test_original_bytes_and_hash_are_kept(ingest_sample, sample_bytes):
    outcome = ingest_sample("003")
    source = SourceDocument.objects.get(pk=outcome.source.pk)
    assert bytes(source.original) == sample_bytes("003")
    assert source.sha256 == hashlib.sha256(sample_bytes("003")).hexdigest()
    assert (source.format, source.encoding, source.status) == ("text", "utf-8", "current")


@pytest.mark.django_db
def test_items_carry_their_meeting_facts(all_samples):
    item = AgendaItem.objects.get(
        meeting__committee__municipality__name="Herlev Kommune", number=27
    )
    assert item.municipality.name == "Herlev Kommune"
    assert item.meeting_date.isoformat() == "2026-03-25"
    assert (item.kle_subject, item.kle_facet, item.kle_serial, item.kle_year) == (
        "00.30.02",
        "P21",
        1,
        2026,
    )
    assert item.outcome == "approved"
    assert [part["outcome"] for part in item.decision_parts] == ["noted", "approved", "approved"]
    assert item.other_sections == {}
    assert item.decision_authority == "Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget"


@pytest.mark.django_db
def test_a_failure_mid_document_leaves_nothing(ingest_sample, monkeypatch):
    ingest_sample("000")
    before = counts()

    def explode(meeting, parsed):
        raise RuntimeError("disk full while writing items")

    # The meeting and source rows are written before the items; the failure comes after.
    monkeypatch.setattr(store, "item_rows", explode)
    with pytest.raises(RuntimeError):
        ingest_sample("003")
    assert counts() == before
    assert not Municipality.objects.filter(name="Herlev Kommune").exists()


@pytest.mark.django_db
def test_corrected_version_is_refused_without_replace(ingest_sample, sample_bytes):
    ingest_sample("000")
    corrected = sample_bytes("000").replace(b"Indstillingen er", b"Indstillingen blev", 1)
    with pytest.raises(IngestError, match="findes allerede"):
        ingest_bytes(corrected, file_name="rettet.txt")
    assert Meeting.objects.count() == 1
    assert SourceDocument.objects.count() == 1


@pytest.mark.django_db
def test_replace_swaps_items_and_keeps_old_original_as_superseded(ingest_sample, sample_bytes):
    old = ingest_sample("000")
    corrected = sample_bytes("000").replace("Drøftet\n".encode(), b"Udsat\n", 1)
    new = ingest_bytes(corrected, file_name="rettet.txt", replace=True)
    assert new.status == "replaced"
    assert new.meeting.pk == old.meeting.pk
    assert Meeting.objects.count() == 1
    assert AgendaItem.objects.get(number=24).outcome == "postponed"
    previous = SourceDocument.objects.get(pk=old.source.pk)
    assert previous.status == "superseded"
    assert previous.superseded_by_id == new.source.pk
    assert bytes(previous.original) == sample_bytes("000")


@pytest.mark.django_db
def test_minutes_replace_an_agenda_of_the_same_meeting_by_themselves(sample_bytes):
    text = sample_bytes("000").decode()
    agenda = text.replace("REFERAT", "DAGSORDEN", 1)
    for word in ("Beslutning\n",):
        agenda = agenda.replace(word, "Noter\n")
    first = ingest_bytes(agenda.encode(), file_name="dagsorden.txt")
    assert first.meeting.kind == "dagsorden"
    second = ingest_bytes(sample_bytes("000"), file_name="referat.txt")
    assert second.status == "replaced"
    assert Meeting.objects.get().kind == "referat"


@pytest.mark.django_db
def test_oversize_file_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(IngestError, match="for stor"):
        ingest_bytes(b"x" * 1001, file_name="stor.txt")
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_command_loads_a_folder_and_prints_a_summary(capsys):
    call_command("ingest", str(SAMPLES))
    out = capsys.readouterr().out
    assert "5 filer: 5 møder og 54 punkter indlæst, 0 allerede i arkivet, 0 fejlede" in out
    call_command("ingest", str(SAMPLES))
    assert "0 møder og 0 punkter indlæst, 5 allerede i arkivet" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_reports_bad_files_and_exits_1_without_traceback(tmp_path, capsys):
    (tmp_path / "tom.txt").write_bytes(b"")
    (tmp_path / "program.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    (tmp_path / "noget.txt").write_text("Dette er ikke et referat.\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(tmp_path))
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err
    assert "Filen er tom" in err
    assert "Windows-program" in err
    assert "ikke fundet nogen dagsordenspunkter" in err
    assert "3 filer: 0 møder og 0 punkter indlæst, 0 allerede i arkivet, 3 fejlede" in captured.out
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_dry_run_json_writes_nothing_and_describes_each_file(capsys):
    call_command("ingest", str(SAMPLES), dry_run=True, json=True)
    lines = capsys.readouterr().out.strip().splitlines()
    docs = [json.loads(line) for line in lines]
    assert counts() == (0, 0, 0, 0, 0)
    assert len(docs) == 5
    herlev = docs[3]
    assert set(herlev) == {
        "source", "sha256", "format", "encoding", "municipality", "committee", "kind", "date",
        "time", "location", "participants", "absent", "body_kind", "items", "files",
        "warnings",
    }  # fmt: skip
    assert (herlev["date"], herlev["time"], herlev["participants"][0]) == (
        "2026-03-25",
        "16:00",
        {"name": "Arly Eskildsen", "party": "F"},
    )
    item = herlev["items"][0]
    assert set(item) == {
        "position", "number", "title", "closed", "case_number", "case_number_normalized", "kle",
        "case_workers", "sections", "decision", "outcome", "decision_parts", "attachments",
        "references",
    }  # fmt: skip
    assert item["kle"] == {"subject": "00.01.00", "facet": "A00", "serial": 29, "year": 2025}


@pytest.mark.django_db
def test_reparse_reports_changes_and_keeps_counts(all_samples, capsys):
    AgendaItem.objects.filter(number=21).update(title="forældet titel")
    call_command("reparse")
    out = capsys.readouterr().out
    assert "5 dokumenter genfortolket: 1 ændret, 0 fejlede" in out
    assert AgendaItem.objects.get(number=21, meeting__date="2026-03-26").title.startswith(
        "Godkendelse af retning"
    )
    assert AgendaItem.objects.count() == 54
