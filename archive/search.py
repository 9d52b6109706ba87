"""All search logic: the AgendaItem QuerySet, compound words, vocabulary, highlights.

Views and FilterSets call `AgendaItem.objects.search(...)` and the helpers below; nothing
else builds full-text queries. See docs/search.md for the design and its measurements.
"""

import datetime
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, models
from django.db.models import Count, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Concat, ExtractYear, Left
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ingest.casenumbers import normalize_query

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
        field = SCOPES.get(scope, SCOPES["all"])
        widened = TsQuery(query.widened)
        # Nothing widened: every match is exact, and testing it again would read (detoast)
        # each matching vector a second time.
        exact = (
            Value(True, output_field=models.BooleanField())
            if query.widened == query.exact
            else ExpressionWrapper(
                Q(**{field: TsQuery(query.exact)}), output_field=models.BooleanField()
            )
        )
        return self.matching(query, scope).annotate(rank=SearchRank(F(field), widened), exact=exact)

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


def compound_expansions(lexeme: str, word: str = "", limit: int = 40) -> list[str]:
    """Stems of corpus words that contain the lexeme as one part of a compound.

    "reform" -> beskæftigelsesreformen, "udslusning" -> udslusningsboliger. A word counts
    when it splits into a head the corpus uses as a word of its own and a tail that stems
    like such a word (with the linking letters s/e between them), and one side is the
    lexeme: so "reform" does not expand to "reformulere". Frequent words first.

    Danish stems can be short ("bolig" -> "bol"); then the typed `word` finds candidates.
    Results are cached: the vocabulary changes only when minutes are ingested.
    """
    key = "compounds:" + hashlib.sha1(f"{lexeme}:{word}:{limit}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _compound_expansions(lexeme, word, limit)
        cache.set(key, found, timeout=600)
    return found


def _compound_expansions(lexeme, word, limit):
    from archive.models import Term

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


def expanded_query(tsquery: str, words_by_stem: dict[str, str] | None = None) -> str:
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
        extra = compound_expansions(lexeme, (words_by_stem or {}).get(lexeme, ""))
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
    def prepare(cls, text: str) -> "Query":
        case = normalize_query(text)
        if case:
            return cls(text, case=case)
        exact = parsed_query(text)
        if not exact:
            return cls(text)
        return cls(text, exact=exact, widened=expanded_query(exact, stems_of(words(text))))

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
# Past the count cap, two things are bounded so a word found in most of a million items
# costs about what a rarer one does (docs/performance.md):
# - facets are counted on a fixed sample of the table (rows with id % SAMPLE_BUCKETS below
#   a threshold, served by an expression index) of about SAMPLE_ROWS rows, and scaled up;
# - relevance ranks only the newest matches, a date window holding about RANK_WINDOW of
#   them, chosen from the same sample. ts_rank reads each ranked vector from TOAST: ranking
#   every match is what makes naive full-text search take seconds.
SAMPLE_BUCKETS = 256
SAMPLE_ROWS = 8_000
RANK_WINDOW = 1_000


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
    facets: dict = field(default_factory=dict)
    # False when the facet counts are estimates from a sample (exactly when the count is capped).
    facets_are_exact: bool = True
    suggestion: str = ""
    message: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.count, COUNT_CAP) // self.page_size))


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
    query = Query.prepare(text) if text else None
    if query is not None and query.empty:
        results.message = gettext(
            "Søgningen indeholder kun meget almindelige ord (som 'og', 'i', 'at'), som "
            "arkivet ikke søger på. Prøv med mere specifikke ord."
        )
        return results
    if query is None:
        matching, items = items, items.unranked()
    elif query.case:
        matching = items = items.search(query, scope)
    else:
        matching, items = items.matching(query, scope), items.search(query, scope)
    if query is not None:
        # One scan collects the matching ids (at most the cap); the count, the facets and the
        # page then work from them. Phrases and "-word" are checked against each candidate's
        # stored vector, so this does that work once instead of six times; and PostgreSQL,
        # which guesses thousands of rows for any rare word, plans the facets and the page
        # for the real number of rows.
        ids = list(matching.order_by().values_list("id", flat=True)[: COUNT_CAP + 1])
        results.count = len(ids)
        if results.count <= COUNT_CAP:
            matching = matching.model.objects.filter(id__in=ids)
            items = items.filter(id__in=ids)
    else:
        results.count = matching.order_by()[: COUNT_CAP + 1].count()
    results.count_is_exact = results.count <= COUNT_CAP
    results.count = min(results.count, COUNT_CAP)
    offset = (page - 1) * size
    window = None
    if results.count_is_exact:
        results.facets = facets(matching)
    else:
        results.facets, window = sampled_facets(matching, max(RANK_WINDOW, 2 * (offset + size)))
        results.facets_are_exact = False
    page_items = _page(items, sort, offset, size, window)
    if window is not None and len(page_items) < size:
        page_items = _page(items, sort, offset, size, None)  # the estimate fell short
    attach_snippets(page_items, query)
    results.items = page_items
    if query is not None and not query.case and results.count < 3:
        results.suggestion = suggest(text)
    return results


