"""What the paths given to `ingest` (or an upload, or `evaluate_ingest`) hold.

A `Source` is one thing to read: a single file (a PDF, a First Agenda JSON file, ...) or an
export read as one meeting (a folder or an archive with a manifest and the files it
references). `discover` finds them under the given paths; `read` reads one, Django-free, so
that it can run in the limited child process (`ingest.limits.Sandbox`).

Exports are found by their manifests: the XML files an ESDH reader (a module in
`pipeline.STRUCTURED` with `meeting_key`) recognises. All manifests of one meeting — an
index and its content file, or several published versions — and the files around them are
one Source: the highest folder that holds that meeting's manifests and nothing of another
meeting's (climbing only through folders that hold nothing else). A ZIP or tar.gz is one
Source whatever it holds; it is told from a document by its bytes, not its name.
"""

import hashlib
import importlib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest import bundles, pipeline
from ingest.errors import IngestError
from ingest.parsed import BILAG, Attachment, ParsedDocument
from ingest.pipeline import parse_document
from ingest.readers import esdh

MAX_FILE_BYTES = 50 * 1024**2  # the same limit as uploads (settings.MAX_UPLOAD_BYTES)
FILE = "file"
FOLDER = "folder"
HEAD_BYTES = 65536
# A folder's own description ("README.md" beside the files it describes) is not a document.
FOLDER_NOTES = re.compile(r"^readme(?:\.(?:md|txt|rst|markdown))?$", re.I)


FILE_TYPES = {
    ".pdf", ".doc", ".docx", ".docm", ".rtf", ".odt", ".txt", ".htm", ".html", ".xls", ".xlsx",
    ".ods", ".csv", ".ppt", ".pptx", ".odp", ".msg", ".eml", ".jpg", ".jpeg", ".png", ".gif",
    ".tif", ".tiff", ".xml", ".zip",
}  # fmt: skip
# Which files an export references does not depend on the names given for it, and an
# export that names neither municipality nor committee must still have a digest.
NAMES_FOR_DIGEST = {"municipality": "(digest)", "committee": "(digest)"}


@dataclass
class Source:
    name: str  # for messages: the path as given
    path: Path
    kind: str = FILE  # FILE (a document, a manifest or an archive) or FOLDER (an export)

    def read_bytes(self) -> bytes:
        if self.kind == FOLDER:
            raise IngestError(f"{self.name} er en mappe, ikke en fil (a folder, not a file).")
        size = self.path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024**2
            raise IngestError(
                f"Filen er for stor ({size / 1024**2:.1f} MB); grænsen er {limit} MB "
                f"(the file exceeds the {limit} MB limit).",
                self.name,
            )
        return self.path.read_bytes()


def export_readers():
    """The structured readers that read exports (they can tell which meeting a file is)."""
    modules = [importlib.import_module(name) for name in pipeline.STRUCTURED]
    return [module for module in modules if hasattr(module, "meeting_key")]


def manifest_reader(data: bytes):
    """The export reader that recognises these bytes as one of its manifests, or None."""
    if not _may_be_xml(data):
        return None
    for reader in export_readers():
        if reader.recognise(data):
            return reader
    return None


def _may_be_xml(head: bytes) -> bool:
    head = head[:512].removeprefix(b"\xef\xbb\xbf")
    return head.lstrip()[:1] == b"<" or head.startswith((b"\xff\xfe", b"\xfe\xff"))


# --- discover -------------------------------------------------------------------------


