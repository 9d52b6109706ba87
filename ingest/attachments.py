"""Reading a stored file's text (the background job's work) and adding an editor's file to
an item. The reading itself runs in `ingest.limits.Sandbox`, so a hostile attachment ends
as `failed` with its reason, never as a dead worker. See docs/attachments.md.
"""

import hashlib
import logging
import mimetypes

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archive.attachments import refresh_attachment_text
from archive.models import AgendaItem, Attachment, AttachmentPage, SourceDocument, StoredFile
from ingest.errors import IngestError
from ingest.limits import Sandbox
from ingest.readers import attachment as reader

log = logging.getLogger(__name__)
Text = StoredFile.Text


def read_stored_file(file_id: int) -> str | None:
    """Read a pending file's text and store it; returns the status stored, or None when
    there was nothing to do (the file is gone, or already read by an earlier run)."""
    file = StoredFile.objects.filter(pk=file_id).only("pk", "text_status").first()
    if file is None or file.text_status != Text.PENDING:
        return None
    data = bytes(StoredFile.objects.values_list("data", flat=True).get(pk=file_id))
    found = extract(data)
    return save_text(file_id, found)


def extract(data: bytes) -> reader.FileText:
    """The file's pages: its text layer, then OCR of the pages without one."""
    with Sandbox(
        seconds=settings.ATTACHMENT_READ_SECONDS,
        memory_bytes=settings.ATTACHMENT_MEMORY_MB * 1024**2,
    ) as sandbox:
        try:
            found = sandbox.run(reader.read_text_layer, data)
        except IngestError as error:
            return reader.FileText(Text.FAILED, notes=[error.message])
        if found.scanned:
            _recognise(sandbox, data, found)
    return found


def _recognise(sandbox, data, found):
    missing = reader.ocr_missing(settings.OCR_LANGUAGES)
    if missing:
        found.notes.append(reader.OCR_MISSING.format(missing=missing))
        return
    wanted = found.scanned[: settings.OCR_MAX_PAGES]
    seconds = settings.OCR_PAGE_SECONDS * 2 * len(wanted) + 10  # render and recognise
    try:
        texts, failed = sandbox.run(
            reader.recognise,
            data,
            wanted,
            languages=settings.OCR_LANGUAGES,
            page_seconds=settings.OCR_PAGE_SECONDS,
            seconds=seconds,
        )
    except IngestError as error:
        texts, failed = {}, wanted
        found.notes.append(error.message)
    for page in found.pages:
        if texts.get(page.number):
            page.text, page.ocr = texts[page.number], True
    left = failed + found.scanned[settings.OCR_MAX_PAGES :]
    if left:
        reason = f"højst {settings.OCR_MAX_PAGES} sider pr. fil, eller for langsom"
        found.notes.append(reader.OCR_PAGES_LEFT.format(pages=_ranges(left), reason=reason))
    if any(page.ocr for page in found.pages):
        found.status = Text.OCR


def _ranges(numbers: list[int]) -> str:
    """ "3, 5-9" for [3, 5, 6, 7, 8, 9]."""
    runs = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def save_text(file_id: int, found: reader.FileText) -> str | None:
    """Store the pages, the text and the status in one transaction, and copy the text onto
    the items that have the file as a bilag. A second run for the same file (a worker
    killed after this committed) finds the file no longer pending and stores nothing."""
    pages = [page for page in found.pages if page.text]
    with transaction.atomic():
        file = StoredFile.objects.select_for_update().only("pk", "text_status").get(pk=file_id)
        if file.text_status != Text.PENDING:
            return None
        file.pages.all().delete()
        AttachmentPage.objects.bulk_create(
            AttachmentPage(file=file, number=page.number, text=page.text, ocr=page.ocr)
            for page in pages
        )
        file.text = "\n\n".join(page.text for page in pages)
        file.page_count = found.page_count
        file.text_status = found.status if pages or found.status in _NO_TEXT else Text.NONE
        file.text_note = "\n".join(found.notes)
        file.text_read = timezone.now()
        file.save(update_fields=["text", "page_count", "text_status", "text_note", "text_read"])
        items = Attachment.objects.filter(file_id=file_id, item__isnull=False)
        refresh_attachment_text(items.values_list("item_id", flat=True).distinct())
    log.info("file %s: %s, %s pages", file_id, file.text_status, found.page_count)
    return file.text_status


_NO_TEXT = {Text.FAILED, Text.UNSUPPORTED, Text.NONE}


def store_file(data: bytes, content_type: str = "") -> tuple[StoredFile, bool]:
    """The StoredFile for these bytes (one per content), and whether it is new."""
    sha256 = hashlib.sha256(data).hexdigest()
    return StoredFile.objects.get_or_create(
        sha256=sha256,
        defaults={"size": len(data), "content_type": content_type[:100], "data": data},
    )


def content_type_of(name: str, data: bytes) -> str:
    """The type a file is served with, from its bytes where they say it, else its name."""
    kind = reader.kind_of(data)
    if kind == "pdf":
        return "application/pdf"
    if kind == "docx":
        return reader.DOCX
    return mimetypes.guess_type(name.lower())[0] or "application/octet-stream"


def check_size(name: str, size: int):
    """IngestError for an empty file or one over MAX_UPLOAD_BYTES."""
    if not size:
        raise IngestError(f"Filen {name} er tom (the file is empty).")
    if size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // 1024**2
        raise IngestError(
            f"Filen {name} er for stor; grænsen er {limit} MB (the file exceeds {limit} MB)."
        )


def add_to_item(item: AgendaItem, name: str, data: bytes, *, user) -> tuple[Attachment, bool]:
    """An editor's file as a new bilag of the item (after the ones it has), with the
    meeting's current source document. Returns (attachment, whether the file is new: its
    text must be read). Raises IngestError for an empty or too large file."""
    check_size(name, len(data))
    source = (
        SourceDocument.objects.filter(meeting_id=item.meeting_id)
        .filter(status=SourceDocument.Status.CURRENT)
        .defer("original")
        .first()
    )
    if source is None:
        raise IngestError("Mødet har intet gældende kildedokument (the meeting has no source).")
    file, created = store_file(data, content_type_of(name, data))
    last = Attachment.objects.filter(meeting_id=item.meeting_id).order_by("-position").first()
    attachment = Attachment.objects.create(
        meeting_id=item.meeting_id,
        item=item,
        source=source,
        position=(last.position + 1) if last else 0,
        name=name[:300],
        role=Attachment.Role.BILAG,
        file=file,
        uploaded=True,
        uploaded_by=user,
    )
    if not created:
        refresh_attachment_text([item.pk])
    return attachment, created
