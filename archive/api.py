"""The read-only open-data API under /api/v1/, described by archive/openapi.py.

Objects carry OParl-like types (Body = municipality, Organization = committee, Meeting,
AgendaItem), a stable `id`, their own `url` in the API and `web`, the page people read.
Lists share one envelope and one paging scheme with the search page; /api/v1/search runs
`run_search` with the same forms as the search page and /api/search. See docs/api.md.
"""

import datetime
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archive import limits
from archive.caching import public_page
from archive.filters import ItemFilter, MeetingFilter, SearchForm
from archive.models import AgendaItem, Committee, Meeting, Municipality, Outcome, SourceDocument
from archive.search.engine import run_search
from archive.search.query import normalize_case_number

# The HTML meeting list shows 50 a page and the search page 20: the API defaults agree.
MEETING_PAGE_SIZE = 50
ITEM_PAGE_SIZE = 20
MAX_PAGE, MAX_PAGE_SIZE = 1000, 100
# Largest value a PostgreSQL bigint primary key can hold; larger ids cannot exist.
MAX_ID = 2**63 - 1
JSON = {"json_dumps_params": {"ensure_ascii": False}}
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


# --- Parameters and errors -----------------------------------------------------------------


class PageForm(forms.Form):
    """Paging for the lists: the same limits as the search form."""

    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class MeetingApiFilter(MeetingFilter):
    """The meeting list's filters plus a date range and `modified_since` for harvesters."""

    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    modified_since = django_filters.IsoDateTimeFilter(field_name="modified", lookup_expr="gte")


class ItemApiFilter(ItemFilter):
    """The search filters plus a case number and `modified_since` (of the item's meeting)."""

    case_number = django_filters.CharFilter(method="filter_case_number", max_length=100)
    modified_since = django_filters.IsoDateTimeFilter(
        field_name="meeting__modified", lookup_expr="gte"
    )

    def filter_case_number(self, queryset, name, value):
        return queryset.filter(case_number_normalized=normalize_case_number(value))


class CommitteeApiFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), to_field_name="slug"
    )

    class Meta:
        model = Committee
        fields = []


class BadParameters(Exception):
    """Raised with the 400 response to give when a request's parameters do not validate."""

    def __init__(self, *forms_):
        super().__init__("bad parameters")
        self.response = bad_request(*forms_)


def clean_params(query_dict):
    """The query parameters without NUL bytes, which PostgreSQL cannot take (as the search)."""
    params = query_dict.copy()
    for key, values in params.lists():
        params.setlist(key, [value.replace("\x00", "") for value in values])
    return params


def bad_request(*forms_):
    """400 with the reason per parameter, the same body as /api/search gives."""
    fields = {}
    for form in forms_:
        for key, errors in form.errors.get_json_data().items():
            fields[key] = [error["message"] for error in errors]
    return JsonResponse({"error": _("Ugyldige parametre."), "fields": fields}, status=400, **JSON)


def not_found(message=None):
    return JsonResponse({"error": message or _("Findes ikke.")}, status=404, **JSON)


def search_forms(params):
    """(form, filterset) for search parameters, validated as the search page does."""
    form = SearchForm(params)
    filterset = ItemFilter(params, queryset=AgendaItem.objects.public())
    if not (form.is_valid() and filterset.is_valid()):
        raise BadParameters(form, filterset.form)
    return form, filterset


def valid_filterset(filterset_class, params, queryset):
    filterset = filterset_class(params, queryset=queryset)
    if not filterset.is_valid():
        raise BadParameters(filterset.form)
    return filterset


def api_view(view):
    """GET only; bad parameters become their 400 response instead of an exception."""

    @require_GET
    @public_page
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameters as error:
            return error.response

    wrapper.__name__ = wrapper.__qualname__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Querysets -----------------------------------------------------------------------------


def current_source(field: str, meeting: str = "pk"):
    """The meeting's current original's `field`, as a subquery (no extra query per row)."""
    return Subquery(
        SourceDocument.objects.filter(
            meeting_id=OuterRef(meeting), status=SourceDocument.Status.CURRENT
        )
        .order_by("-uploaded_at")
        .values(field)[:1]
    )


def public_meetings():
    return (
        Meeting.objects.filter(published=True)
        .select_related("committee__municipality")
        .annotate(item_count=Count("items"), source_sha256=current_source("sha256"))
        # As the HTML meeting list, plus the id so that pages never overlap on ties.
        .order_by("-date", "committee__name", "pk")
    )


