"""Minutes in the layouts of other municipalities and systems parse as a careful reader would.

tests/fixtures/styles/ holds hand-made documents in the styles of Slagelse (Acadre),
Rødovre, København (eDoc), Aabenraa, Odense (SBSYS), Esbjerg (KMD), a Drupal portal and
Vejle; each has the expected result next to it (see the README there).
"""

import json

import pytest

from ingest.errors import IngestError
from ingest.pipeline import parse_document
from tests.conftest import FIXTURES

STYLES = FIXTURES / "styles"
DOCUMENTS = sorted(
    p for p in STYLES.iterdir() if p.suffix in {".txt", ".md"} and p.stem != "README"
)
MEETING_KEYS = ("committee", "kind", "date", "time", "location", "participants", "absent")


def expected_for(path):
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def parsed(path, expected):
    # One fixture never names its municipality; the editor gives it, as the CLI would.
    given = None if expected["municipality"] else "Roskilde Kommune"
    return parse_document(path.read_bytes(), source=path.name, municipality=given).as_json()


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_meeting_header(path):
    expected = expected_for(path)
    result = parsed(path, expected)
    assert {k: result[k] for k in MEETING_KEYS} == {k: expected[k] for k in MEETING_KEYS}
    if expected["municipality"]:
        assert result["municipality"] == expected["municipality"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_items(path):
    expected = expected_for(path)
    result = parsed(path, expected)
    assert len(result["items"]) == len(expected["items"])
    for want, got in zip(expected["items"], result["items"], strict=True):
        assert {k: got[k] for k in want} == want, f"item {want['position']}"


def test_a_document_that_never_names_its_municipality_needs_it_given():
    path = STYLES / "07_web_pkt_uden_kommunenavn.txt"
    with pytest.raises(IngestError, match="--municipality"):
        parse_document(path.read_bytes(), source=path.name)


def test_crlf_fixture_really_has_crlf():
    data = (STYLES / "04_aabenraa_beslutningsprotokol_crlf.txt").read_bytes()
    assert data.count(b"\r\n") > 50
