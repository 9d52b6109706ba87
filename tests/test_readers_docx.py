"""Word files: .docx through the same text pipeline as PDF and HTML, .doc refused.

Real files: the Acadre export's Word bilag (tests/fixtures/esdh/acadre-syddjurs-2013-06-20)
and a referat written with python-docx as a secretary would (tests/docx_factory.py).
"""

import io
import os
import zipfile
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.errors import IngestError
from ingest.limits import Sandbox
from ingest.readers import attachment, docx
from tests import docx_factory

FIXTURES = Path(__file__).parent / "fixtures"
ACADRE = FIXTURES / "esdh" / "acadre-syddjurs-2013-06-20" / "Files_1863_3687982"
OPSAMLING = ACADRE / "3525829E1.DOCX"
KULTUR = ACADRE / "3629343E3.DOCX"
LEGACY = ACADRE / "2531342E2.DOC"


def test_docx_referat_parses_into_items_like_a_pdf():
    parsed = pipeline.parse_document(docx_factory.FIXTURE.read_bytes(), source="referat.docx")
    meeting = parsed.meeting
    assert parsed.format == "docx"
    assert (meeting.municipality, meeting.committee, meeting.kind) == (
        "Roskilde Kommune",
        "Teknik- og Miljøudvalget",
        "referat",
    )
    assert (meeting.date.isoformat(), meeting.time.isoformat("minutes")) == ("2026-04-14", "16:00")
    assert meeting.location == "Mødelokale 2, Rådhuset"
    assert [p.name for p in meeting.participants] == ["Anne Holm", "Per Lund", "Sara Krogh"]
    assert [p.name for p in meeting.absent] == ["Ole Bak"]
    assert [
        (i.number, i.title, i.case_number.printed, i.decision, i.outcome) for i in meeting.items
    ] == [
        (1, "Godkendelse af dagsorden", "EMN-2026-00445", "Godkendt.", "approved"),
        (
            2,
            "Budgetopfølgning pr. 31. marts 2026 for Teknik- og Miljøudvalgets område",
            "15.00.00-A00-3-25",
            "Taget til efterretning.",
            "noted",
        ),
        (
            3,
            "Anlægsbevilling til cykelsti langs Hovedgaden",
            "21-014448",
            "Anbefales over for Byrådet.",
            "recommended",
        ),
    ]
    assert meeting.items[1].case_number.kle()["subject"] == "15.00.00"
    assert meeting.items[0].sections["case_text"] == "Dagsordenen forelægges til godkendelse."


def test_the_docx_page_footer_is_not_text():
    text, _warnings = docx.extract_docx(docx_factory.FIXTURE.read_bytes())
    assert "side 1" not in text
    # The header table's rows come back as rows, cells joined by a tab.
    assert "Dato:\t14. april 2026\n\nTid:\tKl. 16.00\n\n" in text


def test_word_s_own_item_numbering_is_written_out():
    # "List Number" paragraphs: Word draws "1." itself, the text holds only the title.
    data = docx_factory.numbered_referat()
    assert b"1. Godkendelse" not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    text, _warnings = docx.extract_docx(data)
    assert "\n\n1. Godkendelse af dagsorden\n\n" in text
    assert "\n\n3. Anlægsbevilling til cykelsti langs Hovedgaden\n\n" in text
    meeting = pipeline.parse_document(data).meeting
    assert [(i.number, i.case_number.printed) for i in meeting.items] == [
        (1, "EMN-2026-00445"),
        (2, "15.00.00-A00-3-25"),
        (3, "21-014448"),
    ]


def test_real_acadre_word_bilag_give_their_text_in_order_with_numbering_and_bullets():
    text, _warnings = docx.extract_docx(OPSAMLING.read_bytes())
    assert text.startswith("Kulturkommune 2017\n\nSyddjurs Kommune har sat fokus på kulturområdet")
    expected = [
        "Rammen for arbejdet",
        "1. Hvad er en kulturkommune?",
        "2. Hvilken forskel gør det for borgerne, at Syddjurs Kommune er en kulturkommune?",
        "- Byrådsmedlemmerne blev opfordret til at invitere en gæst med til temamødet",
        "Perspektivering",
        "- God timing",
    ]
    blocks = text.split("\n\n")
    assert [blocks.index(block) for block in expected] == sorted(
        blocks.index(block) for block in expected
    )
    assert "fregatten" in docx.extract_docx(KULTUR.read_bytes())[0].lower()


def test_a_word_bilag_on_its_own_is_not_minutes():
    with pytest.raises(IngestError, match="dagsordenspunkter"):
        pipeline.parse_document(OPSAMLING.read_bytes(), source="Opsamlingsnotat.docx")


