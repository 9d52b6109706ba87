import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand

from perf.ingest_feed import FEED_MUNICIPALITY, feed, remove


class Command(BaseCommand):
    help = (
        "Indlæs nye møder (prøvereferaterne i samples/ med ny dato og nyt indhold) med en fast "
        "takt gennem den rigtige ingest-kommando: indlæsningen, der kører under belastningstesten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=10, help="sekunder mellem møderne")
        parser.add_argument("--duration", type=float, default=60, help="sekunder i alt")
        parser.add_argument(
            "--municipality",
            default=FEED_MUNICIPALITY,
            help="kommunen møderne lægges i (en egen, så korpusset ikke ændres)",
        )
        parser.add_argument("--first-day", default="", help="første mødedato (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--json", help="skriv tallene som JSON hertil")
        parser.add_argument(
            "--remove",
            action="store_true",
            help="fjern kun kommunens møder (efter en afbrudt test)",
        )

    def handle(self, *args, **options):
        if options["remove"]:
            removed = remove(options["municipality"])
            self.stdout.write(f"{removed} møder fjernet fra {options['municipality']}")
            return
        first = date.fromisoformat(options["first_day"]) if options["first_day"] else date.today()
        figures = feed(options["every"], options["duration"], options["municipality"], first)
        self.stdout.write(
            f"{figures['meetings']} møder indlæst ({figures['per_minute']}/min), "
            f"{figures['failed']} fejlede, p50 {figures['ms']['p50']} ms"
        )
        for failure in figures["failures"]:
            self.stderr.write(f"FEJL {failure}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
