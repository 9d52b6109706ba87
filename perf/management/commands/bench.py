import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perf import bench as runner
from perf.indexes import describe, index_problems
from perf.management.commands.gen_corpus import ensure_corpus


class Command(BaseCommand):
    help = (
        "Benchmark search on a synthetic national-scale corpus: our search in-process and over "
        "HTTP (gunicorn), the naive Django approach and SQLite FTS5 side by side, ingest "
        "throughput, index sizes and worker memory. Prints a table; --json writes every figure."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--items",
            type=int,
            help="generate a corpus of this many items first, unless the archive holds exactly "
            "that many (default: benchmark what the archive holds)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=3, help="timed runs per query")
        parser.add_argument("--naive-timeout", type=int, default=30, help="seconds per query")
        parser.add_argument("--json", dest="json_path", type=Path, help="write all figures here")

    def handle(
        self, *args, items, seed, repeat, naive_timeout, json_path: Path | None = None, **options
    ):
        corpus = None
        if items:
            # Generates the corpus unless it is a finished one of this size, and rebuilds
            # any index that is missing or invalid.
            corpus = ensure_corpus(self, items, seed)
        else:
            problems = index_problems()
            if problems:
                raise CommandError(
                    f"Arkivets indeks er ikke komplette ({describe(problems)}): søgninger "
                    "ville læse hele tabellen, og tallene ville intet sige. Kør "
                    "`manage.py gen_corpus --items N --if-needed` (genopbygger dem) eller "
                    "`bench --items N`."
                )
        figures = runner.run(
            seed=seed, repeat=repeat, naive_timeout_s=naive_timeout, log=self.stdout.write
        )
        figures["corpus_load"] = corpus
        self.stdout.write(runner.table(figures))
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(_dumps(figures))
            self.stdout.write(f"figures written to {json_path}")


def _dumps(figures) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False, default=str)
