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
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import connection

from perf import querylog

# Request classes: two kinds of search and four kinds of page.
SEARCH = "search"
API = "api"
HOME = "home"
MEETING = "meeting"
ITEM = "item"
COMMITTEE = "committee"
SEARCHES = (SEARCH, API)
PAGES = (HOME, MEETING, ITEM, COMMITTEE)
# The share of each class in the traffic (a site whose readers mostly search and read items).
SHARES = ((SEARCH, 0.35), (API, 0.15), (ITEM, 0.30), (MEETING, 0.10), (COMMITTEE, 0.05))
SHARES += ((HOME, 0.05),)


# A request that a client thread gets to only this late is not sent but counted as an error,
# so an overloaded server makes a failed run of about the planned length, not an endless one.
GIVE_UP_S = 30


@dataclass
class Sample:
    kind: str
    path: str
    status: int
    ms: float
    cache: str = ""  # "hit", "miss" or "" (the page is never cached)


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
    by_group: dict = field(default_factory=dict)
    cache_hit_rate: dict = field(default_factory=dict)
    error_examples: list = field(default_factory=list)
    slowest: list = field(default_factory=list)


def percentiles(values):
    """p50, p95, p99 and max of the values, rounded."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(p):
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": round(ordered[-1], 1)}


@dataclass
class ArchiveSample:
    """What the requests are drawn from: the archive's own words, items and committees."""

    words: list
    items: list
    municipalities: list
    committees: list


def archive_sample(seed: int) -> ArchiveSample:
    """The archive's 3,000 commonest words and 2,000 items drawn across the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM archive_term WHERE stem <> '' AND length(word) > 4 "
            "ORDER BY frequency DESC, word LIMIT 3000"
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
        cursor.execute(
            "SELECT m.slug, c.slug FROM archive_committee c JOIN archive_municipality m "
            "ON m.id = c.municipality_id ORDER BY c.id LIMIT 2000"
        )
        committees = cursor.fetchall()
    if not words or not items:
        raise RuntimeError("Arkivet er tomt: indlæs referater eller kør gen_corpus først.")
    return ArchiveSample(words, items, municipalities, committees)


def request_mix(sample: ArchiveSample, log, seed: int, size: int, zipf_s=querylog.ZIPF_S):
    """(kind, path) pairs in the class shares; searches drawn from the log by Zipf's law."""
    rng = random.Random(seed)
    kinds = rng.choices([k for k, _ in SHARES], weights=[w for _, w in SHARES], k=size)
    queries = iter(querylog.draw(log, size, rng, zipf_s))
    return [(kind, _path(kind, sample, queries, rng)) for kind in kinds]


def _path(kind, sample, queries, rng) -> str:
    if kind == SEARCH:
        return next(queries).html_path()
    if kind == API:
        return next(queries).api_path()
    if kind == ITEM:
        meeting, position = rng.choice(sample.items)
        return f"/moeder/{meeting}/punkt/{position}/"
    if kind == MEETING:
        return f"/moeder/{rng.choice(sample.items)[0]}/"
    if kind == COMMITTEE and sample.committees:
        municipality, committee = rng.choice(sample.committees)
        return f"/kommune/{quote(municipality)}/{quote(committee)}/"
    return "/"


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

    def get(path):
        # A kept-alive connection the server has closed while idle (gunicorn's keepalive)
        # fails before any answer: a browser sends again on a new one, and so do we, once.
        for fresh in (False, True):
            reused = getattr(local, "conn", None) is not None and not fresh
            if not reused:
                local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                local.conn.request("GET", path, headers={"Host": parts.netloc})
                response = local.conn.getresponse()
                response.read()
                return response.status, response.getheader("X-Cache", "")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                local.conn.close()
                if not reused:
                    break
            except (OSError, http.client.HTTPException):
                local.conn.close()
                break
        local.conn = None
        return 0, ""

    def fetch(kind, path, start):
        if time.perf_counter() - start > GIVE_UP_S:
            # A backlog this deep will not drain: count it as failed, and end on time.
            return Sample(kind, path, 0, (time.perf_counter() - start) * 1000)
        status, cache = get(path)
        return Sample(kind, path, status, (time.perf_counter() - start) * 1000, cache)

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
    searches = [s for s in samples if s.kind in SEARCHES]
    by_kind = {kind: figures(samples, (kind,)) for kind in (*SEARCHES, *PAGES)}
    groups = {"searches": SEARCHES, "pages": PAGES}
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
        by_group={name: figures(samples, kinds) for name, kinds in groups.items()},
        cache_hit_rate={"all": hit_rate(samples)}
        | {
            name: hit_rate([s for s in samples if s.kind in kinds])
            for name, kinds in groups.items()
        },
        error_examples=[asdict(s) for s in bad[:10]],
        # What to look at first when a target is missed.
        slowest=[asdict(s) for s in sorted(samples, key=lambda s: -s.ms)[:10]],
    )


def figures(samples, kinds) -> dict:
    """Count, percentiles, errors and cache hit rate of the samples of these classes."""
    chosen = [s for s in samples if s.kind in kinds]
    errors = sum(not 200 <= s.status < 400 for s in chosen)
    latency = percentiles([s.ms for s in chosen])
    return {"requests": len(chosen), "errors": errors, **latency, "hit_rate": hit_rate(chosen)}


def hit_rate(samples) -> float | None:
    """The share of cacheable responses the server's cache answered (its X-Cache header)."""
    told = [s.cache for s in samples if s.cache]
    return round(told.count("hit") / len(told), 3) if told else None


class Gunicorn:
    """gunicorn with the production settings on a free loopback port, for the run only."""

    def __init__(self, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = production_env() | {"WEB_CONCURRENCY": str(workers)}
        # Each page says whether the cache answered: the hit rate in the report.
        env["CACHE_STATUS_HEADER"] = "1"
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


def production_env() -> dict:
    """The environment of a production process on this machine's archive database."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


class IngestFeed:
    """`manage.py ingest_feed` in its own process: new meetings while the load runs."""

    def __init__(self, every: float, duration: float, json_path: Path):
        self.json_path = json_path
        command = [sys.executable, "manage.py", "ingest_feed", "--every", str(every)]
        command += ["--duration", str(duration), "--json", str(json_path)]
        # Production settings, plus this app so that its command exists.
        env = production_env() | {"PERF_APP": "1"}
        self.process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL
        )

    def result(self, timeout: float) -> dict:
        """Its figures, once it has finished its last meeting."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if not self.json_path.exists():
            return {"meetings": 0, "failed": 1, "failures": ["ingest_feed gav ingen tal"]}
        return json.loads(self.json_path.read_text())

    def stop(self):
        """End it now (a run that failed); a finished one is left as it is."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def to_json(report: Report, extra: dict) -> str:
    """The report, with the extra figures, as JSON."""
    return json.dumps({**asdict(report), **extra}, ensure_ascii=False, indent=2)
