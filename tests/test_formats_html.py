"""HTML input: portal pages to the shared block text, encodings, and failure modes."""

import random
import re
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.pipeline import extract
from ingest.readers.html import extract_html

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
SAMPLE_004 = next((ROOT / "samples").glob("004_*.txt"))

# Text that the portal fixture puts around the minutes; none of it may reach the output.
PAGE_CHROME = [
    "Gå til hovedindhold",
    "Vi bruger cookies",
    "Accepter alle",
    "Kun nødvendige",
    "Tilpas indstillinger",
    "Søg på sitet",
    "Politik og demokrati",
    "Om kommunen",
    "Forside",
    "Beskæftigelsesudvalget 22-03-2018",
    "Aktivér JavaScript",
    "Relaterede sider",
    "Mødekalender",
    "Nye åbningstider",
    "Torvet 5",
    "Tilgængelighedserklæring",
    "Til toppen",
    "Tilbage til toppen",
    "Udskriv",
    "dataLayer",
    "querySelectorAll",
    "cookie-banner",
]


def fixture(name):
    return (FIXTURES / name).read_bytes()


def sample_lines(text):
    """Non-blank lines of a text export, with its "•" bullets written as list items."""
    lines = []
    for line in text.split("\n"):
        line = line.replace("\xa0", " ").strip()
        if line:
            lines.append("- " + line[1:].strip() if line.startswith("•") else line)
    return lines


def extracted_lines(text):
    """Non-blank lines of extracted text, one per table cell, without list indentation."""
    return [cell.strip() for line in text.split("\n") for cell in line.split("\t") if cell.strip()]


def test_portal_page_keeps_every_line_of_the_minutes_in_order():
    text, encoding, warnings = extract_html(fixture("portal_004.html"))

    assert extracted_lines(text) == sample_lines(SAMPLE_004.read_text(encoding="utf-8"))
    assert (encoding, warnings) == ("utf-8", [])


def test_portal_page_drops_navigation_cookie_banner_and_scripts():
    data = fixture("portal_004.html")
    page = data.decode("utf-8")
    text, _encoding, _warnings = extract_html(data)

    for chrome in PAGE_CHROME:
        assert chrome in page, f"the fixture should contain {chrome!r}"
        assert chrome not in text, f"{chrome!r} leaked into the text"


def test_portal_page_keeps_block_structure():
    text, _encoding, _warnings = extract_html(fixture("portal_004.html"))

    assert text.startswith(
        "Dagsordener og referater\n\n"
        "Udvalg: Beskæftigelsesudvalget\nMødedato: 22. marts 2018\nMødested: C3.40\n\n"
        "Dagsordenpunkter\n\n"
        "Sagsnr.: 15.00.00-A00-2-18 Sagsbehandler: Bodil Clark\n\n"
        "Tema om indsatsen for unge\n\n"
        "DIR\tFOU\tBFU\tSOS\tBSK\tKFU\tBYP\tTMU\tØKE\tBYR\n\n"
        "\t\t\t\tX\t\t\t\t\t\t\n\n"
        "Øvrige sagsbehandlere: -\n\n"
    )
    assert (
        "at regnskabsresultatet for 2017 tages til efterretning,\n"
        "at overførselsønskerne fra 2017 til 2018 og 2019 vedrørende drift jf. bilag godkendes,\n"
    ) in text
    assert (
        "- Styrket integration for at øge udbuddet af arbejdskraft (projekter er startet)\n\n"
        '  - 26 borgere er omfatte af projektet "Ny Fremtid"\n\n'
    ) in text
    assert 'kan ses på www.herning.dk under "Arbejde og ledighed". På samme side' in text
    assert not re.search(r"\S  +\S", text), "doubled spaces between words"
    assert "\n\n\n" not in text


