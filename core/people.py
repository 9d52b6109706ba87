"""Who is who in the minutes: names as printed, matched into people. Pure Python, no Django.

Minutes name a member in several ways ("Peter Nielsen (A)", "peter  nielsen", "Peter
Nielsen" with the party in its own field). `name_key` says when two printings are the same
name; `cluster` decides, from every mention of one name in one municipality, how many
people that name stands for. It looks at the mentions as a set, never at the order they
arrived in: ingesting the same meetings in any order, or relinking everything at once,
gives the same people. The rule is explained in docs/people.md.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

# "Peter Nielsen (A)", "Peter Nielsen ( Ø )": a party letter (or a few) printed after a name.
PARTY_SUFFIX = re.compile(r"\s*\(\s*(?P<party>[^\W\d_]{1,4})\s*\)\s*$")
SPACE = re.compile(r"\s+")
# Two spells of one name under different parties are one person who changed party only if
# the second follows the first within this many days, on a committee both sat on.
PARTY_CHANGE_GAP = datetime.timedelta(days=366)


def split_party(printed: str) -> tuple[str, str]:
    """("Peter Nielsen", "A") from "Peter Nielsen (A)"; ("Peter Nielsen", "") without one."""
    text = SPACE.sub(" ", unicodedata.normalize("NFKC", printed or "")).strip()
    match = PARTY_SUFFIX.search(text)
    if match is None:
        return text, ""
    return text[: match.start()].strip(), clean_party(match["party"])


# Common abbreviations of national parties printed instead of their ballot letter. "S" is
# not among them: in Sønderjylland it is Slesvigsk Parti's own letter.
PARTY_ALIASES = {"SF": "F", "DF": "O", "RV": "B", "EL": "Ø", "LA": "I", "KF": "C", "KD": "K"}


def clean_party(party: str | None) -> str:
    """A party as its upper-case ballot letter: "(a)" -> "A", "SF" -> "F"; None -> ""."""
    text = SPACE.sub("", unicodedata.normalize("NFKC", party or "")).strip("()").upper()
    return PARTY_ALIASES.get(text, text)


def name_key(printed: str) -> str:
    """The name for matching: Unicode-normalised, whitespace collapsed, case folded, without
    a party suffix. Nothing else is folded: "Jensen" and "Jenssen" stay two names."""
    name, _ = split_party(printed)
    return name.casefold()


def has_letters(name: str) -> bool:
    return any(character.isalpha() for character in name)


@dataclass(frozen=True)
class Mention:
    """One name on one meeting's list of participants or absentees."""

    meeting: int
    date: datetime.date
    committee: int
    party: str  # "" when the source does not say


@dataclass
class Cluster:
    """The mentions taken to be one person."""

    mentions: set[Mention] = field(default_factory=set)

    @property
    def first(self) -> datetime.date:
        return min(m.date for m in self.mentions)

    @property
    def last(self) -> datetime.date:
        return max(m.date for m in self.mentions)

    @property
    def committees(self) -> set[int]:
        return {m.committee for m in self.mentions}

    def covers(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last

    def sort_key(self):
        return (self.first, self.last, min(m.meeting for m in self.mentions))


def cluster(mentions: set[Mention]) -> list[Cluster]:
    """The people one name stands for within one municipality, oldest first.

    Each party printed with the name is a person of its own, unless the data shows one
    person changing party: the spells do not overlap in time, the next begins within
    PARTY_CHANGE_GAP of the end of the last, and both include a common committee.
    Mentions without a party join the only person there is; when there are several, the
    one that sat on the same committee, or else the one whose time span covers the date,
    when exactly one does; otherwise they form a person of their own ("party unknown").
    """
    by_party: dict[str, set[Mention]] = {}
    for mention in mentions:
        by_party.setdefault(mention.party, set()).add(mention)
    unknown = by_party.pop("", set())
    people = _chain([Cluster(group) for group in by_party.values()])
    if not people:
        return [Cluster(unknown)] if unknown else []
    rest = set()
    for mention in unknown:
        home = _home(people, mention)
        if home is None:
            rest.add(mention)
        else:
            home.mentions.add(mention)
    if rest:
        people.append(Cluster(rest))
    return sorted(people, key=Cluster.sort_key)


def _chain(spells: list[Cluster]) -> list[Cluster]:
    """Merge party spells that follow each other into one person who changed party."""
    people: list[Cluster] = []
    for spell in sorted(spells, key=Cluster.sort_key):
        previous = people[-1] if people else None
        if previous is not None and _continues(previous, spell, people):
            previous.mentions |= spell.mentions
        else:
            people.append(spell)
    return people


def _continues(previous: Cluster, spell: Cluster, people: list[Cluster]) -> bool:
    # Any other person of this name still active when the spell begins makes it ambiguous.
    overlapping = [p for p in people if p.last >= spell.first]
    return (
        not overlapping
        and spell.first - previous.last <= PARTY_CHANGE_GAP
        and bool(previous.committees & spell.committees)
    )


def _home(people: list[Cluster], mention: Mention) -> Cluster | None:
    if len(people) == 1:
        return people[0]
    same_committee = [p for p in people if mention.committee in p.committees]
    if len(same_committee) == 1:
        return same_committee[0]
    covering = [p for p in same_committee or people if p.covers(mention.date)]
    return covering[0] if len(covering) == 1 else None
