"""Minutes in header and section styles the seeds do not use, and in other encodings."""

import datetime

import pytest

from ingest.errors import IngestError
from ingest.parse.minutes import parse_text
from ingest.pipeline import parse_document
from tests.conftest import sample_path


def parse(text, **kwargs):
    return parse_text(text, **kwargs)


NUMBERED = """Aabenraa Kommune
Referat
Teknik- og Miljøudvalget
Dato: 2024-03-12 kl. 16.30
Sted: Mødelokale 1, Rådhuset
Deltagere: Anna Jensen (A), Bo Holm (V), Carl Ibsen (C)
Afbud: Dorte Lund (F)

Dagsorden
1. Godkendelse af dagsorden
2. Budgetopfølgning pr. 31. marts
3. Lukket: Køb af ejendom

1. Godkendelse af dagsorden

Sagsnr.: 00.01.00-G01-1-24

Beslutning
Godkendt.

2. Budgetopfølgning pr. 31. marts

Sagsnr.: 00.30.10-S55-2-24
Sagsbehandler: Mette Holm

Sagsfremstilling
Forvaltningen har udarbejdet budgetopfølgning.

Indstilling
Forvaltningen indstiller, at
1. Budgetopfølgningen tages til efterretning.
2. Merforbruget dækkes af kassen.

Beslutning i Økonomiudvalget den 5. marts 2024:
Anbefales.

Beslutning i Teknik- og Miljøudvalget den 12. marts 2024:
Ad 1.: Taget til efterretning.
Ad 2.: Ikke godkendt.

3. Lukket: Køb af ejendom

Sagsnr.: 82.02.00-G01-4-24
"""


def test_numbered_items_with_a_toc_list_and_inner_numbered_list():
    meeting = parse(NUMBERED)
    assert [(i.number, i.title, i.closed) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden", False),
        (2, "Budgetopfølgning pr. 31. marts", False),
        (3, "Køb af ejendom", True),
    ]
    assert meeting.municipality == "Aabenraa Kommune"
    assert meeting.committee == "Teknik- og Miljøudvalget"
    assert (meeting.date, meeting.time) == (datetime.date(2024, 3, 12), datetime.time(16, 30))
    assert meeting.location == "Mødelokale 1, Rådhuset"
    assert [(p.name, p.party) for p in meeting.participants] == [
        ("Anna Jensen", "A"),
        ("Bo Holm", "V"),
        ("Carl Ibsen", "C"),
    ]
    assert [(p.name, p.party) for p in meeting.absent] == [("Dorte Lund", "F")]


def test_decision_of_the_last_body_wins_and_earlier_is_kept():
    item = parse(NUMBERED).items[1]
    assert item.decision == "Ad 1.: Taget til efterretning.\nAd 2.: Ikke godkendt."
    assert item.sections["Beslutning i Økonomiudvalget den 5. marts 2024"] == "Anbefales."
    assert [(p.point, p.outcome) for p in item.decision_parts] == [(1, "noted"), (2, "rejected")]
    assert item.outcome == "rejected"
    assert item.case_workers == ["Mette Holm"]
    assert item.sections["recommendation"].startswith("Forvaltningen indstiller, at\n1. Budget")


PKT = """DAGSORDEN
Økonomiudvalget
Mødedato: 04.12.2012

Pkt. 42 Anlægsbevilling til ny
skole i Vestbyen

J.nr.: 17.02.00-G01-12-12

Resumé
Der søges om anlægsbevilling.

Sagen afgøres af: Byrådet

Pkt. 43 Orientering om affaldsplan (Lukket)

Pkt. 44 Eventuelt
"""