def _page(items, sort, offset, size, since):
    if since is not None:
        items = items.filter(meeting_date__gte=since)
    return list(
        items.ordered(sort).select_related("meeting", "committee", "municipality")[
            offset : offset + size
        ]
    )


def _table_rows() -> int:
    rows = cache.get("search:item_rows")
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                "WHERE oid = 'archive_agendaitem'::regclass"
            )
            rows = cursor.fetchone()[0] or 0
        cache.set("search:item_rows", rows, timeout=600)
    return rows


def sampled_facets(matching, window: int):
    """Facet counts estimated from a fixed sample of the table, in one query, and the
    date from which the newest matches hold about `window` items (None: rank them all)."""
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
            UNION ALL SELECT 'month', date_trunc('month', meeting_date)::date::text, '', count(*)
                FROM s GROUP BY 2
            """,
            params,
        )
        rows = cursor.fetchall()
    labels = dict(Outcome.choices)
    found = {"municipality": [], "committee": [], "year": [], "outcome": []}
    months = []
    for kind, value, label, n in rows:
        if kind == "month":
            months.append((value, n * scale))
            continue
        if kind == "outcome":
            label = str(labels.get(value, value))
        found[kind].append(Facet(value, label, max(1, round(n * scale))))
    for kind, values in found.items():
        if kind == "year":
            values.sort(key=lambda f: f.value)
        else:
            values.sort(key=lambda f: (-f.count, f.label))
    return found, _window_start(months, window)


def _window_start(months, window):
    """The first day of the oldest month needed for about `window` of the newest matches."""
    total = 0
    for month, n in sorted(months, reverse=True):
        total += n
        if total >= window:
            return datetime.date.fromisoformat(month)
    return None


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
    return {
        "municipality": sorted(
            (
                Facet(r["municipality__slug"], r["municipality__name"], r["n"])
                for r in by_municipality
            ),
            key=lambda f: (-f.count, f.label),
        ),
        "committee": sorted(
            (Facet(str(r["committee_id"]), r["committee__name"], r["n"]) for r in by_committee),
            key=lambda f: (-f.count, f.label),
        ),
        "year": sorted(
            (Facet(str(r["y"]), str(r["y"]), r["n"]) for r in by_year), key=lambda f: f.value
        ),
        "outcome": sorted(
            (
                Facet(r["outcome"], str(labels.get(r["outcome"], r["outcome"])), r["n"])
                for r in by_outcome
            ),
            key=lambda f: (-f.count, f.label),
        ),
    }


def attach_snippets(page_items, query):
    """Give each shown item `decision_snippet` and `text_snippet`: safe HTML with <mark>."""
    if not page_items:
        return
    from archive.models import AgendaItem

    if query is None:
        for item in page_items:
            item.decision_snippet = escape(_shorten(item.decision))
            item.text_snippet = escape(_shorten(item.summary or item.case_text))
            item.decision_plain = _shorten(item.decision)
            item.text_plain = _shorten(item.summary or item.case_text)
            _best(item)
        return
    rows = (
        AgendaItem.objects.filter(pk__in=[item.pk for item in page_items])
        .with_headlines(query)
        .values("pk", "decision_headline", "text_headline")
    )
    by_pk = {row["pk"]: row for row in rows}
    for item in page_items:
        row = by_pk.get(item.pk, {})
        item.decision_snippet = highlight(row.get("decision_headline"))
        item.text_snippet = highlight(row.get("text_headline"))
        item.decision_plain = plain_snippet(row.get("decision_headline"))
        item.text_plain = plain_snippet(row.get("text_headline"))
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
