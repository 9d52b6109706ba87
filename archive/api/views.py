"""The read-only open-data API under /api/v1/ (and /api/search), described by
archive/api/openapi.py and the page at /api/. See docs/api.md.

Lists share one envelope and one paging scheme with the search page; the search endpoints
run `run_search` with the same forms as the search page.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archive import limits
from archive.api.openapi import openapi_document
from archive.api.params import (
    JSON,
    CommitteeApiFilter,
    ItemApiFilter,
    MeetingApiFilter,
    api_view,
    not_found,
    search_forms,
    valid_filterset,
)
from archive.api.serializers import (
    absolute,
    body_json,
    case_ref,
    item_json,
    legacy_search_json,
    meeting_json,
    organization_json,
    paged,
    search_json,
)
from archive.filters import clean_params
from archive.public import committees, listed_meetings, municipalities, public_items
from archive.search.engine import run_search
from archive.search.query import normalize_case_number

# Largest value a PostgreSQL bigint primary key can hold; larger ids cannot exist.
MAX_ID = 2**63 - 1


@api_view
def index(request):
    """What the API offers, with links: a starting point for scripts."""
    return JsonResponse(
        {
            "type": "System",
            "name": _("Referatarkiv"),
            "version": "1",
            "openapi": absolute(request, "api_openapi"),
            "documentation": absolute(request, "api_docs"),
            "municipalities": absolute(request, "api_municipalities"),
            "committees": absolute(request, "api_committees"),
            "meetings": absolute(request, "api_meetings"),
            "items": absolute(request, "api_items"),
            "search": absolute(request, "api_v1_search"),
        },
        **JSON,
    )


@api_view
def municipality_list(request):
    """Every municipality (Body), paged."""
    data = paged(request, municipalities(), clean_params(request.GET), 100, body_json)
    return JsonResponse(data, **JSON)


@api_view
def municipality_detail(request, slug):
    """One municipality."""
    municipality = municipalities().filter(slug=slug).first()
    if municipality is None:
        return not_found(_("Kommunen findes ikke."))
    return JsonResponse(body_json(request, municipality), **JSON)


@api_view
def committee_list(request):
    """Committees (Organization), optionally of one municipality."""
    params = clean_params(request.GET)
    filterset = valid_filterset(CommitteeApiFilter, params, committees())
    return JsonResponse(paged(request, filterset.qs, params, 100, organization_json), **JSON)


@api_view
def committee_detail(request, pk):
    """One committee."""
    committee = committees().filter(pk=pk).first() if pk <= MAX_ID else None
    if committee is None:
        return not_found(_("Udvalget findes ikke."))
    return JsonResponse(organization_json(request, committee), **JSON)


@api_view
def meeting_list(request):
    """Public meetings, newest first, filtered as the meeting list."""
    params = clean_params(request.GET)
    filterset = valid_filterset(MeetingApiFilter, params, listed_meetings())
    data = paged(request, filterset.qs, params, limits.MEETING_PAGE_SIZE, meeting_json)
    return JsonResponse(data, **JSON)


@api_view
def meeting_detail(request, pk):
    """A meeting with all its items: they are replaced together, so fetch them together."""
    meeting = listed_meetings().filter(pk=pk).first() if pk <= MAX_ID else None
    if meeting is None:
        return not_found(_("Mødet findes ikke."))
    items = public_items().filter(meeting=meeting).order_by("position")
    return JsonResponse(meeting_json(request, meeting, items), **JSON)


@api_view
def item_list(request):
    """Public items, filtered as the search, in its date order."""
    params = clean_params(request.GET)
    filterset = valid_filterset(ItemApiFilter, params, public_items())
    # The search's date order, so this list pages exactly as the search with sort=date.
    data = paged(request, filterset.qs.ordered("date"), params, limits.ITEM_PAGE_SIZE, item_json)
    return JsonResponse(data, **JSON)


@api_view
def item_detail(request, meeting_id, position):
    """One public agenda item, with its full text and citation."""
    item = None
    if meeting_id <= MAX_ID and position <= 32767:
        item = public_items().filter(meeting_id=meeting_id, position=position).first()
    if item is None:
        return not_found(_("Punktet findes ikke."))
    return JsonResponse(item_json(request, item), **JSON)


@api_view
def case_detail(request, case_number):
    """Every item with the case number, oldest first: the case's course through meetings."""
    normalized = normalize_case_number(case_number)
    items = list(
        public_items()
        .filter(case_number_normalized=normalized)
        .order_by("meeting_date", "meeting_id", "position")[:500]
    )
    if not items:
        return not_found(_("Sagen findes ikke i arkivet."))
    first = items[0]
    return JsonResponse(
        {
            "type": "Case",
            **case_ref(request, normalized),
            "kle_subject": first.kle_subject or None,
            "kle_facet": first.kle_facet or None,
            "kle_year": first.kle_year,
            "feed": absolute(request, "case_feed", normalized),
            "modified": max(item.meeting.modified for item in items),
            "items": [item_json(request, item, full=False) for item in items],
        },
        **JSON,
    )


@api_view
def search(request):
    """The search page's results as JSON: same parameters, same order, same pages."""
    return JsonResponse(_search(request), **JSON)


@api_view
def legacy_search(request):
    """/api/search, the first search endpoint: the same search as /api/v1/search, in the
    shape it has always had (kept for existing clients)."""
    return JsonResponse(legacy_search_json(_search(request)), **JSON)


def _search(request) -> dict:
    form, filterset = search_forms(clean_params(request.GET))
    return search_json(request, run_search(filterset.qs, form.cleaned_data))


@api_view
def openapi(request):
    """The OpenAPI 3.1 document, readable from any origin."""
    response = JsonResponse(openapi_document(request), **JSON)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def docs(request):
    """The API's human page, listing the same endpoints as the OpenAPI document."""
    document = openapi_document(request)
    context = {"doc": document, "operations": operations(document)}
    context["export_limit"] = limits.EXPORT_LIMIT
    return render(request, "archive/api.html", context)


def operations(document):
    """The document's endpoints as rows for the human page, shared parameters resolved."""
    shared = document["components"]["parameters"]
    rows = []
    for path, methods in document["paths"].items():
        operation = methods["get"]
        rows.append(
            {
                "path": path,
                "summary": operation["summary"],
                "description": operation.get("description", ""),
                "parameters": [
                    p if "name" in p else shared[p["$ref"].rsplit("/", 1)[1]]
                    for p in operation.get("parameters", [])
                ],
                "tag": operation["tags"][0],
            }
        )
    return rows


@require_GET
def api_not_found(request, rest=""):
    """Any other address under /api/v1/: a JSON 404, never the HTML page."""
    return not_found(_("Der findes ikke noget API-endepunkt med den adresse."))
