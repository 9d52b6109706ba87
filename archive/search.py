"""All search logic: the AgendaItem QuerySet, compound words, vocabulary, highlights.

Views and FilterSets call `AgendaItem.objects.search(...)` and the helpers below; nothing
else builds full-text queries. See docs/search.md for the design and its measurements.
"""

import contextlib
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Count, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Concat, ExtractYear, Left
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive import versions
from archive.caching import cache_get, cache_set, key_for
from core.casenumbers import normalize_query

logger = logging.getLogger(__name__)

CONFIG = "danish"
SCOPES = {"all": "search_vector", "decisions": "decision_vector", "titles": "title_vector"}
SORTS = ("relevance", "date")
MAX_QUERY_LENGTH = 300
# Highlight markers: private-use characters that normalised documents never contain. The
# text is escaped first and only then are they turned into <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"
WORD = re.compile(r"[a-zæøåäöüé]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000-\uf8ff]")

# Compound splitting: a part must be this long, the whole word at least twice that.
MIN_PART = 4
LINKING = ("s", "e")
# How many corpus words containing a term are examined for compounds, most frequent first.
CANDIDATES = 300


class AgendaItemQuerySet(models.QuerySet):
    def public(self):
        return self.filter(meeting__published=True)

    def search(self, query, scope: str = "all"):
        """Items matching the query (text or a prepared `Query`), annotated with `rank`
        and `exact`.

        A journal number or its prefix ("15.00.00", "00.01.00A00-29-25") matches the parsed
        case-number column exactly or by prefix. Anything else is Danish full-text search
        with websearch syntax ("phrase", or, -word) over the scope's stored vector, widened
        to compound words that contain a search term; `exact` marks the items that match
        without that widening, which rank first.
        """
        query = query if isinstance(query, Query) else Query.prepare(query)
        if query.case:
            return self.filter(
                Q(case_number_normalized=query.case)
                | Q(case_number_normalized__startswith=query.case)
            ).annotate(
                rank=Value(1.0, output_field=models.FloatField()),
                exact=Value(True, output_field=models.BooleanField()),
            )
        return self.matching(query, scope).ranked(query, scope)

    def ranked(self, query, scope: str = "all"):
        """Annotate `rank` and `exact` for a prepared full-text `Query`, without filtering:
        for rows already known to match."""
        field = SCOPES.get(scope, SCOPES["all"])
        # Nothing widened: every match is exact, and testing it again would read (detoast)
        # each matching vector a second time.
        exact = (
            Value(True, output_field=models.BooleanField())
            if query.widened == query.exact
            else ExpressionWrapper(
                Q(**{field: TsQuery(query.exact)}), output_field=models.BooleanField()
            )
        )
        return self.annotate(rank=SearchRank(F(field), TsQuery(query.widened)), exact=exact)

    def matching(self, query, scope: str = "all"):
        """The items matching a prepared full-text `Query`, with nothing computed per row:
        for counting and facets."""
        return self.filter(**{SCOPES.get(scope, SCOPES["all"]): TsQuery(query.widened)})

    def sampled(self, fraction_of: int):
        """A fixed, evenly spread sample of the items: those whose `id % SAMPLE_BUCKETS` is
        below `fraction_of` (an expression index serves it, migration 0004)."""
        return self.alias(sample_bucket=F("id") % SAMPLE_BUCKETS).filter(
            sample_bucket__lt=fraction_of
        )

    def unranked(self):
        """Items listed without a query: every one ranks alike (newest first by default)."""
        return self.annotate(
            rank=Value(0.0, output_field=models.FloatField()),
            exact=Value(True, output_field=models.BooleanField()),
        )

    def ordered(self, sort: str = "relevance"):
        """Relevance (exact words before compound parts; ties: newest first), or newest first."""
        if sort == "date":
            return self.order_by("-meeting_date", "-meeting_id", "position")
        return self.order_by("-exact", "-rank", "-meeting_date", "-meeting_id", "position")

    def with_headlines(self, query):
        """Decision and text snippets with highlight markers; for the page shown only."""
        query = query if isinstance(query, Query) else Query.prepare(query)
        if query.case:
            return self.annotate(
                decision_headline=Left("decision", 240),
                text_headline=Left(
                    Concat("summary", Value(" "), "case_text", output_field=models.TextField()), 240
                ),
            )
        tsquery = TsQuery(query.widened)
        options = {
            "config": CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_END,
            "max_words": 30,
            "min_words": 12,
            "max_fragments": 2,
            "fragment_delimiter": " … ",
        }
        # Headlines re-parse the text: bounded to its first 20,000 characters.
        body = Left(
            Concat(
                "summary",
                Value("\n\n"),
                "case_text",
                Value("\n\n"),
                "recommendation",
                output_field=models.TextField(),
            ),
            20000,
        )
        return self.annotate(
            decision_headline=SearchHeadline("decision", tsquery, **options),
            text_headline=SearchHeadline(body, tsquery, **options),
        )


