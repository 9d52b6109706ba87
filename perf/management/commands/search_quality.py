import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perf import quality


class Command(BaseCommand):
    help = (
        "Measure search quality on a judged query set (default perf/judged/greve.json, the "
        "Greve First Agenda meetings, which must be ingested first): nDCG@10 per query, per "
        "kind of query and the mean, through the real search with the cache off. Prints a "
        "Markdown table; --json prints every figure; --baseline FILE (an earlier --json) "
        "shows each figure's change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--set", dest="judged", type=Path, default=quality.JUDGED)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--baseline", type=Path, help="an earlier --json output to compare")

    def handle(self, *args, judged: Path, json: bool, baseline: Path | None, **options):
        queries = quality.load(judged)
        report = quality.evaluate(queries)
        held = sum(len(q.grades) for q in queries)
        if report["missing"] and len(report["missing"]) * 2 > held:
            raise CommandError(
                f"Arkivet mangler {len(report['missing'])} af de bedømte punkter: er møderne "
                "indlæst? (the archive lacks most judged items: ingest the meetings first)"
            )
        if json:
            self.stdout.write(_dumps(report))
            return
        before = _read(baseline) if baseline else None
        self.stdout.write(quality.table(report, before))
        self.stdout.write(
            f"\n{len(queries)} queries, {held} judged items, "
            f"{len(report['missing'])} of them not in the archive"
        )


def _dumps(report) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Kan ikke læse {path} (cannot read the baseline): {error}") from error
