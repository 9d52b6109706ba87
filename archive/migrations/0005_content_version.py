"""The archive's content version (archive/versions.py): a sequence, so that bumping it takes
no row lock and concurrent ingests never wait for each other on it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_item_sample_bucket_idx")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS archive_content_version",
            "DROP SEQUENCE IF EXISTS archive_content_version",
        ),
    ]
