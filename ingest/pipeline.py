"""From bytes to a ParsedDocument: the one place that decides how a file is read.

Two kinds of reader (`ingest.readers`):

- *Structured* readers (First Agenda JSON, ESDH XML exports) know what every field of their
  source means and map it straight onto the dataclasses. Each module listed in STRUCTURED
  has `FORMAT` (its name), `recognise(data) -> bool` (from the content, never the file name)
  and `read(data, *, source, municipality, committee, bundle) -> ingest.parsed.Meeting`.
  `bundle` gives the other files of an export (None for a file on its own).
- *Document* readers (PDF, HTML, Word .docx, Markdown, text) return text in one shape: one block
  (heading, paragraph, list item, table row with tab-separated cells) per line, blank lines
  between blocks. `ingest.parse.minutes` reads only that shape.

The format is sniffed from the content; the file name is a hint at most.
"""

import hashlib
import importlib
import logging
import re
from dataclasses import dataclass, field

from core import bodies
from ingest.errors import IngestError
from ingest.parse import notminutes
from ingest.parse.minutes import parse_text
from ingest.parsed import ParsedDocument
from ingest.readers import docx
from ingest.readers import text as textformat

# Bumped when reading changes what a stored document would give: `reparse` then has work.
PARSER_VERSION = "2.2"  # 2.2: Word, sub-items, label blocks, rooms, not-minutes refusals
log = logging.getLogger(__name__)

# Structured readers, tried in this order before the document readers.
STRUCTURED: tuple[str, ...] = (
    "ingest.readers.firstagenda_json",
    "ingest.readers.edoc",
    "ingest.readers.sbsys",
    "ingest.readers.sbsys_native",
    "ingest.readers.acadre",
    "ingest.readers.agendaweb",
)

PDF = "pdf"
HTML = "html"
DOCX = "docx"
MARKDOWN = "markdown"
TEXT = "text"

HTML_START = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<div|<table|<p[\s>])", re.I
)
MARKDOWN_HINTS = re.compile(r"^(#{1,6} \S|\*\*[^*\n]+\*\*)", re.M)

# Magic numbers of files that are certainly not minutes, so the error can say what they are.
KNOWN_BINARIES = {
    b"MZ": "et Windows-program (a Windows executable)",
    b"\x7fELF": "et program (an executable)",
    b"PK\x03\x04": "et ZIP-arkiv eller Office-dokument (a ZIP archive or Office document)",
    b"\x89PNG": "et billede (a PNG image)",
    b"\xff\xd8\xff": "et billede (a JPEG image)",
    b"GIF8": "et billede (a GIF image)",
    b"\x1f\x8b": "et gzip-arkiv (a gzip archive)",
}


# Word 97-2003 (.doc) and the other binary Office formats are OLE2 compound files; a Word
# file has a stream named "WordDocument" (its name is stored in UTF-16).
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_STREAM = "WordDocument".encode("utf-16-le")
LEGACY_DOC = "legacy-doc"
LEGACY_WORD = (
    "Filen er et Word-dokument i det gamle format (.doc), som ikke kan læses. Åbn det i Word "
    "og gem det som .docx eller PDF, og upload det igen. (The file is a legacy Word .doc "
    "file, which is not read: save it as .docx or PDF.)"
)
LEGACY_OFFICE = (
    "Filen er et gammelt Office-dokument (fx .xls eller .ppt), ikke et referat. Gem referatet "
    "som .docx eller PDF. (A legacy Office file: save the minutes as .docx or PDF.)"
)


