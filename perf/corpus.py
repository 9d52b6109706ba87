"""A deterministic synthetic corpus of Danish minutes, built from the five seeds.

Every agenda item is assembled from the seeds' own titles, paragraphs, recommendations and
decisions, so the text reads like the real thing and keeps its natural word frequencies.
A few words per paragraph are swapped for words drawn from a Zipf distribution over the
seed vocabulary plus compounds made from it: that gives the long tail of rare words a
national archive has (a word found in 20 items out of a million) without inventing a
language. Items are 1–20 KB (log-normal, median about 2 KB), spread over the 98
municipalities, 10 committees each and 15 years, with KLE journal numbers, outcomes and
closed items in realistic proportions.

Loading it into the database is perf/load.py.
"""

import bisect
import datetime
import itertools
import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from archive.search.vocabulary import WORD

MUNICIPALITIES = """Albertslund Allerød Assens Ballerup Billund Bornholms Brøndby Brønderslev
Dragør Egedal Esbjerg Fanø Favrskov Faxe Fredensborg Fredericia Frederiksberg Frederikshavn
Frederikssund Furesø Faaborg-Midtfyn Gentofte Gladsaxe Glostrup Greve Gribskov Guldborgsund
Haderslev Halsnæs Hedensted Helsingør Herlev Herning Hillerød Hjørring Holbæk Holstebro
Horsens Hvidovre Høje-Taastrup Hørsholm Ikast-Brande Ishøj Jammerbugt Kalundborg Kerteminde
Kolding København Køge Langeland Lejre Lemvig Lolland Lyngby-Taarbæk Læsø Mariagerfjord
Middelfart Morsø Norddjurs Nordfyns Nyborg Næstved Odder Odense Odsherred Randers Rebild
Ringkøbing-Skjern Ringsted Roskilde Rudersdal Rødovre Samsø Silkeborg Skanderborg Skive Slagelse
Solrød Sorø Stevns Struer Svendborg Syddjurs Sønderborg Thisted Tønder Tårnby Vallensbæk Varde
Vejen Vejle Vesthimmerlands Viborg Vordingborg Ærø Aabenraa Aalborg Aarhus""".split()  # noqa: SIM905
COMMITTEES = [
    "Økonomiudvalget",
    "Børne- og Skoleudvalget",
    "Beskæftigelsesudvalget",
    "Social- og Sundhedsudvalget",
    "Teknik- og Miljøudvalget",
    "Kultur- og Fritidsudvalget",
    "Plan- og Boligudvalget",
    "Klima- og Naturudvalget",
    "Ældreudvalget",
    "Erhvervs- og Turismeudvalget",
    "Handicap- og Psykiatriudvalget",
    "Integrationsudvalget",
    "Trafik- og Vejudvalget",
]
COMMITTEES_PER_MUNICIPALITY = 10
FIRST_YEAR, YEARS = 2011, 15
SECTIONS = ("summary", "case_text", "recommendation", "economy", "legal_basis")
KLE_FACETS = ["A00", "A21", "G01", "P19", "P20", "P21", "P22", "S00", "K01", "Ø00"]
CLOSED_TITLES = [
    "Lukket punkt",
    "Meddelelser - Lukket møde",
    "Personsag",
    "Køb af ejendom",
    "Salg af grund",
    "Licitationsresultat",
    "Klagesag",
    "Eventuelt",
]
CLOSED_SHARE = 0.05
MIN_BYTES, MAX_BYTES, MEDIAN_BYTES = 1000, 20000, 2000
# Compound words made from the seed vocabulary; with the seed words they are the Zipf tail.
COMPOUNDS = 400_000
ZIPF_EXPONENT = 1.05
SWAPS_PER_PARAGRAPH = (1, 3)

_ITEM_COLUMNS = (
    "id meeting_id municipality_id committee_id meeting_date position number title closed "
    "case_number case_number_normalized kle_subject kle_facet kle_serial kle_year case_workers "
    "summary case_text recommendation decision economy legal_basis decision_authority "
    'other_sections attachments outcome decision_parts "references"'
)
ITEM_COLUMNS = _ITEM_COLUMNS.split()


@dataclass
class Paragraph:
    words: list[str]
    swappable: list[int]
    vocabulary: frozenset


@dataclass
class Seeds:
    """What the generator draws from: pools per section, decisions with outcomes, words."""

    titles: list[str] = field(default_factory=list)
    sections: dict = field(default_factory=dict)
    decisions: list[tuple[str, str]] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    zipf_words: list[str] = field(default_factory=list)
    zipf_cum: list[float] = field(default_factory=list)


