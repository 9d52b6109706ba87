"""Word (.docx) bytes to structured text, in the shape the PDF and HTML readers give.

python-docx opens the package; the text is taken from the body's paragraphs and tables in
document order: one paragraph per line (a manual line break starts a new line, tabs are
spaces: Word aligns with them, they are not cells), one table row per line with its cells
joined by tabs, blank lines between blocks. Word's automatic numbering is not in the text
of a paragraph, yet it is how a referat numbers its items ("1. Godkendelse af
dagsorden"): decimal and letter numbering is written out from numbering.xml, bullets
become "- ". Page headers and footers, footnotes, comments, text boxes and deleted
(tracked) text are left out; inserted (tracked) text is kept.

A .docx is a ZIP: before python-docx reads it (it loads every part whole), the declared
sizes of its parts are checked (`check_package`), so a zip bomb or a huge document.xml ends
with one clear message rather than at the memory limit. A part that declares entities (no
Word writes a DTD) is refused like any XML with them.
"""

import io
import re
import zipfile

from ingest.errors import IngestError
from ingest.readers import xmlsafe

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_PARTS = 2000
PART_BYTES = 50 * 1024**2  # one part unpacked (document.xml of a 500-page referat: ~10 MB)
PACKAGE_BYTES = 200 * 1024**2  # all parts unpacked (images included: python-docx loads them)
RATIO = 100  # unpacked / packed for a part over 1 MB: a bomb, as for export archives
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

TOO_BIG = (
    "Word-filens indhold pakkes ud til for meget ({what}) og ligner en »zip-bombe«; den "
    "læses ikke. Gem dokumentet som PDF eller .docx igen. (The Word file inflates too far: "
    "a possible decompression bomb.)"
)
DAMAGED = "Word-filen er beskadiget og kan ikke læses (the .docx file is damaged): {error}"


def is_docx(data: bytes) -> bool:
    """A ZIP with the main part of a Word document (not the name: the bytes)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def check_package(archive: zipfile.ZipFile) -> None:
    """IngestError when the package's parts, as declared, unpack past the limits.

    zipfile never returns more than a member's declared size (and fails on a CRC
    mismatch), so checking the declarations bounds what reading can produce."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise IngestError(TOO_BIG.format(what=f"{len(members)} dele"))
    total = 0
    for info in members:
        packed = max(info.compress_size, 1)
        if info.file_size > PART_BYTES or (
            info.file_size > 1024**2 and info.file_size / packed > RATIO
        ):
            raise IngestError(TOO_BIG.format(what=f"{info.filename}: {_mb(info.file_size)}"))
        total += info.file_size
        if total > PACKAGE_BYTES:
            raise IngestError(TOO_BIG.format(what=f"i alt over {_mb(PACKAGE_BYTES)}"))
    for info in members:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        part = archive.read(info)
        if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
            xmlsafe.parse(part, what="Word-filen")  # refuses entities with their reason
            raise IngestError(DAMAGED.format(error=f"{info.filename} har en DTD"))


def _mb(size: int) -> str:
    return f"{size / 1024**2:.0f} MB"


