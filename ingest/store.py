"""Parsed documents into the archive's models: one document, one transaction."""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from archive.attachments import items_with_read_files, refresh_attachment_text
from archive.models import (
    AgendaItem,
    Attachment,
    Committee,
    Meeting,
    Municipality,
    SourceDocument,
    StoredFile,
)
from archive.people import link_meeting
from archive.search.vocabulary import add_to_vocabulary, item_texts
from core import bodies
from ingest import bundles, sources, tasks
from ingest.errors import IngestError
from ingest.parsed import ParsedDocument
from ingest.pipeline import PARSER_VERSION, parse_document

CREATED = "created"
DUPLICATE = "duplicate"
REPLACED = "replaced"


@dataclass
class Stored:
    """What storing one document did: created, replaced or found a duplicate."""

    status: str
    meeting: Meeting | None
    source: SourceDocument | None
    parsed: ParsedDocument | None = None
    warnings: list[str] = field(default_factory=list)


def ingest_bytes(
    data: bytes,
    *,
    file_name: str,
    municipality=None,
    committee=None,
    replace=False,
    uploaded_by=None,
) -> Stored:
    """Parse and store one document. Identical bytes already stored are a no-op."""
    check_size(data, file_name)
    existing = find_duplicate(data)
    if existing is not None:
        return Stored(DUPLICATE, existing.meeting, existing)
    parsed = parse_document(data, source=file_name, municipality=municipality, committee=committee)
    return store(parsed, data, replace=replace, uploaded_by=uploaded_by)


def check_size(data: bytes, file_name: str):
    if len(data) > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise IngestError(
            f"Filen er for stor ({len(data) / 1024 / 1024:.1f} MB); grænsen er {limit} MB "
            f"(the file exceeds the {limit} MB limit).",
            file_name,
        )


def find_duplicate(data: bytes) -> SourceDocument | None:
    return find_digest(hashlib.sha256(data).hexdigest())


def find_digest(sha256: str) -> SourceDocument | None:
    return SourceDocument.objects.select_related("meeting").filter(sha256=sha256).first()


def store(parsed: ParsedDocument, data: bytes, *, replace=False, uploaded_by=None) -> Stored:
    """Write the parsed meeting, all of it or nothing."""
    try:
        with transaction.atomic():
            return _store(parsed, data, replace, uploaded_by)
    except IntegrityError:
        # Someone stored the same bytes a moment ago (concurrent upload of one file).
        duplicate = find_digest(parsed.sha256)
        if duplicate is None:
            raise
        return Stored(DUPLICATE, duplicate.meeting, duplicate, parsed)


def _store(parsed, data, replace, uploaded_by):
    m = parsed.meeting
    committee = committee_for(m.municipality, m.committee, m.body_kind)
    meeting = Meeting.objects.select_for_update().filter(committee=committee, date=m.date).first()
    status = CREATED
    if meeting is not None:
        same = meeting.sources.filter(sha256=parsed.sha256).first()
        if same is not None:
            # A concurrent ingest of these very bytes committed while we were parsing.
            return Stored(DUPLICATE, meeting, same, parsed)
        upgrade = meeting.kind == Meeting.Kind.AGENDA and m.kind == Meeting.Kind.MINUTES
        if not (replace or upgrade):
            raise IngestError(
                f"Mødet {committee.name} {m.date:%d.%m.%Y} findes allerede i arkivet med et andet "
                "dokument. Brug --replace (eller 'Erstat' i admin) for at erstatte det. "
                "(A different document for this meeting exists; use --replace.)",
                parsed.source,
            )
        status = REPLACED
        meeting.items.all().delete()
    else:
        meeting = Meeting(committee=committee, date=m.date)
    meeting.kind = m.kind
    meeting.start_time = m.time
    meeting.location = m.location[:300]
    meeting.participants = [{"name": p.name, "party": p.party} for p in m.participants]
    meeting.absent = [{"name": p.name, "party": p.party} for p in m.absent]
    meeting.save()
    link_meeting(meeting)  # its people: a replaced meeting's attendance is replaced too
    source = SourceDocument.objects.create(
        original=data,
        sha256=parsed.sha256,
        file_name=parsed.source.rsplit("/", 1)[-1][:255] or "upload",
        size=parsed.size,
        format=parsed.format,
        encoding=parsed.encoding,
        parser_version=PARSER_VERSION,
        warnings=m.warnings,
        meeting=meeting,
        uploaded_by=uploaded_by,
    )
    meeting.sources.exclude(pk=source.pk).filter(status=SourceDocument.Status.CURRENT).update(
        status=SourceDocument.Status.SUPERSEDED, superseded_by=source
    )
    rows = AgendaItem.objects.bulk_create(item_rows(meeting, parsed))
    link_parents(rows, parsed)
    store_attachments(meeting, source, rows, parsed)
    add_to_vocabulary(["\n".join(item_texts(row).values()) for row in rows])
    return Stored(status, meeting, source, parsed, list(m.warnings))


