"""An agenda item's identity across versions of its meeting (no Django).

Row ids do not survive a corrected version of the minutes: the store deletes the meeting's
items and writes new ones. Nor does the position: a correction that adds an item moves the
ones after it. What stays is what a reader would call "the same item": the same committee
and day, the same kind of document, the same case and the same title. An agenda item and
the minutes of that item are two things to tell a follower about (the minutes carry the
decision); a retyped title is a new item.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemFacts:
    """The columns an item's identity is made of."""

    item_id: int
    meeting_id: int
    committee_id: int
    meeting_date: str
    kind: str
    position: int
    title: str
    case_number: str


def normalise_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def item_keys(items: list[ItemFacts]) -> dict[int, str]:
    """{item id: key} for the items of one or more meetings.

    Two items of one meeting with the same case and title (rare: repeated headings like
    "Lukket punkt") are told apart by their order among those twins, not by position.
    """
    seen = Counter()
    keys = {}
    for item in sorted(items, key=lambda i: (i.committee_id, i.meeting_date, i.kind, i.position)):
        identity = (
            item.committee_id,
            item.meeting_date,
            item.kind,
            item.case_number,
            normalise_title(item.title),
        )
        seen[identity] += 1
        raw = "\x1f".join(str(part) for part in (*identity, seen[identity]))
        keys[item.item_id] = hashlib.sha256(raw.encode()).hexdigest()
    return keys
