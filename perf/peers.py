"""The benchmark's peers on the same corpus and queries: the naive Django approach (vectors,
rank and headline computed per match) and SQLite FTS5."""

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


def fts5_path(total: int) -> Path:
    """Where the SQLite FTS5 copy of this corpus is kept."""
    max_id = AgendaItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return BENCH_DIR / f"fts5-{connection.settings_dict['NAME']}-{total}-{max_id}.sqlite"


def build_fts5(path: Path) -> dict:
    """SQLite FTS5 (unicode61, bm25) over the same texts; built once per corpus."""
    if path.exists():
        return {"built_seconds": None, "size_mb": round(path.stat().st_size / 1e6, 1)}
    for old in BENCH_DIR.glob(f"fts5-{connection.settings_dict['NAME']}-*.sqlite"):
        old.unlink()
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(
        "CREATE VIRTUAL TABLE items USING fts5(title, decision, body, case_number, "
        "content='', tokenize='unicode61 remove_diacritics 0')"
    )
    sql = (
        "SELECT id, title, decision, concat_ws(E'\\n', summary, case_text, recommendation, "
        "economy, legal_basis, decision_authority), case_number_normalized "
        "FROM archive_agendaitem ORDER BY id"
    )
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="fts5_export") as cursor:
        cursor.itersize = 5000
        cursor.execute(sql)
        while rows := cursor.fetchmany(5000):
            db.executemany(
                "INSERT INTO items (rowid, title, decision, body, case_number) VALUES (?,?,?,?,?)",
                rows,
            )
    db.commit()
    db.execute("INSERT INTO items(items) VALUES ('optimize')")
    db.commit()
    db.close()
    tmp.rename(path)
    return {
        "built_seconds": round(time.perf_counter() - started, 1),
        "size_mb": round(path.stat().st_size / 1e6, 1),
    }


def fts5_search(db, match: str, page: int) -> int:
    """One page (20) of FTS5 results, best first; returns how many there were."""
    rows = db.execute(
        "SELECT rowid, bm25(items, 10.0, 4.0, 1.0, 1.0) AS r FROM items WHERE items MATCH ? "
        "ORDER BY r LIMIT 20 OFFSET ?",
        [match, (page - 1) * 20],
    ).fetchall()
    return len(rows)
