"""PDFs as they come out of archives and mail systems are read as pdftotext reads them, and
a decompression bomb ends with one clear message within the limits (a real eDoc PDF)."""

import re
import zlib
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.errors import IngestError
from ingest.limits import Sandbox
from ingest.readers.pdf import extract_pdf

EDOC_ITEM = Path(__file__).parent / "fixtures" / "esdh" / "edoc-ballerup-2012-12-04" / "1552819.PDF"


@pytest.mark.parametrize(
    "tail",
    [b"\0" * 4096, b"\r\n--=_boundary_4711--\r\n\r\n", b"\n%%EO"],
    ids=["zeros", "mail-boundary", "cut-second-marker"],
)
def test_bytes_after_the_end_of_file_marker_are_ignored(tail):
    data = EDOC_ITEM.read_bytes()
    assert extract_pdf(data + tail) == extract_pdf(data)


def test_a_wrong_cross_reference_offset_is_read_past():
    data = EDOC_ITEM.read_bytes()
    offset = re.search(rb"startxref\s+(\d+)", data)
    damaged = data[: offset.start(1)] + b"999" + data[offset.end(1) :]
    assert extract_pdf(damaged)[0] == extract_pdf(data)[0]


def _bomb_pdf(inflated: int) -> bytes:
    stream = zlib.compress(b"0 0 m\n" * (inflated // 6), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_pdf_bomb_ends_with_one_clear_message_within_the_limits():
    bomb = _bomb_pdf(80 * 1024**2)
    assert len(bomb) < 1024**2
    limits = Sandbox(seconds=20, memory_bytes=1024 * 1024**2)
    with limits as sandbox, pytest.raises(IngestError) as refused:
        sandbox.run(pipeline.parse_document, bomb, source="bombe.pdf")
    assert "pakkes ud til mere end 64 MB" in refused.value.message
