"""Backups: pg_dump of the whole database, originals included (they are stored in it).

Uses pg_dump, pg_restore and psql from the PATH: the server's client tools (the
postgresql-client package; the Docker image installs it). Under the embedded development
server, config/embedded_db.py puts that server's own tools first on the PATH.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connection

from archive import versions


class BackupError(Exception):
    """pg_dump or pg_restore failed; the message is their own output."""


def _run(command: list[str], env: dict):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} exit {result.returncode}")


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} findes ikke på PATH; installér PostgreSQL's klientprogrammer "
            f"(postgresql-client) ({name} is not on the PATH)."
        )
    return found


def _libpq_args(params: dict) -> tuple[list[str], dict]:
    args = ["--dbname", params["dbname"], "--username", params.get("user") or "postgres"]
    if params.get("host"):
        args += ["--host", params["host"]]
    if params.get("port"):
        args += ["--port", str(params["port"])]
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    return args, env


def dump(path: Path, params: dict | None = None) -> Path:
    """Write a custom-format dump of the database to `path`."""
    args, env = _libpq_args(params or connection.get_connection_params())
    path.parent.mkdir(parents=True, exist_ok=True)
    _run([_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args], env)
    return path


def restore(path: Path, params: dict | None = None):
    """Replace the database's contents with the dump's, in one transaction.

    pg_restore writes the dump out as SQL and psql runs it with ON_ERROR_STOP inside one
    transaction, so a failed restore changes nothing. The SQL is streamed through this
    process to drop the one setting PostgreSQL 17+ tools emit that older servers reject
    ("SET transaction_timeout").
    """
    args, env = _libpq_args(params or connection.get_connection_params())
    sql = subprocess.Popen(
        [_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--file", "-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    psql = subprocess.Popen(
        [_binary("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
        + args,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    for line in sql.stdout:
        if not line.startswith(b"SET transaction_timeout"):
            psql.stdin.write(line)
    # The dump holds the content version it was taken at: move past every version a running
    # server may have cached since (archive/versions.py).
    # (The dump's SQL empties search_path; the bump names the sequence like the app does.)
    psql.stdin.write(b"RESET search_path;\n" + versions.BUMP.encode() + b";\n")
    psql.stdin.close()
    restore_error = sql.stderr.read().decode(errors="replace")
    psql_error = psql.stderr.read().decode(errors="replace")
    if sql.wait() != 0 or psql.wait() != 0:
        raise BackupError((restore_error + psql_error).strip() or "restore failed")
    if params is None:
        versions.bump()  # again after the commit, as for any change
