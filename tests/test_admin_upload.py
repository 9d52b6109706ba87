"""Editors upload minutes in the admin: preview, clear errors, nothing lost, full history.

Everything goes through the Django test client and the real parser (in its child process)
and database; nothing is mocked except one injected failure inside ingest.store.
"""

import datetime
import importlib
import io
import json
import re
import time
import zipfile

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from fpdf import FPDF

from archive.models import (
    AgendaItem,
    Attachment,
    Meeting,
    Municipality,
    SourceDocument,
    StoredFile,
)
from ingest import store, upload
from ingest.errors import IngestError
from ingest.store import ingest_bytes
from tests.conftest import FIXTURES, counts, sample_path

UPLOAD_URL = "/admin/archive/sourcedocument/upload/"
EDITOR_PERMISSIONS = {
    "upload_minutes",
    "view_municipality",
    "view_committee",
    "view_meeting",
    "change_meeting",
    "view_agendaitem",
    "view_sourcedocument",
    "change_sourcedocument",
}


def golden(prefix):
    return json.loads((FIXTURES / "golden" / f"{sample_path(prefix).stem}.json").read_text())


@pytest.fixture
def editor_group(db):
    """The group as migration 0003 makes it (again: a flush by another test removes it)."""
    migration = importlib.import_module("archive.migrations.0003_editor_group")
    migration.create_editor_group(django_apps, None)
    return Group.objects.get(name="Editor")


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, *, groups=(), superuser=False):
        user = django_user_model.objects.create_user(
            username, password="hemmeligt-kodeord-42", is_staff=True, is_superuser=superuser
        )
        user.groups.set(groups)
        return user

    return make


