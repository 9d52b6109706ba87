import sys
import time

from django.core.management.base import BaseCommand, CommandError

from archive.models import AgendaItem
from perf.indexes import index_problems, rebuild
from perf.load import CorpusError, completed_corpus, generate, is_complete


class Progress:
    """A progress bar on a terminal; elsewhere (a log file) a line every 15 seconds."""

    def __init__(self, out, err, tty: bool):
        self.out, self.err, self.tty = out, err, tty
        self.last = 0.0

    def __call__(self, done, total, seconds):
        rate = done / seconds if seconds else 0
        left = (total - done) / rate if rate else 0
        text = f"{done:,}/{total:,} items, {rate:,.0f}/s, {left:,.0f} s left"
        if self.tty:
            bar = "#" * int(30 * done / total)
            self.err.write(f"\r[{bar:<30}] {text}", ending="")
            if done >= total:
                self.err.write("")
        elif time.monotonic() - self.last >= 15 or done >= total:
            self.last = time.monotonic()
            self.out.write(f"{100 * done / total:5.1f} % {text}")
            self.out.flush()

    def log(self, line):
        self.out.write(line)
        self.out.flush()


def ensure_corpus(command, items, seed, workers=2, if_needed=True, replace=False) -> dict | None:
    """The archive as a complete corpus of `items` items with all its indexes; returns the
    load figures if it had to be generated. Shared by gen_corpus and bench."""
    progress = Progress(command.stdout, command.stderr, sys.stderr.isatty())
    existing = AgendaItem.objects.count()
    if if_needed and existing == items and is_complete(items, seed):
        problems = index_problems()
        if problems:
            # An index build was interrupted or failed after the corpus was marked
            # complete, or someone dropped one: searches would read the whole table.
            rebuild(problems, log=progress.log)
        progress.log(f"the archive already holds {items:,} items; nothing to do")
        return None
    if existing and not replace and not if_needed:
        raise CommandError(
            f"Arkivet indeholder {existing:,} punkter, og gen_corpus sletter dem. Brug en "
            "separat database, eller --replace hvis det er en benchmark-database."
        )
    if existing and if_needed:
        state = completed_corpus() or "not a finished gen_corpus run"
        progress.log(f"the archive holds {existing:,} items ({state}); generating it again")
    try:
        report = generate(items, seed, workers=workers, progress=progress, log=progress.log)
    except CorpusError as error:
        raise CommandError(f"gen_corpus mislykkedes: {error}") from error
    return report.as_dict()


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
            "--if-needed",
            action="store_true",
            help="do nothing if the archive is a finished corpus of N items (missing indexes "
            "are rebuilt); otherwise generate it",
        )

    def handle(self, *args, items, seed, workers, **options):
        figures = ensure_corpus(
            self, items, seed, workers, if_needed=options["if_needed"], replace=options["replace"]
        )
        if figures is None:
            return None
        self.stdout.write(
            f"{figures['items']:,} items in {figures['meetings']:,} meetings, "
            f"{figures['text_mb']:,} MB of text: load {figures['load_seconds']} s "
            f"({figures['items_per_second']:,} items/s, {figures['mb_per_second']} MB/s), "
            f"vocabulary {figures['terms']:,} words in {figures['vocabulary_seconds']} s, "
            f"indexes {figures['index_seconds']} s"
        )
        return None