def clean_query(text: str) -> str:
    """What is left of user input once control characters and excess length are gone."""
    return " ".join(CONTROL.sub(" ", text or "").split())[:MAX_QUERY_LENGTH]


def highlight(headline: str | None) -> str:
    """Escaped snippet with <mark> around the hits: built from escaped text only."""
    if not headline:
        return ""
    safe = escape(headline).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own <mark> tags added


def plain_snippet(headline: str | None) -> str:
    """The same snippet for JSON: markers become «» so clients can style them safely."""
    return (headline or "").replace(MARK_START, "«").replace(MARK_END, "»")


# --- Vocabulary and compound words -------------------------------------------------------


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def add_to_vocabulary(texts: list[str]):
    """Count each word once per text (an agenda item) in the Term table."""
    counts = Counter()
    for text in texts:
        counts.update({w for w in words(text) if 2 < len(w) <= 100})
    if not counts:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO archive_term (word, stem, frequency)
            SELECT w, coalesce((ts_lexize('danish_stem', w))[1], ''), n
            FROM unnest(%s::text[], %s::int[]) AS t(w, n)
            ON CONFLICT (word) DO UPDATE SET frequency = archive_term.frequency + EXCLUDED.frequency
            """,
            [list(counts), list(counts.values())],
        )


def item_texts(item) -> dict[str, str]:
    """An item's searchable text, by scope group."""
    rest = [item.summary, item.case_text, item.recommendation, item.economy, item.legal_basis]
    rest += [item.decision_authority, *item.other_sections.values(), *item.attachments]
    return {"title": item.title, "decision": item.decision, "text": "\n".join(rest)}


def compound_expansions(
    lexeme: str, word: str = "", limit: int = 40, version: int | None = None
) -> list[str]:
    """Stems of corpus words that contain the lexeme as one part of a compound.

    "reform" -> beskæftigelsesreformen, "udslusning" -> udslusningsboliger. A word counts
    when it splits into a head the corpus uses as a word of its own and a tail that stems
    like such a word (with the linking letters s/e between them), and one side is the
    lexeme: so "reform" does not expand to "reformulere". Frequent words first.

    Danish stems can be short ("bolig" -> "bol"); then the typed `word` finds candidates.
    A lexeme that by itself is in more items than a search counts (COUNT_CAP) is not
    widened: its compounds would rank after every exact match and change nothing shown,
    while each extra term makes the index lookup of a very common word slower (50 ms
    instead of 9 ms for "kommune" at 100,000 items).

    Results are cached under the content version: the vocabulary changes only when
    minutes are ingested.
    """
    version = versions.current() if version is None else version
    key = key_for("compounds", version, lexeme, word, limit)
    found = cache_get(key)
    if found is None:
        found = _compound_expansions(lexeme, word, limit)
        cache_set(key, found)
    return found


