"""The load test runs end to end against gunicorn (a short run; figures live in the docs)."""

import json
import os

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_loadtest_runs_against_gunicorn(seed_archive_committed, test_database_url, tmp_path):
    os.environ["DATABASE_URL"], previous = test_database_url, os.environ["DATABASE_URL"]
    try:
        call_command(
            "loadtest", duration=3, rate=8, workers=4, warmup=1, json=str(tmp_path / "load.json")
        )
    finally:
        os.environ["DATABASE_URL"] = previous
    report = json.loads((tmp_path / "load.json").read_text())
    assert report["requests"] == 24
    assert report["errors"] == 0, report["error_examples"]
    assert set(report["by_kind"]) == {"search", "api", "page"}
    assert all(0 < rss < 500 for rss in report["worker_rss_mb"])
    # The share of searches seen before: on 54 items the 400 most frequent words repeat.
    assert 0 < report["search_repeat_share"] < 1


def test_loadtest_refuses_remote_targets():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="denne maskine"):
        call_command("loadtest", url="http://10.0.0.1:8000", duration=1)
