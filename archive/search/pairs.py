"""Phrases from the index: each phrase's adjacent words as keys of their own GIN index.

A phrase ("sociale område", tsquery 'social' <-> 'områd') cannot be answered by the main
GIN index: it holds which items contain each word, not where. PostgreSQL then reads back
(detoasts) and rechecks the vector of every item holding all the words, and for words of
boilerplate that is most of the archive (3 s at a million items).

So migration 0009 indexes `archive_word_pairs(search_vector)`: for every two positions one
or two apart in an item's vector, a key for (distance, first lexeme, second lexeme), hashed
to eight hex digits so that the index stays small and any item's keys fit in a tsvector.
It is an expression index over the stored vector: no column, no trigger, nothing parsed
twice. A phrase's links ('social' <-> 'områd': distance 1; 'tag' <2> 'efterretning',
a stop word between: distance 2) become a tsquery of those keys (`archive_pair_query`),
the index returns the items holding every link, and only those are rechecked against the
phrase itself. A hash collision only adds a candidate that the recheck drops; an item that
matches the phrase always has its links' keys, so nothing is lost.
"""

import re

# Tokens of a tsquery as PostgreSQL prints it: 'lexeme' (with an optional :* or weight),
# a phrase operator, or one of & | ! ( ).
TOKEN = re.compile(r"'(?:[^']|'')*'(?::[*A-D]+)?|<->|<\d+>|[&|!()]")
DISTANCE = re.compile(r"<(\d+|-)>")
# The index holds links of these distances; a longer one (three stop words in a row) is
# left to the recheck.
INDEXED = (1, 2)


def phrase_links(tsquery: str) -> list[str]:
    """The indexed links ("1 social områd") every match of the tsquery must contain: those
    of the phrases it requires, i.e. its top-level AND-ed parts that are plain phrases.

    Empty when nothing is required that way: no phrase, a phrase under "or" or "-".
    """
    links = []
    for part in _required_parts(tsquery):
        links += _links_of(part)
    return list(dict.fromkeys(links))


def answered_by_links(tsquery: str) -> bool:
    """True when holding the links *is* matching the tsquery: every required part is a
    phrase of two words (a stop word between them allowed), so its one link says exactly
    that the two stand at that distance. The matches are then the index's candidates, with
    no vector read back to recheck them; only a 32-bit hash collision could add an item
    that does not match, about one in four billion per key.

    A longer phrase ("a b c") is not: an item may hold "a b" and "b c" apart."""
    parts = _required_parts(tsquery)
    return bool(parts) and all(len(part) == 3 and len(_links_of(part)) == 1 for part in parts)


def _required_parts(tsquery: str) -> list[list[str]]:
    """The tokens of each top-level AND-ed part; empty when the top level has an "or"."""
    parts, depth, current = [], 0, []
    for token in TOKEN.findall(tsquery):
        depth += token == "("
        depth -= token == ")"
        if depth == 0 and token == "|":
            return []  # one side of an "or" is required by no match
        if depth == 0 and token == "&":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return parts


def _links_of(part: list[str]) -> list[str]:
    """The links of a plain phrase ('a' <-> 'b' <2> 'c'), or none for anything else."""
    if len(part) < 3 or len(part) % 2 == 0:
        return []
    words, operators = part[0::2], part[1::2]
    if not all(w.startswith("'") and w.endswith("'") for w in words):
        return []  # a prefix (:*) or a weight, a group, a negation: not a plain phrase
    if not all(DISTANCE.fullmatch(op) for op in operators):
        return []
    links = []
    for first, op, second in zip(words, operators, words[1:], strict=False):
        distance = 1 if op == "<->" else int(DISTANCE.fullmatch(op)[1])
        if distance in INDEXED:
            links.append(f"{distance} {_lexeme(first)} {_lexeme(second)}")
    return links


def _lexeme(token: str) -> str:
    return token[1:-1].replace("''", "'")
