"""File bytes to structured plain text, whatever the input family.

Every format module returns text in one shape: one block (heading, paragraph, list item,
table row with tab-separated cells) per line, blank lines between blocks. `ingest.parse`
reads only that shape, so a new input family needs only a new module here.

The format is sniffed from the content; the file name is a hint at most.
"""

import re
from dataclasses import dataclass, field

from ingest.errors import IngestError
from ingest.formats import text as textformat

PDF = "pdf"
HTML = "html"
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
    b"\xd0\xcf\x11\xe0": "et gammelt Office-dokument (a legacy Office document)",
    b"\x1f\x8b": "et gzip-arkiv (a gzip archive)",
}


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
        from ingest.formats import pdf

        text, warnings = pdf.extract_pdf(data)
        extracted = Extracted(text, PDF, "binary", warnings)
    elif kind == HTML:
        from ingest.formats import html

        text, encoding, warnings = html.extract_html(data)
        extracted = Extracted(text, HTML, encoding, warnings)
    else:
        decoded, encoding = textformat.decode(data)
        if MARKDOWN_HINTS.search(decoded):
            from ingest.formats import markdown

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
