"""Caching under the content versions: search results and whole public pages.

Results and pages are keyed on the revision (`archive.versions`) and stamped with the
content version they were computed at: an edit, a deletion or a withdrawn meeting makes
every earlier entry unreachable at once, in every process; an entry computed before a new
meeting arrived is served for at most CACHE_ADDITIONS_SECONDS after it was computed, so
new minutes appear within that time and an archive that ingests all day keeps its cache.
The cache is an optimisation only: when it is unreachable the archive answers from the
database and logs a warning.
"""

import functools
import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import has_vary_header
from django.utils.translation import get_language

from archive import versions

logger = logging.getLogger(__name__)

CACHE_SECONDS = 600
# A page larger than this is rendered each time rather than crowding out smaller ones.
MAX_PAGE_BYTES = 256 * 1024
# What a response is made from besides the data: a deploy that changes any of it must not
# be served pages rendered by the code before it (a shared cache outlives the deploy).
RELEASE_SOURCES = ("archive", "config", "core", "ingest", "templates", "static", "locale")


def enabled() -> bool:
    """ARCHIVE_CACHE=off serves everything from the database: what a reader waits for the
    first time anyone asks. The benchmark (perf/) runs its uncached rows this way."""
    return settings.ARCHIVE_CACHE


def cache_get(key):
    """The cached value, or None also when the cache is unreachable or switched off."""
    if not enabled():
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any cache failure means "not cached"
        logger.warning("cache unavailable", exc_info=True)
        return None


def cache_set(key, value):
    """Store a value; a failing cache only logs."""
    if not enabled():
        return
    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable", exc_info=True)


def fresh_get(key, state):
    """The value cached under `key` (a key on `state.revision`) if it is current: computed
    at this content version, or before it by additions only and not longer ago than
    CACHE_ADDITIONS_SECONDS."""
    entry = cache_get(key)
    if entry is None:
        return None
    content, computed, value = entry
    if content == state.content or now() - computed <= settings.CACHE_ADDITIONS_SECONDS:
        return value
    return None


def fresh_set(key, state, value):
    """Cache a value computed at `state`, stamped for `fresh_get`."""
    cache_set(key, (state.content, now(), value))


def now() -> float:
    """Wall-clock seconds: shared by every process of a shared cache."""
    return time.time()


def key_for(kind: str, *parts) -> str:
    """A cache key under this release, database and language."""
    # The database name keeps a shared cache from mixing two archives (or a test run).
    parts = (release(), connection.settings_dict["NAME"], get_language(), *parts)
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@functools.cache
def release() -> str:
    """A fingerprint of the code, templates and static files this process serves."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in RELEASE_SOURCES:
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and path.suffix != ".pyc":
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def public_page(view=None, *, query=True):
    """Serve the view's response from the cache for readers without a session.

    Most traffic is anonymous readers asking for what others asked a moment ago: the same
    search, the same agenda item. A cache hit costs one small query (the version) instead
    of rendering. Editors (a session or messages cookie) always get a fresh page, and a
    response that sets or varies on cookies is never stored, so nothing personal is ever
    served to anyone else. A view that reads no query parameters says `query=False`: its
    page is then stored once, whatever a link appends (`?utm_source=...`).
    """
    if view is None:
        return functools.partial(public_page, query=query)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        path = request.get_full_path() if query else request.path
        with versions.pinned() as state:
            # The scheme and host: pages carry absolute permalinks.
            key = key_for("page", state.revision, request.scheme, request.get_host(), path)
            stored = fresh_get(key, state)
            if stored is not None:
                return _with_status(_response(stored), "hit")
            response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            fresh_set(key, state, _stored(response))
        return _with_status(response, "miss")

    return wrapper


def _with_status(response, status: str):
    """Say whether the page came from the cache, when the load test asks (after storing it,
    so the stored copy never carries the header)."""
    if settings.CACHE_STATUS_HEADER:
        response["X-Cache"] = status
    return response


def _cacheable_request(request) -> bool:
    personal = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    return request.method in ("GET", "HEAD") and not any(c in request.COOKIES for c in personal)


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        # The page used a CSRF token, which is personal.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and len(response.content) <= MAX_PAGE_BYTES
    )


def _stored(response) -> tuple:
    # The view's own headers; the middleware adds the security headers to every response.
    return (response.content, list(response.headers.items()))


def _response(stored) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
