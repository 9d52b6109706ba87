"""Build realistic minutes PDFs for tests with fpdf2 and its built-in fonts only.

`make_minutes_pdf` lays out minutes text the way a municipal minutes system prints it: a title,
bold headings, paragraphs wrapped (and long words hyphenated) to the text width, bullet and
numbered lists with a hanging indent, tables with one column per tab-separated cell, a running
header on every page and "Side N af M" in the footer.

The built-in fonts speak Windows-1252 only, which covers æøå, – ” • and §. `pdf_safe` maps
everything else (in practice the Cyrillic look-alikes found in real minutes) so that tests can
compare extracted text with `pdf_safe(source)`.
"""

import re
from dataclasses import dataclass, field

from fpdf import FPDF

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
LEFT = RIGHT = 57.0  # 20 mm margins
FIRST_BASELINE = 90.0
LAST_BASELINE = PAGE_HEIGHT - 75.0
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
FONT = "Helvetica"
BODY_SIZE, BODY_PITCH, PARAGRAPH_GAP = 10.0, 13.0, 7.0
HANGING_INDENT = 18.0
TABLE_SIZE, TABLE_GAP_EM = 8.0, 1.8

BULLET = re.compile(r"^[-•]\s+")
NUMBERED = re.compile(r"^(\d{1,2}\.)\s+")
PUNKT = re.compile(r"^Punkt \d+:")
NUMBER = re.compile(r"^-?[\d.,]+$")
# A word that could follow a suspended compound ("social- og"); the factory never creates a
# hyphenation break whose tail is one of these, because a reader could not tell them apart.
CONJUNCTIONS = {"og", "eller", "samt", "til", "som", "end", "henholdsvis"}
MIN_HYPHENATED_WORD, MIN_PART = 10, 4
# Real minutes carry Cyrillic letters that look Latin ("varmеstuen"); show them as the Latin ones.
LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеорсухіјѕ", "ABEKMHOPCTXaeopcyxijs")


def pdf_safe(text: str) -> str:
    """Text as the built-in PDF fonts can show it: what the extracted text should equal."""
    text = text.translate(LOOKALIKES).replace("\u00a0", " ")
    return "".join(ch if _encodable(ch) else "?" for ch in text)


def _encodable(ch):
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Run:
    """One piece of text drawn at an absolute position (x, baseline) on a page."""

    x: float
    text: str
    size: float
    bold: bool = False


@dataclass
class Page:
    lines: list[tuple[float, list[Run]]] = field(default_factory=list)
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0 y0 x1 y1


class Layout:
    """Greedy page layout: blocks flow down the page; a line that does not fit starts a page."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.pages = [Page()]
        self.y = FIRST_BASELINE - BODY_PITCH

    def width(self, text, size, bold=False):
        self.pdf.set_font(FONT, "B" if bold else "", size)
        return self.pdf.get_string_width(text)

    def gap(self, points):
        if self.pages[-1].lines:
            self.y += points

    def line(self, runs, pitch):
        if self.y + pitch > LAST_BASELINE:
            self.pages.append(Page())
            self.y = FIRST_BASELINE - pitch
        self.y += pitch
        self.pages[-1].lines.append((self.y, runs))

    def box(self, height):
        """Reserve `height` points below the last line; return the page and the box's top."""
        top = self.y + 4
        if top + height > LAST_BASELINE + 4 and self.pages[-1].lines:
            self.pages.append(Page())
            top = FIRST_BASELINE - 10
        self.y = top + height
        return self.pages[-1], top


