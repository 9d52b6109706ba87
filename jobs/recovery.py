"""Running the queue outside `manage.py procrastinate worker`: stalled jobs, and a worker
that stops when the queue is empty (for tests and one-off runs)."""

import logging
import threading

logger = logging.getLogger(__name__)


async def retry_stalled(app, seconds_since_heartbeat: float) -> int:
    """Put back in the queue every job whose worker sent no heartbeat for that long.

    A worker stopped by SIGKILL (or a lost machine) leaves its job 'doing' forever; its
    heartbeat row stops moving, which is how such jobs are told from running ones.
    """
    stalled = list(
        await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
    )
    for job in stalled:
        logger.warning("retrying stalled job %s (%s)", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return len(stalled)


def _close_connection(call_next, context, worker):
    """A one-off run keeps no database connection open in the worker's threads."""
    from django.db import connections

    try:
        return call_next()
    finally:
        connections.close_all()


def run_until_idle(queues=None):
    """Run a worker in this process until no job is left, then return.

    It runs in a thread of its own: the worker needs an event loop, and the calling thread
    may already have one (Playwright's sync API keeps one).
    """
    from procrastinate.contrib.django import app

    middleware = [*app.worker_defaults.get("task_middleware", []), _close_connection]

    def work():
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(
                queues=queues,
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
                task_middleware=middleware,
            )

    _in_thread(work)


def retry_stalled_now(seconds_since_heartbeat: float) -> int:
    """`retry_stalled` from synchronous code (an operator's shell, a test)."""
    import asyncio

    from procrastinate.contrib.django import app

    async def retry():
        async with app.open_async():
            return await retry_stalled(app, seconds_since_heartbeat)

    def work():
        with app.replace_connector(app.connector.get_worker_connector()):
            return asyncio.run(retry())

    return _in_thread(work)


def _in_thread(function):
    """Run `function` in a new thread (it needs an event loop of its own) and return its
    result, or raise its exception here."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="jobs")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
