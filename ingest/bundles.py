"""The files of an export, as readers see them: a folder, a ZIP or a tar.gz.

A case system publishes a meeting as a manifest (XML) plus the files it names: item PDFs,
bilag, HTML renderings. The names in the manifest are written for the system's own file
share, not for us: Windows paths (`Enclosures\\1.pdf`, `\\Attachments\\x.pdf`), another letter
case (`3687981.xml` for `3687981.XML`), URL-encoding, folders that are not there
(`Bilag/Punkt_1_….pdf` beside the manifest). `Bundle.find` resolves all of these; a name it
cannot resolve is a missing file (the reader warns), never a failure.

Archives come from outside, so they are opened bounded: member count, total unpacked size,
compression ratio (ZIP and gzip bombs), names that climb out (`../`, absolute paths),
links and devices in tar files, and archives inside the archive are each refused with one
IngestError before any reader sees a byte.
"""

import gzip
import hashlib
import io
import os
import posixpath
import tarfile
import unicodedata
import urllib.parse
import zipfile
from pathlib import Path

from ingest.errors import IngestError

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 50 * 1024**2  # one file: the upload limit
MAX_TOTAL_BYTES = 300 * 1024**2  # all files of one export, unpacked
MAX_RATIO = 100  # unpacked / packed, above which a member is a bomb, not a document
RATIO_FLOOR = 1024**2  # small members may compress well (a blank form): judged above this
MAX_DEPTH = 12

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
GZIP_MAGIC = b"\x1f\x8b"
# Files that are ZIP containers but documents, not archives: Office Open XML, ODF, EPUB.
PACKAGE_MARKERS = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml")
# Presentation files of an HTML rendering: part of the export, not content to keep.
PRESENTATION = {".css", ".xsl", ".xslt", ".js", ".map"}


def archive_kind(data: bytes) -> str | None:
    """ "zip" or "tar" when the bytes are an archive (a ZIP that is not an Office document, a
    tar file, or a gzip-compressed tar); None otherwise. Decided from the bytes alone."""
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return None if _is_package(data) else "zip"
    if data.startswith(GZIP_MAGIC):
        return "tar"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    return None


