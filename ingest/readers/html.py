"""HTML pages (minutes portals, CMS pages, old page exports) to structured plain text.

Portals wrap the minutes in navigation, cookie banners, breadcrumbs and "Til toppen" links.
Those go first; then the main content is written out in the shared shape: one block
(heading, paragraph, list item, table row with tab-separated cells) per line, blank lines
between blocks, `<br>` as a line break inside a block.
"""

import codecs
import re

from selectolax.lexbor import LexborHTMLParser

from ingest.errors import IngestError
from ingest.readers import text as textformat

# Never content. Removed with everything inside them before anything is measured.
JUNK_TAGS = [
    "script", "style", "noscript", "template", "nav", "aside", "button", "iframe", "frame",
    "frameset", "svg", "math", "object", "embed", "canvas", "select", "textarea", "input",
    "img", "audio", "video", "map",
]  # fmt: skip
JUNK_ROLES = "[role=navigation], [role=search], [role=menubar]"
PAGE_CHROME = "header, footer, [role=banner], [role=contentinfo]"
SECTIONING = {"main", "article", "section"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}  # fmt: skip
LIST_TAGS = {"ul", "ol", "menu", "dir"}
CELL_TAGS = {"td", "th"}
# Cookie/consent banners (Cookiebot, Cookie Information, OneTrust, Osano), breadcrumbs and
# skip links, recognised by id, class, role or aria-label.
CHROME_ATTRIBUTE = re.compile(
    r"cookie|consent|gdpr|samtykke|onetrust|cybot|coi-?banner|coioverlay|\bcc-(window|banner)"
    r"|bread-?crumb|crumbs?\b|brødkrumme|brodkrumme|krummesti"
    r"|skip-?(link|to|nav|content|main)",
    re.I,
)
CHROME_PHRASES = {
    "til toppen", "til top", "tilbage til toppen", "tilbage til top", "gå til toppen",
    "til toppen af siden", "print", "udskriv", "print siden", "udskriv siden", "print side",
    "udskriv side", "back to top", "to top",
}  # fmt: skip
CHROME_PHRASE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, CHROME_PHRASES), key=len, reverse=True)) + r")\b", re.I
)
SKIP_LINK = re.compile(r"^(gå|spring|hop|skip|jump)\b.*(indhold\w*|content|navigation|menu\w*)$")
PHRASE_STOP = {"td", "th", "body", "html", "main"}
CONTENT_IDS = "article, #content, #main-content, #maincontent, #indhold, #hovedindhold, #main"
MAX_DEPTH = 150  # deeper markup is flattened, so nesting cannot exhaust the Python stack
MAX_COLSPAN = 50

WHITESPACE = re.compile(r"\s+")
EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
WORD = re.compile(r"\w")
WORDS = re.compile(r"\w{2,}")

BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.I)
PRESCAN_BYTES = 8192
# Browsers read these labels as windows-1252 (WHATWG Encoding), and pages labelled
# iso-8859-1 do contain cp1252 quotes and dashes; a UTF-16 label in ASCII markup is a lie.
AS_CP1252 = {"iso8859-1", "ascii", "cp1252"}
AS_UTF8 = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"}
NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "utf-7", "idna", "punycode", "undefined"}
# cp1252 leaves five bytes undefined; browsers map them to the C1 controls, as Latin-1 does.
CP1252_TABLE = {i: bytes([i]).decode("cp1252", "ignore") or chr(i) for i in range(0x80, 0xA0)}


def extract_html(data: bytes) -> tuple[str, str, list[str]]:
    """Return (text, encoding, warnings) for the main content of an HTML page.

    Raises IngestError, and nothing else, when the page holds no text.
    """
    decoded, encoding, warnings = decode(data)
    parser = LexborHTMLParser(decoded)
    body = parser.body
    if body is not None:
        parser.strip_tags(JUNK_TAGS, recursive=True)
        _remove_chrome(body)
        root = _content_root(body)
        _remove_page_chrome(root)
        writer = _Writer()
        writer.walk(root, 0)
        writer.flush()
        text = "\n\n".join(writer.blocks)
    else:
        text = ""
    if not WORDS.search(text):
        raise IngestError(
            "HTML-siden indeholder ingen tekst ud over navigation og scripts "
            "(the HTML page has no text besides navigation and scripts)."
        )
    return text + "\n", encoding, warnings


def fragment_blocks(node) -> str:
    """The text of one element (an item field's HTML) in the shared block shape, without
    the page-level chrome removal `extract_html` does; empty when it holds no text."""
    writer = _Writer()
    writer.walk(node, 0)
    writer.flush()
    return "\n\n".join(writer.blocks)


