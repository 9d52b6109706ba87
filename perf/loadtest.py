"""A reproducible load test: a fixed-rate mix of browsing and searching against gunicorn.

Open loop: requests are started on a schedule whatever the server's speed, so a slow server
shows up as latency and errors rather than as a politely reduced rate. Only addresses on this
machine are contacted; the run is bounded by its duration and request count.
"""

import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.db import connection

SEARCH = "search"
API = "api"
PAGE = "page"


@dataclass
class Sample:
    kind: str
    path: str
    status: int
    ms: float


@dataclass
class Report:
    url: str
    duration_s: float
    target_rate: float
    requests: int
    errors: int
    throughput_rps: float
    searches_per_s: float
    latency_ms: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    error_examples: list = field(default_factory=list)


def percentiles(values):
    """p50, p95, p99 and max of the values, rounded."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(p):
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": round(ordered[-1], 1)}


def request_mix(seed: int, size: int = 2000) -> list[tuple[str, str]]:
    """(kind, path) pairs drawn from the archive itself: its words, items and meetings."""
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM archive_term WHERE stem <> '' AND length(word) > 4 "
            "ORDER BY frequency DESC, word LIMIT 400"
        )
        words = [row[0] for row in cursor.fetchall()]
        # REPEATABLE: the same seed draws the same items, so runs can be compared. Enough
        # of them that most page views in a run are of pages not yet seen (no cache flattery).
        cursor.execute(
            "SELECT meeting_id, position FROM archive_agendaitem "
            "TABLESAMPLE SYSTEM (3) REPEATABLE (%s) ORDER BY id LIMIT 2000",
            [seed],
        )
        items = cursor.fetchall() or []
        if not items:
            cursor.execute(
                "SELECT meeting_id, position FROM archive_agendaitem ORDER BY id LIMIT 2000"
            )
            items = cursor.fetchall()
        cursor.execute("SELECT slug FROM archive_municipality ORDER BY slug LIMIT 100")
        municipalities = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT kle_subject FROM archive_agendaitem ORDER BY 1 LIMIT 50")
        subjects = [row[0] for row in cursor.fetchall() if row[0]]
    if not words or not items:
        raise RuntimeError("Arkivet er tomt: indlæs referater eller kør gen_corpus først.")
    common, rare = words[:40], words[40:] or words
    mix = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.35:
            q = rng.choice(common if rng.random() < 0.4 else rare)
            if rng.random() < 0.2:
                q = f'"{q} {rng.choice(rare)}"'
            params = {"q": q}
            if municipalities and rng.random() < 0.3:
                params["municipality"] = rng.choice(municipalities)
            mix.append((SEARCH, "/soeg/?" + urlencode(params)))
        elif roll < 0.5:
            q = rng.choice(rare) if rng.random() < 0.7 else rng.choice(subjects or rare)
            mix.append((API, "/api/search?" + urlencode({"q": q, "page": rng.choice([1, 1, 2])})))
        elif roll < 0.8:
            meeting, position = rng.choice(items)
            mix.append((PAGE, f"/moeder/{meeting}/punkt/{position}/"))
        elif roll < 0.9:
            meeting, _ = rng.choice(items)
            mix.append((PAGE, f"/moeder/{meeting}/"))
        elif roll < 0.95:
            mix.append((PAGE, "/"))
        else:
            slug = quote(rng.choice(municipalities)) if municipalities else ""
            mix.append((PAGE, f"/kommune/{slug}/" if slug else "/moeder/"))
    return mix


def repeat_share(earlier, mix, kinds) -> float:
    """The share of `mix`'s requests of these kinds already asked (earlier or in `mix`)."""
    seen = {path for kind, path in earlier if kind in kinds}
    asked = [path for kind, path in mix if kind in kinds]
    repeats = 0
    for path in asked:
        repeats += path in seen
        seen.add(path)
    return round(repeats / max(1, len(asked)), 2)


def run(url: str, mix, duration: float, rate: float, workers: int) -> Report:
    """Send the requests at the rate for the duration (open loop) and report what came back."""
    parts = urlsplit(url)
    local = threading.local()

    def fetch(kind, path, start):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": parts.netloc})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            local.conn = None
            status = 0
        return Sample(kind, path, status, (time.perf_counter() - start) * 1000)

    samples = []
    interval = 1 / rate
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        for n in range(int(duration * rate)):
            # Latency counts from when the request was due, not from when a client thread
            # was free to send it: a backlog in the client is the server's slowness too.
            due = started + n * interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(fetch, *mix[n % len(mix)], due))
        samples = [future.result() for future in futures]
    elapsed = time.perf_counter() - started
    return summarize(url, samples, elapsed, rate)


def summarize(url, samples, elapsed, rate) -> Report:
    """The report of a run from its samples."""
    bad = [s for s in samples if not 200 <= s.status < 400]
    searches = [s for s in samples if s.kind in (SEARCH, API)]
    by_kind = {}
    for kind in (SEARCH, API, PAGE):
        chosen = [s.ms for s in samples if s.kind == kind]
        by_kind[kind] = {"requests": len(chosen), **percentiles(chosen)}
    return Report(
        url=url,
        duration_s=round(elapsed, 1),
        target_rate=rate,
        requests=len(samples),
        errors=len(bad),
        throughput_rps=round(len(samples) / elapsed, 1),
        searches_per_s=round(len(searches) / elapsed, 1),
        latency_ms=percentiles([s.ms for s in samples]),
        by_kind=by_kind,
        error_examples=[asdict(s) for s in bad[:10]],
    )


class Gunicorn:
    """gunicorn with the production settings on a free loopback port, for the run only."""

    def __init__(self, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "WEB_CONCURRENCY": str(workers),
            "DATABASE_URL": os.environ["DATABASE_URL"],
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        base = Path(settings.BASE_DIR)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=base,
            env=env,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py",
                "-b", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null",
            ],
            cwd=base,
            env=env,
        )  # fmt: skip
        self._wait()

    def _wait(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn startede ikke")

    def worker_rss_mb(self) -> list[float]:
        import psutil

        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []
        return [round(child.memory_info().rss / 1024 / 1024, 1) for child in children]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def to_json(report: Report, extra: dict) -> str:
    """The report, with the extra figures, as JSON."""
    return json.dumps({**asdict(report), **extra}, ensure_ascii=False, indent=2)