def load_seeds(seed: int) -> Seeds:
    """Parse the five sample minutes with the real parser and build the pools."""
    from ingest.pipeline import parse_document

    seeds = Seeds(sections={name: [] for name in SECTIONS})
    counts = Counter()
    for path in sorted((Path(settings.BASE_DIR) / "samples").glob("*.txt")):
        meeting = parse_document(path.read_bytes(), source=path.name).meeting
        for item in meeting.items:
            if item.closed:
                continue
            seeds.titles.append(item.title)
            if item.decision:
                seeds.decisions.append((item.decision, item.outcome))
            if item.case_number and item.case_number.subject:
                seeds.subjects.append(item.case_number.subject)
            seeds.attachments += item.attachments
            for name in SECTIONS:
                for text in re.split(r"\n\s*\n", item.sections.get(name, "")):
                    if len(text) > 40:
                        seeds.sections[name].append(_paragraph(text))
            if item.sections.get("decision_authority"):
                seeds.authorities.append(item.sections["decision_authority"])
            text = "\n".join([item.title, item.decision, *item.sections.values()])
            counts.update(w for w in WORD.findall(text.lower()) if 2 < len(w) <= 100)
    _zipf(seeds, counts, random.Random(seed))
    return seeds


def _paragraph(text: str) -> Paragraph:
    words = text.split(" ")
    swappable = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
    vocabulary = frozenset(w for w in WORD.findall(text.lower()) if 2 < len(w) <= 100)
    return Paragraph(words, swappable, vocabulary)


def _zipf(seeds: Seeds, counts: Counter, rng: random.Random):
    """Seed words by frequency, then compounds of them: the ranks of a Zipf distribution."""
    ordered = [w for w, _ in counts.most_common()]
    parts = [w for w in ordered if len(w) >= 4]
    heads, tails = parts[:1500], parts[:2500]
    known, compounds = set(ordered), []
    while len(compounds) < COMPOUNDS:
        head, tail = rng.choice(heads), rng.choice(tails)
        word = head + ("s" if rng.random() < 0.4 and head[-1] not in "se" else "") + tail
        if word not in known and len(word) <= 40:
            known.add(word)
            compounds.append(word)
    seeds.zipf_words = ordered + compounds
    weights = (1 / (rank + 2) ** ZIPF_EXPONENT for rank in range(len(seeds.zipf_words)))
    seeds.zipf_cum = list(itertools.accumulate(weights))


@dataclass
class Plan:
    """Municipalities, committees and meetings: small, made in the main process."""

    municipalities: list[tuple[int, str, str]]
    committees: list[tuple[int, int, str, str]]
    meetings: list[
        tuple[int, int, int, datetime.date, int, int]
    ]  # id, committee, muni, date, n, first


def make_plan(items: int, seed: int) -> Plan:
    """The municipalities, committees and meetings of a corpus of `items` items."""
    from ingest.store import danish_slug

    rng = random.Random(f"plan:{seed}")
    municipalities = [
        (i + 1, f"{name} Kommune", danish_slug(name)) for i, name in enumerate(MUNICIPALITIES)
    ]
    committees = []
    for mid, _, _ in municipalities:
        names = ["Byrådet", *rng.sample(COMMITTEES, COMMITTEES_PER_MUNICIPALITY - 1)]
        for name in names:
            committees.append((len(committees) + 1, mid, name, danish_slug(name)))
    rng.shuffle(committees)
    sizes, total = [], 0
    while total < items:
        n = min(rng.randint(6, 24), items - total)
        sizes.append(n)
        total += n
    per_committee = math.ceil(len(sizes) / len(committees))
    span = YEARS * 365 - 5
    meetings, first = [], 1
    for i, n in enumerate(sizes):
        cid, mid, _, _ = committees[i % len(committees)]
        k = i // len(committees)
        step = span / per_committee
        day = int(k * step) + rng.randint(0, max(0, min(3, int(step) - 1)))
        date = datetime.date(FIRST_YEAR, 1, 3) + datetime.timedelta(days=day)
        meetings.append((i + 1, cid, mid, date, n, first))
        first += n
    return Plan(municipalities, committees, meetings)


