"""The admin's upload workflow as plain functions: no requests, no templates.

    prepare(files)  check size and real type, parse each file in a child process with a time
                    limit, keep bytes and parse result server-side; returns a token
    preview(record) what each file holds, and what it would change in the archive
    confirm(record) store the previewed documents, all of them or none
    discard(token)  forget a pending upload (cancel, or after confirm)

Nothing is written to the archive's tables before `confirm`. A pending upload is kept as its
own record in Django's server-side session table (not in the editor's session, which is read
on every admin request): the bytes and exactly the parse result the editor saw, signed by
Django. Nothing of it travels through the browser but the random token.
"""

import base64
import datetime
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import Meeting, Outcome, SourceDocument
from ingest import bundles, limits, pipeline, sources, store
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

# An export of a case system or First Agenda: a ZIP or tar.gz of one meeting, or one
# structured file (First Agenda's JSON, an ESDH manifest). Read by its own reader.
EXPORT = "export"
# What a file name promises, by extension. `sniff` names text, Markdown included, "text".
CLAIMS = {
    ".pdf": pipeline.PDF,
    ".html": pipeline.HTML,
    ".htm": pipeline.HTML,
    ".txt": pipeline.TEXT,
    ".md": pipeline.TEXT,
    ".markdown": pipeline.TEXT,
}
# The ingest package's messages end in an English gloss: "(the file is empty)". Editors read
# Danish; the gloss starts with one of these words.
ENGLISH_GLOSS = re.compile(
    r"\s*\((?:the|a|an|no|internal|use|this|it|municipality)\b[^()]*(?:\([^()]*\)[^()]*)*\)", re.I
)


def family_name(family: str) -> str:
    return {
        pipeline.PDF: _("en PDF"),
        pipeline.HTML: _("en webside (HTML)"),
        pipeline.TEXT: _("almindelig tekst"),
        EXPORT: _("en eksport fra et sagssystem (ZIP, XML eller JSON)"),
    }.get(family, family)


def danish(message: str) -> str:
    """An ingest message without its English gloss, its command-line hints as form fields."""
    message = ENGLISH_GLOSS.sub("", message).strip()
    return message.replace("(--committee)", _("i feltet „Udvalg“")).replace(
        "(--municipality)", _("i feltet „Kommune“")
    )


# --- Checks ---------------------------------------------------------------------------------


def too_big(size: int) -> str:
    limit = settings.MAX_UPLOAD_BYTES
    return _(
        "Filen fylder %(size)s, men grænsen er %(limit)s. Del referatet op i flere filer, eller "
        "gem PDF'en i en mindre udgave (fx uden billeder), og upload den igen."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}


def check(data: bytes, file_name: str) -> str:
    """Refuse a file that is too big, empty, no document, or not what its name says.

    Returns the input family found in the bytes (pdf, html, text). An HTML file named .pdf
    is refused: a .pdf that is a web page is nearly always a download that went wrong (an
    error or login page), and storing it as the "original PDF" would mislead readers.
    """
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise IngestError(too_big(len(data)), file_name)
    if not data.strip():
        raise IngestError(
            _("Filen er tom. Gem referatet igen fra kommunens system, og upload den nye fil."),
            file_name,
        )
    if bundles.archive_kind(data) is not None or pipeline.structured_reader(data) is not None:
        family = EXPORT
    else:
        try:
            family = pipeline.sniff(data)
        except IngestError as error:
            raise IngestError(danish(error.message), file_name) from None
    claimed = CLAIMS.get(PurePath(file_name).suffix.lower())
    if claimed and claimed != family:
        raise IngestError(_mismatch(file_name, claimed, family), file_name)
    return family


def _mismatch(file_name, claimed, family):
    suffix = {pipeline.PDF: ".pdf", pipeline.HTML: ".html", pipeline.TEXT: ".txt"}.get(
        family, ".zip"
    )
    return _(
        "Filen hedder „%(name)s“, men indeholder %(actual)s, ikke %(claimed)s. Det sker ofte, "
        "når en download er gået galt. Hent referatet igen fra kommunens hjemmeside; er "
        "indholdet rigtigt, så giv filen endelsen %(suffix)s og upload den igen."
    ) % {
        "name": file_name,
        "actual": family_name(family),
        "claimed": family_name(claimed),
        "suffix": suffix,
    }


