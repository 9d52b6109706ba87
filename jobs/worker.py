"""The job worker that outlives its database restarting (`manage.py run_worker`).

Procrastinate's own worker stops for good when its database goes away: its LISTEN
connection fails, and it shuts down. A job it was running is retried by its retry
strategy or, if the worker was killed, by `jobs.tasks.retry_stalled_jobs`; nothing is lost,
but nothing runs either until someone starts a worker again. This loop is that someone:
when the worker stops without being asked to, it waits until the database answers again
(doubling the wait up to a minute) and starts a fresh worker with fresh connections.
SIGTERM and SIGINT stop it as they stop Procrastinate's worker: the job in progress
finishes first.
"""

import asyncio
import contextlib
import logging
import signal

from jobs.recovery import _close_connection

logger = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


def run_forever(queues=None):
    """Run workers one after another until SIGTERM or SIGINT."""
    from procrastinate.contrib.django import app

    asyncio.run(_serve(app, queues))


async def _serve(app, queues):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    middleware = [*app.worker_defaults.get("task_middleware", []), _close_connection]
    wait = FIRST_WAIT
    while not stop.is_set():
        try:
            await _one_worker(app, queues, middleware, stop)
        except Exception as error:  # the database is not there (yet)
            logger.warning("job worker cannot run: %s", error)
        if stop.is_set():
            return
        logger.warning("job worker stopped by itself; starting again in %.0f s", wait)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
        wait = min(wait * 2, LONGEST_WAIT)


async def _one_worker(app, queues, middleware, stop):
    """One Procrastinate worker on fresh connections, until it stops or we are told to."""
    with app.replace_connector(app.connector.get_worker_connector()):
        async with app.open_async():
            worker = asyncio.create_task(
                app.run_worker_async(
                    queues=queues, install_signal_handlers=False, task_middleware=middleware
                )
            )
            told = asyncio.create_task(stop.wait())
            await asyncio.wait({worker, told}, return_when=asyncio.FIRST_COMPLETED)
            told.cancel()
            if stop.is_set() and not worker.done():
                worker.cancel()  # a graceful stop: the job in progress finishes
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
                return
            worker.result()  # its error, if it failed
