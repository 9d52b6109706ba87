"""Gunicorn settings for `make serve` and the docker-compose web service."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# More threads than search slots (SEARCH_CONCURRENCY): a search waiting its turn must not
# leave a cached page with no thread to serve it.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is killed rather than holding a worker forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The longest request line gunicorn allows (its default is 4094): room for the longest
# search the OpenAPI document allows (archive.limits.QUERY_PARAMETER_LENGTH).
limit_request_line = 8190
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
