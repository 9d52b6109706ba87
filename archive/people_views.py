"""The person page and its feed (the records are linked in archive/people.py)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from archive.caching import public_page
from archive.feeds import ItemFeed
from archive.limits import FEED_SIZE
from archive.people_queries import (
    ITEM_LIMIT,
    attendance_of,
    items_naming,
    published_person,
    snippet,
    summarise,
)


@public_page(query=False)
def person_detail(request, slug):
    person = published_person(slug)
    if person.merged_into_id:
        return redirect(person.merged_into, permanent=True)
    rows = attendance_of(person)
    if not rows:
        raise Http404(_("Personen findes ikke i arkivet."))
    items = items_naming(person)
    return render(
        request,
        "archive/person_detail.html",
        {
            "person": person,
            "summary": summarise(rows),
            "attendances": rows,
            "mentions": [(item, snippet(item, person.name)) for item in items],
            "item_limit": ITEM_LIMIT,
        },
    )


class PersonFeed(ItemFeed):
    """The newest items whose minutes name the person."""

    def get_object(self, request, slug):
        person = published_person(slug)
        if person.merged_into_id:
            person = person.merged_into
        return self.context(
            request,
            _("Nævnt i referaterne: %(name)s, %(municipality)s")
            % {"name": person, "municipality": person.municipality.name},
            person.get_absolute_url(),
            items=items_naming(person, FEED_SIZE),
        )
