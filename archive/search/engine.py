"""One page of search results: what `run_search` computes, and what it caches.

The count, the facets, the page of items in relevance or date order and their snippets,
computed within a search slot (throttle) and cached under the content versions
(archive.caching): never past an edit or a deletion, and new minutes show within
CACHE_ADDITIONS_SECONDS. See docs/search.md and docs/performance.md.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext

from archive import limits, versions
from archive.caching import fresh_get, fresh_set, key_for
from archive.reads import read_connection
from archive.search import cases
from archive.search.facets import ROW, Sample, facets, facets_of, sampled_facets
from archive.search.query import SCOPES, Query, clean_query, sort_for
from archive.search.snippets import attach_snippets, headlines
from archive.search.spelling import suggest
from archive.search.throttle import search_slot
from core.casenumbers import parse_case_number

# Texts a hit does not show (the title, the decision's outcome and a snippet are what it
# shows): read into Python they cost a page of 20 hits a third of its load (5 of 15 ms at
# 1M items for texts of 2.7 kB; a real case text is often 20 kB, read back from TOAST).
HIT_UNSHOWN = (
    "recommendation",
    "economy",
    "legal_basis",
    "decision_authority",
    "other_sections",
    "attachments",
    "decision_parts",
    "references",
    "case_workers",
)
# ... and what the snippet of a hit without a query is made from.
SNIPPET_SOURCES = ("summary", "case_text")


@dataclass
class Results:
    """A page of results as the views show it: the items carry their snippets."""

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
    # Hits: the items counted, with the copies of a case as one (archive.search.cases);
    # None when not counted.
    hit_count: int | None = None

    @property
    def pages(self) -> int:
        """Pages to browse: of hits where they are counted; they stop at the count cap."""
        shown = self.count if self.hit_count is None else self.hit_count
        return max(1, -(-min(shown, limits.COUNT_CAP) // self.page_size))


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
    hit_count: int | None = None
    page_ids: list = field(default_factory=list)
    # {item id: (decision headline, text headline)} for the page; None without a query.
    headlines: dict | None = None


def run_search(items, params: dict) -> Results:
    """Search `items` (a filtered AgendaItem QuerySet) with cleaned form parameters."""
    text = clean_query(params.get("q") or "")
    scope = params.get("scope") or "all"
    sort = sort_for(text, params)
    page = params.get("page") or 1
    size = params.get("page_size") or limits.PAGE_SIZE
    results = Results(text, scope, sort, page, size, items=[])
    state = versions.state()
    key = _cache_key(state.revision, items, text, scope, sort, page, size)
    found, page_items = fresh_get(key, state), None
    if found is None:
        with search_slot():
            # Whoever held the slot may just have computed the very same search.
            found = fresh_get(key, state)
            if found is None:
                query = Query.prepare(text, state.content) if text else None
                found, page_items = _search(items, query, scope, sort, (page - 1) * size, size)
                fresh_set(key, state, found)
    if page_items is None:
        page_items = _by_ids(
            cases.with_copies(items) if text else items, found.page_ids, query=bool(text)
        )
        page_items = cases.attach(page_items)
    for name in (
        "count",
        "count_is_exact",
        "count_is_estimate",
        "facets",
        "facets_are_exact",
        "suggestion",
        "message",
        "hit_count",
    ):
        setattr(results, name, getattr(found, name))
    attach_snippets(page_items, found.headlines)
    results.items = page_items
    return results


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
        page_items = cases.attach(
            _matches(cases.with_copies(items), query, scope, found, sort, offset, size)
        )
        found.headlines = headlines(page_items, query)
        if not query.case and found.count < 3:
            found.suggestion = suggest(query.text)
    found.page_ids = [item.pk for item in page_items]
    return found, page_items


def _browse(items, found, sort, offset, size) -> list:
    """No query: the filtered items, newest first."""
    found.count = items.order_by()[: limits.COUNT_CAP + 1].count()
    found.count_is_exact = found.count <= limits.COUNT_CAP
    found.count = min(found.count, limits.COUNT_CAP)
    if found.count_is_exact:
        found.facets = facets(items)
    else:
        found.facets, found.facets_are_exact = sampled_facets(items).facets, False
    return _load(items.unranked().ordered(sort)[offset : offset + size], query=False)


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
    window = max(limits.RANK_WINDOW, 2 * (offset + size))
    # A journal number ranks every match alike: relevance is newest first.
    by_date = sort == "date" or query.case
    # A whole journal number names a few items; a KLE prefix ("15.00.00") may name a
    # sixth of the archive, and is sampled first like a word.
    sample = None if query.case and parse_case_number(query.case) else sampled_facets(matching)
    if sample is None or not sample.estimates_count:
        rows = list(matching.order_by().values_list(*ROW)[: limits.COUNT_CAP + 1])
        if len(rows) <= limits.COUNT_CAP:
            found.count = len(rows)
            found.facets = facets_of(rows)
            rows.sort(key=lambda r: (-r[1].toordinal(), -r[2], r[3]))  # newest first
            rows, found.hit_count = cases.newest_copies(rows, window)
            if by_date:
                return _by_ids(items, [r[0] for r in rows[offset : offset + size]])
            newest = items.filter(id__in=[r[0] for r in rows[:window]])
            return _load(newest.ranked(query, scope).ordered("relevance")[offset : offset + size])
    sample = sample or sampled_facets(matching)
    # Past the cap by counting, the count is more than the cap whatever the sample says.
    found.count_is_exact = False
    found.count_is_estimate = sample.estimates_count or sample.estimate > limits.COUNT_CAP
    found.count = sample.estimate if found.count_is_estimate else limits.COUNT_CAP
    found.facets, found.facets_are_exact = sample.facets, False
    if by_date:
        return _load(matching.ordered("date")[offset : offset + size])
    ranked = newest_ranked(items, query, scope, window, sample)
    if ranked is None and query.pairs and SCOPES.get(scope, SCOPES["all"]) == "search_vector":
        ranked = newest_phrase_ranked(items, query, scope, window)
    if ranked is not None:
        return _by_ids(items, ranked[offset : offset + size])
    newest = models.Subquery(matching.ordered("date").values("id")[:window])
    ranked = items.filter(id__in=newest).ranked(query, scope)
    return _load(ranked.ordered("relevance")[offset : offset + size])


def newest_ranked(items, query, scope, window: int, sample: Sample) -> list | None:
    """The ids of the newest `window` matches of a query with very many matches, in
    relevance order; None when the newest items hold too few matches.

    The newest items are read in date order (an index) and tested one by one, ranking each
    match as it is read, until the window is full: for a common word that is after a few
    thousand rows (10 ms at 100,000 items), where collecting every match to sort them by
    date takes 45 ms and ranking them in a second query reads every vector again. The
    sample's share of matches says whether the window lies within the newest
    MAX_PROBE * window items, and whether reading them costs less than sorting every
    match (`probe_pays`); if not, reading them would be wasted.
    """
    table = max(sample.table, 1)
    if not probe_pays(sample.matches * sample.scale / table, window, table):
        return None
    rows = _probe(items, query, scope, window, limits.MAX_PROBE * window)
    if len(rows) < window:
        return None
    # Ties keep date order (newest first), as ordered("relevance") does; sorted() is stable.
    return [pk for pk, _, _ in sorted(rows, key=lambda r: (not r[1], -r[2]))]


def probe_pays(share: float, window: int, rows: int) -> bool:
    """Whether reading the newest items until `window` matches are found beats collecting
    all `share * rows` matches to sort them by date: the newest MAX_PROBE * window items
    should hold the window (with PROBE_MARGIN to spare), and reading the items expected,
    each at PROBE_COST, should cost no more than the matches."""
    if share * limits.MAX_PROBE < limits.PROBE_MARGIN:
        return False
    expected = limits.PROBE_MARGIN * window / share
    return expected * limits.PROBE_COST <= share * rows


def newest_phrase_ranked(items, query, scope, window: int) -> list:
    """The ids of the newest `window` matches of a phrase with many matches, in relevance
    order: its candidates from the index of adjacent words (search.pairs) are sorted by
    date without reading their text, and checked against the phrase newest first until the
    window is full. Sorting the matches themselves would check every candidate first:
    12,000 vectors read back for "regnskab 2017" at 200,000 items."""
    rows = _probe(items.phrase_candidates(query), query, scope, window, limits.PHRASE_PROBE)
    return [pk for pk, _, _ in sorted(rows, key=lambda r: (not r[1], -r[2]))]


def _load(items, *, query: bool = True) -> list:
    """The page's items as a hit shows them: a query's snippets come from PostgreSQL
    (`headlines`), so its hits leave every long text in the database; without a query the
    snippet is the item's summary or case text shortened (`attach_snippets`)."""
    unshown = HIT_UNSHOWN + (SNIPPET_SOURCES if query else ())
    return list(items.select_related("meeting", "committee", "municipality").defer(*unshown))


def _by_ids(items, ids, *, query: bool = True) -> list:
    """The items with these ids, in this order."""
    by_pk = {item.pk: item for item in _load(items.filter(id__in=ids), query=query)}
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
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT id, {exact}, ts_rank({field}, %s::tsquery) FROM ({sql}) AS newest "
            f"WHERE {field} @@ %s::tsquery "
            "ORDER BY meeting_date DESC, meeting_id DESC, position LIMIT %s",
            [*exact_params, query.ranking, *params, query.widened, window],
        )
        return cursor.fetchall()