def discover(paths) -> list[Source]:
    """Every source under the given files and folders, in a stable order."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(_discover_folder(path))
        else:
            found.append(Source(str(path), path))
    return found


def _discover_folder(top: Path) -> list[Source]:
    files = _visible_files(top)
    manifests = _manifests_on_disk(top, files)
    below: dict[str, set[str]] = {}  # folder -> keys of the manifests below it
    for path, key in manifests.items():
        for folder in _ancestors(path):
            below.setdefault(folder, set()).add(key)
    by_key: dict[str, list[str]] = {}
    for path, key in manifests.items():
        by_key.setdefault(key, []).append(path)
    roots, singles, consumed = [], [], set()
    for key, paths in by_key.items():
        root = _export_root(top, paths, key, below)
        if root is not None:
            roots.append(root)
        else:
            # A manifest among other meetings' files: read alone, with what it names.
            single = _primary(top, paths)
            singles.append(single)
            consumed.update(p for p in paths if p != single)
        consumed.update(paths)
    sources = [Source(str(top / root) if root else str(top), top / root, FOLDER) for root in roots]
    for path in files:
        inside = any(root == "" or path.startswith(root + "/") for root in roots)
        if not inside and (path not in consumed or path in singles):
            sources.append(Source(str(top / path), top / path))
    return sorted(sources, key=lambda s: s.name)


def _visible_files(top: Path) -> list[str]:
    found = []
    for directory, subdirs, names in os.walk(top, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        relative = Path(directory).relative_to(top)
        for name in sorted(names):
            full = Path(directory) / name
            if name.startswith(".") or FOLDER_NOTES.match(name):
                continue
            if full.is_file() and not full.is_symlink():
                found.append((relative / name).as_posix())
    return found


def _manifests_on_disk(top: Path, files: list[str]) -> dict[str, str]:
    """{path: meeting key} for every file an export reader takes for a manifest."""
    found = {}
    for path in files:
        full = top / path
        try:
            if full.stat().st_size > MAX_FILE_BYTES:
                continue
            with open(full, "rb") as handle:
                head = handle.read(HEAD_BYTES)
            reader = manifest_reader(head)
            key = reader.meeting_key(full.read_bytes()) if reader is not None else None
        except (OSError, IngestError):
            continue  # read on its own later, where the error is reported
        if key:
            found[path] = key
    return found


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return [""] + ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _lowest_common(paths: list[str]) -> str:
    return posixpath.commonpath(paths) if len(paths) > 1 else posixpath.dirname(paths[0])


def _export_root(top: Path, paths, key, below) -> str | None:
    """The folder that is this meeting's export, or None when its manifests lie among
    other meetings' (then the primary manifest is read on its own)."""
    common = _lowest_common(paths)
    if below.get(common) != {key}:
        common = posixpath.dirname(_primary(top, paths))
        if below.get(common) != {key}:
            return None
    # Climb through folders that hold nothing but this one ("2017-05-02 10.00/Dagsorden/").
    while common:
        parent = posixpath.dirname(common)
        entries = [e for e in os.listdir(top / parent) if not e.startswith(".")]
        if len(entries) != 1:
            break
        common = parent
    return common


def _primary(top: Path, paths: list[str]) -> str:
    reader = manifest_reader((top / paths[0]).read_bytes()[:HEAD_BYTES])
    return _choose(reader, paths, lambda p: (top / p).read_bytes(), None)


def _choose(reader, paths, load, bundle) -> str:
    """The manifest to read: the reader's choice, else the best ranked, shallowest, first."""
    if reader is not None and hasattr(reader, "primary"):
        return reader.primary(bundle, paths)
    rank = getattr(reader, "rank", None)
    return min(paths, key=lambda p: (rank(load(p)) if rank else 0, p.count("/"), p))


# --- read -----------------------------------------------------------------------------


def digest(source: Source) -> str:
    """The content hash that makes a re-ingest of the same source a no-op: the bytes of a
    file or archive; for an export folder or a manifest, the manifests and every file they
    reference (so it takes a read of the export to know)."""
    if source.kind == FOLDER:
        return read(source, **NAMES_FOR_DIGEST)[0].sha256
    data = source.read_bytes()
    if bundles.archive_kind(data) is None and manifest_reader(data) is not None:
        return read(source, **NAMES_FOR_DIGEST)[0].sha256
    return hashlib.sha256(data).hexdigest()


def read(source: Source, *, municipality=None, committee=None) -> list[ParsedDocument]:
    """The documents in one source (one per meeting), each carrying its original bytes."""
    options = {"municipality": municipality, "committee": committee}
    if source.kind == FOLDER:
        bundle = bundles.FolderBundle(source.path, label=source.name)
        return [read_bundle(bundle, source.name, **options)]
    data = source.read_bytes()
    if bundles.archive_kind(data) is not None:
        return [read_archive(data, source.name, **options)]
    if manifest_reader(data) is not None:
        bundle = bundles.FolderBundle(source.path.parent, dedicated=False, label=source.name)
        bundle.at(source.path.name)
        parsed = parse_document(data, source=source.name, bundle=bundle, **options)
        return [_as_export(parsed, data, bundle.digest([source.path.name]))]
    parsed = parse_document(data, source=source.name, **options)
    parsed.original = data
    return [parsed]


def read_upload(data: bytes, name: str, *, municipality=None, committee=None) -> ParsedDocument:
    """One uploaded file: an export packed as ZIP or tar.gz, or a single document (a PDF, a
    First Agenda JSON file, a manifest without the files it references)."""
    if bundles.archive_kind(data) is not None:
        return read_archive(data, name, municipality=municipality, committee=committee)
    parsed = parse_document(data, source=name, municipality=municipality, committee=committee)
    parsed.original = data
    return parsed


