"""DATABASES entries for read replicas, built from DATABASE_REPLICA_URLS (config/settings.py).

No Django database code is imported here: settings.py calls this while settings load.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def replica_databases(urls: list[str], primary: dict, connect_timeout: int) -> dict[str, dict]:
    """{"replica1": {...}, "replica2": {...}} for the given postgres:// URLs.

    Each is parsed like DATABASE_URL and carries the primary's session options (statement
    timeout, no JIT, no parallel workers), so a query costs the same wherever it runs, plus a
    short connect timeout: a replica that is gone must cost a reader seconds, not minutes,
    before the router falls back to the primary. Under test each replica mirrors the test
    database (Django's TEST MIRROR), so no test ever reads a real replica's data and no test
    database is created on a read-only server.
    """
    replicas = {}
    for number, url in enumerate(urls, start=1):
        replica = dj_database_url.parse(
            url, conn_max_age=primary.get("CONN_MAX_AGE", 0), conn_health_checks=True
        )
        if not replica["ENGINE"].endswith("postgresql"):
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URLS skal være postgres://-adresser (DATABASE_REPLICA_URLS "
                "must be postgres:// URLs)."
            )
        replica["OPTIONS"] = {**primary.get("OPTIONS", {}), "connect_timeout": connect_timeout}
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas
