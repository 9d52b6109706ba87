"""PDF bytes to structured text, rebuilt from the position of every glyph.

pdfminer.six interprets the pages. Its own layout analysis is skipped: lines are rebuilt here from
the glyphs (baseline, x extent, font size, boldness), because the decisions minutes need are
geometric:

- running headers and footers are lines that recur, digits aside, at the same height among the
  first or last lines of most pages; a bare page number at a page edge goes too;
- a line with wide gaps between glyphs (and no space characters in them) is a table row, its
  cells joined by tabs; in a table drawn with ruling lines, the lines between two horizontal
  rulings are one row, so that cells wrapped over several lines come back whole;
- a list marker followed by a tab-like gap, or a small dot drawn just left of a line, starts a
  list item;
- a page whose text runs sideways or upside down (/Rotate, a landscape table) is read turned;
- a line continues the paragraph above only if it follows at the document's normal line pitch, in
  the same font size and weight, with the same alignment, and the line above was full (the next
  line's first word would not have fitted on it);
- a word hyphenated at a line end is joined, except Danish suspended compounds
  ("social- og sundhedsområdet") and hyphens the document also writes inside the same word.
"""

import io
import logging
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

from ingest.errors import IngestError

NO_TEXT = (
    "PDF'en indeholder ingen tekst, kun billeder; kør tekstgenkendelse (OCR) på den først "
    "(the PDF contains no text: scanned/image-only PDF)."
)
EDGE_LINES = 4  # lines at the top and at the bottom of a page that may be a running header/footer
SAME_HEIGHT = 3.0  # points: a running header sits at the same height on every page
PAGE_EDGE = 0.12  # share of the page height where a bare page number may stand
PAGE_NUMBER = re.compile(
    r"^(?:side|page|s\.)?\s*[-–—]?\s*\d{1,3}\s*(?:(?:af|of|ud af|/)\s*\d{1,3})?\s*[-–—]?$", re.I
)
# Gaps between glyphs, in ems of the font size.
WORD_GAP, CELL_GAP, WIDE_GAP, MARKER_GAP = 0.15, 1.0, 2.5, 0.5
# A space glyph separates words only if it moves the text on: Chromium prints a soft hyphen
# that was not used as a zero-width space.
SPACE_GAP = 0.05
SPACE_WIDTH = 0.28
RULE_WIDTH = 2.0  # points: a thinner box is a ruling line of a table
ALIGNED, MAX_FIRST_LINE_INDENT = 2.0, 40.0  # points
BULLETS = set("•●▪■◦‣∙·○□➢➤►✓-–—*\uf0a7\uf0b7\uf0d8\uf076\uf0fc")
NUMBER_MARKER = re.compile(r"^\(?(\d{1,3})[.)]$")
# Words that may follow a suspended compound: "social- og", "sundheds- eller", "fra 2025- til".
SUSPENDED_BEFORE = {"og", "eller", "samt", "til", "som", "end", "henholdsvis", "hhv.", "el.", "&"}
SENTENCE_END = re.compile(r"[.!?:]$")
HYPHENATED_END = re.compile(r"(\w+)[-\u2010\u00ad]$")  # U+2010: a typesetter's hyphen
WORD = re.compile(r"\w+(?:-\w+)*")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})
BOLD_FONT = re.compile(r"bold|black|heavy|demi", re.I)
UNMAPPED = re.compile(r"\(cid:\d+\)")


@dataclass
class Glyph:
    text: str
    x0: float
    x1: float
    baseline: float  # points from the top of the page
    size: float
    bold: bool


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    gap: float  # space before it, in ems
    new_cell: bool


