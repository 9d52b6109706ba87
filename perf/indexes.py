"""Are all the archive's indexes there and usable?

`gen_corpus` drops the item and vocabulary tables' indexes before it loads and builds them
again afterwards. A run that fails or is interrupted in between leaves a table that holds
every item but no search index, and every search then reads the whole table (4–5 s at a
million items) while looking perfectly healthy. So the benchmark and the generator compare
the database with what the migrations define, and rebuild or refuse before they time
anything.

What the migrations define is read from the SQL they would run (as `sqlmigrate` shows
it), in order: every `CREATE INDEX` on an archive table, less what a later `DROP INDEX`
removed. That covers indexes from `AddIndex`, `db_index`, foreign keys and raw SQL alike,
and the statement that created an index is the one that rebuilds it.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

CREATE = re.compile(
    r'CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?'
    r'\s+ON\s+(?:ONLY\s+)?"?(\w+)"?',
    re.IGNORECASE,
)
DROP = re.compile(r'DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?"?(\w+)"?', re.IGNORECASE)
RENAME = re.compile(r'ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?"?(\w+)"?\s+RENAME\s+TO\s+"?(\w+)"?', re.I)
TABLE_PREFIX = "archive_"


@dataclass
class IndexProblem:
    name: str
    table: str
    state: str  # "missing" or "invalid"
    ddl: str

    def __str__(self):
        return f"{self.name} on {self.table} ({self.state})"


def defined_indexes() -> dict[str, tuple[str, str]]:
    """name -> (table, CREATE statement) of every index the migrations leave on archive
    tables."""
    found: dict[str, tuple[str, str]] = {}
    for statement in migration_sql():
        for old, new in RENAME.findall(statement):
            if old in found:
                found[new] = found.pop(old)
        for name in DROP.findall(statement):
            found.pop(name, None)
        created = CREATE.search(statement)
        if created and created.group(2).startswith(TABLE_PREFIX):
            found[created.group(1)] = (created.group(2), statement.strip().rstrip(";"))
    return found


def migration_sql() -> list[str]:
    """Every statement all migrations would run on an empty database, in order."""
    loader = MigrationLoader(connection)
    graph = loader.graph
    state = ProjectState(real_apps=loader.unmigrated_apps)
    statements, seen = [], set()
    for leaf in sorted(graph.leaf_nodes()):
        for key in graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            with connection.schema_editor(collect_sql=True, atomic=False) as editor:
                state = graph.nodes[key].apply(state, editor, collect_sql=True)
            statements += editor.collected_sql
    return statements


def index_problems() -> list[IndexProblem]:
    """The migrations' indexes that are missing from the database or not valid."""
    expected = defined_indexes()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.indisvalid AND i.indisready
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
            """,
            [list(expected)],
        )
        present = dict(cursor.fetchall())
    problems = []
    for name, (table, ddl) in sorted(expected.items()):
        if name not in present:
            problems.append(IndexProblem(name, table, "missing", ddl))
        elif not present[name]:
            problems.append(IndexProblem(name, table, "invalid", ddl))
    return problems


def rebuild(problems: list[IndexProblem], log=print):
    """Build the missing and invalid indexes again from the migrations' own statements."""
    for problem in problems:
        log(f"rebuilding index {problem}")
        with transaction.atomic(), connection.cursor() as cursor:
            # Maintenance work, not a web request: an index of a million items takes
            # minutes, far past the statement timeout web sessions run with.
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute(f'DROP INDEX IF EXISTS "{problem.name}"')
            cursor.execute(problem.ddl)
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{problem.table}"')


def describe(problems: list[IndexProblem]) -> str:
    """The problems as one line for a message."""
    return ", ".join(str(p) for p in problems)
