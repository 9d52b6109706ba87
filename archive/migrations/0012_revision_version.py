"""The revision version (archive/versions.py): moves on every change that is not a mere
addition, so that cached results survive new meetings for a bounded time."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_meeting_withdrawn_idx")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS archive_revision_version; "
            "SELECT setval('archive_revision_version', greatest(1, "
            "(SELECT last_value FROM archive_content_version)))",
            "DROP SEQUENCE IF EXISTS archive_revision_version",
        ),
    ]
