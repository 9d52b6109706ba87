"""Case (journal) numbers: KLE-style ones are parsed, other schemes kept as printed."""

import datetime
import re
from dataclasses import dataclass


@dataclass
class CaseNumber:
    printed: str
    normalized: str
    subject: str = ""
    facet: str = ""
    serial: int | None = None
    year: int | None = None

    def kle(self):
        if not self.subject:
            return None
        return {
            "subject": self.subject,
            "facet": self.facet,
            "serial": self.serial,
            "year": self.year,
        }


# 15.00.00-A00-3-25, 00.01.00A00-29-25, 00.00.00-P19-1719-10, optionally "Ø00".
KLE = re.compile(
    r"(?<![\d.])(\d{2}\.\d{2}\.\d{2})\s*-?\s*([A-ZÆØÅ]\d{2})\s*-\s*(\d{1,6})\s*-\s*(\d{2}|\d{4})(?!\d)"
)
KLE_PREFIX = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.|\s*-?\s*[A-ZÆØÅ]\d{2}(-\d{1,6}(-\d{0,4})?)?)?$")
OTHER_SCHEMES = (
    re.compile(r"^[A-ZÆØÅ]{2,6}-\d{4}-\d{2,8}$"),  # EMN-2025-01234
    re.compile(r"^\d{2,4}/\d{2,8}$"),  # 20/33839
    re.compile(r"^\d{2,4}-\d{4}-\d{2,8}$"),  # 330-2018-12345
    # 2012-176011, 2010-3082 (eDoc); not a span of years ("2025-2026").
    re.compile(r"^(?:19|20)\d{2}-(?!(?:19|20)\d{2}$)\d{4,8}$"),
    # 21-014448, 20-010677K: two-digit year, serial and an optional letter, as First Agenda
    # portals print the case numbers of the case system behind them (Greve).
    re.compile(r"^\d{2}-\d{5,7}[A-ZÆØÅ]?$"),
    re.compile(r"^[A-ZÆØÅ]{1,5}\d{0,4}[-/.]\d{2,4}[-/.]\d{1,8}$"),
)


def parse_case_number(printed: str) -> CaseNumber | None:
    """Parse one case number as printed; None when the text is not one."""
    printed = printed.strip().rstrip(".,;")
    match = KLE.search(printed)
    if match and len(printed) - len(match[0]) <= 3:
        subject, facet, serial, year = match.groups()
        normalized = f"{subject}-{facet}-{int(serial)}-{year}"
        return CaseNumber(printed, normalized, subject, facet, int(serial), _full_year(year))
    if any(pattern.match(printed) for pattern in OTHER_SCHEMES):
        return CaseNumber(printed, printed)
    return None


def looks_like_case_number(text: str) -> bool:
    return parse_case_number(text) is not None


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    value = int(year)
    # Two-digit years in journal numbers: 00-(next year) are this century.
    return 2000 + value if value <= (datetime.date.today().year % 100) + 1 else 1900 + value


# Slash numbers that are more likely a date or a season than a case: "12/2024", "2020/21".
NOT_A_CASE = re.compile(r"^(?:\d{1,2}/(?:\d{2}|\d{4})|(?:19|20)\d{2}/(?:(?:19|20)?\d{2}))$")


def normalize_query(text: str) -> str | None:
    """A search query that is a case number, or a KLE journal number's prefix, in the
    normalised form stored in `case_number_normalized`.

    Every scheme `parse_case_number` knows counts: KLE (`00.01.00A00-29-25`) and the
    case systems' own (`21-014448`, `20-010677K` as First Agenda portals print them,
    `EMN-2025-01234`, `12/27845`); letters may be typed in lower case. Text that only
    looks like a date or a season (`12/2024`, `2020/21`) stays a text search.
    """
    text = text.strip().upper()
    full = parse_case_number(text)
    if full and not NOT_A_CASE.match(full.normalized):
        return full.normalized
    compact = re.sub(r"\s+", "", text)
    if KLE_PREFIX.match(compact) and "." in compact:
        return re.sub(r"^(\d{2}\.\d{2}\.\d{2})([A-ZÆØÅ])", r"\1-\2", compact)
    return None