def find_duplicate(sha256: str) -> SourceDocument | None:
    return (
        SourceDocument.objects.select_related("meeting__committee__municipality")
        .filter(sha256=sha256)
        .first()
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


# --- Preview and difference ---------------------------------------------------------------------


@dataclass
class ItemChange:
    label: str
    title: str
    fields: list[str]


@dataclass
class Diff:
    """How a new version of a meeting differs from the stored one."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    meeting_fields: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.meeting_fields)


@dataclass
class FilePreview:
    """One file of a pending upload as the editor sees it."""

    name: str
    size: int
    sha256: str = ""
    error: str = ""
    duplicate: SourceDocument | None = None
    meeting: dict | None = None
    existing: Meeting | None = None
    diff: Diff | None = None

    @property
    def status(self) -> str:
        """error, duplicate, new, upgrade (minutes for a stored agenda) or replace."""
        if self.error:
            return "error"
        if self.duplicate is not None:
            return "duplicate"
        if self.existing is None:
            return "new"
        if self.existing.kind == Meeting.Kind.AGENDA and self.meeting["kind"] == "referat":
            return "upgrade"
        return "replace"


def preview(record: dict) -> list[FilePreview]:
    """Every file of a pending upload, compared with what the archive holds now."""
    return [_preview_one(entry) for entry in record["files"]]


def _preview_one(entry):
    view = FilePreview(entry["name"], entry["size"], entry.get("sha256", ""), entry.get("error"))
    if view.error:
        return view
    view.duplicate = find_duplicate(view.sha256)
    if view.duplicate is not None or not entry.get("parsed"):
        if view.duplicate is None:  # stored once and since deleted: read it again
            view.error = _("Filen blev fundet i arkivet, men er siden slettet. Upload den igen.")
        return view
    view.meeting = _readable(entry["parsed"])
    view.existing = existing_meeting(view.meeting)
    if view.existing is not None:
        view.diff = diff(view.existing, view.meeting)
    return view


def _readable(parsed: dict) -> dict:
    """The stored parse result with real dates and times, for templates."""
    meeting = dict(parsed)
    meeting["date"] = datetime.date.fromisoformat(parsed["date"])
    meeting["time"] = _time(parsed["time"])
    meeting["warnings"] = [danish(warning) for warning in parsed["warnings"]]
    meeting["kind_label"] = _label_of(Meeting.Kind, parsed["kind"])
    meeting["format_label"] = {
        pipeline.PDF: "PDF",
        pipeline.HTML: "HTML",
        pipeline.MARKDOWN: "Markdown",
        pipeline.TEXT: _("tekst"),
    }.get(parsed["format"], parsed["format"])
    files = parsed.get("files", [])
    meeting["items"] = [
        item
        | {
            "outcome_label": _label_of(Outcome, item["outcome"]),
            "files": [f for f in files if f["item"] == item["position"]],
        }
        for item in parsed["items"]
    ]
    meeting["meeting_files"] = [f for f in files if f["item"] is None]
    meeting["stored_files"] = sum(1 for f in files if f["sha256"])
    return meeting


def _time(value):
    return datetime.time.fromisoformat(value) if isinstance(value, str) else value


def _label_of(choices, value):
    return str(choices(value).label) if value in choices.values else value


def existing_meeting(meeting: dict) -> Meeting | None:
    return (
        Meeting.objects.select_related("committee__municipality")
        .filter(
            committee__municipality__name=meeting["municipality"],
            committee__name=meeting["committee"],
            date=meeting["date"],
        )
        .first()
    )


ITEM_FIELDS = {
    "title": gettext_lazy("titel"),
    "case_number": gettext_lazy("sagsnummer"),
    "decision": gettext_lazy("beslutning"),
    "outcome": gettext_lazy("udfald"),
    "closed": gettext_lazy("lukket/åbent"),
}


def diff(meeting: Meeting, new: dict) -> Diff:
    """Items added, removed and changed (matched by number, else by title), and which facts
    of the meeting itself change."""
    old_items = {
        _key(row): row
        for row in meeting.items.order_by("position").values(
            "position", "number", "title", "case_number", "decision", "outcome", "closed"
        )
    }
    new_items = {_key(item): _comparable(item) for item in new["items"]}
    result = Diff(
        added=[item for key, item in new_items.items() if key not in old_items],
        removed=[item for key, item in old_items.items() if key not in new_items],
    )
    for key, item in new_items.items():
        old = old_items.get(key)
        changed = [_field_change(f, old, item) for f in ITEM_FIELDS if old and old[f] != item[f]]
        if changed:
            result.changed.append(ItemChange(_label(item), item["title"], changed))
    result.meeting_fields = _meeting_changes(meeting, new)
    return result


def _field_change(name, old, new):
    """ "titel", or for the outcome what it was and becomes: "udfald (drøftet → udsat)"."""
    if name != "outcome":
        return str(ITEM_FIELDS[name])
    before, after = (_label_of(Outcome, row["outcome"]).lower() for row in (old, new))
    return f"{ITEM_FIELDS[name]} ({before} → {after})"


def _key(item):
    return ("number", item["number"]) if item["number"] is not None else ("title", item["title"])


def _comparable(item):
    return {
        "position": item["position"],
        "number": item["number"],
        "title": item["title"],
        "case_number": item["case_number"] or "",
        "decision": item["decision"] or "",
        "outcome": item["outcome"],
        "closed": item["closed"],
    }


def _label(item):
    if item["number"] is not None:
        return _("Punkt %(number)s") % {"number": item["number"]}
    return _("Punkt uden nummer (nr. %(position)s i rækken)") % {"position": item["position"]}


def _meeting_changes(meeting, new):
    people = lambda rows: [(p["name"], p["party"]) for p in rows]  # noqa: E731
    pairs = [
        (_("type"), meeting.kind, new["kind"]),
        (_("tidspunkt"), meeting.start_time, _time(new["time"])),
        (_("mødested"), meeting.location, (new["location"] or "")[:300]),
        (_("deltagere"), people(meeting.participants), people(new["participants"])),
        (_("fraværende"), people(meeting.absent), people(new["absent"])),
    ]
    return [label for label, old, value in pairs if old != value]


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
    view = _preview_one(entry)
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
        time=_time(data["time"]),
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
