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


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_attachments_bytes_their_text_and_the_subscriptions(tmp_path):
    """Originals and attachments are stored in the database (SourceDocument.original,
    StoredFile.data; nothing under MEDIA_ROOT), so the one dump holds them all, and the
    subscriptions with their confirmation state beside them."""
    from alerts.models import Subscriber, Subscription
    from jobs.recovery import run_until_idle
    from tests import alerts_support
    from tests.test_attachments import PUBLICATION, ingest

    alerts_support.clear_queue()
    ingest(PUBLICATION, "Ballerup")
    run_until_idle()  # the bilag's text is read, and is backed up too
    anna = Subscriber.objects.create(email="anna@example.dk")
    Subscription.objects.create(
        subscriber=anna,
        kind=Subscription.Kind.CASE,
        params={"case": "00.00.00-P19-1719-10"},
        target="case-1719",
        label="Sag 00.00.00-P19-1719-10",
        case_number="00.00.00-P19-1719-10",
        status=Subscription.Status.ACTIVE,
    )
    files_sql = (
        "SELECT f.sha256, encode(sha256(f.data), 'hex'), f.size, f.text_status, "
        "md5(f.text), a.name FROM archive_storedfile f "
        "JOIN archive_attachment a ON a.file_id = f.id ORDER BY a.name"
    )
    subscriptions_sql = (
        "SELECT s.email, t.kind, t.case_number, t.status FROM alerts_subscription t "
        "JOIN alerts_subscriber s ON s.id = t.subscriber_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(files_sql)
        files = cursor.fetchall()
        cursor.execute(subscriptions_sql)
        subscriptions = cursor.fetchall()
    assert len(files) == 1 and all(sha == data_sha for sha, data_sha, *_rest in files)
    assert {status for *_a, status, _m, _n in files} - {"pending"}

    path = tmp_path / "archive.dump"
    call_command("backup", str(path))
    params = connection.get_connection_params()
    params.pop("options", None)
    fresh = params["dbname"] + "_restored"
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore(path, {**params, "dbname": fresh})
        with psycopg.connect(**{**params, "dbname": fresh}) as restored:
            restored_files = restored.execute(files_sql).fetchall()
            restored_subscriptions = restored.execute(subscriptions_sql).fetchall()
    finally:
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        alerts_support.clear_queue()
    assert restored_files == files
    assert (
        restored_subscriptions
        == subscriptions
        == [("anna@example.dk", "case", "00.00.00-P19-1719-10", "active")]
    )


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="findes ikke"):
        call_command("restore", str(tmp_path / "nope.dump"))
