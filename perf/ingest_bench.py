"""The real ingest path during the benchmark: documents per second, and query latency
over HTTP while an ingest runs. The documents are removed again afterwards."""

import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

from archive.models import AgendaItem, Committee, Municipality
from perf.server import http_path
from perf.timing import Timings, timed

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


@contextmanager
def own_connection():
    """A thread's Django connection, closed at the end."""
    try:
        yield
    finally:
        connections.close_all()


def run_ingest_under_load(server, cases, max_rounds=10) -> dict:
    """Query latency over HTTP while another thread ingests documents."""
    docs = seed_documents(batch=2, copies=4)
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
        if rounds >= max_rounds:
            break
    thread.join()
    return {
        "documents": len(docs),
        "ingest_seconds": round(result.get("seconds", 0), 1),
        "latency_ms": timings.summary("api", "under ingest"),
        "queries": len(timings.samples.get(("api", "under ingest"), [])),
    }


def measure_ingest() -> dict:
    """Documents and items per second through the real ingest path (20 documents)."""
    docs = seed_documents(batch=1, copies=4)
    seconds, items = ingest_documents(docs)
    return {
        "documents": len(docs),
        "items": items,
        "seconds": round(seconds, 2),
        "documents_per_second": round(len(docs) / seconds, 1),
        "items_per_second": round(items / seconds, 1),
    }
