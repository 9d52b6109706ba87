import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perf import bench as runner
from perf.indexes import describe, index_problems
from perf.management.commands.gen_corpus import ensure_corpus


class Command(BaseCommand):
    help = (
        "Benchmark search on a synthetic national-scale corpus, the first time each query is "
        "asked: distinct queries over HTTP to gunicorn with the caches off, next to Datasette "
        "(same corpus, queries and facets) and bare SQLite FTS5, the naive Django approach, "
        "cache hits as their own row, an optional Zipf query log, ingest throughput, index "
        "sizes and worker memory. Prints a table; --json writes every figure."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--items",
            type=int,
            help="generate a corpus of this many items first, unless the archive is a finished "
            "one of that size (missing indexes are rebuilt); default: benchmark what it holds",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--per-group", type=int, default=20, help="distinct timed queries per group"
        )
        parser.add_argument(
            "--warm", type=int, default=3, help="distinct warm-up queries per group (untimed)"
        )
        parser.add_argument("--naive-timeout", type=int, default=30, help="seconds per query")
        parser.add_argument(
            "--zipf",
            type=int,
            default=0,
            metavar="N",
            help="also replay a log of N queries with Zipf-distributed repeats (cache on)",
        )
        parser.add_argument("--skip-ingest", action="store_true", help="no ingest figures")
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="only make sure the corpus is complete and export its SQLite copy, then stop",
        )
        parser.add_argument("--json", dest="json_path", type=Path, help="write all figures here")

    def handle(self, *args, items, seed, json_path: Path | None = None, **options):
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
        if options["prepare"]:
            runner.prepare(log=self._log)
            return
        figures = runner.run(
            seed=seed,
            per_group=options["per_group"],
            warm=options["warm"],
            naive_timeout_s=options["naive_timeout"],
            zipf=options["zipf"],
            ingest=not options["skip_ingest"],
            log=self._log,
        )
        figures["corpus_load"] = corpus
        self.stdout.write(runner.table(figures))
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
            self.stdout.write(f"figures written to {json_path}")

    def _log(self, line):
        self.stdout.write(line)
        self.stdout.flush()
