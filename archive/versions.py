"""The archive's content version: a number that changes whenever searchable content changes.

Caches of search results and compound words key on it, so they never serve what the
archive no longer holds, in any process, whatever cache backend is configured.

It is a PostgreSQL sequence: bumping it takes no lock, so concurrent ingests never wait
for each other on it, and it is visible at once to every session. A change bumps it when
it happens (so the changing transaction itself sees fresh results) and again after its
transaction commits (a reader who saw the first bump before the commit may have cached
results without the change). Each bump moves it to at least the current time in
microseconds, so restoring an older backup cannot bring back a version already cached.
"""

import contextlib
from contextvars import ContextVar

from django.db import connection, transaction

from archive.reads import read_connection

BUMP = """
SELECT setval('archive_content_version', greatest(
    nextval('archive_content_version'), (extract(epoch FROM clock_timestamp()) * 1e6)::bigint
))
"""


# Set while a public page is rendered, so the page and the searches in it read one version.
_pinned: ContextVar[int | None] = ContextVar("content_version", default=None)


def current() -> int:
    """The version now (or the one pinned for the page being rendered)."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    # Read where the results come from: a replica's version matches what it has replayed,
    # so a result computed there is never cached under a newer version (docs/scaling.md).
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT last_value FROM archive_content_version")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def pinned():
    """Read the version once and use that value for everything inside the block."""
    token = _pinned.set(current())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


def bump():
    """Move the version on: every earlier cache entry becomes unreachable."""
    with connection.cursor() as cursor:
        cursor.execute(BUMP)


def changed(**_):
    """Bump the version now and, inside a transaction, once more when it commits."""
    bump()
    if connection.in_atomic_block and not any(
        entry[1] is bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(bump)