@dataclass
class Line:
    page: int
    width: float  # of the page
    height: float  # of the page
    baseline: float
    size: float
    bold: bool
    words: list[Word]
    fixed_cells: list[str] | None = None  # the cells of a ruled table row, empty ones included
    marker: str = ""  # "- " or "3. " when the line starts a list item
    marker_x0: float = 0.0

    @property
    def x0(self):
        return self.words[0].x0

    @property
    def x1(self):
        return self.words[-1].x1

    @property
    def cells(self):
        if self.fixed_cells is not None:
            return self.fixed_cells
        cells = [[]]
        for word in self.words:
            if word.new_cell and cells[-1]:
                cells.append([])
            cells[-1].append(word.text)
        return [" ".join(cell) for cell in cells]

    @property
    def text(self):
        return "\t".join(self.cells)

    @property
    def is_row(self):
        if self.fixed_cells is not None:
            return len(self.fixed_cells) > 1
        return any(word.new_cell for word in self.words[1:])


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
    _check_inflated_size(data)
    warnings: list[str] = []
    try:
        pages = _read_pages(data, warnings)
        _drop_running_lines(pages)
        blocks = _blocks([line for page in pages for line in page])
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise _read_error(exc) from exc
    return "\n\n".join(blocks) + "\n", warnings


# Decompression bombs: a few hundred KB of FlateDecode data can inflate to gigabytes, and
# pdfminer inflates every content stream whole. No real minutes stream comes near these.
STREAM_LIMIT = 64 * 1024**2  # bytes one stream may inflate to
INFLATED_LIMIT = 256 * 1024**2  # bytes all streams together may inflate to
STREAM_START = re.compile(rb"stream\r?\n")
TOO_INFLATED = (
    "PDF'en indeholder data, der pakkes ud til mere end {limit} MB, så den blev ikke læst. "
    "Den er måske beskadiget eller bygget til at sprænge læseren; gem den som PDF igen fra "
    "kommunens system. ({what} inflate to more than {limit} MB: refused as a possible "
    "decompression bomb.)"
)