def link_parents(rows: list[AgendaItem], parsed: ParsedDocument):
    """Sub-items ("3.1") point at their parent item, known by its position."""
    by_position = {row.position: row for row in rows}
    children = []
    for item in parsed.meeting.items:
        if item.parent is not None and item.parent in by_position:
            child = by_position[item.position]
            child.parent = by_position[item.parent]
            children.append(child)
    if children:
        AgendaItem.objects.bulk_update(children, ["parent"])


def store_attachments(meeting, source, rows, parsed: ParsedDocument):
    """Every file the document carries or names, each stored once by its content. New files
    get a job that reads their text once this transaction commits; items whose files were
    read before (the same bilag in another meeting) get that text at once."""
    by_position = {row.position: row for row in rows}
    links = []
    for index, (position, attachment) in enumerate(parsed.all_files()):
        links.append(
            Attachment(
                meeting=meeting,
                item=by_position.get(position),
                source=source,
                position=index,
                name=attachment.name[:300],
                role=attachment.role,
                path=attachment.path[:500],
                url=attachment.url[:500],
                file=stored_file(attachment),
            )
        )
    Attachment.objects.bulk_create(links)
    # New files, and any whose text an earlier job has not read yet (a second job for one
    # finds it read and does nothing).
    pending = StoredFile.Text.PENDING
    tasks.read_later(
        link.file_id for link in links if link.file and link.file.text_status == pending
    )
    refresh_attachment_text(items_with_read_files(row.pk for row in rows))


def stored_file(attachment) -> StoredFile | None:
    """The StoredFile of an attachment's bytes, once per content; None without bytes."""
    if attachment.data is None:
        return None
    file, _ = StoredFile.objects.get_or_create(
        sha256=attachment.sha256,
        defaults={
            "size": len(attachment.data),
            "content_type": attachment.content_type[:100],
            "data": attachment.data,
        },
    )
    return file


def committee_for(municipality_name: str, committee_name: str, kind: str = "") -> Committee:
    """The committee, created with its municipality when new.

    get_or_create retries the lookup when a concurrent ingest created the row first.
    """
    municipality = Municipality.objects.filter(name=municipality_name).first()
    if municipality is None:
        base = danish_slug(municipality_name.removesuffix(" Kommune")) or "kommune"
        municipality, _ = Municipality.objects.get_or_create(
            name=municipality_name,
            defaults={
                "slug": _free_slug(Municipality.objects, base),
                "kind": kind or bodies.kind_of(municipality_name),
            },
        )
    committee = municipality.committees.filter(name=committee_name).first()
    if committee is None:
        base = danish_slug(committee_name) or "udvalg"
        committee, _ = Committee.objects.get_or_create(
            municipality=municipality,
            name=committee_name,
            defaults={"slug": _free_slug(municipality.committees, base)},
        )
    return committee


def danish_slug(name: str) -> str:
    """Readable Danish slugs: "Børne- og Skoleudvalget" -> "boerne-og-skoleudvalget"."""
    return slugify(
        name.translate(
            str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
        )
    )


def _free_slug(queryset, base):
    slug, n = base[:90], 2
    while queryset.filter(slug=slug).exists():
        slug, n = f"{base[:90]}-{n}", n + 1
    return slug


