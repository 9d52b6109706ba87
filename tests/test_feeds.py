"""Atom feeds, read with a real feed parser: new meetings per municipality and committee,
a case's items, and any search as a subscription that agrees with the search itself."""

import datetime
import re
from urllib.parse import urlencode

import feedparser
import pytest
from django.utils import timezone

from archive.models import Committee, Meeting, SourceDocument
from tests import factories

pytestmark = pytest.mark.django_db

CASE = "00.00.00-P19-1719-10"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def assert_valid_atom(feed, self_url):
    """What RFC 4287 requires of a feed and its entries (feedparser is lenient)."""
    assert feed.feed.title and feed.feed.id and feed.feed.updated_parsed
    assert feed.feed.author == "Referatarkiv"
    assert feed.feed.language == "da"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "http://testserver" + self_url
    assert links["alternate"].startswith("http://testserver/")
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids))
    for entry in feed.entries:
        assert entry.title and entry.link.startswith("http://testserver/")
        assert entry.id == entry.link
        assert entry.updated_parsed and entry.published_parsed and entry.author


def test_municipality_feed_lists_its_meetings_newest_in_archive_first(client, all_samples):
    # Make the order of arrival differ from the order of meeting dates.
    meetings = Meeting.objects.filter(committee__municipality__slug="herning").order_by("date")
    base = timezone.now() - datetime.timedelta(days=10)
    for days, meeting in zip([3, 1, 2, 0], meetings, strict=True):
        Meeting.objects.filter(pk=meeting.pk).update(created=base + datetime.timedelta(days=days))
    feed = parse(client, "/kommune/herning/feed")
    assert_valid_atom(feed, "/kommune/herning/feed")
    assert feed.feed.title == "Nye møder: Herning Kommune"
    dates = [re.search(r"\d\d\.\d\d\.\d{4}", entry.title)[0] for entry in feed.entries]
    assert dates == ["22.03.2018", "16.09.2025", "24.05.2022", "26.03.2026"]
    first = feed.entries[0]
    assert first.title == "Referat: Beskæftigelsesudvalget 22.03.2018"
    assert first.link == "http://testserver" + meetings[0].get_absolute_url()
    assert first.author == "Herning Kommune"
    assert [tag.term for tag in first.tags] == ["Beskæftigelsesudvalget"]
    # The summary lists the meeting's items, escaped as HTML.
    assert "<ol><li>Tema om indsatsen for unge" in first.summary
    assert first.summary.count("<li>") == 10


def test_committee_feed_has_only_that_committee(client, seed_archive):
    committee = Committee.objects.get(municipality__slug="herlev")
    url = f"/kommune/herlev/{committee.slug}/feed"
    feed = parse(client, url)
    assert_valid_atom(feed, url)
    assert len(feed.entries) == 1
    assert feed.entries[0].link.endswith(
        Meeting.objects.get(committee=committee).get_absolute_url()
    )
    assert client.get("/kommune/herlev/nope/feed").status_code == 404
    assert client.get("/kommune/atlantis/feed").status_code == 404


def test_search_feed_is_the_search_newest_first(client, seed_archive):
    query = urlencode({"q": "hjemløse", "municipality": "herning"})
    feed = parse(client, f"/soeg/feed?{query}")
    assert_valid_atom(feed, f"/soeg/feed?{query}")
    api = client.get(f"/api/v1/search?{query}&sort=date&page_size=50").json()
    assert [entry.link for entry in feed.entries] == [row["web"] for row in api["results"]]
    assert len(feed.entries) == 4
    assert feed.feed.title == "Søgning i Referatarkiv: hjemløse"
    # The alternate link is the same search as a page; the feed id is the feed's own address.
    assert feed.feed.link == f"http://testserver/soeg/?{query}"
    assert feed.feed.id == f"http://testserver/soeg/feed?{query}"
    first = feed.entries[0]
    assert first.title.startswith("Punkt 26: ")
    # The hits highlighted as on the search page, with a tag feed readers keep.
    assert "<strong>hjemløseområdet</strong>" in first.summary
    assert "Herning Kommune · Beskæftigelsesudvalget · 26. marts 2026" in first.summary


def test_search_feed_follows_new_items(client, seed_archive, clock):
    before = parse(client, "/soeg/feed?q=budget")
    SourceDocument.objects.filter(meeting__date="2026-03-26").delete()
    Meeting.objects.filter(date="2026-03-26").delete()
    without = parse(client, "/soeg/feed?q=budget")  # a deletion: at once
    assert len(without.entries) < len(before.entries)
    factories.seed_meeting("000")  # the meeting of 26 March 2026 arrives (again)
    clock[0] += 61  # new minutes: within a minute (archive/caching.py)
    after = parse(client, "/soeg/feed?q=budget")
    assert [e.title for e in after.entries] == [e.title for e in before.entries]


def test_search_feed_escapes_and_survives_odd_queries(client, seed_archive):
    feed = parse(client, "/soeg/feed?" + urlencode({"q": "<script>alert(1)</script>"}))
    assert feed.entries == []
    assert feed.feed.title == "Søgning i Referatarkiv: <script>alert(1)</script>"
    assert b"<script>" not in client.get("/soeg/feed?q=%3Cscript%3E").content
    stop_words = parse(client, "/soeg/feed?q=og+i+at")
    assert stop_words.entries == [] and "almindelige ord" in stop_words.feed.subtitle
    everything = parse(client, "/soeg/feed")
    assert len(everything.entries) == 50  # the newest 50 of 54 items


def test_search_feed_rejects_bad_parameters_with_json(client, seed_archive):
    response = client.get("/soeg/feed?q=x&committee=herning&date_from=nope")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"committee", "date_from"}


def test_case_feed(client, seed_archive):
    feed = parse(client, f"/sag/{CASE}/feed")
    assert_valid_atom(feed, f"/sag/{CASE}/feed")
    assert feed.feed.title == f"Sag {CASE}"
    case = client.get(f"/api/v1/cases/{CASE}").json()  # oldest first
    assert [e.link for e in feed.entries] == [row["web"] for row in reversed(case["items"])]
    assert len(feed.entries) == 3
    assert client.get("/sag/99.99.99-A00-1-20/feed").status_code == 404


def test_pages_link_to_their_feeds(client, seed_archive):
    herlev = Committee.objects.get(municipality__slug="herlev")
    pages = {
        "/kommune/herning/": "/kommune/herning/feed",
        herlev.get_absolute_url(): herlev.get_absolute_url() + "feed",
        Meeting.objects.get(committee=herlev).get_absolute_url(): herlev.get_absolute_url()
        + "feed",
        "/soeg/?q=hjeml%C3%B8se&municipality=herning": "/soeg/feed?q=hjeml%C3%B8se&amp;"
        "municipality=herning",
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', html)
        assert link and f'href="{feed}"' in link[0], page
        parse(client, feed.replace("&amp;", "&"))
