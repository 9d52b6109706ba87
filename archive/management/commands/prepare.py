from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = (
        "Gør databasen klar: opret den om nødvendigt, migrér og indlæs eksempelreferaterne "
        "(uændrede filer springes over)."
    )

    def handle(self, *args, **options):
        ensure_database()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("link_people", missing=True, verbosity=0)
        samples = Path(settings.BASE_DIR) / "samples"
        if samples.is_dir():
            call_command("ingest", str(samples))


def ensure_database():
    """Create the configured database on a server that does not have it yet."""
    try:
        connection.ensure_connection()
        return
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
    params = connection.get_connection_params()
    name = params.pop("dbname")
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
