"""Readers: one module per publishing system or file family.

Document readers (pdf, html, docx, markdown, text) turn bytes into structured plain text for
`ingest.parse`; structured readers (First Agenda JSON, ESDH XML exports) map the source's own
fields straight onto `ingest.parsed` dataclasses. `ingest.pipeline` picks one from the content.
"""
