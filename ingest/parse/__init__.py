"""Minutes text (from a document reader) to `ingest.parsed` dataclasses. No Django."""
