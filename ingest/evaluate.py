"""How well the ingest path reads real documents: what it gives against what is known.

For every source under the given paths (`ingest.sources.discover`) the real reading path runs
in the limited child process (`ingest.limits.Sandbox`, `ingest.sources.read`); nothing is
stored. What it gives is compared with

- an expectation file (`tests/expected/<name>.json`, format in docs/ingest.md), written by a
  person who read the document, found by its `source` key; or else
- for First Agenda publication JSON: the source's own fields, read here by a small extraction
  of its own that shares no code with the reader (so a reader bug cannot hide itself).

Sources with neither are listed as not evaluated. Django-free.
"""

import datetime
import html
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from zoneinfo import ZoneInfo

from ingest import sources
from ingest.errors import IngestError

FIRSTAGENDA = "firstagenda-json"
LOCAL = ZoneInfo("Europe/Copenhagen")
SPACE = re.compile(r"[\s\u00a0]+")
MISSING = "(mangler)"  # shown for an item that is not there


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 100.0


@dataclass
class Mismatch:
    source: str
    system: str
    field: str
    expected: object
    got: object


@dataclass
class Report:
    """Per system and field: how many values were right, and which were not."""

    sources: int = 0
    evaluated: dict[str, int] = field(default_factory=Counter)  # documents per system
    fields: dict[str, dict[str, Tally]] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    problems: list[str] = field(default_factory=list)  # broken expectation files
    seconds: float = 0.0

    def count(self, system, name, ok, source="", expected=None, got=None):
        tally = self.fields.setdefault(system, {}).setdefault(name, Tally())
        tally.total += 1
        if ok:
            tally.correct += 1
        else:
            self.mismatches.append(Mismatch(source, system, name, expected, got))

    def total(self, system) -> Tally:
        tallies = self.fields.get(system, {}).values()
        return Tally(sum(t.correct for t in tallies), sum(t.total for t in tallies))

    def worst(self, limit=20) -> list[Mismatch]:
        """Mismatches of the least accurate fields first."""

        def rank(m):
            return (self.fields[m.system][m.field].accuracy, m.system, m.field, m.source)

        return sorted(self.mismatches, key=rank)[:limit]

    def as_json(self) -> dict:
        return {
            "sources": self.sources,
            "evaluated": sum(self.evaluated.values()),
            "seconds": round(self.seconds, 2),
            "systems": {
                system: {
                    "documents": self.evaluated.get(system, 0),
                    "accuracy": round(self.total(system).accuracy, 2),
                    "correct": self.total(system).correct,
                    "total": self.total(system).total,
                    "fields": {
                        name: {
                            "correct": t.correct,
                            "total": t.total,
                            "accuracy": round(t.accuracy, 2),
                        }
                        for name, t in sorted(tallies.items())
                    },
                }
                for system, tallies in sorted(self.fields.items())
            },
            "mismatches": [vars(m) for m in self.mismatches],
            "not_evaluated": self.not_evaluated,
            "unreadable": [{"source": s, "message": m} for s, m in self.unreadable],
            "problems": self.problems,
        }


# --- running ----------------------------------------------------------------------------


def evaluate(paths, *, root: Path, expected_dir: Path, sandbox, read_all=False) -> Report:
    """Read every source under `paths` and compare it with what is known about it.

    Sources nothing is known about are listed, and read only with `read_all` (to see which
    of them a reader refuses): they add no figures, and a slow PDF among them costs the
    whole time limit.
    """
    started = time.monotonic()
    report = Report()
    expectations = load_expectations(expected_dir, report.problems)
    found = sources.discover(paths)
    report.sources = len(found)
    for source in found:
        key = source_key(source.path, root)
        expectation = _expectation_for(key, expectations)
        if expectation is None:
            expectation = firstagenda_facts(source.path)
        if expectation is None:
            report.not_evaluated.append(key)
            if read_all and (error := _read(source, sandbox)[1]):
                report.unreadable.append((key, error))
            continue
        documents, error, reason = _read(source, sandbox, **expectation.get("given", {}))
        system = expectation.get("system") or "?"
        report.evaluated[system] += 1
        compare(expectation, documents, error, report, source=key, reason=reason)
    report.seconds = time.monotonic() - started
    return report


def _read(source, sandbox, municipality=None, committee=None):
    """(documents, error message, refusal reason). `given` in an expectation file: what a
    person would say on the command line (--municipality) for an export that does not name
    its body anywhere."""
    try:
        found = sandbox.run(sources.read, source, municipality=municipality, committee=committee)
        return found, "", ""
    except IngestError as error:
        return [], error.message, getattr(error, "reason", "")
    except OSError as error:
        return [], f"filen kunne ikke læses ({error.strerror})", ""


