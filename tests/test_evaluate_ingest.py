"""evaluate_ingest: real documents read without storing, scored against what is known."""

import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ingest import evaluate as E
from ingest import sources
from ingest.limits import Sandbox
from ingest.management.commands.evaluate_ingest import realdocs_root
from ingest.pipeline import parse_document
from tests.conftest import sample_path
from tests.firstagenda_golden import FIXTURES, fixtures

REFERAT = FIXTURES / "greve_kfu_2022-12-12_referat.json"
AGENDA = FIXTURES / "greve_kfu_2022-12-12_dagsorden_uden_beslutninger.json"
WITHHELD = FIXTURES / "greve_sbu_2022-03-15_ikke_frigivet.json"
FIELDS = [
    "item.case_number", "item.closed", "item.files", "item.number", "item.outcome",
    "item.released", "item.title", "meeting.absent", "meeting.committee", "meeting.date",
    "meeting.location", "meeting.participants", "meeting.time",
]  # fmt: skip


def run(paths, root, expected_dir, **kwargs):
    with Sandbox() as sandbox:
        return E.evaluate(
            [str(p) for p in paths], root=root, expected_dir=expected_dir, sandbox=sandbox, **kwargs
        )


def test_first_agenda_fixtures_score_every_field_against_their_own_json(tmp_path):
    report = run([*fixtures(), FIXTURES / "README.md"], FIXTURES, tmp_path)
    assert report.sources == 7 + 1
    assert report.evaluated == {"firstagenda-json": 7}
    assert report.not_evaluated == ["README.md"]
    tallies = report.fields["firstagenda-json"]
    assert sorted(tallies) == FIELDS
    assert {name: (t.correct, t.total) for name, t in tallies.items() if t.correct != t.total} == {}
    assert tallies["item.title"].total == 9 + 3 + 3 + 3 + 9 + 3 + 11
    assert tallies["meeting.time"].total == 7
    assert report.mismatches == []


def test_the_source_facts_are_read_without_the_reader():
    facts = E.firstagenda_facts(WITHHELD)
    assert facts["system"] == "firstagenda-json"
    assert facts["meeting"] == {
        "committee": "Skole-, Børne- og Ungeudvalget",
        "date": "2022-03-15",
        "time": "08:15",
        "location": "Mødelokale 1",
        "participants": [
            "Marc Genning", "Claus Jensen", "Bjarke Abel", "Anne Marie Lyduch", "Linda Heegaard",
        ],
        "absent": [],
    }  # fmt: skip
    first, last = facts["items"][0], facts["items"][-1]
    assert first == {
        "number": 1,
        "title": "Godkendelse af dagsorden",
        "case_number": "21-014470",
        "closed": False,
        "released": True,
        "files": [],
        "outcome": "approved",
    }
    assert (last["title"], last["released"], last["outcome"]) == (
        "Underskriftsark",
        False,
        "withheld",
    )
    assert E.firstagenda_facts(sample_path("000")) is None


def test_a_reading_that_differs_from_the_source_is_counted_and_shown():
    # The agenda's reading against the referat's facts: the decisions are missing.
    report = E.Report()
    documents = [parse_document(AGENDA.read_bytes(), source=AGENDA.name)]
    E.compare(E.firstagenda_facts(REFERAT), documents, "", report, source="kfu")
    released = report.fields["firstagenda-json"]["item.released"]
    assert (released.correct, released.total) == (1, 3)
    assert [(m.source, m.field, m.expected, m.got) for m in report.mismatches] == [
        ("kfu #1", "item.released", True, False),
        ("kfu #1", "item.outcome", "approved", "none"),
        ("kfu #2", "item.released", True, False),
    ]


def test_a_failed_reading_is_a_mismatch_of_every_expected_field():
    report = E.Report()
    E.compare(E.firstagenda_facts(REFERAT), [], "Filen er tom", report, source="kfu")
    assert report.total("firstagenda-json").correct == 0
    assert report.mismatches[0].got == "FEJL: Filen er tom"


