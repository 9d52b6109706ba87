"""Pure Python shared by ingest and archive: case numbers and decision outcomes. No Django."""
