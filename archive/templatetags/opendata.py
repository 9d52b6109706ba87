"""Citations for the item page, the same text the API gives."""

from django import template
from django.utils.safestring import mark_safe

from archive.citation import citation

register = template.Library()


@register.simple_tag(takes_context=True)
def item_citation(context, item):
    """The item's citation; the SHA-256 comes from the `source_sha256` the view annotates."""
    request = context["request"]
    permalink = request.build_absolute_uri(item.get_absolute_url())
    return citation(item, permalink, getattr(item, "source_sha256", None))


@register.filter
def strong_marks(snippet):
    """A highlighted snippet with <strong> for <mark>, which feed readers' sanitizers drop.

    The snippet is already safe HTML (search.highlight); only our own tags are swapped.
    """
    text = str(snippet).replace("<mark>", "<strong>").replace("</mark>", "</strong>")
    return mark_safe(text)  # noqa: S308 - safe input, fixed tags swapped
