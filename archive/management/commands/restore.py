from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Genskab databasen fra en sikkerhedskopi lavet med 'backup' (erstatter indholdet, "
        "alt i én transaktion)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="sikkerhedskopien (.dump)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Filen {path} findes ikke.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(f"pg_restore fejlede, intet er ændret: {error}") from error
        self.stdout.write(f"Databasen er genskabt fra {path}.")
