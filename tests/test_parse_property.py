"""Whatever it is fed, the parser returns a result or its own clear error, deterministically."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import IngestError
from ingest.pipeline import parse_document
from tests.conftest import SAMPLES

SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.iterdir())]
SEED_LINES = sorted({line for text in SEED_TEXTS for line in text.splitlines()})

PROPERTY = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


def outcome(data: bytes):
    try:
        return parse_document(data, source="fuzz").as_json()
    except IngestError as error:
        assert error.message and isinstance(error.message, str)
        # The safety net in parse_document must never be what answers: that is a parser bug.
        assert "Internal parser error" not in error.message, error.__cause__
        return ("error", error.message)


@PROPERTY
@given(st.binary(max_size=4000))
def test_random_bytes(data):
    outcome(data)


@PROPERTY
@given(st.text(max_size=3000))
def test_random_text(text):
    outcome(text.encode("utf-8", "surrogatepass"))


@st.composite
def mutated_seed(draw):
    lines = draw(st.sampled_from(SEED_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 12))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "insert", "garble", "cut", "swap"]))
        if action == "drop":
            del lines[at : at + draw(st.integers(1, 40))]
        elif action == "dup":
            lines[at:at] = lines[at : at + draw(st.integers(1, 20))]
        elif action == "insert":
            lines.insert(at, draw(st.sampled_from(SEED_LINES) | st.text(max_size=80)))
        elif action == "garble":
            lines[at] = draw(st.text(max_size=len(lines[at]) + 5))
        elif action == "cut":
            lines = lines[: at + 1]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines)


@PROPERTY
@given(mutated_seed(), st.sampled_from(["utf-8", "cp1252"]))
def test_mutated_seeds(text, encoding):
    data = text.encode(encoding, errors="replace")
    assert outcome(data) == outcome(data)


@PROPERTY
@given(st.lists(st.sampled_from(SEED_LINES), max_size=200))
def test_shuffled_seed_lines(lines):
    outcome("\n".join(lines).encode())
