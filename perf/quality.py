"""Search quality on a judged query set: nDCG@10 per query, per kind and overall.

A judged set (perf/judged/greve.json) lists, per query, graded items (0 not relevant,
1 partly, 2 the item's subject), identified by committee, meeting date and item number, as
the archive stores them after an ingest of the same minutes. Every query runs through the
real search (`archive.search.engine.run_search`) with the cache off; items not judged
count 0.

Two figures per query:

- **hits**: the result list as a reader sees it, one entry per hit. A case already shown
  higher up (another committee's copy: same case number and title, as
  `archive.search.cases` groups them) gains nothing again: copies filling the first page
  push other cases off it. The ideal list holds each judged case once, with the best grade
  of its copies.
- **items**: classic nDCG over items: each hit followed by the copies listed under it
  ("også behandlet i"), each item with its own grade; the ideal list is every judged item.

Gains are the grades (linear, as trec_eval), discounted by log2(rank + 1).
"""

import datetime
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.test import override_settings

from archive.models import AgendaItem
from archive.search.cases import chains, title_key
from archive.search.engine import run_search

JUDGED = Path(__file__).resolve().parent / "judged" / "greve.json"
DEPTH = 10
# One page of hits: enough for @10 even when the page lists copies under its hits.
PAGE_SIZE = 20


@dataclass
class JudgedQuery:
    """One query of the set: its grades by item and by case."""

    query: str
    kind: str
    intent: str
    grades: dict = field(default_factory=dict)  # item key -> grade
    cases: dict = field(default_factory=dict)  # item key -> case key

    def case_grades(self) -> dict:
        """{case key: the best grade of its judged copies}."""
        best = defaultdict(int)
        for key, grade in self.grades.items():
            best[self.cases[key]] = max(best[self.cases[key]], grade)
        return dict(best)


def item_key(committee: str, date: str, number) -> tuple:
    """How the set names an item: committee name, ISO meeting date, item number."""
    return (committee.strip(), str(date), number)


def load(path: Path = JUDGED) -> list[JudgedQuery]:
    """The judged queries of a set file."""
    queries = []
    for entry in json.loads(Path(path).read_text(encoding="utf-8")):
        judged = JudgedQuery(entry["query"], entry.get("kind", ""), entry.get("intent", ""))
        rows = sorted(entry["judgements"], key=lambda r: r["date"], reverse=True)
        for row in rows:
            judged.grades[_key(row)] = row["grade"]
        # Copies of a case are grouped as the search groups them; a case is named by its
        # newest judged copy.
        for group in chains(
            (_key(row), _case(row), row["committee"], datetime.date.fromisoformat(row["date"]))
            for row in rows
        ):
            judged.cases |= {key: group[0] for key in group}
        queries.append(judged)
    return queries


def _key(row: dict) -> tuple:
    return item_key(row["committee"], row["date"], row["number"])


def _case(row: dict):
    number = row.get("case_number", "").strip()
    return (number, title_key(row["title"])) if number else None


def dcg(gains: list[float], depth: int = DEPTH) -> float:
    """Discounted cumulative gain of the first `depth` gains."""
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains[:depth]))


def ndcg(gains: list[float], ideal: list[float], depth: int = DEPTH) -> float:
    """DCG of the gains over the DCG of the best possible order; 0 when nothing is relevant."""
    best = dcg(sorted(ideal, reverse=True), depth)
    return dcg(gains, depth) / best if best else 0.0


@dataclass
class Entry:
    """One hit as the search shows it: the item and the copies listed under it."""

    key: tuple
    copies: list = field(default_factory=list)  # item keys


def entries(results) -> list[Entry]:
    """The hits of a page of results, with the copies each lists under it (`also`)."""
    found = []
    for item in results.items:
        key = item_key(item.committee.name, item.meeting_date.isoformat(), item.number)
        copies = [
            item_key(other["committee"], other["date"].isoformat(), other["number"])
            for other in getattr(item, "also", None) or []
        ]
        found.append(Entry(key, copies))
    return found


