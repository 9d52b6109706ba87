"""Golden summaries of how the seeds parse.

    python -m tests.golden        # rewrite tests/fixtures/golden/*.json after a reviewed change

Each item is pinned field by field; long section texts by their opening, ending and length,
so a moved section boundary shows up as a diff without storing the whole text twice.
"""

import json
from pathlib import Path

from ingest.pipeline import parse_document

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"


def summarize(data: bytes) -> dict:
    doc = parse_document(data).as_json()
    meeting = {k: doc[k] for k in ("municipality", "committee", "kind", "date", "time")}
    meeting |= {k: doc[k] for k in ("location", "participants", "absent", "format", "encoding")}
    meeting["items"] = [_item(item) for item in doc["items"]]
    return meeting


def _item(item):
    pinned = {k: v for k, v in item.items() if k != "sections"}
    pinned["sections"] = {
        key: {"start": text[:80], "end": text[-80:], "length": len(text)}
        for key, text in item["sections"].items()
    }
    return pinned


def golden_path(sample: Path) -> Path:
    return GOLDEN / f"{sample.stem}.json"


def main():
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for sample in sorted((ROOT / "samples").iterdir()):
        summary = summarize(sample.read_bytes())
        text = json.dumps(summary, ensure_ascii=False, indent=1)
        golden_path(sample).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {golden_path(sample).name}: {len(summary['items'])} items")


if __name__ == "__main__":
    main()
