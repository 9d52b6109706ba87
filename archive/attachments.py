"""The bilag of an item as the archive shows and searches them.

The text of every stored file is read in the background (ingest's job, docs/attachments.md);
what an item's search needs of it is copied onto the item's row (`attachment_text`), since a
generated search vector can only read its own row. `refresh_attachment_text` is that copy:
called by the job when a file's text arrives, and by the store when items are written anew.
"""

from archive import limits, versions
from archive.models import AgendaItem, Attachment


def item_attachment_text(item_id: int) -> str:
    """The item's bilag with text, each as its name and then its pages, in their order, cut
    at ATTACHMENT_TEXT_CHARS. The item's own PDF (role document) is left out: its text is
    the item's own, already indexed with higher weights."""
    parts, size = [], 0
    links = (
        Attachment.objects.filter(item_id=item_id, role=Attachment.Role.BILAG)
        .exclude(file__text="")
        .exclude(file__isnull=True)
        .order_by("position", "pk")
        .values_list("name", "file__text")
    )
    for name, text in links:
        part = f"{name}\n\n{text}"
        parts.append(part)
        size += len(part) + 2
        if size >= limits.ATTACHMENT_TEXT_CHARS:
            break
    return "\n\n".join(parts)[: limits.ATTACHMENT_TEXT_CHARS]


def refresh_attachment_text(item_ids) -> int:
    """Copy the bilag's text onto these items (closed items get none); rows whose text is
    unchanged are not written. Returns how many items changed. Idempotent: the text is
    built anew from the files each time, so running it twice stores it once."""
    changed = 0
    for pk, closed in AgendaItem.objects.filter(pk__in=list(item_ids)).values_list("pk", "closed"):
        text = "" if closed else item_attachment_text(pk)
        changed += (
            AgendaItem.objects.filter(pk=pk)
            .exclude(attachment_text=text)
            .update(attachment_text=text)
        )
    if changed:
        versions.changed()  # update() sends no signal, and cached searches must go
    return changed


def items_with_read_files(item_ids) -> list[int]:
    """Of these items, those with a bilag whose text is already known (a file seen before)."""
    return list(
        Attachment.objects.filter(item_id__in=list(item_ids), role=Attachment.Role.BILAG)
        .exclude(file__text="")
        .exclude(file__isnull=True)
        .values_list("item_id", flat=True)
        .distinct()
    )


def files_of(item) -> list[Attachment]:
    """The item's files as its page lists them: bilag and its own PDF, in their order, each
    with its stored file's facts (not its bytes)."""
    return list(
        Attachment.objects.filter(item=item)
        .order_by("role", "position", "pk")
        .select_related("file")
        .defer("file__data", "file__text")
    )


def public_attachments():
    """Attachments the public may download: of published meetings, never of closed items."""
    return Attachment.objects.filter(meeting__published=True, file__isnull=False).exclude(
        item__closed=True
    )