def _compound_expansions(lexeme, word, limit):
    from archive.models import Term

    most = Term.objects.filter(stem=lexeme).aggregate(most=models.Max("frequency"))["most"]
    if (most or 0) > COUNT_CAP:
        return []
    needle = lexeme if len(lexeme) >= MIN_PART else word[: max(MIN_PART, len(lexeme))]
    if len(needle) < MIN_PART:
        return []
    rows = list(
        Term.objects.filter(word__contains=needle)
        .exclude(stem=lexeme)
        .order_by("-frequency", "word")
        .values_list("word", "stem")[:CANDIDATES]
    )
    # The head of a compound is the term's base form: the stem plus at most a few letters
    # ("hjemløs" -> "hjemløse|indsats"), or the word as typed.
    heads_at = {len(needle) + extra for extra in range(4)} | {len(word)}
    splits = {w: _splits_around(w, needle, heads_at) for w, _ in rows}
    known_heads = _known_words({head for pairs in splits.values() for head, _ in pairs})
    tail_stems = _stems({tail for pairs in splits.values() for _, tail in pairs})
    found = []
    for candidate, stem in rows:
        if stem in found:
            continue
        for head, tail in splits[candidate]:
            parts = (known_heads.get(head), tail_stems.get(tail))
            if None not in parts and lexeme in parts:
                found.append(stem)
                break
        if len(found) >= limit:
            break
    return found


def _splits_around(word: str, needle: str, heads_at: set[int]) -> list[tuple[str, str]]:
    """(head, tail) pairs where the needle starts the tail, or is the head itself."""
    pairs = []
    at = word.find(needle, 1)
    while at > 0:
        head = word[:at]
        pairs.append((head, word[at:]))
        if head[-1] in LINKING:
            pairs.append((head[:-1], word[at:]))
        at = word.find(needle, at + 1)
    if word.startswith(needle):
        for cut in heads_at:
            if cut < len(word):
                pairs.append((word[:cut], word[cut:]))
                if word[cut] in LINKING:
                    pairs.append((word[:cut], word[cut + 1 :]))
    return [(h, t) for h, t in pairs if len(h) >= MIN_PART and len(t) >= MIN_PART]


def _known_words(candidates: set[str]) -> dict[str, str]:
    """Candidates that are words of the corpus, with their stems."""
    from archive.models import Term

    if not candidates:
        return {}
    return dict(
        Term.objects.filter(word__in=candidates).exclude(stem="").values_list("word", "stem")
    )


def _stems(candidates: set[str]) -> dict[str, str]:
    """Danish stems of the candidates that stem like a word the corpus uses on its own."""
    if not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c, s FROM (
                SELECT c, (ts_lexize('danish_stem', c))[1] AS s FROM unnest(%s::text[]) AS c
            ) AS x
            WHERE s <> '' AND EXISTS (SELECT 1 FROM archive_term t WHERE t.stem = x.s)
            """,
            [sorted(candidates)],
        )
        return dict(cursor.fetchall())


# --- The query itself ----------------------------------------------------------------------

LEXEME = re.compile(r"(?P<neg>!?)\s*'(?P<lexeme>(?:[^']|'')+)'(?P<suffix>:[*A-D]+)?")
PHRASE = re.compile(r"<\d+>|<->")


class TsQuery(SearchQuery):
    """A tsquery given as text, used as is: its lexemes are already Danish stems, and
    to_tsquery would stem them a second time."""

    template = "(%(expressions)s)::tsquery"

    def __init__(self, text: str):
        super().__init__(Value(text), search_type="raw")


def parsed_query(text: str) -> str:
    """The websearch query as tsquery text, e.g. "'reform' & !'sygedagpeng'"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [CONFIG, text])
        return cursor.fetchone()[0]


def expanded_query(
    tsquery: str, words_by_stem: dict[str, str] | None = None, version: int | None = None
) -> str:
    """The tsquery with each plain positive term widened to the compounds containing it.

    Terms inside a phrase or after "-" stay exact: a phrase means these words in this order,
    and excluding a word should not silently exclude every compound with it.
    """

    def widen(match):
        lexeme = match["lexeme"].replace("''", "'")
        before = tsquery[max(0, match.start() - 4) : match.start()]
        after = tsquery[match.end() : match.end() + 4]
        if match["neg"] or match["suffix"] or PHRASE.search(before) or PHRASE.search(after):
            return match.group(0)
        extra = compound_expansions(lexeme, (words_by_stem or {}).get(lexeme, ""), version=version)
        if not extra:
            return match.group(0)
        terms = [lexeme, *extra]
        return "( " + " | ".join("'" + t.replace("'", "''") + "'" for t in terms) + " )"

    return LEXEME.sub(widen, tsquery)


