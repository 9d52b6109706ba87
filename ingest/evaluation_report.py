"""What `evaluate_ingest` found: per system and field, how many values were right and which
were not, and the report as a person reads it (`--json` gives `Report.as_json`). Django-free.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field

SPACE = re.compile(r"[\s\u00a0]+")


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 100.0


@dataclass
class Mismatch:
    source: str
    system: str
    field: str
    expected: object
    got: object


@dataclass
class Report:
    """Per system and field: how many values were right, and which were not."""

    sources: int = 0
    evaluated: dict[str, int] = field(default_factory=Counter)  # documents per system
    fields: dict[str, dict[str, Tally]] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    problems: list[str] = field(default_factory=list)  # broken expectation files
    seconds: float = 0.0

    def count(self, system, name, ok, source="", expected=None, got=None):
        tally = self.fields.setdefault(system, {}).setdefault(name, Tally())
        tally.total += 1
        if ok:
            tally.correct += 1
        else:
            self.mismatches.append(Mismatch(source, system, name, expected, got))

    def total(self, system) -> Tally:
        tallies = self.fields.get(system, {}).values()
        return Tally(sum(t.correct for t in tallies), sum(t.total for t in tallies))

    def worst(self, limit=20) -> list[Mismatch]:
        """Mismatches of the least accurate fields first."""

        def rank(m):
            return (self.fields[m.system][m.field].accuracy, m.system, m.field, m.source)

        return sorted(self.mismatches, key=rank)[:limit]

    def as_json(self) -> dict:
        return {
            "sources": self.sources,
            "evaluated": sum(self.evaluated.values()),
            "seconds": round(self.seconds, 2),
            "systems": {
                system: {
                    "documents": self.evaluated.get(system, 0),
                    "accuracy": round(self.total(system).accuracy, 2),
                    "correct": self.total(system).correct,
                    "total": self.total(system).total,
                    "fields": {
                        name: {
                            "correct": t.correct,
                            "total": t.total,
                            "accuracy": round(t.accuracy, 2),
                        }
                        for name, t in sorted(tallies.items())
                    },
                }
                for system, tallies in sorted(self.fields.items())
            },
            "mismatches": [vars(m) for m in self.mismatches],
            "not_evaluated": self.not_evaluated,
            "unreadable": [{"source": s, "message": m} for s, m in self.unreadable],
            "problems": self.problems,
        }


# --- the printed report --------------------------------------------------------------------


def format_report(report: Report, limit=20) -> str:
    """The report as a person reads it: per system and field, then the worst mismatches."""
    evaluated = sum(report.evaluated.values())
    lines = [
        f"Evaluering af indlæsningen (ingest evaluation): {report.sources} kilder, "
        f"{evaluated} evalueret, {len(report.not_evaluated)} ikke evalueret "
        f"({report.seconds:.1f} s)",
    ]
    for system in sorted(report.fields):
        total = report.total(system)
        lines += [
            "",
            f"{system}: {report.evaluated.get(system, 0)} dokumenter, "
            f"{total.correct}/{total.total} felter rigtige ({total.accuracy:.1f} %)",
            f"  {'felt':<28}{'rigtige':>9}{'i alt':>9}{'%':>8}",
        ]
        for name, tally in sorted(report.fields[system].items()):
            lines.append(f"  {name:<28}{tally.correct:>9}{tally.total:>9}{tally.accuracy:>8.1f}")
    worst = report.worst(limit)
    if worst:
        lines += ["", f"Største afvigelser (worst mismatches, {len(report.mismatches)} i alt):"]
        lines += [
            f"  {m.source} | {m.field} | forventet {_short(m.expected)} | fik {_short(m.got)}"
            for m in worst
        ]
    if report.not_evaluated:
        lines += ["", f"Ikke evalueret (no expectation file): {len(report.not_evaluated)}"]
        lines += [f"  {key}" for key in report.not_evaluated]
    if report.unreadable:
        lines += ["", "Kunne ikke læses (of those not evaluated):"]
        lines += [f"  {key}: {message}" for key, message in report.unreadable]
    if report.problems:
        lines += ["", "Forventningsfiler med fejl (broken expectation files):"]
        lines += [f"  {problem}" for problem in report.problems]
    return "\n".join(lines)


def _short(value, width=70) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    text = squash(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def squash(value) -> str:
    """Whitespace collapsed: how values are compared and printed."""
    return SPACE.sub(" ", str(value or "")).strip()