def test_portal_page_through_format_sniffing():
    extracted = extract(fixture("portal_004.html"))

    assert (extracted.format, extracted.encoding) == ("html", "utf-8")
    assert extracted_lines(extracted.text) == sample_lines(SAMPLE_004.read_text(encoding="utf-8"))


def test_windows_1252_page_is_decoded_exactly():
    data = fixture("windows1252.html")
    assert b'<meta charset="windows-1252">' in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    text, encoding, warnings = extract_html(data)

    assert text == (
        "Referat – Økonomiudvalget\n\n"
        "Mødedato: 14. maj 2019 – Mødested: Lokale Æblehaven, Rådhuset\n\n"
        "Punkt 3: Café Ødegården – ansøgning om tilskud\n\n"
        "Foreningen “Ældre Sagen” ønsker at åbne en café i Ålbæk. Økonomi: 25.000–30.000 kr.\n\n"
        "Udvalget bemærkede, at ‘renovering’ bør ske før åbning…\nBeslutning: Godkendt.\n"
    )
    assert (encoding, warnings) == ("cp1252", [])


PARAGRAPH = "<p>“Ældre Sagen” – æøå ÆØÅ é</p>"


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "cp1252"),
        # Browsers read ISO-8859-1 as windows-1252, and such pages do hold cp1252 quotes.
        ("<meta http-equiv='content-type' content='text/html;charset=ISO-8859-1'>", "cp1252"),
        ("", "cp1252"),  # no declaration: strict UTF-8 fails, cp1252 follows
    ],
)
def test_legacy_charsets(head, encoding):
    data = f"<html><head>{head}</head><body>{PARAGRAPH}</body></html>".encode("cp1252")

    assert extract_html(data) == ("“Ældre Sagen” – æøå ÆØÅ é\n", encoding, [])


def test_byte_order_mark_wins_over_meta_charset():
    page = f'<html><head><meta charset="windows-1252"></head><body>{PARAGRAPH}</body></html>'

    text, encoding, warnings = extract_html(b"\xef\xbb\xbf" + page.encode("utf-8"))

    assert (text, encoding, warnings) == ("“Ældre Sagen” – æøå ÆØÅ é\n", "utf-8-sig", [])


def test_page_saved_as_utf8_under_a_stale_windows_1252_meta_is_read_as_utf8():
    page = f'<html><head><meta charset="windows-1252"></head><body>{PARAGRAPH}</body></html>'

    text, encoding, warnings = extract_html(page.encode("utf-8"))

    assert (text, encoding) == ("“Ældre Sagen” – æøå ÆØÅ é\n", "utf-8")
    assert len(warnings) == 1 and "windows-1252" in warnings[0]


def test_page_declared_utf8_but_saved_as_windows_1252_falls_back_with_a_warning():
    page = f'<html><head><meta charset="utf-8"></head><body>{PARAGRAPH}</body></html>'

    text, encoding, warnings = extract_html(page.encode("cp1252"))

    assert (text, encoding) == ("“Ældre Sagen” – æøå ÆØÅ é\n", "cp1252")
    assert len(warnings) == 1 and "utf-8" in warnings[0]


def test_unknown_charset_label_is_ignored_with_a_warning():
    page = f'<html><head><meta charset="x-klingon"></head><body>{PARAGRAPH}</body></html>'

    text, encoding, warnings = extract_html(page.encode("utf-8"))

    assert (text, encoding) == ("“Ældre Sagen” – æøå ÆØÅ é\n", "utf-8")
    assert len(warnings) == 1 and "x-klingon" in warnings[0]