def test_word_attachments_are_read_for_search():
    found = attachment.read_text_layer(OPSAMLING.read_bytes())
    assert found.status == "layer"
    assert "Hvad er en kulturkommune?" in found.pages[0].text
    # The old binary format is kept but not read.
    assert attachment.read_text_layer(LEGACY.read_bytes()).status == "unsupported"


def test_legacy_doc_is_refused_asking_for_docx_or_pdf():
    with pytest.raises(IngestError) as refused:
        pipeline.parse_document(LEGACY.read_bytes(), source="politik.doc")
    assert "gamle format (.doc)" in refused.value.message
    assert "gem det som .docx eller PDF" in refused.value.message
    assert refused.value.reason == "legacy-doc"


def test_other_legacy_office_files_are_refused_without_calling_them_word():
    # An OLE2 compound file without a WordDocument stream (an old .xls, say).
    data = pipeline.OLE2 + LEGACY.read_bytes()[8:].replace(pipeline.WORD_STREAM, b"W" * 24)
    with pytest.raises(IngestError, match="gammelt Office-dokument"):
        pipeline.parse_document(data)


def _repacked(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The package with some parts replaced (deflated, as Word writes them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name in set(replace) - set(source.namelist()):
            target.writestr(name, replace[name])
    return out.getvalue()


@pytest.mark.parametrize(
    "part, size",
    [
        ("word/document.xml", docx.PART_BYTES + 1),  # a huge document.xml
        ("word/media/image1.png", 2 * 1024**2),  # 2 MB of zeros: a thousand times its size
    ],
)
def test_a_zip_bomb_inside_a_docx_ends_with_one_clear_message_under_the_limits(part, size):
    original = docx_factory.FIXTURE.read_bytes()
    document = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml")
    filler = document.replace(b"</w:body>", b" " * (size - len(document)) + b"</w:body>")
    bomb = _repacked(original, {part: filler if part.endswith(".xml") else b"\0" * size})
    assert len(bomb) < len(original) + 200 * 1024
    limits = Sandbox(seconds=20, memory_bytes=1024 * 1024**2)
    with limits as sandbox, pytest.raises(IngestError) as refused:
        sandbox.run(pipeline.parse_document, bomb, source="bombe.docx")
    assert "zip-bombe" in refused.value.message
    assert part in refused.value.message


def test_many_parts_that_add_up_past_the_package_limit_are_refused(monkeypatch):
    monkeypatch.setattr(docx, "PACKAGE_BYTES", 5 * 1024**2)
    original = docx_factory.FIXTURE.read_bytes()
    # Random bytes do not compress: each part passes alone, together they are too much.
    parts = {f"word/media/image{n}.bin": os.urandom(1024**2) for n in range(6)}
    with pytest.raises(IngestError, match="i alt over 5 MB"):
        docx.extract_docx(_repacked(original, parts))


def test_entities_in_a_docx_part_are_refused():
    original = docx_factory.FIXTURE.read_bytes()
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(IngestError, match="billion laughs"):
        pipeline.parse_document(_repacked(original, {"word/document.xml": laughs}))


@pytest.mark.parametrize("share", [0.3, 0.9])
def test_a_truncated_docx_is_refused_as_damaged(share):
    data = docx_factory.FIXTURE.read_bytes()
    with pytest.raises(IngestError, match="beskadiget|ZIP-arkiv"):
        pipeline.parse_document(data[: int(len(data) * share)])


def test_content_controls_tracked_changes_and_cells_of_several_paragraphs():
    import docx as python_docx
    from docx.oxml import parse_xml

    document = python_docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Mødested:"
    table.rows[0].cells[0].add_paragraph("(adresse)")
    table.rows[0].cells[1].text = "Byrådssalen"
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    # A referat template's field in a content control, and a title changed with tracking on.
    document.element.body.insert(
        0,
        parse_xml(
            f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Økonomiudvalget</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    document.element.body.insert(
        1,
        parse_xml(
            f"<w:p {w}><w:r><w:t xml:space='preserve'>Punkt 1. </w:t></w:r>"
            "<w:del><w:r><w:delText>Budget</w:delText></w:r></w:del>"
            "<w:ins><w:r><w:t>Regnskab 2025</w:t></w:r></w:ins></w:p>"
        ),
    )
    out = io.BytesIO()
    document.save(out)
    text, _warnings = docx.extract_docx(out.getvalue())
    assert text == "Økonomiudvalget\n\nPunkt 1. Regnskab 2025\n\nMødested: (adresse)\tByrådssalen\n"
