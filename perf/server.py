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

BENCH_DIR = Path(settings.BASE_DIR) / "var" / "bench"


class Server:
    """gunicorn with the production settings file, on a free local port."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
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
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
                self.conn = None
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
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

    def worker_rss_mb(self) -> list[float]:
        try:
            children = psutil.Process(self.process.pid).children()
            return [round(c.memory_info().rss / 2**20, 1) for c in children]
        except psutil.Error:
            return []

    def stop(self):
        if self.conn is not None:
            self.conn.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.log.close()


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
