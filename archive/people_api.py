"""The people API: /api/v1/people and /api/v1/people/<slug>, in the house style of
archive/api.py, and their part of the OpenAPI document (archive/openapi.py merges it)."""

import django_filters
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.http import JsonResponse
from django.utils.translation import gettext as _

from archive import api
from archive.models import Attendance, Meeting, Municipality, Person
from archive.people import ITEM_LIMIT, attendance_of, items_naming, summarise
from core.people import clean_party, name_key

MEETING_LIMIT = 500  # meetings listed in a person's record
PEOPLE_PAGE_SIZE = 100


class PersonApiFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), to_field_name="slug"
    )
    committee = django_filters.NumberFilter(method="filter_committee", min_value=1)
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
        "url": api._abs(request, "api_person", person.slug),
        "web": api._abs(request, "person", person.slug),
    }


def person_json(request, person) -> dict:
    return {
        "type": "Person",
        **person_ref(request, person),
        "municipality": api.body_ref(request, person.municipality),
        "meetings_attended": person.attended,
        "meetings_missed": person.missed,
        "meetings_invited": person.invited,
        "first_meeting": person.first_meeting,
        "last_meeting": person.last_meeting,
        "feed": api._abs(request, "person_feed", person.slug),
        "calendar": api._abs(request, "person_calendar", person.slug),
        "modified": person.modified,
    }


def person_detail_json(request, person, rows, items) -> dict:
    summary = summarise(rows)
    municipality = person.municipality
    return person_json(request, person) | {
        "parties": summary.parties,
        "years": summary.years,
        "committees": [
            api.organization_ref(request, c["committee"], municipality)
            | {key: c[key] for key in ("first", "last", "attended", "missed", "invited")}
            for c in summary.committees
        ],
        "meetings": [
            api.meeting_ref(request, row.meeting_id, row.meeting.date)
            | {
                "kind": row.meeting.kind,
                "committee": row.meeting.committee.name,
                "status": row.status,
                "party": row.party or None,
            }
            for row in rows[:MEETING_LIMIT]
        ],
        "mentioned_in": [api.item_json(request, item, full=False) for item in items],
    }


@api.api_view
def person_list(request):
    params = api.clean_params(request.GET)
    filterset = api.valid_filterset(PersonApiFilter, params, public_people())
    data = api.paged(request, filterset.qs, params, PEOPLE_PAGE_SIZE, person_json)
    return JsonResponse(data, **api.JSON)


@api.api_view
def person_api_detail(request, slug):
    """A person with their committees, meetings per year and the items that name them."""
    person = public_people().filter(slug=slug[:250]).first()
    if person is None:
        return api.not_found(_("Personen findes ikke."))
    rows = attendance_of(person)
    items = items_naming(person)
    return JsonResponse(person_detail_json(request, person, rows, items), **api.JSON)


# --- OpenAPI --------------------------------------------------------------------------------


def openapi_schemas() -> dict:
    """The people endpoints' schemas, merged into archive/openapi.py's document."""
    from archive import openapi as oa

    counts = {"attended": oa.INTEGER, "missed": oa.INTEGER, "invited": oa.INTEGER}
    person = {
        "type": oa.const("Person"),
        "id": oa.STRING,
        "name": oa.STRING,
        "party": oa.nullable(oa.STRING),
        "url": oa.URI,
        "web": oa.URI,
        "municipality": oa.ref("BodyRef"),
        "meetings_attended": oa.INTEGER,
        "meetings_missed": oa.INTEGER,
        "meetings_invited": oa.INTEGER,
        "first_meeting": oa.DATE,
        "last_meeting": oa.DATE,
        "feed": oa.URI,
        "calendar": oa.URI,
        "modified": oa.DATETIME,
    }
    status = {"type": "string", "enum": [choice.value for choice in Attendance.Status]}
    kind = {"type": "string", "enum": [choice.value for choice in Meeting.Kind]}
    committee = {"id": oa.INTEGER, "name": oa.STRING, "url": oa.URI, "web": oa.URI}
    meeting = {"id": oa.INTEGER, "date": oa.DATE, "url": oa.URI, "web": oa.URI}
    return {
        "Person": oa.obj(person),
        "PersonDetail": oa.obj(
            person
            | {
                "parties": oa.array(
                    oa.obj({"party": oa.STRING, "first": oa.DATE, "last": oa.DATE})
                ),
                "years": oa.array(oa.obj({"year": oa.INTEGER} | counts)),
                "committees": oa.array(
                    oa.obj(committee | {"first": oa.DATE, "last": oa.DATE} | counts)
                ),
                "meetings": oa.array(
                    oa.obj(
                        meeting
                        | {
                            "kind": kind,
                            "committee": oa.STRING,
                            "status": status,
                            "party": oa.nullable(oa.STRING),
                        }
                    )
                ),
                "mentioned_in": oa.array(oa.ref("AgendaItemSummary")),
            }
        ),
        "PersonList": oa.page_of("Person"),
    }


def openapi_paths() -> dict:
    from archive import openapi as oa

    slug = oa.path_parameter(
        "slug", oa.STRING, _("Personens id (kortnavn)."), "peter-nielsen-herlev"
    )
    return {
        "/api/v1/people": oa.operation(
            "API",
            _("Personer (Person) i referaternes deltagerlister"),
            _(
                "Navne matches inden for én kommune; se docs/people.md. Tællingerne gælder "
                "offentliggjorte møder."
            ),
            oa.params("municipality", "committee")
            + [
                oa.query_parameter("party", oa.STRING, _("Partibogstav."), "A"),
                oa.query_parameter("q", oa.STRING, _("Del af navnet."), "nielsen"),
            ]
            + oa.params("page", "page_size"),
            oa.responses("PersonList", "400"),
        ),
        "/api/v1/people/{slug}": oa.operation(
            "API",
            _("Én person: udvalg, møder pr. år, fremmøde og punkter, der nævner personen"),
            _("Højst %(meetings)s møder og %(items)s punkter.")
            % {"meetings": MEETING_LIMIT, "items": ITEM_LIMIT},
            [slug],
            oa.responses("PersonDetail", "404"),
        ),
        "/personer/{slug}/feed": oa.operation(
            _("Feeds"),
            _("Atom-feed med de nyeste punkter, der nævner en person"),
            "",
            [slug],
            oa.responses("", content=oa.ATOM),
        ),
    }