# --- decoding ---------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode HTML bytes: a BOM wins, then the page's declared charset, then the text rules."""
    if data.startswith(BOMS):
        return (*textformat.decode(data), [])
    label = _declared_charset(data[:PRESCAN_BYTES])
    if label is None:
        return (*textformat.decode(data), [])
    codec = _codec(label)
    if codec is None:
        text, encoding = textformat.decode(data)
        return text, encoding, [f"Ukendt tegnsæt {label!r} ignoreret (unknown charset ignored)."]
    if codec != "utf-8" and not data.isascii() and _is_utf8(data):
        # Saved again as UTF-8 without the meta tag being updated: cp1252 would give mojibake.
        return data.decode("utf-8"), "utf-8", [_misdeclared(label, "utf-8")]
    if codec == "cp1252":
        return data.decode("latin-1").translate(CP1252_TABLE), codec, []
    try:
        return data.decode(codec), codec, []
    except UnicodeDecodeError:
        text, encoding = textformat.decode(data)
        return text, encoding, [_misdeclared(label, encoding)]


def _declared_charset(head):
    match = XML_ENCODING.search(head) or META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _codec(label):
    """Python codec name for a charset label, or None when it names no usable charset."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        return None
    if info.name in AS_CP1252:
        return "cp1252"
    return "utf-8" if info.name in AS_UTF8 else info.name


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _misdeclared(label, used):
    return (
        f"Siden angiver tegnsættet {label}, men er ikke gemt sådan; læst som {used} "
        f"(the page declares {label} but is not encoded that way; read as {used})."
    )


# --- removing what is not the minutes ---------------------------------------------------


def _text_len(node):
    return len(WHITESPACE.sub("", node.text()))


def _outermost(nodes):
    """Each node once, and only those with no ancestor among them.

    Removing a node frees its subtree; touching a freed node again would crash the process.
    """
    chosen = {node.mem_id for node in nodes}
    kept, seen = [], set()
    for node in nodes:
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        parent = node.parent
        while parent is not None and parent.mem_id not in chosen:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept


def _remove(nodes):
    for node in _outermost(nodes):
        node.decompose()


def _remove_chrome(body):
    """Drop navigation roles, banners, breadcrumbs, skip links and "Til toppen" links."""
    _remove(body.css(JUNK_ROLES))
    total = _text_len(body)
    _remove(
        [
            node
            for node in body.css("[id], [class], [role], [aria-label]")
            if _is_chrome(node, total)
        ]
    )
    _remove([node for node in body.css("a[href^='#']") if SKIP_LINK.match(_phrase(node.text()))])
    _remove(_phrase_elements(body))


def _is_chrome(node, total):
    attributes = node.attributes
    names = " ".join(attributes.get(key) or "" for key in ("id", "class", "role", "aria-label"))
    if not CHROME_ATTRIBUTE.search(names) or node.tag in ("html", "body", "main"):
        return False
    # Pages put "has-cookie-banner" on a wrapper around everything: never drop the content.
    if node.css_first("main, [role=main], article, h1") is not None:
        return False
    return _text_len(node) * 2 < total


def _phrase(text):
    return WHITESPACE.sub(" ", EDGE_PUNCTUATION.sub("", text.strip())).casefold()


def _phrase_elements(body):
    """The largest element around each "Til toppen"/"Udskriv" text that holds no other words.

    Table cells stay (only their content goes) so the columns of a row keep their places.
    """
    verdicts = {}  # one text() per parent: pages repeat the link under one big parent

    def only_chrome(element):
        if element.mem_id not in verdicts:
            verdicts[element.mem_id] = _only_chrome(element.text())
        return verdicts[element.mem_id]

    found = []
    for node in body.traverse(include_text=True):
        if node.tag != "-text" or _phrase(node.text_content or "") not in CHROME_PHRASES:
            continue
        element = node
        while (
            element.parent is not None
            and element.parent.tag not in PHRASE_STOP
            and only_chrome(element.parent)
        ):
            element = element.parent
        found.append(element)
    return found


def _only_chrome(text):
    """True for "Til toppen | Print": chrome phrases and separators, nothing else."""
    return not WORD.search(CHROME_PHRASE.sub("", WHITESPACE.sub(" ", text)))


def _content_root(body):
    """<main> or role=main if present, else an article/#content holding most of the text."""
    mains = [node for node in body.css("main, [role=main]") if _text_len(node)]
    if mains:
        return max(mains, key=_text_len)
    total = _text_len(body)
    candidates = [node for node in body.css(CONTENT_IDS) if _text_len(node) * 2 >= total]
    return max(candidates, key=_text_len) if candidates else body


def _remove_page_chrome(root):
    """Headers and footers of the page (not of an article) and small forms inside the root."""
    _remove([node for node in _outermost(root.css(PAGE_CHROME)) if not _in_section(node, root)])
    total = _text_len(root)
    # ASP.NET pages wrap the whole page in one <form>; only small forms are page furniture.
    _remove([node for node in root.css("form") if _text_len(node) * 2 < total])


