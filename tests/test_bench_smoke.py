"""The benchmark works end to end on a small corpus. Timings are not checked here."""

import io
import json

import pytest
from django.core.management import call_command

from archive.models import AgendaItem, Term


@pytest.mark.django_db(transaction=True)
def test_gen_corpus_and_bench_smoke(tmp_path):
    out = tmp_path / "bench.json"
    call_command(
        "bench",
        items=2000,
        per_group=2,
        warm=1,
        naive_timeout=10,
        zipf=30,
        json_path=out,
        stdout=io.StringIO(),
    )
    assert AgendaItem.objects.count() == 2000
    assert Term.objects.exclude(stem="").exists()
    figures = json.loads(out.read_text())
    assert figures["items"] == 2000
    assert figures["corpus_load"]["items"] == 2000
    groups = figures["groups"]
    for group in ("common", "phrase", "negation", "two words", "three words", "compound"):
        assert groups[group]["ours"]["n"] == 2, group
        assert groups[group]["datasette"]["n"] == 2, group
        assert groups[group]["ours_over_datasette_p95"] > 0, group
        # Datasette answered the same search: it found something too.
        assert all(n is not None for n in groups[group]["datasette_matches"]), group
    for group in ("identifier", "filters (text)", "filters (no text)", "browse (facets)"):
        assert groups[group]["ours"]["n"] == 2 and groups[group]["datasette"]["n"] == 2, group
    # Every timed query is distinct: nothing is timed twice, so no cache hit hides in a row.
    timed = [(q["group"], json.dumps(q["params"], sort_keys=True)) for q in figures["queries"]]
    assert len(set(timed)) == len(timed)
    assert len({params for _, params in timed}) == len(timed)
    browse = [q["params"] for q in figures["queries"] if q["group"] == "browse (facets)"]
    assert {} in browse
    assert figures["cache_hit"]["n"] >= 10
    assert groups["common"]["fts5"] and groups["common"]["naive"]
    assert 0 < figures["zipf"]["hit_rate"] < 1 and figures["zipf"]["blended"]["n"] == 30
    assert figures["sqlite"]["size_mb"] > 0
    assert figures["ingest"]["documents_per_second"] > 0
    assert figures["under_ingest"]["queries"] > 0
    assert figures["gunicorn_worker_rss_mb"]["max"] > 0
    assert figures["index_sizes"]["indexes_mb"]["item_search_vector_idx"] > 0


def test_corpus_is_deterministic():
    from perf.corpus import ItemMaker, load_seeds, make_plan

    seeds = load_seeds(7)
    plan = make_plan(300, 7)
    assert sum(m[4] for m in plan.meetings) == 300
    rows = [
        [ItemMaker(seeds, 7, 0).row(1, plan.meetings[0], p) for p in (1, 2, 3)] for _ in range(2)
    ]
    assert rows[0] == rows[1]


@pytest.mark.django_db
def test_gen_corpus_refuses_to_wipe_a_real_archive(seed_archive):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="sletter dem"):
        call_command("gen_corpus", items=10)
    assert AgendaItem.objects.count() == 54


def _index_state(name):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [name],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


@pytest.mark.django_db(transaction=True)
def test_a_corpus_without_its_indexes_is_rebuilt_or_refused():
    from django.core.management.base import CommandError
    from django.db import connection

    call_command("gen_corpus", items=300, replace=True, stdout=io.StringIO())
    assert _index_state("item_search_vector_idx") is True
    # What a build that failed half-way used to leave: every item, no search index.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX item_search_vector_idx")
    with pytest.raises(CommandError, match="item_search_vector_idx on archive_agendaitem"):
        call_command("bench", stdout=io.StringIO())
    out = io.StringIO()
    call_command("gen_corpus", items=300, if_needed=True, stdout=out)
    assert "rebuilding index item_search_vector_idx" in out.getvalue()
    assert _index_state("item_search_vector_idx") is True
    # An index PostgreSQL has but may not use (a CREATE INDEX CONCURRENTLY that failed).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false "
            "WHERE indexrelid = 'item_meeting_date_idx'::regclass"
        )
    from perf.indexes import index_problems

    assert [(p.name, p.state) for p in index_problems()] == [("item_meeting_date_idx", "invalid")]
    call_command("gen_corpus", items=300, if_needed=True, stdout=io.StringIO())
    assert _index_state("item_meeting_date_idx") is True
    assert index_problems() == []


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_corpus_is_generated_again():
    from django.db import connection

    call_command("gen_corpus", items=200, replace=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("gen_corpus", items=200, if_needed=True, stdout=out)
    assert "nothing to do" in out.getvalue()
    # A run stopped after the COPY (all items there) never marks the table complete.
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON TABLE archive_agendaitem IS NULL")
        cursor.execute("DELETE FROM archive_term")
    out = io.StringIO()
    call_command("gen_corpus", items=200, if_needed=True, stdout=out)
    assert "generating it again" in out.getvalue()
    assert AgendaItem.objects.count() == 200
    assert Term.objects.exists()
