"""The parameters of the search and the meeting list: forms and filtersets shared by the
pages, the API, the feeds and the exports, and the one clean-up of raw query strings."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from archive.models import AgendaItem, Committee, Meeting, Municipality, Outcome

# A regional council's committees are not a municipality's: `kind=region` or `kind=kommune`.
BODY_KIND = _("Kommune eller region")


class ItemFilter(django_filters.FilterSet):
    """Filters on agenda items. Unknown values make the form invalid (a 400), never a 500."""

    kind = django_filters.ChoiceFilter(
        field_name="municipality__kind", choices=Municipality.Kind.choices, label=BODY_KIND
    )
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), to_field_name="slug", label=_("Kommune")
    )
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.select_related("municipality"), label=_("Udvalg")
    )
    date_from = django_filters.DateFilter(
        field_name="meeting_date", lookup_expr="gte", label=_("Fra dato")
    )
    date_to = django_filters.DateFilter(
        field_name="meeting_date", lookup_expr="lte", label=_("Til dato")
    )
    year = django_filters.NumberFilter(
        field_name="meeting_date", lookup_expr="year", label=_("År"), min_value=1900, max_value=2100
    )
    kle = django_filters.CharFilter(
        field_name="kle_subject", lookup_expr="startswith", label=_("KLE-emne"), max_length=8
    )
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Udfald"))
    closed = django_filters.TypedChoiceFilter(
        choices=[("false", _("Åbne punkter")), ("true", _("Lukkede punkter"))],
        coerce=lambda value: value == "true",
        label=_("Åben/lukket"),
    )

    class Meta:
        model = AgendaItem
        fields = []


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="committee__municipality__kind",
        choices=Municipality.Kind.choices,
        label=BODY_KIND,
    )
    municipality = django_filters.ModelChoiceFilter(
        field_name="committee__municipality",
        queryset=Municipality.objects.all(),
        to_field_name="slug",
        label=_("Kommune"),
    )
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.select_related("municipality"), label=_("Udvalg")
    )
    year = django_filters.NumberFilter(
        field_name="date", lookup_expr="year", label=_("År"), min_value=1900, max_value=2100
    )

    class Meta:
        model = Meeting
        fields = []


class SearchForm(forms.Form):
    """The non-filter search parameters."""

    q = forms.CharField(required=False, label=_("Søg"), max_length=10_000, strip=True)
    scope = forms.ChoiceField(
        required=False,
        choices=[
            ("all", _("Al tekst")),
            ("decisions", _("Kun beslutninger")),
            ("titles", _("Kun titler")),
            ("attachments", _("Kun bilag")),
        ],
        label=_("Søg i"),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("relevance", _("Relevans")), ("date", _("Dato"))],
        label=_("Sortér efter"),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=100)


def clean_params(query_dict):
    """The query parameters without NUL bytes, which PostgreSQL cannot take."""
    params = query_dict.copy()
    for key, values in params.lists():
        params.setlist(key, [value.replace("\x00", "") for value in values])
    return params


def search_filters(params):
    """(form, filterset) of a search, bound to cleaned parameters over the public items;
    the caller checks `is_valid()` on both."""
    return SearchForm(params), ItemFilter(params, queryset=AgendaItem.objects.public())
