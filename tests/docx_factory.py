"""Word referater built with python-docx, the way a secretary writes one in Word.

`python -m tests.docx_factory` rewrites tests/fixtures/docs/referat_punkt.docx; the tests
build the numbered variant on the fly (`numbered_referat`).
"""

import io
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "docs" / "referat_punkt.docx"

ITEMS = [
    (
        "Godkendelse af dagsorden",
        "EMN-2026-00445",
        "Dagsordenen forelægges til godkendelse.",
        "Godkendt.",
    ),
    (
        "Budgetopfølgning pr. 31. marts 2026 for Teknik- og Miljøudvalgets område",
        "15.00.00-A00-3-25",
        "Forvaltningen har udarbejdet budgetopfølgning pr. 31. marts 2026.",
        "Taget til efterretning.",
    ),
    (
        "Anlægsbevilling til cykelsti langs Hovedgaden",
        "21-014448",
        "Der søges om en anlægsbevilling på 4,2 mio. kr. til en dobbeltrettet cykelsti.",
        "Anbefales over for Byrådet.",
    ),
]


def _header(document):
    document.add_heading("Referat", level=1)
    document.add_paragraph("Teknik- og Miljøudvalget")
    table = document.add_table(rows=3, cols=2)
    for row, (label, value) in zip(
        table.rows,
        [("Dato:", "14. april 2026"), ("Tid:", "Kl. 16.00"), ("Sted:", "Mødelokale 2, Rådhuset")],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph("Deltagere: Anne Holm (A), Per Lund (V), Sara Krogh (F)")
    document.add_paragraph("Fraværende: Ole Bak (C)")
    document.add_paragraph("Roskilde Kommune")


def _body(document, number_label, title, case, text, decision):
    document.add_heading(f"{number_label}{title}", level=2)
    document.add_paragraph(f"Sagsnr.: {case}")
    document.add_heading("Sagsfremstilling", level=3)
    document.add_paragraph(text)
    document.add_heading("Beslutning", level=3)
    document.add_paragraph(decision)


def punkt_referat() -> bytes:
    """Items headed "Punkt 1. Title", as typed."""
    import docx

    document = docx.Document()
    _header(document)
    for number, item in enumerate(ITEMS, 1):
        _body(document, f"Punkt {number}. ", *item)
    section = document.sections[0]
    section.footer.paragraphs[0].text = "Referat - Teknik- og Miljøudvalget - side 1"
    return _saved(document)


def numbered_referat() -> bytes:
    """Items numbered by Word itself (the "List Number" style): "1." is not in the text."""
    import docx

    document = docx.Document()
    _header(document)
    for title, case, text, decision in ITEMS:
        document.add_paragraph(title, style="List Number")
        document.add_paragraph(f"Sagsnr.: {case}")
        document.add_paragraph("Sagsfremstilling")
        document.add_paragraph(text)
        document.add_paragraph("Beslutning")
        document.add_paragraph(decision)
    return _saved(document)


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


if __name__ == "__main__":
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_bytes(punkt_referat())
    print(FIXTURE, FIXTURE.stat().st_size)
