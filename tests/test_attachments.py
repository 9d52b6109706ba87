"""Searchable attachments (docs/attachments.md): the real ESDH exports and their bilag read by
the real job queue (a worker in-process, or a real worker process killed mid-OCR), scanned
pages made from real pages and recognised by the real Tesseract, PDF bombs, the download
view, the item page and the editors' upload."""

import contextlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import psutil
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from archive.models import AgendaItem, Attachment, AttachmentPage, StoredFile
from ingest import attachments, tasks
from ingest.readers import attachment as reader
from jobs.recovery import retry_stalled_now, run_until_idle
from tests import alerts_support as support
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.django_db(transaction=True)

ESDH = FIXTURES / "esdh"
EDOC = ESDH / "edoc-ballerup-2012-12-04"
ACADRE = ESDH / "acadre-syddjurs-2013-06-20"
PUBLICATION = ESDH / "sbsys-publication-ballerup-2013-05-15.zip"
NATIVE = ESDH / "sbsys-native-lyngby-taarbaek-2016-03-31.tar.gz"
# A real bilag (eDoc, Ballerup): its first page is the scanned page of the OCR tests.
TORVEVEJ = EDOC / "1548285.PDF"
SAPA = "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)"


@pytest.fixture(autouse=True)
def empty_queue():
    support.clear_queue()
    yield
    support.clear_queue()


def search(client, q, scope="attachments"):
    response = client.get("/api/v1/search", {"q": q, "scope": scope})
    assert response.status_code == 200
    return response.json()


def hits(data):
    return [
        (hit["title"], hit["attachment"] and (hit["attachment"]["name"], hit["attachment"]["page"]))
        for hit in data["results"]
    ]


