"""The benchmark's peers on the same corpus and queries: the naive Django approach (vectors,
rank and headline computed per match), and the SQLite copy of the corpus that bare FTS5
and Datasette (perf/datasette.py) search."""

import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction

from archive.models import AgendaItem
from perf.server import BENCH_DIR


def naive_search(params: dict, timeout_ms: int) -> int:
    """The tutorial approach: vector on the fly, SearchRank and SearchHeadline on every match."""
    vector = (
        SearchVector("title", weight="A", config="danish")
        + SearchVector("decision", "summary", weight="B", config="danish")
        + SearchVector("case_text", "recommendation", weight="C", config="danish")
    )
    query = SearchQuery(params["q"], search_type="websearch", config="danish")
    qs = (
        AgendaItem.objects.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .annotate(headline=SearchHeadline("case_text", query, config="danish"))
        .order_by("-rank")
    )
    page = int(params.get("page", 1))
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(timeout_ms)}")
    try:
        return len(list(qs.values("id", "headline", "rank")[(page - 1) * 20 : page * 20]))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {settings.STATEMENT_TIMEOUT_MS}")


def sqlite_path(total: int) -> Path:
    """Where the SQLite copy of this corpus is kept (one per database and corpus)."""
    max_id = AgendaItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
    name = connection.settings_dict["NAME"]
    return BENCH_DIR / f"sqlite-{name}-{total}-{max_id}" / "archive.sqlite"


# The table Datasette serves: the facet columns next to the text, as someone publishing
# the archive with Datasette would lay it out, and indexes on what it filters by.
SQLITE_SCHEMA = """
CREATE TABLE items (
    id INTEGER PRIMARY KEY, title TEXT, meeting_date TEXT, year INTEGER, municipality TEXT,
    committee TEXT, committee_id INTEGER, outcome TEXT, case_number TEXT, decision TEXT,
    body TEXT
);
CREATE VIRTUAL TABLE items_fts USING fts5(
    title, decision, body, case_number, content='items', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
);
"""
SQLITE_INDEXES = [
    f"CREATE INDEX items_{column} ON items ({column})"
    for column in ("meeting_date", "year", "municipality", "committee", "committee_id", "outcome")
]
EXPORT_SQL = """
SELECT i.id, i.title, i.meeting_date::text, extract(year FROM i.meeting_date)::int, m.name,
       c.name || ' (' || m.name || ')', c.id, i.outcome, i.case_number_normalized, i.decision,
       concat_ws(E'\n', i.summary, i.case_text, i.recommendation, i.economy, i.legal_basis,
                 i.decision_authority)
FROM archive_agendaitem i
JOIN archive_municipality m ON m.id = i.municipality_id
JOIN archive_committee c ON c.id = i.committee_id
ORDER BY i.id
"""


def export_sqlite(path: Path, log=print) -> dict:
    """The same items in SQLite: a table with the facet columns and an FTS5 index (unicode61,
    bm25) over the texts, for Datasette and the bare FTS5 reference; built once per corpus."""
    if path.exists():
        return {"built_seconds": None, "size_mb": round(path.stat().st_size / 1e6, 1)}
    prefix = f"sqlite-{connection.settings_dict['NAME']}-"
    for old in BENCH_DIR.glob(prefix + "*/archive.sqlite"):
        old.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(SQLITE_SCHEMA)
    connection.ensure_connection()
    done = 0
    with transaction.atomic():
        with connection.cursor() as plain:
            plain.execute("SET LOCAL statement_timeout = 0")
        cursor = connection.connection.cursor(name="sqlite_export")
        cursor.itersize = 5000
        cursor.execute(EXPORT_SQL)
        while rows := cursor.fetchmany(5000):
            db.executemany(f"INSERT INTO items VALUES ({','.join('?' * 11)})", rows)
            done += len(rows)
            if done % 100_000 < 5000:
                log(f"SQLite export: {done:,} items")
        cursor.close()
    db.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
    for ddl in SQLITE_INDEXES:
        db.execute(ddl)
    db.execute("ANALYZE")
    db.commit()
    db.close()
    tmp.rename(path)
    return {
        "built_seconds": round(time.perf_counter() - started, 1),
        "size_mb": round(path.stat().st_size / 1e6, 1),
    }


def fts5_search(db, match: str, page: int) -> int:
    """One page (20) of bare FTS5 results, best first; returns how many there were."""
    rows = db.execute(
        "SELECT rowid, bm25(items_fts, 10.0, 4.0, 1.0, 1.0) AS r FROM items_fts "
        "WHERE items_fts MATCH ? ORDER BY r LIMIT 20 OFFSET ?",
        [match, (page - 1) * 20],
    ).fetchall()
    return len(rows)
