from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from archive.backup import BackupError, dump


class Command(BaseCommand):
    help = "Tag en sikkerhedskopi af hele databasen (med originaldokumenterne) med pg_dump."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="filen der skal skrives (standard: var/backups/…)"
        )

    def handle(self, *args, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        default = Path(settings.BASE_DIR) / "var" / "backups" / f"referatarkiv-{stamp}.dump"
        path = Path(options["path"] or default)
        try:
            dump(path)
        except BackupError as error:
            raise CommandError(f"pg_dump fejlede: {error}") from error
        self.stdout.write(f"Sikkerhedskopi skrevet: {path} ({path.stat().st_size:,} bytes)")
