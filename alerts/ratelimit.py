"""Requests per e-mail address and per client IP, counted in the cache in fixed windows.

A request that would send an e-mail is limited twice: per address (nobody can flood a
mailbox with confirmation requests) and per client (nobody can send a thousand). The
limit answers alike whatever the address's state, so it tells nothing about it. If the
cache cannot be reached, requests are let through (and logged): sign-up stays up.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address; behind our proxy, the one it appended to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _hit(kind: str, ident: str, window: int) -> int:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    # The database name keeps two archives (or a test run) sharing one cache apart.
    database = connection.settings_dict["NAME"]
    key = f"alerts-rate:{database}:{kind}:{digest}:{int(time.time()) // window}"
    if cache.add(key, 1, window + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window + 5)
        return 1


def allow(request, email: str | None = None) -> bool:
    """Count this request; False when the client or the address is over its limit."""
    window = settings.ALERTS_RATE_WINDOW_SECONDS
    try:
        over_ip = _hit("ip", client_ip(request), window) > settings.ALERTS_RATE_PER_IP
        over_address = (
            email is not None
            and _hit("address", email.casefold(), window) > settings.ALERTS_RATE_PER_ADDRESS
        )
    except Exception:  # noqa: BLE001 - any cache failure: let the request through
        logger.warning("rate limit cache unavailable", exc_info=True)
        return True
    return not (over_ip or over_address)
