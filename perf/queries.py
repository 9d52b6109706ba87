"""The benchmark's query mix: distinct queries per group, seeded, drawn from the corpus.

What a reader waits for is the first search for a word, so no query is timed twice and no
query string appears twice in a group (nor in any other group): every timed query is one
nobody made before. Each group also gets a few warm-up queries of the same kind, run
before any timing and never timed, so buffers and code paths are warm without warming the
rows the timed queries read.

Words come from the vocabulary table by how many items match them (the bands), phrases
and word combinations from the seed paragraphs the corpus is made of (so they occur in
it), compounds from the parts the generator joins, journal numbers from the items.
"""

import random
from dataclasses import dataclass, field

from django.db import connection, transaction

from archive.models import AgendaItem, Committee, Meeting, Municipality, Outcome, Term
from perf.corpus import COMPOUNDS, FIRST_YEAR, YEARS, load_seeds

# Groups by how many items a query matches, as a share of the corpus (the bands
# at one million items: rare < 100, mid < 10k, common < 300k, very common above).
BANDS = [("rare", 0, 1e-4), ("mid", 1e-4, 1e-2), ("common", 1e-2, 0.3), ("very common", 0.3, 1)]
GROUPS = [
    "rare",
    "mid",
    "common",
    "very common",
    "phrase",
    "negation",
    "two words",
    "three words",
    "compound",
    "identifier",
    "filters (text)",
    "filters (no text)",
    "browse (facets)",
    "page 2",
    "page 20",
]


@dataclass
class Case:
    group: str
    params: dict
    fts: str | None = None  # the same text query in FTS5 syntax; None: no text
    matches: int | None = None  # items the plain tsquery matches (word groups)
    found: dict = field(default_factory=dict)  # what each path reported

    @property
    def key(self) -> str:
        return repr(sorted(self.params.items()))


@dataclass
class Mix:
    """Timed and warm-up cases, each list in group order."""

    timed: list[Case]
    warmup: list[Case]


def quoted(*words) -> str:
    """FTS5: each word as a token, all required."""
    return " ".join(f'"{w}"' for w in words)


class Picker:
    """Draws distinct queries: a query string is used once in the whole mix."""

    def __init__(self, seed: int, per_group: int, warm: int):
        self.rng = random.Random(f"queries:{seed}")
        self.seed = seed
        self.per_group, self.warm = per_group, warm
        self.used: set[str] = set()
        self.timed: list[Case] = []
        self.warmup: list[Case] = []

    def add(self, cases: list[Case]) -> list[Case]:
        """Split a group's distinct cases into warm-up and timed ones; returns the
        distinct cases left over (for other groups)."""
        fresh, seen = [], set()
        for case in cases:
            if case.key not in self.used and case.key not in seen:
                seen.add(case.key)
                fresh.append(case)
        taken = fresh[: self.wanted]
        self.used.update(c.key for c in taken)
        self.warmup += taken[: self.warm]
        self.timed += taken[self.warm :]
        return fresh[self.wanted :]

    @property
    def wanted(self) -> int:
        return self.per_group + self.warm


