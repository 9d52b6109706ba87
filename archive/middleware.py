"""Database trouble becomes a clear 503 page, never a traceback; the documented read-only
addresses answer only GET."""

import logging
import re
from functools import cache

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


class ReadOnlyMethodsMiddleware:
    """Every address in the OpenAPI document (the API, feeds, exports, calendars) is
    GET only: another method gets 405 with `Allow: GET` here, before the CSRF check could
    answer 403 or a feed view answer TRACE with 200. HEAD goes on to the view, which
    decides (Django answers HEAD like GET where a view allows it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") and _documented(_without_language(request)):
            response = JsonResponse(
                {"error": _("Adressen kan kun læses (GET).")}, status=405, **_JSON
            )
            response["Allow"] = "GET"
            return response
        return self.get_response(request)


_JSON = {"json_dumps_params": {"ensure_ascii": False}}


@cache
def _documented_paths() -> re.Pattern:
    """One pattern for the document's path templates; a case number may hold slashes."""
    from archive.api.openapi import paths

    patterns = []
    for template in paths():
        pattern = re.escape(template)
        pattern = pattern.replace(re.escape("{case_number}"), ".+")
        pattern = re.sub(r"\\{[a-z_]+\\}", "[^/]+", pattern)
        patterns.append(pattern)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _documented(path: str) -> bool:
    return _documented_paths().fullmatch(path) is not None


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


def _without_language(request) -> str:
    # The API, feeds and exports answer under a language prefix too (/en/api/…,
    # config/urls.py).
    language = get_language_from_path(request.path_info)
    return request.path_info.removeprefix(f"/{language}") if language else request.path_info


def _is_api(request) -> bool:
    return _without_language(request).startswith("/api/")
