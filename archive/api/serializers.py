"""The API's representations: OParl-like objects with a stable `id`, their own `url` in the
API and `web`, the page people read; one list envelope and paging scheme for every list.
"""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from archive import limits
from archive.api.params import BadParameters, PageForm
from archive.citation import citation
from archive.links import by_number
from archive.models import Outcome

OUTCOMES = dict(Outcome.choices)
TEXT_FIELDS = (
    "summary",
    "case_text",
    "recommendation",
    "decision",
    "economy",
    "legal_basis",
    "decision_authority",
)
# What /api/search, the first search endpoint, gives of each hit besides its links.
LEGACY_HIT_FIELDS = ("position", "number", "title", "case_number", "outcome")


def absolute(request, name, *args, query=None):
    """The full address of the named archive URL, with an optional query.

    Remembered for the request: a page of hits names the same few committees and
    municipalities over and over, and each reverse() costs about 22 µs (addresses by
    number come from a template, archive.links)."""
    memo = request.__dict__.setdefault("_absolute_urls", {})
    key = (name, args, repr(query))
    if key not in memo:
        if all(isinstance(arg, int) for arg in args):
            url = by_number(f"archive:{name}", *args)
        else:
            url = reverse(f"archive:{name}", args=args)
        memo[key] = request.build_absolute_uri(url + ("?" + urlencode(query) if query else ""))
    return memo[key]


def body_ref(request, municipality):
    """A municipality as other objects refer to it."""
    return {
        "id": municipality.slug,
        "name": municipality.name,
        "url": absolute(request, "api_municipality", municipality.slug),
        "web": absolute(request, "municipality", municipality.slug),
    }


def organization_ref(request, committee, municipality):
    """A committee as other objects refer to it."""
    return {
        "id": committee.pk,
        "name": committee.name,
        "url": absolute(request, "api_committee", committee.pk),
        "web": absolute(request, "committee", municipality.slug, committee.slug),
    }


def body_json(request, municipality):
    """A municipality (Body) with links to its committees, meetings and feed."""
    return {
        "type": "Body",
        **body_ref(request, municipality),
        "slug": municipality.slug,
        "kind": municipality.kind,
        "committee_count": municipality.committee_count,
        "committees": absolute(
            request, "api_committees", query={"municipality": municipality.slug}
        ),
        "meetings": absolute(request, "api_meetings", query={"municipality": municipality.slug}),
        "feed": absolute(request, "municipality_feed", municipality.slug),
        "modified": municipality.modified,
    }


def organization_json(request, committee):
    """A committee (Organization) with its meeting counts and links."""
    municipality = committee.municipality
    return {
        "type": "Organization",
        **organization_ref(request, committee, municipality),
        "slug": committee.slug,
        "municipality": body_ref(request, municipality),
        "meeting_count": committee.meeting_count,
        "first_meeting": committee.first_meeting,
        "last_meeting": committee.last_meeting,
        "meetings": absolute(request, "api_meetings", query={"committee": committee.pk}),
        "feed": absolute(request, "committee_feed", municipality.slug, committee.slug),
        "modified": committee.modified,
    }


def meeting_ref(request, meeting_id, date):
    """A meeting as its items refer to it."""
    return {
        "id": meeting_id,
        "date": date,
        "url": absolute(request, "api_meeting", meeting_id),
        "web": absolute(request, "meeting", meeting_id),
    }


def original_json(request, meeting_id, sha256):
    """The meeting's current original, or None."""
    if not sha256:
        return None
    return {"sha256": sha256, "url": absolute(request, "meeting_original", meeting_id)}


def meeting_json(request, meeting, items=None):
    """A meeting; with `items`, the meeting with all its items."""
    committee = meeting.committee
    start = None
    if meeting.start_time:
        start = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))
    data = {
        "type": "Meeting",
        **meeting_ref(request, meeting.pk, meeting.date),
        "name": f"{committee.name} {date_format(meeting.date, 'DATE_FORMAT')}",
        "kind": meeting.kind,
        "start": start,
        "location": meeting.location,
        "municipality": body_ref(request, committee.municipality),
        "committee": organization_ref(request, committee, committee.municipality),
        "participants": meeting.participants,
        "absent": meeting.absent,
        "item_count": meeting.item_count,
        "original": original_json(request, meeting.pk, meeting.source_sha256),
        "created": meeting.created,
        "modified": meeting.modified,
    }
    if items is not None:
        data["items"] = [item_json(request, item) for item in items]
    return data


