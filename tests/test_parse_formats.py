"""The same minutes read from PDF (with page headers and footers) and from an HTML portal page
give the same meeting and items as the plain text."""

import pytest

from ingest.pipeline import parse_document
from tests.conftest import FIXTURES, sample_path
from tests.pdf_factory import make_minutes_pdf, pdf_safe

ITEM_KEYS = ("number", "title", "closed", "case_number_normalized", "outcome", "decision_parts")


def summary(doc):
    meeting = {k: doc[k] for k in ("municipality", "committee", "kind", "date", "time")}
    items = [{k: item[k] for k in ITEM_KEYS} for item in doc["items"]]
    return meeting, items


def squash(text):
    return " ".join((text or "").split())


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_seed_printed_as_pdf_parses_like_the_text(prefix):
    text = pdf_safe(sample_path(prefix).read_text(encoding="utf-8"))
    header = "Beskæftigelsesudvalget – referat"
    pdf = make_minutes_pdf(text, header=header)
    from_text = parse_document(text.encode()).as_json()
    from_pdf = parse_document(pdf, source="referat.pdf").as_json()
    assert from_pdf["format"] == "pdf"
    assert summary(from_pdf) == summary(from_text)
    for want, got in zip(from_text["items"], from_pdf["items"], strict=True):
        assert squash(got["decision"]) == squash(want["decision"])
        assert header not in " ".join(got["sections"].values())
        assert "Side " not in squash(got["decision"])


def test_html_portal_page_parses_like_the_text_export():
    html = (FIXTURES / "html" / "portal_004.html").read_bytes()
    from_html = parse_document(html, source="portal.html").as_json()
    from_text = parse_document(sample_path("004").read_bytes()).as_json()
    assert from_html["format"] == "html"
    assert summary(from_html) == summary(from_text)
    assert [i["case_workers"] for i in from_html["items"]] == [
        i["case_workers"] for i in from_text["items"]
    ]
