"""The search benchmark: our search in-process and over HTTP, next to two peers.

One run, one corpus: a seeded mix of queries grouped by how many items they match, timed
through `run_search` with the views' own parameter checks, through HTTP against gunicorn
(`/api/search` and the HTML page), through the naive Django approach and through SQLite
FTS5; then the real ingest path, query latency while it runs, index sizes and gunicorn
worker memory. Figures go to a dict the command prints and writes as JSON.
"""

import os
import platform
import random
import sqlite3
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection, connections
from django.test import RequestFactory

from archive.models import AgendaItem, Committee, Municipality, Term
from perf.peers import build_fts5, fts5_path, fts5_search, naive_search
from perf.server import BENCH_DIR, Server, http_path

# Groups by how many items a query matches, as a share of the corpus (the bands
# at one million items: rare < 100, mid < 10k, common < 300k, very common above).
BANDS = [("rare", 0, 1e-4), ("mid", 1e-4, 1e-2), ("common", 1e-2, 0.3), ("very common", 0.3, 1)]
PER_GROUP = 6
PHRASES = ['"taget til efterretning"', '"politiske retning"', '"sociale område"', '"budget 2027"']
NEGATIONS = ["beskæftigelse -reform", "budget -regnskab", "bolig -helhedsplan", "indsats -unge"]
COMPOUNDS = ["reform", "udslusning", "kontanthjælp", "bolig", "hjemløse"]


@dataclass
class Case:
    group: str
    params: dict
    matches: int | None = None
    fts: str | None = None  # the same query for FTS5; None: not expressible there


@dataclass
class Timings:
    samples: dict = field(default_factory=dict)  # (path, group) -> [ms]

    def add(self, path, group, ms):
        self.samples.setdefault((path, group), []).append(ms)

    def summary(self, path, group):
        values = sorted(self.samples.get((path, group), []))
        if not values:
            return None
        return {
            "n": len(values),
            "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
            "max": round(values[-1], 2),
        }


def percentile(values, p):
    """The p-th percentile of the values (nearest rank)."""
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn):
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


# --- The query mix ---------------------------------------------------------------------------


