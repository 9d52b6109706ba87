"""Files that are not minutes are refused with what they seem to be.

Real files from Aarhus (tests/fixtures/docs/): a bilag that is a printed e-mail, a bilag that
is a table of cases on their way, and the meeting list of a First Agenda portal.
"""

import json
import shutil
import tarfile
from pathlib import Path

import pytest

from ingest import evaluate as E
from ingest import pipeline
from ingest.errors import IngestError
from ingest.limits import Sandbox
from ingest.parse import notminutes
from tests.conftest import sample_path

DOCS = Path(__file__).parent / "fixtures" / "docs"
EMAIL = DOCS / "aarhus_byraad_2025-08-27_bilag-henvendelse.pdf"
TABLE = DOCS / "aarhus_sundhed-omsorg_2025-08-29_bilag-sager-paa-vej.pdf"
MEETING_LIST = DOCS / "aarhus_dagsordener-portal_2025-10_index.html"

STYLESHEET = b"""/* Dagsorden - udskrift */
body { font-family: Arial, sans-serif; margin: 0; }
.punkt h2 { font-size: 14pt;
  color: #003366; }
@media print {
  .navigation { display: none; }
}
table.beslutning td { padding: 2px 4px; }
"""


def refusal(data: bytes) -> IngestError:
    with pytest.raises(IngestError) as refused:
        pipeline.parse_document(data, source="upload")
    return refused.value


@pytest.mark.parametrize(
    "path, reason, says",
    [
        (EMAIL, notminutes.EMAIL, "ligner en e-mail"),
        (TABLE, notminutes.TABLE, "ligner et bilag med en tabel"),
        (MEETING_LIST, notminutes.MEETING_LIST, "ligner en oversigt over møder"),
    ],
)
def test_real_files_that_are_not_minutes_are_refused_saying_what_they_seem(path, reason, says):
    error = refusal(path.read_bytes())
    assert error.reason == reason
    assert says in error.message and "ikke et referat" in error.message


def test_a_stylesheet_is_refused_as_css():
    error = refusal(STYLESHEET)
    assert (error.reason, "ligner et stylesheet (CSS)" in error.message) == ("stylesheet", True)


def test_a_real_export_s_stylesheet_is_refused_as_css():
    # The HTML preview's stylesheet of the SBSYS native export (CRLF, a Danish comment).
    export = Path(__file__).parent / "fixtures" / "esdh"
    with tarfile.open(export / "sbsys-native-lyngby-taarbaek-2016-03-31.tar.gz") as archive:
        data = archive.extractfile("test/master.css").read()
    assert refusal(data).reason == notminutes.STYLESHEET


def test_the_reason_survives_the_limited_child_process():
    with Sandbox(seconds=20) as sandbox, pytest.raises(IngestError) as refused:
        sandbox.run(pipeline.parse_document, EMAIL.read_bytes())
    assert refused.value.reason == "email"


def test_an_e_mail_quoted_inside_minutes_does_not_make_them_an_e_mail():
    text = sample_path("000").read_text(encoding="utf-8")
    quoted = "Fra: Borger <a@b.dk>\nSendt: 3. marts 2026\nTil: Udvalget\nEmne: Høringssvar\n\n"
    middle = text.index("\n\n", len(text) // 2)
    mixed = text[:middle] + "\n\n" + quoted + text[middle:]
    assert len(pipeline.parse_document(mixed.encode()).meeting.items) == 10


def test_an_e_mail_header_needs_from_and_two_other_fields():
    assert notminutes._is_email(["Fra: A", "Til: B", "Emne: C"])
    assert notminutes._is_email(["From: A", "Sent: 1 May", "To: B"])
    # Minutes open with a date and a place, never with who sent them.
    assert not notminutes._is_email(["Referat", "Dato: 3. marts 2026", "Til stede: A, B"])
    assert not notminutes._is_email(["Fra: Teknisk Forvaltning", "Dato: 3. marts 2026"])


def test_a_table_with_the_structure_of_minutes_is_not_called_a_table():
    rows = [f"{n}\tSag {n}\tForvaltningen\tVedtaget" for n in range(8)]
    assert notminutes._is_table(rows)
    assert not notminutes._is_table([*rows, "Beslutning", "Godkendt."])
    assert not notminutes._is_table(["Pkt. 3 Budget", *rows])


def test_a_few_dated_references_are_no_meeting_list():
    lines = [
        "Punkt 1. Budget",
        "Sagen blev behandlet i Økonomiudvalget 01/10-2025 og i Byrådet 08/10-2025.",
        "Beslutning",
        "Godkendt.",
    ]
    assert not notminutes._is_meeting_list(lines)


def test_evaluate_counts_a_refusal_by_its_reason(tmp_path):
    root = tmp_path / "realdocs"
    root.mkdir()
    shutil.copy(EMAIL, root / "bilag.pdf")
    shutil.copy(MEETING_LIST, root / "liste.html")
    expected = tmp_path / "expected"
    expected.mkdir()
    for name, reason in [("bilag.pdf", "email"), ("liste.html", "email")]:
        expectation = {"source": name, "system": "not-minutes", "refused": reason}
        (expected / f"{name}.json").write_text(json.dumps(expectation), encoding="utf-8")
    with Sandbox() as sandbox:
        report = E.evaluate([root], root=root, expected_dir=expected, sandbox=sandbox)
    tally = report.fields["not-minutes"]["refused"]
    assert (tally.correct, tally.total) == (1, 2)
    [wrong] = report.mismatches
    assert (wrong.source, wrong.expected) == ("liste.html", "email")
    assert wrong.got.startswith("meeting-list: Filen ligner en oversigt over møder")


def test_the_expectation_files_name_the_reason_of_every_not_minutes_file():
    found = E.load_expectations(Path(__file__).parent / "expected", [])
    refused = {
        Path(key).name: value["refused"]
        for key, value in found.items()
        if key.startswith("os2dagsorden-examples/not-minutes/")
    }
    assert refused == {
        "aarhus_byraad_2025-08-27_bilag-henvendelse.pdf": "email",
        "aarhus_sundhed-omsorg_2025-08-29_bilag-sager-paa-vej.pdf": "table",
        "aarhus_dagsordener-portal_2014-12_index-scrolled.html": "meeting-list",
        "aarhus_dagsordener-portal_2025-10_index.html": "meeting-list",
    }
