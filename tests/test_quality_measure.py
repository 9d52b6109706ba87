"""The search-quality measure (perf/quality.py, `manage.py search_quality`): nDCG@10 of the
real search on a judged set, per hit (copies of a case shown once) and per item."""

import io
import json

import pytest
from django.core.management import call_command

from perf import quality
from tests.test_search_quality import COMMITTEES, case_path  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

HALF_YEAR = "Tryghed i Greve Nord - Halvårs-status"
CHORES = "Huskeliste og orientering fra administrationen"
# (committee, date, number, case number, title, grade); the three Halvårs-status items are
# copies of one case, the two Huskeliste items are two items.
JUDGED = [
    ("SHU", "2022-05-30", 5, "20-010677K", HALF_YEAR, 2),
    ("BEU", "2022-05-30", 8, "20-010677K", HALF_YEAR, 2),
    ("PTU", "2022-05-31", 17, "20-010677K", "Tryghed i Greve nord - Halvårsstatus", 2),
    ("PTU", "2022-11-15", 8, "20-010677K", "Tryghed i Greve Nord - Helårsstatus 2022 og …", 0),
    ("PTU", "2024-01-16", 17, "22-003655", CHORES, 2),
    ("PTU", "2023-11-14", 15, "22-003655", CHORES, 0),
]


FIELDS = ("committee", "date", "number", "case_number", "title", "grade")


@pytest.fixture
def judged_set(tmp_path):
    rows = [
        dict(zip(FIELDS, row, strict=True)) | {"committee": COMMITTEES[row[0]]} for row in JUDGED
    ]
    path = tmp_path / "judged.json"
    entry = {"query": "tryghed greve nord", "kind": "case-path", "intent": "", "judgements": rows}
    path.write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    return path


def test_copies_of_a_case_gain_once_per_hit(judged_set):
    (judged,) = quality.load(judged_set)
    keys = [quality.item_key(COMMITTEES[row[0]], row[1], row[2]) for row in JUDGED]
    # Each copy listed as a hit of its own: the second and third copies gain nothing.
    separate = [quality.Entry(k) for k in (keys[2], keys[0], keys[1], keys[4])]
    # Ideal: the case (2), the Huskeliste of 2024 (2), then the 0s.
    # DCG 2/log2(2) + 2/log2(5) = 2.861; ideal 2 + 2/log2(3) = 3.262.
    assert quality.score(judged, separate)["ndcg_hits"] == 0.877
    grouped = [quality.Entry(keys[2], [keys[0], keys[1]]), quality.Entry(keys[4])]
    assert quality.score(judged, grouped)["ndcg_hits"] == 1.0


def test_search_quality_runs_the_real_search(case_path, judged_set):  # noqa: F811
    out = io.StringIO()
    call_command("search_quality", "--set", str(judged_set), "--json", stdout=out)
    report = json.loads(out.getvalue())
    (row,) = report["queries"]
    # Hits: the Halvårs-status case (2), Helårsstatus (0), Huskeliste 2024 (2), 2023 (0):
    # DCG 2 + 2/log2(4) = 3; ideal 2 + 2/log2(3) = 3.262.
    # Items: 2, 2, 2, 0, 2, 0: DCG 5.036; ideal 2, 2, 2, 2, 0, 0: 5.123.
    assert (row["ndcg_hits"], row["ndcg_items"], row["relevant_cases_at_10"]) == (0.92, 0.983, 2)
    assert report["mean"] == {"ndcg_hits": 0.92, "ndcg_items": 0.983}
    assert report["kinds"] == {"case-path": {"ndcg_hits": 0.92, "ndcg_items": 0.983}}
    assert report["missing"] == []
    table = io.StringIO()
    call_command("search_quality", "--set", str(judged_set), stdout=table)
    assert "| tryghed greve nord | case-path | 0.920 | 0.983 | 2 |" in table.getvalue()
