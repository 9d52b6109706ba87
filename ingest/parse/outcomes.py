"""Decision outcome from the Danish wording of a decision."""

import re

from core.outcomes import Outcome
from ingest.parsed import DecisionPart

APPROVED = Outcome.APPROVED.value
RECOMMENDED = Outcome.RECOMMENDED.value
NOTED = Outcome.NOTED.value
DISCUSSED = Outcome.DISCUSSED.value
POSTPONED = Outcome.POSTPONED.value
REJECTED = Outcome.REJECTED.value
REFERRED = Outcome.REFERRED.value
WITHHELD = Outcome.WITHHELD.value
NONE = Outcome.NONE.value
OTHER = Outcome.OTHER.value

# When a decision says several things, the weightiest wins: "Drøftet og godkendt" is an
# approval, "Godkendt, idet punkt 3 udsættes" too. A committee's own approval outweighs its
# recommendation of another part to the council ("1. Godkendt. 2. Anbefales").
PRIORITY = [REJECTED, APPROVED, RECOMMENDED, POSTPONED, REFERRED, NOTED, DISCUSSED]

# The rest of a sentence: up to a full stop before a new sentence, a semicolon or a line end.
_SENTENCE_REST = r"[^;\n]*?(?=\.\s+[A-ZÆØÅ]|\.?\s*$|;|\n)"
_NEGATED = r"\b(?:ikke|ej)\s+(?:\w+\s+){0,2}?"
PATTERNS = {
    REJECTED: [
        _NEGATED
        + r"(?:godkend\w*|tiltr[åa]d\w*|vedtag\w*|vedtog|anbefal\w*|imødekom\w*|bevilg\w*)",
        r"\bafvis(?:t|te|es|er)?\b|\bafvist\b|\bforkast\w*\b|\bnedstemt\b",
        r"\b(?:forslag\w*|ændringsforslag\w*)\s+faldt\b",
        # "Anbefales ikke", "Godkendes ikke": the negation after the verb.
        r"\b(?:godkend|tiltr[åa]d|vedtag|anbefal|imødekom|bevilg)\w*\s+ikke\b",
    ],
    APPROVED: [
        r"\bgodkend(?:t|te|es|er|e)?\b",
        r"\btiltr[åa]d(?:t|te|tes|er|e)?\b",
        r"\bvedtag(?:et|es|er)?\b|\bvedtog\b",
        r"\bbevilg(?:es|et|ede)\b|\bbevilget\b",
        r"\bimødekom(?:mes|met)\b",
        r"\bsom\s+indstillet\b",
        r"\bindstillingen\s+(?:blev\s+)?følg\w*\b",
        r"\bbesluttede\s+(?:at\s+)?(?:godkende|vedtage|tiltræde|bevilge)\b",
    ],
    # A committee without the competence recommends the case on: "Anbefales.", "Anbefales over
    # for Byrådet", "Anbefales godkendt", "Forslagene indstilles godkendt", "Indstilles til
    # Byrådets godkendelse", "Udvalget anbefaler over for Byrådet, at planen vedtages". The rest
    # of that sentence is what is recommended, so approval words in it are no approval.
    # ("Som indstillet" is an approval: "as the administration proposed".)
    RECOMMENDED: [
        rf"\b(?:anbefal(?:es|et|ede|er)|indstilles){_SENTENCE_REST}",
        rf"\bmed\s+(?:\w+\s+)?anbefaling\b{_SENTENCE_REST}",
    ],
    POSTPONED: [
        r"\budsat\b|\budsæt(?:tes|ter|te)?\b",
        r"\budskyd(?:e|es|er)\b|\budskudt\b",
        r"\bgenoptages\b|\bbehandles\s+(?:igen\s+)?på\s+(?:et\s+)?(?:senere|kommende|næste)\b",
    ],
    REFERRED: [
        r"\boversend(?:t|es|er|e)\b",
        r"\bvideresend(?:t|es|er|e)\b|\bsendes\s+videre\b|\bhenvis(?:t|es)\s+til\b",
    ],
    NOTED: [
        # also as mistyped: "taget efterretning", "til efterretningen", "til efterefterretning"
        r"\btil\s+efter\w*retning\w*\b|\b(?:taget|tages)\s+efterretning\b",
        r"\btaget\s+til\s+orientering\b|\bblev\s+orienteret\b|\borienterede\s+om\b",
        r"\btil\s+orientering\b|\bnoteret\b",
        r"\borientering(?:en)?\s+(?:blev\s+)?givet\b",
    ],
    DISCUSSED: [r"\bdrøft(?:et|ede|es|er)\b|\bdrøftelse\b"],
}
COMPILED = {name: [re.compile(p, re.I) for p in pats] for name, pats in PATTERNS.items()}
NOTHING = re.compile(
    r"^\W*(?:intet|ingen(?:\s+bemærkninger)?|-"
    # "Der var ingen orienteringer (fra formanden).", "Ingen orienteringspunkter.",
    # "Intet at berette.": an information item with nothing to inform about.
    r"|(?:der\s+(?:var|er|har)\s+)?(?:ingen|intet|ikke\s+(?:været\s+)?nogen)\s+(?:\w+\s+)?"
    r"(?:orientering\w*|henvendelse\w*|bemærkning\w*|at\s+(?:berette|orientere\s+om))"
    r"(?:\s+(?:fra|til)\s+[\w\s-]+)?)\W*$",
    re.I,
)
# First Agenda prints this where a decision was taken but is not (yet) published.
NOT_RELEASED = re.compile(r"^\W*(?:beslutning(?:en)?\s+(?:er\s+)?)?ikke\s+frigivet\W*$", re.I)
# "Ad 1.: Tiltrådt." (and Slagelse's "At 1: Godkendt.") at a line or sentence start.
SUB_POINT = re.compile(
    r"(?:^|\n|(?<=[.!]\s))(?:(?i:ad)\s+(?i:pkt\.?\s*|punkt\s*)?(\d{1,2})\s*\.?\s*[:.)\-–]?"
    r"|At\s+(\d{1,2})\s*:)\s*"
)


def classify(text: str) -> str:
    """One outcome for a decision text."""
    text = (text or "").strip()
    if not text or NOTHING.match(text):
        return NONE
    if NOT_RELEASED.match(text):
        return WITHHELD
    found = set()
    if any(p.search(text) for p in COMPILED[REJECTED]):
        found.add(REJECTED)
    # A recommendation's own wording ("anbefales godkendt") is no approval: read the rest only.
    rest = text
    for pattern in COMPILED[RECOMMENDED]:
        rest, count = pattern.subn(" ", rest)
        if count:
            found.add(RECOMMENDED)
    found |= {
        name
        for name, patterns in COMPILED.items()
        if name not in (REJECTED, RECOMMENDED) and any(p.search(rest) for p in patterns)
    }
    for outcome in PRIORITY:
        if outcome in found:
            return outcome
    return OTHER


def split_parts(text: str) -> list[DecisionPart]:
    """Per-point decisions ("Ad 1.: Tiltrådt. Ad 2.: Udsat."), else an empty list."""
    marks = list(SUB_POINT.finditer(text or ""))
    if len(marks) < 2:
        return []
    parts = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        body = text[mark.end() : end].strip()
        parts.append(DecisionPart(int(mark[1] or mark[2]), body, classify(body)))
    return parts


def overall(parts: list[DecisionPart], text: str) -> str:
    if not parts:
        return classify(text)
    outcomes = {part.outcome for part in parts}
    for outcome in PRIORITY:
        if outcome in outcomes:
            return outcome
    return OTHER if OTHER in outcomes else NONE
