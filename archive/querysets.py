"""QuerySets of the archive's models: what the public may see, and full-text search.

`public()` is the one definition of "what the public may see": published meetings and the
items of published meetings. The search methods build on archive.search.query (no models),
so the models (archive/models/) can import this module without a cycle.
"""

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import models
from django.db.models import ExpressionWrapper, F, Func, Q, Value
from django.db.models.functions import Concat, Left

from archive import limits
from archive.search.query import CONFIG, MARK_END, MARK_START, SCOPES, Query, TsQuery


def published(path: str = "") -> Q:
    """The condition that a meeting, reached from a model through `path` (e.g.
    "committees__meetings__"), is one the public may see."""
    return Q(**{f"{path}published": True})


class WordPairs(Func):
    """The keys of an item's adjacent words (migration 0009), as its GIN index holds them."""

    function = "archive_word_pairs"
    output_field = SearchVectorField()


class Matches(Func):
    """`vector @@ query` written as the function behind the operator (ts_match_vq)."""

    function = "ts_match_vq"
    output_field = models.BooleanField()


class PairQuery(SearchQuery):
    """The tsquery of a phrase's links (archive.search.pairs), hashed as the index is."""

    template = "archive_pair_query((%(expressions)s)::text[])"

    def __init__(self, links):
        super().__init__(Value(list(links)), search_type="raw")


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """The meetings the public may see: a withdrawn one stays in the admin only."""
        return self.filter(published())


class AgendaItemQuerySet(models.QuerySet):
    def public(self):
        """The items the public may see: those of published meetings.

        Written as "not in a withdrawn meeting": the withdrawn ones are few and come from a
        partial index, where joining every meeting to check its flag cost each search
        9 ms at a million items (a hash of all 66,787 meetings, once per statement)."""
        meetings = self.model._meta.get_field("meeting").related_model._default_manager
        withdrawn = meetings.filter(published=False).values("id")
        return self.exclude(meeting_id__in=withdrawn)

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
        return self.annotate(rank=SearchRank(F(field), TsQuery(query.ranking)), exact=exact)

    def matching(self, query, scope: str = "all"):
        """The items matching a prepared full-text `Query`, with nothing computed per row:
        for counting and facets. A phrase's candidates come from the index of adjacent
        words (archive.search.pairs); only they are checked against the phrase."""
        field = SCOPES.get(scope, SCOPES["all"])
        if field != "search_vector" or not query.pairs:
            return self.filter(**{field: TsQuery(query.widened)})
        # The query itself is tested as a function call, which no index answers: next to
        # the main index, PostgreSQL would recheck every candidate against both conditions
        # (a phrase always needs a recheck), computing each one's pairs again.
        candidates = self.phrase_candidates(query)
        if query.by_pairs:
            # Nothing to recheck: reading back 10,000 vectors was 60-250 ms at 1M items.
            return candidates
        return candidates.filter(Matches(F(field), TsQuery(query.widened)))

    def phrase_candidates(self, query):
        """The items holding every indexed link of the query's phrases (search.pairs): a
        superset of its matches in the "all" scope, from the index alone."""
        return self.alias(word_pairs=WordPairs(F("search_vector"))).filter(
            word_pairs=PairQuery(query.pairs)
        )

    def sampled(self, fraction_of: int):
        """A fixed, evenly spread sample of the items: those whose `id % SAMPLE_BUCKETS` is
        below `fraction_of` (an expression index serves it, migration 0004)."""
        return self.alias(sample_bucket=F("id") % limits.SAMPLE_BUCKETS).filter(
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


class AgendaItemManager(models.Manager.from_queryset(AgendaItemQuerySet)):
    def get_queryset(self):
        # The vectors are for PostgreSQL to search in. Read into Python they only cost: several
        # kB of text per item, fetched from TOAST and parsed, on every page that shows items.
        # The bilag's text (up to 200,000 characters) is for the index alone, too.
        vectors = ("search_vector", "title_vector", "decision_vector", "attachment_vector")
        return super().get_queryset().defer(*vectors, "attachment_text")
