"""The admin's upload workflow as plain functions: no requests, no templates.

    prepare(files)  check size and real type, parse each file in a child process with a time
                    limit, keep bytes and parse result server-side; returns a token
    preview(record) what each file holds, and what it would change in the archive
    confirm(record) store the previewed documents, all of them or none
    discard(token)  forget a pending upload (cancel, or after confirm)

The checks live in `ingest.upload_checks`, the preview and its difference in
`ingest.upload_preview`; their public names are importable from here as well.

Nothing is written to the archive's tables before `confirm`. A pending upload is kept as its
own record in Django's server-side session table (not in the editor's session, which is read
on every admin request): the bytes and exactly the parse result the editor saw, signed by
Django. Nothing of it travels through the browser but the random token.
"""

import base64
import datetime
import hashlib
import time
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingest import limits, sources, store
from ingest.errors import IngestError
from ingest.limits import Sandbox
from ingest.parsed import (
    Attachment,
    CaseNumber,
    DecisionPart,
    Item,
    ParsedDocument,
    Person,
    Reference,
)
from ingest.parsed import Meeting as ParsedMeeting
from ingest.upload_checks import EXPORT, check, danish, family_name, find_duplicate, too_big
from ingest.upload_preview import (
    Diff,
    FilePreview,
    ItemChange,
    diff,
    preview,
    preview_file,
    stored_time,
)

__all__ = [
    "EXPORT",
    "Diff",
    "FilePreview",
    "ItemChange",
    "Stored",
    "check",
    "confirm",
    "danish",
    "diff",
    "discard",
    "family_name",
    "find_duplicate",
    "from_json",
    "load",
    "parse_limited",
    "prepare",
    "preview",
    "too_big",
]

# Time for parsing all files of one upload request. Keep it below the web server's request
# timeout (GUNICORN_TIMEOUT, 30 s): a file that needs longer is refused, not left hanging.
PARSE_SECONDS = 20
PENDING_SECONDS = 24 * 3600
RECORD_KEY = "referatarkiv_upload"
SLOW_UPLOAD = gettext_lazy(
    "Det tog for lang tid at læse filen, så læsningen blev stoppet. Filen er "
    "måske beskadiget eller meget stor: gem den som PDF igen fra kommunens "
    "system, eller upload den alene. Hjælper det ikke, så kontakt en administrator."
)


# --- Parsing in a child process ---------------------------------------------------------------


def parse_limited(data, file_name, *, municipality=None, committee=None, seconds=None):
    """Read one uploaded file (a document or a packed export) in a limited child process
    (`ingest.limits`), killed after `seconds`."""
    seconds = PARSE_SECONDS if seconds is None else seconds
    try:
        with Sandbox(seconds=seconds) as sandbox:
            return sandbox.run(
                sources.read_upload,
                data,
                file_name,
                municipality=municipality,
                committee=committee,
            )
    except IngestError as error:
        if error.message.startswith(limits.TOO_SLOW[:30]):
            raise IngestError(SLOW_UPLOAD, file_name) from None
        raise IngestError(danish(error.message), file_name) from None


# --- Prepare: check and parse every file, keep the result ---------------------------------------


def prepare(files, *, user_id, municipality, committee="", seconds=None) -> str:
    """Check and parse uploaded files (objects with name, size and read()); keep them pending.

    Returns the token of the pending upload. Refused files are kept with their reason (and
    without their bytes) so that the preview can say what went wrong with each.
    """
    deadline = time.monotonic() + (PARSE_SECONDS if seconds is None else seconds)
    entries, seen_files, seen_meetings = [], set(), {}
    for upload in files:
        entry = {"name": PurePath(upload.name or "").name[:255] or "upload", "size": upload.size}
        try:
            _prepare_one(upload, entry, municipality, committee, deadline)
            _refuse_repeats(entry, seen_files, seen_meetings)
        except IngestError as error:
            entry |= {"error": error.message, "data": "", "parsed": None}
        entries.append(entry)
    record = SessionStore()
    record[RECORD_KEY] = {
        "user": user_id,
        "municipality": municipality,
        "committee": committee,
        "files": entries,
    }
    record.set_expiry(PENDING_SECONDS)
    record.save()
    return record.session_key


def _prepare_one(upload, entry, municipality, committee, deadline):
    name = entry["name"]
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise IngestError(too_big(upload.size), name)  # refused before reading it
    data = upload.read()
    check(data, name)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    if find_duplicate(entry["sha256"]) is not None:
        entry["duplicate"] = True
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise IngestError(
            _(
                "Der var ikke tid til at læse denne fil i samme upload som de andre. "
                "Upload den for sig."
            ),
            name,
        )
    parsed = parse_limited(
        data,
        name,
        municipality=municipality or None,
        committee=committee or None,
        seconds=remaining,
    )
    entry["parsed"] = parsed.as_json() | {"size": parsed.size}
    entry["data"] = base64.b64encode(data).decode("ascii")


