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
        "bench", items=2000, repeat=1, naive_timeout=10, json_path=out, stdout=io.StringIO()
    )
    assert AgendaItem.objects.count() == 2000
    assert Term.objects.exclude(stem="").exists()
    figures = json.loads(out.read_text())
    assert figures["items"] == 2000
    assert figures["corpus_load"]["items"] == 2000
    for group in ("common", "phrase", "negation", "compound", "identifier", "facets (browse)"):
        assert figures["groups"][group]["api"]["n"] >= 1, group
        assert figures["groups"][group]["html"]["n"] >= 1, group
    assert figures["groups"]["common"]["naive"] and figures["groups"]["common"]["fts5"]
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