def match_count(word: str) -> int:
    """How many items the plain word matches (no statement timeout: this is setup)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            "SELECT count(*) FROM archive_agendaitem "
            "WHERE search_vector @@ plainto_tsquery('danish', %s)",
            [word],
        )
        return cursor.fetchone()[0]


def band_words(seed: int, total: int, low: float, high: float, n: int) -> list[tuple[str, int]]:
    """Up to n words (with their match counts) whose matches are in the band."""
    candidates = (
        Term.objects.filter(
            frequency__gte=max(1, int(low * total)),
            frequency__lt=max(2, int(high * total) + 1),
            word__regex=r"^[a-zæøå]{5,}$",
        )
        .extra(select={"h": "md5(word || %s)"}, select_params=[str(seed)])  # noqa: S610
        .order_by("h")
        .values_list("word", flat=True)[: n * 2]
    )
    found = []
    for word in candidates:
        count = match_count(word)
        if count and low * total <= count < max(high * total, 1) + (1 if high == 1 else 0):
            found.append((word, count))
        if len(found) >= n:
            break
    return found


def build_mix(seed: int, total: int, per_group: int = 20, warm: int = 3) -> Mix:
    """The seeded query mix for the corpus in the database."""
    picker = Picker(seed, per_group, warm)
    rng = picker.rng
    seeds = load_seeds(seed)
    reserve = {}
    for group, low, high in BANDS:
        # Extra common and mid words for the filter and page groups.
        extra = {"common": 4, "mid": 3}.get(group, 1)
        words = band_words(seed, total, low, high, picker.wanted * extra)
        reserve[group] = picker.add([Case(group, {"q": w}, quoted(w), n) for w, n in words])
    paragraphs = [p.words for pool in seeds.sections.values() for p in pool]
    picker.add(phrase_cases(rng, paragraphs, picker.wanted * 3))
    picker.add(combination_cases(rng, paragraphs, "negation", picker.wanted * 3))
    picker.add(combination_cases(rng, paragraphs, "two words", picker.wanted * 3))
    picker.add(combination_cases(rng, paragraphs, "three words", picker.wanted * 3))
    picker.add(compound_cases(rng, seeds.zipf_words[:-COMPOUNDS], picker.wanted * 3))
    picker.add(identifier_cases(seed, picker.wanted * 2))
    years = meeting_years()
    spare = [c.params["q"] for c in reserve["mid"] + reserve["common"]][: picker.wanted * 2]
    rng.shuffle(spare)
    picker.add(filter_cases(rng, spare, picker.wanted * 2, years))
    picker.add(filter_cases(rng, [None] * picker.wanted * 3, picker.wanted * 3, years))
    picker.add(browse_cases(rng, picker.wanted * 3, warm, years))
    pages = [c.params["q"] for c in reserve["common"] + reserve["very common"]]
    pages = [w for w in pages if w not in spare]
    for page, words in ((2, pages[0::2]), (20, pages[1::2])):
        picker.add([Case(f"page {page}", {"q": w, "page": page}, quoted(w)) for w in words])
    return Mix(picker.timed, picker.warmup)


def _words(paragraph) -> list[str]:
    return [w.lower() for w in paragraph if w.isalpha() and len(w) >= 3]


def phrase_cases(rng, paragraphs, n) -> list[Case]:
    """Two- and three-word phrases as they stand in the seed paragraphs."""
    cases = []
    for _ in range(n * 4):
        words = [w for w in rng.choice(paragraphs) if w]
        size = rng.choice((2, 2, 3))
        if len(words) <= size:
            continue
        start = rng.randrange(len(words) - size)
        run = words[start : start + size]
        if all(w.isalpha() for w in run) and len(run[0]) >= 3 and len(run[-1]) >= 3:
            text = " ".join(w.lower() for w in run)
            cases.append(Case("phrase", {"q": f'"{text}"'}, f'"{text}"'))
        if len(cases) >= n:
            break
    return cases


def combination_cases(rng, paragraphs, group, n) -> list[Case]:
    """Words that occur together in a paragraph (two or three), or one without another."""
    cases = []
    for _ in range(n * 4):
        words = sorted({w for w in _words(rng.choice(paragraphs)) if len(w) >= 5})
        if len(words) < 3:
            continue
        if group == "negation":
            word = rng.choice(words)
            other = rng.choice(_words(rng.choice(paragraphs)) or ["xyz"])
            if other == word or len(other) < 5:
                continue
            cases.append(Case(group, {"q": f"{word} -{other}"}, f'"{word}" NOT "{other}"'))
        else:
            picked = rng.sample(words, 2 if group == "two words" else 3)
            cases.append(Case(group, {"q": " ".join(picked)}, quoted(*picked)))
        if len(cases) >= n:
            break
    return cases


def compound_cases(rng, ordered_words, n) -> list[Case]:
    """Words the corpus also uses as parts of compounds (`trafik` → `trafikplan`)."""
    heads = [w for w in ordered_words if len(w) >= 5 and w.isalpha()][:1500]
    return [Case("compound", {"q": w}, quoted(w)) for w in rng.sample(heads, min(n, len(heads)))]


def identifier_cases(seed, n) -> list[Case]:
    """Journal numbers as printed, normalised, and KLE subject prefixes."""
    rows = list(
        AgendaItem.objects.exclude(case_number_normalized="")
        .extra(select={"h": "md5(id::text || %s)"}, select_params=[str(seed)])  # noqa: S610
        .filter(id__lt=200_000)
        .order_by("h")
        .values_list("case_number", "case_number_normalized")[:n]
    )
    cases = []
    for i, (printed, normalized) in enumerate(rows):
        number = [normalized, printed, normalized.split("-")[0]][i % 3]
        cases.append(Case("identifier", {"q": number}, fts_identifier(number)))
    return cases


def fts_identifier(number: str) -> str:
    """The FTS5 query for a journal number (a phrase of its parts)."""
    tokens = number.replace(".", " ").replace("-", " ").lower().split()
    return 'case_number : "' + " ".join(tokens) + '"'


def meeting_years() -> list[int]:
    """The years that have meetings (a small corpus has only some of the 15)."""
    years = [d.year for d in Meeting.objects.dates("date", "year")]
    return years or list(range(FIRST_YEAR, FIRST_YEAR + YEARS))


def _random_filter(rng, municipalities, committees, years) -> dict:
    kind = rng.randrange(5)
    year = rng.choice(years)
    if kind == 0:
        return {"municipality": rng.choice(municipalities)}
    if kind == 1:
        return {"committee": str(rng.choice(committees))}
    if kind == 2:
        return {"date_from": f"{year}-01-01", "date_to": f"{min(year + 1, 2025)}-12-31"}
    if kind == 3:
        return {"municipality": rng.choice(municipalities), "date_from": f"{year}-01-01"}
    return {"committee": str(rng.choice(committees)), "date_to": f"{year}-06-30"}


def filter_cases(rng, words, n, years) -> list[Case]:
    """Filters (municipality, committee, dates) with a word, or without (word None)."""
    municipalities = list(Municipality.objects.values_list("slug", flat=True))
    committees = list(Committee.objects.values_list("id", flat=True))
    if not municipalities:
        return []
    cases = []
    for word in words[:n]:
        params = _random_filter(rng, municipalities, committees, years)
        if word:
            cases.append(Case("filters (text)", {"q": word, **params}, quoted(word)))
        else:
            cases.append(Case("filters (no text)", params))
    return cases


def browse_cases(rng, n, warm, years) -> list[Case]:
    """No text, facet values only: what clicking the facets of an empty search gives. The
    first timed one is the empty search itself (all items)."""
    municipalities = list(Municipality.objects.values_list("slug", flat=True))
    committees = list(Committee.objects.values_list("id", flat=True))
    outcomes = [o for o in Outcome.values if o not in ("none", "withheld")]
    cases = []
    for _ in range(n * 2):
        year = str(rng.choice(years))
        params = [
            {"year": year},
            {"outcome": rng.choice(outcomes)},
            {"municipality": rng.choice(municipalities), "year": year},
            {"committee": str(rng.choice(committees)), "outcome": rng.choice(outcomes)},
            {"outcome": rng.choice(outcomes), "year": year},
        ][rng.randrange(5)]
        cases.append(Case("browse (facets)", params))
        if len(cases) >= n:
            break
    cases.insert(warm, Case("browse (facets)", {}))
    return cases
