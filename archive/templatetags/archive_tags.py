from urllib.parse import parse_qsl, urlencode

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

FACET_HEADINGS = [
    ("kind", _("Kommune eller region")),
    ("municipality", _("Kommune")),
    ("committee", _("Udvalg")),
    ("year", _("År")),
    ("outcome", _("Udfald")),
]


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return mapping.get(key) if mapping else None


@register.filter
def replace_q(query_string, new_q):
    """The same search with another query text (for "Mente du")."""
    pairs = [(k, v) for k, v in parse_qsl(query_string) if k != "q"]
    return urlencode([("q", new_q), *pairs])


@register.simple_tag
def facet_headings():
    """(facet name, heading) in the order the search page shows them."""
    return FACET_HEADINGS


@register.filter
def minutes(delta):
    """A timedelta as whole minutes (at least 1), for "prøv igen om 15 minutter"."""
    try:
        return max(1, round(delta.total_seconds() / 60))
    except AttributeError:
        return ""


@register.filter
def outcome_label(code):
    """The Danish label of an outcome code ("approved" -> "godkendt")."""
    from archive.models import Outcome

    return dict(Outcome.choices).get(code, code)


FILE_KINDS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/msword": "Word (.doc)",
}


@register.filter
def file_kind(content_type):
    """A file's type as a reader names it: "PDF", "Word", else the type's own subtype."""
    if not content_type:
        return _("fil")
    return FILE_KINDS.get(content_type) or content_type.rsplit("/", 1)[-1].upper()[:12]
