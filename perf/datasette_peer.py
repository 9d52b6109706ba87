"""Datasette as a peer: the same corpus in SQLite (perf/peers.py), served over HTTP.

Datasette is what several Danish councils publish their data with (Aarhus's council
archive runs on it), so it is the honest thing to compare with: the same queries, the same
four facets (committee, municipality, year, outcome), a page of 20, over HTTP from its own
process, in the same run. It is run as its documentation suggests for published data: the
database immutable (`-i`), FTS5 over the texts, indexes on the facet columns, and the time
limits raised so that it really computes every count and facet instead of giving up after
a second (the defaults would return pages without facets for common words). Suggested
facets are off: a search page would not ask for them. Its rows come in id order (the
table view does not rank) and carry no snippets; ours are ranked and have snippets.
"""

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

from archive.models import Municipality
from perf.server import BENCH_DIR, HttpClient, free_port, stop_process

FACETS = ("committee", "municipality", "year", "outcome")
COLUMNS = ("title", "meeting_date", "municipality", "committee", "outcome")
SETTINGS = {
    "sql_time_limit_ms": 600_000,
    "facet_time_limit_ms": 600_000,
    "suggest_facets": "off",
    "default_cache_ttl": 0,
}
FILTERS = {
    "committee": "committee_id",
    "date_from": "meeting_date__gte",
    "date_to": "meeting_date__lte",
    "year": "year",
    "outcome": "outcome",
}


class Datasette(HttpClient):
    """`datasette serve` on the SQLite copy of the corpus, on a free local port."""

    def __init__(self, db_path: Path, log_path: Path):
        self.db_path = db_path
        self.log_path = log_path
        self.port = free_port()
        self.process = None
        self.conn = None
        self.municipality_names = dict(Municipality.objects.values_list("slug", "name"))

    def start(self):
        metadata = BENCH_DIR / "datasette-metadata.json"
        table = {"fts_table": "items_fts", "fts_pk": "id"}
        metadata.write_text(json.dumps({"databases": {"archive": {"tables": {"items": table}}}}))
        command = [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            "-i",
            str(self.db_path),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-m",
            str(metadata),
        ]
        for name, value in SETTINGS.items():
            command += ["--setting", name, str(value)]
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_until_up("/-/versions.json", self.process, self.log_path, "datasette")

    def stop(self):
        self.close()
        stop_process(self.process)
        if self.process is not None:
            self.log.close()
            self.process = None

    def path(self, case, after_id: int | None = None) -> str:
        """The table view's JSON for the case: search, filters, four facets, 20 rows."""
        args = [("_facet", f) for f in FACETS] + [("_col", c) for c in COLUMNS]
        args += [("_size", "20")]
        if case.fts:
            args += [("_search", case.fts), ("_searchmode", "raw")]
        for name, value in case.params.items():
            if name == "municipality":
                args.append(("municipality", self.municipality_names.get(value, value)))
            elif name in FILTERS:
                args.append((FILTERS[name], value))
        if after_id is not None:
            args.append(("_next", str(after_id)))
        return "/archive/items.json?" + urllib.parse.urlencode(args)


def next_token(db, case) -> int | None:
    """The `_next` Datasette's own "next page" links carry to the case's page (the last id
    of the page before: its table view pages by id)."""
    page = int(case.params.get("page", 1))
    if page == 1 or not case.fts:
        return None
    row = db.execute(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid LIMIT 1 OFFSET ?",
        [case.fts, (page - 1) * 20 - 1],
    ).fetchone()
    return row[0] if row else None


def found(body: bytes) -> int | None:
    """How many rows Datasette said matched."""
    return json.loads(body).get("filtered_table_rows_count")
