"""The job queue survives its database restarting: a real worker process, on a PostgreSQL
server of its own (started from the same binaries as tests/replication.py, never the
machine's shared service), has the server stopped under it in the middle of an OCR job and
started again. Nothing queued is lost, and every file is read, and stored, exactly once."""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg
import pytest
from django.db import connection

from config.embedded_db import url_from_params
from ingest import attachments, tasks
from jobs.recovery import run_until_idle
from tests import alerts_support as support
from tests import replication
from tests.conftest import ROOT
from tests.test_attachments import PUBLICATION, SAPA, TORVEVEJ, ingest, item_titled, scanned_pdf

pytestmark = pytest.mark.django_db(transaction=True)

DONE_SECONDS = 240


@pytest.fixture(autouse=True)
def empty_queue():
    support.clear_queue()
    yield
    support.clear_queue()


@contextlib.contextmanager
def private_server(params: dict):
    """A PostgreSQL server of our own holding a copy of the test database."""
    params = replication.libpq(params)
    workdir = Path(tempfile.mkdtemp(prefix="ra-restart-"))
    with psycopg.connect(**params) as conn:
        major = conn.info.server_version // 10000
        data_directory = conn.execute("SHOW data_directory").fetchone()[0]
    bindir = replication.binaries(major)
    user = replication.server_user(Path(data_directory))
    if user:
        import shutil

        shutil.chown(workdir, user, user)
    cluster = replication.Cluster(bindir, workdir / "data", workdir, 5434, user)
    try:
        replication.init_primary(cluster)
        replication.copy_database(bindir, params, cluster)
        yield cluster
    finally:
        cluster.stop()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def queue_state(cluster, dbname) -> tuple[list, list]:
    """(the jobs as (task, args, status, attempts), the files as (id, text_status, pages))."""
    with cluster.connect(dbname) as conn:
        jobs = conn.execute(
            "SELECT task_name, args::text, status::text, attempts FROM procrastinate_jobs "
            "WHERE queue_name = 'attachments' ORDER BY id"
        ).fetchall()
        files = conn.execute(
            "SELECT f.id, f.text_status, count(p.id) FROM archive_storedfile f "
            "LEFT JOIN archive_attachmentpage p ON p.file_id = f.id GROUP BY f.id ORDER BY f.id"
        ).fetchall()
    return jobs, files


def ocr_running(worker) -> bool:
    with contextlib.suppress(psutil.NoSuchProcess):
        children = psutil.Process(worker.pid).children(recursive=True)
        return any(child.name() == "tesseract" for child in children)
    return False


def test_jobs_survive_the_database_restarting_under_a_working_worker():
    ingest(PUBLICATION, "Ballerup")
    run_until_idle()  # its own bilag are read here; the scans below are the worker's
    item = item_titled(SAPA)
    link, _new = attachments.add_to_item(
        item, "Skannet.pdf", scanned_pdf(TORVEVEJ, [1, 2, 1, 2]), user=None
    )
    second, _new = attachments.add_to_item(
        item, "Skannet igen.pdf", scanned_pdf(TORVEVEJ, [2, 1], dpi=100), user=None
    )
    tasks.read_later([link.file_id, second.file_id])
    dbname = connection.settings_dict["NAME"]

    with private_server(connection.get_connection_params()) as cluster:
        queued, _files = queue_state(cluster, dbname)
        waiting = [args for _t, args, status, _n in queued if status == "todo"]
        assert waiting == [f'{{"stored_file_id": {f.file_id}}}' for f in (link, second)]

        # Stopped and started with nothing running: every queued job is still there.
        cluster.stop()
        cluster.start()
        assert queue_state(cluster, dbname)[0] == queued

        env = dict(
            os.environ,
            DATABASE_URL=url_from_params(cluster.params(dbname)),
            DEBUG="1",
            REDIS_URL="",
            DATABASE_REPLICA_URLS="",
            JOBS_STALLED_SECONDS="5",
        )
        log = open(cluster.data.parent / "worker.log", "wb")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            seen = False
            while not seen and time.monotonic() < deadline:
                seen = ocr_running(worker)  # each page is its own tesseract: note the first
                time.sleep(0.05)
            assert seen, (
                "the worker never started OCR:\n"
                + (cluster.data.parent / "worker.log").read_text(errors="replace")[-3000:]
            )

            # The server goes away mid-OCR (fast shutdown ends every session) and comes back.
            cluster.stop()
            time.sleep(1)
            cluster.start()

            deadline = time.monotonic() + DONE_SECONDS
            while time.monotonic() < deadline:
                jobs, files = queue_state(cluster, dbname)
                if {status for _t, _a, status, _n in jobs} == {"succeeded"}:
                    break
                if worker.poll() is not None:
                    break
                time.sleep(0.5)
            alive = worker.poll() is None
        finally:
            worker.terminate()  # as docker compose stops it
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=30)
            exit_code = worker.poll()
            if exit_code is None:
                worker.kill()
                worker.wait(timeout=10)
            log.close()
        worker_log = (cluster.data.parent / "worker.log").read_text(errors="replace")[-12000:]
        jobs, files = queue_state(cluster, dbname)

    assert alive, "the worker stopped when its database restarted:\n" + worker_log
    assert exit_code == 0, worker_log  # SIGTERM still stops it, cleanly
    # One job per file, each finished: nothing lost, nothing queued twice.
    assert [(task, args) for task, args, _s, _n in jobs] == [
        (task, args) for task, args, _s, _n in queued
    ]
    assert {status for _t, _a, status, _n in jobs} == {"succeeded"}, jobs
    by_id = {file_id: (status, pages) for file_id, status, pages in files}
    assert by_id[link.file_id] == ("ocr", 4)  # the interrupted OCR, stored once
    assert by_id[second.file_id] == ("ocr", 2)  # the one waiting behind it
    assert "pending" not in {status for status, _pages in by_id.values()}
