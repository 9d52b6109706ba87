"""The load test runs end to end against gunicorn, with new minutes ingested meanwhile (a
short run; the figures live in docs/reliability.md)."""

import json
import os
import random
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from perf import querylog
from perf.ingest_feed import FEED_MUNICIPALITY, new_minutes
from tests.conftest import sample_path

CLASSES = {"search", "api", "home", "meeting", "item", "committee"}


@pytest.mark.django_db(transaction=True)
def test_loadtest_runs_against_gunicorn(seed_archive_committed, test_database_url, tmp_path):
    from archive.models import AgendaItem, Municipality

    items = AgendaItem.objects.count()
    os.environ["DATABASE_URL"], previous = test_database_url, os.environ["DATABASE_URL"]
    try:
        call_command(
            "loadtest",
            duration=3,
            rate=8,
            workers=4,
            warmup=1,
            ingest_every=1,
            log_size=200,
            json=str(tmp_path / "load.json"),
        )
    finally:
        os.environ["DATABASE_URL"] = previous
    report = json.loads((tmp_path / "load.json").read_text())
    assert report["requests"] == 24
    assert report["errors"] == 0, report["error_examples"]
    assert set(report["by_kind"]) == CLASSES
    assert set(report["by_group"]) == {"searches", "pages"}
    for figures in report["by_group"].values():
        assert {"requests", "errors", "p50", "p95", "p99", "hit_rate"} <= set(figures)
    assert sum(f["requests"] for f in report["by_kind"].values()) == 24
    # Every cacheable page said whether the cache answered it.
    assert 0 <= report["cache_hit_rate"]["all"] <= 1
    assert all(0 < rss < 500 for rss in report["worker_rss_mb"])
    assert 0 <= report["search_repeat_share"] < 1
    assert set(report["targets"]) == {"searches_per_s", "no_errors", "page_p95", "search_p95"}
    # The minutes went through the real ingest, and were taken out again afterwards.
    ingest = report["ingest"]
    assert ingest["failed"] == 0, ingest["failures"]
    assert ingest["meetings"] >= 2
    assert ingest["removed_after"] == ingest["meetings"]
    assert AgendaItem.objects.count() == items
    assert not Municipality.objects.filter(name=FEED_MUNICIPALITY).exists()


def test_loadtest_refuses_remote_targets():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="denne maskine"):
        call_command("loadtest", url="http://10.0.0.1:8000", duration=1)


def test_searches_follow_zipf_law_over_distinct_queries():
    words = [f"ord{n}" for n in range(300)]
    log = querylog.build_log(words, ["herning"], seed=1, size=1000)
    assert len(set(log)) == 1000
    drawn = Counter(querylog.draw(log, 20000, random.Random(2)))
    # Rank 1 is asked about twice as often as rank 2 and ten times as often as rank 10.
    assert 1.6 < drawn[log[0]] / drawn[log[1]] < 2.5
    assert 7 < drawn[log[0]] / drawn[log[9]] < 14
    # The long tail: the less popular half of the log is a tenth of the searches.
    tail = sum(drawn[query] for query in log[500:]) / 20000
    assert 0.06 < tail < 0.13


def test_new_minutes_move_the_meeting_to_a_new_day_and_are_new_bytes():
    sample = sample_path("000").read_text(encoding="utf-8")
    minutes = new_minutes(sample, date(2027, 2, 1), "nr. 7")
    assert "REFERAT Beskæftigelsesudvalget d. 01-02-2027" in minutes
    assert "Mødedato Mandag d. 1. februar 2027 kl. 13:00" in minutes
    # Only the header: a reference to an earlier meeting in the text stays as it was.
    assert "den 10. marts 2026" in minutes
    assert minutes.endswith("Tilføjet under belastningstest nr. 7.\n")