def make_minutes_pdf(
    text: str,
    *,
    header: str | None,
    footer_pages: bool = True,
    page_label: str = "Side {page} af {pages}",
    ruled_tables: bool = False,
) -> bytes:
    """Lay out minutes text (one block per line, blank lines between) as an A4 PDF.

    `header` is printed at the top of every page; with `footer_pages` the footer carries
    `page_label` ("Side 3 af 24", or e.g. "{page}/{pages}", "- {page} -"). Tables are laid out
    in open columns, or with `ruled_tables` in a grid of ruling lines with narrower columns whose
    cells wrap over several lines, as office programs print them.
    """
    pdf = FPDF(unit="pt", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    layout = Layout(pdf)
    # Table rows keep their empty leading and trailing cells; other lines lose outer spaces.
    lines = [
        line.strip(" ") if "\t" in line else line.strip() for line in pdf_safe(text).splitlines()
    ]
    lines = [line if line.strip() else "" for line in lines]
    index = 0
    while index < len(lines):
        if not lines[index]:
            index += 1
        elif "\t" in lines[index]:
            end = index
            while end < len(lines) and "\t" in lines[end]:
                end += 1
            table = _ruled_table if ruled_tables else _table
            table(layout, [row.split("\t") for row in lines[index:end]])
            index = end
        else:
            _block(layout, lines[index], is_title=not any(lines[:index]))
            index += 1
    return _render(pdf, layout.pages, header, page_label if footer_pages else None)


def _block(layout, line, is_title=False):
    """One paragraph, heading or list item, wrapped to the text width."""
    if is_title:
        size, bold = 16.0, True
    elif PUNKT.match(line):
        size, bold = 12.0, True
    else:
        size, bold = BODY_SIZE, _looks_like_heading(line)
    pitch = round(size * 1.3, 1)
    marker, indent = "", 0.0
    if match := BULLET.match(line) or NUMBERED.match(line):
        marker = "•" if BULLET.match(line) else match.group(1)
        line, indent = line[match.end() :], HANGING_INDENT
    layout.gap(PARAGRAPH_GAP if size == BODY_SIZE else PARAGRAPH_GAP * 1.6)
    measure = lambda s: layout.width(s, size, bold)  # noqa: E731
    for number, wrapped in enumerate(wrap(line, TEXT_WIDTH - indent, measure)):
        runs = [Run(LEFT + indent, wrapped, size, bold)]
        if marker and number == 0:
            runs.insert(0, Run(LEFT + 4, marker, size, bold))
        layout.line(runs, pitch)


def _looks_like_heading(line):
    words = line.split()
    return len(words) <= 4 and not re.search(r"[\d.:,;!?\-]", line) and line[0].isupper()


def wrap(text: str, width: float, measure) -> list[str]:
    """Greedy line breaking that hyphenates long words rather than leave a wide gap."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if measure(trial) <= width or not current:
            current = trial
            continue
        head, tail = hyphenate(word, width - measure(current + " "), measure)
        if head:
            lines.append(f"{current} {head}-")
            current = tail
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def hyphenate(word: str, room: float, measure) -> tuple[str, str]:
    """Split a long plain word so that its head plus a hyphen fills `room`; ('', word) if not."""
    core = word.rstrip(".,;:)")
    if len(core) < MIN_HYPHENATED_WORD or not core.isalpha():
        return "", word
    for cut in range(len(core) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        plain_tail = tail.rstrip(".,;:)")
        if plain_tail in CONJUNCTIONS or not (head[-1].islower() and plain_tail.islower()):
            continue
        if measure(head + "-") <= room:
            return head, tail
    return "", word


def _table(layout, rows):
    """Rows of tab-separated cells in fixed columns, shrunk to fit the text width."""
    columns = max(len(row) for row in rows)
    widths = [0.0] * columns
    for row in rows:
        for number, cell in enumerate(row):
            widths[number] = max(widths[number], layout.width(cell.strip(), TABLE_SIZE))
    natural = sum(widths) + TABLE_GAP_EM * TABLE_SIZE * (columns - 1)
    scale = min(1.0, TEXT_WIDTH / natural)
    size, gap = TABLE_SIZE * scale, TABLE_GAP_EM * TABLE_SIZE * scale
    layout.gap(PARAGRAPH_GAP)
    for row in rows:
        runs, x = [], LEFT
        for number, cell in enumerate(row):
            cell, width = cell.strip(), widths[number] * scale
            if cell:
                # Numbers line up on the right of their column, as in a budget table.
                shift = width - layout.width(cell, size) if NUMBER.match(cell) else 0.0
                runs.append(Run(x + shift, cell, size))
            x += width + gap
        layout.line(runs, round(size * 1.35, 2))


def _ruled_table(layout, rows):
    """A grid table: the widest columns are narrowed until the table fits; their cells wrap."""
    columns, padding, size = max(len(row) for row in rows), 3.0, TABLE_SIZE
    rows = [[cell.strip() for cell in row] + [""] * (columns - len(row)) for row in rows]
    natural = [
        max(layout.width(row[n], size) for row in rows) + 2 * padding for n in range(columns)
    ]
    narrowest = [
        max([layout.width(word, size) for row in rows for word in row[n].split()] + [0.0])
        + 2 * padding
        for n in range(columns)
    ]
    cap = max(natural)
    while sum(min(width, cap) for width in natural) > TEXT_WIDTH and cap > max(narrowest):
        cap -= 1.0
    widths = [max(min(width, cap), floor) for width, floor in zip(natural, narrowest, strict=True)]
    pitch = round(size * 1.25, 2)
    layout.gap(PARAGRAPH_GAP)
    for row in rows:
        measure = lambda text: layout.width(text, size)  # noqa: E731
        wrapped = [
            wrap(cell, width - 2 * padding, measure)
            for cell, width in zip(row, widths, strict=True)
        ]
        height = max(len(cell) for cell in wrapped) * pitch + 2 * padding
        page, top = layout.box(height)
        x = LEFT
        for cell_lines, width in zip(wrapped, widths, strict=True):
            for number, text in enumerate(cell_lines):
                baseline = top + padding + (number + 0.8) * pitch
                page.lines.append((baseline, [Run(x + padding, text, size)]))
            page.rules.append((x, top, x, top + height))
            x += width
        page.rules += [
            (x, top, x, top + height),
            (LEFT, top, x, top),
            (LEFT, top + height, x, top + height),
        ]


def _render(pdf, pages, header, page_label):
    for number, page in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.set_font(FONT, "", 9)
            pdf.text(LEFT, 42, header)
            pdf.set_line_width(0.5)
            pdf.line(LEFT, 48, PAGE_WIDTH - RIGHT, 48)
        if page_label:
            footer = page_label.format(page=number, pages=len(pages))
            pdf.set_font(FONT, "", 9)
            pdf.text((PAGE_WIDTH - pdf.get_string_width(footer)) / 2, PAGE_HEIGHT - 40, footer)
        pdf.set_line_width(0.5)
        for x0, y0, x1, y1 in page.rules:
            pdf.line(x0, y0, x1, y1)
        for baseline, runs in page.lines:
            for run in runs:
                pdf.set_font(FONT, "B" if run.bold else "", run.size)
                pdf.text(run.x, baseline, run.text)
    return bytes(pdf.output())