class ItemMaker:
    """Makes the rows of one chunk of meetings; deterministic from (seed, chunk)."""

    def __init__(self, seeds: Seeds, seed: int, chunk: int):
        self.seeds = seeds
        self.rng = random.Random(f"{seed}:{chunk}")
        self.vocabulary = Counter()
        self.bytes = 0

    def zipf(self, k: int) -> list[str]:
        cum = self.seeds.zipf_cum
        total = cum[-1]
        return [
            self.seeds.zipf_words[bisect.bisect(cum, self.rng.random() * total)] for _ in range(k)
        ]

    def paragraph(self, pool, words_seen: set) -> str:
        p = self.rng.choice(pool)
        words_seen |= p.vocabulary
        if not p.swappable:
            return " ".join(p.words)
        words = list(p.words)
        swapped = self.zipf(self.rng.randint(*SWAPS_PER_PARAGRAPH))
        for word in swapped:
            words[self.rng.choice(p.swappable)] = word
        words_seen.update(swapped)
        return " ".join(words)

    def text(self, name: str, budget: int, words_seen: set, at_least: int = 1) -> str:
        pool = self.seeds.sections[name]
        parts, size = [], 0
        while size < budget or len(parts) < at_least:
            parts.append(self.paragraph(pool, words_seen))
            size += len(parts[-1]) + 2
        return "\n\n".join(parts)

    def row(self, item_id, meeting, position) -> tuple:
        rng, seeds = self.rng, self.seeds
        _, cid, mid, date, _, _ = meeting
        case = self.case_number(date)
        if rng.random() < CLOSED_SHARE:
            title = rng.choice(CLOSED_TITLES)
            self.vocabulary.update({w for w in WORD.findall(title.lower()) if len(w) > 2})
            return self._row(item_id, meeting, position, title, True, case, {}, "", "none", [])
        seen = set()
        target = min(
            MAX_BYTES, max(MIN_BYTES, int(rng.lognormvariate(math.log(MEDIAN_BYTES), 0.7)))
        )
        title = rng.choice(seeds.titles)
        if rng.random() < 0.5:
            title += " - " + self.zipf(1)[0]
        decision, outcome = rng.choice(seeds.decisions)
        texts = {
            "summary": self.text("summary", 0, seen) if rng.random() < 0.8 else "",
            "recommendation": self.text("recommendation", 0, seen),
            "economy": self.text("economy", 0, seen) if rng.random() < 0.3 else "",
            "legal_basis": self.text("legal_basis", 0, seen) if rng.random() < 0.2 else "",
        }
        used = sum(len(t) for t in texts.values()) + len(title) + len(decision)
        texts["case_text"] = self.text("case_text", target - used, seen)
        texts["decision_authority"] = (
            rng.choice(seeds.authorities) if seeds.authorities and rng.random() < 0.3 else ""
        )
        attachments = rng.sample(seeds.attachments, min(len(seeds.attachments), rng.randint(0, 3)))
        for extra in (title, decision, texts["decision_authority"], *attachments):
            seen.update(w for w in WORD.findall(extra.lower()) if 2 < len(w) <= 100)
        self.vocabulary.update(seen)
        return self._row(
            item_id, meeting, position, title, False, case, texts, decision, outcome, attachments
        )

    def _row(self, item_id, meeting, position, title, closed, case, texts, decision, outcome, att):
        meeting_id, cid, mid, date = meeting[:4]
        printed, normalized, subject, facet, serial, year = case
        row = (
            item_id, meeting_id, mid, cid, date, position, position, title, closed,
            printed, normalized, subject, facet, serial, year, "[]",
            texts.get("summary", ""), texts.get("case_text", ""),
            texts.get("recommendation", ""), decision, texts.get("economy", ""),
            texts.get("legal_basis", ""), texts.get("decision_authority", ""),
            "{}", json.dumps(att, ensure_ascii=False), outcome, "[]", "[]",
        )  # fmt: skip
        self.bytes += len(title) + len(decision) + sum(len(t) for t in texts.values())
        return row

    def case_number(self, date):
        rng = self.rng
        if self.seeds.subjects and rng.random() < 0.5:
            subject = rng.choice(self.seeds.subjects)
        else:
            group, topic = rng.randint(0, 85), rng.choice((0, 0, 1, 2, 5, 10))
            subject = f"{group:02d}.{topic:02d}.{rng.randint(0, 20):02d}"
        facet = rng.choice(KLE_FACETS)
        serial = min(int(rng.paretovariate(0.8)), 9999)
        year = date.year - (1 if rng.random() < 0.3 else 0)
        dash = "-" if rng.random() < 0.7 else ""
        printed = f"{subject}{dash}{facet}-{serial}-{year % 100:02d}"
        return printed, f"{subject}-{facet}-{serial}-{year % 100:02d}", subject, facet, serial, year