@dataclass
class Query:
    """A user's query, prepared once per request.

    `case` is the normalised journal number (prefix) when the text is one; otherwise
    `exact` is the tsquery of the text and `widened` the same with compound words.
    """

    text: str
    case: str | None = None
    exact: str = ""
    widened: str = ""

    @classmethod
    def prepare(cls, text: str, version: int | None = None) -> "Query":
        """`version`: the content version, when the caller has already read it."""
        case = normalize_query(text)
        if case:
            return cls(text, case=case)
        exact = parsed_query(text)
        if not exact:
            return cls(text)
        # Read once here rather than once per widened term.
        version = versions.current() if version is None else version
        widened = expanded_query(exact, stems_of(words(text)), version)
        return cls(text, exact=exact, widened=widened)

    @property
    def needs_recheck(self) -> bool:
        """A phrase or a negation: the GIN index finds candidates, each must be rechecked."""
        return bool(self.exact) and ("!" in self.exact or PHRASE.search(self.exact) is not None)

    @property
    def empty(self) -> bool:
        """Nothing left to search for: every word was a stop word."""
        return not self.case and not self.exact


def stems_of(tokens: list[str]) -> dict[str, str]:
    """{Danish stem: the word the user typed}."""
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (ts_lexize('danish_stem', w))[1], w FROM unnest(%s::text[]) AS w",
            [tokens],
        )
        return {stem: word for stem, word in cursor.fetchall() if stem}


# --- A page of results ---------------------------------------------------------------------

PAGE_SIZE = 20
# Counting every match of a very common word would scan too much; past this we say "10.000+".
COUNT_CAP = 10_000
# A count the table sample puts above ESTIMATE_FROM, on at least ESTIMATE_SAMPLE matches
# (a standard error of at most 10 %), is given as an estimate ("ca. 6.200") rather than
# counted: collecting thousands of rows to count them exactly was a third of the cost of
# a search for a common word, and nobody reads past the first pages of such a result.
ESTIMATE_FROM = 5_000
ESTIMATE_SAMPLE = 100
# Relevance (ts_rank) reads each ranked vector back from TOAST: ranking every match is what
# makes naive full-text search take seconds. So relevance orders the newest RANK_WINDOW
# matches (more for deep pages); older ones follow by date. Below the count cap the window
# is picked exactly from the scanned rows; above it, PostgreSQL picks the newest matches.
RANK_WINDOW = 500
# `newest_ranked` reads at most MAX_PROBE newest items per match it needs, and only when
# the sample's share of matches says that is deep enough, with a margin (PROBE_MARGIN);
# otherwise all matches are sorted by date instead.
MAX_PROBE = 20
PROBE_MARGIN = 1.3
# Past the count cap, facets are counted on a fixed sample of the table (rows with
# id % SAMPLE_BUCKETS below a threshold, served by an expression index) of about SAMPLE_ROWS
# rows, and scaled up, so a word found in most of a million items costs about what a rarer
# one does (docs/performance.md).
SAMPLE_BUCKETS = 256
SAMPLE_ROWS = 4_000
# Everything a search computes except the rendering is cached under the content version
# (archive.versions), so a cached result is never older than the archive itself.
# What the one scan of the matches reads per row: enough for the count, the facets and
# picking the newest matches, without reading any text.
ROW = ("id", "meeting_date", "meeting_id", "position", "municipality_id", "committee_id", "outcome")


@dataclass
class Facet:
    value: str
    label: str
    count: int


@dataclass
class Results:
    query: str
    scope: str
    sort: str
    page: int
    page_size: int
    items: list
    count: int = 0
    count_is_exact: bool = True
    # Not exact either way: an estimate from the table sample ("Ca. 65.000"), or else the
    # cap itself, meaning "more than" ("Mere end 10.000").
    count_is_estimate: bool = False
    facets: dict = field(default_factory=dict)
    # False when the facet counts are estimates from a sample (exactly when the count is capped).
    facets_are_exact: bool = True
    suggestion: str = ""
    message: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.count, COUNT_CAP) // self.page_size))


