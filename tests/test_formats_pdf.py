"""PDF input: real minutes laid out as PDFs by tests/pdf_factory.py come back block by block."""

import io
import os
import re

import pypdf
import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import IngestError
from ingest.pipeline import PDF, extract
from ingest.readers.pdf import extract_pdf
from ingest.readers.pdf_layout import _join
from tests.conftest import sample_path
from tests.pdf_factory import make_minutes_pdf, pdf_safe

HEADER = "Beskæftigelsesudvalget 26-03-2026"
FILLER = ["Udvalget", "drøfter", "i", "dag", "den", "samlede", "indsats", "på", "området", "for"]


def blocks(text: str, *, empty_cells: bool = False) -> list[str]:
    """Blocks of the shared text shape, compared with whitespace normalised.

    A bullet becomes "- " and "1)" becomes "1." as the contract writes them. Empty table cells
    are dropped unless `empty_cells`: only a ruled table shows where an empty cell was.
    """
    found = []
    for line in text.replace("\u00a0", " ").splitlines():
        if "\t" in line and line.strip():
            cells = [" ".join(cell.split()) for cell in line.strip(" ").split("\t")]
            line = "\t".join(cell for cell in cells if cell or empty_cells)
        else:
            line = re.sub(r"^[•-] ", "- ", " ".join(line.split()))
            line = re.sub(r"^(\d+)\) ", r"\1. ", line)
        if line:
            found.append(line)
    return found


