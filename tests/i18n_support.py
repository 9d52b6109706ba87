"""Reading the translations without GNU gettext: the English catalogue, the strings the code
and the templates mark for translation (found the way Django looks them up at run time),
the text a template shows without marking it, and the UI text of a rendered page."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.template import Template, engines
from django.template.base import Lexer, Node, TokenType
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What `makemessages` reads (docs/architecture.md, "Languages"): the apps and config, not
# the development tools, the tests or collected static files.
PYTHON_SOURCES = ("alerts", "archive", "config", "core", "ingest", "jobs")
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")
# Read by machines, not people: their words are the formats' own ("Disallow", "UTF-8").
MACHINE_TEMPLATES = ("robots.txt", "opensearch.xml")

# The gettext functions (Django's names, also those xgettext knows by default): the first
# argument(s) that are message ids, and the one that is a context.
FUNCTIONS = {
    "_": (0, None, None),
    "gettext": (0, None, None),
    "gettext_lazy": (0, None, None),
    "gettext_noop": (0, None, None),
    "ngettext": (0, 1, None),
    "ngettext_lazy": (0, 1, None),
    "pgettext": (1, None, 0),
    "pgettext_lazy": (1, None, 0),
    "npgettext": (1, 2, 0),
    "npgettext_lazy": (1, 2, 0),
}


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def key(entry) -> tuple:
    """A catalogue entry's identity: (context, msgid, plural msgid)."""
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def translations(entries) -> dict:
    """{key: translation}, the plural forms as a tuple."""
    return {
        key(e): tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
        if e.msgid_plural
        else e.msgstr
        for e in entries
        if e.msgid
    }


# --- Strings marked in Python ------------------------------------------------------------


