"""Compound words: a search for "reform" also finds "beskæftigelsesreformen".

A word of the corpus counts as a compound of a lexeme when it splits into a head the corpus
uses as a word of its own and a tail that stems like such a word (with the linking letters
s/e between them), and one side is the lexeme. Danish compounds name a kind of their last
part: *trafiksikkerhed* is a kind of *sikkerhed* (`Compounds.kinds`), while *trafikplan* is
a plan (`Compounds.others`). Reads the Term table in plain SQL: the query layer under the
models uses it.

Not compounds of a word, though they split like one (false friends):
- a committee's name: *Plan- og Tryghedsudvalget* is no item about tryghed;
- a compound the corpus uses more often than the word itself, which has a meaning of its
  own: *kunstgræsbaner* (Greve: 25 items, *kunst* 17), *politik* for *politi*.

Known limit: a split that reads two ways still counts (*arbejdstøj* splits as arbejd|støj as
well as arbejds|tøj, both made of corpus words); such a word ranks below the word itself.
"""

from typing import NamedTuple

from archive import limits, versions
from archive.caching import cache_get, cache_set, key_for
from archive.reads import read_connection

# A part must be this long, the whole word at least twice that.
MIN_PART = 4
LINKING = ("s", "e")
# How many corpus words containing a term are examined for compounds, most frequent first.
CANDIDATES = 300
COMMITTEE = "udvalg"


class Compounds(NamedTuple):
    """Stems of the compounds of a lexeme: `kinds` end in it, `others` begin with it."""

    kinds: list
    others: list

    @property
    def all(self) -> list:
        """Every compound, kinds first."""
        return self.kinds + self.others


def compound_expansions(
    lexeme: str,
    word: str = "",
    limit: int = 40,
    version: int | None = None,
    items: int | None = None,
) -> Compounds:
    """Stems of corpus words that contain the lexeme as one part of a compound.

    "reform" -> beskæftigelsesreformen, "udslusning" -> udslusningsboliger; "reform" does
    not expand to "reformulere". Frequent words first.

    Danish stems can be short ("bolig" -> "bol"); then the typed `word` finds candidates.
    A lexeme that by itself is in more items than a search counts (COUNT_CAP) is not
    widened: its compounds would rank after every exact match and change nothing shown,
    while each extra term makes the index lookup of a very common word slower (50 ms
    instead of 9 ms for "kommune" at 100,000 items).

    `items`: in how many items the lexeme's most frequent word occurs, when the caller
    has read it already (`vocabulary.Typed.items`); otherwise it is looked up.

    Results are cached under the content version: the vocabulary changes only when
    minutes are ingested.
    """
    version = versions.current() if version is None else version
    key = key_for("compounds", version, lexeme, word, limit)
    found = cache_get(key)
    if found is None:
        found = _compound_expansions(lexeme, word, limit, items)
        cache_set(key, found)
    return found


def _compound_expansions(lexeme, word, limit, items) -> Compounds:
    found = Compounds([], [])
    own = (_most_frequent(lexeme) if items is None else items) or 0
    if own > limits.COUNT_CAP:
        return found
    needle = lexeme if len(lexeme) >= MIN_PART else word[: max(MIN_PART, len(lexeme))]
    if len(needle) < MIN_PART:
        return found
    rows = _containing(needle, lexeme)
    # The head of a compound is the term's base form: the stem plus at most a few letters
    # ("hjemløs" -> "hjemløse|indsats"), or the word as typed.
    heads_at = {len(needle) + extra for extra in range(4)} | {len(word)}
    splits = {w: _splits_around(w, needle, heads_at) for w, _, _ in rows}
    known, tail_stems = _parts(
        {head for pairs in splits.values() for head, _ in pairs},
        {tail for pairs in splits.values() for _, tail in pairs},
    )
    uses = {}
    for _, stem, frequency in rows:
        uses[stem] = max(uses.get(stem, 0), frequency)
    for candidate, stem, _ in rows:
        if stem in found.all or (COMMITTEE in stem and COMMITTEE not in lexeme):
            continue
        for head, tail in splits[candidate]:
            parts = (known.get(head), tail_stems.get(tail))
            if None in parts or lexeme not in parts:
                continue
            if parts[1] == lexeme:
                found.kinds.append(stem)
            elif uses[stem] <= own or len(stem) < len(needle) + MIN_PART:
                # Not more common than the word, or no second part of its own: "indsatsen"
                # (stem "indsats") next to "indsats" (stem "indsat") is the word inflected.
                found.others.append(stem)
            break
        if len(found.all) >= limit:
            break
    return found


def _most_frequent(stem: str) -> int | None:
    """In how many items the most frequent word with this stem occurs."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT max(frequency) FROM archive_term WHERE stem = %s", [stem])
        return cursor.fetchone()[0]


def _containing(needle: str, lexeme: str) -> list[tuple[str, str, int]]:
    """(word, stem, items) of the most frequent corpus words containing the needle, other
    than the lexeme's own forms."""
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT word, stem, frequency FROM archive_term WHERE word LIKE %s AND stem <> %s "
            "ORDER BY frequency DESC, word LIMIT %s",
            [pattern, lexeme, CANDIDATES],
        )
        return cursor.fetchall()


def _splits_around(word: str, needle: str, heads_at: set[int]) -> list[tuple[str, str]]:
    """(head, tail) pairs where the needle starts the tail, or is the head itself."""
    pairs = []
    at = word.find(needle, 1)
    while at > 0:
        head = word[:at]
        pairs.append((head, word[at:]))
        if head[-1] in LINKING:
            pairs.append((head[:-1], word[at:]))
        at = word.find(needle, at + 1)
    if word.startswith(needle):
        for cut in heads_at:
            if cut < len(word):
                pairs.append((word[:cut], word[cut:]))
                if word[cut] in LINKING:
                    pairs.append((word[:cut], word[cut + 1 :]))
    return [(h, t) for h, t in pairs if len(h) >= MIN_PART and len(t) >= MIN_PART]


def _parts(heads: set[str], tails: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """({head: stem} of the heads that are words of the corpus, {tail: stem} of the tails
    that stem like a word the corpus uses on its own), in one round trip."""
    if not heads and not tails:
        return {}, {}
    with read_connection().cursor() as cursor:
        cursor.execute(
            """
            SELECT true, word, stem FROM archive_term WHERE word = ANY(%s) AND stem <> ''
            UNION ALL
            SELECT false, c, s FROM (
                SELECT c, (ts_lexize('danish_stem', c))[1] AS s FROM unnest(%s::text[]) AS c
            ) AS x
            WHERE s <> '' AND EXISTS (SELECT 1 FROM archive_term t WHERE t.stem = x.s)
            """,
            [sorted(heads), sorted(tails)],
        )
        rows = cursor.fetchall()
    known = {word: stem for is_head, word, stem in rows if is_head}
    return known, {tail: stem for is_head, tail, stem in rows if not is_head}
