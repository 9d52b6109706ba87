"""Spelling suggestions ("Mente du …") from the nearest words in the vocabulary."""

import re

from django.contrib.postgres.search import TrigramSimilarity

from archive.models import Term
from archive.search.vocabulary import words
from core.casenumbers import normalize_query


def suggest(text: str) -> str:
    """A corrected query from the nearest words in the vocabulary, or ""."""
    tokens = [t for t in words(text) if len(t) >= 3]
    if not tokens or normalize_query(text):
        return ""
    known = set(Term.objects.filter(word__in=tokens).values_list("word", flat=True))
    corrected, changed = text.lower(), False
    for token in tokens:
        if token in known:
            continue
        best = (
            Term.objects.filter(word__trigram_similar=token)
            .annotate(similarity=TrigramSimilarity("word", token))
            .order_by("-similarity", "-frequency", "word")
            .values_list("word", flat=True)
            .first()
        )
        if best and best != token:
            corrected = re.sub(rf"\b{re.escape(token)}\b", best, corrected)
            changed = True
    return corrected if changed else ""
