"""Read replicas: the router's rules, and searches served by a real streaming replica."""

import contextlib
import json
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from archive.models import AgendaItem, Municipality
from config.databases import replica_databases
from config.embedded_db import url_from_params
from config.routers import ReplicaMiddleware, down_replicas, read_alias
from ingest.store import ingest_bytes
from tests import replication
from tests.conftest import sample_path

# --- Settings ------------------------------------------------------------------------------

PRIMARY = {
    "CONN_MAX_AGE": 60,
    "OPTIONS": {"options": "-c statement_timeout=15000 -c jit=off"},
}


def test_replica_urls_become_aliases_with_the_primary_options_and_a_test_mirror():
    replicas = replica_databases(
        ["postgres://reader:pw@replica-a:5433/referatarkiv", "postgres://replica-b/referatarkiv"],
        PRIMARY,
        connect_timeout=2,
    )
    assert list(replicas) == ["replica1", "replica2"]
    first = replicas["replica1"]
    assert (first["HOST"], first["PORT"], first["USER"], first["PASSWORD"], first["NAME"]) == (
        "replica-a",
        5433,
        "reader",
        "pw",
        "referatarkiv",
    )
    assert first["OPTIONS"] == {
        "options": "-c statement_timeout=15000 -c jit=off",
        "connect_timeout": 2,
    }
    assert (first["CONN_MAX_AGE"], first["CONN_HEALTH_CHECKS"]) == (60, True)
    assert first["TEST"] == {"MIRROR": "default"}
    assert replicas["replica2"]["HOST"] == "replica-b"


def test_migrations_run_only_on_the_primary():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "archive") is True
    assert router.allow_migrate("replica1", "archive") is False


# --- The router's rules ----------------------------------------------------------------------


def read_during(request, work=None) -> str:
    """The alias a read would use inside `request`, after `work` (if any) ran in it."""
    seen = []

    def view(request):
        if work:
            work()
        seen.append(read_alias())
        return HttpResponse()

    ReplicaMiddleware(view)(request)
    return seen[0]


@pytest.fixture
def one_replica(settings):
    # An alias is only named here: choosing it connects to nothing.
    settings.REPLICA_DATABASES = ["replica_rules"]
    return "replica_rules"


def test_public_reads_go_to_the_replica_and_the_rest_to_the_primary(one_replica, settings):
    requests = RequestFactory()
    assert read_during(requests.get("/soeg/?q=reform")) == one_replica
    assert read_during(requests.get("/api/v1/search?q=reform")) == one_replica
    assert read_during(requests.head("/moeder/")) == one_replica
    assert read_during(requests.post("/soeg/")) == DEFAULT_DB_ALIAS
    assert read_during(requests.get("/admin/archive/meeting/")) == DEFAULT_DB_ALIAS
    editor = requests.get("/soeg/?q=reform", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=x")
    assert read_during(editor) == DEFAULT_DB_ALIAS
    after_a_message = requests.get("/moeder/", HTTP_COOKIE="messages=x")
    assert read_during(after_a_message) == DEFAULT_DB_ALIAS
    # Outside any request (ingest, management commands, the shell): the primary.
    assert read_alias() == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_its_own_writes_and_transactions_read_the_primary(one_replica):
    requests = RequestFactory()

    def write():
        Municipality.objects.create(name="Herning Kommune", slug="herning")

    def in_transaction():
        with transaction.atomic():
            assert read_alias() == DEFAULT_DB_ALIAS

    assert read_during(requests.get("/moeder/"), write) == DEFAULT_DB_ALIAS
    assert read_during(requests.get("/moeder/"), in_transaction) == one_replica
    assert Municipality.objects.count() == 1


# --- A real streaming replica ---------------------------------------------------------------

ALIAS = "streaming_replica"
QUERY = "hjemløse"
STEM = "'hjemløs'"  # its Danish stem in a tsquery


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup):
    """A streaming replica of the test database, with a database alias as
    DATABASE_REPLICA_URLS would configure it. The alias must exist before the test is set
    up, so that the test may name it among its databases."""
    with replication.replicated(connections[DEFAULT_DB_ALIAS].get_connection_params()) as pair:
        default = connections[DEFAULT_DB_ALIAS].settings_dict
        url = url_from_params(pair.replica.params(default["NAME"]))
        entry = replica_databases([url], default, connect_timeout=2)["replica1"]
        connections.settings[ALIAS] = {**default, **entry}
        try:
            yield pair
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]


