"""Golden summaries of how the First Agenda fixtures read.

    python -m tests.firstagenda_golden   # rewrite tests/fixtures/firstagenda/golden/ after review

Every item is pinned: number, label, parent, title, closed, case number, decision, outcome,
decision parts, the section keys (each by its opening, ending and length) and the files.
"""

import json
from pathlib import Path

from ingest.pipeline import parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "firstagenda"
GOLDEN = FIXTURES / "golden"


def fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def summarize(path: Path) -> dict:
    doc = parse_document(path.read_bytes(), source=path.name)
    m = doc.meeting
    return {
        "format": doc.format,
        "municipality": m.municipality,
        "body_kind": m.body_kind,
        "committee": m.committee,
        "kind": m.kind,
        "date": m.date.isoformat(),
        "time": m.time.strftime("%H:%M") if m.time else None,
        "location": m.location,
        "participants": [p.name for p in m.participants],
        "absent": [p.name for p in m.absent],
        "warnings": m.warnings,
        "items": [_item(item) for item in m.items],
    }


def _item(item) -> dict:
    return {
        "position": item.position,
        "number": item.number,
        "label": item.label,
        "parent": item.parent,
        "title": item.title,
        "closed": item.closed,
        "case_number": item.case_number.printed if item.case_number else None,
        "decision": item.decision,
        "outcome": item.outcome,
        "decision_parts": [[p.point, p.outcome] for p in item.decision_parts],
        "sections": {
            key: {"start": text[:60], "end": text[-60:], "length": len(text)}
            for key, text in item.sections.items()
        },
        "attachments": item.attachments,
        "files": [[a.role, a.name, a.url] for a in item.files],
    }


def golden_path(path: Path) -> Path:
    return GOLDEN / path.name


def main():
    GOLDEN.mkdir(exist_ok=True)
    for path in fixtures():
        text = json.dumps(summarize(path), ensure_ascii=False, indent=1)
        golden_path(path).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {golden_path(path).name}")


if __name__ == "__main__":
    main()
