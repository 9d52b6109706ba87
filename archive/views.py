"""Thin views: read the request, call one query, render."""

import mimetypes
import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET

from archive import people_queries
from archive.attachments import files_of, public_attachments
from archive.caching import public_page
from archive.filters import MeetingFilter, SearchForm, clean_params, search_filters
from archive.models import AgendaItem, Attendance, Committee, Municipality, SourceDocument
from archive.public import current_source, public_meetings
from archive.querysets import published
from archive.search.engine import run_search
from archive.search.query import normalize_case_number
from core.casenumbers import parse_case_number


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 with a plain reason when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse(
            "database unreachable / databasen svarer ikke\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@public_page(query=False)
def home(request):
    """The front page: latest meetings, and the coverage per municipality."""
    latest = public_meetings().annotate(item_count=Count("items"))[:10]
    # One row per municipality: a national archive has about a thousand committees, which
    # belong on the municipality pages, not on the front page.
    coverage = (
        Municipality.objects.filter(published("committees__meetings__"))
        .annotate(
            committee_count=Count("committees", distinct=True),
            meeting_count=Count("committees__meetings", distinct=True),
            first=Min("committees__meetings__date"),
            last=Max("committees__meetings__date"),
        )
        .order_by("name")
    )
    return render(
        request,
        "archive/home.html",
        {"latest": latest, "coverage": coverage, "form": SearchForm()},
    )


@public_page
def search(request):
    """The search page: results, facets and the hits-per-year chart; 400 on bad parameters."""
    form, filterset = search_filters(clean_params(request.GET))
    results = None
    if form.is_valid() and filterset.is_valid():
        results = run_search(filterset.qs, form.cleaned_data)
    status = 200 if results is not None else 400
    context = {"form": form, "filterset": filterset, "results": results}
    if results is not None:
        context |= {
            "bars": year_bars(results.facets.get("year", [])),
            "base_query": _query_without(request.GET, "page"),
            "facet_links": _facet_links(request.GET, results.facets),
        }
    return render(request, "archive/search.html", context, status=status)


def year_bars(year_facets: list, width: int = 240, height: int = 110) -> list[dict]:
    """Bars for the hits-per-year chart, computed here so the SVG template stays dumb."""
    if not year_facets:
        return []
    peak = max(f.count for f in year_facets)
    step = width / len(year_facets)
    bars = []
    for i, f in enumerate(year_facets):
        bar_height = max(2, round((height - 20) * f.count / peak))
        # Integers: Danish number formatting would turn 2.5 into "2,5" inside SVG attributes.
        bars.append(
            {
                "x": round(i * step + 1),
                "y": height - 16 - bar_height,
                "w": max(round(step) - 2, 1),
                "h": bar_height,
                "label_x": round(i * step + step / 2),
                "year": f.value,
                "count": f.count,
            }
        )
    return bars


def _query_without(params, *keys):
    return urlencode([(k, v) for k, v in params.items() if k not in keys and v])


FACET_LINKS = 12  # values shown per facet (templates/includes/_facets.html)
# Facets that say nothing with one value: results all from municipalities need no "Kommune".
SPLIT_ONLY = {"kind"}


def _facet_links(params, facets):
    """For each shown facet value, the URL that adds (or, when chosen, removes) it."""
    links = {}
    for name, values in facets.items():
        chosen = params.get(name)
        if name in SPLIT_ONLY and len(values) < 2 and not chosen:
            continue
        rows = []
        for facet in values[:FACET_LINKS]:
            selected = chosen == facet.value
            rest = [(k, v) for k, v in params.items() if k not in (name, "page") and v]
            if not selected:
                rest.append((name, facet.value))
            rows.append({"facet": facet, "selected": selected, "url": "?" + urlencode(rest)})
        links[name] = rows
    return links


@public_page
def meeting_list(request):
    """Public meetings, filtered and paged (50 a page)."""
    filterset = MeetingFilter(request.GET, queryset=public_meetings())
    if not filterset.is_valid():
        return render(request, "archive/meeting_list.html", {"filterset": filterset}, status=400)
    meetings = filterset.qs.annotate(item_count=Count("items")).order_by("-date", "committee__name")
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "archive/meeting_list.html",
        {"filterset": filterset, "page": page, "base_query": _query_without(request.GET, "page")},
    )


@public_page(query=False)
def meeting_detail(request, pk):
    """A meeting with all its items."""
    meeting = get_object_or_404(
        public_meetings().prefetch_related(
            Prefetch("items", queryset=AgendaItem.objects.order_by("position")),
            # The lists of people, each linked to the person's page.
            Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
        ),
        pk=pk,
    )
    return render(request, "archive/meeting_detail.html", {"meeting": meeting})


def meeting_original(request, pk):
    """The meeting's current original, as a download."""
    meeting = get_object_or_404(public_meetings(), pk=pk)
    source = meeting.sources.filter(status=SourceDocument.Status.CURRENT).first()
    if source is None:
        raise Http404(_("Originalen findes ikke."))
    suffix = {"pdf": "pdf", "html": "html", "markdown": "md"}.get(source.format, "txt")
    response = HttpResponse(bytes(source.original), content_type="application/octet-stream")
    # Always a download: an original HTML file must never render on our origin.
    name = f"referat-{meeting.date:%Y-%m-%d}-{source.sha256[:8]}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_page(query=False)