def _check_inflated_size(data: bytes) -> None:
    """Inflate every FlateDecode stream pdfminer would inflate, counting and discarding the
    output, and stop past the limits. Images are skipped: pdfminer never inflates them."""
    total = 0
    for match in STREAM_START.finditer(data):
        dictionary = data[max(0, match.start() - 1024) : match.start()]
        dictionary = dictionary[dictionary.rfind(b"obj") + 3 :]
        if not re.search(rb"/(?:FlateDecode|Fl)\b", dictionary) or b"/Image" in dictionary:
            continue
        size = _inflated_size(data, match.end(), STREAM_LIMIT + 1)
        total += size
        if size > STREAM_LIMIT or total > INFLATED_LIMIT:
            one = size > STREAM_LIMIT
            raise IngestError(
                TOO_INFLATED.format(
                    limit=(STREAM_LIMIT if one else INFLATED_LIMIT) // 1024**2,
                    what="One stream of the PDF would" if one else "The PDF's streams would",
                )
            )


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at `start` inflates to, counting at most to `limit`."""
    inflater = zlib.decompressobj()
    size, chunk, step = 0, 64 * 1024, 1024**2  # output is counted a megabyte at a time
    position = start
    try:
        while position < len(data) and not inflater.eof and size < limit:
            piece = data[position : position + chunk]
            position += chunk
            size += len(inflater.decompress(piece, step))
            while inflater.unconsumed_tail and not inflater.eof and size < limit:
                size += len(inflater.decompress(inflater.unconsumed_tail, step))
    except zlib.error:
        pass  # damaged or not zlib: pdfminer copes, and it cannot inflate much
    return size


def _read_error(exc: Exception) -> IngestError:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "PDFPasswordIncorrect" in names:
        return IngestError(
            "PDF'en er beskyttet med en adgangskode og kan ikke åbnes; upload en udgave uden "
            "adgangskode (the PDF is encrypted with a password)."
        )
    if "PDFEncryptionError" in names:
        return IngestError(
            f"PDF'en er krypteret på en måde, der ikke understøttes "
            f"(the PDF uses an unsupported encryption): {exc}"
        )
    if isinstance(exc, ImportError):
        return IngestError(f"PDF-læseren mangler (the PDF library is not installed): {exc}")
    return IngestError(
        f"PDF'en er beskadiget og kan ikke læses (the PDF is damaged and cannot be read): "
        f"{type(exc).__name__}: {exc}"
    )


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
    lines = _lines(number, width, height, glyphs)
    lines = _join_ruled_rows(lines, [_turned_box(rule.bbox, turn, layout) for rule in rules])
    _attach_drawn_bullets(lines, [_turned_box(shape.bbox, turn, layout) for shape in shapes])
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


def _join_ruled_rows(lines, rules):
    """Make each row of a ruled table one line, so that cells wrapped over lines rejoin.

    A row is the band between two horizontal rulings; its columns are the gaps between the
    vertical rulings that cross the whole band. A band needs two columns or more, so that a
    framed paragraph or a rule under a heading is left alone.
    """
    across = [
        (x0, x1, (top + bottom) / 2) for x0, x1, top, bottom in rules if x1 - x0 > bottom - top
    ]
    down = [
        ((x0 + x1) / 2, top, bottom) for x0, x1, top, bottom in rules if x1 - x0 <= bottom - top
    ]
    rows, joined = defaultdict(list), []
    for line in lines:
        band = _band(line, across)
        columns = band and _columns(band, line, down)
        if columns:
            rows[band, tuple(columns)].append(line)
        else:
            joined.append(line)
    for (_, columns), members in rows.items():
        joined.append(_ruled_row(members, columns))
    return sorted(joined, key=lambda line: line.baseline)


def _band(line, across):
    """(top, bottom) of the horizontal rulings just above and below a line, if both exist."""
    over = [y for x0, x1, y in across if x0 < line.x1 and x1 > line.x0]
    above = [y for y in over if y <= line.baseline - 0.7 * line.size]
    below = [y for y in over if y >= line.baseline]
    return (round(max(above), 1), round(min(below), 1)) if above and below else None


def _columns(band, line, down):
    """x of the vertical rulings that cross the whole band, if they enclose the line."""
    top, bottom = band
    xs = sorted({round(x) for x, y0, y1 in down if y0 <= top + 1.5 and y1 >= bottom - 1.5})
    merged = [x for number, x in enumerate(xs) if number == 0 or x - xs[number - 1] > 2]
    inside = len(merged) >= 3 and merged[0] - 1 <= line.x0 and line.x1 <= merged[-1] + 1
    return merged if inside else None


def _ruled_row(members, columns):
    """One line whose cells gather the words of every member line by column."""
    cells = [""] * (len(columns) - 1)
    for line in sorted(members, key=lambda member: member.baseline):
        parts = defaultdict(list)
        for word in line.words:
            middle = (word.x0 + word.x1) / 2
            parts[sum(1 for x in columns[1:-1] if x < middle)].append(word.text)
        for column, words in parts.items():
            text = " ".join(words)
            cells[column] = _join(cells[column], text, set()) if cells[column] else text
    first = min(members, key=lambda member: member.baseline)
    words = [word for member in members for word in member.words]
    return Line(
        first.page,
        first.width,
        first.height,
        first.baseline,
        first.size,
        first.bold,
        words,
        fixed_cells=cells,
    )


def _attach_drawn_bullets(lines, shapes):
    """A small filled shape just left of a line, at its x-height, is that line's bullet.

    HTML-to-PDF printers draw list bullets as paths rather than as "•" glyphs.
    """
    for line in lines:
        if line.marker or line.is_row:
            continue
        for x0, x1, top, bottom in shapes:
            middle = (top + bottom) / 2
            beside = 0 <= line.x0 - x1 <= 2 * line.size and bottom - top <= 0.6 * line.size
            if beside and line.baseline - 0.8 * line.size <= middle <= line.baseline:
                line.marker, line.marker_x0 = "- ", x0
                break


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


def _lines(page, width, height, glyphs):
    """Group glyphs into lines by baseline; a superscript stays with its line."""
    glyphs.sort(key=lambda glyph: (glyph.baseline, glyph.x0))
    groups = []
    for glyph in glyphs:
        first = groups[-1][0] if groups else None
        if first and glyph.baseline - first.baseline <= 0.45 * max(first.size, glyph.size):
            groups[-1].append(glyph)
        else:
            groups.append([glyph])
    lines = [_line(page, width, height, group) for group in groups]
    return [line for line in lines if line is not None]


def _line(page, width, height, glyphs):
    glyphs.sort(key=lambda glyph: glyph.x0)
    visible = [glyph for glyph in glyphs if not glyph.text.isspace()]
    if not visible:
        return None
    size = round(median(glyph.size for glyph in visible), 1)
    bold = sum(glyph.bold for glyph in visible) >= 0.8 * len(visible)
    baseline = Counter(round(glyph.baseline, 1) for glyph in visible).most_common(1)[0][0]
    line = Line(page, width, height, baseline, size, bold, _words(glyphs))
    _find_marker(line)
    return line


def _words(glyphs):
    """Words and cell breaks from the gaps between glyphs."""
    words, previous, spaced = [], None, False
    for glyph in glyphs:
        if glyph.text.isspace():
            spaced = True
            continue
        if previous and glyph.text == previous.text and glyph.x0 - previous.x0 < 0.1 * glyph.size:
            continue  # the same glyph printed twice, a cheap way to make text look bold
        em = max(glyph.size, previous.size) if previous else glyph.size
        gap = (glyph.x0 - previous.x1) / em if previous else 0.0
        new_cell = gap >= CELL_GAP and (not spaced or gap >= WIDE_GAP)
        if previous is None or new_cell or gap > (SPACE_GAP if spaced else WORD_GAP):
            words.append(Word(glyph.text, glyph.x0, glyph.x1, gap, new_cell))
        else:
            words[-1].text += glyph.text
            words[-1].x1 = glyph.x1
        previous, spaced = glyph, False
    return words


def _find_marker(line):
    """Take a leading bullet or number that stands apart from its text off the line's words.

    Only a marker followed by a gap wider than a space counts: "– eller slet ikke" at the start
    of a wrapped line is prose. A block that starts with a plain-spaced marker is still rendered
    as a list item by `_render`.
    """
    words = line.words
    if len(words) < 2 or words[1].gap < MARKER_GAP or not _marker(words[0].text):
        return
    line.marker, line.marker_x0 = _marker(words[0].text), words[0].x0
    words[1].new_cell, words[1].gap = False, 0.0
    line.words = words[1:]


def _marker(token):
    """The list marker a token stands for, as rendered: "- ", "3. " or ""."""
    number = NUMBER_MARKER.match(token)
    if number:
        return f"{number.group(1)}. "
    return "- " if token in BULLETS else ""


def _drop_running_lines(pages):
    """Remove running headers, footers and page numbers, in place."""
    needed = max(2, (sum(1 for page in pages if page) + 1) // 2)
    running = set()
    for edge, depth in ((slice(0, EDGE_LINES), _depth), (slice(-EDGE_LINES, None), _rise)):
        seen = defaultdict(list)
        for page in pages:
            for line in page[edge]:
                seen[_shape(line.text)].append(line)
        for lines in seen.values():
            middle = median(depth(line) for line in lines)
            same = [line for line in lines if abs(depth(line) - middle) <= SAME_HEIGHT]
            if len({line.page for line in same}) >= needed:
                running.update(id(line) for line in same)
    for page in pages:
        page[:] = [line for line in page if id(line) not in running]
        while page and _is_page_number(page[0]):
            del page[0]
        while page and _is_page_number(page[-1]):
            del page[-1]


def _depth(line):
    return line.baseline


def _rise(line):
    return line.height - line.baseline


def _shape(text):
    """Text with digits and spacing normalised: "Side 3 af 24" and "Side 4 af 24" match."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _is_page_number(line):
    at_edge = min(_depth(line), _rise(line)) <= PAGE_EDGE * line.height
    return at_edge and bool(PAGE_NUMBER.match(" ".join(line.text.split())))


