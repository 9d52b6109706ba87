"""Ingest's background jobs (Procrastinate; docs/jobs.md, docs/attachments.md).

Reading an attachment's text, OCR included, takes seconds to minutes: it never runs in a
web request or inside an ingest, only here, after the ingest has committed.
"""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from ingest import attachments

QUEUE = "attachments"


# `lock`: one run per file at a time. A run killed midway (SIGKILL, a lost machine) is
# retried by jobs.tasks.retry_stalled_jobs; it stores nothing until the end, in one
# transaction, and a run that finds the file already read stores nothing.
@app.task(queue=QUEUE, retry=RetryStrategy(max_attempts=5, exponential_wait=30))
def read_attachment(stored_file_id: int):
    """Read one stored file's text (text layer, OCR of scanned pages) and index it."""
    attachments.read_stored_file(stored_file_id)


def read_later(file_ids) -> int:
    """Queue a job per file. Called inside the ingest's transaction: a job exists only if
    the files it reads were committed."""
    count = 0
    for file_id in sorted(set(file_ids)):
        read_attachment.configure(lock=f"attachment-{file_id}").defer(stored_file_id=file_id)
        count += 1
    return count