@dataclass
class Found:
    """What a search found, without the items themselves: this is what is cached."""

    count: int = 0
    count_is_exact: bool = True
    count_is_estimate: bool = False
    facets: dict = field(default_factory=dict)
    facets_are_exact: bool = True
    suggestion: str = ""
    message: str = ""
    page_ids: list = field(default_factory=list)
    # {item id: (decision headline, text headline)} for the page; None without a query.
    headlines: dict | None = None


def sort_for(text: str, params: dict) -> str:
    """The sort asked for; without one, relevance for a query and newest first without."""
    return params.get("sort") or ("relevance" if text else "date")


def run_search(items, params: dict) -> Results:
    """Search `items` (a filtered AgendaItem QuerySet) with cleaned form parameters."""
    text = clean_query(params.get("q") or "")
    scope = params.get("scope") or "all"
    sort = sort_for(text, params)
    page = params.get("page") or 1
    size = params.get("page_size") or PAGE_SIZE
    results = Results(text, scope, sort, page, size, items=[])
    version = versions.current()
    key = _cache_key(version, items, text, scope, sort, page, size)
    found, page_items = cache_get(key), None
    if found is None:
        with search_slot():
            # Whoever held the slot may just have computed the very same search.
            found = cache_get(key)
            if found is None:
                query = Query.prepare(text, version) if text else None
                found, page_items = _search(items, query, scope, sort, (page - 1) * size, size)
                cache_set(key, found)
    if page_items is None:
        page_items = _by_ids(items, found.page_ids)
    for name in (
        "count",
        "count_is_exact",
        "count_is_estimate",
        "facets",
        "facets_are_exact",
        "suggestion",
        "message",
    ):
        setattr(results, name, getattr(found, name))
    attach_snippets(page_items, found.headlines)
    results.items = page_items
    return results


class Busy(Exception):
    """No search slot came free in time: the server has more searches than it can run."""


# Each process computes at most SEARCH_CONCURRENCY searches at once; the others wait their
# turn. On a small machine a crowd of searches competing for the cores would otherwise
# starve the cheap requests (page views, cached results) that share the workers with them.
_slots = threading.BoundedSemaphore(settings.SEARCH_CONCURRENCY)


@contextlib.contextmanager
def search_slot():
    if not _slots.acquire(timeout=settings.SEARCH_QUEUE_SECONDS):
        raise Busy
    try:
        yield
    finally:
        _slots.release()


def _cache_key(version, items, text, scope, sort, page, size) -> str:
    # The filtered QuerySet's SQL captures every filter exactly, however it was expressed.
    sql, sql_params = items.query.sql_with_params()
    return key_for("search", version, sql, repr(sql_params), text, scope, sort, page, size)


def _search(items, query, scope, sort, offset, size) -> tuple[Found, list]:
    found = Found()
    if query is not None and query.empty:
        found.message = gettext(
            "Søgningen indeholder kun meget almindelige ord (som 'og', 'i', 'at'), som "
            "arkivet ikke søger på. Prøv med mere specifikke ord."
        )
        return found, []
    if query is None:
        page_items = _browse(items, found, sort, offset, size)
    else:
        page_items = _matches(items, query, scope, found, sort, offset, size)
        found.headlines = headlines(page_items, query)
        if not query.case and found.count < 3:
            found.suggestion = suggest(query.text)
    found.page_ids = [item.pk for item in page_items]
    return found, page_items


def _browse(items, found, sort, offset, size) -> list:
    """No query: the filtered items, newest first."""
    found.count = items.order_by()[: COUNT_CAP + 1].count()
    found.count_is_exact = found.count <= COUNT_CAP
    found.count = min(found.count, COUNT_CAP)
    if found.count_is_exact:
        found.facets = facets(items)
    else:
        found.facets, found.facets_are_exact = sampled_facets(items).facets, False
    return _load(items.unranked().ordered(sort)[offset : offset + size])


