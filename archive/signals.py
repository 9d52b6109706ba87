"""Every save or delete of archive content moves the content version (archive.versions)."""

from django.db.models.signals import post_delete, post_save

from archive import versions
from archive.models import (
    AgendaItem,
    Attachment,
    Committee,
    Meeting,
    Municipality,
    SourceDocument,
    StoredFile,
)


def connect():
    """Called once, from ArchiveConfig.ready()."""
    # A file's text arriving (StoredFile) or an editor's bilag (Attachment) changes item pages.
    models = (Municipality, Committee, Meeting, AgendaItem, SourceDocument, Attachment, StoredFile)
    for model in models:
        name = model.__name__
        post_save.connect(versions.changed, sender=model, dispatch_uid=f"versions-save-{name}")
        post_delete.connect(versions.changed, sender=model, dispatch_uid=f"versions-delete-{name}")
