"""Danish dates and times as minutes print them."""

import datetime
import re

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
    # Some portals render dates in English ("Onsdag, April 2, 2025 - 17:00").
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
}  # fmt: skip
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

WRITTEN = re.compile(rf"\b(\d{{1,2}})\.?\s*({MONTH_NAMES})\.?\s+(\d{{4}})\b", re.I)
# "04-februar-2026", "4-feb-2026" (older KMD systems)
HYPHENATED = re.compile(rf"\b(\d{{1,2}})-({MONTH_NAMES})\.?-(\d{{4}})\b", re.I)
NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?![\d])")
MONTH_FIRST = re.compile(rf"\b({MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
SLASH_SPACE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})[ -](\d{4})\b")
TIME = re.compile(r"\bkl\.?\s*(\d{1,2})(?:[.:](\d{2}))?\b", re.I)
CLOCK = re.compile(r"(?<![\d.:/-])(\d{1,2}):(\d{2})(?![\d:])")
TIME_LABEL = re.compile(
    r"^(?:tidspunkt|mødetidspunkt|starttidspunkt|tid)\b\s*:?\s*(\d{1,2})[.:](\d{2})", re.I
)

DATE_PATTERNS = (
    (WRITTEN, lambda m: (int(m[3]), MONTHS[m[2].lower()], int(m[1]))),
    (HYPHENATED, lambda m: (int(m[3]), MONTHS[m[2].lower()], int(m[1]))),
    (MONTH_FIRST, lambda m: (int(m[3]), MONTHS[m[1].lower()], int(m[2]))),
    (ISO, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    (NUMERIC, lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    (SLASH_SPACE, lambda m: (int(m[3]), int(m[2]), int(m[1]))),
)


def find_date(text: str) -> datetime.date | None:
    """The first valid date in the text, in any of the forms minutes use."""
    found = []
    for pattern, parts in DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                found.append((match.start(), datetime.date(*parts(match))))
            except ValueError:
                continue
    return min(found)[1] if found else None


def find_time(text: str) -> datetime.time | None:
    """ "kl. 13:00", "kl. 16.30", "Tidspunkt: 15:00", or a lone "17:00" on a date line."""
    match = TIME.search(text) or TIME_LABEL.search(text.strip()) or CLOCK.search(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)
