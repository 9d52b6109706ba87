"""The search benchmark, measured the way a reader meets the search: the first time.

One run, one corpus. Every timed query is distinct (perf/queries.py) and goes over HTTP to
gunicorn with the production settings and the archive's caches switched off
(ARCHIVE_CACHE=0), after a warm-up pass over other queries of the same kinds. Next to it,
in the same run, the same queries go to Datasette over HTTP with the same four facets,
and to bare SQLite FTS5 in-process; the naive Django approach is timed on one query per
group. Cache hits get their own row (a second server with the cache on, each query asked
twice and the second answer timed), and `--zipf N` replays a log of N queries with
Zipf-distributed repeats against a fresh cache-on server for the hit rate and the blended
latency. Then the real ingest path, query latency while it runs, index sizes and worker
memory. Figures go to a dict the command prints and writes as JSON.
"""

import json
import random
import sqlite3

from django.db import connection

from archive.models import AgendaItem
from perf import ingest_bench
from perf.datasette_peer import Datasette, found, next_token
from perf.environment import index_sizes, machine, prewarm, read_through
from perf.peers import export_sqlite, fts5_search, naive_search, sqlite_path
from perf.queries import GROUPS, build_mix
from perf.server import BENCH_DIR, Server, http_path
from perf.timing import Timings, timed

API = "/api/search"
PATHS = ("ours", "datasette", "fts5", "naive")
CACHE_HIT = "cache hit"
ZIPF_EXPONENT = 1.0


def ours_path(case) -> str:
    return http_path(API, case.params)


def _get_ok(client, path) -> bytes:
    status, body = client.get(path)
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
    return body


def time_ours(server, mix, timings, rss, errors):
    """Our search, uncached: warm-up queries first, then every timed query once. A query
    that fails (the statement timeout) keeps its time: the reader waited that long."""
    for case in mix.warmup:
        server.get(ours_path(case))
    for case in mix.timed:
        ms, (status, body) = timed(lambda c=case: server.get(ours_path(c)))
        timings.add("ours", case.group, ms)
        if status == 200:
            case.found["ours"] = json.loads(body).get("count")
        else:
            errors.append({"group": case.group, "params": case.params, "status": status})
    rss.append(server.worker_rss_mb())


def time_datasette(datasette, db, mix, timings):
    """Datasette over HTTP: the same warm-up, the same timed queries, each once."""
    for case in mix.warmup:
        _get_ok(datasette, datasette.path(case, next_token(db, case)))
    for case in mix.timed:
        page_after = next_token(db, case)
        if int(case.params.get("page", 1)) > 1 and page_after is None:
            continue  # fewer matches than the page needs: nothing to compare
        path = datasette.path(case, page_after)
        ms, body = timed(lambda p=path: _get_ok(datasette, p))
        timings.add("datasette", case.group, ms)
        case.found["datasette"] = found(body)


def time_fts5(db, mix, timings):
    """Bare FTS5 in-process: text only (no count, facets, filters or snippets)."""
    for case in mix.warmup:
        if case.fts:
            fts5_search(db, case.fts, int(case.params.get("page", 1)))
    for case in mix.timed:
        if case.fts and not any(k in case.params for k in ("municipality", "committee")):
            page = int(case.params.get("page", 1))
            ms, _ = timed(lambda c=case, p=page: fts5_search(db, c.fts, p))
            timings.add("fts5", case.group, ms)


def time_naive(mix, timings, timeout_s, per_group, figures):
    """The naive Django approach on the first `per_group` text queries of each group."""
    counted = {}
    for case in mix.timed:
        if "q" not in case.params or case.group == "identifier":
            continue
        if counted.get(case.group, 0) >= per_group:
            continue
        counted[case.group] = counted.get(case.group, 0) + 1
        try:
            ms, _ = timed(lambda c=case: naive_search(c.params, timeout_s * 1000))
        except Exception:  # noqa: BLE001 - statement timeout: at least the limit
            ms = timeout_s * 1000.0
            figures.setdefault("naive_timeouts", []).append(case.params)
            connection.close()
        timings.add("naive", case.group, ms)


def time_cache_hits(server, mix, timings, per_group: int):
    """Each query asked once (it is cached), then again: the second answer is a hit."""
    counted = {}
    for case in mix.timed:
        if counted.get(case.group, 0) >= per_group:
            continue
        counted[case.group] = counted.get(case.group, 0) + 1
        path = ours_path(case)
        _get_ok(server, path)
        ms, _ = timed(lambda p=path: _get_ok(server, p))
        timings.add(CACHE_HIT, case.group, ms)
        timings.add(CACHE_HIT, "all", ms)


