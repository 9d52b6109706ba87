"""Synthetic national-scale corpus and the search benchmark (see docs/performance.md)."""
