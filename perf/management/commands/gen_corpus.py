import sys

from django.core.management.base import BaseCommand, CommandError

from archive.models import AgendaItem
from perf.corpus import generate


class Command(BaseCommand):
    help = (
        "Replace the archive's content with a deterministic synthetic corpus of Danish minutes "
        "built from the seeds (98 municipalities, 15 years), loaded with COPY; reports items/s "
        "and MB/s. Destroys what the archive holds: for benchmark databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000, help="agenda items to make")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same corpus")
        parser.add_argument("--workers", type=int, default=2, help="loader processes")
        parser.add_argument(
            "--replace", action="store_true", help="replace a non-empty archive (benchmarks only)"
        )
        parser.add_argument(
            "--if-needed", action="store_true", help="do nothing if the archive holds N items"
        )

    def handle(self, *args, items, seed, workers, **options):
        existing = AgendaItem.objects.count()
        if options["if_needed"] and existing == items:
            self.stdout.write(f"the archive already holds {items:,} items; nothing to do")
            return None
        if existing and not options["replace"] and not options["if_needed"]:
            raise CommandError(
                f"Arkivet indeholder {existing:,} punkter, og gen_corpus sletter dem. Brug en "
                "separat database, eller --replace hvis det er en benchmark-database."
            )

        def progress(done, total, seconds):
            if sys.stderr.isatty() or options["verbosity"] > 1:
                rate = done / seconds if seconds else 0
                self.stderr.write(f"\r{done:,}/{total:,} items, {rate:,.0f}/s", ending="")

        report = generate(items, seed, workers=workers, progress=progress)
        figures = report.as_dict()
        self.stdout.write(
            f"{figures['items']:,} items in {figures['meetings']:,} meetings, "
            f"{figures['text_mb']:,} MB of text: load {figures['load_seconds']} s "
            f"({figures['items_per_second']:,} items/s, {figures['mb_per_second']} MB/s), "
            f"vocabulary {figures['terms']:,} words in {figures['vocabulary_seconds']} s, "
            f"indexes {figures['index_seconds']} s"
        )
        return None