def python_msgids() -> set[tuple]:
    """Every (context, msgid, plural) passed as literals to a gettext function."""
    found = set()
    for folder in PYTHON_SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found |= _calls_in(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _calls_in(tree) -> set[tuple]:
    names = {name: name for name in FUNCTIONS} | _aliases(tree)
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in names:
            message = _message(FUNCTIONS[names[name]], node.args)
            if message:
                found.add(message)
    return found


def _aliases(tree) -> dict:
    # `from django.utils.translation import ngettext as n_`: xgettext would miss n_(...),
    # and so the string would never reach the catalogue; finding it makes the test fail.
    return {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.asname and alias.name in FUNCTIONS
    }


def _message(positions, args) -> tuple | None:
    singular, plural, context = positions

    def literal(index):
        if index is None:
            return None
        if index < len(args) and isinstance(args[index], ast.Constant):
            value = args[index].value
            return value if isinstance(value, str) else None
        return None

    msgid = literal(singular)
    return (literal(context), msgid, literal(plural)) if msgid else None


# --- Strings marked in templates ---------------------------------------------------------


def template_paths() -> list[Path]:
    folder = ROOT / "templates"
    return sorted(p for p in folder.rglob("*") if p.suffix in TEMPLATE_SUFFIXES)


def template_msgids(path: Path) -> set[tuple]:
    """The message ids a template asks for at run time: {% translate %}, {% blocktranslate %}
    (as Django builds them: %(name)s for variables, trimmed when asked) and _("…") in filter
    arguments and `with` values."""
    engine = engines["django"].engine
    template = Template(path.read_text(encoding="utf-8"), engine=engine)
    found = set()
    for node in template.nodelist.get_nodes_by_type(Node):
        if isinstance(node, TranslateNode) and node.filter_expression.var.literal:
            found.add((_context(node.message_context), node.filter_expression.var.literal, None))
        elif isinstance(node, BlockTranslateNode):
            singular, _vars = node.render_token_list(node.singular)
            plural = node.render_token_list(node.plural)[0] if node.plural else None
            found.add((_context(node.message_context), singular, plural))
        found |= {(None, literal, None) for literal in _translated_literals(node)}
    return found


def _context(expression) -> str | None:
    return expression.var if expression is not None else None


TRANSLATED_LITERAL = re.compile(r"""_\((["'])(.*?)\1\)""")


def _translated_literals(node):
    # _("…") in a variable or a tag's arguments; Django turns it into gettext_lazy at parse
    # time, so the tag's own text is where the literal can still be read.
    token = getattr(node, "token", None)
    if token is not None and token.token_type in (TokenType.VAR, TokenType.BLOCK):
        for _quote, literal in TRANSLATED_LITERAL.findall(token.contents):
            yield literal


# --- Text a template shows without marking it --------------------------------------------

# Words that are the same in Danish and English: names of formats and standards.
NEUTRAL_WORDS = {"API", "JSON", "CSV", "KLE", "SHA", "OpenAPI"}
# Attributes whose value a person reads (or a screen reader says).
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
TAG = "\ufffc"  # stands for what the template fills in: never a letter
# Blocks whose content is an attribute value, not text: the admin's class list of <body>.
ATTRIBUTE_BLOCKS = {"bodyclass"}


def unmarked_text(path: Path) -> list[str]:
    """The words a template shows that no {% translate %} or {% blocktranslate %} covers,
    outside code examples, scripts and styles; NEUTRAL_WORDS are allowed."""
    text = _literal_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        pieces = [text]
    else:
        reader = _VisibleText()
        reader.feed(text)
        reader.close()
        pieces = reader.pieces
    return [
        word
        for piece in pieces
        for word in re.findall(r"[^\W\d_]+", piece)
        if word not in NEUTRAL_WORDS
    ]


def _literal_text(source: str) -> str:
    """The template with every tag, variable and translated block replaced by TAG."""
    parts, hidden_until = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            words = token.contents.split() or [""]
            if hidden_until is None:
                hidden_until = _end_of_hidden(words)
            elif words[0] == hidden_until:
                hidden_until = None
            parts.append(TAG)
        elif token.token_type == TokenType.TEXT and hidden_until is None:
            parts.append(token.contents)
        else:
            parts.append(TAG)
    return "".join(parts)


def _end_of_hidden(words) -> str | None:
    """The closing tag of a block whose text is no one's to read untranslated, or None."""
    ends = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
    ends["comment"] = "endcomment"
    if words[0] == "block" and words[1:2] and words[1] in ATTRIBUTE_BLOCKS:
        return "endblock"
    return ends.get(words[0])


class _VisibleText(HTMLParser):
    SKIPPED = {"script", "style", "code", "pre"}

    def __init__(self, skipped=None, language=None):
        super().__init__(convert_charrefs=True)
        self.pieces = []
        self.skipping = []
        self.skipped = self.SKIPPED if skipped is None else skipped
        self.language = language

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # Text marked as another language (lang="da" on an English page) is meant to be.
        foreign = self.language and attributes.get("lang", self.language) != self.language
        if tag in self.skipped or foreign:
            self.skipping.append(tag)
        if self.skipping:
            return
        for name, value in attributes.items():
            if value and (name in READ_ATTRIBUTES or _is_button_label(tag, name, attributes)):
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.pieces.append(data)


def _is_button_label(tag, name, attributes) -> bool:
    return tag == "input" and name == "value" and attributes.get("type") in ("submit", "button")


# --- The UI text of a rendered page ------------------------------------------------------


def page_text(html: str, language: str) -> list[str]:
    """Every text node and read attribute of a page in `language`, whitespace collapsed,
    except what is marked as in another language (the language switch's other name)."""
    reader = _VisibleText(skipped={"script", "style"}, language=language)
    reader.feed(html)
    reader.close()
    return [" ".join(piece.split()) for piece in reader.pieces if piece.strip()]


def danish_only(entries) -> tuple[set[str], set[str]]:
    """From the catalogue: the Danish strings whose English differs, as whole strings (to
    compare with whole text nodes) and as phrases of four words or more (to look for
    anywhere in a page: minutes quote "taget til efterretning", not the interface's
    sentences)."""
    whole, phrases = set(), set()
    for entry in entries:
        english = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        for danish in filter(None, (entry.msgid, entry.msgid_plural)):
            if danish == english:
                continue
            for fragment in re.split(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>", danish):
                fragment = bare(fragment)
                if fragment == bare(danish):
                    whole.add(fragment)
                if len(fragment.split()) >= 4:
                    phrases.add(fragment)
    return whole, phrases


def bare(text: str) -> str:
    """Whitespace collapsed, surrounding punctuation off: how a string is compared."""
    return " ".join(text.split()).strip(" :.,;–()→…")


# --- Dates written in one language's order -----------------------------------------------

# A literal format with a day number and a month name puts them in one language's order
# ("j. F Y" prints "26. March 2026" on an English page); a format name (DATE_FORMAT) or a
# lone weekday ("l") follows the language (config/formats/).
LITERAL_DATE = re.compile(
    r"""\|date:["']([^"']+)["']|date_?format(?:\.format)?\([^)]*?,\s*["']([^"']+)["']"""
)


def literal_date_formats(text: str) -> list[str]:
    """The date formats in a template or module that fix a language's order."""
    formats = [a or b for a, b in LITERAL_DATE.findall(text)]
    return [f for f in formats if re.search(r"[jd]", f) and re.search(r"[FMNbE]", f)]


def sources() -> list[Path]:
    """The templates and Python modules makemessages reads."""
    modules = [p for folder in PYTHON_SOURCES for p in sorted((ROOT / folder).rglob("*.py"))]
    return template_paths() + modules
