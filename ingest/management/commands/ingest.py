import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.errors import IngestError
from ingest.parse import parse_document
from ingest.store import CREATED, DUPLICATE, REPLACED, check_size, ingest_bytes


class Command(BaseCommand):
    help = (
        "Indlæs referater (PDF, HTML, Markdown, tekst) fra filer eller mapper. "
        "Hvert dokument gemmes helt eller slet ikke; identiske filer springes over."
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
        files = list(walk(options["paths"]))
        counts = {"files": len(files), "meetings": 0, "items": 0, "duplicates": 0, "failed": 0}
        progress = Progress(len(files), enabled=sys.stderr.isatty() and not options["json"])
        for path in files:
            progress.step(path.name)
            try:
                self.one(path, options, counts)
            except IngestError as error:
                error.source = error.source or str(path)
                counts["failed"] += 1
                self.stderr.write(f"FEJL {path}: {error.message}")
            except OSError as error:
                counts["failed"] += 1
                self.stderr.write(f"FEJL {path}: filen kunne ikke læses ({error.strerror})")
            except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
                counts["failed"] += 1
                self.stderr.write(f"FEJL {path}: uventet fejl ({type(error).__name__}: {error})")
        progress.done()
        verb = "ville indlæse" if options["dry_run"] else "indlæst"
        summary = (
            f"{counts['files']} filer: {counts['meetings']} møder og {counts['items']} punkter "
            f"{verb}, {counts['duplicates']} allerede i arkivet, {counts['failed']} fejlede"
        )
        self.stderr.write(summary) if options["json"] else self.stdout.write(summary)
        if counts["failed"]:
            sys.exit(1)

    def one(self, path, options, counts):
        data = path.read_bytes()
        if options["dry_run"]:
            check_size(data, str(path))
            parsed = parse_document(
                data,
                source=str(path),
                municipality=options["municipality"],
                committee=options["committee"],
            )
            counts["meetings"] += 1
            counts["items"] += len(parsed.meeting.items)
            if options["json"]:
                self.stdout.write(json.dumps(parsed.as_json(), ensure_ascii=False))
            return
        outcome = ingest_bytes(
            data,
            file_name=str(path),
            municipality=options["municipality"],
            committee=options["committee"],
            replace=options["replace"],
        )
        if outcome.status == DUPLICATE:
            counts["duplicates"] += 1
        elif outcome.status in (CREATED, REPLACED):
            counts["meetings"] += 1
            counts["items"] += len(outcome.parsed.meeting.items)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "source": str(path),
                        "status": outcome.status,
                        "meeting": outcome.meeting.pk if outcome.meeting else None,
                        "sha256": outcome.source.sha256 if outcome.source else None,
                        "warnings": outcome.warnings,
                    },
                    ensure_ascii=False,
                )
            )
        elif options["verbosity"] > 1:
            self.stdout.write(f"{outcome.status}: {path}")


def walk(paths):
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.parts):
                    yield child
        else:
            yield path


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
