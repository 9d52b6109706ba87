"""Housekeeping for the background queue (Procrastinate, in PostgreSQL): see docs/jobs.md.

Every app puts its own tasks in its `tasks.py`; Procrastinate's Django integration finds
them. These two keep the queue itself healthy: jobs of a worker that died are run again,
and finished jobs do not pile up.
"""

from django.conf import settings
from procrastinate.contrib.django import app

from jobs import recovery


@app.periodic(cron="*/5 * * * *")
@app.task(queue="jobs", queueing_lock="jobs.retry_stalled", pass_context=True)
async def retry_stalled_jobs(context, timestamp):
    """Run again the jobs a killed worker left as 'doing' (its heartbeat stopped)."""
    await recovery.retry_stalled(context.app, settings.JOBS_STALLED_SECONDS)


@app.periodic(cron="17 3 * * *")
@app.task(queue="jobs", queueing_lock="jobs.remove_old", pass_context=True)
async def remove_old_jobs(context, timestamp):
    """Forget succeeded jobs after JOBS_KEEP_HOURS; failed ones stay for an operator."""
    await context.app.job_manager.delete_old_jobs(nb_hours=settings.JOBS_KEEP_HOURS)