def match_count(tsquery_sql: str, arg: str) -> int:
    """How many items the tsquery matches."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            f"SELECT count(*) FROM archive_agendaitem WHERE search_vector @@ {tsquery_sql}", [arg]
        )
        return cursor.fetchone()[0]


def build_cases(seed: int, total: int) -> list[Case]:
    """The fixed, seeded query mix for this corpus."""
    rng = random.Random(seed)
    cases = []
    for group, low, high in BANDS:
        words = (
            Term.objects.filter(
                frequency__gte=max(1, int(low * total)),
                frequency__lt=max(2, int(high * total) + 1),
                word__regex=r"^[a-zæøå]{5,}$",
            )
            .extra(select={"h": "md5(word || %s)"}, select_params=[str(seed)])  # noqa: S610
            .order_by("h")
            .values_list("word", flat=True)[:40]
        )
        found = 0
        for word in words:
            n = match_count("plainto_tsquery('danish', %s)", word)
            if low * total <= n < max(high * total, 1) + (1 if high == 1 else 0) and n:
                cases.append(Case(group, {"q": word}, n, f'"{word}"'))
                found += 1
            if found >= PER_GROUP:
                break
    cases += [Case("phrase", {"q": p}, None, p) for p in PHRASES]
    for text in NEGATIONS:
        word, other = text.split(" -")
        cases.append(Case("negation", {"q": text}, None, f'"{word}" NOT "{other}"'))
    cases += [Case("compound", {"q": w}, None, f'"{w}"') for w in COMPOUNDS]
    cases += identifier_cases(rng)
    cases += filter_cases(rng, cases)
    cases += [
        Case("facets (browse)", {}, total, None),
        Case("facets (browse)", {"year": "2020"}, None, None),
    ]
    common = [c for c in cases if c.group in ("common", "very common")][:4]
    for page in (2, 20):
        cases += [
            Case(f"page {page}", {**c.params, "page": page}, c.matches, c.fts) for c in common
        ]
    return cases


def identifier_cases(rng) -> list[Case]:
    """Journal-number queries: whole numbers and prefixes."""
    numbers = list(
        AgendaItem.objects.exclude(case_number_normalized="")
        .order_by("id")
        .values_list("case_number_normalized", flat=True)[:2000]
    )
    if not numbers:
        return []
    picked = rng.sample(numbers, min(3, len(numbers)))
    picked.append(picked[0].split("-")[0])  # a KLE subject prefix: "15.00.00"
    return [Case("identifier", {"q": n}, None, fts_identifier(n)) for n in picked]


def fts_identifier(number: str) -> str:
    """The FTS5 query for a journal number (a phrase of its parts)."""
    tokens = number.replace(".", " ").replace("-", " ").lower().split()
    return 'case_number : "' + " ".join(tokens) + '"'


def filter_cases(rng, cases) -> list[Case]:
    """Queries with filters: municipality, committee and date ranges."""
    words = [c.params["q"] for c in cases if c.group in ("mid", "common")]
    municipality = Municipality.objects.order_by("id").values_list("slug", flat=True).first()
    committee = Committee.objects.order_by("id").values_list("id", flat=True).first()
    if not words or municipality is None:
        return []
    out = []
    for i, word in enumerate(words[:4]):
        params = [
            {"municipality": municipality},
            {"committee": str(committee)},
            {"date_from": "2018-01-01", "date_to": "2019-12-31"},
            {"municipality": municipality, "date_from": "2015-01-01"},
        ][i % 4]
        out.append(Case("filters", {"q": word, **params}, None, f'"{word}"'))
    return out


# --- Our search, in-process and over HTTP ------------------------------------------------------


def run_inprocess(params: dict):
    """The search as the views run it, without HTTP: same parameter checks, same service."""
    from archive.api.params import search_forms
    from archive.filters import clean_params
    from archive.search.engine import run_search

    request = RequestFactory().get("/api/search", params)
    form, filterset = search_forms(clean_params(request.GET))
    return run_search(filterset.qs, form.cleaned_data)


# --- Ingest ------------------------------------------------------------------------------------

INGEST_PREFIX = "Benchingest"


def seed_documents(batch: int, copies: int) -> list[tuple[bytes, str, str]]:
    """Copies of the five seeds as new documents: their own municipality, their own bytes."""
    samples = sorted((Path(settings.BASE_DIR) / "samples").glob("*.txt"))
    docs = []
    for i in range(copies):
        for path in samples:
            data = path.read_bytes() + b"\n" * (batch * 1000 + i + 1)
            docs.append((data, path.name, f"{INGEST_PREFIX} {batch}-{i} Kommune"))
    return docs


def ingest_documents(docs) -> tuple[float, int]:
    """(seconds, items) for ingesting the documents through the real ingest path."""
    from ingest.store import ingest_bytes

    started, items = time.perf_counter(), 0
    for data, name, municipality in docs:
        outcome = ingest_bytes(data, file_name=name, municipality=municipality)
        items += outcome.meeting.items.count()
    return time.perf_counter() - started, items


def remove_ingested():
    """Take the benchmark's ingested documents out again, so the corpus stays as generated."""
    from archive.models import Meeting, SourceDocument

    municipalities = Municipality.objects.filter(name__startswith=INGEST_PREFIX)
    meetings = Meeting.objects.filter(committee__municipality__in=municipalities)
    SourceDocument.objects.filter(meeting__in=meetings).delete()
    AgendaItem.objects.filter(municipality__in=municipalities).delete()
    meetings.delete()
    Committee.objects.filter(municipality__in=municipalities).delete()
    municipalities.delete()


# --- Sizes and the machine ---------------------------------------------------------------------


