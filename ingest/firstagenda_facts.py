"""First Agenda publication JSON as evaluation knows it: the source's own fields, read by a
small extraction of its own that shares no code with the reader (`ingest.readers`), so that a
reader bug cannot hide itself in `evaluate_ingest`. Django-free.
"""

import datetime
import html
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from ingest import sources

FIRSTAGENDA = "firstagenda-json"
LOCAL = ZoneInfo("Europe/Copenhagen")
SPACE = re.compile(r"[\s\u00a0]+")
FA_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
FA_TAG = re.compile(r"<[^>]+>")
FA_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)
FA_ATTENDANCE = re.compile(r"^(?:afbud|fraværende|ikke til stede|forfald)\s*:", re.I)
FA_NOT_RELEASED = re.compile(r"^(?:beslutning\s+)?ikke\s+frigivet\.?$", re.I)
FA_HISTORY_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})\s+(.+)$")
FA_CLOSED = re.compile(r"^\s*lukket(?:\s+punkt)?\s*:\s*", re.I)
FA_LEAD = re.compile(r"^(?:\d{1,2}\s*\.?\s*(?:-\s*\d{1,2}\s*\.?)?\s+)")
# Decision wordings whose outcome nobody would dispute; others are not scored for outcome.
FA_OUTCOMES = [
    ("approved", r"(?:godkendt|godkendes|tiltrådt|vedtaget)"),
    ("recommended", r"(?:anbefales|anbefales godkendt|anbefales over for byrådet)"),
    (
        "noted",
        r"(?:(?:orienteringen|orienteringerne|sagen|punktet)\s+(?:blev\s+)?)?"
        r"(?:taget|tages)\s+til\s+efterretning",
    ),
    ("discussed", r"(?:sagen blev\s+)?drøftet"),
    ("postponed", r"(?:sagen blev\s+)?udsat"),
    ("rejected", r"(?:ikke godkendt|afvist)"),
]
FA_OUTCOME_RES = [(name, re.compile(rf"^{pattern}\.?$", re.I)) for name, pattern in FA_OUTCOMES]


def firstagenda_facts(path: Path) -> dict | None:
    """An expectation read straight from a First Agenda file's fields, or None for other files."""
    document = _fa_load(path)
    if document is None:
        return None
    moede = _fa_get(document, "Moede") or {}
    start = datetime.datetime.fromisoformat(str(_fa_get(moede, "Dato"))).astimezone(LOCAL)
    committee = _squash(_fa_get(_fa_get(document, "Udvalg") or {}, "Navn"))
    members = [m for m in _fa_get(moede, "Moededeltagere") or [] if isinstance(m, dict)]
    people = [
        (
            _squash(_fa_get(m, "Name")),
            _fa_flag(m, "Absent") or _fa_flag(m, "ParticipationCancelled"),
        )
        for m in members
    ]
    items = [
        _fa_item(punkt, start.date(), committee)
        for punkt in _fa_get(document, "Dagsordenpunkter")
        if isinstance(punkt, dict)
    ]
    decided = any(item["released"] for item in items)
    for item in items:
        if item.pop("_pending"):
            item["outcome"] = "withheld" if decided else "none"
    return {
        "source": str(path),
        "system": FIRSTAGENDA,
        "meeting": {
            "committee": committee,
            "date": start.date().isoformat(),
            "time": start.strftime("%H:%M") if start.time() != datetime.time(0) else None,
            "location": _squash(_fa_get(moede, "Sted")),
            "participants": [name for name, away in people if name and not away],
            "absent": [name for name, away in people if name and away],
        },
        "items": items,
    }


def _fa_load(path: Path):
    path = Path(path)
    if not path.is_file() or path.stat().st_size > sources.MAX_FILE_BYTES:
        return None
    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return None
    if b"dagsordenpunkter" not in data[:65536].lower() + data[-65536:].lower():
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict):
        return None
    if not isinstance(_fa_get(document, "Dagsordenpunkter"), list) or not _fa_get(
        document, "Moede"
    ):
        return None
    return document


def _fa_get(mapping, key):
    if not isinstance(mapping, dict):
        return None
    return next((v for k, v in mapping.items() if str(k).lower() == key.lower()), None)


