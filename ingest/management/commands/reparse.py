from django.core.management.base import BaseCommand

from archive.models import SourceDocument
from ingest.store import reparse


class Command(BaseCommand):
    help = (
        "Kør den nuværende parser over alle gemte originaler (én transaktion pr. dokument), "
        "så forbedringer af parseren når de gamle data. Rapporterer hvad der ændrede sig."
    )

    def handle(self, *args, **options):
        sources = SourceDocument.objects.filter(
            status=SourceDocument.Status.CURRENT, meeting__isnull=False
        ).select_related("meeting__committee__municipality")
        changed = failed = total = 0
        for source in sources.iterator(chunk_size=50):
            total += 1
            result = reparse(source)
            if result.error:
                failed += 1
                self.stderr.write(f"FEJL {source.file_name}: {result.error}")
            elif result.changed:
                changed += 1
                self.stdout.write(
                    f"ændret: {source.meeting} ({result.before} → {result.after} punkter)"
                )
        self.stdout.write(f"{total} dokumenter genfortolket: {changed} ændret, {failed} fejlede")
