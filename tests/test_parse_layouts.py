"""Layouts of text PDFs and HTML pages that real publishing systems print, one rule each.

The inputs are built from real documents: the eDoc per-item PDFs of Ballerup's Sundheds- og
Forebyggelsesudvalget (4.12.2012; tests/fixtures/esdh/edoc-ballerup-2012-12-04/),
the Greve Plan- og Tryghedsudvalget meeting of 25.3.2025 (titles and case numbers from its
First Agenda JSON, tests/fixtures/greve-firstagenda/) and the Acadre referat of Syddjurs.
"""

from pathlib import Path

import pytest

from core.casenumbers import parse_case_number
from ingest import pipeline
from ingest.readers.pdf import extract_pdf

DOCS = Path(__file__).parent / "fixtures" / "docs"
EDOC_ITEM = Path(__file__).parent / "fixtures" / "esdh" / "edoc-ballerup-2012-12-04" / "1552819.PDF"

EDOC_TITLE = "Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for ældre"
EDOC_HEAD = """Ballerup Kommune

Referat

Sundheds- og Forebyggelsesudvalget

Mødedato: 4. december 2012
Mødetidspunkt: Kl. 17.00
Mødested: Mødelokale C, Rådhuset

"""


def meeting(text: str, **given):
    return pipeline.parse_document(text.encode("utf-8"), **given).meeting


def items(text: str, **given):
    return [
        (i.number, i.label, i.parent, i.title, i.case_number.printed if i.case_number else None)
        for i in meeting(text, **given).items
    ]


def test_real_edoc_item_pdf_keeps_its_wrapped_title_after_the_number():
    # "6." and the title's first line, then the rest of the title indented below it.
    text, _warnings = extract_pdf(EDOC_ITEM.read_bytes())
    assert text.startswith(f"6. {EDOC_TITLE}\n\nSagsnr.: 2012-21786\n\n")


def test_number_alone_on_a_line_with_the_title_wrapped_below_it():
    # As pdftotext and portals print an eDoc item: the number, then the title over two lines.
    text = EDOC_HEAD + (
        "6.\n\nPrioritering af midler til kronisk syge borgere og\n"
        "hverdagsrehabilitering for ældre\n\nSagsnr.: 2012-21786\n\nDok.nr.: 2012-196779\n\n"
        "Sammendrag\n\nSagen indeholder oplæg til prioritering af midler.\n\n"
        "Beslutning\n\nGodkendt.\n\n"
        "7.\n\nEtablering af aktivitetscenter på Solvej 6 i Ballerup\n\n"
        "Sagsnr.: 2012-28505\n\nBeslutning\n\nGodkendt.\n"
    )
    assert items(text) == [
        (6, "", None, EDOC_TITLE, "2012-21786"),
        (7, "", None, "Etablering af aktivitetscenter på Solvej 6 i Ballerup", "2012-28505"),
    ]


def test_hierarchical_numbers_are_items_under_their_parent():
    text = EDOC_HEAD + (
        "1. Meddelelser\n\nSagsnr.: 2011-29298\n\nBeslutning\n\nTaget til efterretning.\n\n"
        "2. Det nære sundhedsvæsen\n\n"
        "2.1 KL's opfølgningsproces vedrørende det nære sundhedsvæsen\n\n"
        "Sagsnr.: 2011-29939\n\nBeslutning\n\nTaget til efterretning.\n\n"
        "2.2 Prioritering af midler til kronikerindsatser og hverdagsrehabilitering\n"
        "for ældre borgere\n\nSagsnr.: 2012-21786\n\nBeslutning\n\nGodkendt.\n\n"
        "3. Evaluering af rygestopkurser\n\nSagsnr.: 2010-3082\n\nBeslutning\n\nGodkendt.\n"
    )
    parsed = meeting(text)
    assert items(text) == [
        (1, "", None, "Meddelelser", "2011-29298"),
        (2, "", None, "Det nære sundhedsvæsen", None),
        (
            None,
            "2.1",
            2,
            "KL's opfølgningsproces vedrørende det nære sundhedsvæsen",
            "2011-29939",
        ),
        (
            None,
            "2.2",
            2,
            "Prioritering af midler til kronikerindsatser og hverdagsrehabilitering for ældre "
            "borgere",
            "2012-21786",
        ),
        (3, "", None, "Evaluering af rygestopkurser", "2010-3082"),
    ]
    assert [item.decision for item in parsed.items[2:4]] == ["Taget til efterretning.", "Godkendt."]
    # A parent whose decisions are its sub-items' is not reported as undecided.
    assert not any("Det nære sundhedsvæsen" in warning for warning in parsed.warnings)
    assert pipeline.parse_document(text.encode()).as_json()["items"][2]["label"] == "2.1"


