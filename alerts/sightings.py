"""What is new in the archive: each item identity is recorded the first time it is seen.

An ingest (or a correction, a re-parse, publishing a meeting) saves the meeting; when that
transaction commits, the meeting's items are recorded here, and followers of a case among
the new items get their digest straight away. `catch_up` records what a crash between the
commit and that hook would have missed, dated by the meeting's own change time.
"""

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone

from alerts.keys import ItemFacts, item_keys
from alerts.models import Sighting
from archive.models import AgendaItem, Meeting

logger = logging.getLogger(__name__)

# Meetings changed this long ago are looked at again by `catch_up`: room for an ingest
# whose hook never ran, and for a worker that was stopped for a day.
CATCH_UP = datetime.timedelta(hours=48)

INSERT = """
INSERT INTO alerts_sighting (key, meeting_id, first_seen)
SELECT k, m, %s FROM unnest(%s::varchar[], %s::bigint[]) AS t(k, m)
ON CONFLICT (key) DO NOTHING
RETURNING key
"""


def current_items(meeting_ids) -> list[ItemFacts]:
    """The public items of these meetings as they are now, with what identifies them."""
    rows = (
        AgendaItem.objects.public()
        .filter(meeting_id__in=list(meeting_ids))
        .values_list(
            "id",
            "meeting_id",
            "committee_id",
            "meeting_date",
            "meeting__kind",
            "position",
            "title",
            "case_number_normalized",
        )
    )
    return [ItemFacts(r[0], r[1], r[2], r[3].isoformat(), *r[4:]) for r in rows]


def current_keys(meeting_ids) -> dict[int, str]:
    """{item id: identity key} for the public items of these meetings."""
    return item_keys(current_items(meeting_ids))


def record(meeting_ids, first_seen=None) -> dict[str, int]:
    """Record the items of these meetings not seen before; {new key: item id}.

    The table lock makes writers take turns, so ids become visible in the order they were
    handed out (readers are not blocked): a watermark on the id then never passes over a
    row that commits later.
    """
    items = current_items(meeting_ids)
    if not items:
        return {}
    meeting_of = {item.item_id: item.meeting_id for item in items}
    by_key = {key: item for item, key in item_keys(items).items()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE alerts_sighting IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            INSERT,
            [
                first_seen or timezone.now(),
                list(by_key),
                [meeting_of[item] for item in by_key.values()],
            ],
        )
        new = [row[0] for row in cursor.fetchall()]
    return {key: by_key[key] for key in new}


def catch_up(now=None) -> int:
    """Record the items of recently changed meetings that the ingest hook missed."""
    since = (now or timezone.now()) - CATCH_UP
    recorded = 0
    changed = Meeting.objects.filter(published=True, modified__gte=since)
    for meeting_id, modified in changed.values_list("id", "modified"):
        recorded += len(record([meeting_id], first_seen=modified))
    return recorded


def latest_id() -> int:
    """The watermark: the highest sighting id committed now."""
    return Sighting.objects.order_by("-id").values_list("id", flat=True).first() or 0