def fill_from_archive(parsed: ParsedDocument, data: bytes):
    """Put back the bytes of every file an export's parse result names by its path (a
    parse result kept as JSON carries no bytes): each checked against its SHA-256."""
    if bundles.archive_kind(data) is None:
        return
    bundle = bundles.open_archive(data, label=parsed.source)
    for _position, attachment in parsed.all_files():
        if not attachment.path or not attachment.expected_sha256:
            continue
        content = bundle.read(attachment.path)
        if hashlib.sha256(content).hexdigest() != attachment.expected_sha256:
            raise IngestError(
                f"Filen {attachment.path} i eksporten er ikke den, der blev vist. "
                "(A file in the export changed.)",
                parsed.source,
            )
        attachment.data = content


def read_archive(data: bytes, name: str, *, municipality=None, committee=None) -> ParsedDocument:
    """An export packed as ZIP or tar.gz: the archive is the original and its hash the key."""
    try:
        bundle = bundles.open_archive(data, label=name)
    except IngestError as error:
        error.source = error.source or name
        raise
    parsed = read_bundle(bundle, name, municipality=municipality, committee=committee)
    return _as_export(parsed, data, hashlib.sha256(data).hexdigest())


def read_bundle(bundle, name: str, *, municipality=None, committee=None) -> ParsedDocument:
    """One export (a folder or an unpacked archive) as one meeting."""
    manifests = _manifests_in(bundle, name)
    reader = manifests[0][1]
    paths = [path for path, _reader, _key in manifests]
    chosen = _choose(reader, paths, bundle.peek, bundle)
    data = bundle.read(chosen)
    bundle.at(chosen)
    parsed = parse_document(
        data, source=name, municipality=municipality, committee=committee, bundle=bundle
    )
    if bundle.dedicated:
        keep_unreferenced(parsed, bundle, set(paths))
    return _as_export(parsed, data, bundle.digest(paths))


def _manifests_in(bundle, name: str):
    found = []
    for path in bundle.files():
        reader = manifest_reader(bundle.head(path, HEAD_BYTES))
        if reader is None:
            continue
        key = reader.meeting_key(bundle.peek(path))
        if key:
            found.append((path, reader, key))
    if not found:
        raise IngestError(
            "Eksporten indeholder intet manifest, som et ESDH-system skriver det (fx "
            "eDocAgendaPublishing.xml, dagsorden.xml eller SBSYS' Publication-XML). "
            "(No manifest found in the export.)",
            name,
        )
    formats = {reader.FORMAT for _path, reader, _key in found}
    keys = {key for _path, _reader, key in found}
    if len(formats) > 1 or len(keys) > 1:
        raise IngestError(
            f"Eksporten indeholder {len(keys)} møder ({', '.join(sorted(formats))}); én "
            "eksport skal være ét møde. Indlæs dem hver for sig. "
            "(The export holds several meetings.)",
            name,
        )
    return found


def _as_export(parsed: ParsedDocument, original: bytes, sha256: str) -> ParsedDocument:
    parsed.original = original
    parsed.sha256 = sha256
    parsed.size = len(original)
    return parsed


def keep_unreferenced(parsed: ParsedDocument, bundle, manifests: set[str]):
    """Files of the export that the manifest does not name are kept with the meeting.

    A byte-identical copy of a file already kept is not kept twice (exports write the same
    bilag under its number and under its title); a file named like an item's attachment
    ("<bilag title>.pdf") is that attachment's rendition and goes with its item;
    stylesheets of an HTML rendering are not content."""
    meeting = parsed.meeting
    seen = set(bundle.opened.values())
    by_name = {}
    for item in meeting.items:
        for attachment in item.files:
            by_name.setdefault(stem_key(attachment.name), item)
    kept = []
    for path in bundle.files():
        if path in bundle.opened or path in bundle.claimed or path in manifests:
            continue
        if posixpath.splitext(path)[1].casefold() in bundles.PRESENTATION:
            continue
        data = bundle.read(path)
        sha = bundle.opened[path]
        if sha in seen:
            continue
        seen.add(sha)
        shown = unicodedata.normalize("NFC", posixpath.basename(path))
        attachment = Attachment(shown, data, path, "", BILAG, esdh.content_type(path, data))
        owner = by_name.get(stem_key(shown))
        if owner is not None:
            owner.files.append(attachment)
        else:
            meeting.files.append(attachment)
            kept.append(shown)
    if kept:
        meeting.warnings.append(
            f"{len(kept)} fil(er) i eksporten nævnes ikke i manifestet og er gemt ved mødet: "
            f"{', '.join(kept)}. (Files the manifest does not name were kept with the meeting.)"
        )


def stem_key(name: str) -> str:
    """A file's name without its type ("Notat 20.09.2012.pdf" -> "notat 20.09.2012"); a
    listed title keeps its dots ("Temamøde 20.09.2012" is not a file type)."""
    stem, extension = posixpath.splitext(name)
    if extension.casefold() not in FILE_TYPES:
        stem = name
    return unicodedata.normalize("NFC", stem).casefold().strip()