def _refuse_repeats(entry, seen_files, seen_meetings):
    """One upload holds each file once, and one document per meeting."""
    sha = entry.get("sha256")
    if sha in seen_files:
        raise IngestError(_("Den samme fil er valgt to gange; den gemmes kun én gang."))
    seen_files.add(sha)
    parsed = entry.get("parsed")
    if parsed:
        key = (parsed["municipality"], parsed["committee"], parsed["date"])
        if key in seen_meetings:
            raise IngestError(
                _(
                    "„%(other)s“ i samme upload er også referatet af dette møde. Vælg den "
                    "rigtige af de to filer, og upload den alene."
                )
                % {"other": seen_meetings[key]}
            )
        seen_meetings[key] = entry["name"]


def load(token: str, user_id) -> dict | None:
    """The pending upload, if it exists, has not expired and belongs to this user."""
    record = SessionStore(session_key=token).get(RECORD_KEY)
    if not record or record.get("user") != user_id:
        return None
    return record


def discard(token: str):
    SessionStore(session_key=token).delete()


# --- Confirm ------------------------------------------------------------------------------------


@dataclass
class Stored:
    """What confirming did with one file: stored (with the store's outcome) or skipped."""

    name: str
    outcome: store.Stored | None = None
    skipped: str = ""


def confirm(record: dict, *, user, replace=frozenset()) -> list[Stored]:
    """Store every accepted file of a pending upload in one transaction: all or nothing.

    What is stored is exactly what the preview showed (the kept parse result), with the
    kept bytes as the original. A file for a meeting the archive holds already is stored
    only if its sha256 is in `replace` (a minutes document for a stored agenda always is).
    """
    results = []
    with transaction.atomic():
        for entry in record["files"]:
            if entry.get("error") or not entry.get("parsed"):
                continue
            results.append(_confirm_one(entry, user, entry["sha256"] in replace))
    return results


def _confirm_one(entry, user, replace):
    view = preview_file(entry)
    if view.status == "duplicate":
        return Stored(entry["name"], skipped=_("filen findes allerede i arkivet"))
    if view.status == "error":
        return Stored(entry["name"], skipped=view.error)
    if view.status == "replace" and not replace:
        return Stored(
            entry["name"],
            skipped=_("mødet findes allerede i arkivet, og du valgte ikke at erstatte det"),
        )
    data = base64.b64decode(entry["data"])
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise IngestError(_("Den gemte kopi af filen er beskadiget. Upload filen igen."))
    parsed = from_json(entry["parsed"])
    sources.fill_from_archive(parsed, data)
    return Stored(entry["name"], store.store(parsed, data, replace=replace, uploaded_by=user))


def from_json(data: dict) -> ParsedDocument:
    """A ParsedDocument back from `ParsedDocument.as_json()` (plus its size)."""
    meeting = ParsedMeeting(
        municipality=data["municipality"],
        committee=data["committee"],
        kind=data["kind"],
        date=datetime.date.fromisoformat(data["date"]),
        time=stored_time(data["time"]),
        location=data["location"] or "",
        participants=[Person(**p) for p in data["participants"]],
        absent=[Person(**p) for p in data["absent"]],
        items=[_item(item) for item in data["items"]],
        warnings=list(data["warnings"]),
        body_kind=data.get("body_kind", ""),
    )
    by_position = {item.position: item for item in meeting.items}
    for file in data.get("files", []):
        owner = by_position.get(file["item"])
        (owner.files if owner else meeting.files).append(Attachment.from_json(file))
    return ParsedDocument(
        source=data["source"],
        sha256=data["sha256"],
        format=data["format"],
        encoding=data["encoding"],
        size=data["size"],
        meeting=meeting,
    )


def _item(data):
    case = None
    if data["case_number"] is not None:
        kle = data["kle"] or {}
        case = CaseNumber(data["case_number"], data["case_number_normalized"], **kle)
    return Item(
        position=data["position"],
        number=data["number"],
        label=data.get("label", ""),
        parent=data.get("parent"),
        title=data["title"],
        closed=data["closed"],
        case_number=case,
        case_workers=list(data["case_workers"]),
        sections=dict(data["sections"]),
        decision=data["decision"] or "",
        outcome=data["outcome"],
        decision_parts=[DecisionPart(**part) for part in data["decision_parts"]],
        attachments=list(data["attachments"]),
        references=[
            Reference(r["number"], r["committee"], datetime.date.fromisoformat(r["date"]))
            for r in data["references"]
        ],
    )
