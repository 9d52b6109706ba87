"""The archive's domain: municipalities and regions, their committees, meetings, agenda items,
the original documents they were parsed from, their files and the people in them.

One module per part (bodies, minutes, files, people); every model is imported from here
(`from archive.models import Meeting`), and Django finds them here.
"""

from archive.models.bodies import Committee, Municipality
from archive.models.files import Attachment, AttachmentPage, StoredFile
from archive.models.minutes import AgendaItem, Meeting, Outcome, SourceDocument, Term
from archive.models.people import Attendance, Person

__all__ = [
    "AgendaItem",
    "Attachment",
    "AttachmentPage",
    "Attendance",
    "Committee",
    "Meeting",
    "Municipality",
    "Outcome",
    "Person",
    "SourceDocument",
    "StoredFile",
    "Term",
]
