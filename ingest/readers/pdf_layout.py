"""The geometry of a PDF page: glyphs to lines, lines to blocks of the shared text shape.

`ingest.readers.pdf` hands over each page's glyphs (upright, with baseline, x extent, font
size and boldness); the decisions minutes need are made here:

- running headers and footers are lines that recur, digits aside, at the same height among the
  first or last lines of most pages; a bare page number at a page edge goes too;
- a line with wide gaps between glyphs (and no space characters in them) is a table row, its
  cells joined by tabs; in a table drawn with ruling lines, the lines between two horizontal
  rulings are one row, so that cells wrapped over several lines come back whole;
- a list marker followed by a tab-like gap, or a small dot drawn just left of a line, starts a
  list item;
- a line continues the paragraph above only if it follows at the document's normal line pitch, in
  the same font size and weight, with the same alignment, and the line above was full (the next
  line's first word would not have fitted on it); a numbered title's second line may stand
  under its first word instead (a hanging indent after "12. ");
- a word hyphenated at a line end is joined, except Danish suspended compounds
  ("social- og sundhedsområdet") and hyphens the document also writes inside the same word.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

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
ALIGNED, MAX_FIRST_LINE_INDENT = 2.0, 40.0  # points
BULLETS = set("•●▪■◦‣∙·○□➢➤►✓-–—*\uf0a7\uf0b7\uf0d8\uf076\uf0fc")
NUMBER_MARKER = re.compile(r"^\(?(\d{1,3})[.)]$")
# Words that may follow a suspended compound: "social- og", "sundheds- eller", "fra 2025- til".
SUSPENDED_BEFORE = {"og", "eller", "samt", "til", "som", "end", "henholdsvis", "hhv.", "el.", "&"}
SENTENCE_END = re.compile(r"[.!?:]$")
HYPHENATED_END = re.compile(r"(\w+)[-\u2010\u00ad]$")  # U+2010: a typesetter's hyphen
WORD = re.compile(r"\w+(?:-\w+)*")


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


def join_ruled_rows(lines, rules):
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


def attach_drawn_bullets(lines, shapes):
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


def page_lines_of(page, width, height, glyphs):
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


def drop_running_lines(pages):
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


def render_blocks(lines):
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
        flush = low <= line.x0 <= first.x0 + ALIGNED
        if not flush and not _under_hanging_title(first, line):
            return False
    elif abs(line.x0 - above.x0) > ALIGNED:
        return False
    return _was_full(above, line, right)


def _under_hanging_title(first, line) -> bool:
    """ "12. Anlægsbevilling til …" with its second line set under the title, not the number:
    an item title with a hanging indent whose number is followed by a plain space."""
    words = first.words
    return (
        len(words) > 1
        and bool(NUMBER_MARKER.match(words[0].text))
        and abs(line.x0 - words[1].x0) <= ALIGNED
    )


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