def item_detail(request, meeting_id, position):
    """An agenda item: its text, its case history, its neighbours and references."""
    item = get_object_or_404(
        AgendaItem.objects.public()
        .select_related("meeting", "committee__municipality", "municipality")
        # For the citation, in the same query.
        .annotate(source_sha256=current_source("sha256", "meeting_id")),
        meeting_id=meeting_id,
        position=position,
    )
    history = []
    if item.case_number_normalized:
        history = list(
            AgendaItem.objects.public()
            .filter(case_number_normalized=item.case_number_normalized)
            .exclude(pk=item.pk)
            .select_related("committee")
            .order_by("meeting_date", "position")[:100]
        )
    neighbours = {
        row["position"]: row
        for row in AgendaItem.objects.filter(
            meeting_id=meeting_id, position__in=[position - 1, position + 1]
        ).values("position", "number", "title")
    }
    files = files_of(item)
    listed = {link.name for link in files}
    return render(
        request,
        "archive/item_detail.html",
        {
            "item": item,
            "files": files,
            # Bilag the text names with no file or link behind them (a PDF's "Bilag" list).
            "names_only": [name for name in item.attachments if name not in listed],
            "history": history,
            "previous": neighbours.get(position - 1),
            "next": neighbours.get(position + 1),
            "references": _resolve_references(item),
        },
    )


# Served as they are: types a browser shows without running anything of the file's own. Any
# other type is a download, and one a browser could run (HTML, SVG, XML) goes as bytes.
INLINE_TYPES = {"application/pdf"}
ACTIVE_TYPES = re.compile(r"html|xml|svg|javascript|ecmascript", re.I)
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\"]+')


def _file_etag(request, pk):
    sha256 = public_attachments().filter(pk=pk).values_list("file__sha256", flat=True).first()
    return f'"{sha256}"' if sha256 else None


@require_GET
@condition(etag_func=_file_etag)
def attachment_file(request, pk):
    """A bilag's bytes with its type and name, for public meetings and open items only;
    its SHA-256 is the ETag (a repeat visit gets 304 Not Modified)."""
    link = get_object_or_404(public_attachments().select_related("file"), pk=pk)
    file = link.file
    kind = file.content_type or "application/octet-stream"
    if ACTIVE_TYPES.search(kind):
        kind = "application/octet-stream"
    response = HttpResponse(bytes(file.data), content_type=kind)
    response["Content-Disposition"] = content_disposition_header(
        kind not in INLINE_TYPES, download_name(link.name, kind)
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Revalidated every time (the ETag makes that cheap): a meeting withdrawn from the
    # public must not stay in a cache.
    response["Cache-Control"] = "no-cache"
    return response


def download_name(name: str, content_type: str) -> str:
    """The file name to save a bilag under: its name without path or control characters,
    with the type's extension when the name has none ("Test igen" -> "Test igen.pdf")."""
    name = " ".join(UNSAFE_NAME.sub(" ", name).split())[:200] or "bilag"
    if mimetypes.guess_type(name.lower())[0] is None:
        name += mimetypes.guess_extension(content_type) or ""
    return name


def _resolve_references(item):
    """The item's references, each with a link when the target is in the archive."""
    refs = item.references
    if not refs:
        return []
    targets = AgendaItem.objects.public().filter(
        municipality_id=item.municipality_id,
        committee__name__in={r["committee"] for r in refs},
        meeting_date__in={r["date"] for r in refs},
        number__in={r["number"] for r in refs if r["number"] is not None},
    )
    found = {
        (t.committee.name, t.meeting_date.isoformat(), t.number): t
        for t in targets.select_related("committee")
    }
    return [
        {**ref, "target": found.get((ref["committee"], ref["date"], ref["number"]))} for ref in refs
    ]


@public_page(query=False)
def case_detail(request, case_number):
    """Every public item with the case number, oldest first."""
    normalized = normalize_case_number(case_number)
    items = list(
        AgendaItem.objects.public()
        .filter(case_number_normalized=normalized)
        .select_related("committee", "municipality")
        .order_by("meeting_date", "position")[:500]
    )
    if not items:
        raise Http404(_("Sagen findes ikke i arkivet."))
    return render(
        request,
        "archive/case_detail.html",
        {"case_number": normalized, "items": items, "kle": parse_case_number(normalized)},
    )


@public_page(query=False)
def municipality_detail(request, slug):
    """A municipality and its committees."""
    municipality = get_object_or_404(Municipality, slug=slug)
    committees = municipality.committees.annotate(
        meeting_count=Count("meetings", distinct=True), last=Max("meetings__date")
    )
    return render(
        request,
        "archive/municipality_detail.html",
        {"municipality": municipality, "committees": committees},
    )


@public_page(query=False)
def committee_detail(request, municipality, slug):
    """A committee and its public meetings."""
    committee = get_object_or_404(
        Committee.objects.select_related("municipality"), municipality__slug=municipality, slug=slug
    )
    meetings = committee.meetings.public().annotate(item_count=Count("items"))
    return render(
        request,
        "archive/committee_detail.html",
        {
            "committee": committee,
            "meetings": meetings,
            "search_url": reverse("archive:search") + f"?committee={committee.pk}",
            "people": people_queries.committee_people(committee),
        },
    )


def not_found(request, exception=None):
    """The Danish 404 page."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The Danish 500 page."""
    return render(request, "500.html", status=500)
