"""Reading a file under a time and memory limit, in a child process.

Every entry point (the `ingest` command, the admin upload, background jobs, `evaluate_ingest`)
reads through `Sandbox`, so a hostile file ends with one clear message within the limit
instead of hanging a worker or exhausting the machine's memory.

The child is spawned, not forked: a fresh interpreter that imports only the readers (no
Django, no settings, no inherited database connection). Its address space is capped with
RLIMIT_AS; the wall-clock limit is enforced from the parent, which kills the child.
"""

import multiprocessing
import os
import resource

from ingest.errors import IngestError

PARSE_SECONDS = int(os.environ.get("INGEST_PARSE_SECONDS", "20"))
MEMORY_BYTES = int(os.environ.get("INGEST_MEMORY_MB", "2048")) * 1024**2

TOO_SLOW = (
    "Det tog for lang tid at læse filen, så læsningen blev stoppet. Filen er måske beskadiget "
    "eller meget stor: gem den som PDF igen fra kommunens system, eller indlæs den alene. "
    "(Reading the file took longer than {seconds} s and was stopped.)"
)
TOO_BIG = (
    "Filen kræver for meget hukommelse at læse ({limit} MB er grænsen), så læsningen blev "
    "stoppet. Den er måske beskadiget eller bygget til at sprænge læseren. "
    "(Reading the file needed more than {limit} MB of memory.)"
)
CRASHED = (
    "Læsningen af filen stoppede uventet. Filen er måske beskadiget. "
    "(The reader process ended unexpectedly.)"
)


def _limit_memory(limit):
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Sandbox:
    """One child process that runs reader functions with limits, reused from file to file.

    `run(function, *args, **kwargs)` returns what the function returns (it must be picklable)
    or raises IngestError. After a timeout or a crash the child is replaced.
    """

    def __init__(self, seconds=None, memory_bytes=None):
        self.seconds = PARSE_SECONDS if seconds is None else seconds
        self.memory_bytes = MEMORY_BYTES if memory_bytes is None else memory_bytes
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _start(self):
        context = multiprocessing.get_context("spawn")
        # A fresh child every 50 files: what a reader library leaks does not pile up.
        self._pool = context.Pool(
            1, initializer=_limit_memory, initargs=(self.memory_bytes,), maxtasksperchild=50
        )

    def run(self, function, *args, seconds=None, **kwargs):
        seconds = self.seconds if seconds is None else seconds
        if self._pool is None:
            self._start()
        job = self._pool.apply_async(function, args, kwargs)
        try:
            return job.get(max(seconds, 0.001))
        except multiprocessing.TimeoutError:
            self.close()
            raise IngestError(TOO_SLOW.format(seconds=seconds)) from None
        except MemoryError:
            self.close()
            raise IngestError(TOO_BIG.format(limit=self.memory_bytes // 1024**2)) from None
        except IngestError:
            raise
        except (EOFError, OSError, multiprocessing.ProcessError):
            self.close()
            raise IngestError(CRASHED) from None

    def close(self):
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
