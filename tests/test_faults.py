"""Faults: a crash mid-ingest, concurrent uploads, and the database going away."""

import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from django.db import connection, connections

from archive.models import AgendaItem, Meeting, Municipality, SourceDocument
from ingest.store import ingest_bytes
from tests.conftest import ROOT, sample_path

CRASHING_INGEST = """
import os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from ingest import store
real = store.item_rows
def slow_item_rows(meeting, parsed):
    rows = real(meeting, parsed)
    print("meeting written, items next", flush=True)
    time.sleep(60)  # killed here, with the meeting and source rows already inserted
    return rows
store.item_rows = slow_item_rows
store.ingest_bytes(open(sys.argv[1], "rb").read(), file_name="crash.txt")
"""


@pytest.mark.django_db(transaction=True)
def test_killing_the_process_mid_ingest_leaves_no_partial_meeting(test_database_url):
    env = {**os.environ, "DATABASE_URL": test_database_url}
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_INGEST, str(sample_path("003"))],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "meeting written, items next"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    time.sleep(0.5)  # the server notices the dead client and rolls back
    assert Meeting.objects.count() == 0
    assert SourceDocument.objects.count() == 0
    assert Municipality.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_of_the_same_document_give_one_meeting():
    data = sample_path("000").read_bytes()
    barrier = threading.Barrier(4)
    statuses = []

    def upload():
        try:
            barrier.wait()
            statuses.append(ingest_bytes(data, file_name="same.txt").status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == ["created", "duplicate", "duplicate", "duplicate"]
    assert (Meeting.objects.count(), SourceDocument.objects.count()) == (1, 1)
    assert AgendaItem.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_documents_of_one_municipality(sample_bytes):
    """Two different minutes from a municipality the archive has never seen, at once."""
    barrier = threading.Barrier(2)
    statuses = []

    def upload(prefix):
        try:
            barrier.wait()
            statuses.append(ingest_bytes(sample_bytes(prefix), file_name=prefix).status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(p,)) for p in ("000", "001")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == ["created", "created"]
    assert Municipality.objects.count() == 1
    assert Meeting.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_database_going_away_gives_503_and_the_site_recovers(client, seed_archive_committed):
    assert client.get("/soeg/?q=reform").status_code == 200
    params = connection.get_connection_params()
    params.pop("options", None)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [params["dbname"]],
        )
    failed = client.get("/soeg/?q=reform")
    assert failed.status_code == 503
    assert failed["Retry-After"] == "30"
    recovered = client.get("/soeg/?q=reform")
    assert recovered.status_code == 200
    assert client.get("/healthz").status_code == 200