def test_pkt_headers_wrapped_title_closed_suffix_and_agenda_kind():
    meeting = parse(PKT, municipality="Odense")
    assert meeting.kind == "dagsorden"
    assert meeting.municipality == "Odense Kommune"
    assert meeting.date == datetime.date(2012, 12, 4)
    assert [(i.number, i.title, i.closed) for i in meeting.items] == [
        (42, "Anlægsbevilling til ny skole i Vestbyen", False),
        (43, "Orientering om affaldsplan", True),
        (44, "Eventuelt", False),
    ]
    first = meeting.items[0]
    assert first.case_number.normalized == "17.02.00-G01-12-12"
    assert first.sections == {
        "summary": "Der søges om anlægsbevilling.",
        "decision_authority": "Byrådet",
    }
    assert first.outcome == "none"


SAG_NR = """Referat af mødet i Kultur- og Fritidsudvalget den 5. februar 2025 kl. 16.30
Frederiksberg Kommune

Tilskud til foreningslivet
Sag nr. 129

Sagsbeskrivelse
Foreningerne har søgt om tilskud.

Beslutning
Oversendt til Økonomiudvalget.

Ny kunstgræsbane
Sag nr. 130

Sagsbeskrivelse
Banen er slidt.

Beslutning
Udsat.
"""


def test_sag_nr_after_the_title():
    meeting = parse(SAG_NR)
    assert meeting.committee == "Kultur- og Fritidsudvalget"
    assert (meeting.date, meeting.time) == (datetime.date(2025, 2, 5), datetime.time(16, 30))
    assert [(i.number, i.title, i.outcome) for i in meeting.items] == [
        (129, "Tilskud til foreningslivet", "referred"),
        (130, "Ny kunstgræsbane", "postponed"),
    ]
    assert meeting.items[0].sections["case_text"] == "Foreningerne har søgt om tilskud."


BARE = """Referat – Børne- og Skoleudvalget
Torsdag d. 26. marts 2026 kl. 13:00
Viborg Kommune

7

Skolestruktur 2027

Sagsnr.: EMN-2025-01234

Sammendrag
Forslag om ny skolestruktur.

Beslutning
Drøftet.

Side 2 af 3

Referat – Børne- og Skoleudvalget

8

Kvalitetsrapport

Sagsnr.: 20/33839

Beslutning
Taget til efterretning, jf. pkt. 5, møde i Børne- og Skoleudvalget den 4. februar 2026.

Side 3 af 3
"""


def test_bare_numbers_other_case_schemes_and_page_furniture():
    meeting = parse(BARE)
    assert meeting.committee == "Børne- og Skoleudvalget"
    assert [(i.number, i.title) for i in meeting.items] == [
        (7, "Skolestruktur 2027"),
        (8, "Kvalitetsrapport"),
    ]
    first, second = meeting.items
    assert first.sections == {"summary": "Forslag om ny skolestruktur.", "decision": "Drøftet."}
    assert (first.case_number.printed, first.case_number.subject) == ("EMN-2025-01234", "")
    assert second.case_number.normalized == "20/33839"
    assert second.outcome == "noted"
    assert [(r.number, r.committee, r.date.isoformat()) for r in second.references] == [
        (5, "Børne- og Skoleudvalget", "2026-02-04")
    ]
    assert "Side" not in first.decision + second.decision


MARKDOWN = """# Referat: Social- og Sundhedsudvalget

**Mødedato:** 22. marts 2018

## 3. Godkendelse af værdighedspolitik

### Indstilling
Direktionen indstiller, at politikken godkendes.

### Beslutning
Godkendt som indstillet.

## 4. Lukket punkt: Personalesag
"""


def test_markdown_headings():
    doc = parse_document(MARKDOWN.encode(), municipality="Vejle Kommune")
    meeting = doc.meeting
    assert doc.format == "markdown"
    assert meeting.committee == "Social- og Sundhedsudvalget"
    assert [(i.number, i.title, i.closed, i.outcome) for i in meeting.items] == [
        (3, "Godkendelse af værdighedspolitik", False, "approved"),
        (4, "Personalesag", True, "none"),
    ]