def zipf_log(mix, n: int, seed: int) -> list:
    """n queries drawn with Zipf-distributed popularity from all the mix's queries."""
    rng = random.Random(f"zipf:{seed}")
    pool = list(mix.timed)
    rng.shuffle(pool)
    weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(pool))]
    return rng.choices(pool, weights=weights, k=n)


def run_zipf(server, mix, n: int, seed: int) -> dict:
    """A query log with repeats against a fresh cache-on server. One keep-alive connection
    stays with one gunicorn worker, whose cache then holds every earlier answer, so a
    repeat is a cache hit and a first occurrence a miss."""
    timings, seen = Timings(), set()
    for case in mix.warmup:
        _get_ok(server, ours_path(case))
    for case in zipf_log(mix, n, seed):
        kind = "hit" if case.key in seen else "miss"
        seen.add(case.key)
        ms, _ = timed(lambda c=case: _get_ok(server, ours_path(c)))
        timings.add("zipf", kind, ms)
        timings.add("zipf", "all", ms)
    hits = len(timings.samples.get(("zipf", "hit"), []))
    return {
        "queries": n,
        "distinct": len(seen),
        "exponent": ZIPF_EXPONENT,
        "hit_rate": round(hits / n, 3) if n else None,
        "blended": timings.summary("zipf", "all"),
        "hits": timings.summary("zipf", "hit"),
        "misses": timings.summary("zipf", "miss"),
    }


