"""An editor in a real browser: log in, upload a seed as a PDF, check the preview, save it,
and find the meeting on the public site.

Headless Chromium through Playwright, launched as in tests/test_browser.py. With
ADMIN_SCREENSHOTS=<folder> the preview is saved as a PNG there, to look at.
"""

import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from archive.models import Meeting, SourceDocument
from tests.conftest import new_page, sample_path
from tests.pdf_factory import make_minutes_pdf

pytestmark = pytest.mark.browser
PASSWORD = "hemmeligt-kodeord-42"


@pytest.fixture
def page(browser):
    context, page, errors = new_page(
        browser, locale="da-DK", viewport={"width": 1280, "height": 1000}
    )
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def editor(transactional_db, django_user_model):
    # A flush by an earlier transactional test removes what migrations inserted.
    importlib.import_module("archive.migrations.0003_editor_group").create_editor_group(
        django_apps, None
    )
    user = django_user_model.objects.create_user("redaktoer", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_editor_uploads_a_pdf_previews_saves_and_sees_it_public(live_server, editor, page):
    text = sample_path("000").read_text(encoding="utf-8")
    pdf = make_minutes_pdf(text, header="Beskæftigelsesudvalget 26-03-2026")

    page.goto(live_server.url + "/admin/")
    page.locator("#id_username").fill("redaktoer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.get_by_role("link", name="Upload referat").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload referat")

    page.get_by_label("Filer").set_input_files(
        files=[{"name": "referat-26-marts.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    page.get_by_label("… eller ny kommune").fill("Herning Kommune")
    page.get_by_role("button", name="Vis forhåndsvisning").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kontrollér referatet, før det gemmes"
    )
    facts = page.locator(".upload-facts")
    expect(facts).to_contain_text("Beskæftigelsesudvalget")
    expect(facts).to_contain_text("Torsdag 26. marts 2026 kl. 13:00")
    expect(facts).to_contain_text("PDF")
    rows = page.locator("table.upload-items tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first).to_contain_text("Godkendelse af retning for implementering")
    expect(rows.first).to_contain_text("15.00.00-A00-3-25")
    expect(rows.first).to_contain_text("Godkendt")
    if folder := os.environ.get("ADMIN_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / "upload-preview.png"), full_page=True)
    assert not Meeting.objects.exists()  # nothing before the confirmation

    page.get_by_role("button", name="Gem i arkivet").click()
    message = page.locator(".messagelist .success")
    expect(message).to_contain_text("er gemt i arkivet: Beskæftigelsesudvalget, 26. marts 2026.")
    message.get_by_role("link", name="Se mødet på arkivets side").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referat: Beskæftigelsesudvalget")
    expect(page.locator("ol.toc li")).to_have_count(10)
    source = SourceDocument.objects.get()
    assert (source.format, source.uploaded_by_id, source.file_name) == (
        "pdf",
        editor.pk,
        "referat-26-marts.pdf",
    )


def test_editor_replaces_a_meeting_after_seeing_what_changes(live_server, editor, page):
    from ingest.store import ingest_bytes

    original = sample_path("000").read_bytes()
    ingest_bytes(original, file_name=sample_path("000").name)
    corrected = original.replace("Drøftet\n".encode(), b"Udsat\n", 1)

    page.goto(live_server.url + "/admin/archive/sourcedocument/upload/")
    page.locator("#id_username").fill("redaktoer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.get_by_label("Filer").set_input_files(
        files=[
            {"name": "rettet.txt", "mimeType": "text/plain", "buffer": corrected},
            {"name": "virus.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 64},
        ]
    )
    page.locator("#id_municipality").select_option(label="Herning Kommune")
    page.get_by_role("button", name="Vis forhåndsvisning").click()

    diff = page.locator(".upload-diff")
    expect(diff).to_contain_text("findes allerede i arkivet")
    expect(diff).to_contain_text("Ændret: Punkt 24")
    expect(page.locator(".status-error .upload-problem")).to_have_text(
        "Filen er et Windows-program, ikke et referat. Upload PDF, HTML, Markdown eller tekst."
    )
    if folder := os.environ.get("ADMIN_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / "upload-replace.png"), full_page=True)

    diff.get_by_label("Erstat det gemte møde med denne udgave", exact=False).check()
    page.get_by_role("button", name="Gem i arkivet").click()
    expect(page.locator(".messagelist .success")).to_contain_text("har erstattet")
    page.locator(".messagelist .success").get_by_role("link", name="Se mødet").click()
    expect(page.locator("#punkt-4 .badge")).to_have_text("udsat")
    assert list(SourceDocument.objects.order_by("id").values_list("status", flat=True)) == [
        "superseded",
        "current",
    ]
