"""The API's parameters and errors: forms and filters that check every parameter, and the
JSON 400/404 bodies. Shared by the API, the exports and the feeds."""

import datetime

import django_filters
from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from archive import limits
from archive.caching import public_page
from archive.filters import ItemFilter, MeetingFilter, municipality_filter, search_filters
from archive.models import Committee
from archive.search.query import normalize_case_number

JSON = {"json_dumps_params": {"ensure_ascii": False}}
# The CSV exports' delimiters, by the name a request gives.
DELIMITERS = {"semicolon": ";", "comma": ",", "tab": "\t"}


class PageForm(forms.Form):
    """Paging for the lists: the same limits as the search form."""

    page = forms.IntegerField(required=False, min_value=1, max_value=limits.MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=limits.MAX_PAGE_SIZE)


class SinceFilter(django_filters.IsoDateTimeFilter):
    """`modified_since`: any RFC 3339 time, compared in UTC.

    PostgreSQL takes offsets only up to ±15:59 and years from 1; RFC 3339 allows ±23:59
    and year 1 with an offset that puts it in year 0. In UTC first, and a time before or
    after everything Python can hold stands for "since always" or "nothing yet"."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                edge = datetime.datetime.min if value.year == 1 else datetime.datetime.max
                value = edge.replace(tzinfo=datetime.UTC)
        return super().filter(qs, value)


class MeetingApiFilter(MeetingFilter):
    """The meeting list's filters plus a date range and `modified_since` for harvesters."""

    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    modified_since = SinceFilter(field_name="modified", lookup_expr="gte")


class ItemApiFilter(ItemFilter):
    """The search filters plus a case number and `modified_since` (of the item's meeting)."""

    case_number = django_filters.CharFilter(method="filter_case_number", max_length=100)
    modified_since = SinceFilter(field_name="meeting__modified", lookup_expr="gte")

    def filter_case_number(self, queryset, name, value):
        return queryset.filter(case_number_normalized=normalize_case_number(value))


class CommitteeApiFilter(django_filters.FilterSet):
    municipality = municipality_filter()

    class Meta:
        model = Committee
        fields = []


class BadParameters(Exception):
    """Raised with the 400 response to give when a request's parameters do not validate."""

    def __init__(self, *forms_):
        super().__init__("bad parameters")
        self.response = bad_request(*forms_)


def bad_request(*forms_):
    """400 with the reason per parameter, the same body as /api/search gives."""
    fields = {}
    for form in forms_:
        for key, errors in form.errors.get_json_data().items():
            fields[key] = [error["message"] for error in errors]
    return JsonResponse({"error": _("Ugyldige parametre."), "fields": fields}, status=400, **JSON)


def not_found(message=None):
    """404 with a reason, as JSON."""
    return JsonResponse({"error": message or _("Findes ikke.")}, status=404, **JSON)


def search_forms(params):
    """(form, filterset) for search parameters, validated as the search page does."""
    form, filterset = search_filters(params)
    if not (form.is_valid() and filterset.is_valid()):
        raise BadParameters(form, filterset.form)
    return form, filterset


def valid_filterset(filterset_class, params, queryset):
    """The bound filterset, or BadParameters with its 400."""
    filterset = filterset_class(params, queryset=queryset)
    if not filterset.is_valid():
        raise BadParameters(filterset.form)
    return filterset


def api_view(view):
    """GET only; bad parameters become their 400 response instead of an exception."""

    @require_GET
    @public_page
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameters as error:
            return error.response

    wrapper.__name__ = wrapper.__qualname__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


class ExportForm(forms.Form):
    delimiter = forms.ChoiceField(
        required=False,
        choices=[(name, name) for name in DELIMITERS],
        label=gettext_lazy("Skilletegn"),
    )


def export_delimiter(params):
    """The CSV delimiter asked for (semicolon unless told), checked like every parameter."""
    form = ExportForm(params)
    if not form.is_valid():
        raise BadParameters(form)
    return DELIMITERS[form.cleaned_data["delimiter"] or "semicolon"]
