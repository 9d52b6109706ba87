"""An attachment's text, page by page: what the background job stores and search indexes.

Runs inside `ingest.limits.Sandbox` (a spawned child under a memory and time limit), so it
imports no Django. PDF pages are read with pdfminer under the PDF reader's own guard
against decompression bombs; a page without a text layer is rendered with pdftoppm
(poppler-utils) and recognised with Tesseract (its Danish model, `tesseract-ocr-dan`).
Word files (.docx) give their paragraphs as one page. Anything else is stored and
offered for download, but not read (`unsupported`). See docs/attachments.md.
"""

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.readers import docx, xmlsafe
from ingest.readers.pdf_bounds import check_inflated_size, read_error

LAYER, OCR, NONE, UNSUPPORTED = "layer", "ocr", "none", "unsupported"
# A page with fewer letters than this in its text layer is a scanned page (a stamp or a
# page number printed over a scan does not make it text).
MIN_LETTERS = 20
MAX_PAGES = 2000  # pages read of one file; a longer one is cut, with a note
# Pages are rendered with their longer side at this many pixels: 300 dpi on A4, and the
# same bound for a page that claims to be metres wide, so one page cannot exhaust memory.
RENDER_PIXELS = 3500
DOCX = docx.DOCX
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTER = re.compile(r"[^\W\d_]")

OCR_MISSING = (
    "Tekst ikke genkendt: tekstgenkendelse (OCR) er ikke installeret på serveren "
    "({missing}). (OCR is not installed: {missing}.)"
)
OCR_PAGES_LEFT = (
    "Side {pages} har ingen tekst og er ikke tekstgenkendt ({reason}). "
    "(Pages without a text layer were not recognised.)"
)


@dataclass
class Page:
    number: int
    text: str
    ocr: bool = False


@dataclass
class FileText:
    """What could be read of one file. `scanned`: pages without a text layer, to recognise."""

    status: str
    pages: list[Page] = field(default_factory=list)
    page_count: int | None = None
    scanned: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kind_of(data: bytes) -> str:
    """ "pdf", "docx" or "" from the bytes themselves, never from the name."""
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    return "docx" if docx.is_docx(data) else ""


def read_text_layer(data: bytes) -> FileText:
    """The text a file carries, page by page (no OCR yet). Raises IngestError for a damaged,
    encrypted or hostile file."""
    kind = kind_of(data)
    if kind == "pdf":
        return _pdf_pages(data)
    if kind == "docx":
        return _docx_text(data)
    return FileText(UNSUPPORTED)


def _pdf_pages(data: bytes) -> FileText:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    check_inflated_size(data)
    result = FileText(LAYER)
    try:
        for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
            if number > MAX_PAGES:
                result.notes.append(
                    f"Kun de første {MAX_PAGES} sider er læst (only the first {MAX_PAGES} "
                    "pages were read)."
                )
                break
            text = _page_text(layout)
            result.pages.append(Page(number, text))
            if len(LETTER.findall(text)) < MIN_LETTERS:
                result.scanned.append(number)
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise read_error(exc) from exc
    result.page_count = len(result.pages)
    if not result.pages:
        raise IngestError("PDF'en har ingen sider (the PDF has no pages).")
    if len(result.scanned) == len(result.pages):
        result.status = NONE
    return result


def _page_text(layout) -> str:
    from pdfminer.layout import LTTextContainer

    blocks = [
        " ".join(box.get_text().split()) for box in layout if isinstance(box, LTTextContainer)
    ]
    return "\n\n".join(block for block in blocks if block)


def _docx_text(data: bytes) -> FileText:
    """The paragraphs of a Word file as one page, under the same package limits as a Word
    referat (`ingest.readers.docx.check_package`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            docx.check_package(archive)
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise IngestError(
            f"Word-filen er beskadiget og kan ikke læses (the .docx file is damaged): {exc}"
        ) from exc
    root = xmlsafe.parse(xml, what="Word-filen")
    paragraphs = ["".join(_runs(paragraph)) for paragraph in root.iter(f"{W}p")]
    text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return FileText(LAYER if text else NONE, [Page(1, text)] if text else [], None)


def _runs(paragraph):
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
        yield (node.text or "") if node.tag == f"{W}t" else " "


def ocr_missing(languages: str) -> str:
    """ "" when OCR can run; else what is missing, for the notice."""
    missing = [tool for tool in ("pdftoppm", "tesseract") if shutil.which(tool) is None]
    if missing:
        return ", ".join(missing)
    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "tesseract"
    absent = [lang for lang in languages.split("+") if lang not in listed]
    return ", ".join(f"tesseract-ocr-{lang}" for lang in absent)


def recognise(data: bytes, numbers: list[int], *, languages: str, page_seconds: float):
    """{page number: text} for these pages of a PDF, by OCR; a page that takes longer than
    `page_seconds` to render or recognise is left out (its number in the second value)."""
    texts, failed = {}, []
    # Tesseract's own threads would fight the other jobs for the two cores it may get.
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        pdf = Path(folder, "file.pdf")
        pdf.write_bytes(data)
        for number in numbers:
            try:
                texts[number] = _recognise_page(pdf, number, languages, page_seconds, env)
            except (subprocess.SubprocessError, OSError):
                failed.append(number)
    return texts, failed


def _recognise_page(pdf: Path, number: int, languages: str, seconds: float, env) -> str:
    page = ["-f", str(number), "-l", str(number)]
    image = subprocess.run(
        ["pdftoppm", *page, "-scale-to", str(RENDER_PIXELS), "-gray", "-png", str(pdf)],
        capture_output=True,
        timeout=seconds,
        check=True,
    ).stdout
    text = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "3"],
        input=image,
        capture_output=True,
        timeout=seconds,
        check=True,
        env=env,
    ).stdout.decode("utf-8", "replace")
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
