"""The table sample's own index of journal numbers (see 0013): a broad KLE prefix
("15.00.00", 160,000 of a million items) first counts its matches in the sample, and the
sample's matches came from the prefix's whole range of the journal-number index (13 ms)."""

from django.db import migrations

INDEX = """
SET LOCAL statement_timeout = 0;
CREATE INDEX IF NOT EXISTS item_sample_case_number_idx
    ON archive_agendaitem (case_number_normalized varchar_pattern_ops) WHERE (id % 256) < 2
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0013_item_sample_indexes")]

    operations = [
        migrations.RunSQL(INDEX, "DROP INDEX IF EXISTS item_sample_case_number_idx"),
    ]