@dataclass
class Extracted:
    text: str
    format: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def sniff(data: bytes) -> str:
    """Name the input family from the bytes themselves."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-":
        return PDF
    if head.startswith(OLE2):
        word = WORD_STREAM in data[: 1024**2]
        raise IngestError(LEGACY_WORD if word else LEGACY_OFFICE, reason=LEGACY_DOC)
    if head.startswith(b"PK\x03\x04") and docx.is_docx(data):
        return DOCX
    for magic, description in KNOWN_BINARIES.items():
        if head.startswith(magic):
            raise IngestError(
                f"Filen er {description}, ikke et referat. Upload PDF, HTML, Markdown eller tekst."
            )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(
            "Filen ser ud til at være binær, ikke tekst (the file looks binary, not text)."
        )
    if HTML_START.search(head) or re.search(rb"<(p|div|h[1-6]|table|br)\b[^>]*>", head, re.I):
        return HTML
    return TEXT


def extract(data: bytes) -> Extracted:
    """Turn document bytes into normalised structured text."""
    if not data or not data.strip():
        raise IngestError("Filen er tom (the file is empty).")
    kind = sniff(data)
    if kind == PDF:
        from ingest.readers import pdf

        text, warnings = pdf.extract_pdf(data)
        extracted = Extracted(text, PDF, "binary", warnings)
    elif kind == DOCX:
        text, warnings = docx.extract_docx(data)
        extracted = Extracted(text, DOCX, "binary", warnings)
    elif kind == HTML:
        from ingest.readers import html

        text, encoding, warnings = html.extract_html(data)
        extracted = Extracted(text, HTML, encoding, warnings)
    else:
        decoded, encoding = textformat.decode(data)
        if MARKDOWN_HINTS.search(decoded):
            from ingest.readers import markdown

            extracted = Extracted(markdown.to_plain(decoded), MARKDOWN, encoding)
        else:
            extracted = Extracted(decoded, TEXT, encoding)
    extracted.text = textformat.normalize(extracted.text)
    if not re.search(r"\w{2,}", extracted.text):
        raise IngestError(
            "Der kunne ikke udtrækkes tekst af filen (no text could be extracted). "
            "Er det en skannet PDF uden tekstlag?"
        )
    return extracted


def structured_reader(data: bytes):
    """The structured reader that recognises these bytes, or None."""
    for name in STRUCTURED:
        module = importlib.import_module(name)
        if module.recognise(data):
            return module
    return None


def parse_document(
    data: bytes, *, source="", municipality=None, committee=None, bundle=None
) -> ParsedDocument:
    """Bytes of one minutes document (or an export's manifest) to a ParsedDocument.

    Raises IngestError only: a reader's bug reaches the user as a clear message too.
    """
    try:
        return _read(data, source, municipality, committee, bundle)
    except IngestError as error:
        error.source = error.source or source
        raise
    except Exception as error:
        log.exception("reader failed on %s", source)
        raise IngestError(
            "Dokumentet kunne ikke læses på grund af en fejl i indlæsningen "
            f"({type(error).__name__}). Send venligst filen til os. (Internal parser error.)",
            source,
        ) from error


def _read(data, source, municipality, committee, bundle):
    reader = structured_reader(data) if data else None
    if reader is not None:
        meeting = reader.read(
            data, source=source, municipality=municipality, committee=committee, bundle=bundle
        )
        meeting.municipality = meeting.municipality or _evident_body(data, meeting)
        return _document(data, source, reader.FORMAT, "utf-8", meeting)
    extracted = extract(data)
    notminutes.refuse_at_sight(extracted.text)
    try:
        meeting = parse_text(extracted.text, municipality=municipality, committee=committee)
    except IngestError as error:
        raise notminutes.explain(extracted.text) or error from None
    meeting.warnings[:0] = extracted.warnings
    return _document(data, source, extracted.format, extracted.encoding, meeting)


def _evident_body(data: bytes, meeting) -> str:
    """The body an export evidently comes from when its fields do not name it: the one its
    texts name (or mail from) most. Refused when nothing says, rather than guessed."""
    texts = [data.decode("utf-8", "ignore")]
    for item in meeting.items:
        texts += [item.title, *item.sections.values()]
    name = bodies.named_in("\n".join(texts))
    if name is None:
        raise IngestError(
            "Eksporten nævner ikke kommunen; angiv den med --municipality (fx 'Ballerup "
            "Kommune'). (The export does not name its municipality; give --municipality.)"
        )
    meeting.warnings.append(
        f"Kommunen er udledt af eksportens tekst: {name}. (The municipality was inferred from "
        "the export's text.)"
    )
    return name


def _document(data, source, format_, encoding, meeting) -> ParsedDocument:
    return ParsedDocument(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        format=format_,
        encoding=encoding,
        size=len(data),
        meeting=meeting,
    )
