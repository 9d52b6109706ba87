"""Thin views: read the request, call one query, render."""

from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from archive.models import AgendaItem, Committee, Meeting, Municipality, SourceDocument


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


def published_meetings():
    return Meeting.objects.filter(published=True).select_related("committee__municipality")


def home(request):
    latest = published_meetings().annotate(item_count=Count("items"))[:10]
    coverage = (
        Committee.objects.filter(meetings__published=True)
        .select_related("municipality")
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            first=Min("meetings__date"),
            last=Max("meetings__date"),
        )
        .order_by("municipality__name", "name")
    )
    return render(request, "archive/home.html", {"latest": latest, "coverage": coverage})


def meeting_list(request):
    meetings = published_meetings().annotate(item_count=Count("items"))[:200]
    return render(request, "archive/meeting_list.html", {"meetings": meetings})


def meeting_detail(request, pk):
    meeting = get_object_or_404(
        published_meetings().prefetch_related(
            Prefetch("items", queryset=AgendaItem.objects.order_by("position"))
        ),
        pk=pk,
    )
    return render(request, "archive/meeting_detail.html", {"meeting": meeting})


def meeting_original(request, pk):
    meeting = get_object_or_404(published_meetings(), pk=pk)
    source = meeting.sources.filter(status=SourceDocument.Status.CURRENT).first()
    if source is None:
        raise Http404(_("Originalen findes ikke."))
    content_type = {
        "pdf": "application/pdf",
        "html": "text/html; charset="
        + (source.encoding if source.encoding != "binary" else "utf-8"),
    }.get(source.format, "text/plain; charset=" + source.encoding.replace("-sig", ""))
    response = HttpResponse(bytes(source.original), content_type=content_type)
    # Always a download: an original HTML file must never render on our origin.
    response["Content-Disposition"] = f'attachment; filename="{source.sha256[:16]}-original"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def item_detail(request, meeting_id, position):
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__published=True).select_related(
            "meeting", "committee", "municipality"
        ),
        meeting_id=meeting_id,
        position=position,
    )
    return render(request, "archive/item_detail.html", {"item": item})


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    committees = municipality.committees.annotate(
        meeting_count=Count("meetings", distinct=True), last=Max("meetings__date")
    )
    return render(
        request,
        "archive/municipality_detail.html",
        {"municipality": municipality, "committees": committees},
    )


def committee_detail(request, municipality, slug):
    committee = get_object_or_404(
        Committee.objects.select_related("municipality"), municipality__slug=municipality, slug=slug
    )
    meetings = committee.meetings.filter(published=True).annotate(item_count=Count("items"))
    return render(
        request, "archive/committee_detail.html", {"committee": committee, "meetings": meetings}
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
