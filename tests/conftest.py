"""Shared fixtures: they return small factories rather than fixed objects."""

import os
import shutil
from pathlib import Path

import pytest

from ingest.store import ingest_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def counts():
    """(municipalities, committees, meetings, items, source documents) in the archive."""
    from archive.models import AgendaItem, Committee, Meeting, Municipality, SourceDocument

    return (
        Municipality.objects.count(),
        Committee.objects.count(),
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        SourceDocument.objects.count(),
    )


def sample_path(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*"))


@pytest.fixture
def sample_bytes():
    """sample_bytes("003") -> the bytes of samples/003_*.txt."""
    return lambda prefix: sample_path(prefix).read_bytes()


@pytest.fixture
def ingest_sample(db, sample_bytes):
    """ingest_sample("000") stores a seed through the real ingest path."""

    def ingest(prefix, **kwargs):
        return ingest_bytes(sample_bytes(prefix), file_name=sample_path(prefix).name, **kwargs)

    return ingest


@pytest.fixture
def all_samples(ingest_sample):
    """The five seeds through the real parser: for ingest tests and one end-to-end test of
    each page, API, feed and export module."""
    return [ingest_sample(p) for p in ("000", "001", "002", "003", "004")]


@pytest.fixture
def seed_archive(db):
    """The five seed meetings built from tests/fixtures/seed_archive.json, without the
    parser (tests/factories.py): for view, API, feed, export and search tests."""
    from tests import factories

    return factories.seed_archive()


@pytest.fixture
def seed_archive_committed(transactional_db):
    """The seed meetings stored for real (committed), for tests that look from other sessions."""
    from tests import factories

    return factories.seed_archive()


@pytest.fixture(autouse=True)
def danish_first():
    """Each test starts in Danish: a request to /en/… leaves English active in the thread
    (LocaleMiddleware activates the language and nothing deactivates it)."""
    from django.utils import translation

    translation.activate("da")
    yield
    translation.activate("da")


@pytest.fixture(autouse=True)
def empty_cache():
    """Compound expansions are cached; each test starts cold so query counts are stable."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def all_samples_committed(transactional_db, sample_bytes):
    """The seeds stored for real (committed), for tests that look from other sessions."""
    return [
        ingest_bytes(sample_bytes(p), file_name=sample_path(p).name)
        for p in ("000", "001", "002", "003", "004")
    ]


@pytest.fixture
def test_database_url():
    """A DATABASE_URL for the test database, for subprocesses (gunicorn, crashing ingests)."""
    from django.db import connection

    from config.embedded_db import url_from_params

    return url_from_params(connection.get_connection_params())


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a login; tests that log in often need not pay it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Browser tests (headless Chromium through Playwright) -------------------------------
# The system's Chromium when there is one (`make test` installs Debian's when it may), else
# Playwright's own download.

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path():
    return (
        os.environ.get("CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or None  # Playwright's own download
    )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def new_page(browser, locale, viewport):
    """A page in a fresh context that fails the test on any uncaught JavaScript error."""
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


@pytest.fixture
def clock(monkeypatch, settings):
    """The cache's clock, moved on by hand; new minutes may wait a minute to show."""
    settings.CACHE_ADDITIONS_SECONDS = 60
    now = [1_000_000.0]
    from archive import caching

    monkeypatch.setattr(caching, "now", lambda: now[0])
    return now
