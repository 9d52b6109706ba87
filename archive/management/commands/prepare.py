from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Gør databasen klar: migrér og indlæs eksempelreferaterne (uændrede filer springes over)."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        samples = Path(settings.BASE_DIR) / "samples"
        if samples.is_dir():
            call_command("ingest", str(samples))