def scanned_pdf(source: Path, pages: list[int], dpi: int = 150) -> bytes:
    """Real pages rendered to images (pdftoppm) and put in a PDF of images only, as a scanner
    would make it."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        images = []
        for number in pages:
            root = f"{folder}/page{number}"
            subprocess.run(
                ["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray"]
                + ["-png", "-singlefile", str(source), root],
                check=True,
            )
            images.append(Image.open(root + ".png").convert("L"))
        out = io.BytesIO()
        images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def inflating_pdf(inflated_bytes: int) -> bytes:
    """A one-page PDF whose content stream is a few KB of Flate data that inflates to
    `inflated_bytes`: a decompression bomb."""
    stream = zlib.compress(b" " * inflated_bytes, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = io.BytesIO(b"%PDF-1.4\n"), []
    out.seek(0, 2)
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (5, xref))
    return out.getvalue()


def ingest(path, municipality):
    call_command("ingest", str(path), "--municipality", municipality)


def item_titled(title) -> AgendaItem:
    return AgendaItem.objects.get(title=title)


# --- A word only a bilag has finds the bilag and its item, on each ESDH system ------------


@pytest.mark.parametrize(
    "path, municipality, word, title, name, page",
    [
        (
            EDOC,
            "Ballerup",
            "venteliste",
            "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013",
            "Forslag til takstreduktion aflastningstilbuddet Torvevej 2013",
            1,
        ),
        (PUBLICATION, "Ballerup", "klangbund", SAPA, "Brev fra KL til Kommunalbestyrelsen "
         "vedr Monopolbrud", 3),
        (NATIVE, "Lyngby-Taarbæk", "flæskesteg", "Test af lukket overskrift", "test", 6),
        (
            ACADRE,
            "Syddjurs",
            "kystmiljø",
            "Kulturkommune 2017. Politiske fokusområder",
            "Politik for Kultur og Fritid - Lokalt engagement, Godkendt af byrådet 300409.pdf",
            11,
        ),
    ],
)  # fmt: skip
def test_a_word_only_in_a_bilag_finds_the_bilag_and_its_page_on_each_esdh_system(
    client, path, municipality, word, title, name, page
):
    ingest(path, municipality)
    # Stored and queued, not read: the ingest reads no attachment's text itself.
    assert set(StoredFile.objects.values_list("text_status", flat=True)) == {"pending"}
    assert search(client, word, scope="all")["count"] == 0
    run_until_idle()

    data = search(client, word)
    assert hits(data) == [(title, (name, page))]
    hit = data["results"][0]["attachment"]
    link = Attachment.objects.get(name=name, item__title=title)
    assert hit["url"] == f"http://testserver/bilag/{link.pk}/fil#page={page}"
    assert hit["recognised"] is False
    assert f"<mark>{word.capitalize()}</mark>" in hit["snippet_html"].replace(
        f"<mark>{word}</mark>", f"<mark>{word.capitalize()}</mark>"
    )
    assert "«" in hit["snippet"] and "<" not in hit["snippet"].replace("<mark>", "")
    # Searching all text finds it too, and the page of results names the bilag and page.
    assert hits(search(client, word, scope="all")) == [(title, (name, page))]
    html = client.get("/soeg/", {"q": word}).content.decode()
    assert f'href="/bilag/{link.pk}/fil#page={page}"' in html
    assert f"{name}, side {page}</a>" in html


def test_acadre_word_files_are_read_and_found_without_a_page_and_doc_is_kept_unread(client):
    ingest(ACADRE, "Syddjurs")
    run_until_idle()
    word_file = "Kulturkommune 2017 - arbejdsoplæg til Udvalget for Plan, Udvikling og Kultur"
    assert hits(search(client, "fregatten")) == [
        ("Kulturkommune 2017. Politiske fokusområder", (word_file, None))
    ]
    files = sorted(
        (link.name, link.file.text_status, link.file.page_count)
        for link in Attachment.objects.select_related("file")
    )
    assert files == [
        (word_file, "layer", None),
        ("Opsamlingsnotat. Temamøde 20.09.2012", "layer", None),  # .docx
        ("Opsamlingsnotat. Temamøde 20.09.2012.pdf", "layer", 3),
        # The old binary Word format: stored and downloadable, not read.
        ("Politik for Kultur og Fritid - Lokalt engagement, Godkendt af byrådet 300409",
         "unsupported", None),
        ("Politik for Kultur og Fritid - Lokalt engagement, Godkendt af byrådet 300409.pdf",
         "layer", 13),
    ]  # fmt: skip


def test_an_item_s_own_words_outrank_the_same_word_in_a_bilag(client):
    # "faglighed": in the text of item 2 and only in a bilag of item 4.
    ingest(EDOC, "Ballerup")
    run_until_idle()
    assert hits(search(client, "faglighed", scope="all")) == [
        ("Bygningsvedligeholdelse 2013 - anlægsbevilling", None),
        (
            "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013",
            ("Forslag til takstreduktion aflastningstilbuddet Torvevej 2013", 2),
        ),
    ]
    assert hits(search(client, "faglighed", scope="attachments")) == [
        (
            "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013",
            ("Forslag til takstreduktion aflastningstilbuddet Torvevej 2013", 2),
        )
    ]


# --- Scanned pages: OCR ------------------------------------------------------------------


def upload(client, item, name, data):
    return client.post(
        reverse("admin:archive_agendaitem_add_files", args=[item.pk]),
        {"files": [SimpleUploadedFile(name, data, content_type="application/pdf")]},
    )


def test_a_scanned_page_uploaded_by_an_editor_is_recognised_and_found_by_its_words(admin_client):
    ingest(PUBLICATION, "Ballerup")
    run_until_idle()
    scan = scanned_pdf(TORVEVEJ, [1])
    # The made-up scan has no text layer at all: only OCR can find its words.
    layer = reader.read_text_layer(scan)
    assert (layer.status, layer.page_count, layer.scanned) == ("none", 1, [1])
    item = item_titled(SAPA)

    response = upload(admin_client, item, "Skannet notat.pdf", scan)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_agendaitem_change", args=[item.pk])
    link = Attachment.objects.get(name="Skannet notat.pdf")
    assert (link.item, link.file.text_status, link.uploaded_by.username) == (
        item,
        "pending",
        "admin",
    )
    assert search(admin_client, "venteliste")["count"] == 0
    run_until_idle()

    file = StoredFile.objects.get(pk=link.file_id)
    assert (file.text_status, file.page_count, file.text_note) == ("ocr", 1, "")
    page = AttachmentPage.objects.get(file=file)
    assert (page.number, page.ocr) == (1, True)
    assert "Torvevej 31, 2740 Skovlunde" in page.text
    data = search(admin_client, "venteliste")
    assert hits(data) == [(SAPA, ("Skannet notat.pdf", 1))]
    assert data["results"][0]["attachment"]["recognised"] is True
    html = admin_client.get("/soeg/", {"q": "venteliste"}).content.decode()
    assert 'Skannet notat.pdf, side 1</a> <span class="badge">tekst genkendt (OCR)</span>' in html
    page_html = admin_client.get(item.get_absolute_url()).content.decode()
    assert f'<a href="/bilag/{link.pk}/fil">Skannet notat.pdf</a>' in page_html
    assert '<span class="badge">tekst genkendt (OCR)</span>' in page_html
    admin_page = admin_client.get(reverse("admin:archive_agendaitem_change", args=[item.pk]))
    assert "tekstgenkendt (OCR)" in admin_page.content.decode()


def test_without_the_ocr_language_a_scan_is_stored_with_a_notice_not_text(client, settings):
    settings.OCR_LANGUAGES = "kal"  # Greenlandic: no tesseract-ocr-kal here
    ingest(PUBLICATION, "Ballerup")
    item = item_titled(SAPA)
    with_scan, _new = attachments.add_to_item(
        item, "Skannet.pdf", scanned_pdf(TORVEVEJ, [1]), user=None
    )
    tasks.read_later([with_scan.file_id])
    run_until_idle()
    file = StoredFile.objects.get(pk=with_scan.file_id)
    assert (file.text_status, file.text, file.pages.count()) == ("none", "", 0)
    assert file.text_note == (
        "Tekst ikke genkendt: tekstgenkendelse (OCR) er ikke installeret på serveren "
        "(tesseract-ocr-kal). (OCR is not installed: tesseract-ocr-kal.)"
    )
    html = client.get(item.get_absolute_url()).content.decode()
    assert '<span class="badge">tekst ikke genkendt</span>' in html
    # Once installed (here: the language that is), the operator has them read again.
    settings.OCR_LANGUAGES = "dan"
    call_command("read_attachments", "--again", "none")
    run_until_idle()
    file.refresh_from_db()
    assert (file.text_status, file.text_note) == ("ocr", "")
    assert hits(search(client, "venteliste")) == [(SAPA, ("Skannet.pdf", 1))]


def descendants_named(process, name):
    try:
        return [p for p in psutil.Process(process.pid).children(recursive=True) if p.name() == name]
    except psutil.NoSuchProcess:
        return []


def test_a_worker_killed_during_ocr_loses_nothing_and_its_retry_stores_the_text_once(
    client, test_database_url, tmp_path
):
    ingest(PUBLICATION, "Ballerup")
    run_until_idle()
    item = item_titled(SAPA)
    link, _new = attachments.add_to_item(
        item, "Skannet.pdf", scanned_pdf(TORVEVEJ, [1, 2]), user=None
    )
    tasks.read_later([link.file_id])
    env = dict(os.environ, DATABASE_URL=test_database_url, DEBUG="1", REDIS_URL="")
    log = tmp_path / "worker.log"  # what the worker said, shown if it never gets to OCR
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # A loaded machine starts Django slowly; the OCR itself then runs for seconds.
        deadline = time.monotonic() + 240
        while (
            not descendants_named(worker, "tesseract")
            and worker.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        if not descendants_named(worker, "tesseract"):
            pytest.fail("the worker never started OCR:\n" + log.read_text()[-3000:])
        left = psutil.Process(worker.pid).children(recursive=True)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    for process in left:  # the killed worker's reader child and its OCR, ours to end
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()

    file = StoredFile.objects.get(pk=link.file_id)
    assert (file.text_status, file.pages.count(), file.text) == ("pending", 0, "")
    jobs = ProcrastinateJob.objects.filter(
        task_name="ingest.tasks.read_attachment", args={"stored_file_id": link.file_id}
    )
    job = jobs.get()
    assert job.status == "doing"

    assert retry_stalled_now(seconds_since_heartbeat=0) == 1
    run_until_idle()
    file.refresh_from_db()
    assert (file.text_status, file.page_count) == ("ocr", 2)
    assert list(file.pages.values_list("number", "ocr")) == [(1, True), (2, True)]
    assert file.text == "\n\n".join(file.pages.values_list("text", flat=True))
    item.refresh_from_db()
    assert item.attachment_text.count("venteliste") == file.text.count("venteliste") >= 1
    job.refresh_from_db()
    assert (job.status, jobs.count()) == ("succeeded", 1)
    assert hits(search(client, "venteliste")) == [(SAPA, ("Skannet.pdf", 1))]


# --- Hostile files ------------------------------------------------------------------------


def test_a_pdf_bomb_bilag_ends_as_failed_with_the_reason_within_the_limits(admin_client):
    ingest(PUBLICATION, "Ballerup")
    run_until_idle()
    bomb = inflating_pdf(300 * 1024**2)
    assert len(bomb) < 400_000
    item = item_titled(SAPA)
    assert upload(admin_client, item, "bombe.pdf", bomb).status_code == 302
    started = time.monotonic()
    run_until_idle()
    assert time.monotonic() - started < 30
    file = Attachment.objects.select_related("file").get(name="bombe.pdf").file
    assert (file.text_status, file.pages.count()) == ("failed", 0)
    assert file.text_note.startswith(
        "PDF'en indeholder data, der pakkes ud til mere end 64 MB, så den blev ikke læst."
    )
    html = admin_client.get(item.get_absolute_url()).content.decode()
    assert '<span class="badge">kunne ikke læses</span>' in html


def test_a_file_that_reads_too_long_is_stopped_at_the_time_limit(client, settings):
    settings.ATTACHMENT_READ_SECONDS = 0
    ingest(PUBLICATION, "Ballerup")
    run_until_idle()
    file = StoredFile.objects.get()
    assert file.text_status == "failed"
    assert file.text_note == (
        "Det tog for lang tid at læse filen, så læsningen blev stoppet. Filen er måske "
        "beskadiget eller meget stor: gem den som PDF igen fra kommunens system, eller indlæs "
        "den alene. (Reading the file took longer than 0 s and was stopped.)"
    )
