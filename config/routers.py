"""Reads on PostgreSQL streaming replicas; writes and read-your-writes on the primary.

The rules (docs/scaling.md):

- Only a public read may use a replica: a GET, HEAD or OPTIONS request outside the admin,
  from a reader without a session or messages cookie (the requests archive.caching may also
  answer from its cache). `ReplicaMiddleware` marks such a request. Everything else reads
  the primary: the admin, POSTs, editors, management commands (ingest, backup), the shell,
  so no code outside the public pages has to think about replication lag.
- Inside a marked request the primary takes over at the first write, for the rest of the
  request (it reads its own writes), and inside any `transaction.atomic()` on the primary.
- A request keeps the replica it started on, so one page never mixes two replicas' lag.
- A replica that fails is marked down for REPLICA_RETRY_SECONDS; after that one request
  probes it (connect timeout REPLICA_CONNECT_TIMEOUT) before it serves again. The request
  that met the failure is answered again from the primary, never with an error page.
- Migrations run on the primary only: a replica is read-only and gets the schema by replay.

The ORM follows these rules by itself. Raw SQL must ask for its connection:
`read_connection().cursor()` for a read (or `connections[queryset.db]` next to a QuerySet),
`django.db.connection` (the primary) for anything else.
"""

import contextlib
import logging
import random
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.urls import NoReverseMatch, reverse

log = logging.getLogger(__name__)

READ_METHODS = ("GET", "HEAD", "OPTIONS")
# SQLSTATE query_canceled: the statement timeout. The primary would take as long, so such a
# search is not run a second time there (archive.middleware answers it with a 503).
QUERY_CANCELED = "57014"


@dataclass
class Route:
    """How the current request reads: may it still use a replica, and which one it got."""

    replicas_allowed: bool = False
    replica: str | None = None
    wrote: bool = False


_route: ContextVar[Route | None] = ContextVar("database_route", default=None)
# alias -> time.monotonic() until which the replica is not used.
_down_until: dict[str, float] = {}
_probe_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", ()))


def read_alias() -> str:
    """The database the current code reads from: a replica only on a public read path."""
    route = _route.get()
    if route is None or not route.replicas_allowed:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if route.replica is None:
        route.replica = _pick_replica()
        if route.replica is None:
            route.replicas_allowed = False
            return DEFAULT_DB_ALIAS
    return route.replica


def read_connection():
    """The connection for raw read-only SQL on the public read path."""
    return connections[read_alias()]


def pin_to_primary(*, wrote: bool = False):
    """Read the primary for the rest of this request (after a write, or a failed replica)."""
    route = _route.get()
    if route is not None:
        route.replicas_allowed = False
        route.wrote = route.wrote or wrote


def down_replicas() -> list[str]:
    """Aliases of the replicas currently marked down in this process (for monitoring)."""
    now = time.monotonic()
    return sorted(alias for alias, until in _down_until.items() if until > now)


def mark_down(alias: str):
    _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    log.warning(
        "read replica %s is unavailable; reading the primary for %s s",
        alias,
        settings.REPLICA_RETRY_SECONDS,
    )


def _pick_replica() -> str | None:
    available = [alias for alias in replica_aliases() if _available(alias)]
    return random.choice(available) if available else None


def _available(alias: str) -> bool:
    until = _down_until.get(alias)
    if until is None:
        return True
    now = time.monotonic()
    if now < until:
        return False
    # The rest is over. One request probes; the others keep reading the primary meanwhile.
    with _probe_lock:
        if _down_until.get(alias) != until:
            return False
        _down_until[alias] = now + settings.REPLICA_RETRY_SECONDS
    if not probe(alias):
        log.warning("read replica %s is still unavailable", alias)
        return False
    _down_until.pop(alias, None)
    log.info("read replica %s is back", alias)
    return True


def probe(alias: str) -> bool:
    """Whether a fresh connection to the replica works (its connect timeout applies)."""
    connection = connections[alias]
    _close(connection)
    try:
        connection.ensure_connection()
    except DatabaseError:
        _close(connection)
        return False
    return _usable(connection)


def _usable(connection) -> bool:
    return connection.connection is not None and connection.is_usable()


def _close(connection):
    with contextlib.suppress(DatabaseError):
        connection.close()


class PrimaryReplicaRouter:
    """Django's router interface over the rules above."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        pin_to_primary(wrote=True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The primary and its replicas hold the same rows.
        ours = {DEFAULT_DB_ALIAS, *replica_aliases()}
        return True if {obj1._state.db, obj2._state.db} <= ours else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def public_read(request) -> bool:
    """A request a replica may serve: a read, outside the admin, by nobody in particular."""
    if request.method not in READ_METHODS:
        return False
    if request.path.startswith(_admin_prefix()):
        return False
    personal = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    return not any(name in request.COOKIES for name in personal)


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return "/admin/"


class ReplicaMiddleware:
    """Marks public reads for the router, and answers a read whose replica failed again
    from the primary.

    Placed after archive.middleware.DatabaseUnavailableMiddleware, so that it sees a
    failure first; when the primary fails too, that middleware answers with its 503 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = Route(replicas_allowed=public_read(request))
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if response.streaming and route.replicas_allowed:
            # Exports stream their rows after the view returned: read them where the
            # count was read.
            response.streaming_content = _within(route, response.streaming_content)
        return response

    def process_exception(self, request, exception):
        route = _route.get()
        if route is None or route.replica is None or not _replica_may_be_at_fault(exception):
            return None
        if route.wrote:
            # Running the view again would write again.
            return None
        replica, route.replica = route.replica, None
        pin_to_primary()
        connection = connections[replica]
        if not _usable(connection):
            mark_down(replica)
        _close(connection)
        log.warning("%s failed on %s (%s); asking the primary", request.path, replica, exception)
        return _answer_again(request)


def _replica_may_be_at_fault(exception) -> bool:
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return False
    return getattr(exception.__cause__, "sqlstate", None) != QUERY_CANCELED


def _answer_again(request):
    """The view's response, computed again (on the primary); None if that fails too."""
    match = request.resolver_match
    if match is None:
        return None
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
    except (OperationalError, InterfaceError):
        log.warning("the primary failed too for %s", request.path, exc_info=True)
        return None
    return response


def _within(route: Route, chunks):
    """Iterate `chunks` with the request's route in force for each step."""
    iterator = iter(chunks)
    while True:
        token = _route.set(route)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _route.reset(token)
        yield chunk
