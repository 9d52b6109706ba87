"""Addresses by number (archive.links): the same as reverse(), without reversing each."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from archive import links

ROUTES = [
    ("archive:item", (12, 3)),
    ("archive:meeting", (7,)),
    ("archive:api_item", (12, 3)),
    ("archive:api_meeting", (7,)),
    ("archive:api_committee", (41,)),
    ("archive:meeting_original", (7,)),
]


@pytest.mark.parametrize(("name", "args"), ROUTES)
@pytest.mark.parametrize("language", ["da", "en"])
def test_an_address_by_number_is_what_reverse_gives(name, args, language):
    with translation.override(language):
        assert links.by_number(name, *args) == reverse(name, args=args)
        assert links.by_number(name, 1_000_000, *args[1:]) == reverse(
            name, args=[1_000_000, *args[1:]]
        )


def test_the_english_address_keeps_its_prefix_and_the_script_prefix_counts():
    with translation.override("en"):
        assert links.by_number("archive:meeting", 5) == "/en/moeder/5/"
    set_script_prefix("/arkiv/")
    try:
        assert links.by_number("archive:meeting", 5) == "/arkiv/moeder/5/"
    finally:
        set_script_prefix("/")
    assert links.by_number("archive:meeting", 5) == "/moeder/5/"


def test_the_patterns_are_reversed_once_per_route(monkeypatch):
    links._template.cache_clear()
    calls = []
    real = links.reverse

    def counting(name, args=()):
        calls.append(name)
        return real(name, args=args)

    monkeypatch.setattr(links, "reverse", counting)
    addresses = {links.by_number("archive:item", meeting, 1) for meeting in range(1, 101)}
    assert len(addresses) == 100
    assert calls == ["archive:item"]