@pytest.mark.parametrize(
    "encoding, detected",
    # Latin-1 text decodes identically as Windows-1252 (they differ only in C1 controls).
    [("cp1252", "cp1252"), ("latin-1", "cp1252"), ("utf-8-sig", "utf-8-sig")],
)
def test_other_encodings_and_crlf_parse_like_utf8(encoding, detected):
    text = sample_path("003").read_text(encoding="utf-8")
    # Characters the legacy encodings cannot hold are not in this seed except the dash.
    text = text.replace("–", "-") if encoding == "latin-1" else text
    reference = parse_document(text.encode("utf-8")).as_json()
    data = text.replace("\n", "\r\n").encode(encoding)
    doc = parse_document(data)
    assert doc.encoding == detected
    result = doc.as_json()
    for key in ("sha256", "encoding"):
        result.pop(key), reference.pop(key)
    assert result == reference


def test_nul_and_control_characters_are_removed():
    text = sample_path("000").read_text(encoding="utf-8")
    dirty = text.replace("Indstillingen er tiltrådt.", "Indstillingen\x00 er\x07 tiltrådt.", 1)
    item = parse_document(dirty.encode()).meeting.items[0]
    assert item.decision == "Indstillingen er tiltrådt."


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "tom"),
        (b"   \n\n ", "tom"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "billede"),
        (b"PK\x03\x04" + b"\x00" * 50, "ZIP"),
        ("Referat\nMødedato: 1. januar 2020\n".encode(), "dagsordenspunkter"),
        (b"Punkt 1: Noget\nSagsnr.: 00.01.00-A00-1-20\nBeslutning\nGodkendt.\n", "Kommune"),
    ],
)
def test_unparseable_input_fails_with_a_clear_message(data, message):
    with pytest.raises(IngestError, match=message) as info:
        parse_document(data, source="fil.txt")
    assert info.value.source == "fil.txt"


def test_missing_date_is_a_clear_error():
    text = "Referat Økonomiudvalget\nHerning Kommune\n\nPunkt 1: Noget\nBeslutning\nGodkendt.\n"
    with pytest.raises(IngestError, match="Mødedatoen"):
        parse_document(text.encode())


SINGLE_LINE_HEADER = (
    "Referat fra mødet i Økonomiudvalget den 12. marts 2024 kl. 15.00 i Byrådssalen\n"
    + """Horsens Kommune

Sag 1: Godkendelse af dagsorden

Beslutning
Godkendt.

Økonomiudvalget 12-03-2024 Side 2 af 3

Sag 2: Anlægsbevilling til cykelsti

Sagsnr.: 05.01.10-G01-3-24

Beslutning
Anbefales over for byrådet.

Side 3 af 3 Økonomiudvalget 12-03-2024
"""
)


def test_header_on_one_line_sag_headers_and_combined_page_lines():
    meeting = parse(SINGLE_LINE_HEADER)
    assert (meeting.committee, meeting.location) == ("Økonomiudvalget", "Byrådssalen")
    assert (meeting.date, meeting.time) == (datetime.date(2024, 3, 12), datetime.time(15, 0))
    assert [(i.number, i.title, i.decision) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden", "Godkendt."),
        (2, "Anlægsbevilling til cykelsti", "Anbefales over for byrådet."),
    ]


