"""What the figures were measured on: the machine, the database's sizes, and warming it."""

import os
import platform
import sqlite3
from pathlib import Path

import psutil
from django.db import connection, transaction


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


WARM_RELATIONS = ("archive_agendaitem", "archive_term", "archive_meeting", "archive_committee")


def prewarm(log=print) -> dict:
    """Read the archive's tables, their TOAST and their indexes into memory (pg_prewarm), as
    on a server that has been answering searches for a while. Without the extension (a
    managed database may refuse it) the warm-up queries alone warm what they touch."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    except Exception as error:  # noqa: BLE001 - any refusal means: no prewarm
        log(f"pg_prewarm unavailable ({error}); warming with queries only")
        return {"pg_prewarm": False}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            """
            SELECT coalesce(sum(pg_prewarm(r.oid, 'read')), 0)
            FROM pg_class r
            WHERE r.oid IN (
                SELECT c.oid FROM pg_class c WHERE c.relname = ANY(%(tables)s)
                UNION SELECT c.reltoastrelid FROM pg_class c
                      WHERE c.relname = ANY(%(tables)s) AND c.reltoastrelid <> 0
                UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                      WHERE c.relname = ANY(%(tables)s)
                UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                      WHERE c.oid IN (SELECT reltoastrelid FROM pg_class
                                      WHERE relname = ANY(%(tables)s))
            )
            """,
            {"tables": list(WARM_RELATIONS)},
        )
        blocks = cursor.fetchone()[0]
    return {"pg_prewarm": True, "blocks_read": blocks}


def read_through(path: Path) -> int:
    """Read a file once so the OS holds it (SQLite's pages are then as warm as ours)."""
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(8 << 20):
            size += len(chunk)
    return size