def _in_section(node, root):
    parent = node.parent
    while parent is not None:
        if parent.tag in SECTIONING or (parent.attributes.get("role") or "") == "main":
            return True
        if parent.mem_id == root.mem_id:
            return False
        parent = parent.parent
    return False


# --- writing blocks ---------------------------------------------------------------------


def _lines(inline):
    """Inline text with "\\n" for <br> to stripped lines; no blank lines at the edges."""
    lines = [WHITESPACE.sub(" ", line).strip() for line in inline.split("\n")]
    kept = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _int(value, default):
    try:
        return int((value or "").strip())
    except ValueError:
        return default


class _Writer:
    """Walks the DOM, collecting inline text and emitting it as blocks at block boundaries."""

    def __init__(self):
        self.blocks = []
        self.inline = []
        self.marker = None  # list marker waiting for the first block of a list item
        self.indent = ""  # indent of continuation lines inside list items

    def flush(self):
        lines = _lines("".join(self.inline))
        self.inline = []
        if lines:
            self.block(lines)

    def block(self, lines):
        first = (self.marker if self.marker is not None else self.indent) + lines[0]
        self.marker = None
        rest = [self.indent + line if line else "" for line in lines[1:]]
        self.blocks.append("\n".join([first, *rest]))

    def walk(self, node, depth):
        for child in node.iter(include_text=True):
            self.node(child, depth + 1)

    def node(self, node, depth):
        tag = node.tag
        if tag == "-text":
            self.inline.append(WHITESPACE.sub(" ", node.text_content or ""))
        elif not node.is_element_node:
            return
        elif depth > MAX_DEPTH:
            self.inline.append(" " + node.text(separator=" ") + " ")
        elif tag == "br":
            self.inline.append("\n")
        elif tag == "pre":
            self.flush()
            self.preformatted(node.text())
        elif tag in LIST_TAGS:
            self.flush()
            self.list(node, depth)
        elif tag == "li":
            self.item(node, "- ", depth)
        elif tag == "table":
            self.flush()
            self.table(node, depth)
        elif tag in BLOCK_TAGS:
            self.flush()
            self.walk(node, depth)
            self.flush()
        else:
            self.walk(node, depth)

    def preformatted(self, text):
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        if lines:
            self.block(lines)

    def list(self, node, depth):
        number = _int(node.attributes.get("start"), 1)
        for child in node.iter(include_text=True):
            if child.tag != "li":
                # A list nested straight into a list (no <li> around it) still indents.
                outer, self.indent = self.indent, self.indent + "  "
                self.node(child, depth + 1)
                self.flush()
                self.indent = outer
            elif node.tag == "ol":
                number = _int(child.attributes.get("value"), number)
                self.item(child, f"{number}. ", depth + 1)
                number += 1
            else:
                self.item(child, "- ", depth + 1)

    def item(self, node, marker, depth):
        self.flush()
        outer = self.indent
        self.marker, self.indent = outer + marker, outer + " " * len(marker)
        self.walk(node, depth)
        self.flush()
        self.marker, self.indent = None, outer

    def table(self, node, depth):
        rows = _rows(node)
        layout = _is_layout(node, rows)
        for caption, cells in rows:
            if caption is not None or layout:
                for part in [caption] if caption is not None else cells:
                    self.walk(part, depth)
                    self.flush()
                continue
            texts = []
            for cell in cells:
                texts.append(_cell_text(cell, depth))
                texts.extend([""] * (min(_int(cell.attributes.get("colspan"), 1), MAX_COLSPAN) - 1))
            if any(texts):
                self.block(["\t".join(texts)])


def _rows(table):
    """(caption, None) or (None, cells) in document order, for this table's own rows only."""
    rows = []
    for child in table.iter():
        if child.tag == "caption":
            rows.append((child, None))
        elif child.tag == "tr":
            rows.append((None, [cell for cell in child.iter() if cell.tag in CELL_TAGS]))
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(
                (None, [cell for cell in row.iter() if cell.tag in CELL_TAGS])
                for row in child.iter()
                if row.tag == "tr"
            )
    return rows


def _is_layout(table, rows):
    """A table used to place blocks on the page rather than to hold data."""
    if (table.attributes.get("role") or "").strip().lower() in ("presentation", "none"):
        return True
    if max((len(cells) for _caption, cells in rows if cells is not None), default=0) <= 1:
        return True
    return any(
        cell.css_first("table, h1, h2, h3, h4, h5, h6") is not None
        for _caption, cells in rows
        for cell in cells or ()
    )


def _cell_text(cell, depth):
    """A cell's content on one line: its blocks and line breaks joined by spaces."""
    writer = _Writer()
    writer.walk(cell, depth)
    writer.flush()
    return WHITESPACE.sub(" ", " ".join(writer.blocks)).strip()