def _matches(items, query, scope, found, sort, offset, size) -> list:
    """A query: the count, the facets and the page.

    Below the cap, one scan collects the matching rows without their text; the count, the
    facets and the newest matches come from those rows. Phrases and "-word" are checked
    against each candidate's stored vector once, here, and PostgreSQL, which guesses
    thousands of rows for any rare word, ranks exactly the rows it is given. A word that
    the table sample shows to be far past the cap skips that scan: its facets are the
    sample's, and its newest matches are found in date order.
    """
    matching = items.search(query, scope) if query.case else items.matching(query, scope)
    window = max(RANK_WINDOW, 2 * (offset + size))
    # A journal number ranks every match alike: relevance is newest first.
    by_date = sort == "date" or query.case
    sample = None if query.case else sampled_facets(matching)
    if sample is None or not sample.estimates_count:
        rows = list(matching.order_by().values_list(*ROW)[: COUNT_CAP + 1])
        if len(rows) <= COUNT_CAP:
            found.count = len(rows)
            found.facets = facets_of(rows)
            rows.sort(key=lambda r: (-r[1].toordinal(), -r[2], r[3]))  # newest first
            if by_date:
                return _by_ids(items, [r[0] for r in rows[offset : offset + size]])
            newest = items.filter(id__in=[r[0] for r in rows[:window]])
            return _load(newest.ranked(query, scope).ordered("relevance")[offset : offset + size])
    sample = sample or sampled_facets(matching)
    # Past the cap by counting, the count is more than the cap whatever the sample says.
    found.count_is_exact = False
    found.count_is_estimate = sample.estimates_count or sample.estimate > COUNT_CAP
    found.count = sample.estimate if found.count_is_estimate else COUNT_CAP
    found.facets, found.facets_are_exact = sample.facets, False
    if by_date:
        return _load(matching.ordered("date")[offset : offset + size])
    ranked = newest_ranked(items, query, scope, window, sample)
    if ranked is not None:
        return _by_ids(items, ranked[offset : offset + size])
    newest = models.Subquery(matching.ordered("date").values("id")[:window])
    ranked = items.filter(id__in=newest).ranked(query, scope)
    return _load(ranked.ordered("relevance")[offset : offset + size])


def newest_ranked(items, query, scope, window: int, sample: "Sample") -> list | None:
    """The ids of the newest `window` matches of a query with very many matches, in
    relevance order; None when the newest items hold too few matches.

    The newest items are read in date order (an index) and tested one by one, ranking each
    match as it is read, until the window is full: for a common word that is after a few
    thousand rows (10 ms at 100,000 items), where collecting every match to sort them by
    date takes 45 ms and ranking them in a second query reads every vector again. The
    sample's share of matches says whether the window lies within the newest
    MAX_PROBE * window items; if not, reading them would be wasted.
    """
    share = sample.matches * sample.scale / max(_table_rows(), 1)
    if share * MAX_PROBE < PROBE_MARGIN:
        return None
    rows = _probe(items, query, scope, window, MAX_PROBE * window)
    if len(rows) < window:
        return None
    # Ties keep date order (newest first), as ordered("relevance") does; sorted() is stable.
    return [pk for pk, _, _ in sorted(rows, key=lambda r: (not r[1], -r[2]))]


def _load(items) -> list:
    return list(items.select_related("meeting", "committee", "municipality"))


def _by_ids(items, ids) -> list:
    """The items with these ids, in this order."""
    by_pk = {item.pk: item for item in _load(items.filter(id__in=ids))}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _probe(items, query, scope, window, depth) -> list:
    """(id, exact, rank) of the first `window` matches among the newest `depth` items."""
    field = SCOPES.get(scope, SCOPES["all"])
    newest = items.ordered("date").values("id", field, "meeting_date", "meeting_id", "position")
    sql, params = newest[:depth].query.sql_with_params()
    exact, exact_params = (
        ("true", [])
        if query.widened == query.exact
        else (
            f"{field} @@ %s::tsquery",
            [query.exact],
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {exact}, ts_rank({field}, %s::tsquery) FROM ({sql}) AS newest "
            f"WHERE {field} @@ %s::tsquery "
            "ORDER BY meeting_date DESC, meeting_id DESC, position LIMIT %s",
            [*exact_params, query.widened, *params, query.widened, window],
        )
        return cursor.fetchall()


def _table_rows() -> int:
    key = f"search:item_rows:{connection.settings_dict['NAME']}"
    rows = cache_get(key)
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                "WHERE oid = 'archive_agendaitem'::regclass"
            )
            rows = cursor.fetchone()[0] or 0
        cache_set(key, rows)
    return rows


