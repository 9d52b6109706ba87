"""The corpus's words, in the Term table: for compound words and spelling suggestions.

Written at ingest (`add_to_vocabulary`), read by `compounds` and `spelling`. Plain SQL on
archive_term, so that the query layer under the models can use it.
"""

import re
from collections import Counter

from django.db import connection

WORD = re.compile(r"[a-zæøåäöüé]+")


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


def stems_of(tokens: list[str]) -> dict[str, str]:
    """{Danish stem: the word the user typed}."""
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (ts_lexize('danish_stem', w))[1], w FROM unnest(%s::text[]) AS w",
            [tokens],
        )
        return {stem: word for stem, word in cursor.fetchall() if stem}