def index_sizes() -> dict:
    """The tables' and indexes' sizes in MB."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_relation_size(c.oid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'archive_agendaitem'::regclass ORDER BY 2 DESC
            """
        )
        indexes = {name: round(size / 1e6, 1) for name, size in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_total_relation_size('archive_agendaitem'), "
            "pg_relation_size('archive_agendaitem'), pg_indexes_size('archive_agendaitem'), "
            "pg_total_relation_size('archive_term'), pg_database_size(current_database())"
        )
        total, heap, idx, term, database = cursor.fetchone()
    return {
        "item_table_total_mb": round(total / 1e6, 1),
        "item_heap_mb": round(heap / 1e6, 1),
        "item_indexes_mb": round(idx / 1e6, 1),
        "term_table_mb": round(term / 1e6, 1),
        "database_mb": round(database / 1e6, 1),
        "indexes_mb": indexes,
    }


def machine() -> dict:
    """What the figures were measured on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": version,
        "shared_buffers": shared_buffers,
        "work_mem": work_mem,
    }


@contextmanager
def own_connection():
    """A thread's Django connection, closed at the end."""
    try:
        yield
    finally:
        connections.close_all()


def run_ingest_under_load(server, cases, repeat) -> dict:
    """Query latency over HTTP while another thread ingests documents."""
    docs = seed_documents(batch=2, copies=10)
    result = {}

    def work():
        with own_connection():
            result["seconds"], result["items"] = ingest_documents(docs)

    probe = [c for c in cases if c.group in ("mid", "common", "phrase")]
    timings = Timings()
    thread = threading.Thread(target=work)
    thread.start()
    rounds = 0
    while thread.is_alive() or rounds == 0:
        for case in probe:
            ms, _ = timed(lambda c=case: server.get(http_path("/api/search", c.params)))
            timings.add("api", "under ingest", ms)
        rounds += 1
        if rounds >= repeat * 10:
            break
    thread.join()
    return {
        "documents": len(docs),
        "ingest_seconds": round(result.get("seconds", 0), 1),
        "latency_ms": timings.summary("api", "under ingest"),
        "queries": len(timings.samples.get(("api", "under ingest"), [])),
    }


def statistics_of(values):
    """The mean of the values, to one decimal (None without any)."""
    return round(statistics.mean(values), 1) if values else None


# --- The run -----------------------------------------------------------------------------------

PATHS = ("inprocess", "api", "html", "naive", "fts5")