@dataclass
class Sample:
    facets: dict
    matches: int  # in the sample
    scale: float  # table rows per sample row

    @property
    def estimate(self) -> int:
        """The number of matches in the table, to two significant digits."""
        total = round(self.matches * self.scale)
        digits = max(0, len(str(total)) - 2)
        return round(total, -digits)

    @property
    def estimates_count(self) -> bool:
        """Enough matches, in the table and in the sample, to give an estimate as the count."""
        return self.matches >= ESTIMATE_SAMPLE and self.matches * self.scale >= ESTIMATE_FROM


def sampled_facets(matching) -> Sample:
    """Facet counts estimated from a fixed sample of the table, in one query."""
    from archive.models import Outcome

    buckets = max(1, min(SAMPLE_BUCKETS, -(-SAMPLE_BUCKETS * SAMPLE_ROWS // max(_table_rows(), 1))))
    scale = SAMPLE_BUCKETS / buckets
    sample = (
        matching.sampled(buckets)
        .order_by()
        .values("municipality_id", "committee_id", "meeting_date", "outcome")
    )
    sql, params = sample.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH s AS MATERIALIZED ({sql})
            SELECT 'municipality', m.slug, m.name, count(*) FROM s
                JOIN archive_municipality m ON m.id = s.municipality_id GROUP BY m.slug, m.name
            UNION ALL SELECT 'committee', c.id::text, c.name, count(*) FROM s
                JOIN archive_committee c ON c.id = s.committee_id GROUP BY c.id, c.name
            UNION ALL SELECT 'year', y::text, y::text, count(*) FROM (
                SELECT extract(year FROM meeting_date)::int AS y FROM s) AS years GROUP BY y
            UNION ALL SELECT 'outcome', outcome, outcome, count(*) FROM s GROUP BY outcome
            """,
            params,
        )
        rows = cursor.fetchall()
    labels = dict(Outcome.choices)
    found = {"municipality": [], "committee": [], "year": [], "outcome": []}
    for kind, value, label, n in rows:
        if kind == "outcome":
            label = str(labels.get(value, value))
        found[kind].append(Facet(value, label, max(1, round(n * scale))))
    in_sample = sum(n for kind, _, _, n in rows if kind == "outcome")
    return Sample(_sorted_facets(found), in_sample, scale)


def _sorted_facets(found: dict) -> dict:
    """Years in order; everything else most frequent first."""
    for kind, values in found.items():
        if kind == "year":
            values.sort(key=lambda f: f.value)
        else:
            values.sort(key=lambda f: (-f.count, f.label))
    return found


def facets_of(rows) -> dict:
    """Exact facet counts from the scanned rows (see ROW), with their labels."""
    from archive.models import Committee, Municipality, Outcome

    counts = {"municipality": Counter(), "committee": Counter(), "year": Counter()}
    outcomes = Counter()
    for _id, date, _meeting, _position, municipality, committee, outcome in rows:
        counts["municipality"][municipality] += 1
        counts["committee"][committee] += 1
        counts["year"][date.year] += 1
        outcomes[outcome] += 1
    municipalities = {
        pk: (slug, name)
        for pk, slug, name in Municipality.objects.filter(
            id__in=counts["municipality"]
        ).values_list("id", "slug", "name")
    }
    committees = dict(
        Committee.objects.filter(id__in=counts["committee"]).values_list("id", "name")
    )
    labels = dict(Outcome.choices)
    found = {
        "municipality": [
            Facet(*municipalities[pk], n)
            for pk, n in counts["municipality"].items()
            if pk in municipalities
        ],
        "committee": [
            Facet(str(pk), committees[pk], n)
            for pk, n in counts["committee"].items()
            if pk in committees
        ],
        "year": [Facet(str(y), str(y), n) for y, n in counts["year"].items()],
        "outcome": [Facet(o, str(labels.get(o, o)), n) for o, n in outcomes.items()],
    }
    return _sorted_facets(found)


def facets(items) -> dict:
    """Counts per municipality, committee, year and outcome within the results."""
    from archive.models import Outcome

    base = items.order_by()
    by_municipality = base.values("municipality__slug", "municipality__name").annotate(
        n=Count("id")
    )
    by_committee = base.values("committee_id", "committee__name").annotate(n=Count("id"))
    by_year = base.annotate(y=ExtractYear("meeting_date")).values("y").annotate(n=Count("id"))
    by_outcome = base.values("outcome").annotate(n=Count("id"))
    labels = dict(Outcome.choices)
    found = {
        "municipality": [
            Facet(r["municipality__slug"], r["municipality__name"], r["n"]) for r in by_municipality
        ],
        "committee": [
            Facet(str(r["committee_id"]), r["committee__name"], r["n"]) for r in by_committee
        ],
        "year": [Facet(str(r["y"]), str(r["y"]), r["n"]) for r in by_year],
        "outcome": [
            Facet(r["outcome"], str(labels.get(r["outcome"], r["outcome"])), r["n"])
            for r in by_outcome
        ],
    }
    return _sorted_facets(found)


def headlines(page_items, query) -> dict:
    """{item id: (decision headline, text headline)} with highlight markers, for the page."""
    from archive.models import AgendaItem

    if not page_items:
        return {}
    rows = (
        AgendaItem.objects.filter(pk__in=[item.pk for item in page_items])
        .with_headlines(query)
        .values_list("pk", "decision_headline", "text_headline")
    )
    return {pk: (decision, text) for pk, decision, text in rows}


def attach_snippets(page_items, found_headlines):
    """Give each shown item `decision_snippet` and `text_snippet`: safe HTML with <mark>.

    `found_headlines` from `headlines()`; None (no query) shortens the item's own text."""
    if found_headlines is None:
        for item in page_items:
            item.decision_snippet = escape(_shorten(item.decision))
            item.text_snippet = escape(_shorten(item.summary or item.case_text))
            item.decision_plain = _shorten(item.decision)
            item.text_plain = _shorten(item.summary or item.case_text)
            _best(item)
        return
    for item in page_items:
        decision, text = found_headlines.get(item.pk, (None, None))
        item.decision_snippet = highlight(decision)
        item.text_snippet = highlight(text)
        item.decision_plain = plain_snippet(decision)
        item.text_plain = plain_snippet(text)
        _best(item)


def _best(item):
    """The snippet that shows a hit: the decision's if it has one, else the text's."""
    if "<mark>" in str(item.decision_snippet) or not item.text_snippet:
        item.best_snippet, item.best_plain = item.decision_snippet, item.decision_plain
    else:
        item.best_snippet, item.best_plain = item.text_snippet, item.text_plain


def _shorten(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def year_bars(year_facets: list, width: int = 240, height: int = 110) -> list[dict]:
    """Bars for the hits-per-year chart, computed here so the SVG template stays dumb."""
    if not year_facets:
        return []
    peak = max(f.count for f in year_facets)
    step = width / len(year_facets)
    bars = []
    for i, f in enumerate(year_facets):
        bar_height = max(2, round((height - 20) * f.count / peak))
        # Integers: Danish number formatting would turn 2.5 into "2,5" inside SVG attributes.
        bars.append(
            {
                "x": round(i * step + 1),
                "y": height - 16 - bar_height,
                "w": max(round(step) - 2, 1),
                "h": bar_height,
                "label_x": round(i * step + step / 2),
                "year": f.value,
                "count": f.count,
            }
        )
    return bars


def suggest(text: str) -> str:
    """A corrected query ("Mente du …") from the nearest words in the vocabulary, or ""."""
    from django.contrib.postgres.search import TrigramSimilarity

    from archive.models import Term

    tokens = [t for t in words(text) if len(t) >= 3]
    if not tokens or normalize_query(text):
        return ""
    known = set(Term.objects.filter(word__in=tokens).values_list("word", flat=True))
    corrected, changed = text.lower(), False
    for token in tokens:
        if token in known:
            continue
        best = (
            Term.objects.filter(word__trigram_similar=token)
            .annotate(similarity=TrigramSimilarity("word", token))
            .order_by("-similarity", "-frequency", "word")
            .values_list("word", flat=True)
            .first()
        )
        if best and best != token:
            corrected = re.sub(rf"\b{re.escape(token)}\b", best, corrected)
            changed = True
    return corrected if changed else ""
