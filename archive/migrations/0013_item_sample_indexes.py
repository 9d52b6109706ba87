"""Indexes of the table sample alone, for the facets of very large results.

Past the count cap, the facets are counted on a fixed sample of the items (`id % 256`
below a threshold, archive.search.facets.sampled_facets). PostgreSQL found the sample's
matches by reading the word's whole posting list from the main index and intersecting it
with the sample's: for a word in 170,000 of a million items that was 22 ms of a 26 ms
query, and it grows with the archive. These two small GIN indexes (0.8 % of the rows: the
threshold a table of 512,000 items or more samples with) hold the sample's vectors and word
pairs only, so the same query reads a posting list 128 times shorter (docs/performance.md,
"The second evening"). A smaller archive samples more buckets, which these indexes do
not cover, and its full posting lists are short.
"""

from django.db import migrations

SETTINGS = """
SET LOCAL statement_timeout = 0;
SET LOCAL maintenance_work_mem = '512MB';
"""
# One index per statement: perf.indexes rebuilds each from the statement that created it.
VECTORS = """
CREATE INDEX IF NOT EXISTS item_sample_vector_idx
    ON archive_agendaitem USING gin (search_vector) WHERE (id % 256) < 2
"""
PAIRS = """
CREATE INDEX IF NOT EXISTS item_sample_word_pairs_idx
    ON archive_agendaitem USING gin (archive_word_pairs(search_vector)) WHERE (id % 256) < 2
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0012_revision_version")]

    operations = [
        migrations.RunSQL(SETTINGS + VECTORS, "DROP INDEX IF EXISTS item_sample_vector_idx"),
        migrations.RunSQL(SETTINGS + PAIRS, "DROP INDEX IF EXISTS item_sample_word_pairs_idx"),
    ]
