"""A query log for the load test: distinct searches ranked by popularity, drawn by Zipf's law.

Real search traffic is a few queries asked very often and a long tail asked once: the
frequency of the query of rank r falls as 1 / r**s, with s near 1 in published web and
site-search logs. Drawing from such a log lets the caches help exactly as much as they
would in service, neither more (the same handful of words over and over) nor less (every
search new). The log is built from the archive's own vocabulary, so every query finds
something; its order is shuffled by the seed, so popular queries are not simply the
commonest words (a reader's favourite topic is often a rarer one).
"""

import itertools
import random
from dataclasses import dataclass
from urllib.parse import urlencode

# The published range for query logs is about 0.7-1.1; 1.0 is the classic law.
ZIPF_S = 1.0


@dataclass(frozen=True)
class Query:
    """One distinct search a reader might make: the words and an optional municipality."""

    q: str
    municipality: str = ""

    def params(self) -> dict:
        params = {"q": self.q}
        if self.municipality:
            params["municipality"] = self.municipality
        return params

    def html_path(self) -> str:
        return "/soeg/?" + urlencode(self.params())

    def api_path(self) -> str:
        return "/api/v1/search?" + urlencode(self.params())


def build_log(words, municipalities, seed: int, size: int) -> list[Query]:
    """`size` distinct queries in popularity order (most popular first).

    Shapes, in the shares a site search sees: mostly one word, some two words, some a
    quoted phrase (the expensive kind: positions are checked row by row), some limited to
    a municipality. The first 40 words are the archive's commonest, chosen 40 % of the time.
    """
    rng = random.Random(seed)
    common, rest = words[:40], words[40:] or words
    municipalities = list(municipalities)
    seen, log = set(), []
    for _ in itertools.repeat(None, size * 20):
        if len(log) >= size:
            break
        query = _one(rng, common, rest, municipalities)
        if query not in seen:
            seen.add(query)
            log.append(query)
    rng.shuffle(log)
    return log


def _one(rng, common, rest, municipalities) -> Query:
    def word():
        return rng.choice(common if rng.random() < 0.4 else rest)

    roll = rng.random()
    if roll < 0.15:
        q = f'"{word()} {rng.choice(rest)}"'
    elif roll < 0.3:
        q = f"{word()} {word()}"
    else:
        q = word()
    place = rng.choice(municipalities) if municipalities and rng.random() < 0.25 else ""
    return Query(q, place)


def zipf_weights(n: int, s: float = ZIPF_S) -> list[float]:
    """Cumulative weights of ranks 1..n under Zipf's law with exponent s."""
    return list(itertools.accumulate(1 / rank**s for rank in range(1, n + 1)))


def draw(log: list[Query], count: int, rng: random.Random, s: float = ZIPF_S) -> list[Query]:
    """`count` searches from the log, rank r with probability proportional to 1 / r**s."""
    return rng.choices(log, cum_weights=zipf_weights(len(log), s), k=count)