def realdocs(tmp_path):
    """A realdocs-like folder: a seed as a text minutes file, a non-minutes note, an extra."""
    root = tmp_path / "realdocs"
    (root / "herning").mkdir(parents=True)
    shutil.copy(sample_path("000"), root / "herning" / "referat.txt")
    (root / "note.txt").write_text("Dette er ikke et referat.\n", encoding="utf-8")
    (root / "andet.txt").write_text("Heller ikke et referat.\n", encoding="utf-8")
    expected = tmp_path / "expected"
    expected.mkdir()
    herning = {
        "source": "herning/referat.txt",
        "system": "text",
        "refused": None,
        "meeting": {
            "municipality": "Herning Kommune",
            "committee": "Beskæftigelsesudvalget",
            "date": "2026-03-26",
            "time": "13:00",
            "absent": [],
        },
        "items": [
            {"number": 21, "decision": "Indstillingen er", "outcome": "approved"},
            {"number": 22, "title": "Forkert titel"},
            *({"number": number} for number in range(23, 31)),
        ],
    }
    note = {"source": "note.txt", "system": "not-minutes", "refused": "dagsordenspunkter"}
    (expected / "herning.json").write_text(json.dumps(herning), encoding="utf-8")
    (expected / "note.json").write_text(json.dumps(note), encoding="utf-8")
    (expected / "broken.json").write_text("{", encoding="utf-8")
    return root, expected


def test_expectation_files_are_found_by_their_source_and_compared(tmp_path):
    root, expected = realdocs(tmp_path)
    report = run([root], root, expected)
    assert report.evaluated == {"text": 1, "not-minutes": 1}
    text = report.fields["text"]
    assert {name: (t.correct, t.total) for name, t in sorted(text.items())} == {
        "item.decision": (1, 1),
        "item.number": (10, 10),
        "item.outcome": (1, 1),
        "item.title": (0, 1),
        "meeting.absent": (1, 1),
        "meeting.committee": (1, 1),
        "meeting.date": (1, 1),
        "meeting.municipality": (1, 1),
        "meeting.time": (1, 1),
    }
    [wrong] = report.mismatches
    assert (wrong.source, wrong.field, wrong.expected) == (
        "herning/referat.txt #2",
        "item.title",
        "Forkert titel",
    )
    assert report.fields["not-minutes"]["refused"].correct == 1
    assert report.not_evaluated == ["andet.txt"]
    assert report.unreadable == []  # not read without read_all
    assert report.problems == ["broken.json: kan ikke læses (Expecting property name "
                               "enclosed in double quotes: line 1 column 2 (char 1))"]  # fmt: skip


def test_read_all_also_reads_what_is_not_evaluated(tmp_path):
    root, expected = realdocs(tmp_path)
    report = run([root / "andet.txt"], root, expected, read_all=True)
    assert report.not_evaluated == ["andet.txt"]
    assert [key for key, _ in report.unreadable] == ["andet.txt"]
    assert "dagsordenspunkter" in report.unreadable[0][1]


@pytest.mark.django_db
def test_command_prints_figures_per_system_and_field(capsys):
    call_command("evaluate_ingest", str(REFERAT), str(AGENDA))
    out = capsys.readouterr().out
    assert "2 kilder, 2 evalueret, 0 ikke evalueret" in out
    assert "firstagenda-json: 2 dokumenter, 53/53 felter rigtige (100.0 %)" in out
    assert "  item.released                       6        6   100.0" in out


@pytest.mark.django_db
def test_command_json_has_all_figures(capsys):
    call_command("evaluate_ingest", *map(str, fixtures()), json=True)
    figures = json.loads(capsys.readouterr().out)
    system = figures["systems"]["firstagenda-json"]
    assert (figures["sources"], figures["evaluated"], system["documents"]) == (7, 7, 7)
    assert (system["accuracy"], system["correct"]) == (100.0, system["total"])
    assert sorted(system["fields"]) == FIELDS
    assert system["fields"]["item.outcome"] == {"correct": 28, "total": 28, "accuracy": 100.0}
    assert figures["mismatches"] == figures["not_evaluated"] == []


def test_command_refuses_a_missing_path_with_exit_code_2(tmp_path):
    with pytest.raises(CommandError, match="Findes ikke") as error:
        call_command("evaluate_ingest", str(tmp_path / "findes-ikke"))
    assert error.value.returncode == 2


def test_default_folder_is_shared_realdocs_beside_the_project():
    root = realdocs_root()
    assert root.parts[-2:] == ("shared", "realdocs")


def test_a_folder_given_as_a_relative_path_up_is_walked(tmp_path, monkeypatch):
    # "../shared/realdocs": ".." is no hidden folder; hidden files below the folder still are.
    folder = tmp_path / "shared" / "realdocs"
    folder.mkdir(parents=True)
    shutil.copy(REFERAT, folder / "referat.json")
    (folder / ".skjult.json").write_bytes(REFERAT.read_bytes())
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    found = sources.discover(["../shared/realdocs"])
    assert [source.name for source in found] == ["../shared/realdocs/referat.json"]
