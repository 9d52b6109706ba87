"""{% load languages %}: the page in each language, for the language switch and the hreflang
links in base.html. Plain links (no form, no cookie, no JavaScript): the language is in the
address (config/urls.py), so a cached page stays right for everyone who gets it."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context):
    """One dict per language (code, name in that language, url, absolute url, current,
    default), or an empty list where the address has no translation: outside the
    language-prefixed part of the site (the admin) or an address that matches nothing."""
    request = context.get("request")
    if request is None:
        return []
    path = request.get_full_path()
    current = get_language()
    pages = [_page(request, code, path, current) for code, _name in settings.LANGUAGES]
    if len({page["url"] for page in pages}) < len(pages):
        return []
    return pages


def _page(request, code, path, current):
    # translate_url keeps the query string (a search in the other language is the same search).
    url = path if code == current else translate_url(path, code)
    return {
        "code": code,
        "name": capfirst(get_language_info(code)["name_local"]),
        "url": url,
        "absolute": request.build_absolute_uri(url),
        "current": code == current,
        # hreflang="x-default": the Danish page, for readers of any other language.
        "default": code == settings.LANGUAGE_CODE,
    }