def extract_docx(data: bytes) -> tuple[str, list[str]]:
    """Structured text of a Word document; IngestError for a damaged or hostile one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(archive)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise IngestError(DAMAGED.format(error=error)) from error
    import docx as python_docx

    try:
        document = python_docx.Document(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors ...
        raise IngestError(DAMAGED.format(error=f"{type(error).__name__}: {error}")) from error
    numbering = Numbering(document)
    blocks = list(_blocks(document.element.body, numbering))
    return "\n\n".join(block for block in blocks if block.strip()) + "\n", []


# Body-level containers whose paragraphs are the document's own: content controls of a
# referat template (w:sdt) and custom XML markup.
CONTAINERS = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml"}


def _blocks(container, numbering):
    """The lines of the paragraphs and tables in a body (or a container in it), in order."""
    for element in container.iterchildren():
        if element.tag == f"{W}p":
            yield from _paragraph_lines(element, numbering)
        elif element.tag == f"{W}tbl":
            yield from _table_rows(element)
        elif element.tag in CONTAINERS:
            yield from _blocks(element, numbering)


def _paragraph_lines(paragraph, numbering) -> list[str]:
    lines = [" ".join(line.split()) for line in _text(paragraph).split("\n")]
    lines = [line for line in lines if line]
    if lines:
        lines[0] = numbering.label(paragraph) + lines[0]
    return lines


def _text(element) -> str:
    """The visible text of a paragraph or cell: runs, tabs and breaks, without deleted text,
    text boxes, field instructions and footnote marks."""
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if _hidden(node, element):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


SKIPPED = {f"{W}del", f"{W}txbxContent", f"{W}instrText"}


def _hidden(node, top) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if parent.tag in SKIPPED:
            return True
        parent = parent.getparent()
    return False


def _table_rows(table) -> list[str]:
    """One line per row, its cells' text joined by tabs; a cell merged over several
    columns counts once. A table inside a cell gives its text to that cell."""
    rows = []
    for row in table.iterchildren(f"{W}tr"):
        cells = [_cell_text(cell) for cell in row.iterchildren(f"{W}tc")]
        if any(cells):
            rows.append("\t".join(cells) if len(cells) > 1 else cells[0])
    return rows


def _cell_text(cell) -> str:
    """A cell's paragraphs (a nested table's too) as one line of words."""
    return " ".join(" ".join(_text(p).split()) for p in cell.iter(f"{W}p")).strip()


# --- automatic numbering ----------------------------------------------------------------


class Numbering:
    """Word's list numbering written out: counters per list and level, as Word counts."""

    def __init__(self, document):
        self.formats = {}  # (numId, level) -> (numFmt, lvlText, start)
        self.style_numbering = {}  # style id -> (numId, level)
        self.counters = {}  # numId -> [count per level]
        self._read_numbering(document)
        self._read_styles(document)

    def _read_numbering(self, document):
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.iterchildren(f"{W}abstractNum"):
            levels = {}
            for level in node.iterchildren(f"{W}lvl"):
                levels[int(level.get(f"{W}ilvl", "0"))] = (
                    _val(level, "numFmt", "decimal"),
                    _val(level, "lvlText", ""),
                    int(_val(level, "start", "1") or 1),
                )
            abstract[node.get(f"{W}abstractNumId")] = levels
        for node in root.iterchildren(f"{W}num"):
            ref = node.find(f"{W}abstractNumId")
            levels = abstract.get(ref.get(f"{W}val") if ref is not None else None, {})
            for level, shape in levels.items():
                self.formats[node.get(f"{W}numId"), level] = shape

    def _read_styles(self, document):
        try:
            styles = document.part.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for style in styles.iterchildren(f"{W}style"):
            found = _num_pr(style.find(f"{W}pPr"))
            if found:
                self.style_numbering[style.get(f"{W}styleId")] = found

    def label(self, paragraph) -> str:
        """ "3. " or "- " for a numbered or bulleted paragraph, else ""."""
        properties = paragraph.find(f"{W}pPr")
        found = _num_pr(properties)
        if found is None and properties is not None:
            style = properties.find(f"{W}pStyle")
            found = self.style_numbering.get(style.get(f"{W}val") if style is not None else "")
        if not found or found[0] in ("0", None):
            return ""
        number_id, level = found
        shape = self.formats.get((number_id, level))
        if shape is None:
            return ""
        kind, text, _start = shape
        if kind == "bullet":
            return "- "
        counts = self.counters.setdefault(number_id, [0] * 9)
        counts[level] += 1
        for deeper in range(level + 1, 9):
            counts[deeper] = 0

        def value(match):
            at = int(match[1]) - 1
            at_shape = self.formats.get((number_id, at), ("decimal", "", 1))
            count = counts[at] or 1
            return _formatted(at_shape[0], count + at_shape[2] - 1)

        written = re.sub(r"%(\d)", value, text).strip()
        return f"{written} " if written else ""


def _num_pr(properties):
    if properties is None:
        return None
    node = properties.find(f"{W}numPr")
    if node is None:
        return None
    number_id = node.find(f"{W}numId")
    level = node.find(f"{W}ilvl")
    return (
        number_id.get(f"{W}val") if number_id is not None else None,
        int(level.get(f"{W}val", "0")) if level is not None else 0,
    )


def _val(node, name, default):
    found = node.find(f"{W}{name}")
    return found.get(f"{W}val", default) if found is not None else default


def _formatted(kind: str, count: int) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (count - 1) % 26)
        return letter.upper() if kind == "upperLetter" else letter
    if kind in ("lowerRoman", "upperRoman"):
        roman = _roman(count)
        return roman if kind == "upperRoman" else roman.lower()
    return str(count)


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        while number >= value:
            out, number = out + letters, number - value
    return out
