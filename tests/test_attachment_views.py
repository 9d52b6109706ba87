"""The bilag on the public side, built with the factories: the download view (type, name,
nosniff, ETag/304, never for closed items or withdrawn meetings), the item page's file
list, the attachments-only scope in the form and the API, and search weights."""

import hashlib

import pytest
from django.urls import reverse

from archive.attachments import refresh_attachment_text
from archive.models import Attachment, AttachmentPage, StoredFile
from tests import factories
from tests.conftest import FIXTURES

PDF = (FIXTURES / "esdh" / "edoc-ballerup-2012-12-04" / "1548227.PDF").read_bytes()


def stored(data, content_type="application/pdf", **fields):
    return StoredFile.objects.create(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        data=data,
        **fields,
    )


def bilag(item, name, file=None, **fields):
    return Attachment.objects.create(
        meeting=item.meeting,
        item=item,
        source=item.meeting.sources.first(),
        name=name,
        file=file,
        position=Attachment.objects.filter(meeting=item.meeting).count(),
        **fields,
    )


@pytest.fixture
def meeting(db):
    meeting = factories.meeting()
    factories.source(meeting)
    return meeting


@pytest.mark.django_db
def test_a_bilag_is_served_with_its_type_name_nosniff_and_an_etag(client, meeting):
    item = factories.item(meeting)
    link = bilag(item, 'Notat "om" /budget', stored(PDF))
    url = reverse("archive:attachment_file", args=[link.pk])
    assert url == f"/bilag/{link.pk}/fil"
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Notat om budget.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert (again.status_code, again.content) == (304, b"")