def raw_lines(pdf: bytes) -> list[str]:
    """The PDF's printed lines as pypdf reads them, to check what the factory laid out."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return [line.strip() for page in pages for line in page.extract_text().splitlines()]


def line_breaks(pdf: bytes) -> list[tuple[str, str]]:
    """(last word of a line, first word of the next line) for lines ending in a hyphen."""
    lines = [line for line in raw_lines(pdf) if line]
    return [
        (above.split()[-1], below.split()[0])
        for above, below in zip(lines, lines[1:], strict=False)
        if re.search(r"\w-$", above)
    ]


def sample_text(prefix: str) -> str:
    return sample_path(prefix).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def minutes_000():
    text = sample_text("000")
    return text, make_minutes_pdf(text, header=HEADER)


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_every_block_of_a_real_sample_comes_back_in_order(prefix):
    text = sample_text(prefix)
    pdf = make_minutes_pdf(text, header=HEADER)
    extracted, warnings = extract_pdf(pdf)
    assert blocks(extracted) == blocks(pdf_safe(text))
    assert warnings == []


def test_ruled_table_rows_come_back_whole_with_their_empty_cells():
    text = sample_text("000")
    pdf = make_minutes_pdf(text, header=HEADER, ruled_tables=True)
    # The narrowed columns really wrapped this header cell over lines.
    assert not any("Tillægsbevillinger/omplaceringer 2025" in line for line in raw_lines(pdf))
    extracted, _ = extract_pdf(pdf)
    assert blocks(extracted, empty_cells=True) == blocks(pdf_safe(text), empty_cells=True)
    assert "\n\n\tRegnskab\t\t\tVedtaget\tKorrigeret\t" in extracted


def test_bullets_drawn_as_shapes_start_list_items():
    pdf = FPDF(unit="pt")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.text(60, 80, "Det kræver:")
    for number, item in enumerate(["en styrket faglighed", "evne til at arbejde frit"]):
        baseline = 100 + 14 * number
        pdf.circle(x=64, y=baseline - 3.5, radius=1.5, style="F")  # as browsers print "disc"
        pdf.text(74, baseline, item)
    extracted, _ = extract_pdf(bytes(pdf.output()))
    assert blocks(extracted) == [
        "Det kræver:",
        "- en styrket faglighed",
        "- evne til at arbejde frit",
    ]


def test_pdf_bytes_are_sniffed_and_extracted_through_the_format_registry(minutes_000):
    text, pdf = minutes_000
    extracted = extract(pdf)
    assert extracted.format == PDF
    assert blocks(extracted.text) == blocks(pdf_safe(text))


def test_sample_pdf_really_has_wrapped_paragraphs_and_many_pages(minutes_000):
    _, pdf = minutes_000
    # Guards the round trip above: it only proves something if the factory wrapped lines.
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 5
    assert len(raw_lines(pdf)) > len(blocks(sample_text("000"))) + 100


def test_blocks_are_separated_by_blank_lines_and_paragraphs_are_single_lines(minutes_000):
    text, pdf = minutes_000
    extracted, _ = extract_pdf(pdf)
    long_paragraph = next(line for line in text.splitlines() if line.startswith("Reformen lægger"))
    assert f"\n\n{long_paragraph}\n\n" in extracted
    assert "\n\nRammestyring\t35.193\t34.841\t352\t883\n\n" in extracted
    assert "\n\n- sikre en differentieret anvendelse af digitalisering, hvor" in extracted


def test_running_header_and_page_footer_are_removed(minutes_000):
    _, pdf = minutes_000
    printed = raw_lines(pdf)
    assert printed.count(HEADER) >= 5
    assert any(re.fullmatch(r"Side \d+ af \d+", line) for line in printed)
    extracted, _ = extract_pdf(pdf)
    assert HEADER not in extracted
    assert not re.search(r"Side \d+ af \d+", extracted)


@pytest.mark.parametrize("label", ["{page}/{pages}", "- {page} -", "{page}", "Side {page}"])
def test_other_page_number_footers_are_removed(label):
    text = sample_text("001")
    extracted, _ = extract_pdf(make_minutes_pdf(text, header=None, page_label=label))
    assert blocks(extracted) == blocks(pdf_safe(text))


def pdf_of_pages(pages: list[list[str]]) -> bytes:
    """One line of 10 pt Helvetica per string, 14 pt apart, from the top of each page."""
    pdf = FPDF(unit="pt")
    pdf.set_font("Helvetica", size=10)
    for lines in pages:
        pdf.add_page()
        for number, line in enumerate(lines):
            pdf.text(60, 80 + 14 * number, line)
    return bytes(pdf.output())


def test_paragraphs_continue_across_a_page_break_unless_a_sentence_ended_short():
    first = [
        "Udvalget drøftede budgettet for 2027 og de politiske mål for området og",
        "besluttede at sende forslaget videre til Økonomiudvalget i april.",
    ]
    second = [
        "Beskæftigelsesudvalget orienteres om status for implementeringen samt",
        "de økonomiske konsekvenser af dobbeltdiagnosetilbuddet i regionen samt",
    ]
    third = ["om den videre proces."]
    extracted, _ = extract_pdf(pdf_of_pages([first, second, third]))
    assert blocks(extracted) == [" ".join(first), " ".join(second + third)]


def test_header_on_a_one_page_document_is_kept_but_its_page_number_goes():
    text = "REFERAT Beskæftigelsesudvalget\n\nIndstillingen er tiltrådt."
    extracted, _ = extract_pdf(make_minutes_pdf(text, header=HEADER))
    # One page cannot show that a line repeats; a page number is recognisable on its own.
    assert blocks(extracted) == [
        HEADER,
        "REFERAT Beskæftigelsesudvalget",
        "Indstillingen er tiltrådt.",
    ]


def test_text_that_repeats_in_the_body_survives():
    paragraph = " ".join(FILLER * 3) + " om beskæftigelsesindsatsen for unge."
    parts = []
    for number in range(1, 41):
        parts += ["Beslutning", "Indstillingen er tiltrådt.", HEADER, f"{paragraph} ({number})"]
    text = "REFERAT\n\n" + "\n\n".join(parts)
    pdf = make_minutes_pdf(text, header=HEADER)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 6
    extracted, _ = extract_pdf(pdf)
    assert blocks(extracted) == blocks(text)


def test_words_hyphenated_at_line_ends_are_joined():
    words = ["beskæftigelsesreformen", "kompetenceudviklingsindsatsen", "forsørgelsesydelserne"]
    paragraph = " ".join(
        f"{' '.join(FILLER[: number % 9 + 1])} {words[number % 3]}." for number in range(40)
    )
    pdf = make_minutes_pdf(f"Sagsfremstilling\n\n{paragraph}", header=None, footer_pages=False)
    split = [(head, tail) for head, tail in line_breaks(pdf) if tail[:1].islower()]
    assert len(split) >= 5  # the factory really broke words across lines
    extracted, _ = extract_pdf(pdf)
    assert blocks(extracted) == ["Sagsfremstilling", paragraph]


def test_suspended_compounds_keep_their_hyphen_at_a_line_end():
    paragraph = " ".join(
        f"{' '.join(FILLER[: number % 10 + 1])} {number} på social- og sundhedsområdet "
        f"samt sundheds- eller beskæftigelsesområdet."
        for number in range(30)
    )
    pdf = make_minutes_pdf(f"Resume\n\n{paragraph}", header=None, footer_pages=False)
    breaks = line_breaks(pdf)
    assert ("social-", "og") in breaks or ("sundheds-", "eller") in breaks
    extracted, _ = extract_pdf(pdf)
    assert blocks(extracted) == ["Resume", paragraph]


@pytest.mark.parametrize(
    ("line", "following", "joined"),
    [
        (
            "implementering af beskæftigelses-",
            "reformen.",
            "implementering af beskæftigelsesreformen.",
        ),
        ("på social-", "og sundhedsområdet", "på social- og sundhedsområdet"),
        ("sundheds-", "eller plejeområdet", "sundheds- eller plejeområdet"),
        ("fra 2025-", "2026 og frem", "fra 2025-2026 og frem"),
        ("et nyt CPR-", "nummer", "et nyt CPR-nummer"),
        (
            "Beskæftigelses-",
            "Social- og Sundhedsudvalget",
            "Beskæftigelses- Social- og Sundhedsudvalget",
        ),
        ("det nye it-", "system", "det nye it-system"),  # "it-system" is in the vocabulary
        ("borger", "-og virksomhedsrettede", "borger -og virksomhedsrettede"),
        ("orden\u00ad", "sregler", "ordensregler"),
        ("medarbe\u2010", "jdersiden", "medarbejdersiden"),
        ("hjemviste/", "ændrede sager", "hjemviste/ændrede sager"),
    ],
)
def test_line_end_hyphens(line, following, joined):
    assert _join(line, following, vocabulary={"it-system"}) == joined


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_pages_turned_with_rotate_are_read_as_if_upright(angle):
    text = sample_text("001")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_minutes_pdf(text, header=HEADER)))
    for page in writer.pages:
        page.rotate(angle)
    turned = io.BytesIO()
    writer.write(turned)
    extracted, warnings = extract_pdf(turned.getvalue())
    assert blocks(extracted) == blocks(pdf_safe(text))
    assert warnings == []


def test_sideways_margin_note_is_left_out_with_a_warning():
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.text(20, 30, "Beslutning: Indstillingen er tiltrådt.")
    with pdf.rotation(90, x=10, y=200):
        pdf.text(10, 200, "Dok.nr. 12345")
    extracted, warnings = extract_pdf(bytes(pdf.output()))
    assert extracted == "Beslutning: Indstillingen er tiltrådt.\n"
    assert warnings == [
        "12 tegn i roteret tekst er udeladt (12 glyphs of rotated text were left out)."
    ]


def test_space_glyph_that_does_not_move_the_text_is_no_word_break():
    # Chromium prints an unused soft hyphen as a space glyph under the next letter.
    pdf = FPDF(unit="pt")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    end = 60 + pdf.get_string_width("Beskæft")
    pdf.text(60, 80, "Beskæft")
    pdf.text(end, 80, " ")
    pdf.text(end, 80, "igelsesudvalget mødes")
    assert extract_pdf(bytes(pdf.output())) == ("Beskæftigelsesudvalget mødes\n", [])


def test_image_only_pdf_is_refused_as_scanned():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")
    with pytest.raises(IngestError, match=r"ingen tekst.*scanned/image-only PDF"):
        extract_pdf(bytes(pdf.output()))


def test_a_page_without_text_among_text_pages_is_a_warning():
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.text(20, 30, "Beslutning: Indstillingen er tiltrådt.")
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")
    extracted, warnings = extract_pdf(bytes(pdf.output()))
    assert extracted == "Beslutning: Indstillingen er tiltrådt.\n"
    assert warnings == ["Side 2 har ingen tekst; måske skannet (page 2 has no text; scanned?)."]


@pytest.mark.parametrize("share", [0.25, 0.5, 0.9, 0.995])
def test_truncated_pdf_is_refused(minutes_000, share):
    _, pdf = minutes_000
    with pytest.raises(IngestError, match="afkortet"):
        extract_pdf(pdf[: int(len(pdf) * share)])


@pytest.mark.parametrize("ending", [b"", b"\nstartxref\n9\n%%EOF\n"])
def test_random_bytes_that_start_like_a_pdf_are_refused(ending):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 20 + os.urandom(4096) + ending
    with pytest.raises(IngestError, match="beskadiget"):
        extract_pdf(data)


def encrypted_pdf(user_password: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.text(20, 30, "Beslutning: Indstillingen er tiltrådt.")
    pdf.set_encryption(owner_password="kommunen", user_password=user_password)
    return bytes(pdf.output())


def test_pdf_that_needs_a_password_raises_ingest_error():
    with pytest.raises(IngestError, match="adgangskode.*password"):
        extract_pdf(encrypted_pdf("hemmelig"))


def test_pdf_encrypted_without_a_user_password_extracts():
    # Owner-only encryption (printing/copying restrictions) opens without a password.
    assert extract_pdf(encrypted_pdf("")) == ("Beslutning: Indstillingen er tiltrådt.\n", [])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.floats(0, 1), junk=st.binary(min_size=1, max_size=64))
def test_damaged_pdf_raises_ingest_error_or_extracts_but_nothing_else(position, junk):
    pdf = make_minutes_pdf("Resume\n\nIndstillingen er tiltrådt.", header=HEADER)
    at = int(position * (len(pdf) - 1))
    damaged = pdf[:at] + junk + pdf[at + len(junk) :]
    try:
        text, warnings = extract_pdf(damaged)
    except IngestError:
        return
    assert isinstance(text, str) and isinstance(warnings, list)
