"""Atom feeds: new meetings per municipality and per committee, items of a case, and the
items matching any search, so that a saved search becomes a subscription.

Entries are identified by their permanent page address. A meeting's entry is dated when
it came into the archive (`published`) and when it last changed (`updated`).
"""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import limits
from archive.api.params import BadParameters, search_forms
from archive.filters import clean_params
from archive.models import AgendaItem, Committee, Meeting, Municipality
from archive.public import public_meetings
from archive.search.engine import run_search
from archive.search.query import normalize_case_number


class ArchiveFeed(Feed):
    feed_type = Atom1Feed
    author_name = gettext_lazy("Referatarkiv")

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadParameters as error:
            return error.response

    def feed_url(self, obj):
        return obj["feed_url"]

    def feed_guid(self, obj):
        return obj["feed_guid"]

    def title(self, obj):
        return obj["title"]

    def link(self, obj):
        return obj["link"]

    def subtitle(self, obj):
        return obj.get("subtitle")

    def context(self, request, title, link, **extra):
        """What the feed is about; the feed's own address (with its query) is its id."""
        # Rebuilt from the parsed parameters: the raw query string may be unencoded.
        query = request.GET.urlencode()
        feed_url = request.build_absolute_uri(request.path + ("?" + query if query else ""))
        return {"title": title, "link": link, "feed_url": feed_url, "feed_guid": feed_url} | extra


class MeetingFeed(ArchiveFeed):
    description_template = "feeds/meeting_description.html"

    def items(self, obj):
        return (
            public_meetings()
            .filter(**obj["filter"])
            .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position")))
            .order_by("-created", "-pk")[: limits.FEED_SIZE]
        )

    def item_title(self, meeting):
        kind = _("Dagsorden") if meeting.kind == Meeting.Kind.AGENDA else _("Referat")
        return f"{kind}: {meeting}"

    def item_link(self, meeting):
        return meeting.get_absolute_url()

    def item_author_name(self, meeting):
        return meeting.committee.municipality.name

    def item_pubdate(self, meeting):
        return meeting.created

    def item_updateddate(self, meeting):
        return meeting.modified

    def item_categories(self, meeting):
        return [meeting.committee.name]


class MunicipalityMeetingsFeed(MeetingFeed):
    def get_object(self, request, slug):
        municipality = get_object_or_404(Municipality, slug=slug)
        return self.context(
            request,
            _("Nye møder: %(name)s") % {"name": municipality.name},
            municipality.get_absolute_url(),
            filter={"committee__municipality": municipality},
        )


class CommitteeMeetingsFeed(MeetingFeed):
    def get_object(self, request, municipality, slug):
        committee = get_object_or_404(
            Committee.objects.select_related("municipality"),
            municipality__slug=municipality,
            slug=slug,
        )
        return self.context(
            request,
            _("Nye møder: %(committee)s, %(municipality)s")
            % {"committee": committee.name, "municipality": committee.municipality.name},
            committee.get_absolute_url(),
            filter={"committee": committee},
        )


class ItemFeed(ArchiveFeed):
    description_template = "feeds/item_description.html"

    def items(self, obj):
        return obj["items"]

    def item_title(self, item):
        if item.number:
            return _("Punkt %(number)s: %(title)s") % {"number": item.number, "title": item.title}
        return item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.municipality.name

    def item_pubdate(self, item):
        return item.meeting.created

    def item_updateddate(self, item):
        return item.meeting.modified

    def item_categories(self, item):
        return [item.committee.name, item.get_outcome_display()]


class SearchFeed(ItemFeed):
    """/soeg/feed?q=…&filters…: the newest items matching the search, as the search page
    with "newest first" finds them (same parameters, same service)."""

    def get_object(self, request):
        form, filterset = search_forms(clean_params(request.GET))
        params = form.cleaned_data | {"sort": "date", "page": 1, "page_size": limits.FEED_SIZE}
        results = run_search(filterset.qs, params)
        query = request.GET.copy()
        query.pop("page", None)
        text = results.query or _("alle punkter")
        return self.context(
            request,
            _("Søgning i Referatarkiv: %(query)s") % {"query": text},
            reverse("archive:search") + "?" + query.urlencode(),
            items=results.items,
            subtitle=results.message or None,
        )


class CaseFeed(ItemFeed):
    def get_object(self, request, case_number):
        normalized = normalize_case_number(case_number)
        items = list(
            AgendaItem.objects.public()
            .filter(case_number_normalized=normalized)
            .select_related("meeting", "committee", "municipality")
            .order_by("-meeting_date", "-meeting_id", "-position")[: limits.FEED_SIZE]
        )
        if not items:
            raise Meeting.DoesNotExist  # the feed view turns this into a 404
        return self.context(
            request,
            _("Sag %(case)s") % {"case": normalized},
            reverse("archive:case", args=[normalized]),
            items=items,
        )