def item_json(request, item, *, full=True):
    """An agenda item. `id` is meeting id and position: row ids change on re-parsing."""
    data = {
        "type": "AgendaItem",
        "id": f"{item.meeting_id}-{item.position}",
        "url": absolute(request, "api_item", item.meeting_id, item.position),
        "web": request.build_absolute_uri(item.get_absolute_url()),
        "meeting": meeting_ref(request, item.meeting_id, item.meeting_date),
        "municipality": body_ref(request, item.municipality),
        "committee": organization_ref(request, item.committee, item.municipality),
        "date": item.meeting_date,
        "position": item.position,
        "number": item.number,
        "title": item.title,
        "closed": item.closed,
        "case_number": item.case_number or None,
        "case": case_ref(request, item.case_number_normalized),
        "kle_subject": item.kle_subject or None,
        "outcome": item.outcome,
        "outcome_label": str(OUTCOMES.get(item.outcome, item.outcome)),
        "modified": item.meeting.modified,
    }
    if full:
        data |= {name: getattr(item, name) for name in TEXT_FIELDS}
        data |= {
            "other_sections": item.other_sections,
            "attachments": item.attachments,
            "decision_parts": item.decision_parts,
            "references": item.references,
            "case_workers": item.case_workers,
            "original": original_json(request, item.meeting_id, item.source_sha256),
            "citation": citation(item, data["web"], item.source_sha256),
        }
    return data


def case_ref(request, normalized):
    """A case (all items with the case number), or None without one."""
    if not normalized:
        return None
    return {
        "case_number": normalized,
        "url": absolute(request, "api_case", normalized),
        "web": absolute(request, "case", normalized),
    }


def paged(request, queryset, params, default_size, represent):
    """One page of `queryset` in the list envelope; counts capped as the search's are."""
    form = PageForm(params)
    if not form.is_valid():
        raise BadParameters(form)
    page = form.cleaned_data["page"] or 1
    size = form.cleaned_data["page_size"] or default_size
    count = queryset.order_by()[: limits.COUNT_CAP + 1].count()
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size]) if offset < count else []
    return envelope(
        request, page, size, min(count, limits.COUNT_CAP), count <= limits.COUNT_CAP
    ) | {"results": [represent(request, row) for row in rows]}


def envelope(request, page, size, count, exact):
    """The list envelope: count, paging and the links to the pages next to this one."""
    pages = max(1, -(-count // size))

    def link(number):
        if not 1 <= number <= min(pages, limits.MAX_PAGE):
            return None
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(request.path + "?" + params.urlencode())

    return {
        "count": count,
        "count_is_exact": exact,
        "page": page,
        "page_size": size,
        "pages": pages,
        "next": link(page + 1),
        "previous": link(page - 1) if page <= pages else None,
    }


def search_hit(request, item):
    """A search hit: the item in brief, with its snippet as text and as HTML, and the
    copies of its case in other committees (`also`, oldest first; archive.search.cases)."""
    return item_json(request, item, full=False) | {
        "snippet": item.best_plain,
        "snippet_html": str(item.best_snippet),
        "attachment": bilag_hit(request, item.attachment_hit),
        "also": [copy_json(request, copy) for copy in getattr(item, "also", [])],
    }


def bilag_hit(request, hit: dict | None) -> dict | None:
    """The bilag page a hit matched in (archive.search.snippets), or None."""
    if hit is None:
        return None
    return {
        "name": hit["name"],
        "page": hit["page"],
        "url": request.build_absolute_uri(hit["url"]),
        "recognised": hit["ocr"],
        "snippet": hit["plain"],
        "snippet_html": str(hit["snippet"]),
    }


def copy_json(request, copy: dict) -> dict:
    """Another committee's copy of a hit's case, in brief."""
    return {
        "id": f"{copy['meeting']}-{copy['position']}",
        "url": absolute(request, "api_item", copy["meeting"], copy["position"]),
        "web": request.build_absolute_uri(copy["url"]),
        "date": copy["date"],
        "committee": {"id": copy["committee_id"], "name": copy["committee"]},
        "number": copy["number"],
        "title": copy["title"],
    }


def search_json(request, results) -> dict:
    """A page of search results (archive.search.engine.Results) in the list envelope."""
    # Pages (and the next link) are pages of hits and stop at the count cap; the count (of
    # items) may be an estimate.
    shown = results.count if results.hit_count is None else results.hit_count
    capped = min(shown, limits.COUNT_CAP)
    data = envelope(request, results.page, results.page_size, capped, results.count_is_exact)
    data["count"] = results.count
    return data | {
        "hit_count": results.hit_count,
        "results": [search_hit(request, item) for item in results.items],
        "facets": {
            name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
            for name, values in results.facets.items()
        },
        # Past the count cap the facet counts are estimates from a sample.
        "facets_are_exact": results.facets_are_exact,
        "suggestion": results.suggestion or None,
        "message": results.message or None,
    }


def legacy_search_json(data: dict) -> dict:
    """/api/search's shape, made from /api/v1/search's body: no paging links, and hits
    without ids or API links (LegacySearchResults in the OpenAPI document)."""
    kept = ("count", "count_is_exact", "page", "page_size")
    return {name: data[name] for name in kept} | {
        "results": [legacy_hit(hit) for hit in data["results"]],
        "facets": data["facets"],
        "suggestion": data["suggestion"],
        "message": data["message"],
    }


def legacy_hit(hit: dict) -> dict:
    """One hit of /api/search from the v1 hit."""
    return {
        "url": hit["web"],
        "municipality": hit["municipality"]["name"],
        "committee": hit["committee"]["name"],
        "date": hit["date"].isoformat(),
        **{name: hit[name] for name in LEGACY_HIT_FIELDS},
        "snippet": hit["snippet"],
        "snippet_html": hit["snippet_html"],
    }
