"""Every save or delete of archive content moves the content version (archive.versions)."""

from django.db.models.signals import post_delete, post_save

from archive import versions
from archive.models import AgendaItem, Committee, Meeting, Municipality, SourceDocument


def connect():
    """Called once, from ArchiveConfig.ready()."""
    for model in (Municipality, Committee, Meeting, AgendaItem, SourceDocument):
        name = model.__name__
        post_save.connect(versions.changed, sender=model, dispatch_uid=f"versions-save-{name}")
        post_delete.connect(versions.changed, sender=model, dispatch_uid=f"versions-delete-{name}")
