import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from archive import versions
from archive.people import link_meeting, meetings_to_link


class Command(BaseCommand):
    help = (
        "Knyt mødernes deltager- og fraværslister til personer (Person og Attendance). "
        "Kan køres igen: det, der allerede stemmer, røres ikke. "
        "(Links the meetings' participant lists to people; idempotent.)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="kun møder med lister, som endnu ikke er knyttet (only meetings not yet linked)",
        )

    def handle(self, *args, missing=False, **options):
        meetings = meetings_to_link(missing=missing)
        total = meetings.count()
        for done, meeting in enumerate(meetings.iterator(chunk_size=200), start=1):
            with transaction.atomic():  # one meeting, one transaction, as the store does
                link_meeting(meeting)
            if sys.stderr.isatty() or options["verbosity"] > 1:
                self.stderr.write(f"\r{done:,}/{total:,} møder", ending="")
        if total:
            versions.changed()  # cached pages may list people that changed
        if options["verbosity"]:
            self.stdout.write(f"{total:,} møder knyttet til personer ({total:,} meetings linked)")
