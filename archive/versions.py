"""The archive's content versions: numbers that change whenever searchable content changes.

Two PostgreSQL sequences. `content` moves on every change; `revision` only on a change
that may alter or remove what a reader was already shown: an edit, a deletion, a meeting
withdrawn. Cached searches and pages are keyed on the revision and stamped with the content
version they were computed at (archive/caching.py): one computed before a mere *addition*
(a new meeting, its items and files) may still be served for CACHE_ADDITIONS_SECONDS after
it was computed, so an ingest every few seconds no longer empties every cache; a revision
makes every earlier entry unreachable at once, in every process.

Sequences, because bumping one takes no lock, so concurrent ingests never wait for each
other on it, and it is visible at once to every session. A change bumps when it happens (so
the changing transaction itself sees fresh results) and again after its transaction
commits (a reader who saw the first bump before the commit may have cached results
without the change). Each bump moves a version to at least the current time in
microseconds, so restoring an older backup cannot bring back a version already cached.
"""

import contextlib
from contextvars import ContextVar
from typing import NamedTuple

from django.db import connection, transaction

from archive.reads import read_connection

SEQUENCES = ("archive_content_version", "archive_revision_version")


def _bump_sql(*sequences: str) -> str:
    moves = ", ".join(
        f"setval('{name}', greatest(nextval('{name}'), "
        "(extract(epoch FROM clock_timestamp()) * 1e6)::bigint))"
        for name in sequences
    )
    return f"SELECT {moves}"


# Every version: what a revision, a restore or "start cold" runs.
BUMP = _bump_sql(*SEQUENCES)
ADD = _bump_sql("archive_content_version")


class State(NamedTuple):
    """The versions at one moment: `content` (every change) and `revision` (changes that
    are not mere additions)."""

    content: int
    revision: int


# Set while a public page is rendered, so the page and the searches in it read one state.
_pinned: ContextVar[State | None] = ContextVar("content_versions", default=None)


def state() -> State:
    """The versions now (or those pinned for the page being rendered), in one round trip."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    # Read where the results come from: a replica's versions match what it has replayed,
    # so a result computed there is never cached under a newer one (docs/scaling.md).
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT c.last_value, r.last_value "
            "FROM archive_content_version c, archive_revision_version r"
        )
        return State(*cursor.fetchone())


def current() -> int:
    """The content version now: what expansions of compound words are keyed on."""
    return state().content


@contextlib.contextmanager
def pinned():
    """Read the versions once and use them for everything inside the block."""
    token = _pinned.set(state())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


def bump():
    """Move every version on: every earlier cache entry becomes unreachable."""
    with connection.cursor() as cursor:
        cursor.execute(BUMP)


def added():
    """Move the content version on only: new content, nothing shown before is wrong."""
    with connection.cursor() as cursor:
        cursor.execute(ADD)


def changed(sender=None, created=False, **kwargs):
    """A signal receiver (post_save, post_delete) and a call for any other change: bump now
    and, inside a transaction, once more when it commits. A row created is an addition;
    anything else (an update, a deletion, a call without a signal) is a revision."""
    move = added if created else bump
    move()
    if connection.in_atomic_block and not any(
        entry[1] in (move, bump) for entry in connection.run_on_commit
    ):
        transaction.on_commit(move)
