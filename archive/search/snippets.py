"""Highlighted text for the page of results shown.

PostgreSQL marks the hits with the sentinel characters of `query.MARK_START/MARK_END`; the
text is escaped first and only then are the sentinels turned into <mark>. Never |safe a raw
headline.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.models import AgendaItem
from archive.search.query import MARK_END, MARK_START


def highlight(headline: str | None) -> str:
    """Escaped snippet with <mark> around the hits: built from escaped text only."""
    if not headline:
        return ""
    safe = escape(headline).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own <mark> tags added


def plain_snippet(headline: str | None) -> str:
    """The same snippet for JSON: markers become «» so clients can style them safely."""
    return (headline or "").replace(MARK_START, "«").replace(MARK_END, "»")


def headlines(page_items, query) -> dict:
    """{item id: (decision headline, text headline)} with highlight markers, for the page."""
    if not page_items:
        return {}
    rows = (
        AgendaItem.objects.filter(pk__in=[item.pk for item in page_items])
        .with_headlines(query)
        .values_list("pk", "decision_headline", "text_headline")
    )
    return {pk: (decision, text) for pk, decision, text in rows}


def attach_snippets(page_items, found_headlines):
    """Give each shown item `decision_snippet` and `text_snippet`: safe HTML with <mark>.

    `found_headlines` from `headlines()`; None (no query) shortens the item's own text."""
    if found_headlines is None:
        for item in page_items:
            item.decision_snippet = escape(_shorten(item.decision))
            item.text_snippet = escape(_shorten(item.summary or item.case_text))
            item.decision_plain = _shorten(item.decision)
            item.text_plain = _shorten(item.summary or item.case_text)
            _best(item)
        return
    for item in page_items:
        decision, text = found_headlines.get(item.pk, (None, None))
        item.decision_snippet = highlight(decision)
        item.text_snippet = highlight(text)
        item.decision_plain = plain_snippet(decision)
        item.text_plain = plain_snippet(text)
        _best(item)


def _best(item):
    """The snippet that shows a hit: the decision's if it has one, else the text's."""
    if "<mark>" in str(item.decision_snippet) or not item.text_snippet:
        item.best_snippet, item.best_plain = item.decision_snippet, item.decision_plain
    else:
        item.best_snippet, item.best_plain = item.text_snippet, item.text_plain


def _shorten(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
