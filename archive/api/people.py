"""The people API: /api/v1/people and /api/v1/people/<slug> (documented in
archive/api/openapi.py and schemas.py)."""

import django_filters
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.http import JsonResponse
from django.utils.translation import gettext as _

from archive.api import params as api_params
from archive.api import serializers
from archive.filters import WholeNumberFilter, clean_params, municipality_filter
from archive.limits import MEETING_LIMIT, PEOPLE_PAGE_SIZE
from archive.models import Attendance, Person
from archive.people_queries import attendance_of, items_naming, summarise
from core.people import clean_party, name_key


class PersonApiFilter(django_filters.FilterSet):
    municipality = municipality_filter()
    committee = WholeNumberFilter(method="filter_committee")
    party = django_filters.CharFilter(method="filter_party", max_length=10)
    q = django_filters.CharFilter(method="filter_name", max_length=100)

    class Meta:
        model = Person
        fields = []

    def filter_committee(self, queryset, name, value):
        sat = Attendance.objects.filter(
            person=OuterRef("pk"), meeting__committee_id=value, meeting__published=True
        )
        return queryset.filter(Exists(sat))

    def filter_party(self, queryset, name, value):
        return queryset.filter(party=clean_party(value))

    def filter_name(self, queryset, name, value):
        return queryset.filter(name_key__contains=name_key(value))


def public_people():
    """People with at least one published meeting, with their counts, in name order."""
    published = Q(attendances__meeting__published=True)

    def counted(status):
        return Count("attendances", filter=published & Q(attendances__status=status))

    return (
        Person.objects.filter(merged_into=None)
        .select_related("municipality")
        .annotate(
            meeting_count=Count("attendances", filter=published),
            attended=counted(Attendance.Status.PRESENT),
            missed=counted(Attendance.Status.ABSENT),
            invited=counted(Attendance.Status.INVITED),
            first_meeting=Min("attendances__meeting__date", filter=published),
            last_meeting=Max("attendances__meeting__date", filter=published),
        )
        .filter(meeting_count__gt=0)
        .order_by("municipality__name", "name", "pk")
    )


def person_ref(request, person) -> dict:
    return {
        "id": person.slug,
        "name": person.name,
        "party": person.party or None,
        "url": serializers.absolute(request, "api_person", person.slug),
        "web": serializers.absolute(request, "person", person.slug),
    }


def person_json(request, person) -> dict:
    return {
        "type": "Person",
        **person_ref(request, person),
        "municipality": serializers.body_ref(request, person.municipality),
        "meetings_attended": person.attended,
        "meetings_missed": person.missed,
        "meetings_invited": person.invited,
        "first_meeting": person.first_meeting,
        "last_meeting": person.last_meeting,
        "feed": serializers.absolute(request, "person_feed", person.slug),
        "calendar": serializers.absolute(request, "person_calendar", person.slug),
        "modified": person.modified,
    }


def person_detail_json(request, person, rows, items) -> dict:
    summary = summarise(rows)
    municipality = person.municipality
    return person_json(request, person) | {
        "parties": summary.parties,
        "years": summary.years,
        "committees": [
            serializers.organization_ref(request, c["committee"], municipality)
            | {key: c[key] for key in ("first", "last", "attended", "missed", "invited")}
            for c in summary.committees
        ],
        "meetings": [
            serializers.meeting_ref(request, row.meeting_id, row.meeting.date)
            | {
                "kind": row.meeting.kind,
                "committee": row.meeting.committee.name,
                "status": row.status,
                "party": row.party or None,
            }
            for row in rows[:MEETING_LIMIT]
        ],
        "mentioned_in": [serializers.item_json(request, item, full=False) for item in items],
    }


@api_params.api_view
def person_list(request):
    params = clean_params(request.GET)
    filterset = api_params.valid_filterset(PersonApiFilter, params, public_people())
    data = serializers.paged(request, filterset.qs, params, PEOPLE_PAGE_SIZE, person_json)
    return JsonResponse(data, **api_params.JSON)


@api_params.api_view
def person_api_detail(request, slug):
    """A person with their committees, meetings per year and the items that name them."""
    person = public_people().filter(slug=slug[:250]).first()
    if person is None:
        return api_params.not_found(_("Personen findes ikke."))
    rows = attendance_of(person)
    items = items_naming(person)
    return JsonResponse(person_detail_json(request, person, rows, items), **api_params.JSON)