def prepare(log=print) -> dict:
    """The SQLite copy of the corpus, made ahead of a run (at a million items the export
    takes minutes that need not be spent on a quiet machine)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(AgendaItem.objects.count())
    figures = export_sqlite(path, log)
    log(f"SQLite copy: {path} ({figures['size_mb']:,} MB)")
    return figures


def run(
    seed=1,
    per_group=20,
    warm=3,
    naive_timeout_s=30,
    naive_per_group=1,
    zipf=0,
    ingest=True,
    log=print,
) -> dict:
    """The whole benchmark on the corpus in the database; returns every figure."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    total = AgendaItem.objects.count()
    figures = {"machine": machine(), "items": total, "seed": seed, "per_group": per_group}
    figures["index_sizes"] = index_sizes()
    log(f"{total:,} items; choosing queries")
    mix = build_mix(seed, total, per_group, warm)
    figures["queries"] = [
        {"group": c.group, "params": c.params, "fts5": c.fts, "matches": c.matches}
        for c in mix.timed
    ]
    log("exporting the corpus to SQLite (FTS5) for Datasette and bare FTS5")
    db_path = sqlite_path(total)
    figures["sqlite"] = export_sqlite(db_path, log)
    log("warming PostgreSQL's and SQLite's files")
    figures["prewarm"] = prewarm(log)
    read_through(db_path)
    timings, rss = Timings(), []
    log(f"our search over HTTP, uncached: {len(mix.timed)} distinct queries")
    server = Server(BENCH_DIR / "gunicorn-uncached.log", cache=False)
    try:
        server.start()
        figures["errors"] = []
        time_ours(server, mix, timings, rss, figures["errors"])
        if ingest:
            log("ingest")
            figures["ingest"] = ingest_bench.measure_ingest()
            log("queries while an ingest runs")
            figures["under_ingest"] = ingest_bench.run_ingest_under_load(server, mix.timed)
            rss.append(server.worker_rss_mb())
    finally:
        server.stop()
        if ingest:
            ingest_bench.remove_ingested()
    db = sqlite3.connect(db_path)
    log("Datasette over HTTP")
    datasette = Datasette(db_path, BENCH_DIR / "datasette.log")
    try:
        datasette.start()
        time_datasette(datasette, db, mix, timings)
    finally:
        datasette.stop()
    log("bare SQLite FTS5")
    time_fts5(db, mix, timings)
    db.close()
    log("the naive Django approach")
    figures["naive_timeout_s"] = naive_timeout_s
    time_naive(mix, timings, naive_timeout_s, naive_per_group, figures)
    log("cache hits")
    server = Server(BENCH_DIR / "gunicorn-cached.log", cache=True)
    try:
        server.start()
        time_cache_hits(server, mix, timings, per_group=max(1, per_group // 4))
        rss.append(server.worker_rss_mb())
    finally:
        server.stop()
    if zipf:
        log(f"query log with Zipf repeats: {zipf} queries")
        server = Server(BENCH_DIR / "gunicorn-zipf.log", cache=True)
        try:
            server.start()
            figures["zipf"] = run_zipf(server, mix, zipf, seed)
            rss.append(server.worker_rss_mb())
        finally:
            server.stop()
    figures["gunicorn_worker_rss_mb"] = {
        "max": max((m for sample in rss for m in sample), default=None),
        "samples": rss,
    }
    figures["groups"] = group_figures(mix, timings)
    figures["cache_hit"] = timings.summary(CACHE_HIT, "all")
    return figures


def group_figures(mix, timings) -> dict:
    """p50/p95 per query group and path, the matches found, and the ratios to Datasette."""
    groups = {}
    for name in GROUPS:
        cases = [c for c in mix.timed if c.group == name]
        if not cases:
            continue
        entry = {
            "queries": len(cases),
            "matches": [c.found.get("ours") for c in cases],
            "datasette_matches": [c.found.get("datasette") for c in cases],
        }
        for path in PATHS:
            entry[path] = timings.summary(path, name)
        entry[CACHE_HIT] = timings.summary(CACHE_HIT, name)
        ours, theirs = entry["ours"], entry["datasette"]
        for p in ("p50", "p95"):
            if ours and theirs and theirs[p]:
                entry[f"ours_over_datasette_{p}"] = round(ours[p] / theirs[p], 2)
        groups[name] = entry
    return groups


def _cell(summary) -> str:
    return f"{summary['p50']:.1f} / {summary['p95']:.1f}" if summary else "-"


def _span(values) -> str:
    values = [v for v in values if v is not None]
    return f"{min(values):,}–{max(values):,}" if values else "-"


def table(figures) -> str:
    """The figures as a plain-text table (p50 / p95 ms)."""
    head = (
        f"{'group':<18}{'n':>4}{'matches':>16}{'ours (uncached)':>20}{'Datasette':>20}"
        f"{'ours÷DS p50/p95':>18}{'FTS5 (bare)':>18}{'naive':>10}"
    )
    lines = ["p50 / p95 ms; every timed query distinct; ours over HTTP with ARCHIVE_CACHE=0", head]
    lines.append("-" * len(head))
    for name, g in figures["groups"].items():
        ratio = "-"
        if "ours_over_datasette_p50" in g:
            ratio = f"{g['ours_over_datasette_p50']}× / {g.get('ours_over_datasette_p95', '-')}×"
        naive = f"{g['naive']['p50']:,.0f}" if g.get("naive") else "-"
        lines.append(
            f"{name:<18}{g['queries']:>4}{_span(g['matches']):>16}{_cell(g['ours']):>20}"
            f"{_cell(g['datasette']):>20}{ratio:>18}{_cell(g['fts5']):>18}"
            f"{naive:>10}"
        )
    hit = figures.get("cache_hit")
    lines.append(f"{CACHE_HIT + ' (ours, all groups)':<38}{_cell(hit):>20}  n={hit and hit['n']}")
    zipf = figures.get("zipf")
    if zipf:
        lines.append(
            f"Zipf log: {zipf['queries']} queries, {zipf['distinct']} distinct, hit rate "
            f"{zipf['hit_rate']:.0%}; blended {_cell(zipf['blended'])}, misses "
            f"{_cell(zipf['misses'])}, hits {_cell(zipf['hits'])}"
        )
    if figures.get("errors"):
        lines.append(f"failed (timed, not answered): {figures['errors']}")
    sizes = figures["index_sizes"]
    lines += [
        "",
        f"items {figures['items']:,}; database {sizes['database_mb']:,} MB, item indexes "
        f"{sizes['item_indexes_mb']:,} MB; SQLite copy {figures['sqlite']['size_mb']:,} MB",
        f"gunicorn worker RSS max {figures['gunicorn_worker_rss_mb']['max']} MB",
    ]
    ing, under = figures.get("ingest"), figures.get("under_ingest")
    if ing:
        lines.append(
            f"ingest: {ing['documents_per_second']} documents/s, {ing['items_per_second']} "
            f"items/s; API latency during ingest: {_cell(under['latency_ms'])}"
        )
    return "\n".join(lines)
