"""gunicorn with the production settings file on a free local port, for the benchmark."""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

from config.embedded_db import url_from_params

# Logs and the SQLite copy of the corpus (kept between runs: exporting a million items
# takes minutes). BENCH_DIR points another checkout at an existing one.
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or Path(settings.BASE_DIR) / "var" / "bench")


class HttpClient:
    """One keep-alive HTTP connection to a local server, as one reader's browser holds."""

    port: int
    conn = None

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def wait_until_up(self, path: str, process, log_path: Path, name: str):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if self.get(path)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
                self.conn = None
        raise RuntimeError(f"{name} did not start; see {log_path}")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Server(HttpClient):
    """gunicorn with the production settings file, on a free local port.

    cache=False runs it with ARCHIVE_CACHE=0: the result, page and expansion caches
    (archive/caching.py) are off, so every search is answered from the database, as the
    first search for a query is."""

    def __init__(self, log_path: Path, cache: bool = True):
        self.port = free_port()
        self.log_path = log_path
        self.cache = cache
        self.process = None
        self.conn = None

    def env(self):
        url = url_from_params(connection.get_connection_params())
        return {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + os.urandom(8).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(BENCH_DIR / "static"),
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "ARCHIVE_CACHE": "1" if self.cache else "0",
        }

    def start(self):
        env = self.env()
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        if static_is_stale():
            subprocess.run(
                [sys.executable, manage, "collectstatic", "--noinput", "-v0"], env=env, check=True
            )
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*gunicorn, "-b", f"127.0.0.1:{self.port}", "--access-logfile", "-"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_up("/healthz", self.process, self.log_path, "gunicorn")

    def worker_rss_mb(self) -> list[float]:
        try:
            children = psutil.Process(self.process.pid).children()
            return [round(c.memory_info().rss / 2**20, 1) for c in children]
        except psutil.Error:
            return []

    def stop(self):
        self.close()
        stop_process(self.process)
        if self.process is not None:
            self.log.close()
            self.process = None


def stop_process(process):
    """Terminate a server we started, and wait for it."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def static_is_stale() -> bool:
    """collectstatic (a minute, it compresses everything) only when our static files changed."""
    manifest = BENCH_DIR / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    files = (f for d in settings.STATICFILES_DIRS for f in Path(d).rglob("*") if f.is_file())
    return any(f.stat().st_mtime > built for f in files)


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_path(base: str, params: dict) -> str:
    """The path with the parameters as a query string."""
    return base + "?" + urllib.parse.urlencode(params)