def _is_package(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return any(marker in names for marker in PACKAGE_MARKERS)


def canonical(name: str) -> str:
    """A member name as compared: '/' separators, Unicode NFC, case folded."""
    name = name.replace("\\", "/")
    return unicodedata.normalize("NFC", name).casefold()


class Bundle:
    """The files of one export, by path relative to its root ("a/b.pdf").

    `find(reference, base)` resolves a name as a manifest writes it; `read(path)` returns
    the bytes and records the file as used; `claim(path)` records a file as part of the
    export without storing it (an older version, a stylesheet). `dedicated` is True when
    every file of the bundle belongs to this export (a folder or an archive of its own),
    so files nobody referenced are kept with the meeting."""

    dedicated = True

    def __init__(self, label: str):
        self.label = label
        self.manifest = ""  # the manifest being read
        self.base = ""  # its folder: references are relative to it
        self.opened: dict[str, str] = {}  # path -> sha256 of what was read
        self.claimed: set[str] = set()

    # -- to implement ----------------------------------------------------------------
    def files(self) -> list[str]:
        raise NotImplementedError

    def _bytes(self, path: str) -> bytes:
        raise NotImplementedError

    def _lookup(self, path: str) -> str | None:
        """The member path for a normalised candidate path, matched case-insensitively."""
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------
    def read(self, path: str) -> bytes:
        data = self._bytes(path)
        self.opened[path] = hashlib.sha256(data).hexdigest()
        return data

    def at(self, manifest: str) -> "Bundle":
        """Read from this manifest on: references resolve relative to its folder."""
        self.manifest = manifest
        self.base = posixpath.dirname(manifest)
        return self

    def peek(self, path: str) -> bytes:
        """The bytes without recording the file as used (to look for manifests)."""
        return self._bytes(path)

    def head(self, path: str, size: int) -> bytes:
        return self._bytes(path)[:size]

    def claim(self, path: str):
        self.claimed.add(path)

    def find(self, reference: str, base: str | None = None) -> str | None:
        """The member a manifest's reference names, relative to the manifest's folder
        (`base`, by default the one being read) first, then to the export's root, then by
        its file name in that folder, and in an export of our own anywhere."""
        if not reference or not reference.strip():
            return None
        base = self.base if base is None else base
        for candidate in _spellings(reference.strip()):
            relative = candidate.lstrip("/")
            tries = [posixpath.join(base, relative), relative]
            tries.append(posixpath.join(base, posixpath.basename(relative)))
            for path in tries:
                found = self._lookup(_normal(path))
                if found is not None:
                    return found
        return self._by_file_name(reference)

    def _by_file_name(self, reference: str) -> str | None:
        """Last resort in an export of our own: the one file anywhere with that name."""
        if not self.dedicated:
            return None
        wanted = {posixpath.basename(canonical(c)) for c in _spellings(reference.strip())}
        found = [p for p in self.files() if posixpath.basename(canonical(p)) in wanted]
        return found[0] if len(found) == 1 else None

    def digest(self, manifests: list[str]) -> str:
        """A content hash of the manifests and every file read: the same export, the same
        hash, however often it is read or wherever it lies."""
        lines = []
        for path in sorted(set(manifests) | set(self.opened)):
            sha = self.opened.get(path) or hashlib.sha256(self._bytes(path)).hexdigest()
            lines.append(f"{canonical(path)}\t{sha}")
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _spellings(reference: str) -> list[str]:
    """The reference as written, with '/' for '\\', and URL-decoded."""
    slashed = reference.replace("\\", "/")
    found = [slashed]
    decoded = urllib.parse.unquote(slashed)
    if decoded != slashed:
        found.append(decoded)
    return found


def _normal(path: str) -> str:
    """posix-normalised, no leading "./"; ".." that would climb out of the root is cut."""
    parts = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


class MemoryBundle(Bundle):
    """Members held in memory: an unpacked archive, or files stored in the archive."""

    def __init__(self, label: str, members: dict[str, bytes]):
        super().__init__(label)
        self.members = members
        self.index = {canonical(path): path for path in members}

    def files(self):
        return sorted(self.members)

    def _bytes(self, path):
        return self.members[path]

    def _lookup(self, path):
        return self.index.get(canonical(path))


class FolderBundle(Bundle):
    """Files of a folder on disk, looked up lazily one directory at a time.

    `dedicated=False` is a manifest lying among other files (a shared import folder):
    only what it names belongs to it."""

    def __init__(self, root: Path, *, dedicated: bool = True, label: str = ""):
        super().__init__(label or str(root))
        self.root = Path(root)
        self.dedicated = dedicated
        self._listings: dict[str, dict[str, str]] = {}
        self._files: list[str] | None = None

    def files(self):
        if self._files is None:
            self._files = _walk(self.root)
        return self._files

    def _listing(self, directory: str) -> dict[str, str]:
        if directory not in self._listings:
            entries = {}
            try:
                with os.scandir(self.root / directory if directory else self.root) as scan:
                    for entry in scan:
                        if not entry.name.startswith("."):
                            entries[canonical(entry.name)] = entry.name
            except OSError:
                pass
            self._listings[directory] = entries
        return self._listings[directory]

    def _lookup(self, path):
        actual = []
        for part in path.split("/") if path else []:
            name = self._listing("/".join(actual)).get(canonical(part))
            if name is None:
                return None
            actual.append(name)
        if not actual:
            return None
        full = self.root.joinpath(*actual)
        # Links could point anywhere on the server: an export's files are its own. A link
        # anywhere on the way (a linked folder) counts, not only the file itself.
        if not full.is_file() or any(
            self.root.joinpath(*actual[:depth]).is_symlink() for depth in range(1, len(actual) + 1)
        ):
            return None
        return "/".join(actual)

    def head(self, path, size):
        with open(self.root / path, "rb") as handle:
            return handle.read(size)

    def _bytes(self, path):
        full = self.root / path
        size = full.stat().st_size
        if size > MAX_MEMBER_BYTES:
            raise IngestError(_too_big(path, size))
        return full.read_bytes()


def _walk(root: Path) -> list[str]:
    """Every regular file under a dedicated export folder, bounded like an archive."""
    found, total = [], 0
    for directory, subdirs, names in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        depth = len(Path(directory).relative_to(root).parts)
        if depth > MAX_DEPTH:
            raise IngestError(_too_deep())
        for name in sorted(names):
            full = Path(directory) / name
            if name.startswith(".") or full.is_symlink() or not full.is_file():
                continue
            found.append(full.relative_to(root).as_posix())
            total += full.stat().st_size
            if len(found) > MAX_MEMBERS:
                raise IngestError(_too_many())
            if total > MAX_TOTAL_BYTES:
                raise IngestError(_too_large())
    return found


# --- archives -------------------------------------------------------------------------


def _too_many():
    return (
        f"Eksporten indeholder mere end {MAX_MEMBERS} filer; den læses ikke. "
        f"(The export holds more than {MAX_MEMBERS} files.)"
    )


def _too_large():
    limit = f"{MAX_TOTAL_BYTES / 1024**2:g}"
    return (
        f"Eksporten fylder udpakket mere end {limit} MB; den læses ikke. "
        f"(The export unpacks to more than {limit} MB.)"
    )


def _too_deep():
    return (
        f"Eksportens mapper ligger mere end {MAX_DEPTH} niveauer dybt; den læses ikke. "
        "(The export's folders nest too deeply.)"
    )


def _too_big(name, size):
    limit = MAX_MEMBER_BYTES // 1024**2
    return (
        f"Filen {name} i eksporten er for stor ({size / 1024**2:.1f} MB; grænsen er {limit} MB). "
        f"(A file in the export exceeds {limit} MB.)"
    )


def _bomb(name):
    return (
        f"Filen {name} i arkivet er pakket usandsynligt tæt (mere end {MAX_RATIO}:1) og "
        "ligner en »zip-bombe«; arkivet læses ikke. "
        "(An archive member's compression ratio marks it as a decompression bomb.)"
    )


def _unsafe_name(name):
    return (
        f"Arkivet indeholder stien »{name}«, der peger uden for arkivet; det læses ikke. "
        "(An archive member's path escapes the archive: path traversal.)"
    )


def _nested(name):
    return (
        f"Arkivet indeholder et andet arkiv ({name}); pak det ud og indlæs eksporten direkte. "
        "(Archives inside the archive are refused.)"
    )


def _special(name):
    return (
        f"Arkivet indeholder »{name}«, der er et link eller en enhed, ikke en fil; "
        "det læses ikke. (Links and device files in archives are refused.)"
    )


def open_archive(data: bytes, label: str = "") -> MemoryBundle:
    """An archive's files in memory, or IngestError if any guard fails (nothing is kept)."""
    kind = archive_kind(data)
    if kind == "zip":
        members = _unzip(data)
    elif kind == "tar":
        members = _untar(data)
    else:
        raise IngestError("Filen er ikke et ZIP- eller tar-arkiv (not an archive).")
    if not members:
        raise IngestError("Arkivet er tomt (the archive holds no files).")
    for name, content in members.items():
        if archive_kind(content) is not None:
            raise IngestError(_nested(name))
    return MemoryBundle(label, members)


def _safe_name(raw: str) -> str:
    name = raw.replace("\\", "/")
    parts = name.split("/")
    if name.startswith("/") or (len(parts[0]) == 2 and parts[0][1] == ":") or ".." in parts:
        raise IngestError(_unsafe_name(raw))
    name = _normal(name)
    if len(name.split("/")) > MAX_DEPTH:
        raise IngestError(_too_deep())
    return name


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names without the UTF-8 flag are re-read as Windows (cp850) wrote
    them when the bytes are not UTF-8 (Danish letters in Windows-made ZIPs)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp850")


def _unzip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise IngestError(f"ZIP-arkivet er beskadiget (corrupt ZIP): {error}") from None
    files = [info for info in infos if not info.is_dir()]
    if len(files) > MAX_MEMBERS:
        raise IngestError(_too_many())
    total = 0
    for info in files:
        name = _zip_name(info)
        _safe_name(name)
        if info.flag_bits & 0x1:
            raise IngestError(
                f"Filen {name} i arkivet er krypteret; den kan ikke læses. (Encrypted member.)"
            )
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise IngestError(_special(name))
        if info.file_size > MAX_MEMBER_BYTES:
            raise IngestError(_too_big(name, info.file_size))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise IngestError(_bomb(name))
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise IngestError(_too_large())
    members = {}
    for info in files:
        name = _safe_name(_zip_name(info))
        try:
            with archive.open(info) as stream:
                content = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
            raise IngestError(
                f"Filen {name} i ZIP-arkivet kan ikke pakkes ud (cannot unpack): {error}"
            ) from None
        if len(content) > info.file_size:
            raise IngestError(_bomb(name))
        if name in members:
            raise IngestError(f"Arkivet indeholder {name} to gange (duplicate member).")
        members[name] = content
    return members


def _gunzip(data: bytes) -> bytes:
    """Decompress in steps, stopping as soon as the output passes what a real export needs."""
    limit = min(MAX_TOTAL_BYTES + MAX_MEMBERS * 1024, max(len(data), 1) * MAX_RATIO)
    limit = max(limit, RATIO_FLOOR)
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1024**2):
                out.write(chunk)
                if out.tell() > limit:
                    raise IngestError(_bomb("(gzip)"))
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise IngestError(f"gzip-arkivet er beskadiget (corrupt gzip): {error}") from None
    return out.getvalue()


def _untar(data: bytes) -> dict[str, bytes]:
    raw = _gunzip(data) if data.startswith(GZIP_MAGIC) else data
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as archive:
            return _tar_members(archive, archive.getmembers())
    except (tarfile.TarError, OSError, EOFError) as error:
        raise IngestError(f"tar-arkivet er beskadiget eller ikke et tar-arkiv: {error}") from None


def _tar_members(archive, infos) -> dict[str, bytes]:
    files = [info for info in infos if not info.isdir()]
    if len(files) > MAX_MEMBERS:
        raise IngestError(_too_many())
    members, total = {}, 0
    for info in files:
        name = _safe_name(info.name)
        if not info.isfile():
            raise IngestError(_special(info.name))
        if info.size > MAX_MEMBER_BYTES:
            raise IngestError(_too_big(name, info.size))
        total += info.size
        if total > MAX_TOTAL_BYTES:
            raise IngestError(_too_large())
        stream = archive.extractfile(info)
        if name in members:
            raise IngestError(f"Arkivet indeholder {name} to gange (duplicate member).")
        members[name] = stream.read() if stream is not None else b""
    return members
