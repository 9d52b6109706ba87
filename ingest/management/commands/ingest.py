import json
import sys

from django.core.management.base import BaseCommand

from ingest import sources
from ingest.errors import IngestError
from ingest.limits import Sandbox
from ingest.store import CREATED, DUPLICATE, REPLACED, find_digest, store


class Command(BaseCommand):
    help = (
        "Indlæs referater og dagsordener: PDF, Word, HTML, Markdown, tekst, First Agenda-JSON "
        "og ESDH-eksporter (XML-manifest, mappe, ZIP eller tar.gz). Hvert møde gemmes helt "
        "eller slet ikke; identiske filer springes over. Hver fil læses med en tids- og "
        "hukommelsesgrænse."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="filer eller mapper")
        parser.add_argument("--municipality", help="kommunens navn, fx 'Herning Kommune'")
        parser.add_argument("--committee", help="udvalgets navn, hvis dokumentet ikke nævner det")
        parser.add_argument("--dry-run", action="store_true", help="fortolk uden at gemme")
        parser.add_argument("--json", action="store_true", help="ét JSON-objekt pr. fil på stdout")
        parser.add_argument(
            "--replace", action="store_true", help="erstat et eksisterende møde (samme dato)"
        )

    def handle(self, *args, **options):
        found = sources.discover(options["paths"])
        counts = {"files": len(found), "meetings": 0, "items": 0, "duplicates": 0, "failed": 0}
        progress = Progress(len(found), enabled=sys.stderr.isatty() and not options["json"])
        with Sandbox() as sandbox:
            for source in found:
                progress.step(source.path.name)
                try:
                    self.one(source, sandbox, options, counts)
                except IngestError as error:
                    counts["failed"] += 1
                    self.stderr.write(f"FEJL {source.name}: {error.message}")
                except OSError as error:
                    counts["failed"] += 1
                    self.stderr.write(
                        f"FEJL {source.name}: filen kunne ikke læses ({error.strerror})"
                    )
                except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
                    counts["failed"] += 1
                    self.stderr.write(
                        f"FEJL {source.name}: uventet fejl ({type(error).__name__}: {error})"
                    )
        progress.done()
        verb = "ville indlæse" if options["dry_run"] else "indlæst"
        summary = (
            f"{counts['files']} filer: {counts['meetings']} møder og {counts['items']} punkter "
            f"{verb}, {counts['duplicates']} allerede i arkivet, {counts['failed']} fejlede"
        )
        self.stderr.write(summary) if options["json"] else self.stdout.write(summary)
        if counts["failed"]:
            sys.exit(1)

    def one(self, source, sandbox, options, counts):
        if not options["dry_run"]:
            existing = find_digest(sources.digest(source))
            if existing is not None:
                counts["duplicates"] += 1
                self.report(options, source, DUPLICATE, existing.meeting, existing, [])
                return
        documents = sandbox.run(
            sources.read,
            source,
            municipality=options["municipality"],
            committee=options["committee"],
        )
        for parsed in documents:
            if options["dry_run"]:
                counts["meetings"] += 1
                counts["items"] += len(parsed.meeting.items)
                if options["json"]:
                    self.stdout.write(json.dumps(parsed.as_json(), ensure_ascii=False))
                continue
            outcome = store(parsed, parsed.original, replace=options["replace"])
            if outcome.status == DUPLICATE:
                counts["duplicates"] += 1
            elif outcome.status in (CREATED, REPLACED):
                counts["meetings"] += 1
                counts["items"] += len(parsed.meeting.items)
            self.report(
                options, source, outcome.status, outcome.meeting, outcome.source, outcome.warnings
            )

    def report(self, options, source, status, meeting, stored, warnings):
        if options["json"]:
            line = {
                "source": source.name,
                "status": status,
                "meeting": meeting.pk if meeting else None,
                "sha256": stored.sha256 if stored else None,
                "warnings": warnings,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        elif options["verbosity"] > 1:
            self.stdout.write(f"{status}: {source.name}")


class Progress:
    """A one-line progress bar on stderr, shown only on a terminal."""

    def __init__(self, total, enabled):
        self.total, self.enabled, self.n = total, enabled, 0

    def step(self, name):
        self.n += 1
        if self.enabled:
            filled = int(30 * self.n / max(self.total, 1))
            bar = "#" * filled + "-" * (30 - filled)
            sys.stderr.write(f"\r[{bar}] {self.n}/{self.total} {name[:40]:<40}")
            sys.stderr.flush()

    def done(self):
        if self.enabled:
            sys.stderr.write("\n")