def item_rows(meeting: Meeting, parsed: ParsedDocument) -> list[AgendaItem]:
    known = {"summary", "case_text", "recommendation", "decision", "economy", "legal_basis"}
    known |= {"decision_authority"}
    rows = []
    for item in parsed.meeting.items:
        case = item.case_number
        sections = item.sections
        rows.append(
            AgendaItem(
                meeting=meeting,
                municipality_id=meeting.committee.municipality_id,
                committee_id=meeting.committee_id,
                meeting_date=meeting.date,
                position=item.position,
                number=item.number,
                label=item.label[:20],
                title=item.title,
                closed=item.closed,
                case_number=case.printed[:100] if case else "",
                case_number_normalized=case.normalized[:100] if case else "",
                kle_subject=case.subject if case else "",
                kle_facet=case.facet if case else "",
                kle_serial=case.serial if case else None,
                kle_year=case.year if case else None,
                case_workers=item.case_workers,
                summary=sections.get("summary", ""),
                case_text=sections.get("case_text", ""),
                recommendation=sections.get("recommendation", ""),
                decision=item.decision,
                economy=sections.get("economy", ""),
                legal_basis=sections.get("legal_basis", ""),
                decision_authority=sections.get("decision_authority", ""),
                other_sections={k: v for k, v in sections.items() if k not in known},
                attachments=item.attachments,
                outcome=item.outcome,
                decision_parts=[
                    {"point": p.point, "text": p.text, "outcome": p.outcome}
                    for p in item.decision_parts
                ],
                references=[
                    {"number": r.number, "committee": r.committee, "date": r.date.isoformat()}
                    for r in item.references
                ],
            )
        )
    return rows


def relink_attachments(source, rows, parsed, uploaded=None):
    """After a re-parse: the source's stored files go to the new items of the same names.

    A re-parse reads the original again; files that came with an export are kept as they
    were stored, so only the link to the item is renewed. `uploaded`: {attachment id: item
    position} of the editors' files, read before the old items went."""
    uploaded = uploaded or {}
    by_position = {row.position: row for row in rows}
    names, stems = {}, {}
    for position, attachment in parsed.all_files():
        names.setdefault(attachment.name[:300], by_position.get(position))
        stems.setdefault(sources.stem_key(attachment.name), by_position.get(position))
    for link in source.attachments.all():
        if link.uploaded:
            # An editor's file is not in the original: it stays on its item's position.
            link.item = by_position.get(uploaded.get(link.pk))
        else:
            # A rendition kept beside a bilag ("<title>.pdf") follows the bilag's item.
            link.item = names.get(link.name, stems.get(sources.stem_key(link.name)))
        link.save(update_fields=["item"])
    refresh_attachment_text(items_with_read_files(row.pk for row in rows))


def reparsed(source: SourceDocument, meeting: Meeting) -> ParsedDocument:
    """The stored original read again: an archive as the export it is (its files come from
    the archive); a manifest or document alone (an export folder's files stay as stored)."""
    original = bytes(source.original)
    names = {
        "municipality": meeting.committee.municipality.name,
        "committee": meeting.committee.name,
    }
    if bundles.archive_kind(original) is not None:
        return sources.read_archive(original, source.file_name, **names)
    return parse_document(original, source=source.file_name, **names)


@dataclass
class Reparse:
    source: SourceDocument
    changed: bool
    before: int
    after: int
    error: str = ""


def reparse(source: SourceDocument) -> Reparse:
    """Run the current parser over a stored original and swap the items atomically."""
    meeting = source.meeting
    before = list(
        meeting.items.order_by("position").values_list("number", "title", "outcome", "decision")
    )
    try:
        parsed = reparsed(source, meeting)
    except IngestError as error:
        return Reparse(source, False, len(before), len(before), error.message)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        uploaded = dict(
            source.attachments.filter(uploaded=True, item__isnull=False).values_list(
                "pk", "item__position"
            )
        )
        meeting.items.all().delete()
        rows = AgendaItem.objects.bulk_create(item_rows(meeting, parsed))
        link_parents(rows, parsed)
        relink_attachments(source, rows, parsed, uploaded)
        m = parsed.meeting
        meeting.kind, meeting.start_time, meeting.location = m.kind, m.time, m.location[:300]
        meeting.participants = [{"name": p.name, "party": p.party} for p in m.participants]
        meeting.absent = [{"name": p.name, "party": p.party} for p in m.absent]
        meeting.save()
        link_meeting(meeting)
        source.parser_version, source.warnings = PARSER_VERSION, m.warnings
        source.save(update_fields=["parser_version", "warnings"])
    after = [(r.number, r.title, r.outcome, r.decision) for r in rows]
    return Reparse(source, before != after, len(before), len(after))
