"""Being found and cited: sitemap.xml, robots.txt, the OpenSearch description, and the
citation on each agenda item (with the source's SHA-256, copyable without JavaScript)."""

import hashlib
import html
import re
from urllib.parse import quote

import pytest
from defusedxml import ElementTree

from archive.models import AgendaItem, Meeting, SourceDocument
from ingest.store import ingest_bytes

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def sitemap_urls(client):
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == SITEMAP + "sitemapindex"
    urls, lastmods = [], {}
    for section in index.iter(SITEMAP + "loc"):
        path = section.text.removeprefix("http://testserver")
        document = ElementTree.fromstring(client.get(path).content)
        for url in document.iter(SITEMAP + "url"):
            loc = url.find(SITEMAP + "loc").text
            urls.append(loc)
            lastmod = url.find(SITEMAP + "lastmod")
            lastmods[loc] = lastmod.text if lastmod is not None else None
    return urls, lastmods


def test_sitemap_lists_every_public_meeting_and_item(client, seed_archive):
    hidden = Meeting.objects.get(date="2026-03-25")
    hidden.published = False
    hidden.save()
    urls, lastmods = sitemap_urls(client)
    expected = {
        "http://testserver" + obj.get_absolute_url()
        for obj in [
            *Meeting.objects.filter(published=True),
            *AgendaItem.objects.public(),
        ]
    }
    assert expected <= set(urls)
    assert len(urls) == len(set(urls))
    assert not any(f"/moeder/{hidden.pk}/" in url for url in urls)
    assert "http://testserver/kommune/herning/" in urls
    meeting = Meeting.objects.get(date="2026-03-26")
    item_url = "http://testserver" + meeting.items.get(position=1).get_absolute_url()
    assert lastmods[item_url] == meeting.modified.date().isoformat()
    for url in urls[:5] + urls[-5:]:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_sitemap_is_paginated_past_its_page_size(client, seed_archive, monkeypatch):
    from archive import sitemaps

    monkeypatch.setattr(sitemaps.ItemSitemap, "limit", 20)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-punkter.xml?p=3" in index  # 54 items, 20 a page
    all_urls, _ = sitemap_urls(client)
    assert len([u for u in all_urls if "/punkt/" in u]) == 54


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/soeg/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /moeder/" not in lines and "Disallow: /" not in lines


def test_opensearch_description(client, seed_archive):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == OPENSEARCH + "OpenSearchDescription"
    assert root.find(OPENSEARCH + "ShortName").text == "Referatarkiv"
    templates = {url.get("type"): url.get("template") for url in root.iter(OPENSEARCH + "Url")}
    assert templates["text/html"] == "http://testserver/soeg/?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://testserver/soeg/feed?q={searchTerms}"
    # What a browser does with it: fill in the terms and fetch.
    for kind in ("text/html", "application/atom+xml", "application/json"):
        url = templates[kind].replace("{searchTerms}", quote("hjemløse"))
        url = url.replace("{startPage?}", "1").removeprefix("http://testserver")
        assert client.get(url).status_code == 200, kind
    page = client.get("/").content.decode()
    assert re.search(
        r'<link rel="search" type="application/opensearchdescription\+xml" '
        r'title="Referatarkiv" href="/opensearch.xml">',
        page,
    )


def citation_of(page: str) -> str:
    match = re.search(r'<p class="citation-text" id="citat">(.*?)</p>', page, re.S)
    assert match, "no citation block"
    return html.unescape(match[1])


def test_item_page_has_a_citation(client, seed_archive):
    item = AgendaItem.objects.get(number=25, meeting_date="2026-03-25")
    source = SourceDocument.objects.get(meeting=item.meeting_id)
    page = client.get(item.get_absolute_url()).content.decode()
    assert citation_of(page) == (
        "Herlev Kommune, Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget, "
        "møde 25. marts 2026, punkt 25: »Indsatser til håndtering af udgiftsudvikling i "
        "Myndighed Handicap & Psykiatri«. Sagsnr. 00.01.00A00-29-25. "
        f"http://testserver{item.get_absolute_url()} (kildedokument SHA-256: {source.sha256})"
    )
    assert source.sha256 == hashlib.sha256(bytes(source.original)).hexdigest()
    # The API gives the very same text.
    api = client.get(f"/api/v1/meetings/{item.meeting_id}/items/{item.position}").json()
    assert api["citation"] == citation_of(page)


def test_citation_copy_works_without_script(client, seed_archive):
    item = AgendaItem.objects.get(number=25, meeting_date="2026-03-25")
    page = client.get(item.get_absolute_url()).content.decode()
    # The button only appears when the script runs; the text is plain, selectable text.
    button = re.search(r"<button[^>]*data-copy-target=\"citat\"[^>]*>", page)[0]
    assert " hidden" in button
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/js/copy.js" defer>']  # no inline script
    assert "<script>" not in page and "onclick" not in page
    script = client.get("/static/js/copy.js")
    assert script.status_code == 200
    assert b"data-copy-target" in b"".join(script.streaming_content)


def test_citation_follows_a_corrected_source(client, all_samples, sample_bytes):
    item = AgendaItem.objects.get(number=25, meeting_date="2026-03-25")
    corrected = sample_bytes("003") + b"\nRettet udgave.\n"
    ingest_bytes(corrected, file_name="003_rettet.txt", replace=True)
    page = client.get(item.get_absolute_url()).content.decode()
    assert citation_of(page).endswith(f"SHA-256: {hashlib.sha256(corrected).hexdigest()})")
    assert SourceDocument.objects.filter(meeting=item.meeting_id).count() == 2


def test_citation_without_number_or_case(client, seed_archive):
    item = AgendaItem.objects.filter(meeting_date="2018-03-22").first()
    item.case_number = ""
    item.save()
    assert item.number is None
    page = client.get(item.get_absolute_url()).content.decode()
    text = citation_of(page)
    assert "punkt" not in text.split("»")[0] and "Sagsnr." not in text
    assert f"»{item.title}«" in text