def test_tables_lists_line_breaks_and_inline_markup():
    text, encoding, warnings = extract_html(fixture("structure.html"))

    assert text == (
        "Økonomiudvalget\n\n"
        "Mødedato: 3. juni 2024 kl. 16:00\nMødested: Byrådssalen, Rådhuset\n\n"
        "Punkt 4: Budgetopfølgning\n\n"
        "Forvaltningen har udarbejdet en opfølgning på budgettet for 1. kvartal.\n\n"
        "Udvalget drøftede opfølgningen¹. Se bilag 2 og bilag 3.\n\n"
        "Tabel 1. Forbrug (mio. kr.)\n\n"
        "Område\tBudget\tForbrug\tAfvigelse\n\n"
        "Ældre\t412,5\t409,1\t-3,4\n\n"
        "Skoler og SFO\t655,0\t\t\n\n"
        "I alt\t\t1.064,1\t-3,4\n\n"
        "Indstilling\n\n"
        "1. at budgetopfølgningen tages til efterretning,\n\n"
        "2. at følgende bevillinger gives:\n\n"
        "   - 0,5 mio. kr. til vintervedligeholdelse\n\n"
        "   - 1,2 mio. kr. til it\n\n"
        "     - heraf 0,2 mio. kr. til licenser\n\n"
        "3. at sagen sendes videre til Byrådet.\n\n"
        "Beslutning\n\n"
        "Godkendt.\nFraværende: Jens Hansen (V)\n"
    )
    assert (encoding, warnings) == ("utf-8", [])


def test_page_without_landmarks_loses_banner_breadcrumb_and_links():
    data = (
        "<html><body class='cookies-accepted'>"
        "<a href='#start' class='visually-hidden'>Gå direkte til hovedindholdet</a>"
        "<div id='CybotCookiebotDialog'><p>Denne hjemmeside bruger cookies</p><a>OK</a></div>"
        "<div id='wrapper' class='cookie-consent-given'>"
        "<div class='breadcrumbs'><a>Forside</a> &gt; <a>Politik</a> &gt; Referater</div>"
        "<h1 id='start'>Referat af Teknik- og Miljøudvalget</h1>"
        "<p>Mødet blev afholdt <b>10. april 2019</b> på Rådhuset.</p>"
        "<p class='tools'><a href='#'>↑ Til toppen</a> · <a href='#'>Udskriv</a></p>"
        "</div></body></html>"
    ).encode()

    assert extract_html(data)[0] == (
        "Referat af Teknik- og Miljøudvalget\n\nMødet blev afholdt 10. april 2019 på Rådhuset.\n"
    )


def test_layout_tables_give_blocks_and_keep_a_data_table_inside():
    data = (
        "<html><body><table role='presentation'><tr>"
        "<td><p>Sagen blev drøftet.</p></td><td><p>Bilag: 2</p></td></tr></table>"
        "<table width='100%'><tr><td><b>Økonomi</b></td><td>"
        "<table><tr><th>År</th><th>Beløb</th></tr><tr><td>2024</td><td>1,5</td></tr></table>"
        "</td></tr></table></body></html>"
    ).encode()

    assert extract_html(data)[0] == (
        "Sagen blev drøftet.\n\nBilag: 2\n\nØkonomi\n\nÅr\tBeløb\n\n2024\t1,5\n"
    )


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("<main class='referat'>", "</main>"), ("<div role='main'>", "</div>")],
    ids=["main", "role"],
)
def test_main_landmark_wins_over_the_rest_of_the_page(opening, closing):
    data = (
        "<html><body><div class='nyheder'><h2>Nyheder</h2><p>Ny legeplads i Vestbyen</p>"
        "<p>Nye åbningstider på biblioteket fra 1. maj</p></div>"
        f"{opening}<p>Udvalget godkendte indstillingen.</p>{closing}"
        "<div class='kontakt'><p>Kontakt Borgerservice på 70 70 12 34</p></div></body></html>"
    ).encode()

    assert extract_html(data)[0] == "Udvalget godkendte indstillingen.\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Til toppen<br>Mødet sluttede kl. 18.</p>", "Mødet sluttede kl. 18.\n"),
        (
            "<p><a href='#'>Udskriv</a></p><p>Print af bilag sker i Borgerservice.</p>",
            "Print af bilag sker i Borgerservice.\n",
        ),
        (
            "<ul class='tools'><li><a>Print</a></li><li><a>↑ Til top</a></li></ul><p>Referat</p>",
            "Referat\n",
        ),
        (
            "<table><tr><th>Punkt</th><th>Beslutning</th><th></th></tr>"
            "<tr><td>1</td><td>Godkendt</td><td><a href='#top'>Til toppen</a></td></tr></table>",
            "Punkt\tBeslutning\t\n\n1\tGodkendt\t\n",
        ),
    ],
)
def test_top_and_print_links_go_but_sentences_mentioning_them_stay(body, expected):
    assert extract_html(f"<html><body>{body}</body></html>".encode())[0] == expected


