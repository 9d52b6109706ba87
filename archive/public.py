"""What the public may see, as the lists the pages, the API, the feeds and the exports show.

Built on `Meeting.objects.public()` and `AgendaItem.objects.public()` (archive.querysets),
the one definition of what is public.
"""

from django.db.models import Count, Max, Min, OuterRef, Subquery

from archive.models import AgendaItem, Committee, Meeting, Municipality, SourceDocument
from archive.querysets import published


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
    """Published meetings with their committee and municipality: what every page, feed and
    list of meetings starts from."""
    return Meeting.objects.public().select_related("committee__municipality")


def listed_meetings():
    """The public meetings as the API and the exports list them: with item count and the
    current original's hash, newest first as the HTML meeting list (plus the id, so pages
    never overlap on ties)."""
    return (
        public_meetings()
        .annotate(item_count=Count("items"), source_sha256=current_source("sha256"))
        .order_by("-date", "committee__name", "pk")
    )


def public_items():
    """Public items with their meeting, committee, municipality and original's hash."""
    return (
        AgendaItem.objects.public()
        .select_related("meeting", "committee", "municipality")
        .annotate(source_sha256=current_source("sha256", "meeting_id"))
    )


def municipalities():
    """Every municipality with its committee count and when its public content last changed."""
    return Municipality.objects.annotate(
        committee_count=Count("committees", distinct=True),
        modified=Max("committees__meetings__modified", filter=published("committees__meetings__")),
    ).order_by("name")


def committees():
    """Every committee with the number, first and last date of its public meetings."""
    public = published("meetings__")
    return (
        Committee.objects.select_related("municipality")
        .annotate(
            meeting_count=Count("meetings", filter=public),
            first_meeting=Min("meetings__date", filter=public),
            last_meeting=Max("meetings__date", filter=public),
            modified=Max("meetings__modified", filter=public),
        )
        .order_by("municipality__name", "name", "pk")
    )
