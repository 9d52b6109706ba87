"""Timing helpers: samples per (path, group) and their percentiles."""

import time
from dataclasses import dataclass, field


@dataclass
class Timings:
    samples: dict = field(default_factory=dict)  # (path, group) -> [ms]

    def add(self, path, group, ms):
        self.samples.setdefault((path, group), []).append(ms)

    def summary(self, path, group):
        values = sorted(self.samples.get((path, group), []))
        if not values:
            return None
        return {
            "n": len(values),
            "mean": round(sum(values) / len(values), 2),
            "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
            "max": round(values[-1], 2),
        }


def percentile(values, p):
    """The p-th percentile of the values (nearest rank)."""
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn):
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result
