"""Page furniture in extracted text: page numbers and the running headers and footers
repeated around them on every page, which are not part of any item."""

import re
from collections import Counter

from ingest.parse import lines as L
from ingest.parse.sections import heading_of


def remove_page_furniture(lines: list[str]) -> list[str]:
    """Drop page numbers and the header/footer lines repeated around them on every page."""
    running = _running_headers(lines)
    if running:
        lines = [_without_running(line, running) for line in lines]
    page_marks = [
        i
        for i, line in enumerate(lines)
        if L.PAGE_FURNITURE.match(line) or (line and _shape(line) in running)
    ]
    near = Counter()
    for i in page_marks:
        for j in range(max(0, i - 3), min(len(lines), i + 4)):
            if j != i and lines[j]:
                near[_shape(lines[j])] += 1
    furniture = {
        shape for shape, count in near.items() if count >= 2 and count >= len(page_marks) / 2
    }
    first = next((line for line in lines if line), "")
    kept = []
    seen_first = False
    for i, line in enumerate(lines):
        if i in page_marks and len(page_marks) >= 2:
            continue
        if line and _shape(line) in furniture and len(line) < 150 and heading_of(line) is None:
            continue
        if line == first and seen_first and len(page_marks) >= 1:
            continue
        seen_first = seen_first or line == first
        kept.append(line)
    return kept


# "Referat - Teknisk Udvalg - 03-02-2026 Side 4": a running header numbered without "af N".
RUNNING_PAGE = re.compile(r"(?:^|\s)(?:side|page)\s+(?P<page>\d{1,4})$", re.I)


def _running_headers(lines) -> dict[str, re.Pattern]:
    """Lines ending in a page number whose shape recurs with other numbers: {shape: pattern}.

    The pattern also finds the header where text extraction ran it into a paragraph."""
    pages, examples = {}, {}
    for line in lines:
        match = RUNNING_PAGE.search(line) if 15 <= len(line) < 150 else None
        if match and not L.PAGE_FURNITURE.match(line):
            pages.setdefault(_shape(line), set()).add(match["page"])
            examples.setdefault(_shape(line), line)
    return {
        shape: re.compile(re.sub(r"\d+", r"\\d{1,4}", re.escape(examples[shape])), re.I)
        for shape, numbers in pages.items()
        if len(numbers) >= 2
    }


def _without_running(line: str, running: dict) -> str:
    if not line or _shape(line) in running:
        return line
    for pattern in running.values():
        line = L.squash(pattern.sub(" ", line))
    return line


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())