def test_whole_page_form_is_kept_and_page_header_and_footer_dropped():
    # ASP.NET portals wrap the whole page in one <form>; there is no <main> here.
    data = (
        "<html><body><form id='aspnetForm' action='/referat.aspx'>"
        "<header><p>Kommunens logo</p></header>"
        "<div class='tekst'><h1>Referat</h1><p>Mødet blev holdt i byrådssalen.</p></div>"
        "<footer><p>Rådhuspladsen 1</p></footer></form>"
        "<form class='nyhedsbrev'><label>Tilmeld nyhedsbrev</label></form></body></html>"
    ).encode()

    assert extract_html(data)[0] == "Referat\n\nMødet blev holdt i byrådssalen.\n"


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"<!DOCTYPE html><html><head><title>Referat</title></head><body></body></html>",
        b"<html><body><p>&nbsp;</p><div>   </div></body></html>",
        b"<html><body><nav><ul><li><a href='/'>Forside</a></li>"
        b"<li><a href='/politik'>Politik og demokrati</a></li></ul></nav>"
        b"<script>var menu = 'Borger';</script></body></html>",
    ],
    ids=["no bytes", "empty page", "only blanks", "only navigation"],
)
def test_page_without_text_is_an_ingest_error(page):
    with pytest.raises(IngestError, match=r"ingen tekst.*no text"):
        extract_html(page)


def test_deeply_nested_markup_is_flattened_not_a_recursion_error():
    text, _encoding, _warnings = extract_html(b"<div><span>" * 1500 + b"Beslutning: Godkendt.")

    assert text == "Beslutning: Godkendt.\n"


def mutations(seed, count):
    """Byte-level damage to real pages: cuts, deletions, stray bytes and tags, noise."""
    rng = random.Random(seed)
    pages = [fixture(name) for name in ("portal_004.html", "windows1252.html", "structure.html")]
    junk = [b"<", b">", b"</", b"<table>", b"<td>", b"</li>", b"<!--", b"<script>", b"\x00"]
    for _ in range(count):
        data = bytearray(rng.choice(pages))
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data) + 1)
            action = rng.randrange(5)
            if action == 0:
                del data[at:]
            elif action == 1:
                del data[at : at + rng.randint(1, 400)]
            elif action == 2:
                data[at:at] = bytes([rng.randrange(256)])
            elif action == 3:
                data[at:at] = rng.choice(junk) * rng.randint(1, 50)
            else:
                data[at:at] = rng.randbytes(rng.randint(1, 64))
        yield bytes(data)
    for size in (1, 2, 3, 17, 256, 4096):
        yield rng.randbytes(size)
    # Byte order marks: valid UTF-16, a lone surrogate, invalid UTF-8 after the mark.
    yield "<p>Godkendt</p>".encode("utf-16")
    yield b"\xff\xfe<\x00p\x00>\x00\x00\xd8"
    yield b"\xef\xbb\xbf<p>Godkendt \xff</p>"


def test_damaged_or_random_bytes_raise_nothing_but_ingest_error():
    for data in mutations(seed=4, count=300):
        try:
            text, encoding, warnings = extract_html(data)
        except IngestError:
            continue
        assert re.search(r"\w{2,}", text)
        assert isinstance(encoding, str) and isinstance(warnings, list)
