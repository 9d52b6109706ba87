"""How alerts learn of new items: a hook on the meeting's save, run when the ingest's
transaction commits."""

from django.db import transaction
from django.db.models.signals import post_save

from alerts import sightings, tasks
from archive.models import Meeting


def connect_signals():
    post_save.connect(meeting_saved, sender=Meeting, dispatch_uid="alerts-meeting-saved")


def meeting_saved(instance, **_):
    """After the saving transaction commits (its items are written by then)."""
    meeting_id = instance.pk
    transaction.on_commit(lambda: meeting_committed(meeting_id), robust=True)


def meeting_committed(meeting_id: int):
    """Record the meeting's items; followers of a newly seen case are sent to at once."""
    new = sightings.record([meeting_id])
    if new:
        tasks.send_to_case_followers(new)
