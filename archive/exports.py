"""Exports of search results and meeting lists as CSV and JSON, streamed and capped.

The rows are those the search page and the meeting list show, in the same order, taken
from the same filters: an export is every page of the list at once, up to EXPORT_LIMIT.
CSV is UTF-8 with a byte-order mark and semicolons, which Danish Excel opens as columns.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone

from archive import limits
from archive.api.params import (
    MeetingApiFilter,
    api_view,
    export_delimiter,
    search_forms,
    valid_filterset,
)
from archive.api.serializers import OUTCOMES, item_json, meeting_json
from archive.filters import clean_params
from archive.public import current_source, listed_meetings
from archive.search.query import Query, clean_query, sort_for

# Excel keeps at most 32,767 characters in a cell.
CELL_LIMIT = 32_000
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ITEM_COLUMNS = [
    "id",
    "web",
    "municipality",
    "committee",
    "date",
    "number",
    "position",
    "title",
    "case_number",
    "outcome",
    "outcome_label",
    "decision",
    "meeting_id",
]
MEETING_COLUMNS = [
    "id",
    "web",
    "municipality",
    "committee",
    "date",
    "start_time",
    "kind",
    "location",
    "item_count",
    "source_sha256",
    "created",
    "modified",
]


def search_items(items, params):
    """The ordered QuerySet that `run_search` pages through for these cleaned parameters.

    Same cleaning, same default sort and the same QuerySet methods as run_search, so the
    export holds exactly the search's pages one after another.
    """
    text = clean_query(params.get("q") or "")
    query = Query.prepare(text) if text else None
    if query is not None and query.empty:
        return items.none()
    if query is not None:
        items = items.search(query, params.get("scope") or "all")
    else:
        items = items.unranked()
    return items.ordered(sort_for(text, params))


def excel_safe(value) -> str:
    """A cell's text: formulas defused with a leading apostrophe, length within Excel's."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_response(rows, columns, delimiter, filename, count, truncated):
    """A streamed CSV download of the rows, with the export headers."""

    def stream():
        writer = csv.writer(_Echo(), delimiter=delimiter)
        yield "\ufeff" + writer.writerow(columns)
        for row in rows:
            yield writer.writerow([excel_safe(row.get(column)) for column in columns])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    return with_headers(response, filename + ".csv", count, truncated)


def json_response(rows, meta, filename, count, truncated):
    """{"count", "truncated", "limit", ..., "results": [...]}, written one row at a time."""

    def stream():
        head = json.dumps(meta | {"count": count, "truncated": truncated}, cls=DjangoJSONEncoder)
        yield head[:-1] + ', "results": ['
        for index, row in enumerate(rows):
            yield ("," if index else "") + "\n" + dump(row)
        yield "\n]}\n"

    response = StreamingHttpResponse(stream(), content_type="application/json; charset=utf-8")
    return with_headers(response, filename + ".json", count, truncated)


def dump(value):
    """One value as JSON, Danish letters kept."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def with_headers(response, filename, count, truncated):
    """Name the download and say how many rows it holds and whether it was cut."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Total-Count"] = str(count)
    response["X-Export-Truncated"] = "true" if truncated else "false"
    response["X-Export-Limit"] = str(limits.EXPORT_LIMIT)
    return response


def capped(queryset):
    """(rows to export as an iterator, how many there are up to the cap, whether cut off)."""
    limit = limits.EXPORT_LIMIT
    count = queryset.order_by()[: limit + 1].count()
    rows = queryset[:limit].iterator(chunk_size=500)
    return rows, min(count, limit), count > limit


def filename(kind):
    """The download name, with the time of the export."""
    return f"referatarkiv-{kind}-{timezone.localtime():%Y%m%d-%H%M}"


def _meta(request, params):
    return {
        "source": request.build_absolute_uri(request.get_full_path()),
        "generated": timezone.now(),
        "limit": limits.EXPORT_LIMIT,
        "parameters": {key: value for key, value in params.items() if value},
    }


# --- Search results ------------------------------------------------------------------------


def item_row(request, item):
    """A search hit as a CSV row."""
    return {
        "id": f"{item.meeting_id}-{item.position}",
        "web": request.build_absolute_uri(item.get_absolute_url()),
        "municipality": item.municipality.name,
        "committee": item.committee.name,
        "date": item.meeting_date.isoformat(),
        "number": item.number,
        "position": item.position,
        "title": item.title,
        "case_number": item.case_number,
        "outcome": item.outcome,
        "outcome_label": str(OUTCOMES.get(item.outcome, item.outcome)),
        "decision": item.decision,
        "meeting_id": item.meeting_id,
    }


def _search_export(request, params):
    form, filterset = search_forms(params)
    queryset = search_items(filterset.qs, form.cleaned_data).select_related(
        "meeting", "committee", "municipality"
    )
    rows, count, truncated = capped(
        queryset.annotate(source_sha256=current_source("sha256", "meeting_id"))
    )
    return params, rows, count, truncated


@api_view
def search_csv(request):
    """The search results as CSV."""
    params = clean_params(request.GET)
    delimiter = export_delimiter(params)
    params, rows, count, truncated = _search_export(request, params)
    rows = (item_row(request, item) for item in rows)
    return csv_response(rows, ITEM_COLUMNS, delimiter, filename("soegning"), count, truncated)


@api_view
def search_json(request):
    """The search results as JSON, full items."""
    params, rows, count, truncated = _search_export(request, clean_params(request.GET))
    rows = (item_json(request, item) for item in rows)
    meta = _meta(request, params)
    return json_response(rows, meta, filename("soegning"), count, truncated)


# --- Meeting lists -------------------------------------------------------------------------


def meeting_row(request, meeting):
    """A meeting as a CSV row."""
    return {
        "id": meeting.pk,
        "web": request.build_absolute_uri(meeting.get_absolute_url()),
        "municipality": meeting.committee.municipality.name,
        "committee": meeting.committee.name,
        "date": meeting.date.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "kind": meeting.kind,
        "location": meeting.location,
        "item_count": meeting.item_count,
        "source_sha256": meeting.source_sha256 or "",
        "created": timezone.localtime(meeting.created).isoformat(timespec="seconds"),
        "modified": timezone.localtime(meeting.modified).isoformat(timespec="seconds"),
    }


def _meeting_export(request, params):
    filterset = valid_filterset(MeetingApiFilter, params, listed_meetings())
    return (params, *capped(filterset.qs))


@api_view
def meetings_csv(request):
    """The meeting list as CSV."""
    params = clean_params(request.GET)
    delimiter = export_delimiter(params)
    params, rows, count, truncated = _meeting_export(request, params)
    rows = (meeting_row(request, meeting) for meeting in rows)
    return csv_response(rows, MEETING_COLUMNS, delimiter, filename("moeder"), count, truncated)


@api_view
def meetings_json(request):
    """The meeting list as JSON, as the API gives its meetings."""
    params, rows, count, truncated = _meeting_export(request, clean_params(request.GET))
    rows = (meeting_json(request, meeting) for meeting in rows)
    meta = _meta(request, params)
    return json_response(rows, meta, filename("moeder"), count, truncated)
