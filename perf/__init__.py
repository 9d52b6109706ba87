"""Development tools: the synthetic corpus, the search benchmark and the load test.

Not part of the product: not installed by `pip install .`, not in the Docker image, and in
INSTALLED_APPS only when settings.PERF_APP is on (by default when DEBUG is and this package
is present). See docs/performance.md.
"""