def public_items():
    return (
        AgendaItem.objects.public()
        .select_related("meeting", "committee", "municipality")
        .annotate(source_sha256=current_source("sha256", "meeting_id"))
    )


def municipalities():
    return Municipality.objects.annotate(
        committee_count=Count("committees", distinct=True),
        modified=Max(
            "committees__meetings__modified", filter=Q(committees__meetings__published=True)
        ),
    ).order_by("name")


def committees():
    published = Q(meetings__published=True)
    return (
        Committee.objects.select_related("municipality")
        .annotate(
            meeting_count=Count("meetings", filter=published),
            first_meeting=Min("meetings__date", filter=published),
            last_meeting=Max("meetings__date", filter=published),
            modified=Max("meetings__modified", filter=published),
        )
        .order_by("municipality__name", "name", "pk")
    )


# --- Representations -----------------------------------------------------------------------


def _abs(request, name, *args, query=None):
    url = reverse(f"archive:{name}", args=args)
    return request.build_absolute_uri(url + ("?" + urlencode(query) if query else ""))


def body_ref(request, municipality):
    return {
        "id": municipality.slug,
        "name": municipality.name,
        "url": _abs(request, "api_municipality", municipality.slug),
        "web": _abs(request, "municipality", municipality.slug),
    }


def organization_ref(request, committee, municipality):
    return {
        "id": committee.pk,
        "name": committee.name,
        "url": _abs(request, "api_committee", committee.pk),
        "web": _abs(request, "committee", municipality.slug, committee.slug),
    }


def body_json(request, municipality):
    return {
        "type": "Body",
        **body_ref(request, municipality),
        "slug": municipality.slug,
        "committee_count": municipality.committee_count,
        "committees": _abs(request, "api_committees", query={"municipality": municipality.slug}),
        "meetings": _abs(request, "api_meetings", query={"municipality": municipality.slug}),
        "feed": _abs(request, "municipality_feed", municipality.slug),
        "modified": municipality.modified,
    }


def organization_json(request, committee):
    municipality = committee.municipality
    return {
        "type": "Organization",
        **organization_ref(request, committee, municipality),
        "slug": committee.slug,
        "municipality": body_ref(request, municipality),
        "meeting_count": committee.meeting_count,
        "first_meeting": committee.first_meeting,
        "last_meeting": committee.last_meeting,
        "meetings": _abs(request, "api_meetings", query={"committee": committee.pk}),
        "feed": _abs(request, "committee_feed", municipality.slug, committee.slug),
        "modified": committee.modified,
    }


def meeting_ref(request, meeting_id, date):
    return {
        "id": meeting_id,
        "date": date,
        "url": _abs(request, "api_meeting", meeting_id),
        "web": _abs(request, "meeting", meeting_id),
    }


def original_json(request, meeting_id, sha256):
    if not sha256:
        return None
    return {"sha256": sha256, "url": _abs(request, "meeting_original", meeting_id)}


