"""How well the ingest path reads real documents: what it gives against what is known.

For every source under the given paths (`ingest.sources.discover`) the real reading path runs
in the limited child process (`ingest.limits.Sandbox`, `ingest.sources.read`); nothing is
stored. What it gives is compared with

- an expectation file (`tests/expected/<name>.json`, format in docs/ingest.md), written by a
  person who read the document, found by its `source` key; or else
- for First Agenda publication JSON: the source's own fields, read here by a small extraction
  of its own that shares no code with the reader (so a reader bug cannot hide itself).

Sources with neither are listed as not evaluated. The First Agenda extraction is
`ingest.firstagenda_facts`, the figures and their printing `ingest.evaluation_report`.
Django-free.
"""

import json
import time
from collections import Counter
from itertools import zip_longest
from pathlib import Path

from ingest import sources
from ingest.errors import IngestError
from ingest.evaluation_report import Mismatch, Report, Tally, format_report, squash
from ingest.firstagenda_facts import FIRSTAGENDA, firstagenda_facts

__all__ = [
    "FIRSTAGENDA",
    "Mismatch",
    "Report",
    "Tally",
    "compare",
    "evaluate",
    "firstagenda_facts",
    "format_report",
    "load_expectations",
    "source_key",
]

MISSING = "(mangler)"  # shown for an item that is not there


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
        return squash(expected) in {squash(value) for value in got}
    if name in ("participants", "absent", "files"):
        if not isinstance(got, list):
            return False
        return Counter(map(_name, expected or [])) == Counter(map(squash, got))
    if name == "decision":
        return isinstance(got, str) and squash(got).startswith(squash(expected))
    if isinstance(expected, str):
        return isinstance(got, str) and squash(got) == squash(expected)
    return expected == got


def _name(value) -> str:
    return squash(value.get("name", "") if isinstance(value, dict) else value)
