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
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, OuterRef, Q, Value, When
from django.db.models.functions import JSONObject
from django.urls import reverse

from archive.models import AgendaItem

# Days between one committee's treatment of a case and the next one's: a round through the
# committees takes days to weeks, the next round of a recurring case comes months later.
MAX_GAP = datetime.timedelta(days=42)
# How far from a hit its copies are looked for, and how many at most.
SPAN = datetime.timedelta(days=183)
MAX_COPIES = 50


def title_key(title: str) -> str:
    """A title as copies share it: "Greve nord - Halvårsstatus" is "Greve Nord – Halvårs-status"."""
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def chains(entries) -> list[list]:
    """Group entries (ref, case key or None, committee, date), given newest first, into
    copies of one case; each group newest first, the groups in the order of their newest.

    Each entry joins the group of its case that lacks its committee and reaches nearest to
    it within MAX_GAP, else starts a group. Entries without a case key stand alone.
    """
    groups, open_by_case = [], defaultdict(list)
    for ref, case, committee, date in entries:
        candidates = open_by_case[case] if case is not None else []
        # Dates only go back in time: a group out of reach now stays out of reach.
        candidates[:] = [g for g in candidates if g["oldest"] - date <= MAX_GAP]
        fitting = [g for g in candidates if committee not in g["committees"]]
        if fitting:
            group = min(fitting, key=lambda g: g["oldest"])
            group["oldest"] = date
            group["committees"].add(committee)
            group["refs"].append(ref)
            continue
        group = {"oldest": date, "committees": {committee}, "refs": [ref]}
        groups.append(group)
        candidates.append(group)
    return [group["refs"] for group in groups]


def newest_copies(rows) -> list:
    """The search's scanned rows (facets.ROW), newest first, without the older copies of
    each case: one row per hit."""
    shared = defaultdict(int)
    for row in rows:
        if row[7]:
            shared[row[4], row[7]] += 1
    entries = (
        (row, (row[4], row[7], title_key(row[8])) if shared[row[4], row[7]] > 1 else None)
        for row in rows
    )
    groups = chains((row, case, row[5], row[1]) for row, case in entries)
    return [group[0] for group in groups]


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
                label="label",
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
    committee_id, committee (the name), date, number, label, meeting, position, title and
    url) and drop the items that are a copy of one higher up on the page. Items loaded
    without `with_copies` get an empty `also`."""
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
        copy["url"] = reverse("archive:item", args=[copy["meeting"], copy["position"]])
    return also
