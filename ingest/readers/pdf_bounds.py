"""The bounds a PDF is read within: decompression bombs, and the errors pdfminer raises.

Shared by the minutes reader (`ingest.readers.pdf`) and the attachment reader
(`ingest.readers.attachment`), so a bilag is read under the same guard as a referat.
"""

import re
import zlib

from ingest.errors import IngestError

# Decompression bombs: a few hundred KB of FlateDecode data can inflate to gigabytes, and
# pdfminer inflates every content stream whole. No real minutes stream comes near these.
STREAM_LIMIT = 64 * 1024**2  # bytes one stream may inflate to
INFLATED_LIMIT = 256 * 1024**2  # bytes all streams together may inflate to
STREAM_START = re.compile(rb"stream\r?\n")
TOO_INFLATED = (
    "PDF'en indeholder data, der pakkes ud til mere end {limit} MB, så den blev ikke læst. "
    "Den er måske beskadiget eller bygget til at sprænge læseren; gem den som PDF igen fra "
    "kommunens system. ({what} inflate to more than {limit} MB: refused as a possible "
    "decompression bomb.)"
)


def check_inflated_size(data: bytes) -> None:
    """Inflate every FlateDecode stream pdfminer would inflate, counting and discarding the
    output, and stop past the limits. Images are skipped: pdfminer never inflates them."""
    total = 0
    for match in STREAM_START.finditer(data):
        dictionary = data[max(0, match.start() - 1024) : match.start()]
        dictionary = dictionary[dictionary.rfind(b"obj") + 3 :]
        if not re.search(rb"/(?:FlateDecode|Fl)\b", dictionary) or b"/Image" in dictionary:
            continue
        size = _inflated_size(data, match.end(), STREAM_LIMIT + 1)
        total += size
        if size > STREAM_LIMIT or total > INFLATED_LIMIT:
            one = size > STREAM_LIMIT
            raise IngestError(
                TOO_INFLATED.format(
                    limit=(STREAM_LIMIT if one else INFLATED_LIMIT) // 1024**2,
                    what="One stream of the PDF would" if one else "The PDF's streams would",
                )
            )


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at `start` inflates to, counting at most to `limit`."""
    inflater = zlib.decompressobj()
    size, chunk, step = 0, 64 * 1024, 1024**2  # output is counted a megabyte at a time
    position = start
    try:
        while position < len(data) and not inflater.eof and size < limit:
            piece = data[position : position + chunk]
            position += chunk
            size += len(inflater.decompress(piece, step))
            while inflater.unconsumed_tail and not inflater.eof and size < limit:
                size += len(inflater.decompress(inflater.unconsumed_tail, step))
    except zlib.error:
        pass  # damaged or not zlib: pdfminer copes, and it cannot inflate much
    return size


def read_error(exc: Exception) -> IngestError:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "PDFPasswordIncorrect" in names:
        return IngestError(
            "PDF'en er beskyttet med en adgangskode og kan ikke åbnes; upload en udgave uden "
            "adgangskode (the PDF is encrypted with a password)."
        )
    if "PDFEncryptionError" in names:
        return IngestError(
            f"PDF'en er krypteret på en måde, der ikke understøttes "
            f"(the PDF uses an unsupported encryption): {exc}"
        )
    if isinstance(exc, ImportError):
        return IngestError(f"PDF-læseren mangler (the PDF library is not installed): {exc}")
    return IngestError(
        f"PDF'en er beskadiget og kan ikke læses (the PDF is damaged and cannot be read): "
        f"{type(exc).__name__}: {exc}"
    )
