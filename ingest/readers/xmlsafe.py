"""The one way readers parse XML: no entity expansion, no network, no DTD, bounded size.

Case systems write XML that is almost, but not quite, well-formed: eDoc puts a form feed
(`&#xC;`, illegal in XML 1.0) into its manifest, SBSYS starts with a byte-order mark, line
endings are mixed CR and CRLF, and item text arrives as HTML inside CDATA, sometimes escaped
a second time. `parse` repairs what can be repaired without guessing and refuses, with one
clear IngestError, what is hostile: entity declarations (billion laughs, external entities
that would read local files or fetch URLs).

`markup_text` turns such an HTML field into the shared text shape (one block per line,
blank lines between blocks) that the rest of ingest reads.
"""

import html
import re
from html.entities import name2codepoint

from ingest.errors import IngestError

# Character references XML 1.0 forbids: C0 controls except tab, newline and carriage return.
ILLEGAL_REFERENCE = re.compile(
    rb"&#(?:x0*(?P<hex>[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?P<dec>[0-8]|1[124-9]|2[0-9]|3[01]));"
)
# The same characters as raw bytes (never part of a UTF-8 multi-byte sequence).
ILLEGAL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ENTITY = re.compile(rb"<!ENTITY\b(?P<decl>[^>]*)>", re.S)
NAMED_REFERENCE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
EXTERNAL = re.compile(rb"\b(?:SYSTEM|PUBLIC)\b", re.I)
DECLARED_ENCODING = re.compile(rb"^(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", re.I)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
FORM_FEED = (b"c", b"C", b"12")

# Tags that show an HTML field was escaped once more than its CDATA needed: "&lt;p&gt;".
ESCAPED_TAG = re.compile(
    r"&lt;/?(?:p|br|span|div|ul|ol|li|b|i|u|strong|em|table|tr|td|h\d)\b", re.I
)
REAL_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")

HOSTILE_ENTITIES = (
    "XML-filen erklærer egne entiteter, som kan få læseren til at udvide teksten eksplosivt "
    "(»billion laughs«); den læses ikke. Eksportér mødet igen fra sagssystemet. "
    "(The XML declares entities, which are refused: entity expansion attack.)"
)
EXTERNAL_ENTITIES = (
    "XML-filen henviser til eksterne entiteter (filer eller adresser uden for filen); "
    "den læses ikke. Eksportér mødet igen fra sagssystemet. "
    "(The XML declares external entities, which are refused.)"
)


def parse(data: bytes, *, what: str = "XML-filen"):
    """The root element of XML bytes, parsed safely; IngestError for anything else.

    `what` names the file in messages ("Manifestet", "XML-filen").
    """
    from lxml import etree

    if not data or not data.strip():
        raise IngestError(f"{what} er tom (the XML file is empty).")
    data = _as_utf8(data)
    _refuse_entities(data)
    data = _repair(data)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        strip_cdata=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise IngestError(
            f"{what} er ikke gyldig XML (the XML is not well-formed): {error.msg}"
        ) from None
    if root is None:
        raise IngestError(f"{what} er tom (the XML file is empty).")
    return root


def _as_utf8(data: bytes) -> bytes:
    """UTF-16 files (with a BOM) re-encoded as UTF-8, so the byte repairs below apply."""
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError("XML-filen er ikke gyldig UTF-16 (invalid UTF-16).") from None
        data = DECLARED_ENCODING.sub(rb"\1", text.encode("utf-8"), count=1)
    return data.removeprefix(UTF8_BOM)


def _refuse_entities(data: bytes):
    """Refuse any entity declaration: no minutes export needs one, every attack does.

    lxml is told not to expand entities anyway; this gives the person one clear reason."""
    declarations = ENTITY.findall(data) if b"<!ENTITY" in data else []
    if any(EXTERNAL.search(decl) for decl in declarations):
        raise IngestError(EXTERNAL_ENTITIES)
    if declarations or b"<!ENTITY" in data:
        raise IngestError(HOSTILE_ENTITIES)


def _repair(data: bytes) -> bytes:
    """Drop characters XML forbids; a form feed (a page break in eDoc) becomes a line break."""

    def replace(match):
        value = match["hex"] or match["dec"]
        return b"\n" if value in FORM_FEED else b""

    data = ILLEGAL_REFERENCE.sub(replace, data)
    data = ILLEGAL_BYTES.sub(lambda m: b"\n" if m[0] == b"\x0c" else b"", data)
    # HTML's named entities ("&nbsp;", "&oslash;") written straight into the XML, outside
    # CDATA, are undefined in XML: their numeric references mean the same.
    return NAMED_REFERENCE.sub(_numeric, data)


def _numeric(match):
    name = match[1].decode("ascii")
    if name in XML_ENTITIES or name not in name2codepoint:
        return match[0]
    return b"&#%d;" % name2codepoint[name]


def text(value: str | None) -> str:
    """An element's text with line endings normalised (CR, CRLF and `&#13;` alike)."""
    if not value:
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def markup_text(value: str | None) -> str:
    """An HTML fragment (an item field from CDATA) as blocks of text, blank line between.

    A fragment escaped twice ("&lt;p&gt;Tekst&lt;/p&gt;") is unescaped once first; plain
    text without tags passes through with its line breaks.
    """
    value = text(value)
    if not value:
        return ""
    if ESCAPED_TAG.search(value) and not REAL_TAG.search(value):
        value = html.unescape(value)
    if not REAL_TAG.search(value):
        return _plain(html.unescape(value))
    from selectolax.lexbor import LexborHTMLParser

    from ingest.readers import html as htmlreader

    parser = LexborHTMLParser(f"<html><body>{value}</body></html>")
    parser.strip_tags(["script", "style", "title", "meta", "head"], recursive=True)
    return htmlreader.fragment_blocks(parser.body)


def _plain(value: str) -> str:
    paragraphs = re.split(r"\n\s*\n", value)
    lines = ["\n".join(line.strip() for line in p.splitlines() if line.strip()) for p in paragraphs]
    return "\n\n".join(line for line in lines if line)


FIRST_ELEMENT = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*"
    rb"<(?P<name>[A-Za-z_\x80-\xff][^\s/>]*)",
    re.S,
)
HEAD_BYTES = 65536


def root_name(data: bytes) -> str:
    """The root element's name as written ("Meeting", "edoc:Root"), read from the first
    bytes without parsing: what `recognise` functions test, cheaply."""
    head = data[:HEAD_BYTES]
    if head.startswith(UTF16_BOMS):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    match = FIRST_ELEMENT.match(head.removeprefix(UTF8_BOM))
    return match["name"].decode("utf-8", "replace") if match else ""