def meeting_json(request, meeting, items=None):
    committee = meeting.committee
    start = None
    if meeting.start_time:
        start = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))
    data = {
        "type": "Meeting",
        **meeting_ref(request, meeting.pk, meeting.date),
        "name": f"{committee.name} {dateformat.format(meeting.date, 'j. F Y')}",
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
        "url": _abs(request, "api_item", item.meeting_id, item.position),
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
    if not normalized:
        return None
    return {
        "case_number": normalized,
        "url": _abs(request, "api_case", normalized),
        "web": _abs(request, "case", normalized),
    }


def citation(item, permalink: str, sha256: str | None) -> str:
    """A ready citation as plain text: who decided what, when, where to read it, which source.

    Built from the item alone (municipality and committee loaded with it) so the item page
    and the API give the same text.
    """
    when = dateformat.format(item.meeting_date, "j. F Y")
    parts = [f"{item.municipality.name}, {item.committee.name}, {_('møde')} {when}"]
    title = f"»{item.title}«"
    parts.append(f"{_('punkt')} {item.number}: {title}" if item.number else title)
    text = ", ".join(parts) + "."
    if item.case_number:
        text += f" {_('Sagsnr.')} {item.case_number}."
    text += f" {permalink}"
    if sha256:
        text += f" ({_('kildedokument SHA-256')}: {sha256})"
    return text


# --- Paging --------------------------------------------------------------------------------


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
    pages = max(1, -(-count // size))

    def link(number):
        if not 1 <= number <= min(pages, MAX_PAGE):
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


# --- Views ---------------------------------------------------------------------------------


@api_view
def index(request):
    """What the API offers, with links: a starting point for scripts."""
    return JsonResponse(
        {
            "type": "System",
            "name": _("Referatarkiv"),
            "version": "1",
            "openapi": _abs(request, "api_openapi"),
            "documentation": _abs(request, "api_docs"),
            "municipalities": _abs(request, "api_municipalities"),
            "committees": _abs(request, "api_committees"),
            "meetings": _abs(request, "api_meetings"),
            "items": _abs(request, "api_items"),
            "search": _abs(request, "api_v1_search"),
        },
        **JSON,
    )


@api_view
def municipality_list(request):
    data = paged(request, municipalities(), clean_params(request.GET), 100, body_json)
    return JsonResponse(data, **JSON)


@api_view
def municipality_detail(request, slug):
    municipality = municipalities().filter(slug=slug).first()
    if municipality is None:
        return not_found(_("Kommunen findes ikke."))
    return JsonResponse(body_json(request, municipality), **JSON)


@api_view
def committee_list(request):
    params = clean_params(request.GET)
    filterset = valid_filterset(CommitteeApiFilter, params, committees())
    return JsonResponse(paged(request, filterset.qs, params, 100, organization_json), **JSON)


@api_view
def committee_detail(request, pk):
    committee = committees().filter(pk=pk).first() if pk <= MAX_ID else None
    if committee is None:
        return not_found(_("Udvalget findes ikke."))
    return JsonResponse(organization_json(request, committee), **JSON)


@api_view
def meeting_list(request):
    params = clean_params(request.GET)
    filterset = valid_filterset(MeetingApiFilter, params, public_meetings())
    data = paged(request, filterset.qs, params, MEETING_PAGE_SIZE, meeting_json)
    return JsonResponse(data, **JSON)


@api_view
def meeting_detail(request, pk):
    """A meeting with all its items: they are replaced together, so fetch them together."""
    meeting = public_meetings().filter(pk=pk).first() if pk <= MAX_ID else None
    if meeting is None:
        return not_found(_("Mødet findes ikke."))
    items = public_items().filter(meeting=meeting).order_by("position")
    return JsonResponse(meeting_json(request, meeting, items), **JSON)


@api_view
def item_list(request):
    params = clean_params(request.GET)
    filterset = valid_filterset(ItemApiFilter, params, public_items())
    # The search's date order, so this list pages exactly as the search with sort=date.
    data = paged(request, filterset.qs.ordered("date"), params, ITEM_PAGE_SIZE, item_json)
    return JsonResponse(data, **JSON)


@api_view
def item_detail(request, meeting_id, position):
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
            "feed": _abs(request, "case_feed", normalized),
            "modified": max(item.meeting.modified for item in items),
            "items": [item_json(request, item, full=False) for item in items],
        },
        **JSON,
    )


@api_view
def search(request):
    """The search page's results as JSON: same parameters, same order, same pages."""
    form, filterset = search_forms(clean_params(request.GET))
    results = run_search(filterset.qs, form.cleaned_data)
    # Pages (and the next link) stop at the count cap; the count itself may be an estimate.
    capped = min(results.count, limits.COUNT_CAP)
    data = envelope(request, results.page, results.page_size, capped, results.count_is_exact)
    data["count"] = results.count
    return JsonResponse(
        data
        | {
            "results": [search_hit(request, item) for item in results.items],
            "facets": {
                name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
                for name, values in results.facets.items()
            },
            # Past the count cap the facet counts are estimates from a sample.
            "facets_are_exact": getattr(results, "facets_are_exact", True),
            "suggestion": results.suggestion or None,
            "message": results.message or None,
        },
        **JSON,
    )


def search_hit(request, item):
    return item_json(request, item, full=False) | {
        "snippet": item.best_plain,
        "snippet_html": str(item.best_snippet),
    }


@api_view
def openapi(request):
    from archive.openapi import openapi_document

    response = JsonResponse(openapi_document(request), **JSON)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def docs(request):
    """The API's human page, listing the same endpoints as the OpenAPI document."""
    from archive.openapi import openapi_document

    document = openapi_document(request)
    from archive.exports import EXPORT_LIMIT

    context = {"doc": document, "operations": operations(document), "export_limit": EXPORT_LIMIT}
    return render(request, "archive/api.html", context)


def operations(document):
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
    return not_found(_("Der findes ikke noget API-endepunkt med den adresse."))
