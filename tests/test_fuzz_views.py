"""Hostile and random parameters never make the public pages fail: 200, 400 or 404 only."""

import os
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KEYS = [
    "q", "scope", "sort", "page", "page_size", "municipality", "committee", "date_from",
    "date_to", "year", "kle", "outcome", "closed", "x", "q[]", "",
]  # fmt: skip
HOSTILE = st.sampled_from(
    [
        "\x00", "\x00\x00q", "\x1b[31m", '"', '"""', "-", "--", "or", "or or", "!", "&|!",
        "<->", "'", "''", "\\", "%", "_", "*", ":*", "a:A", "99999999999999999999999", "-1",
        "0", "1e9", "NaN", "2026-02-30", "0000-00-00", "x" * 10_000, "ø" * 3000, "\u202e",
        "<script>alert(1)</script>", "15.00.00", "00.01.00A00-29-25", "(", ")", "«»",
    ]
)  # fmt: skip
VALUES = HOSTILE | st.text(max_size=200) | st.integers(-(10**30), 10**30).map(str)
PARAMS = st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=6)
OK = {200, 400, 404}


@FUZZ
@given(params=PARAMS)
def test_search_page_and_api(client, seed_archive, params):
    query = urlencode(params)
    for path in ("/soeg/", "/api/search", "/moeder/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in OK, (path, params)


@FUZZ
@given(segment=HOSTILE | st.text(min_size=1, max_size=120), number=st.integers(0, 10**25))
def test_path_segments(client, seed_archive, segment, number):
    for path in (
        f"/sag/{quote(segment, safe='')}/",
        f"/moeder/{number}/",
        f"/moeder/{number}/punkt/{number}/",
        f"/moeder/{number}/original",
        f"/kommune/{quote(segment, safe='')}/",
    ):
        assert client.get(path).status_code in OK, path
