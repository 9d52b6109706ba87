"""PDF bytes to structured text, rebuilt from the position of every glyph.

pdfminer.six interprets the pages; its own layout analysis is skipped. This module reads the
document as leniently as pdftotext (bytes after %%EOF, a damaged cross-reference table) under
the bounds of `ingest.readers.pdf_bounds` (decompression bombs), collects every page's glyphs,
rulings and drawn bullets, and turns a page whose text runs sideways or upside down (/Rotate,
a landscape table) upright. `ingest.readers.pdf_layout` makes lines and blocks of them.
"""

import io
import logging
import re
from collections import Counter

from ingest.errors import IngestError
from ingest.readers.pdf_bounds import check_inflated_size, read_error
from ingest.readers.pdf_layout import (
    Glyph,
    attach_drawn_bullets,
    drop_running_lines,
    join_ruled_rows,
    page_lines_of,
    render_blocks,
)

NO_TEXT = (
    "PDF'en indeholder ingen tekst, kun billeder; kør tekstgenkendelse (OCR) på den først "
    "(the PDF contains no text: scanned/image-only PDF)."
)
RULE_WIDTH = 2.0  # points: a thinner box is a ruling line of a table
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})
BOLD_FONT = re.compile(r"bold|black|heavy|demi", re.I)
UNMAPPED = re.compile(r"\(cid:\d+\)")


def extract_pdf(data: bytes) -> tuple[str, list[str]]:
    """Extract structured text from PDF bytes; return (text, warnings).

    Read as leniently as pdftotext: bytes after the last %%EOF marker (zeros, mail-system
    garbage) are ignored, and a damaged cross-reference table is rebuilt by scanning the
    objects. Raises IngestError for a truncated PDF (no %%EOF at all), one that needs a
    password, one whose streams inflate past INFLATED_LIMIT (a decompression bomb), and
    one without a text layer (scanned). No other exception type escapes.
    """
    if b"%PDF-" not in data[:1024]:
        raise IngestError("Filen er ikke en PDF (the file is not a PDF).")
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise IngestError(
            "PDF'en er afkortet eller beskadiget: slutmarkøren mangler "
            "(the PDF is truncated or damaged: no end-of-file marker)."
        )
    data = data[: end + 5] + b"\n"
    check_inflated_size(data)
    warnings: list[str] = []
    try:
        pages = _read_pages(data, warnings)
        drop_running_lines(pages)
        blocks = render_blocks([line for page in pages for line in page])
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise read_error(exc) from exc
    return "\n\n".join(blocks) + "\n", warnings


def _read_pages(data, warnings):
    """Lines of every page, top to bottom.

    When the cross-reference table is damaged (pdfminer fails on it, or it leads to no
    pages), the document is read again with the table rebuilt from the objects themselves,
    as pdftotext does.
    """
    pdfminer_log = logging.getLogger("pdfminer")
    if pdfminer_log.level == logging.NOTSET:
        # It warns about every harmless oddity of real-world files; errors still get through.
        pdfminer_log.setLevel(logging.ERROR)
    try:
        pages, dropped = _pages(data, rebuild_xref=False)
        if not pages:
            raise ValueError("no pages through the cross-reference table")
    except Exception as first:
        if {"PDFPasswordIncorrect", "PDFEncryptionError"} & {
            cls.__name__ for cls in type(first).__mro__
        }:
            raise
        try:
            pages, dropped = _pages(data, rebuild_xref=True)
        except Exception:
            raise first from None
        if not pages:
            raise first from None
        warnings.append(
            "PDF'ens krydsreferencetabel er beskadiget; den er genopbygget "
            "(the PDF's cross-reference table is damaged and was rebuilt)."
        )
    _check_text(pages, dropped, warnings)
    return pages


def _pages(data, rebuild_xref):
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument, PDFNoValidXRef
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import LIT

    class RebuiltDocument(PDFDocument):
        """A document read by scanning for its objects; without a trailer, the catalog is
        the object that says it is one."""

        def __init__(self, parser, password=""):
            try:
                super().__init__(parser, password=password)
            except PDFSyntaxError:
                self.catalog = self._find_catalog()
                if not self.catalog:
                    raise

        def find_xref(self, parser):
            raise PDFNoValidXRef("rebuilding the cross-reference table")

        def _find_catalog(self):
            for xref in self.xrefs:
                for objid in xref.get_objids():
                    try:
                        obj = self.getobj(objid)
                    except Exception:  # noqa: BLE001 - a damaged object is skipped
                        continue
                    if isinstance(obj, dict) and obj.get("Type") is LIT("Catalog"):
                        return obj
            return {}

    kind = RebuiltDocument if rebuild_xref else PDFDocument
    document = kind(PDFParser(io.BytesIO(data)), password="")
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages, dropped = [], Counter()
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        interpreter.process_page(page)
        pages.append(_page_lines(number, device.get_result(), dropped))
    return pages, dropped


