"""Facet counts: per kind of body, municipality, committee, year and outcome within the
results.

Exact when the matches are counted; past the count cap, estimated from a fixed sample of the
table in one query (`sampled_facets`).
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.text import capfirst

from archive import limits
from archive.caching import cache_get, cache_set
from archive.models import Municipality, Outcome
from archive.reads import read_connection

# What the one scan of the matches reads per row: enough for the count, the facets and
# picking the newest matches, without reading any text.
ROW = ("id", "meeting_date", "meeting_id", "position", "municipality_id", "committee_id", "outcome")
# ... and what tells copies of a case apart (archive.search.cases).
ROW += ("case_number_normalized", "title")


@dataclass
class Facet:
    """One value of a facet: what to filter by, what to show, how many items have it."""

    value: str
    label: str
    count: int


def table_rows() -> int:
    """The planner's estimate of the items table's rows, cached per database."""
    key = f"search:item_rows:{connection.settings_dict['NAME']}"
    rows = cache_get(key)
    if rows is None:
        with read_connection().cursor() as cursor:
            cursor.execute(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                "WHERE oid = 'archive_agendaitem'::regclass"
            )
            rows = cursor.fetchone()[0] or 0
        cache_set(key, rows)
    return rows


@dataclass
class Sample:
    """What a fixed sample of the table says about the matches."""

    facets: dict
    matches: int  # in the sample
    scale: float  # table rows per sample row
    table: int = 0  # rows in the table (the planner's estimate, `table_rows`)

    @property
    def estimate(self) -> int:
        """The number of matches in the table, to two significant digits."""
        total = round(self.matches * self.scale)
        digits = max(0, len(str(total)) - 2)
        return round(total, -digits)

    @property
    def estimates_count(self) -> bool:
        """Enough matches, in the table and in the sample, to give an estimate as the count."""
        return (
            self.matches >= limits.ESTIMATE_SAMPLE
            and self.matches * self.scale >= limits.ESTIMATE_FROM
        )


def sampled_facets(matching) -> Sample:
    """Facet counts estimated from a fixed sample of the table, in one query."""
    table = table_rows()
    wanted = -(-limits.SAMPLE_BUCKETS * limits.SAMPLE_ROWS // max(table, 1))
    buckets = max(1, min(limits.SAMPLE_BUCKETS, wanted))
    scale = limits.SAMPLE_BUCKETS / buckets
    sample = (
        matching.sampled(buckets)
        .order_by()
        .values("municipality_id", "committee_id", "meeting_date", "outcome")
    )
    sql, params = sample.query.sql_with_params()
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"""
            WITH s AS MATERIALIZED ({sql})
            SELECT 'municipality', m.slug, m.name, count(*) FROM s
                JOIN archive_municipality m ON m.id = s.municipality_id GROUP BY m.slug, m.name
            UNION ALL SELECT 'kind', m.kind, m.kind, count(*) FROM s
                JOIN archive_municipality m ON m.id = s.municipality_id GROUP BY m.kind
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
    found = {"kind": [], "municipality": [], "committee": [], "year": [], "outcome": []}
    for kind, value, label, n in rows:
        if kind == "outcome":
            label = str(labels.get(value, value))
        elif kind == "kind":
            label = body_kind_label(value)
        found[kind].append(Facet(value, label, max(1, round(n * scale))))
    in_sample = sum(n for kind, _, _, n in rows if kind == "outcome")
    return Sample(_sorted_facets(found), in_sample, scale, table)


def body_kind_label(kind: str) -> str:
    """ "Kommune", "Region": the facet's label of a kind of body."""
    return capfirst(str(dict(Municipality.Kind.choices).get(kind, kind)))


def _kinds(counts: Counter) -> list[Facet]:
    return [Facet(kind, body_kind_label(kind), n) for kind, n in counts.items()]


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
    counts = {"municipality": Counter(), "committee": Counter(), "year": Counter()}
    outcomes = Counter()
    for _id, date, _meeting, _position, municipality, committee, outcome, *_ in rows:
        counts["municipality"][municipality] += 1
        counts["committee"][committee] += 1
        counts["year"][date.year] += 1
        outcomes[outcome] += 1
    municipalities, kinds, committees = _labels(counts["municipality"], counts["committee"])
    by_kind = Counter()
    for pk, n in counts["municipality"].items():
        if pk in kinds:
            by_kind[kinds[pk]] += n
    labels = dict(Outcome.choices)
    found = {
        "kind": _kinds(by_kind),
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


def _labels(municipality_ids, committee_ids) -> tuple[dict, dict, dict]:
    """({id: (slug, name)} and {id: kind} of the municipalities, {id: name} of the
    committees), in one round trip: a rare word's whole search is a dozen statements."""
    if not municipality_ids and not committee_ids:
        return {}, {}, {}
    with read_connection().cursor() as cursor:
        cursor.execute(
            """
            SELECT true, id, slug, name, kind FROM archive_municipality WHERE id = ANY(%s)
            UNION ALL
            SELECT false, id, '', name, '' FROM archive_committee WHERE id = ANY(%s)
            """,
            [list(municipality_ids), list(committee_ids)],
        )
        rows = cursor.fetchall()
    municipalities = {pk: (slug, name) for is_body, pk, slug, name, _ in rows if is_body}
    kinds = {pk: kind for is_body, pk, _, _, kind in rows if is_body}
    return municipalities, kinds, {pk: name for is_body, pk, _, name, _ in rows if not is_body}


def facets(items) -> dict:
    """Counts per kind of body, municipality, committee, year and outcome within the results."""
    base = items.order_by()
    # The kind goes with the municipality: the same groups, and no query of its own.
    by_municipality = base.values(
        "municipality__slug", "municipality__name", "municipality__kind"
    ).annotate(n=Count("id"))
    by_kind = Counter()
    for r in by_municipality:
        by_kind[r["municipality__kind"]] += r["n"]
    by_committee = base.values("committee_id", "committee__name").annotate(n=Count("id"))
    by_year = base.annotate(y=ExtractYear("meeting_date")).values("y").annotate(n=Count("id"))
    by_outcome = base.values("outcome").annotate(n=Count("id"))
    labels = dict(Outcome.choices)
    found = {
        "kind": _kinds(by_kind),
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
