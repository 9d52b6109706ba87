"""The parameters of the search and the meeting list: forms and filtersets shared by the
pages, the API, the feeds and the exports, and the one clean-up of raw query strings."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Value
from django.utils.translation import gettext_lazy as _

from archive import limits
from archive.models import AgendaItem, Committee, Meeting, Municipality, Outcome

# A regional council's committees are not a municipality's: `kind=region` or `kind=kommune`.
BODY_KIND = _("Kommune eller region")


# The one rule for filter values (docs/api.md): a value of the wrong form ("abc" for a
# committee id, a date that is not one) is a 400 naming the parameter; a well-formed value
# that names nothing in the archive (committee 0, a municipality "atlantis") matches
# nothing, and the answer is an empty result. A path naming nothing is a 404.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class Unknown:
    """A well-formed filter value that names nothing in the archive: it matches nothing."""

    pk = None

    def __init__(self, value: str):
        self.value = self.name = value

    def __str__(self):
        return self.value


class KnownOrNothingField(forms.ModelChoiceField):
    """A municipality's slug or a committee's id; one that does not exist is `Unknown`."""

    def __init__(self, *args, numeric=False, **kwargs):
        self.numeric = numeric
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.numeric and not WHOLE_NUMBER.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            return super().to_python(value)
        except ValidationError:
            return Unknown(str(value))


class KnownOrNothingFilter(django_filters.ModelChoiceFilter):
    """ModelChoiceFilter whose unknown values give an empty result instead of a 400."""

    field_class = KnownOrNothingField

    def filter(self, qs, value):
        if isinstance(value, Unknown):
            # WHERE false rather than .none(): the search caches by the query's SQL, and
            # an empty QuerySet has none.
            return qs.filter(Value(False, output_field=BooleanField()))
        return super().filter(qs, value)


class WholeNumberFilter(django_filters.NumberFilter):
    """A number filter for integers: "2020.5" is not a year (NumberFilter takes decimals)."""

    field_class = forms.IntegerField


def municipality_filter(**kwargs):
    return KnownOrNothingFilter(
        queryset=Municipality.objects.all(), to_field_name="slug", label=_("Kommune"), **kwargs
    )


def committee_filter(**kwargs):
    return KnownOrNothingFilter(
        queryset=Committee.objects.select_related("municipality"),
        label=_("Udvalg"),
        numeric=True,
        **kwargs,
    )


class ItemFilter(django_filters.FilterSet):
    """Filters on agenda items. Malformed values make the form invalid (a 400), unknown
    ones match nothing; never a 500."""

    kind = django_filters.ChoiceFilter(
        field_name="municipality__kind", choices=Municipality.Kind.choices, label=BODY_KIND
    )
    municipality = municipality_filter()
    committee = committee_filter()
    date_from = django_filters.DateFilter(
        field_name="meeting_date", lookup_expr="gte", label=_("Fra dato")
    )
    date_to = django_filters.DateFilter(
        field_name="meeting_date", lookup_expr="lte", label=_("Til dato")
    )
    year = WholeNumberFilter(
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
    municipality = municipality_filter(field_name="committee__municipality")
    committee = committee_filter()
    year = WholeNumberFilter(
        field_name="date", lookup_expr="year", label=_("År"), min_value=1900, max_value=2100
    )

    class Meta:
        model = Meeting
        fields = []


class SearchForm(forms.Form):
    """The non-filter search parameters."""

    q = forms.CharField(
        required=False, label=_("Søg"), max_length=limits.QUERY_PARAMETER_LENGTH, strip=True
    )
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
