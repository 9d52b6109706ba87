import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.evaluate import evaluate
from ingest.evaluation_report import format_report
from ingest.limits import Sandbox

EXPECTED = Path(settings.BASE_DIR) / "tests" / "expected"


def realdocs_root() -> Path:
    """`shared/realdocs` beside the project (../shared/realdocs), or beside a folder above it:
    a git worktree lies deeper than the checkout that has shared/ next to it."""
    base = Path(settings.BASE_DIR).resolve()
    for folder in (base.parent, *base.parent.parents):
        candidate = folder / "shared" / "realdocs"
        if candidate.is_dir():
            return candidate
    return base.parent / "shared" / "realdocs"


class Command(BaseCommand):
    help = (
        "Læs alle dokumenter under stierne (standard: ../shared/realdocs) gennem den rigtige "
        "indlæsning uden at gemme, og sammenlign med det kendte: forventningsfiler i "
        "tests/expected/ og First Agenda-JSON's egne felter. Viser nøjagtighed pr. system og "
        "felt og de største afvigelser."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="filer eller mapper (standard: realdocs)")
        parser.add_argument("--json", action="store_true", help="alle tal som JSON på stdout")
        parser.add_argument("--expected", default=str(EXPECTED), help="mappe med forventningsfiler")
        parser.add_argument(
            "--limit", type=int, default=20, help="hvor mange afvigelser der vises (standard 20)"
        )
        parser.add_argument(
            "--read-all",
            action="store_true",
            help="læs også dokumenter uden forventning, og vis dem der afvises",
        )

    def handle(self, *args, **options):
        root = realdocs_root()
        paths = options["paths"] or [str(root)]
        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"Findes ikke (not found): {', '.join(missing)}", returncode=2)
        with Sandbox() as sandbox:
            report = evaluate(
                paths,
                root=root,
                expected_dir=Path(options["expected"]),
                sandbox=sandbox,
                read_all=options["read_all"],
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        else:
            self.stdout.write(format_report(report, options["limit"]))
