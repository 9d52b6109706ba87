"""A backup restores into a fresh database with the same meetings and original bytes."""

import hashlib

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from archive.backup import restore
from archive.models import SourceDocument


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database(tmp_path, all_samples_committed):
    path = tmp_path / "archive.dump"
    call_command("backup", str(path))
    assert path.stat().st_size > 10_000
    expected = sorted(
        (
            s.meeting.committee.name,
            s.meeting.date.isoformat(),
            hashlib.sha256(bytes(s.original)).hexdigest(),
        )
        for s in SourceDocument.objects.select_related("meeting__committee")
    )

    params = connection.get_connection_params()
    params.pop("options", None)
    fresh = params["dbname"] + "_restored"
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore(path, {**params, "dbname": fresh})
        with psycopg.connect(**{**params, "dbname": fresh}) as restored:
            rows = restored.execute(
                """SELECT c.name, m.date::text, encode(sha256(s.original), 'hex')
                   FROM archive_sourcedocument s
                   JOIN archive_meeting m ON m.id = s.meeting_id
                   JOIN archive_committee c ON c.id = m.committee_id"""
            ).fetchall()
            items = restored.execute("SELECT count(*) FROM archive_agendaitem").fetchone()[0]
            found = restored.execute(
                "SELECT count(*) FROM archive_agendaitem "
                "WHERE search_vector @@ websearch_to_tsquery('danish', 'hjemløse')"
            ).fetchone()[0]
    finally:
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    assert sorted(rows) == expected
    assert (items, found) == (54, 4)  # the stored vectors came back (plain, unwidened query)


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="findes ikke"):
        call_command("restore", str(tmp_path / "nope.dump"))
