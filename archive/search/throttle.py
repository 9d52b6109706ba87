"""Searches take turns: each process computes at most SEARCH_CONCURRENCY at once.

On a small machine a crowd of searches competing for the cores would otherwise starve the
cheap requests (page views, cached results) that share the workers with them. A search
that finds no free slot within SEARCH_QUEUE_SECONDS raises `Busy` (a 503, middleware.py).
"""

import contextlib
import threading

from django.conf import settings


class Busy(Exception):
    """No search slot came free in time: the server has more searches than it can run."""


_slots = threading.BoundedSemaphore(settings.SEARCH_CONCURRENCY)


@contextlib.contextmanager
def search_slot():
    """Hold one of the process's search slots for the block; `Busy` if none comes free."""
    if not _slots.acquire(timeout=settings.SEARCH_QUEUE_SECONDS):
        raise Busy
    try:
        yield
    finally:
        _slots.release()
