"""One case, several committees: copies of an item shown as one hit with its path.

A case goes through several committees with the same title and case number (a fagudvalg,
then Økonomiudvalget, then the council; in Greve the same status report in all six
committees in one week). Those items are *copies*: the same municipality, case number and
title (letters and digits, any case), each in another committee, each treated within
MAX_GAP of the next. A standing item that recurs in one committee ("Godkendelse af
dagsorden", "Huskeliste", under one case number for years) is no copy of itself, and the
same case in the same committees a round later is a new hit.

The search shows the newest matching copy as the hit and lists the others under it
("også behandlet i …", `item.also`), so that copies do not fill the first page. `count`
stays the number of items; `hit_count` is the number of hits.
"""

import datetime
import re
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, OuterRef, Q, Value, When
from django.db.models.functions import JSONObject

from archive.links import by_number
from archive.models import AgendaItem

# Days between one committee's treatment of a case and the next one's: a round through the
# committees takes days to weeks, the next round of a recurring case comes months later.
MAX_GAP = datetime.timedelta(days=42)
# How far from a hit its copies are looked for, and how many at most.
SPAN = datetime.timedelta(days=183)
MAX_COPIES = 50
NOT_LETTERS = re.compile(r"[\W_]+")
# Up to this many matches the hits are counted (for the pages); past it only those needed
# for the page and the ranking window are picked out.
COUNT_ALL = 2_000


def title_key(title: str) -> str:
    """A title as copies share it: "Greve nord - Halvårsstatus" is "Greve Nord – Halvårs-status"."""
    return NOT_LETTERS.sub("", title.casefold())


class Copies:
    """Copies of cases, told apart entry by entry, newest first.

    Each entry joins the group of its case that lacks its committee and reaches nearest to
    it within MAX_GAP, else it starts a group: it is a hit.
    """

    def __init__(self):
        self.open = defaultdict(list)  # case key -> groups that may still grow

    def add(self, ref, case, committee, date) -> list:
        """The refs of the group the entry joins or starts (the hit's ref first)."""
        candidates = self.open[case]
        # Dates only go back in time: a group out of reach now stays out of reach.
        candidates[:] = [g for g in candidates if g["oldest"] - date <= MAX_GAP]
        fitting = [g for g in candidates if committee not in g["committees"]]
        if not fitting:
            candidates.append({"oldest": date, "committees": {committee}, "refs": [ref]})
            return candidates[-1]["refs"]
        group = min(fitting, key=lambda g: g["oldest"])
        group["oldest"] = date
        group["committees"].add(committee)
        group["refs"].append(ref)
        return group["refs"]


def chains(entries) -> list[list]:
    """Group entries (ref, case key or None, committee, date), given newest first, into
    copies of one case: each group newest first, the groups in the order of their newest.
    Entries without a case key stand alone."""
    groups, copies = [], Copies()
    for ref, case, committee, date in entries:
        group = [ref] if case is None else copies.add(ref, case, committee, date)
        if group[0] == ref:
            groups.append(group)
    return groups


def newest_copies(rows, wanted: int) -> tuple[list, int | None]:
    """The search's scanned rows (facets.ROW), newest first, without the older copies of
    each case (one row per hit), and the number of hits.

    A row is a hit or a copy once the newer rows are known, so with more than COUNT_ALL
    rows only the first `wanted` hits are picked out, and the hits are not counted (None).
    """
    counting = len(rows) <= COUNT_ALL
    shared = _shared_cases(rows) if counting else None
    if shared is not None and not shared:
        return rows, len(rows)
    hits, copies = [], Copies()
    for row in rows:
        if _is_hit(row, shared, copies):
            hits.append(row)
        if not counting and len(hits) >= wanted:
            break
    return hits, len(hits) if counting else None


def _is_hit(row, shared, copies) -> bool:
    """Whether the row is the newest copy of its case (or has no copies)."""
    if not row[7] or (shared is not None and (row[4], row[7]) not in shared):
        return True
    return copies.add(row, (row[4], row[7], title_key(row[8])), row[5], row[1])[0] is row


def _shared_cases(rows) -> set:
    """(municipality, case number) that more than one committee has: only those can have
    copies, so the titles of the others (most cases, and the standing items that recur in
    one committee) need not be compared."""
    committees = defaultdict(set)
    for row in rows:
        if row[7]:
            committees[row[4], row[7]].add(row[5])
    return {case for case, seen in committees.items() if len(seen) > 1}


def with_copies(items):
    """Annotate `case_copies`: the public items with the same case number near each item's
    date (all of them candidates; `attach` picks the copies). In the query that loads the
    page, so it costs no round trip; items without a case number look nothing up."""
    nearby = (
        AgendaItem.objects.public()
        .filter(
            municipality_id=OuterRef("municipality_id"),
            case_number_normalized=OuterRef("case_number_normalized"),
            meeting_date__gte=OuterRef("meeting_date") - SPAN,
            meeting_date__lte=OuterRef("meeting_date") + SPAN,
        )
        .order_by("-meeting_date", "-meeting_id", "position")
        .values(
            json=JSONObject(
                id="id",
                committee_id="committee_id",
                committee="committee__name",
                date="meeting_date",
                number="number",
                meeting="meeting_id",
                position="position",
                title="title",
            )
        )[:MAX_COPIES]
    )
    return items.annotate(
        case_copies=Case(
            When(~Q(case_number_normalized=""), then=ArraySubquery(nearby)),
            default=Value(None),
        )
    )


def attach(page_items) -> list:
    """Give each item of the page `also` (its copies, oldest first, as dicts with id,
    committee_id, committee (the name), date, number, meeting, position, title and url)
    and drop the items that are a copy of one higher up on the page. Items loaded without
    `with_copies` get an empty `also`."""
    shown, seen = [], set()
    for item in page_items:
        item.also = _copies(item)
        if item.pk in seen:
            continue
        seen.update(copy["id"] for copy in item.also)
        shown.append(item)
    return shown


def _copies(item) -> list[dict]:
    candidates = [c for c in getattr(item, "case_copies", None) or [] if c["id"] != item.pk]
    if not candidates:
        return []
    key = title_key(item.title)
    same = [c | {"date": datetime.date.fromisoformat(c["date"])} for c in candidates]
    same = [c for c in same if title_key(c["title"]) == key]
    me = {"id": item.pk, "committee_id": item.committee_id, "date": item.meeting_date}
    everyone = sorted([me, *same], key=lambda c: c["date"], reverse=True)
    groups = chains((c["id"], key, c["committee_id"], c["date"]) for c in everyone)
    group = next(g for g in groups if item.pk in g)
    by_id = {c["id"]: c for c in same}
    also = [by_id[pk] for pk in reversed(group) if pk != item.pk]
    for copy in also:
        copy["url"] = by_number("archive:item", copy["meeting"], copy["position"])
    return also
