"""Whole public pages cached under the content version (archive.caching.public_page):
a repeat costs one query, a change to the archive shows at once, and nothing personal or
failed is ever stored."""

import logging

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from archive.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db

MEETING_DATE = "2026-03-26"


def an_item():
    return AgendaItem.objects.filter(meeting_date=MEETING_DATE).order_by("position").first()


@pytest.mark.parametrize(
    "path",
    ["/", "/soeg/?q=budget", "/api/search?q=budget", "/moeder/", "/api/v1/meetings", "item"],
)
def test_a_repeated_page_costs_one_query_and_is_the_same(
    client, seed_archive, django_assert_num_queries, path
):
    path = an_item().get_absolute_url() if path == "item" else path
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the content version
        again = client.get(path)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The security headers come from the middleware, on hits as on misses.
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert again[header] == first[header]


def test_appended_query_parameters_share_the_page_of_a_view_that_reads_none(
    client, seed_archive, django_assert_num_queries
):
    url = an_item().get_absolute_url()
    first = client.get(url + "?utm_source=nyhedsbrev")
    with django_assert_num_queries(1):  # the content version: the same stored page
        again = client.get(url + "?utm_source=facebook&x=1")
    assert again.content == first.content


def test_a_search_with_other_parameters_is_its_own_page(client, seed_archive):
    budget = client.get("/soeg/", {"q": "budget"}).content
    assert client.get("/soeg/", {"q": "skole"}).content != budget


def test_a_new_release_does_not_serve_pages_of_the_old_one(
    client, seed_archive, monkeypatch, django_assert_max_num_queries
):
    from archive import caching

    url = an_item().get_absolute_url()
    client.get(url)
    monkeypatch.setattr(caching, "release", lambda: "a-new-deploy")
    with django_assert_max_num_queries(50) as context:
        client.get(url)
    assert len(context.captured_queries) > 1  # rendered again


def test_the_release_fingerprint_covers_templates(settings, tmp_path):
    from archive import caching

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("før")
    settings.BASE_DIR = tmp_path
    caching.release.cache_clear()
    try:
        before = caching.release()
        page.write_text("efter")
        caching.release.cache_clear()
        assert caching.release() != before
    finally:
        caching.release.cache_clear()


def test_the_view_own_headers_are_kept(client, seed_archive):
    first = client.get("/api/v1/openapi.json")
    again = client.get("/api/v1/openapi.json")
    assert first["Access-Control-Allow-Origin"] == again["Access-Control-Allow-Origin"] == "*"


def test_a_change_shows_on_the_next_request(client, seed_archive):
    item = an_item()
    url = item.get_absolute_url()
    assert item.title in client.get(url).content.decode()
    AgendaItem.objects.filter(pk=item.pk).update(title="Helt ny overskrift")
    # A bulk update sends no signal: the cached page is still served ...
    assert "Helt ny overskrift" not in client.get(url).content.decode()
    # ... until a save, as every ingest and admin change does, moves the version.
    item.refresh_from_db()
    item.save()
    assert "Helt ny overskrift" in client.get(url).content.decode()


def test_an_unpublished_meeting_disappears_at_once(client, seed_archive):
    meeting = Meeting.objects.get(date=MEETING_DATE)
    url = meeting.get_absolute_url()
    assert client.get(url).status_code == 200
    assert meeting.get_absolute_url() in client.get("/moeder/").content.decode()
    meeting.published = False
    meeting.save()
    assert client.get(url).status_code == 404
    assert meeting.get_absolute_url() not in client.get("/moeder/").content.decode()


def test_editors_always_get_a_fresh_page(client, seed_archive, django_assert_max_num_queries):
    client.get("/moeder/")
    client.force_login(User.objects.create_user("redaktoer", is_staff=True))
    with django_assert_max_num_queries(50) as context:
        client.get("/moeder/")
    # The session and user are read, and the page is rendered again.
    assert len(context.captured_queries) > 3


def test_a_page_seen_by_an_editor_is_not_stored_for_readers(
    client, seed_archive, django_assert_max_num_queries
):
    client.force_login(User.objects.create_user("redaktoer", is_staff=True))
    client.get("/moeder/")
    client.logout()
    client.cookies.clear()
    with django_assert_max_num_queries(50) as context:
        client.get("/moeder/")
    assert len(context.captured_queries) > 1


@pytest.mark.parametrize(
    "path,status",
    [
        ("/moeder/999999/", 404),
        # Malformed (an unknown value is an empty result); the municipality is looked up.
        ("/soeg/?municipality=herning&committee=nowhere", 400),
        ("/api/v1/meetings/999999", 404),
    ],
)
def test_errors_are_not_stored(client, seed_archive, path, status, django_assert_max_num_queries):
    assert client.get(path).status_code == status
    with django_assert_max_num_queries(50) as context:
        assert client.get(path).status_code == status
    # More than the content version: the view ran again.
    assert len(context.captured_queries) > 1


def test_pages_are_served_when_the_cache_is_down(client, seed_archive):
    warnings = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = warnings.append
    logger = logging.getLogger("archive.caching")
    logger.addHandler(handler)
    down = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
    try:
        # Nothing listens on port 1: every cache call is refused at once.
        with override_settings(CACHES={"default": down | {"LOCATION": "redis://127.0.0.1:1/0"}}):
            assert isinstance(caches["default"], RedisCache)
            first = client.get(an_item().get_absolute_url())
            again = client.get(an_item().get_absolute_url())
    finally:
        logger.removeHandler(handler)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert any(record.getMessage() == "cache unavailable" for record in warnings)


@pytest.mark.parametrize("path", ["/soeg/?q=budget", "/api/v1/search?q=budget", "/moeder/"])
def test_with_the_cache_off_every_request_reads_the_database(client, seed_archive, settings, path):
    # What the benchmark's uncached rows measure: a search nobody made before.
    settings.ARCHIVE_CACHE = False
    first = client.get(path)
    with CaptureQueriesContext(connection) as again:
        assert client.get(path).content == first.content
    assert len(again) > 2
    assert caches["default"]._cache == {}


def test_the_cache_status_header_is_only_given_when_asked_for(client, seed_archive, settings):
    # Off by default: "hit" would tell anyone that someone else just searched for this.
    assert "X-Cache" not in client.get("/soeg/", {"q": "budget"})
    settings.CACHE_STATUS_HEADER = True
    assert client.get("/soeg/", {"q": "skole"})["X-Cache"] == "miss"
    again = client.get("/soeg/", {"q": "skole"})
    assert again["X-Cache"] == "hit"
    # The stored copy never carries the header of the request that stored it.
    settings.CACHE_STATUS_HEADER = False
    assert "X-Cache" not in client.get("/soeg/", {"q": "skole"})
