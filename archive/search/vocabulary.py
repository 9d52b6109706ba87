"""The corpus's words, in the Term table: for compound words, spelling variants and
suggestions.

Written at ingest (`add_to_vocabulary`), read by `query`, `compounds` and `spelling`. Plain
SQL on archive_term, so that the query layer under the models can use it.
"""

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from archive.reads import read_connection

WORD = re.compile(r"[a-zæøåäöüé]+")

# Spelling variants of a typed word, in the order they are tried (`Typed.fixes`):
TRANSLITERATED = 1  # æ, ø, å typed as ae, oe, aa: "boernehave" -> børnehave
DOUBLE_LETTER = 2  # a double consonant typed single or a single one double: "svømehal"
WITHOUT_MARKS = 3  # æ, ø, å typed as a, o, a: "bornehave" -> børnehave
TRANSLITERATIONS = {"ae": "æ", "oe": "ø", "aa": "å"}
MARKS = {"o": ("ø",), "a": ("æ", "å")}
CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
# A typed word shorter than this is not respelled ("for" is not "før").
MIN_VARIANT_LENGTH = 4
MAX_FORMS = 64  # per kind of variant and word
# A word the vocabulary knows in at most RARE_ITEMS items, next to a variant used RATIO
# times as often, is taken for a misspelling too (minutes have typos). Letters without
# their marks only count for words the vocabulary does not know at all: "mode" is a word.
RARE_ITEMS, RATIO = 2, 20
MAX_FIXES = 3


def words(text: str) -> list[str]:
    """The words of a text, lower case, as the vocabulary counts them."""
    return WORD.findall(text.lower())


def add_to_vocabulary(texts: list[str]):
    """Count each word once per text (an agenda item) in the Term table."""
    counts = Counter()
    for text in texts:
        counts.update({w for w in words(text) if 2 < len(w) <= 100})
    if not counts:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO archive_term (word, stem, frequency)
            SELECT w, coalesce((ts_lexize('danish_stem', w))[1], ''), n
            FROM unnest(%s::text[], %s::int[]) AS t(w, n)
            ON CONFLICT (word) DO UPDATE SET frequency = archive_term.frequency + EXCLUDED.frequency
            """,
            [list(counts), list(counts.values())],
        )


def item_texts(item) -> dict[str, str]:
    """An item's searchable text, by scope group."""
    rest = [item.summary, item.case_text, item.recommendation, item.economy, item.legal_basis]
    rest += [item.decision_authority, *item.other_sections.values(), *item.attachments]
    return {"title": item.title, "decision": item.decision, "text": "\n".join(rest)}


@dataclass
class Typed:
    """A word as typed: in how many items the vocabulary has its stem, and the spelling
    fixes to search for as well, as (stem, word) pairs."""

    word: str
    items: int = 0
    fixes: list = field(default_factory=list)
    kind: int = 0  # of the fixes: TRANSLITERATED, DOUBLE_LETTER or WITHOUT_MARKS


def typed_words(tokens: list[str]) -> dict[str, Typed]:
    """{Danish stem: the typed word, with its spelling fixes}, in one query.

    A word is respelled only when it does not match well as typed: the vocabulary does not
    know its stem, or hardly (RARE_ITEMS) next to a variant RATIO times as common. The first
    kind of variant the vocabulary knows wins: "boernehave" -> børnehave, "stoej" -> støj,
    "svømehal" -> svømmehal.
    """
    forms = [(t, form, kind) for t in dict.fromkeys(tokens) for form, kind in variants(t).items()]
    if not forms:
        return {}
    typed, known = {}, []
    for token, form, kind, stem, items in _looked_up(forms):
        if stem and kind == 0:
            typed[token] = (stem, Typed(token, items or 0))
        elif stem:
            known.append((kind, -items, form, token, stem, items))
    for kind, _, form, token, stem, items in sorted(known):
        own_stem, word = typed.get(token, ("", None))
        if word is None or (word.kind and kind != word.kind) or len(word.fixes) >= MAX_FIXES:
            continue
        if _misspelt(word, kind, items) and stem not in (own_stem, *(s for s, _ in word.fixes)):
            word.fixes.append((stem, form))
            word.kind = kind
    return dict(typed.values())


def _looked_up(forms):
    """(token, form, kind, stem, items of the stem) for each typed word, and for each
    variant whose stem the vocabulary has ("børnehave" also for "børnehaver")."""
    tokens, texts, kinds = (list(column) for column in zip(*forms, strict=True))
    with read_connection().cursor() as cursor:
        cursor.execute(
            """
            SELECT c.token, c.form, c.kind, c.stem,
                   (SELECT max(s.frequency) FROM archive_term s WHERE s.stem = c.stem)
            FROM (
                SELECT token, form, kind, (ts_lexize('danish_stem', form))[1] AS stem
                FROM unnest(%s::text[], %s::text[], %s::int[]) AS f(token, form, kind)
            ) AS c
            WHERE c.kind = 0 OR EXISTS (SELECT 1 FROM archive_term t WHERE t.stem = c.stem)
            """,
            [tokens, texts, kinds],
        )
        return cursor.fetchall()


def _misspelt(typed: Typed, kind: int, items: int) -> bool:
    if not typed.items:
        return True
    return kind != WITHOUT_MARKS and typed.items <= RARE_ITEMS and items >= RATIO * typed.items


def variants(word: str) -> dict[str, int]:
    """{form: kind} of a typed word: the word itself (kind 0) and its spelling variants."""
    found = {word: 0}
    if len(word) < MIN_VARIANT_LENGTH:
        return found
    transliterated = _each_way(word, TRANSLITERATIONS)
    for form in transliterated:
        found.setdefault(form, TRANSLITERATED)
    for base in (word, *transliterated):
        for form in _double_letters(base):
            found.setdefault(form, DOUBLE_LETTER)
    for base in (word, *transliterated):
        for form in _each_way(base, MARKS):
            found.setdefault(form, WITHOUT_MARKS)
    return found


def _each_way(word: str, replacements: dict) -> list[str]:
    """The word with each occurrence of a key replaced, or not, in every combination."""
    parts = re.split("(" + "|".join(map(re.escape, replacements)) + ")", word)
    choices = [
        (part, *_as_tuple(replacements[part])) if part in replacements else (part,)
        for part in parts
    ]
    combos = itertools.islice(itertools.product(*choices), MAX_FORMS + 1)
    return [form for form in ("".join(c) for c in combos) if form != word][:MAX_FORMS]


def _as_tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _double_letters(word: str) -> list[str]:
    """The word with one double consonant made single, or one single consonant doubled."""
    forms = []
    for at, letter in enumerate(word):
        if letter not in CONSONANTS or (at and word[at - 1] == letter):
            continue
        if word[at + 1 : at + 2] == letter:
            forms.append(word[:at] + word[at + 1 :])
        else:
            forms.append(word[: at + 1] + letter + word[at + 1 :])
    return forms[:MAX_FORMS]
