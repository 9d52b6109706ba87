"""New minutes arriving during the load test, through the real ingest command.

An archive in service is read while municipalities publish: every new meeting is a
transaction over several tables and bumps the content version, which makes every cached
search and page unreachable at once. The feed takes the real sample minutes (samples/),
gives each copy a new meeting date and a new closing line (new bytes, so never skipped as a
duplicate) and ingests it with `manage.py ingest` (the same reader, parser, sandbox and
store as in production) at a steady rate, in its own process.
"""

import io
import re
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from perf.loadtest import percentiles

SAMPLES = Path(settings.BASE_DIR) / "samples"
# A municipality of its own: replacing a meeting never touches the corpus, and the feed's
# meetings can be taken out again after the run.
FEED_MUNICIPALITY = "Belastningstest Kommune"
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august"]
MONTHS += ["september", "oktober", "november", "december"]
WEEKDAYS = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"]
# Only the header carries the meeting's own date; later dates are references to others.
HEADER_CHARS = 400
NUMERIC_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")
WRITTEN_DATE = re.compile(r"\b\d{1,2}\. (?:" + "|".join(MONTHS) + r") \d{4}\b")
WEEKDAY = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b")


def new_minutes(sample: str, day: date, label: str) -> str:
    """The sample minutes moved to `day`, with a closing line that makes them new."""
    head, body = sample[:HEADER_CHARS], sample[HEADER_CHARS:]
    head = NUMERIC_DATE.sub(day.strftime("%d-%m-%Y"), head)
    head = WRITTEN_DATE.sub(f"{day.day}. {MONTHS[day.month - 1]} {day.year}", head)
    head = WEEKDAY.sub(WEEKDAYS[day.weekday()], head)
    return f"{head}{body}\n\nTilføjet under belastningstest {label}.\n"


def meeting_day(number: int, first: date) -> date:
    """A different day for each meeting of a run, so each is a new meeting."""
    return first + timedelta(days=number)


def feed(every: float, duration: float, municipality: str, first: date) -> dict:
    """Ingest one new meeting every `every` seconds for `duration` seconds; the figures."""
    samples = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    timings, failures = [], []
    started = time.perf_counter()
    run = time.strftime("%Y-%m-%d %H:%M:%S")  # a second run's copies are new bytes too
    with tempfile.TemporaryDirectory(prefix="loadtest-ingest-") as folder:
        for number in range(max(1, int(duration / every))):
            due = started + number * every
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            text = new_minutes(
                samples[number % len(samples)], meeting_day(number, first), f"{run} nr. {number}"
            )
            path = Path(folder) / f"belastning_{number:05d}.txt"
            path.write_text(text, encoding="utf-8")
            begun = time.perf_counter()
            error = ingest_one(path, municipality)
            timings.append((time.perf_counter() - begun) * 1000)
            if error:
                failures.append(f"{path.name}: {error}")
    return summary(timings, failures, time.perf_counter() - started)


def ingest_one(path: Path, municipality: str) -> str:
    """Run the ingest command on one file; its error lines, or "" if it was stored.

    `--replace`: a second run of the test finds its own meeting of that day from the first
    run and replaces it (the corrected-minutes path), rather than refusing it.
    """
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "ingest", str(path), municipality=municipality, replace=True, stdout=out, stderr=err
        )
    except SystemExit:
        return err.getvalue().strip() or "ingest failed"
    return ""


def summary(timings, failures, elapsed) -> dict:
    return {
        "meetings": len(timings) - len(failures),
        "failed": len(failures),
        "failures": failures[:10],
        "per_minute": round(len(timings) / elapsed * 60, 1),
        "ms": percentiles(timings),
    }


def remove(municipality: str) -> int:
    """Take the feed's meetings out again, so the corpus is the size it was (and `gen_corpus
    --if-needed` reuses it); the number of meetings removed."""
    from archive.models import Committee, Meeting, Municipality, Person, SourceDocument

    found = Municipality.objects.filter(name=municipality).first()
    if found is None:
        return 0
    with transaction.atomic():
        meetings = Meeting.objects.filter(committee__municipality=found)
        count = meetings.count()
        SourceDocument.objects.filter(meeting__in=meetings).delete()
        meetings.delete()
        Person.objects.filter(municipality=found).delete()
        Committee.objects.filter(municipality=found).delete()
        found.delete()
    return count
