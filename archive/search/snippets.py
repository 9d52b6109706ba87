"""Highlighted text for the page of results shown.

PostgreSQL marks the hits with the sentinel characters of `query.MARK_START/MARK_END`; the
text is escaped first and only then are the sentinels turned into <mark>. Never |safe a raw
headline.
"""

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.models import AgendaItem, Attachment, AttachmentPage
from archive.search.query import CONFIG, MARK_END, MARK_START, TsQuery

# A snippet from the page of a bilag that matched: one fragment, from its first 20,000
# characters (as the item's own headlines).
PAGE_HEADLINE = {
    "config": CONFIG,
    "start_sel": MARK_START,
    "stop_sel": MARK_END,
    "max_words": 30,
    "min_words": 12,
    "max_fragments": 1,
}


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
    """{item id: (decision headline, text headline, bilag hit or None)} with highlight
    markers, for the page. The bilag are looked into only for items whose bilag matched
    (`attachment_hits`), so a page without such items costs no more queries."""
    if not page_items:
        return {}
    rows = AgendaItem.objects.filter(pk__in=[item.pk for item in page_items]).with_headlines(query)
    if query.case:
        rows = rows.values_list("pk", "decision_headline", "text_headline")
        return {pk: (decision, text, None) for pk, decision, text in rows}
    in_bilag = ExpressionWrapper(
        Q(attachment_vector=TsQuery(query.widened)), output_field=BooleanField()
    )
    rows = list(
        rows.annotate(in_bilag=in_bilag).values_list(
            "pk", "decision_headline", "text_headline", "in_bilag"
        )
    )
    hits = attachment_hits([pk for pk, *_rest, found in rows if found], query)
    return {pk: (decision, text, hits.get(pk)) for pk, decision, text, _found in rows}


def attachment_hits(item_ids: list[int], query) -> dict:
    """{item id: the best-ranked page of its bilag that matches the query}: the bilag's id
    and name, the page number (None for a file without pages, a Word file), whether the
    page's text was recognised (OCR), and the page's headline with markers."""
    if not item_ids:
        return {}
    tsquery = TsQuery(query.widened)
    link = "file__attachments__"
    best = list(
        AttachmentPage.objects.filter(
            search_vector=tsquery,
            **{f"{link}item_id__in": item_ids, f"{link}role": Attachment.Role.BILAG},
        )
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by(f"{link}item_id", "-rank", f"{link}position", "number")
        .distinct(f"{link}item_id")
        .values_list(
            "pk",
            f"{link}item_id",
            f"{link}id",
            f"{link}name",
            "number",
            "ocr",
            "file__content_type",
        )
    )
    marked = dict(
        AttachmentPage.objects.filter(pk__in=[row[0] for row in best])
        .annotate(headline=SearchHeadline(Left("text", 20000), tsquery, **PAGE_HEADLINE))
        .values_list("pk", "headline")
    )
    return {
        item_id: {
            "attachment": attachment_id,
            "name": name,
            "page": number if content_type == "application/pdf" else None,
            "ocr": ocr,
            "headline": marked.get(page_id, ""),
        }
        for page_id, item_id, attachment_id, name, number, ocr, content_type in best
    }


def attach_snippets(page_items, found_headlines):
    """Give each shown item `decision_snippet` and `text_snippet`: safe HTML with <mark>.

    `found_headlines` from `headlines()`; None (no query) shortens the item's own text."""
    if found_headlines is None:
        for item in page_items:
            item.attachment_hit = None
            item.decision_snippet = escape(_shorten(item.decision))
            item.text_snippet = escape(_shorten(item.summary or item.case_text))
            item.decision_plain = _shorten(item.decision)
            item.text_plain = _shorten(item.summary or item.case_text)
            _best(item)
        return
    for item in page_items:
        decision, text, hit = (*found_headlines.get(item.pk, ()), None, None, None)[:3]
        item.decision_snippet = highlight(decision)
        item.text_snippet = highlight(text)
        item.decision_plain = plain_snippet(decision)
        item.text_plain = plain_snippet(text)
        item.attachment_hit = _attachment_hit(hit)
        _best(item)


def _attachment_hit(hit: dict | None) -> dict | None:
    """A bilag hit as pages and the API show it: a link to the page of the file, and the
    snippet as safe HTML and as plain text."""
    if not hit:
        return None
    url = reverse("archive:attachment_file", args=[hit["attachment"]])
    if hit["page"]:
        url += f"#page={hit['page']}"
    return hit | {
        "url": url,
        "snippet": highlight(hit["headline"]),
        "plain": plain_snippet(hit["headline"]),
    }


def _best(item):
    """The snippet that shows a hit: the decision's if it has one, else the text's."""
    if "<mark>" in str(item.decision_snippet) or not item.text_snippet:
        item.best_snippet, item.best_plain = item.decision_snippet, item.decision_plain
    else:
        item.best_snippet, item.best_plain = item.text_snippet, item.text_plain


def _shorten(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
