"""The archive's addresses by number, without reversing the URL patterns each time.

A page of 20 search hits names about a hundred addresses (the item, its meeting, its
committee, in the API and on the site), and each `reverse()` walks the patterns: about
22 µs, several milliseconds a search. An address whose arguments are all numbers
(`moeder/<int:pk>/`, `api/v1/items/<meeting>-<position>`) is reversed once with marker
numbers, per language and script prefix, and then filled in.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Marker arguments: numbers no real id reaches, each one distinct in the address.
MARKER = 987_654_321_000


def by_number(name: str, *args: int) -> str:
    """reverse(name, args=args) for integer arguments, from a template of the address."""
    template = _template(name, len(args), get_script_prefix(), get_language(), get_urlconf())
    if template is None:
        return reverse(name, args=args)
    return template.format(*(int(arg) for arg in args))


@lru_cache(maxsize=256)
def _template(name, arity, _prefix, _language, _urlconf) -> str | None:
    """The address with {0}, {1}, … for its arguments; None when a marker does not come
    back exactly once (a converter that changes numbers), so the caller reverses."""
    markers = [str(MARKER + i) for i in range(arity)]
    address = reverse(name, args=[int(m) for m in markers])
    if "{" in address or "}" in address:
        return None
    for i, marker in enumerate(markers):
        if address.count(marker) != 1:
            return None
        address = address.replace(marker, "{" + str(i) + "}")
    return address