def source_key(path: Path, root: Path) -> str:
    """The path relative to the realdocs root, as expectation files name their source."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _expectation_for(key: str, expectations: dict):
    if key in expectations:
        return expectations[key]
    # A path outside the root: match the expectation whose source ends the path.
    parts = Path(key).parts
    for name, expectation in expectations.items():
        wanted = Path(name).parts
        if wanted and parts[-len(wanted) :] == wanted:
            return expectation
    return None


def load_expectations(directory: Path, problems: list[str]) -> dict[str, dict]:
    """Expectation files by their `source` key; broken ones are listed in `problems`."""
    found = {}
    for path in sorted(Path(directory).glob("*.json")) if Path(directory).is_dir() else []:
        try:
            expectation = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"{path.name}: kan ikke læses ({error})")
            continue
        if not isinstance(expectation, dict) or not isinstance(expectation.get("source"), str):
            problems.append(f"{path.name}: mangler 'source' (no source key)")
            continue
        found[expectation["source"].strip("/")] = expectation
    return found


# --- comparing --------------------------------------------------------------------------


def compare(
    expectation: dict, documents: list, error: str, report: Report, *, source: str, reason=""
):
    """Count every expected value of one source as right or wrong.

    `refused` is right when the file was refused for that reason (`IngestError.reason`:
    "email", "meeting-list", ...) or with a message containing that word."""
    system = expectation.get("system") or "?"
    refused = expectation.get("refused")
    if refused:
        wanted = str(refused).lower()
        ok = bool(error) and (wanted == reason or wanted in error.lower())
        got = f"{reason}: {error}" if reason else error or "(læst)"
        report.count(system, "refused", ok, source, refused, got)
        return
    document = _pick(documents, expectation.get("meeting") or {})
    failure = f"FEJL: {error}" if error else "(intet møde)"
    meeting = document.meeting if document else None
    for name, expected in (expectation.get("meeting") or {}).items():
        got = _meeting_value(meeting, name) if meeting else failure
        report.count(system, f"meeting.{name}", _same(name, expected, got), source, expected, got)
    wanted = [item for item in expectation.get("items") or [] if isinstance(item, dict)]
    names = sorted({key for item in wanted for key in item}) or ["title"]
    items = meeting.items if meeting else []
    for position, (want, got_item) in enumerate(zip_longest(wanted, items), 1):
        where = f"{source} #{position}"
        for name in want or names:
            expected = want[name] if want else MISSING
            got = _item_value(got_item, name) if got_item is not None else MISSING
            ok = want is not None and got_item is not None and _same(name, expected, got)
            report.count(system, f"item.{name}", ok, where, expected, got)


def _pick(documents, meeting):
    if len(documents) > 1 and meeting.get("date"):
        for document in documents:
            if document.meeting.date.isoformat() == meeting["date"]:
                return document
    return documents[0] if documents else None


def _meeting_value(meeting, name):
    if name in ("participants", "absent"):
        return [person.name for person in getattr(meeting, name)]
    if name == "date":
        return meeting.date.isoformat()
    if name == "time":
        return meeting.time.strftime("%H:%M") if meeting.time else None
    return getattr(meeting, name, None)


def _item_value(item, name):
    if name == "case_number":
        case = item.case_number
        return [case.printed, case.normalized] if case else None
    if name == "files":
        return [a.name for a in item.files if a.role != "document"] or list(item.attachments)
    if name == "released":
        return bool(item.decision)
    return getattr(item, name, None)


def _same(name, expected, got) -> bool:
    """Equal as EXPECTED.md says: whitespace collapsed, decisions as a prefix, lists as sets."""
    if name == "case_number" and isinstance(got, list):
        return _squash(expected) in {_squash(value) for value in got}
    if name in ("participants", "absent", "files"):
        if not isinstance(got, list):
            return False
        return Counter(map(_name, expected or [])) == Counter(map(_squash, got))
    if name == "decision":
        return isinstance(got, str) and _squash(got).startswith(_squash(expected))
    if isinstance(expected, str):
        return isinstance(got, str) and _squash(got) == _squash(expected)
    return expected == got


def _name(value) -> str:
    return _squash(value.get("name", "") if isinstance(value, dict) else value)


def _squash(value) -> str:
    return SPACE.sub(" ", str(value or "")).strip()


# --- First Agenda JSON: the source's own fields ------------------------------------------

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


# --- the printed report -----------------------------------------------------------------


def format_report(report: Report, limit=20) -> str:
    """The report as a person reads it: per system and field, then the worst mismatches."""
    evaluated = sum(report.evaluated.values())
    lines = [
        f"Evaluering af indlæsningen (ingest evaluation): {report.sources} kilder, "
        f"{evaluated} evalueret, {len(report.not_evaluated)} ikke evalueret "
        f"({report.seconds:.1f} s)",
    ]
    for system in sorted(report.fields):
        total = report.total(system)
        lines += [
            "",
            f"{system}: {report.evaluated.get(system, 0)} dokumenter, "
            f"{total.correct}/{total.total} felter rigtige ({total.accuracy:.1f} %)",
            f"  {'felt':<28}{'rigtige':>9}{'i alt':>9}{'%':>8}",
        ]
        for name, tally in sorted(report.fields[system].items()):
            lines.append(f"  {name:<28}{tally.correct:>9}{tally.total:>9}{tally.accuracy:>8.1f}")
    worst = report.worst(limit)
    if worst:
        lines += ["", f"Største afvigelser (worst mismatches, {len(report.mismatches)} i alt):"]
        lines += [
            f"  {m.source} | {m.field} | forventet {_short(m.expected)} | fik {_short(m.got)}"
            for m in worst
        ]
    if report.not_evaluated:
        lines += ["", f"Ikke evalueret (no expectation file): {len(report.not_evaluated)}"]
        lines += [f"  {key}" for key in report.not_evaluated]
    if report.unreadable:
        lines += ["", "Kunne ikke læses (of those not evaluated):"]
        lines += [f"  {key}: {message}" for key, message in report.unreadable]
    if report.problems:
        lines += ["", "Forventningsfiler med fejl (broken expectation files):"]
        lines += [f"  {problem}" for problem in report.problems]
    return "\n".join(lines)


def _short(value, width=70) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    text = _squash(text)
    return text if len(text) <= width else text[: width - 1] + "…"