def score(judged: JudgedQuery, hits: list[Entry]) -> dict:
    """The query's figures for these hits."""
    grades, seen, hit_gains = judged.case_grades(), set(), []
    for hit in hits:
        case = next((judged.cases[k] for k in (hit.key, *hit.copies) if k in judged.cases), hit.key)
        hit_gains.append(0 if case in seen else grades.get(case, 0))
        seen.add(case)
    items = [key for hit in hits for key in (hit.key, *hit.copies)]
    item_gains = [judged.grades.get(key, 0) for key in items]
    return {
        "query": judged.query,
        "kind": judged.kind,
        "ndcg_hits": round(ndcg(hit_gains, list(grades.values())), 3),
        "ndcg_items": round(ndcg(item_gains, list(judged.grades.values())), 3),
        # Distinct relevant cases among the first ten hits.
        "relevant_cases_at_10": sum(1 for gain in hit_gains[:DEPTH] if gain > 0),
        "top": [list(hit.key) for hit in hits[:DEPTH]],
    }


def search(text: str):
    """One uncached search of the whole public archive, as the search page runs it."""
    with override_settings(ARCHIVE_CACHE=False):
        return run_search(AgendaItem.objects.public(), {"q": text, "page_size": PAGE_SIZE})


def missing(queries: list[JudgedQuery]) -> list[tuple]:
    """Judged items the archive does not hold: the set and the archive disagree."""
    held = {
        item_key(name, date.isoformat(), number)
        for name, date, number in AgendaItem.objects.public().values_list(
            "committee__name", "meeting_date", "number"
        )
    }
    return sorted({key for q in queries for key in q.grades} - held, key=str)


def evaluate(queries: list[JudgedQuery]) -> dict:
    """Figures per query, their means, and the means per kind of query."""
    rows = [score(judged, entries(search(judged.query))) for judged in queries]
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    return {
        "queries": rows,
        "mean": _means(rows),
        "kinds": {kind: _means(group) for kind, group in sorted(by_kind.items())},
        "missing": [list(key) for key in missing(queries)],
    }


def _means(rows: list[dict]) -> dict:
    return {
        name: round(sum(r[name] for r in rows) / len(rows), 3) if rows else 0.0
        for name in ("ndcg_hits", "ndcg_items")
    }


def table(report: dict, baseline: dict | None = None) -> str:
    """The report as a Markdown table; with a baseline, each figure's change beside it."""
    before = {row["query"]: row for row in (baseline or {}).get("queries", [])}
    lines = [
        "| query | kind | nDCG@10 hits | nDCG@10 items | relevant cases in top 10 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in report["queries"]:
        old = before.get(row["query"])
        hits, items = (_figure(row, old, name) for name in ("ndcg_hits", "ndcg_items"))
        line = f"| {row['query']} | {row['kind']} | {hits} | {items} |"
        lines.append(line + f" {row['relevant_cases_at_10']} |")
    mean, old_mean = report["mean"], (baseline or {}).get("mean")
    hits, items = (_figure(mean, old_mean, name) for name in ("ndcg_hits", "ndcg_items"))
    lines.append(f"| **mean** | | **{hits}** | **{items}** | |")
    lines += ["", "| kind | nDCG@10 hits | nDCG@10 items |", "| --- | --- | --- |"]
    for kind, means in report["kinds"].items():
        old = (baseline or {}).get("kinds", {}).get(kind)
        lines.append(
            f"| {kind} | {_figure(means, old, 'ndcg_hits')} | {_figure(means, old, 'ndcg_items')} |"
        )
    return "\n".join(lines)


def _figure(row: dict, old: dict | None, name: str) -> str:
    if not old or old[name] == row[name]:
        return f"{row[name]:.3f}"
    return f"{old[name]:.3f} → {row[name]:.3f}"