def _fa_flag(mapping, key) -> bool:
    return str(_fa_get(mapping, key)).lower() in ("true", "1")


def _fa_item(punkt, date, committee) -> dict:
    title = _squash(_fa_get(punkt, "Navn") or _fa_get(punkt, "Caption"))
    number = _squash(_fa_get(punkt, "Punktnummer") or _fa_get(punkt, "Number"))
    html_text = "".join(
        str(_fa_get(felt, "Html") or "")
        for felt in _fa_get(punkt, "Felter") or []
        if isinstance(felt, dict)
    )
    decision, pending = _fa_decision(html_text, title, date, committee)
    item = {
        "number": int(number) if number.isdigit() else None,
        "title": FA_CLOSED.sub("", title).strip() or title,
        "case_number": _squash(_fa_get(punkt, "SagsNummer")) or None,
        "closed": bool(FA_CLOSED.match(title)),
        "released": bool(decision),
        "files": [
            _squash(_fa_get(b, "Navn"))
            for b in _fa_get(punkt, "Bilag") or []
            if isinstance(b, dict)
        ],
        "_pending": pending,
    }
    # No decision is outcome "none" (or withheld, decided with the meeting's other items).
    outcome = _fa_outcome(decision) if decision else None if pending else "none"
    if outcome:
        item["outcome"] = outcome
    if not item["case_number"]:
        del item["case_number"]
    return item


def _fa_decision(html_text, title, date, committee) -> tuple[str, bool]:
    """(this meeting's decision text, whether only the history calls it not released)."""
    headings = list(FA_HEADING.finditer(html_text))
    for index, heading in enumerate(headings):
        if _fa_text(heading[2]).lower() == "beslutning":
            end = headings[index + 1].start() if index + 1 < len(headings) else len(html_text)
            fragment = html_text[heading.end() : end]
            if _fa_text(fragment):  # a released field, even if it holds only "." or "Afbud: …"
                text = _fa_lines(fragment)
                return ("" if FA_NOT_RELEASED.match(text) else text), False
    if "sagsfremstillingContainer" not in html_text:
        return _fa_lines(html_text), False  # a closed item: the decision alone
    first = headings[0].start() if headings else len(html_text)
    before = [line for line in _fa_lines(html_text[:first]).split("\n") if line != title]
    if any(before):
        return "\n".join(before).strip(), False  # older layout: decision before the fields
    for heading, following in zip(headings, [*headings[1:], None], strict=False):
        if _fa_text(heading[2]).lower() == "sagens forløb":
            end = following.start() if following else len(html_text)
            text = _fa_history(html_text[heading.end() : end], date, committee)
            return ("", True) if FA_NOT_RELEASED.match(text) else (text, False)
    return "", False


def _fa_history(fragment, date, committee) -> str:
    found, current = "", None
    for line in _fa_lines(fragment).split("\n"):
        match = FA_HISTORY_DATE.match(line)
        if match:
            day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
            current = day == date and match[4].lower().startswith(committee.lower())
            if current:
                found = ""
        elif current:
            found = f"{found}\n{line}".strip()
    return found


def _fa_lines(fragment: str) -> str:
    """Text of an HTML fragment, one line per block, without the appended attendance."""
    text = html.unescape(FA_TAG.sub("", FA_BREAK.sub("\n", fragment)))
    lines = [_squash(line) for line in text.split("\n")]
    lines = [line for line in lines if line and line != "."]
    while lines and FA_ATTENDANCE.match(lines[-1]):
        lines.pop()
    if lines == ["."]:
        return ""
    return "\n".join(lines)


def _fa_text(fragment: str) -> str:
    return _squash(html.unescape(FA_TAG.sub("", fragment)))


def _fa_outcome(decision: str) -> str | None:
    if not decision:
        return None
    outcomes = set()
    for line in decision.split("\n"):
        line = FA_LEAD.sub("", line.strip())
        found = next((name for name, pattern in FA_OUTCOME_RES if pattern.match(line)), None)
        if found is None:
            return None
        outcomes.add(found)
    return outcomes.pop() if len(outcomes) == 1 else None


def _squash(value) -> str:
    return SPACE.sub(" ", str(value or "")).strip()