def run(seed=1, repeat=3, naive_timeout_s=30, naive_per_group=1, log=print) -> dict:
    """The whole benchmark on the corpus in the database; returns every figure."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    total = AgendaItem.objects.count()
    figures = {"machine": machine(), "items": total, "seed": seed, "repeat": repeat}
    figures["index_sizes"] = index_sizes()
    log(f"{total:,} items; choosing queries")
    cases = build_cases(seed, total)
    figures["queries"] = [
        {"group": c.group, "params": c.params, "matches": c.matches, "fts5": c.fts} for c in cases
    ]
    timings = Timings()
    log("our search, in-process")
    for case in cases:
        run_inprocess(case.params)  # warm: caches, buffers
        for _ in range(repeat):
            ms, results = timed(lambda c=case: run_inprocess(c.params))
            timings.add("inprocess", case.group, ms)
        case.found = results.count
    log("SQLite FTS5")
    figures["fts5"] = build_fts5(fts5_path(total))
    db = sqlite3.connect(fts5_path(total))
    for case in cases:
        if case.fts is None:
            continue
        page = int(case.params.get("page", 1))
        fts5_search(db, case.fts, page)
        for _ in range(repeat):
            ms, _ = timed(lambda c=case, p=page: fts5_search(db, c.fts, p))
            timings.add("fts5", case.group, ms)
    db.close()
    log("the naive Django approach")
    figures["naive_timeout_s"] = naive_timeout_s
    per_group = {}
    for case in cases:
        if "q" not in case.params or case.group in ("identifier",):
            continue
        if per_group.get(case.group, 0) >= naive_per_group:
            continue
        per_group[case.group] = per_group.get(case.group, 0) + 1
        try:
            ms, _ = timed(lambda c=case: naive_search(c.params, naive_timeout_s * 1000))
        except Exception:  # statement timeout: the naive time is at least the limit
            ms = naive_timeout_s * 1000.0
            figures.setdefault("naive_timeouts", []).append(case.params)
            connection.close()
        timings.add("naive", case.group, ms)
    log("starting gunicorn")
    server = Server(BENCH_DIR / "gunicorn.log")
    rss = []
    try:
        server.start()
        log("our search over HTTP")
        for case in cases:
            for kind, base in (("api", "/api/search"), ("html", "/soeg/")):
                path = http_path(base, case.params)
                status, _ = server.get(path)
                assert status == 200, (path, status)
                for _ in range(repeat):
                    timings.add(kind, case.group, timed(lambda p=path: server.get(p))[0])
            rss.append(server.worker_rss_mb())
        log("ingest")
        seconds, items = ingest_documents(seed_documents(batch=1, copies=4))
        figures["ingest"] = {
            "documents": 20,
            "items": items,
            "seconds": round(seconds, 2),
            "documents_per_second": round(20 / seconds, 1),
            "items_per_second": round(items / seconds, 1),
        }
        log("queries while an ingest runs")
        figures["under_ingest"] = run_ingest_under_load(server, cases, repeat)
        rss.append(server.worker_rss_mb())
    finally:
        server.stop()
        remove_ingested()
    figures["gunicorn_worker_rss_mb"] = {
        "max": max((m for sample in rss for m in sample), default=None),
        "last": rss[-1] if rss else [],
    }
    figures["groups"] = group_figures(cases, timings)
    return figures


def group_figures(cases, timings) -> dict:
    """p50/p95 per query group and path, and the ratios to our search."""
    groups = {}
    for case in cases:
        entry = groups.setdefault(case.group, {"queries": 0, "matches": []})
        entry["queries"] += 1
        entry["matches"].append(getattr(case, "found", None))
    for name, entry in groups.items():
        for path in PATHS:
            entry[path] = timings.summary(path, name)
        ours = entry["api"] or entry["inprocess"]
        for peer in ("naive", "fts5"):
            theirs = entry[peer]
            key = f"{peer}_over_api_p50" if peer == "naive" else f"api_over_{peer}_p50"
            if ours and theirs and ours["p50"] and theirs["p50"]:
                ratio = (
                    theirs["p50"] / ours["p50"] if peer == "naive" else ours["p50"] / theirs["p50"]
                )
                entry[key] = round(ratio, 1)
    return groups


def table(figures) -> str:
    """The figures as a plain-text table."""
    head = (
        f"{'group':<18}{'matches':>16}"
        + "".join(f"{p + ' p50/p95':>20}" for p in PATHS)
        + f"{'naive/ours':>12}{'ours/fts5':>11}"
    )
    lines = [head, "-" * len(head)]
    for name, g in figures["groups"].items():
        found = [m for m in g["matches"] if m is not None]
        span = f"{min(found):,}-{max(found):,}" if found else "-"
        cells = []
        for path in PATHS:
            s = g.get(path)
            cells.append(f"{s['p50']:>9.1f}/{s['p95']:<9.1f}" if s else f"{'-':>20}")
        naive = g.get("naive_over_api_p50")
        fts = g.get("api_over_fts5_p50")
        lines.append(
            f"{name:<18}{span:>16}"
            + "".join(f"{c:>20}" for c in cells)
            + f"{(f'{naive}x' if naive else '-'):>12}{(f'{fts}x' if fts else '-'):>11}"
        )
    ing = figures.get("ingest", {})
    under = figures.get("under_ingest", {})
    lines += [
        "",
        f"items {figures['items']:,}; database {figures['index_sizes']['database_mb']:,} MB, "
        f"item indexes {figures['index_sizes']['item_indexes_mb']:,} MB",
        f"ingest: {ing.get('documents_per_second')} documents/s, {ing.get('items_per_second')} "
        f"items/s; API latency during ingest: {under.get('latency_ms')}",
        f"gunicorn worker RSS max {figures['gunicorn_worker_rss_mb']['max']} MB",
    ]
    return "\n".join(lines)
