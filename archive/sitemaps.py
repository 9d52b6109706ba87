"""Discovery: sitemap.xml (every public meeting and agenda item, plus municipality and
committee pages), robots.txt and the OpenSearch description.

The sitemap is an index with one paginated section per kind, so it scales past the
protocol's 50,000 addresses per file.
"""

from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from archive.models import AgendaItem, Committee, Meeting, Municipality

PAGE = 10_000


class MeetingSitemap(Sitemap):
    limit = PAGE
    changefreq = "monthly"

    def items(self):
        return Meeting.objects.public().only("pk", "modified").order_by("pk")

    def lastmod(self, meeting):
        return meeting.modified


class ItemSitemap(Sitemap):
    """Items change only with their meeting (they are replaced together)."""

    limit = PAGE
    changefreq = "monthly"

    def items(self):
        return (
            AgendaItem.objects.public()
            .select_related("meeting")
            .only("meeting_id", "position", "meeting__modified")
            .order_by("meeting_id", "position")
        )

    def lastmod(self, item):
        return item.meeting.modified


class MunicipalitySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Municipality.objects.order_by("name")


class CommitteeSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Committee.objects.select_related("municipality").order_by("pk")


SITEMAPS = {
    "kommuner": MunicipalitySitemap,
    "udvalg": CommitteeSitemap,
    "moeder": MeetingSitemap,
    "punkter": ItemSitemap,
}


# --- robots.txt and OpenSearch -------------------------------------------------------------


@require_GET
@cache_control(max_age=86400)
def robots_txt(request):
    """Crawl the pages; leave search results, exports and the API to people and scripts."""
    sitemap = request.build_absolute_uri(reverse("sitemap_index"))
    return render(request, "robots.txt", {"sitemap": sitemap}, content_type="text/plain")


@require_GET
@cache_control(max_age=86400)
def opensearch(request):
    """OpenSearch description, so browsers can add the archive as a search engine."""
    return render(
        request,
        "opensearch.xml",
        {"base": request.build_absolute_uri("/").rstrip("/")},
        content_type="application/opensearchdescription+xml",
    )
