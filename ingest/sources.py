"""What the paths given to `ingest` (or an upload, or `evaluate_ingest`) hold.

A `Source` is one thing to read: a single file (a PDF, a First Agenda JSON file, ...) or an
export read as one meeting (a folder or an archive with a manifest and the files it
references). `discover` finds them under the given paths; `read` reads one, Django-free, so
that it can run in the limited child process (`ingest.limits.Sandbox`).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError
from ingest.parsed import ParsedDocument
from ingest.pipeline import parse_document

MAX_FILE_BYTES = 50 * 1024**2  # the same limit as uploads (settings.MAX_UPLOAD_BYTES)


@dataclass
class Source:
    name: str  # for messages: the path as given
    path: Path

    def read_bytes(self) -> bytes:
        size = self.path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024**2
            raise IngestError(
                f"Filen er for stor ({size / 1024**2:.1f} MB); grænsen er {limit} MB "
                f"(the file exceeds the {limit} MB limit).",
                self.name,
            )
        return self.path.read_bytes()


def discover(paths) -> list[Source]:
    """Every source under the given files and folders, in a stable order."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                # Hidden below the folder given, that is: "../shared/realdocs" is no hidden path.
                inside = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in inside):
                    found.append(Source(str(child), child))
        else:
            found.append(Source(str(path), path))
    return found


def digest(source: Source) -> str:
    """The content hash that makes a re-ingest of the same source a no-op."""
    return hashlib.sha256(source.read_bytes()).hexdigest()


def read(source: Source, *, municipality=None, committee=None) -> list[ParsedDocument]:
    """The documents in one source (one per meeting), each carrying its original bytes."""
    data = source.read_bytes()
    parsed = parse_document(
        data, source=source.name, municipality=municipality, committee=committee
    )
    parsed.original = data
    return [parsed]