@pytest.mark.django_db
def test_a_file_a_browser_would_run_is_only_ever_a_download(client, meeting):
    item = factories.item(meeting)
    page = b"<html><script>alert(1)</script></html>"
    link = bilag(item, "dagsorden.html", stored(page, "text/html"))
    response = client.get(reverse("archive:attachment_file", args=[link.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="dagsorden.html"'
    word = bilag(item, "Kulturkommune 2017", stored(b"PK\x03\x04word", "application/msword"))
    response = client.get(reverse("archive:attachment_file", args=[word.pk]))
    assert response["Content-Type"] == "application/msword"
    assert response["Content-Disposition"] == 'attachment; filename="Kulturkommune 2017.doc"'


@pytest.mark.django_db
def test_no_file_of_a_closed_item_or_a_withdrawn_meeting_is_served(client, meeting):
    closed = bilag(factories.item(meeting, closed=True), "Fortroligt.pdf", stored(PDF))
    assert client.get(reverse("archive:attachment_file", args=[closed.pk])).status_code == 404
    other = factories.meeting(date="2026-03-01", published=False)
    factories.source(other, data=b"ANDET REFERAT\n")
    copy = PDF + b"\n"
    withdrawn = bilag(factories.item(other), "Notat.pdf", stored(copy))
    assert client.get(reverse("archive:attachment_file", args=[withdrawn.pk])).status_code == 404
    # Not even the ETag check tells that the file exists.
    response = client.get(
        reverse("archive:attachment_file", args=[withdrawn.pk]),
        HTTP_IF_NONE_MATCH=f'"{hashlib.sha256(copy).hexdigest()}"',
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_item_page_lists_its_files_with_size_pages_type_and_text_state(client, meeting):
    item = factories.item(meeting, attachments=["Budgetnotat", "Høringssvar", "Kort"])
    read = bilag(item, "Budgetnotat", stored(PDF, page_count=1, text_status="layer"))
    bilag(item, "Høringssvar", stored(b"%PDF-1.4 scan", page_count=3, text_status="none"))
    bilag(item, "Kort", url="https://dagsordener.greve.dk/vis/pdf/bilag/1234")
    response = client.get(item.get_absolute_url())
    html = response.content.decode()
    assert f'<a href="/bilag/{read.pk}/fil">Budgetnotat</a>' in html
    assert "PDF · 97,1 KB · 1 side</span>" in html.replace("\xa0", " ")
    assert "PDF · 13 bytes · 3 sider</span>" in html.replace("\xa0", " ")
    assert '<span class="badge">tekst ikke genkendt</span>' in html
    assert (
        '<a href="https://dagsordener.greve.dk/vis/pdf/bilag/1234" rel="external noopener">'
        'Kort</a> <span class="muted">(hos udgiveren)</span>'
    ) in html


@pytest.mark.django_db
def test_the_item_page_costs_one_query_more_for_its_files(
    client, meeting, django_assert_num_queries
):
    item = factories.item(meeting)
    bilag(item, "Budgetnotat", stored(PDF, page_count=1, text_status="layer"))
    # The content version, the item with its source, the case history is skipped (no case
    # number), the neighbours, and the files.
    with django_assert_num_queries(4):
        assert client.get(item.get_absolute_url()).status_code == 200


def with_bilag_text(item, name, text, *, ocr=False):
    file = stored(text.encode(), text=text, page_count=1, text_status="ocr" if ocr else "layer")
    AttachmentPage.objects.create(file=file, number=1, text=text, ocr=ocr)
    bilag(item, name, file)
    refresh_attachment_text([item.pk])
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_attachment_text_weighs_below_the_item_s_own_text_and_has_its_own_scope(client, meeting):
    own = factories.item(meeting, title="Skolestruktur", case_text="Om vejbump ved skolen.")
    other = factories.item(meeting, title="Trafikplan")
    with_bilag_text(other, "Notat om vejbump", "Borgerne ønsker vejbump og vejbump og vejbump.")
    response = client.get("/api/v1/search", {"q": "vejbump"})
    assert [hit["title"] for hit in response.json()["results"]] == ["Skolestruktur", "Trafikplan"]
    response = client.get("/api/v1/search", {"q": "vejbump", "scope": "attachments"})
    (hit,) = response.json()["results"]
    assert hit["title"] == "Trafikplan"
    assert hit["attachment"] == {
        "name": "Notat om vejbump",
        "page": 1,
        "url": hit["attachment"]["url"],
        "recognised": False,
        "snippet": "Borgerne ønsker «vejbump» og «vejbump» og «vejbump»",
        "snippet_html": "Borgerne ønsker <mark>vejbump</mark> og <mark>vejbump</mark> og "
        "<mark>vejbump</mark>",
    }
    assert hit["attachment"]["url"].endswith("/fil#page=1")
    assert own.attachment_text == ""


@pytest.mark.django_db
def test_a_bilag_snippet_is_escaped_before_its_marks(client, meeting):
    item = factories.item(meeting, title="Trafikplan")
    text = "Vejbump & fortov < 7 m <img src=x onerror=alert(1)> foreslås."
    with_bilag_text(item, "<b>Notat</b>", text, ocr=True)
    html = client.get("/soeg/", {"q": "vejbump", "scope": "attachments"}).content.decode()
    assert "&lt;b&gt;Notat&lt;/b&gt;, side 1</a>" in html
    assert (
        "<mark>Vejbump</mark> &amp; fortov &lt; 7 m &lt;img src=x onerror=alert(1)&gt; foreslås"
    ) in html
    assert "<img src=x" not in html
    assert '<span class="badge">tekst genkendt (OCR)</span>' in html


@pytest.mark.django_db
def test_closed_items_get_no_attachment_text(meeting):
    item = factories.item(meeting, closed=True)
    assert with_bilag_text(item, "Fortroligt", "Hemmeligt vejbump.").attachment_text == ""


@pytest.mark.django_db
def test_the_search_form_and_the_openapi_document_offer_the_attachments_scope(client):
    html = client.get("/soeg/").content.decode()
    assert '<option value="attachments">Kun bilag</option>' in html
    document = client.get("/api/v1/openapi.json").json()
    scope = document["components"]["parameters"]["scope"]["schema"]["anyOf"][0]
    assert scope == {"type": "string", "enum": ["all", "decisions", "titles", "attachments"]}
    assert client.get("/api/v1/search", {"q": "x", "scope": "bilag"}).status_code == 400


@pytest.mark.django_db
def test_an_editor_s_bilag_stays_on_its_item_through_a_reparse():
    from ingest import attachments, sources, store
    from ingest.readers import attachment as reader

    publication = FIXTURES / "esdh" / "sbsys-publication-ballerup-2013-05-15.zip"
    (parsed,) = sources.read(sources.discover([publication])[0], municipality="Ballerup")
    stored_ = store.store(parsed, parsed.original)
    item = stored_.meeting.items.get(number=3)
    link, new = attachments.add_to_item(item, "Ekstra notat.pdf", PDF, user=None)
    assert new is True
    assert attachments.save_text(link.file_id, reader.read_text_layer(PDF)) == "layer"
    item.refresh_from_db()
    assert item.attachment_text.startswith("Ekstra notat.pdf\n\nSOCIAL, SUNDHED OG BESKÆFTIGELSE")

    store.reparse(stored_.source)
    link.refresh_from_db()
    assert (link.item.number, link.item.title) == (3, item.title)
    assert link.item.pk != item.pk  # the items were written anew ...
    assert link.item.attachment_text == item.attachment_text  # ... and got the text again