def _blocks(lines):
    """Merge lines into blocks (paragraph, list item, heading, table row) and render them."""
    pitch = _line_pitch(lines)
    right = {}
    for line in lines:
        if not line.is_row:
            right[line.width] = max(right.get(line.width, 0.0), line.x1)
    vocabulary = {word.lower() for line in lines for word in WORD.findall(line.text)}
    blocks = []  # [first line, text]
    previous = None
    for line in lines:
        if blocks and _continues(blocks[-1][0], previous, line, pitch, right.get(line.width, 0)):
            blocks[-1][1] = _join(blocks[-1][1], line.text, vocabulary)
        else:
            blocks.append([line, line.text])
        previous = line
    return [_render(first, text) for first, text in blocks]


def _line_pitch(lines):
    """Normal distance between baselines of one paragraph, per font size.

    The smallest distance that recurs is the line pitch; larger ones are paragraph spacing.
    """
    steps = defaultdict(Counter)
    for above, below in zip(lines, lines[1:], strict=False):
        step = below.baseline - above.baseline
        same_font = above.page == below.page and above.size == below.size
        if same_font and 0.9 * above.size <= step <= 2.5 * above.size:
            steps[above.size][round(step * 2) / 2] += 1
    pitch = {}
    for size, counts in steps.items():
        enough = max(2, sum(counts.values()) // 10)
        for step in sorted(counts):
            if sum(n for other, n in counts.items() if abs(other - step) <= 0.75) >= enough:
                pitch[size] = step
                break
    return pitch


def _continues(first, above, line, pitch, right):
    """Does `line` continue the block that starts with `first` and ends with `above`?"""
    if first.is_row or line.is_row or line.marker:
        return False
    if abs(line.size - above.size) > 0.5 or line.bold != above.bold:
        return False
    if line.page == above.page:
        step = line.baseline - above.baseline
        if not 0 < step <= pitch.get(above.size, 1.25 * above.size) * 1.2 + 0.5:
            return False
    elif _ends_before_page_break(above, line, right):
        return False
    if first is above:
        low = first.marker_x0 - ALIGNED if first.marker else first.x0 - MAX_FIRST_LINE_INDENT
        if not low <= line.x0 <= first.x0 + ALIGNED:
            return False
    elif abs(line.x0 - above.x0) > ALIGNED:
        return False
    return _was_full(above, line, right)


def _ends_before_page_break(above, line, right):
    """Across a page break there is no spacing to go by: a sentence that ends on a line short
    of the margin, followed by a capital letter, ends its paragraph."""
    sentence_ends = SENTENCE_END.search(above.text) and line.text[:1].isupper()
    return bool(sentence_ends) and above.x1 < right - 0.5 * above.size


def _was_full(above, line, right):
    """Was `above` broken because `line`'s first word did not fit on it?"""
    if line.text[:1].islower() and HYPHENATED_END.search(above.text):
        return True
    first_word = line.words[0].x1 - line.words[0].x0
    return above.x1 + SPACE_WIDTH * above.size + first_word > right - 1.0


def _join(text, following, vocabulary):
    """Append a line to a paragraph, mending a word hyphenated at the line end."""
    if text.endswith("\u00ad"):
        return text[:-1] + following
    if text.endswith("/"):
        return text + following  # "hjemviste/" + "ændrede sager"
    match = HYPHENATED_END.search(text)
    word = following.split(" ", 1)[0]
    bare = word.rstrip(".,;:!?)")
    if not match or not bare or bare.lower() in SUSPENDED_BEFORE or not bare[0].isalnum():
        return f"{text} {following}"  # also keeps "social- og sundhedsområdet"
    head = match.group(1)
    if bare[0].isupper():
        return f"{text} {following}"  # "Beskæftigelses- Social- og Sundhedsudvalget"
    if not head[-1].isalpha() or head[-1].isupper() or bare[0].isdigit():
        return text + following  # "2025-2026", "CPR-nummer"
    if f"{head}-{bare}".lower() in vocabulary and f"{head}{bare}".lower() not in vocabulary:
        return text + following  # the document writes this word with a hyphen elsewhere
    return text[:-1] + following


def _render(first, text):
    if first.is_row:
        return "\t".join(" ".join(cell.split()) for cell in text.split("\t"))
    text = " ".join(text.split())
    if not first.marker and " " in text and _marker(text.split(" ", 1)[0]):
        token, text = text.split(" ", 1)
        return _marker(token) + text
    return first.marker + text
