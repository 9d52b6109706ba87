"""The API keeps the contract its OpenAPI document states, checked by an independent fuzzer.

Schemathesis (the `st` command) reads /api/v1/openapi.json from the live test server and
sends requests the document allows and requests it forbids, with every check it has:
no server error, only declared status codes and content types, bodies that match their
schema, schema-valid requests accepted, schema-violating ones refused, methods not offered
answered 405. The run is seeded and small, so it is the same run every time and takes
seconds, not minutes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ST = Path(sys.executable).with_name("st")
SEED = 18
EXAMPLES = 5


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_contract_failure(live_server, seed_archive_committed, tmp_path):
    result = subprocess.run(
        [str(ST), "run", f"{live_server.url}/api/v1/openapi.json"]
        + ["--checks", "all", "--mode", "all", "--seed", str(SEED)]
        + ["--max-examples", str(EXAMPLES), "--workers", "2"]
        + ["--no-color"]
        + ["--request-timeout", "20", "--suppress-health-check", "all"]
        + ["--report", "junit", "--report-dir", str(tmp_path)],
        cwd=tmp_path,
        env=dict(os.environ, SCHEMATHESIS_HOOKS=""),
        capture_output=True,
        text=True,
        timeout=600,
    )
    (tmp_path / "schemathesis.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, failures(result.stdout) + result.stderr[-2000:]
    assert "Tested: 26" in result.stdout  # every operation in the document was exercised


def failures(report: str) -> str:
    """Each failure's operation, check and the request that shows it, then the summary."""
    wanted = ("___", " - ST", "curl ", "Received", "Documented", "`{", "Expected", "returned")
    lines = [line for line in report.splitlines() if any(w in line for w in wanted)]
    summary = report[report.find("SUMMARY") :]
    return "\n".join(lines)[-12000:] + "\n" + summary


# --- The rules the fuzzer holds the archive to, one by one ---------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items?municipality=atlantis",
        "/api/v1/items?municipality=Herlev+Kommune",  # a name, not the id
        "/api/v1/meetings?committee=0",
        "/api/v1/meetings?committee=99999999999999999999999",
        "/api/v1/committees?municipality=atlantis",
        "/api/v1/people?municipality=atlantis&committee=0",
        "/api/v1/search?q=reform&committee=0",
        "/api/search?q=reform&municipality=atlantis",
        "/soeg/eksport.json?committee=0&date_from=&date_to=",
        "/moeder/eksport.json?municipality=atlantis&modified_since=",
    ],
)
def test_a_filter_naming_nothing_gives_an_empty_result(client, seed_archive, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert json.loads(body)["results"] == [], url


@pytest.mark.django_db
def test_a_filter_naming_nothing_gives_an_empty_feed_and_csv(client, seed_archive):
    feed = client.get("/soeg/feed?committee=0")
    assert feed.status_code == 200 and b"<entry>" not in feed.content
    csv = b"".join(client.get("/soeg/eksport.csv?municipality=atlantis").streaming_content)
    assert csv.decode("utf-8-sig").count("\n") == 1  # the header row alone


@pytest.mark.django_db
def test_the_search_page_shows_no_hits_for_a_municipality_it_does_not_know(client, seed_archive):
    response = client.get("/soeg/?q=reform&municipality=atlantis")
    assert response.status_code == 200
    assert "Ugyldige" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "count"),
    [
        ("2020-01-01T00:00:00Z", 2),
        ("2020-01-01T05:00:00+05:00", 2),  # the same moment
        ("0393-10-22T15:55:41+18:56", 5),  # an offset PostgreSQL would refuse
        ("0001-01-01T00:00:00+05:00", 5),  # before year 1 in UTC
        ("9999-12-31T23:59:59-05:00", 0),  # after year 9999 in UTC
    ],
)
def test_modified_since_takes_any_rfc_3339_time(client, seed_archive, when, count):
    from archive.models import Meeting

    Meeting.objects.filter(date__year__lt=2026).update(modified="2019-06-01T00:00:00Z")
    Meeting.objects.filter(date__year=2026).update(modified="2026-04-01T00:00:00Z")
    response = client.get("/api/v1/meetings", {"modified_since": when})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == count


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace", "options"])
@pytest.mark.parametrize(
    "url", ["/api/v1/meetings", "/kommune/herning/feed", "/sag/00.00.00-P19-1719-10/feed"]
)
def test_methods_the_document_does_not_offer_answer_405(client, seed_archive, method, url):
    response = client.generic(method.upper(), url)
    assert response.status_code == 405, (method, url)
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_forms_elsewhere_still_take_post(client):
    # The 405 is for the documented read-only addresses only: the follow form posts.
    assert client.post("/foelg/", {}).status_code != 405


@pytest.mark.django_db
def test_following_a_search_that_names_nothing_is_refused(seed_archive):
    from alerts.targets import InvalidTarget, from_params

    herning = from_params({"follow": "search", "q": "reform", "municipality": "herning"})
    assert herning.label == "Søgningen »reform«, Herning Kommune"
    for unknown in ({"municipality": "atlantis"}, {"committee": "0"}):
        with pytest.raises(InvalidTarget, match="ugyldige værdier"):
            from_params({"follow": "search", "q": "reform", **unknown})