@pytest.fixture
def editor(make_user, editor_group):
    return make_user("redaktoer", groups=[editor_group])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def send(editor_client, sample_bytes):
    """send(("name", bytes), ...) posts an upload for Herning Kommune and follows to the
    preview; returns (response, token)."""

    def post(*files, municipality="Herning Kommune", committee=""):
        response = editor_client.post(
            UPLOAD_URL,
            {
                "files": [SimpleUploadedFile(name, data) for name, data in files],
                "new_municipality": municipality,
                "committee": committee,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        token = response.url.rstrip("/").rsplit("/", 1)[-1]
        return editor_client.get(response.url), token

    return post


def seed(prefix, sample_bytes):
    return sample_path(prefix).name, sample_bytes(prefix)


def confirm(client, token, **extra):
    return client.post(f"{UPLOAD_URL}{token}/", {"confirm": "1", **extra}, follow=True)


def page_text(response):
    return response.content.decode()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- The editor group ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_gives_editors_exactly_their_permissions():
    group = Group.objects.get(name="Editor")
    assert set(group.permissions.values_list("codename", flat=True)) == EDITOR_PERMISSIONS
    upload_permission = Permission.objects.get(codename="upload_minutes")
    assert upload_permission.content_type.model == "sourcedocument"
    assert upload_permission.name == "Kan uploade referater"


def test_the_index_links_to_upload_for_editors_only(editor_client, make_user, client):
    assert f'href="{UPLOAD_URL}"' in page_text(editor_client.get("/admin/"))
    editor_client.force_login(make_user("kollega"))  # staff, no group
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    assert UPLOAD_URL not in page_text(response)


# --- The happy path ------------------------------------------------------------------------------


def test_upload_preview_confirm_and_the_meeting_is_public(
    send, editor_client, editor, sample_bytes
):
    response, token = send(seed("000", sample_bytes))
    html = page_text(response)
    expected = golden("000")

    # The preview shows the meeting and every item, and nothing is written yet.
    assert counts() == (0, 0, 0, 0, 0)
    for text in ("Herning Kommune", "Beskæftigelsesudvalget", "Torsdag 26. marts 2026 kl. 13:00"):
        assert text in html
    assert "C3.40" in html and "Nyt møde" in html and "10 punkter" in html
    numbers = re.findall(r'<td class="nr">(\d+|–)</td>', html)
    assert numbers == [str(item["number"]) for item in expected["items"]]
    for item in expected["items"]:
        assert escape(item["title"]) in html
        assert escape(item["case_number"]) in html
    decisions = re.findall(r'<td class="decision">(.*?)</td>', html, re.S)
    assert len(decisions) == 10
    assert decisions[0] == escape(expected["items"][0]["decision"]) == "Indstillingen er tiltrådt."
    assert '<span class="upload-outcome outcome-discussed">Drøftet</span>' in html

    started = timezone.now()
    response = confirm(editor_client, token)
    assert response.redirect_chain[-1][0] == UPLOAD_URL
    meeting = Meeting.objects.get()
    (message,) = messages_of(response)
    assert message.startswith(
        f"„{sample_path('000').name}“ er gemt i arkivet: Beskæftigelsesudvalget, 26. marts 2026."
    )
    assert f'<a href="/moeder/{meeting.pk}/">Se mødet på arkivets side</a>' in message

    public = editor_client.get(meeting.get_absolute_url())
    assert public.status_code == 200
    assert "Referat: Beskæftigelsesudvalget" in page_text(public)
    assert meeting.items.count() == 10

    # Who uploaded it and when, and Django's admin log.
    source = SourceDocument.objects.get()
    assert source.uploaded_by == editor
    assert started <= source.uploaded_at <= timezone.now()
    assert bytes(source.original) == sample_bytes("000")
    logged = LogEntry.objects.filter(user=editor).order_by("id")
    assert [(e.content_type.model, e.object_id, e.action_flag) for e in logged] == [
        ("sourcedocument", str(source.pk), ADDITION),
        ("meeting", str(meeting.pk), ADDITION),
    ]
    # The pending upload is gone: confirming twice stores nothing more.
    assert upload.load(token, editor.pk) is None
    again = confirm(editor_client, token)
    assert "Uploaden findes ikke længere" in messages_of(again)[0]
    assert counts() == (1, 1, 1, 10, 1)


def test_what_is_stored_is_what_the_preview_showed(send, editor_client, editor, sample_bytes):
    _response, token = send(seed("003", sample_bytes))
    record = upload.load(token, editor.pk)
    confirm(editor_client, token)
    parsed = upload.from_json(record["files"][0]["parsed"])
    stored = list(AgendaItem.objects.order_by("position").values_list("number", "title", "outcome"))
    assert stored == [(i.number, i.title, i.outcome) for i in parsed.meeting.items]
    assert len(stored) == len(golden("003")["items"]) == 14


def test_cancel_writes_nothing(send, editor_client, editor, sample_bytes):
    _response, token = send(seed("000", sample_bytes))
    response = editor_client.post(f"{UPLOAD_URL}{token}/", {"cancel": "1"}, follow=True)
    assert messages_of(response) == ["Uploaden er annulleret. Intet er gemt i arkivet."]
    assert counts() == (0, 0, 0, 0, 0)
    assert upload.load(token, editor.pk) is None
    assert not LogEntry.objects.exists()


def test_several_files_in_one_upload(send, editor_client, sample_bytes):
    response, token = send(
        seed("000", sample_bytes), seed("003", sample_bytes), ("noter.txt", b"Husk kaffe.\n")
    )
    html = page_text(response)
    assert "Arkivet har læst 2 referater, som kan gemmes." in html
    assert "Der blev ikke fundet nogen dagsordenspunkter i dokumentet." in html
    confirm(editor_client, token)
    assert sorted(Meeting.objects.values_list("committee__municipality__name", flat=True)) == [
        # The editor chose Herning for the whole upload; 003 names Herlev, the choice wins.
        "Herning Kommune",
        "Herning Kommune",
    ]
    assert counts() == (1, 2, 2, 24, 2)


def test_a_file_chosen_twice_is_stored_once(send, editor_client, sample_bytes):
    response, token = send(seed("000", sample_bytes), ("kopi.txt", sample_bytes("000")))
    assert "Den samme fil er valgt to gange; den gemmes kun én gang." in page_text(response)
    confirm(editor_client, token)
    assert counts() == (1, 1, 1, 10, 1)


# --- Duplicates and corrections -------------------------------------------------------------------


def test_identical_bytes_are_already_in_the_archive_with_a_link(
    send, editor_client, ingest_sample, sample_bytes
):
    stored = ingest_sample("000")
    before = counts()
    response, token = send(("samme-fil-nyt-navn.pdf.txt", sample_bytes("000")))
    html = page_text(response)
    assert "Filen findes allerede i arkivet, præcis som den er, og gemmes ikke igen." in html
    assert (
        f'<a href="/moeder/{stored.meeting.pk}/">Se Beskæftigelsesudvalget, 26. marts 2026</a>'
        in html
    )
    assert 'name="confirm"' not in html
    confirm(editor_client, token)
    assert counts() == before


def corrected_000(sample_bytes):
    """Item 24's decision changes from discussed to postponed."""
    return sample_bytes("000").replace("Drøftet\n".encode(), b"Udsat\n", 1)


def test_a_new_version_shows_what_changes_and_is_stored_only_when_replacing(
    send, editor_client, editor, ingest_sample, sample_bytes
):
    old = ingest_sample("000")
    response, token = send(("rettet.txt", corrected_000(sample_bytes)))
    html = page_text(response)
    assert "Mødet Beskæftigelsesudvalget, 26. marts 2026 findes allerede i arkivet" in html
    assert (
        "Ændret: Punkt 24 (Drøftelse af politiske budgetmål for 2027) – beslutning, "
        "udfald (drøftet → udsat)"
    ) in html
    assert 'name="replace" value="' in html

    # Confirmed without ticking "replace": nothing changes, and the editor is told why.
    response = confirm(editor_client, token)
    assert messages_of(response) == [
        "„rettet.txt“ er ikke gemt: mødet findes allerede i arkivet, og du valgte ikke at "
        "erstatte det."
    ]
    assert AgendaItem.objects.get(number=24).outcome == "discussed"
    assert SourceDocument.objects.count() == 1

    response, token = send(("rettet.txt", corrected_000(sample_bytes)))
    sha = upload.load(token, editor.pk)["files"][0]["sha256"]
    response = confirm(editor_client, token, replace=sha)
    assert (
        "har erstattet den tidligere udgave af Beskæftigelsesudvalget, 26. marts 2026"
        in (messages_of(response)[0])
    )
    assert Meeting.objects.get().pk == old.meeting.pk
    assert AgendaItem.objects.get(number=24).outcome == "postponed"
    previous = SourceDocument.objects.get(pk=old.source.pk)
    current = SourceDocument.objects.get(status="current")
    assert (previous.status, previous.superseded_by_id) == ("superseded", current.pk)
    assert current.uploaded_by == editor
    assert LogEntry.objects.filter(
        object_id=str(old.meeting.pk), action_flag=CHANGE, user=editor
    ).exists()

    # The old original stays downloadable from the admin.
    download = editor_client.get(f"/admin/archive/sourcedocument/{previous.pk}/original/")
    assert download.status_code == 200
    assert download.content == sample_bytes("000")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == f'attachment; filename="{previous.file_name}"'
    meeting_page = page_text(editor_client.get(f"/admin/archive/meeting/{old.meeting.pk}/change/"))
    assert f"/admin/archive/sourcedocument/{previous.pk}/original/" in meeting_page
    assert f"/admin/archive/sourcedocument/{current.pk}/original/" in meeting_page


def test_the_difference_names_added_removed_and_changed_items(ingest_sample, sample_bytes):
    stored = ingest_sample("000").meeting
    new = store.parse_document(sample_bytes("000"), source="x.txt").as_json()
    new["items"] = new["items"][1:]  # item 21 goes
    new["items"][0]["title"] = "Ny titel"  # item 22 changes title
    new["items"].append({**new["items"][-1], "number": 31, "title": "Eventuelt"})
    new["location"] = "Byrådssalen"
    difference = upload.diff(stored, new)
    assert [item["number"] for item in difference.added] == [31]
    assert [item["number"] for item in difference.removed] == [21]
    assert [(c.label, c.title, c.fields) for c in difference.changed] == [
        ("Punkt 22", "Ny titel", ["titel"])
    ]
    assert difference.meeting_fields == ["mødested"]
    unchanged = store.parse_document(sample_bytes("000"), source="x.txt").as_json()
    assert upload.diff(stored, unchanged).empty


def test_minutes_for_a_stored_agenda_replace_it_without_asking(send, editor_client, sample_bytes):
    agenda = sample_bytes("000").decode().replace("REFERAT", "DAGSORDEN", 1)
    ingest_bytes(agenda.replace("Beslutning\n", "Noter\n").encode(), file_name="dagsorden.txt")
    response, token = send(seed("000", sample_bytes))
    assert "Referat til en gemt dagsorden" in page_text(response)
    confirm(editor_client, token)
    assert Meeting.objects.get().kind == "referat"
    assert list(SourceDocument.objects.values_list("status", flat=True).order_by("id")) == [
        "superseded",
        "current",
    ]


# --- Files that are refused ---------------------------------------------------------------------


def refused(response, token, client):
    """The page says the file cannot be stored, offers no confirm, and confirming stores nothing."""
    html = page_text(response)
    assert "Kan ikke gemmes" in html
    assert 'name="confirm"' not in html
    assert "Ingen af filerne kan gemmes." in html
    confirm(client, token)
    assert counts() == (0, 0, 0, 0, 0)
    return html


def test_an_oversize_file_is_refused_before_it_is_read(send, editor_client, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response, token = send(("stort.txt", b"Referat " * 200))
    html = refused(response, token, editor_client)
    assert "Filen fylder 1,6\xa0KB, men grænsen er 1000\xa0bytes." in html
    assert "Del referatet op i flere filer" in html


def test_an_executable_named_pdf_is_refused(send, editor_client):
    response, token = send(("referat.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200))
    html = refused(response, token, editor_client)
    assert (
        "Filen er et Windows-program, ikke et referat. Upload PDF, HTML, Markdown eller tekst."
        in html
    )


def test_an_html_file_named_pdf_is_refused_but_accepted_as_html(send, editor_client):
    page = (FIXTURES / "html" / "portal_004.html").read_bytes()
    response, token = send(("referat.pdf", page))
    html = refused(response, token, editor_client)
    assert "Filen hedder „referat.pdf“, men indeholder en webside (HTML), ikke en PDF." in html
    assert "giv filen endelsen .html" in html

    response, token = send(("referat.html", page))
    assert "Nyt møde" in page_text(response)
    confirm(editor_client, token)
    assert SourceDocument.objects.get().format == "html"


def blank_pdf(draw):
    pdf = FPDF()
    pdf.add_page()
    draw(pdf)
    return bytes(pdf.output())


@pytest.mark.parametrize(
    "draw",
    [lambda pdf: None, lambda pdf: pdf.rect(20, 20, 120, 80, style="F")],
    ids=["empty page", "image only"],
)
def test_a_pdf_without_text_is_refused_saying_so(send, editor_client, draw):
    response, token = send(("skannet.pdf", blank_pdf(draw)))
    html = refused(response, token, editor_client)
    assert "PDF&#x27;en indeholder ingen tekst, kun billeder; kør tekstgenkendelse (OCR)" in html


def test_an_empty_file_is_refused(send, editor_client):
    response, token = send(("tom.txt", b"  \n"))
    html = refused(response, token, editor_client)
    assert "Filen er tom. Gem referatet igen fra kommunens system" in html


def test_a_file_in_cp1252_is_read_and_stored(send, editor_client, sample_bytes):
    text = sample_bytes("000").decode("utf-8")
    response, token = send(("windows.txt", text.encode("cp1252")))
    html = page_text(response)
    assert "Beskæftigelsesudvalget" in html and "(tegnsæt cp1252)" in html
    confirm(editor_client, token)
    assert SourceDocument.objects.get().encoding == "cp1252"
    titles = list(AgendaItem.objects.order_by("position").values_list("title", flat=True))
    assert titles == [item["title"] for item in golden("000")["items"]]
    assert "Drøftelse af politiske budgetmål for 2027" in titles


def test_parsing_is_stopped_after_its_time_limit(sample_bytes):
    started = time.monotonic()
    with pytest.raises(IngestError, match="Det tog for lang tid at læse filen"):
        upload.parse_limited(sample_bytes("001"), "langsom.txt", seconds=0.05)
    assert time.monotonic() - started < 10


def test_the_child_process_parses_like_the_parser(sample_bytes):
    parsed = upload.parse_limited(sample_bytes("003"), "003.txt")
    assert parsed == store.parse_document(sample_bytes("003"), source="003.txt")


# --- Failures and permissions ------------------------------------------------------------------


def test_a_failure_while_saving_leaves_nothing(
    send, editor_client, editor, monkeypatch, sample_bytes
):
    _response, token = send(seed("000", sample_bytes), seed("003", sample_bytes))
    real_item_rows, calls = store.item_rows, []

    def fail_on_second_document(meeting, parsed):
        calls.append(meeting)
        if len(calls) == 2:
            raise RuntimeError("disk full while writing items")
        return real_item_rows(meeting, parsed)

    monkeypatch.setattr(store, "item_rows", fail_on_second_document)
    response = confirm(editor_client, token)
    assert messages_of(response) == [
        "Der skete en fejl, mens referaterne blev gemt, så intet er gemt. Prøv at gemme igen "
        "om lidt; sker det igen, så kontakt en administrator."
    ]
    assert len(calls) == 2
    assert counts() == (0, 0, 0, 0, 0)
    assert not LogEntry.objects.exists()

    # The upload is still pending: once the fault is gone, the editor saves it.
    monkeypatch.setattr(store, "item_rows", real_item_rows)
    confirm(editor_client, token)
    assert counts() == (1, 2, 2, 24, 2)


def test_staff_without_the_permission_cannot_upload(client, make_user, sample_bytes):
    client.force_login(make_user("kollega"))
    response = client.get(UPLOAD_URL)
    assert response.status_code == 403
    assert "Bed en administrator om at føje dig til gruppen „Editor“" in page_text(response)
    response = client.post(
        UPLOAD_URL,
        {"files": [SimpleUploadedFile("a.txt", sample_bytes("000"))], "new_municipality": "X"},
    )
    assert response.status_code == 403
    assert counts() == (0, 0, 0, 0, 0)


def test_a_pending_upload_belongs_to_its_editor(
    send, client, make_user, editor_group, sample_bytes
):
    _response, token = send(seed("000", sample_bytes))
    client.force_login(make_user("anden-redaktoer", groups=[editor_group]))
    response = confirm(client, token)
    assert "Uploaden findes ikke længere" in messages_of(response)[0]
    assert counts() == (0, 0, 0, 0, 0)


def test_visitors_are_sent_to_the_login(client, db):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_the_form_explains_what_is_missing(editor_client):
    response = editor_client.post(UPLOAD_URL, {})
    html = page_text(response)
    assert response.status_code == 200
    assert "Vælg mindst én fil med et referat." in html
    assert "Vælg kommunen i listen, eller skriv navnet på en ny kommune." in html


def test_an_existing_municipality_can_be_picked(editor_client, ingest_sample, sample_bytes):
    herlev = ingest_sample("003").meeting.committee.municipality
    response = editor_client.post(
        UPLOAD_URL,
        {"files": [SimpleUploadedFile("a.txt", sample_bytes("000"))], "municipality": herlev.pk},
        follow=True,
    )
    assert "Herlev Kommune" in page_text(response)
    token = response.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    confirm(editor_client, token)
    assert Municipality.objects.count() == 1


# --- The rest of the admin ------------------------------------------------------------------------


def test_admin_search_box_uses_the_stored_full_text_vector(editor_client, seed_archive):
    response = editor_client.get("/admin/archive/agendaitem/", {"q": "hjemløse"})
    shown = {item.pk for item in response.context["cl"].result_list}
    expected = set(AgendaItem.objects.search("hjemløse").values_list("pk", flat=True))
    assert len(expected) == 5 and shown == expected
    response = editor_client.get("/admin/archive/agendaitem/", {"q": "00.01.00-A00-29-25"})
    titles = [item.title for item in response.context["cl"].result_list]
    assert len(titles) == 2
    assert all(
        item.case_number_normalized == "00.01.00-A00-29-25"
        for item in response.context["cl"].result_list
    )


def test_admin_lists_filter_by_municipality_year_and_outcome(editor_client, seed_archive):
    herlev = Municipality.objects.get(name="Herlev Kommune")
    response = editor_client.get(
        "/admin/archive/agendaitem/",
        {"municipality__id__exact": herlev.pk, "aar": "2026", "outcome__exact": "approved"},
    )
    shown = response.context["cl"].result_list
    assert (
        len(shown)
        == AgendaItem.objects.filter(
            municipality=herlev, meeting_date__year=2026, outcome="approved"
        ).count()
        > 0
    )
    response = editor_client.get("/admin/archive/meeting/", {"aar": "2022"})
    assert [m.date for m in response.context["cl"].result_list] == [datetime.date(2022, 5, 24)]


def test_unpublish_and_publish_are_logged(editor_client, editor, ingest_sample):
    meeting = ingest_sample("000").meeting
    changelist = "/admin/archive/meeting/"
    response = editor_client.post(
        changelist, {"action": "unpublish", "_selected_action": [meeting.pk]}, follow=True
    )
    assert "1 møde er trukket tilbage. Det er ikke slettet" in messages_of(response)[0]
    assert editor_client.get(meeting.get_absolute_url()).status_code == 404
    assert Meeting.objects.get().published is False
    editor_client.post(changelist, {"action": "publish", "_selected_action": [meeting.pk]})
    assert editor_client.get(meeting.get_absolute_url()).status_code == 200
    changes = LogEntry.objects.filter(object_id=str(meeting.pk), action_flag=CHANGE, user=editor)
    assert [entry.get_change_message() for entry in changes.order_by("id")] == [
        "Ændrede offentliggjort.",
        "Ændrede offentliggjort.",
    ]


def test_reparse_action_runs_the_current_parser(editor_client, editor, ingest_sample):
    source = ingest_sample("000").source
    AgendaItem.objects.filter(number=24).update(outcome="rejected")  # an older parser's reading
    response = editor_client.post(
        "/admin/archive/sourcedocument/",
        {"action": "reparse_selected", "_selected_action": [source.pk]},
        follow=True,
    )
    assert messages_of(response) == ["1 dokument er genindlæst; 1 møde fik ændret indhold."]
    assert AgendaItem.objects.get(number=24).outcome == "discussed"
    assert LogEntry.objects.filter(object_id=str(source.pk), user=editor).exists()


def test_only_superusers_may_delete(editor_client, make_user, ingest_sample, client):
    meeting = ingest_sample("000").meeting
    delete_url = f"/admin/archive/meeting/{meeting.pk}/delete/"
    assert editor_client.get(delete_url).status_code == 403
    changelist = page_text(editor_client.get("/admin/archive/meeting/"))
    assert "delete_selected" not in changelist
    client.force_login(make_user("chef", superuser=True))
    assert "delete_selected" in page_text(client.get("/admin/archive/meeting/"))
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.exists()
    # The original is kept even when its meeting is deleted.
    assert SourceDocument.objects.get().meeting is None


def test_every_admin_list_and_page_opens(editor_client, all_samples):
    item, source = AgendaItem.objects.first(), SourceDocument.objects.first()
    pages = [
        "/admin/archive/municipality/",
        "/admin/archive/committee/",
        "/admin/archive/meeting/",
        f"/admin/archive/meeting/{item.meeting_id}/change/",
        "/admin/archive/agendaitem/",
        f"/admin/archive/agendaitem/{item.pk}/change/",
        "/admin/archive/sourcedocument/",
        f"/admin/archive/sourcedocument/{source.pk}/change/",
        UPLOAD_URL,
    ]
    for url in pages:
        assert editor_client.get(url).status_code == 200, url


# --- Exports: First Agenda JSON, packed ESDH exports, with their attachments --------------------

ESDH = FIXTURES / "esdh"
PUBLICATION = ESDH / "sbsys-publication-ballerup-2013-05-15.zip"
NATIVE = ESDH / "sbsys-native-lyngby-taarbaek-2016-03-31.tar.gz"
FIRST_AGENDA = FIXTURES / "firstagenda" / "greve_plan_2023-09-12_fravaerende.json"


def test_a_zipped_export_is_previewed_with_its_attachments_and_stored_with_them(
    send, editor_client
):
    response, token = send((PUBLICATION.name, PUBLICATION.read_bytes()), municipality="Ballerup")
    page = response.content.decode()
    assert "KMB IT-udvalget" in page
    assert "Mødecenter A, Lokale 3 på Ballerup Rådhus" in page
    # The enclosure of item 3 (Enclosures\\1.pdf in the export), with its size.
    assert "Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud" in page
    assert "92,0\xa0KB" in page
    assert Meeting.objects.count() == 0  # nothing before confirming

    confirm(editor_client, token)
    meeting = Meeting.objects.get()
    assert meeting.committee.municipality.name == "Ballerup Kommune"
    assert meeting.items.count() == 5
    source = SourceDocument.objects.get()
    assert bytes(source.original) == PUBLICATION.read_bytes()  # the archive as received
    linked = Attachment.objects.filter(meeting=meeting, item__isnull=False).select_related(
        "item", "file"
    )
    assert [(a.item.position, a.file is not None) for a in linked] == [(3, True)]
    assert bytes(StoredFile.objects.get().data)[:5] == b"%PDF-"


def test_a_tar_export_takes_the_form_s_municipality_when_it_names_none(send, editor_client):
    _response, token = send((NATIVE.name, NATIVE.read_bytes()), municipality="Lyngby-Taarbæk")
    confirm(editor_client, token)
    meeting = Meeting.objects.get()
    assert meeting.committee.municipality.name == "Lyngby-Taarbæk Kommune"
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    stored = StoredFile.objects.count()
    assert stored == Attachment.objects.filter(file__isnull=False).count() > 0


def test_a_first_agenda_json_file_is_previewed_and_stored(send, editor_client):
    response, token = send((FIRST_AGENDA.name, FIRST_AGENDA.read_bytes()), municipality="Greve")
    assert response.status_code == 200
    assert "Plan- og Tryghedsudvalget" in response.content.decode()
    confirm(editor_client, token)
    meeting = Meeting.objects.get()
    assert meeting.committee.municipality.name == "Greve Kommune"
    # First Agenda links its bilag on the portal: names and addresses, no bytes.
    links = Attachment.objects.filter(meeting=meeting, role="bilag")
    assert links.exists()
    assert all(a.url.startswith("https://") and a.file is None for a in links)


def test_a_zip_that_is_not_an_export_is_refused_with_a_reason(send):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ferie.txt", "Billeder fra sommerferien")
    response, _token = send(("ferie.zip", buffer.getvalue()), municipality="Herning Kommune")
    assert "intet manifest" in response.content.decode()
    assert SourceDocument.objects.count() == 0


def test_a_word_referat_is_previewed_and_stored_as_word(send, editor_client):
    word = (FIXTURES / "docs" / "referat_punkt.docx").read_bytes()
    response, token = send(("referat.pdf", word))
    html = refused(response, token, editor_client)
    assert "indeholder et Word-dokument (.docx), ikke en PDF" in html
    assert "giv filen endelsen .docx" in html

    response, token = send(("referat.docx", word))
    assert "Nyt møde" in page_text(response)
    confirm(editor_client, token)
    document = SourceDocument.objects.get()
    assert (document.format, document.meeting.items.count()) == ("docx", 3)


# --- Hostile exports through the editors' upload -------------------------------------------


def _zip_bomb():
    from tests.test_bundles import MANIFEST, make_zip

    return make_zip(
        {"Publication32/Publication32.xml": MANIFEST, "bilag.pdf": b"\0" * 20 * 1024**2}
    )


def _climbing(name):
    def build():
        from tests.test_bundles import MANIFEST, make_zip

        return make_zip({"Publication32/Publication32.xml": MANIFEST, name: b"%PDF-1.4"})

    return build


def _linked():
    import tarfile

    from tests.test_bundles import MANIFEST, make_tar

    link = tarfile.TarInfo("Publication32/Enclosures/1.pdf")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return make_tar([("Publication32/Publication32.xml", MANIFEST), link])


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("bombe.zip", _zip_bomb, "zip-bombe"),
        ("op.zip", _climbing("../../etc/cron.d/evil.pdf"), "peger uden for arkivet"),
        ("abs.zip", _climbing("/etc/passwd"), "peger uden for arkivet"),
        ("link.tar.gz", _linked, "link"),
    ],
)
def test_a_hostile_export_is_refused_in_the_preview_and_nothing_is_stored(
    send, name, build, reason
):
    started = time.monotonic()
    response, _token = send((name, build()))
    assert time.monotonic() - started < 20
    html = response.content.decode()
    assert reason in html and "Traceback" not in html
    assert counts() == (0, 0, 0, 0, 0)
    assert StoredFile.objects.count() == 0