def test_punkt_headers_with_sub_numbers():
    text = EDOC_HEAD + (
        "Punkt 4: Budget 2013\n\nSagsnr.: 2012-31114\n\nBeslutning\n\nGodkendt.\n\n"
        "Punkt 4.1: Takstreduktion på aflastningstilbuddet Torvevej\n\nSagsnr.: 2012-31673\n\n"
        "Beslutning\n\nGodkendt.\n"
    )
    assert items(text) == [
        (4, "", None, "Budget 2013", "2012-31114"),
        (None, "4.1", 1, "Takstreduktion på aflastningstilbuddet Torvevej", "2012-31673"),
    ]


def test_label_block_with_the_values_after_all_the_labels():
    # A two-column header table read column by column (Acadre's referat PDF).
    text = (
        "Syddjurs Kommune\n\nReferat\n\nUdvalget for plan, udvikling og kultur\n\n"
        "Dato:\n\nTid:\n\nSted:\n\n20. juni 2013\n\nKl. 8.30\n\n"
        "Mødelokale 1, Rådhuset, Ebeltoft\n\n"
        "Punkt 715: Kulturkommune 2017. Politiske fokusområder\n\nSagsnr.: 12/27845\n\n"
        "Beslutning\n\nGodkendt.\n"
    )
    found = meeting(text)
    assert (found.date.isoformat(), found.time.isoformat("minutes"), found.location) == (
        "2013-06-20",
        "08:30",
        "Mødelokale 1, Rådhuset, Ebeltoft",
    )
    assert found.committee == "Udvalget for plan, udvikling og kultur"


@pytest.mark.parametrize(
    "printed, normalized",
    [
        ("EMN-2026-00445", "EMN-2026-00445"),
        ("21-014448", "21-014448"),
        ("20-010677K", "20-010677K"),
        ("12/27845", "12/27845"),
        ("2010-3082", "2010-3082"),  # eDoc, a four-digit serial
        ("15.00.00-A00-3-25", "15.00.00-A00-3-25"),
        ("00.01.00A00-29-25", "00.01.00-A00-29-25"),
    ],
)
def test_case_numbers_of_every_scheme_are_the_item_s(printed, normalized):
    text = EDOC_HEAD + f"1. Meddelelser\n\nSagsnr.: {printed}\n\nBeslutning\n\nGodkendt.\n"
    [item] = meeting(text).items
    assert (item.case_number.printed, item.case_number.normalized) == (printed, normalized)


def test_a_span_of_years_is_no_edoc_case_number():
    assert parse_case_number("2025-2026") is None
    assert parse_case_number("2012-176011").normalized == "2012-176011"