@contextlib.contextmanager
def primary_on(pair: replication.Replication):
    """Django's primary on the server the replica follows, when the test had to start it."""
    if pair.own_primary is None:
        yield
        return
    default = connections[DEFAULT_DB_ALIAS]
    saved = {key: default.settings_dict[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}
    default.close()
    default.settings_dict.update(HOST=pair.primary["host"], PORT=pair.primary["port"])
    default.settings_dict.update(USER="postgres", PASSWORD="")
    try:
        yield
    finally:
        default.close()
        default.settings_dict.update(saved)


def ingest(prefix: str):
    ingest_bytes(sample_path(prefix).read_bytes(), file_name=sample_path(prefix).name)


def api_count(client) -> int:
    response = client.get("/api/v1/search", {"q": QUERY})
    assert response.status_code == 200
    return response.json()["count"]


def search_page(client) -> str:
    response = client.get("/soeg/", {"q": QUERY})
    assert response.status_code == 200
    return response.content.decode()


@contextlib.contextmanager
def replica_matches(pair: replication.Replication):
    """The full-text matches on agenda items that the replica ran inside the block, read
    from its own log of statements (log_statement=all)."""
    matched = []
    start = pair.replica.log_size()
    yield matched
    statements = pair.replica.log_since(start).split("LOG:  statement: ")[1:]
    matched += [
        statement
        for statement in statements
        if statement.startswith("SELECT")
        and 'FROM "archive_agendaitem"' in statement
        and "@@" in statement
        and STEM in statement
    ]


# The replica mirrors the test database (TEST MIRROR), so the test's clean-up leaves it alone.
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, ALIAS])
def test_searches_are_served_by_a_streaming_replica_and_survive_losing_it(
    streaming_replica, client, settings
):
    # Searches and pages are cached under the content version, which archive.versions reads
    # on the primary: a result computed on a replica that has not replayed yet would be
    # stored under the newer version (docs/scaling.md). The cache is off here, so every
    # request below really reads a database.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.REPLICA_DATABASES = [ALIAS]
    settings.REPLICA_RETRY_SECONDS = 1
    pair = streaming_replica
    with primary_on(pair):
        ingest("000")
        pair.wait_for_replay(pair.primary_lsn())
        assert api_count(client) == 1

        # (1) Served by the replica: with its replay paused, it does not have what the
        # primary now holds, and the answer is the replica's.
        pair.pause_replay()
        ingest("001")
        after_001 = pair.primary_lsn()
        assert AgendaItem.objects.search(QUERY).count() == 3  # on the primary
        with replica_matches(pair) as matched:
            assert api_count(client) == 1
        assert matched  # the search's full-text scans ran on the replica
        with replica_matches(pair) as matched:
            assert "1 punkt fundet" in search_page(client)
        assert matched  # the search's full-text scans ran on the replica
        # An export streams its rows after the view has returned: from the replica too.
        export = client.get("/soeg/eksport.json", {"q": QUERY})
        rows = json.loads(b"".join(export.streaming_content))["results"]
        assert (export["X-Total-Count"], len(rows)) == ("1", 1)

        # (2) The write on the primary reaches the replica once replay goes on.
        pair.resume_replay()
        pair.wait_for_replay(after_001)
        assert api_count(client) == 3

        # (3) The replica goes away: the same page answers from the primary, which alone
        # has sample 002, and the replica rests.
        pair.pause_replay()
        ingest("002")
        pair.replica.stop()
        page = search_page(client)
        assert "4 punkter fundet" in page
        assert down_replicas() == [ALIAS]
        assert api_count(client) == 4

        # (4) Back after its rest: one probe, and reads are the replica's again.
        pair.replica.start()
        pair.wait_for_replay(pair.primary_lsn())
        time.sleep(settings.REPLICA_RETRY_SECONDS)
        pair.pause_replay()
        ingest("003")
        assert AgendaItem.objects.search(QUERY).count() == 5  # on the primary
        assert api_count(client) == 4
        assert down_replicas() == []
