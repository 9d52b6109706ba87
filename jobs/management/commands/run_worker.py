"""`manage.py run_worker [--queue NAME ...]`: the job worker, started again by itself
after its database restarts (jobs/worker.py). What `make run` and docker compose run."""

from django.core.management.base import BaseCommand

from jobs.worker import run_forever


class Command(BaseCommand):
    help = "Kør baggrundsjobbene; starter selv igen, når databasen er tilbage."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="append", dest="queues", help="kun denne kø")

    def handle(self, *args, queues=None, **options):
        run_forever(queues)
