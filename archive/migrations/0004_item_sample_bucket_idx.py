"""Search at national scale (docs/performance.md).

- An expression index for the fixed sample that estimates the facets of very large results
  (archive.search.facets.sampled_facets): rows whose id % 256 is below a threshold.
- The real cost of `tsvector @@ tsquery`: PostgreSQL prices it like an integer comparison,
  but on a stored vector it first reads the vector back from TOAST. With the default cost
  the planner reads and tests every row's vector (a sequential scan, 0.7 s at 100,000 items)
  instead of asking the GIN index (10 ms). Changing a built-in function's cost needs the
  owner (a superuser); where that is not allowed the migration leaves it and says so.
"""

from django.db import migrations

MATCH_COST = """
DO $$
BEGIN
    ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST %s;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'ts_match_vq cost unchanged (needs superuser): see docs/performance.md';
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_editor_group")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS item_sample_bucket_idx "
            "ON archive_agendaitem ((id % 256))",
            "DROP INDEX IF EXISTS item_sample_bucket_idx",
        ),
        migrations.RunSQL(MATCH_COST % 1000, MATCH_COST % 1),
    ]