# A First Agenda minutes page as the portal prints it: number, case number and title as
# separate blocks, the committee and its room side by side in one line.
FIRST_AGENDA_PAGE = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Referat</title></head>
<body><main>
<h1>{kind}</h1>
<div class="meeting-header"><span>Plan- og Tryghedsudvalget</span> <span>Mødelokale 1</span></div>
<div class="meeting-date">25. marts 2025 kl. 16:00</div>
<p>Greve Kommune</p>
{items}
</main></body></html>
"""
ITEM = """<section class="agenda-item">
<div class="number">{number}</div>
{case}<h2>{title}</h2>
{body}</section>
"""
GREVE = [
    (1, "", "Godkendelse af dagsorden"),
    (
        2,
        "25-000718",
        "Kommuneplantillæg nr. 2 - første temarevision til Kommuneplan 2025 om Boliger til hele "
        "livet, endelig vedtagelse",
    ),
    (3, "24-004184", "Tryghedsvagter i Greve Kommune"),
    (4, "25-001957", "Ukrainske flygtninge i Greve Kommune, status"),
    (5, "25-002329", "Danskundervisning for voksne udlændinge i Greve Kommune"),
    (6, "", "Orientering fra formanden/gensidig orientering"),
]


def first_agenda_page(decided=True):
    parts = []
    for number, case, title in GREVE:
        case_html = f'<div class="case-number">{case}</div>\n' if case else ""
        body = "<p>Sagen forelægges udvalget.</p>\n"
        if decided and case:
            body += "<h3>Beslutning</h3>\n<p>Godkendt.</p>\n"
        parts.append(ITEM.format(number=number, case=case_html, title=title, body=body))
    kind = "Referat" if decided else "Dagsorden"
    return FIRST_AGENDA_PAGE.format(kind=kind, items="".join(parts)).encode("utf-8")


def test_first_agenda_page_gives_titles_not_case_numbers_and_every_item():
    parsed = pipeline.parse_document(first_agenda_page())
    found = parsed.meeting
    assert parsed.format == "html"
    assert [(i.number, i.title, i.case_number.printed if i.case_number else None) for i in
            found.items] == [(n, t, c or None) for n, c, t in GREVE]  # fmt: skip
    assert [i.decision for i in found.items] == ["", *["Godkendt."] * 4, ""]


def test_first_agenda_page_keeps_the_room_apart_from_the_committee():
    found = pipeline.parse_document(first_agenda_page()).meeting
    assert (found.committee, found.location) == ("Plan- og Tryghedsudvalget", "Mødelokale 1")
    assert (found.date.isoformat(), found.time.isoformat("minutes")) == ("2025-03-25", "16:00")


def test_first_agenda_agenda_page_keeps_items_that_have_no_case_number_yet():
    # An agenda: no decisions; items 1 and 6 carry no case number and no heading.
    found = pipeline.parse_document(first_agenda_page(decided=False)).meeting
    assert found.kind == "dagsorden"
    assert [(i.number, i.title) for i in found.items] == [(n, t) for n, _c, t in GREVE]


def _hanging_title_pdf() -> tuple[bytes, str]:
    """A referat PDF whose item title wraps under its first word, not under "40."."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    left, width = 57.0, 595.28 - 114

    def draw(x, y, text, bold=False, size=10):
        pdf.set_font("Helvetica", "B" if bold else "", size)
        pdf.text(x, y, text)

    for y, text in zip(range(80, 160, 20), HANGING_HEAD, strict=True):
        draw(left, y, text)
    title = (
        "Anlægsbevilling til renovering af Slagelse Rådhus, etape 2 - klimaskærm, "
        "tilgængelighed og energiforbedringer i kælderen"
    )
    pdf.set_font("Helvetica", "B", 12)
    words, first = title.split(), "40. "
    while pdf.get_string_width(first + words[0]) < width:
        first += words.pop(0) + " "
    draw(left, 170, first.strip(), bold=True, size=12)
    draw(left + pdf.get_string_width("40. "), 185, " ".join(words), bold=True, size=12)
    draw(left, 207, "Sagsnr.: 330-2024-3619")
    draw(left, 227, "Beslutning", bold=True)
    draw(left, 242, "Anbefales over for Byrådet.")
    return bytes(pdf.output()), title


HANGING_HEAD = ["Slagelse Kommune", "Referat", "Økonomiudvalget", "Dato: 12. marts 2024"]


def test_pdf_title_wrapped_under_its_first_word_is_one_title():
    data, title = _hanging_title_pdf()
    assert f"\n\n40. {title}\n\nSagsnr.: 330-2024-3619\n\n" in extract_pdf(data)[0]
    [item] = pipeline.parse_document(data).meeting.items
    assert (item.number, item.title, item.outcome) == (40, title, "recommended")
