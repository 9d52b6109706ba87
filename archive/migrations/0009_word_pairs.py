"""Phrases from the index (archive/search/pairs.py, docs/performance.md).

`archive_word_pairs(vector)`: a key for every two positions one or two apart in a stored
search vector, hashed (distance, first lexeme, second lexeme); `archive_pair_query(links)`:
the tsquery that requires each link's key. A GIN index over the first, an expression
index: it needs no column, no trigger and no backfill, and is kept up to date by every
insert and update that changes `search_vector`.

The index is built in one statement (with the table's other indexes, by gen_corpus, after
a bulk load), without the statement timeout of web requests. Both functions are marked
costly so that the planner asks the index rather than computing pairs row by row.
"""

from django.db import migrations

WORD_PAIRS = """
CREATE OR REPLACE FUNCTION archive_word_pairs(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
  WITH words AS MATERIALIZED (
    SELECT w.lexeme, p::int AS pos FROM unnest(v) AS w, unnest(w.positions) AS p
  )
  SELECT coalesce(
    array_to_tsvector(array_agg(to_hex(hashtext(d || ' ' || first || ' ' || second)))),
    ''::tsvector
  )
  FROM (
    SELECT 1 AS d, a.lexeme AS first, b.lexeme AS second
      FROM words a JOIN words b ON b.pos = a.pos + 1
    UNION ALL
    SELECT 2, a.lexeme, b.lexeme FROM words a JOIN words b ON b.pos = a.pos + 2
  ) AS pairs
$$;

CREATE OR REPLACE FUNCTION archive_pair_query(links text[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg(quote_literal(to_hex(hashtext(link))), ' & ')::tsquery
  FROM unnest(links) AS link
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS archive_pair_query(text[]);
DROP FUNCTION IF EXISTS archive_word_pairs(tsvector);
"""

INDEX = """
SET LOCAL statement_timeout = 0;
SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS item_word_pairs_idx
    ON archive_agendaitem USING gin (archive_word_pairs(search_vector));
ANALYZE archive_agendaitem;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0008_attachment_text")]

    operations = [
        migrations.RunSQL(WORD_PAIRS, DROP_FUNCTIONS),
        migrations.RunSQL(INDEX, "DROP INDEX IF EXISTS item_word_pairs_idx"),
    ]
