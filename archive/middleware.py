"""Database trouble becomes a clear 503 page, never a traceback."""

import logging

from django.db import (
    DatabaseError,
    DataError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from archive.search.throttle import Busy

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A query that hit the statement timeout, or a database that went away, gives 503.

    The next request opens a fresh connection (Django drops a broken one), so the site
    recovers by itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Busy):
            log.warning("no search slot for %s within the queue time", request.path)
            return unavailable(request, retry_after=5)
        if isinstance(exception, DataError):
            # Input PostgreSQL cannot store or compare (a NUL byte, a number out of range):
            # the request was bad, the server is fine.
            log.info("bad input for %s: %s", request.path, exception)
            if _is_api(request):
                return JsonResponse({"error": _("Ugyldig forespørgsel.")}, status=400)
            return render(request, "400.html", status=400)
        timed_out = isinstance(exception, DatabaseError) and "timeout" in str(exception).lower()
        if not (isinstance(exception, (OperationalError, InterfaceError)) or timed_out):
            return None
        log.warning("database unavailable for %s: %s", request.path, exception)
        # Drop broken connections now, so the next request starts with a fresh session.
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()
        return unavailable(request, retry_after=30)


def unavailable(request, retry_after: int):
    """503 with Retry-After: JSON for the API, the page otherwise."""
    if _is_api(request):
        response = JsonResponse(
            {"error": _("Arkivet er optaget lige nu. Prøv igen om lidt.")}, status=503
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(retry_after)
    return response


def _is_api(request) -> bool:
    # The API answers under a language prefix too (/en/api/…, config/urls.py).
    language = get_language_from_path(request.path_info)
    path = request.path_info.removeprefix(f"/{language}") if language else request.path_info
    return path.startswith("/api/")