# PolWeb page copy: bare "Sag" and "Dok." labels, bulleted members, nobody absent, a
# running page header without "af N" (also run into a paragraph), items under
# "Lukkede punkter", and "Protokol:" as the decision heading.
POLWEB = """Odsherred Kommune
Referat
Byrådet
Dato: Tirsdag den 04-februar-2026 kl. 19.00
Sted: Byrådssalen
Deltagere:
▪ Karina Vincentz (C), borgmester
■ Thomas Adelskov (A)
• Lisbeth Nagel (F)
Fraværende: Ingen

1.       Spørgetid for borgerne
Sag 306-2025-600
Dok. 306-2026-14521

Sagsfremstilling
Byrådet indførte spørgetid i 2009.

Protokol:
Der var ingen spørgsmål.

Referat - Byrådet - 04-02-2026 Side 2

2.       Økonomi og ﬁnansiering af færgedriften
Sag 306-2025-18826
Dok. 306-2026-15002

Sagsfremstilling
Direktionen Referat - Byrådet - 04-02-2026 Side 3 orienterede om underskuddet.

Protokol: Godkendt.

Lukkede punkter

3.       Salg af ejendom
Sag 306-2025-9981

Sagsfremstilling
Fortroligt salg til navngiven køber.

Protokol:
Godkendt.

Referat - Byrådet - 04-02-2026 Side 4

Mødet slut kl. 20.05
Karina Vincentz
"""


def test_polweb_minutes_with_bare_sag_labels_protokol_and_closed_group():
    # Through the bytes entry point: ligatures are folded when the text is normalised.
    meeting = parse_document(POLWEB.encode()).meeting
    assert meeting.date == datetime.date(2026, 2, 4)
    assert [p.name for p in meeting.participants] == [
        "Karina Vincentz",
        "Thomas Adelskov",
        "Lisbeth Nagel",
    ]
    assert meeting.absent == []
    items = meeting.items
    assert [(i.number, i.title, i.closed) for i in items] == [
        (1, "Spørgetid for borgerne", False),
        (2, "Økonomi og finansiering af færgedriften", False),
        (3, "Salg af ejendom", True),
    ]
    assert [i.case_number.printed for i in items][:2] == [
        "306-2025-600",
        "306-2025-18826",
    ]
    assert items[0].decision == "Der var ingen spørgsmål."
    assert (items[1].decision, items[1].outcome) == ("Godkendt.", "approved")
    # The running header is gone, also where it ran into a paragraph.
    texts = " ".join(" ".join(i.sections.values()) for i in items)
    assert "Side" not in texts
    assert "Direktionen orienterede om underskuddet." in items[1].sections["case_text"]
    assert "Lukkede punkter" not in texts
    # A closed item publishes nothing, and the signature after the closer is not text.
    assert (items[2].decision, items[2].sections) == ("", {})


def test_two_case_lines_open_one_item_not_two():
    text = """Ishøj Kommune
REFERAT - Børne- og Skoleudvalget
Dato: 03.02.2026 kl. 15.30

1. Godkendelse af dagsorden
Sagsnr.: 2026-000101
J.nr.: 00.01.00-G01-5-25

Beslutning:
Godkendt.

2. Sammenlægning af SFO og klub
Sagsnr.: 2025-012345
J.nr.: 17.15.00-P20-3-25

Sagsfremstilling
Forvaltningen foreslår en sammenlægning.

Beslutning:
Godkendt.

3. Elevtal
Sagsnr.: 2025-013990
J.nr.: 17.01.00-G01-1-25

Beslutning:
Taget til efterretning.
"""
    items = parse(text).items
    assert [(i.number, i.title) for i in items] == [
        (1, "Godkendelse af dagsorden"),
        (2, "Sammenlægning af SFO og klub"),
        (3, "Elevtal"),
    ]
    assert [i.outcome for i in items] == ["approved", "approved", "noted"]


def test_items_for_closed_doors_are_closed():
    text = """Struer Kommune
Referat
Kommunalbestyrelsen
Dato: 4. februar 2026 kl. 19.00

Til behandling - for åbne døre

11. Kvartalsrapport
Sagsnr.: 00.30.14-S55-1-25

Beslutning
Taget til efterretning.

Til behandling - for lukkede døre

12. Salg af erhvervsgrund
Sagsnr.: 13.00.00-G10-2-25

Beslutning
Godkendt.
"""
    items = parse(text).items
    assert [(i.title, i.closed, i.decision) for i in items] == [
        ("Kvartalsrapport", False, "Taget til efterretning."),
        ("Salg af erhvervsgrund", True, ""),
    ]