def _page_lines(number, layout, dropped):
    """The lines of one page, read in the direction most of its text runs.

    A page turned with /Rotate, or a landscape table printed sideways, is read as if it had
    been turned upright; text running in any other direction (a margin note) is left out.
    """
    chars, shapes, rules = [], [], []
    _collect(layout, chars, shapes, rules, dropped)
    turns = Counter(turn for turn, char in chars if not char.get_text().isspace())
    turn = max((other for other in turns if other is not None), key=turns.get, default=None)
    dropped["rotated"] += sum(count for other, count in turns.items() if other != turn)
    if turn is None:
        return []
    glyphs = [_upright(char, turn, layout) for other, char in chars if other == turn]
    width, height = (layout.height, layout.width) if turn in (90, 270) else layout.bbox[2:]
    lines = page_lines_of(number, width, height, glyphs)
    lines = join_ruled_rows(lines, [_turned_box(rule.bbox, turn, layout) for rule in rules])
    attach_drawn_bullets(lines, [_turned_box(shape.bbox, turn, layout) for shape in shapes])
    return lines


def _collect(container, chars, shapes, rules, dropped):
    """Gather (turn, LTChar), small filled shapes (drawn bullets) and thin boxes (rulings).

    `turn` is how far the text is rotated anticlockwise (0, 90, 180, 270), or None if slanted.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve

    for item in container:
        if isinstance(item, LTChar):
            if UNMAPPED.fullmatch(item.get_text()):
                dropped["unmapped"] += 1
            elif item.get_text():
                chars.append((_turn(item.matrix), item))
        elif isinstance(item, LTCurve):
            thin, long = sorted((item.width, item.height))
            if thin <= RULE_WIDTH and long > 2 * RULE_WIDTH:
                rules.append(item)
            elif item.fill and 1.0 <= thin <= long <= 8:
                shapes.append(item)
        elif isinstance(item, LTContainer):
            _collect(item, chars, shapes, rules, dropped)


def _turn(matrix):
    a, b, c, d, _, _ = matrix
    if abs(b) <= 0.05 * abs(a) and abs(c) <= 0.05 * abs(d) and a * d > 0:
        return 0 if a > 0 else 180
    if abs(a) <= 0.05 * abs(b) and abs(d) <= 0.05 * abs(c) and b * c < 0:
        return 90 if b > 0 else 270
    return None


def _turned(x, y, turn, page):
    """A point as (x, depth from the top) on the page turned so that its text reads upright."""
    if turn == 90:
        return y - page.y0, x - page.x0
    if turn == 180:
        return page.x1 - x, y - page.y0
    if turn == 270:
        return page.y1 - y, page.x1 - x
    return x - page.x0, page.y1 - y


def _turned_box(bbox, turn, page):
    """(x0, x1, top, bottom) of a box on the upright page."""
    (ax, ay), (bx, by) = _turned(*bbox[:2], turn, page), _turned(*bbox[2:], turn, page)
    return min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)


def _upright(char, turn, page):
    """A glyph on the upright page."""
    x0, x1, _, _ = _turned_box(char.bbox, turn, page)
    _, baseline = _turned(char.matrix[4], char.matrix[5], turn, page)
    size = char.width if turn in (90, 270) else char.height
    bold = bool(BOLD_FONT.search(str(char.fontname)))
    return Glyph(char.get_text().translate(LIGATURES), x0, x1, baseline, size, bold)


def _check_text(pages, dropped, warnings):
    if not pages:
        raise IngestError("PDF'en har ingen sider (the PDF has no pages).")
    if not any(pages):
        if dropped["unmapped"]:
            raise IngestError(
                "PDF'ens tekst kan ikke aflæses, fordi skrifttyperne mangler tegnkort "
                "(the PDF's fonts have no Unicode mapping, so its text cannot be read)."
            )
        raise IngestError(NO_TEXT)
    empty = [str(number) for number, page in enumerate(pages, start=1) if not page]
    if empty:
        warnings.append(
            f"Side {', '.join(empty)} har ingen tekst; måske skannet "
            f"(page {', '.join(empty)} has no text; scanned?)."
        )
    if dropped["unmapped"]:
        warnings.append(
            f"{dropped['unmapped']} tegn uden tegnkort er udeladt "
            f"({dropped['unmapped']} glyphs without a Unicode mapping were left out)."
        )
    if dropped["rotated"]:
        warnings.append(
            f"{dropped['rotated']} tegn i roteret tekst er udeladt "
            f"({dropped['rotated']} glyphs of rotated text were left out)."
        )
