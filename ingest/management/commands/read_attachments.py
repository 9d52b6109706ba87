from django.core.management.base import BaseCommand
from django.db import transaction

from archive.models import StoredFile
from ingest import tasks

AGAIN = ["none", "failed", "layer", "ocr", "unsupported"]


class Command(BaseCommand):
    help = (
        "Læs bilagenes tekst i baggrunden: et job pr. fil, der venter (pending). Med --again "
        "læses filer med de angivne statusser igen, fx 'none' efter Tesseract er installeret, "
        "eller 'failed' efter en grænse er hævet. Kræver en kørende worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--again",
            nargs="+",
            choices=AGAIN,
            default=[],
            help="læs også filer med disse statusser igen",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            again = StoredFile.objects.filter(text_status__in=options["again"])
            reset = again.update(text_status=StoredFile.Text.PENDING, text_note="")
            pending = StoredFile.objects.filter(text_status=StoredFile.Text.PENDING)
            queued = tasks.read_later(pending.values_list("pk", flat=True))
        self.stdout.write(f"{queued} filer sat i kø til tekstlæsning ({reset} læses igen).")
