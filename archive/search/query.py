"""A user's query, prepared once per request: a journal number, or Danish full-text search
(websearch syntax) widened to compound words. No models: the QuerySet builds on this."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Value

from archive import limits, versions
from archive.reads import read_connection
from archive.search.compounds import compound_expansions
from archive.search.pairs import answered_by_links, phrase_links
from archive.search.vocabulary import Typed, typed_words, words
from core.casenumbers import normalize_query, parse_case_number

CONFIG = "danish"
SCOPES = {
    "all": "search_vector",
    "decisions": "decision_vector",
    "titles": "title_vector",
    "attachments": "attachment_vector",
}
SORTS = ("relevance", "date")
# Highlight markers: private-use characters that normalised documents never contain. The
# text is escaped first and only then are they turned into <mark> (archive.search.snippets).
MARK_START, MARK_END = "\ue000", "\ue001"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000-\uf8ff]")
LEXEME = re.compile(r"(?P<neg>!?)\s*'(?P<lexeme>(?:[^']|'')+)'(?P<suffix>:[*A-D]+)?")
PHRASE = re.compile(r"<\d+>|<->")


def clean_query(text: str) -> str:
    """What is left of user input once control characters and excess length are gone."""
    return " ".join(CONTROL.sub(" ", text or "").split())[: limits.MAX_QUERY_LENGTH]


def normalize_case_number(text: str) -> str:
    """A case number as the archive stores it, for the case page, feed and API alike."""
    text = CONTROL.sub("", text)[:100]
    parsed = parse_case_number(text)
    return parsed.normalized if parsed else text.strip()


def sort_for(text: str, params: dict) -> str:
    """The sort asked for; without one, relevance for a query and newest first without."""
    return params.get("sort") or ("relevance" if text else "date")


class TsQuery(SearchQuery):
    """A tsquery given as text, used as is: its lexemes are already Danish stems, and
    to_tsquery would stem them a second time."""

    template = "(%(expressions)s)::tsquery"

    def __init__(self, text: str):
        super().__init__(Value(text), search_type="raw")


def parsed_query(text: str) -> tuple[str, str]:
    """The websearch query as tsquery text, e.g. "'reform' & !'sygedagpeng'", and its
    positive part ("'reform'"; "" when there is none), in one round trip."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT q::text, querytree(q) FROM websearch_to_tsquery(%s::regconfig, %s) AS q",
            [CONFIG, text],
        )
        tsquery, positive = cursor.fetchone()
    # querytree() gives "T" when nothing positive is left ("-nord", "a or -b").
    return tsquery, "" if positive == "T" else positive


def expanded_query(
    tsquery: str,
    typed: dict[str, Typed] | None = None,
    version: int | None = None,
    *,
    kinds_only: bool = False,
    memo: dict | None = None,
) -> str:
    """The tsquery with each plain positive term widened to the compounds containing it,
    and a term typed with a spelling variant (`Typed.fixes`) to the word meant and its
    compounds. `kinds_only`: only to the compounds that end in the term (trafiksikkerhed
    for sikkerhed), as typed; `memo` keeps the compounds looked up between calls.

    Terms inside a phrase or after "-" stay exact: a phrase means these words in this order,
    and excluding a word should not silently exclude every compound with it.
    """
    memo = {} if memo is None else memo

    def compounds(lexeme, word, items=None):
        if lexeme not in memo:
            memo[lexeme] = compound_expansions(lexeme, word, version=version, items=items)
        return memo[lexeme]

    def widen(match):
        lexeme = match["lexeme"].replace("''", "'")
        before = tsquery[max(0, match.start() - 4) : match.start()]
        after = tsquery[match.end() : match.end() + 4]
        if match["neg"] or match["suffix"] or PHRASE.search(before) or PHRASE.search(after):
            return match.group(0)
        word = (typed or {}).get(lexeme)
        # The typed word's lookup already counted its stem's items.
        found = compounds(lexeme, word.word, word.items) if word else compounds(lexeme, "")
        word = word or Typed("")
        terms = [lexeme, *(found.kinds if kinds_only else found.all)]
        for stem, fixed in [] if kinds_only else word.fixes:
            terms += [stem, *compounds(stem, fixed).all]
        if len(terms) == 1:
            return match.group(0)
        terms = list(dict.fromkeys(terms))
        return "( " + " | ".join("'" + t.replace("'", "''") + "'" for t in terms) + " )"

    return LEXEME.sub(widen, tsquery)


@dataclass
class Query:
    """A user's query, prepared once per request.

    `case` is the normalised journal number (prefix) when the text is one; otherwise
    `exact` is the tsquery of the text with each term widened to the compounds that name a
    kind of it (trafiksikkerhed for sikkerhed), the items that rank first; `widened` the same
    with every compound and spelling fix, the items that match. `positive` is `widened`
    without its negated terms: what relevance is measured on. `pairs`: the adjacent words
    of the phrases every match must contain, looked up in their own index (search.pairs);
    `by_pairs`: that index alone answers the query (two-word phrases only).
    """

    text: str
    case: str | None = None
    exact: str = ""
    widened: str = ""
    positive: str = ""
    pairs: tuple = ()
    by_pairs: bool = False

    @classmethod
    def prepare(cls, text: str, version: int | None = None) -> "Query":
        """`version`: the content version, when the caller has already read it."""
        case = normalize_query(text)
        if case:
            return cls(text, case=case)
        parsed, positive = parsed_query(text)
        if not parsed:
            return cls(text)
        # Read once here rather than once per widened term.
        version = versions.current() if version is None else version
        typed, memo = typed_words(words(text)), {}
        exact = expanded_query(parsed, typed, version, kinds_only=True, memo=memo)
        widened = expanded_query(parsed, typed, version, memo=memo)
        phrases = {"pairs": tuple(phrase_links(widened)), "by_pairs": answered_by_links(widened)}
        if positive == parsed:
            return cls(text, exact=exact, widened=widened, positive=widened, **phrases)
        # Widened alike: a term ranks the same with or without the words excluded next to it.
        positive = expanded_query(positive, typed, version, memo=memo) if positive else ""
        return cls(text, exact=exact, widened=widened, positive=positive, **phrases)

    @property
    def ranking(self) -> str:
        """The tsquery relevance is measured on: ts_rank gives every match of "word -other"
        the same tiny rank, so it ranks on the positive part ("word") alone."""
        return self.positive or self.widened

    @property
    def needs_recheck(self) -> bool:
        """A phrase or a negation: the GIN index finds candidates, each must be rechecked."""
        return bool(self.exact) and ("!" in self.exact or PHRASE.search(self.exact) is not None)

    @property
    def empty(self) -> bool:
        """Nothing left to search for: every word was a stop word."""
        return not self.case and not self.exact
