"""English at /en/…, Danish unchanged at /: the catalogue is complete and compiled, every
template marks its text, and every main page reads in English with no Danish interface
text left (the documents' own text stays as written)."""

import datetime
import html
import re
from urllib.parse import unquote

import polib
import pytest
from django.urls import reverse
from django.utils import formats, translation

from alerts import tokens
from alerts.models import Subscriber, Subscription
from archive.models import AgendaItem, Committee, Meeting, Person
from tests import i18n_support as support

HJEMLOESE = "/soeg/?q=hjeml%C3%B8se"
CASE = "/sag/00.00.00-P19-1719-10/"


# --- The catalogue -----------------------------------------------------------------------


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|\{\w+\}", text))


def test_every_string_in_the_catalogue_has_an_english_translation():
    entries = support.catalogue()
    assert len(entries) > 500
    assert [e.msgid for e in entries if not e.translated()] == []
    # msgfmt leaves fuzzy entries out of the .mo: makemessages' guesses must be reviewed.
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert entries.obsolete_entries() == []
    for entry in entries:
        if not entry.msgid_plural:
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), entry.msgid
            continue
        singular, plural = entry.msgstr_plural[0], entry.msgstr_plural[1]
        assert placeholders(plural) == placeholders(entry.msgid_plural), entry.msgid
        # The singular may say "1" where the plural says %(counter)s.
        assert set(placeholders(singular)) <= set(placeholders(entry.msgid_plural)), entry.msgid


def test_the_committed_mo_is_the_compiled_po():
    """The .mo is what Django reads; it must say what the .po says (no gettext needed)."""
    po, mo = support.catalogue(), polib.mofile(str(support.MO))
    assert support.translations(mo) == support.translations(po)
    assert mo.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    with translation.override("en"):
        assert translation.gettext("Seneste møder") == "Latest meetings"
        assert translation.ngettext("%(n)s punkt fundet", "%(n)s punkter fundet", 2) == (
            "%(n)s items found"
        )


def test_the_catalogue_holds_every_marked_string_and_no_other():
    """A string marked in the code or a template but missing here stays Danish on English
    pages: update the catalogue (docs/architecture.md, "Languages"). If makemessages does
    not bring it in, the call is where xgettext cannot see it (inside an f-string)."""
    marked = support.python_msgids()
    for path in support.template_paths():
        marked |= support.template_msgids(path)
    in_catalogue = {support.key(e) for e in support.catalogue()}
    assert sorted(marked - in_catalogue, key=str) == []
    assert sorted(in_catalogue - marked, key=str) == []


@pytest.mark.parametrize(
    "path",
    [p for p in support.template_paths() if p.name not in support.MACHINE_TEMPLATES],
    ids=lambda p: str(p.relative_to(support.ROOT / "templates")),
)
def test_templates_mark_all_the_text_they_show(path):
    assert support.unmarked_text(path) == []


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ("<p>Hej {{ name }}</p>", ["Hej"]),
        ('<p>{% translate "Hej" %} {{ name }}</p>', []),
        ('<button title="Luk">{% translate "Luk" %}</button>', ["Luk"]),
        ('<input type="submit" value="Gem"><input type="hidden" value="q">', ["Gem"]),
        ("{% blocktranslate %}Side {{ n }}{% endblocktranslate %} · API", []),
        ("{# Oversætterne #}<pre><code>curl /api/v1/</code></pre><!-- note -->", []),
        ("{% block bodyclass %}upload-page{% endblock %}<h1>Upload</h1>", ["Upload"]),
    ],
)
def test_the_template_check_finds_unmarked_text_and_nothing_else(tmp_path, source, unmarked):
    template = tmp_path / "page.html"
    template.write_text("{% load i18n %}" + source, encoding="utf-8")
    assert support.unmarked_text(template) == unmarked


# --- The pages in both languages ---------------------------------------------------------


@pytest.fixture
def pages(seed_archive):
    """The main pages, by name: their Danish paths (English is the same under /en)."""
    meeting = Meeting.objects.get(date="2026-03-25")
    item = AgendaItem.objects.get(number=50, meeting_date__year=2025)
    subscriber = Subscriber.objects.create(email="anna@example.org")
    subscription = Subscription.objects.create(
        subscriber=subscriber, kind="case", params={"case": "00.00.00-P19-1719-10"},
        target="case-1719", label="Sag 00.00.00-P19-1719-10", status="pending",
    )  # fmt: skip
    return {
        "home": "/",
        "search": HJEMLOESE,
        "meetings": "/moeder/",
        "meeting": meeting.get_absolute_url(),
        "item": item.get_absolute_url(),
        "case": CASE,
        "municipality": "/kommune/herning/",
        "committee": "/kommune/herning/beskaeftigelsesudvalget/",
        "api": "/api/",
        "follow": "/foelg/?follow=case&case=00.00.00-P19-1719-10",
        "request_link": "/foelg/mine/",
        "requested": "/foelg/tjek-din-email/",
        "confirm": reverse("alerts:confirm", args=[tokens.confirm(subscription)]),
        "manage": reverse("alerts:manage", args=[tokens.manage(subscriber)]),
        "unsubscribe": reverse("alerts:unsubscribe", args=[tokens.unsubscribe(subscriber)]),
        "not_found": "/moeder/999999/",
        "person": Person.objects.filter(municipality__slug="herlev").first().get_absolute_url(),
        "herlev_committee": Committee.objects.get(municipality__slug="herlev").get_absolute_url(),
    }


PAGE_NAMES = [
    "home", "search", "meetings", "meeting", "item", "case", "municipality", "committee",
    "api", "follow", "request_link", "requested", "confirm", "manage", "unsubscribe",
    "not_found", "person", "herlev_committee",
]  # fmt: skip


def switch_link(page_html: str, language: str) -> str:
    """Where the language switch's link to `language` points."""
    [href] = re.findall(rf'<a href="([^"]+)" hreflang="{language}" lang="{language}">', page_html)
    return unquote(html.unescape(href))


def get(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_main_page_reads_in_english_without_danish_interface_text(client, pages, name):
    path = pages[name]
    status = 404 if name == "not_found" else 200
    english = get(client, "/en" + path, status)
    assert '<html lang="en">' in english
    assert switch_link(english, "da") == unquote(path)
    for language, url in (("da", path), ("x-default", path), ("en", "/en" + path)):
        alternate = f'<link rel="alternate" hreflang="{language}" href="http://testserver{url}">'
        assert html.unescape(unquote(alternate)) in html.unescape(unquote(english))
    whole, phrases = support.danish_only(support.catalogue())
    text = support.page_text(english, "en")
    assert [t for t in text if support.bare(t) in whole] == []
    joined = " ".join(text)
    assert [p for p in phrases if p in joined] == []

    danish = get(client, path, status)
    assert '<html lang="da">' in danish
    assert switch_link(danish, "en") == unquote("/en" + path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "english", "danish"),
    [
        (
            "home",
            ["Latest meetings", "What the archive covers", "26 March 2026", "22 March 2018"],
            ["Seneste møder", "Hvad arkivet dækker", "26. marts 2026", "22. marts 2018"],
        ),
        (
            "search",
            ["items found", "Hits per year", "Narrow down the results", "Follow the search"],
            ["punkter fundet", "Fund pr. år", "Afgræns resultaterne", "Følg søgningen"],
        ),
        (
            "meeting",
            ["Wednesday 25 March 2026 at 16:00", "Participants", "Item 25: ", "Contents"],
            ["Onsdag 25. marts 2026 kl. 16:00", "Deltagere", "Punkt 25: ", "Indhold"],
        ),
        (
            "item",
            [
                "<h1>Item 50: ",
                "<dt>Case no.</dt>",
                "Tuesday 16 September 2025</a>",
                "(not in the archive)",
                "Beskæftigelsesudvalget, meeting 16 September 2025, item 50: »",
            ],
            [
                "<h1>Punkt 50: ",
                "<dt>Sagsnr.</dt>",
                "tirsdag 16. september 2025</a>",
                "(ikke i arkivet)",
                "Beskæftigelsesudvalget, møde 16. september 2025, punkt 50: »",
            ],
        ),
        ("case", ["<h1>Case 00.00.00-P19-1719-10", "Follow the case by e-mail"], ["<h1>Sag "]),
        ("api", ["Open data and API", "Meetings, newest first"], ["Møder, nyeste først"]),
        ("follow", ["Follow by e-mail", "Your e-mail address"], ["Din e-mailadresse"]),
        ("not_found", ["Page not found"], ["Siden findes ikke"]),
    ],
)
def test_key_strings_and_dates_in_each_language(client, pages, name, english, danish):
    path = pages[name]
    status = 404 if name == "not_found" else 200
    in_english, in_danish = get(client, "/en" + path, status), get(client, path, status)
    for text in english:
        assert text in in_english and text not in in_danish, text
    for text in danish:
        assert text in in_danish and text not in in_english, text


@pytest.mark.django_db
def test_document_text_stays_as_written_in_english(client, pages):
    english = get(client, "/en" + pages["item"])
    assert "Indstillingen er tiltrådt." in english  # the decision, as the minutes say it
    assert "Beskæftigelsesudvalget" in english
    meeting = get(client, "/en" + pages["meeting"])
    assert "Arly Eskildsen (F)" in meeting
    assert "Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget" in meeting


@pytest.mark.django_db
def test_the_outcome_of_each_point_is_english_on_english_pages(client, seed_archive):
    item = AgendaItem.objects.get(number=27, meeting_date="2026-03-25")
    english = get(client, "/en" + item.get_absolute_url())
    assert "Point 1: <span" in english and ">noted</span>" in english
    assert "taget til efterretning" not in english


# --- Which addresses have a language -----------------------------------------------------


@pytest.mark.django_db
def test_the_browser_language_never_moves_a_danish_page(client, seed_archive):
    danish = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert danish["Content-Language"] == "da"
    assert "Seneste møder" in danish.content.decode()
    client.cookies["django_language"] = "en"  # what Django's set_language view would set
    assert "Seneste møder" in get(client, "/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/healthz", "/robots.txt", "/opensearch.xml", "/sitemap.xml", "/admin/login/"]
)
def test_machine_and_editor_addresses_have_no_english_copy(client, path):
    assert client.get("/en" + path).status_code == 404
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_the_api_and_feeds_speak_english_under_en(client, seed_archive):
    assert client.get("/api/v1/meetings/999999").json() == {"error": "Mødet findes ikke."}
    english = client.get("/en/api/v1/meetings/999999")
    assert english.json() == {"error": "The meeting does not exist."}
    feed = client.get("/en/kommune/herning/feed").content.decode()
    assert "<title>New meetings: Herning Kommune</title>" in feed
    assert "<title>Nye møder: Herning Kommune</title>" in get(client, "/kommune/herning/feed")


@pytest.mark.django_db
def test_a_cached_page_is_served_in_its_own_language(
    client, seed_archive, django_assert_num_queries
):
    english = get(client, "/en/")
    danish = get(client, "/")
    with django_assert_num_queries(2):  # the content version, once a page: both are hits
        assert get(client, "/en/") == english
        assert get(client, "/") == danish
    assert "Latest meetings" in english and "Seneste møder" in danish


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('{{ d|date:"j. F Y" }} {{ d|date:"DATE_FORMAT" }} {{ d|date:"l" }}', ["j. F Y"]),
        ("dateformat.format(day, 'j. F Y'); date_format(day, \"DATE_FORMAT\")", ["j. F Y"]),
        ('{{ d|date:"Y-m-d" }} {{ t|time:"H:i" }}', []),
    ],
)
def test_the_date_check_finds_formats_in_one_languages_order(source, found):
    assert support.literal_date_formats(source) == found


def test_dates_are_written_in_the_pages_language():
    """'26. marts 2026' and '26 March 2026' come from DATE_FORMAT (config/formats/)."""
    fixed = {
        str(path.relative_to(support.ROOT)): found
        for path in support.sources()
        if (found := support.literal_date_formats(path.read_text(encoding="utf-8")))
    }
    assert fixed == {}
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 3, 26)) == "26 March 2026"
    with translation.override("da"):
        assert formats.date_format(datetime.date(2026, 3, 26)) == "26. marts 2026"


@pytest.mark.browser
def test_a_reader_switches_language_without_javascript(live_server, browser, transactional_db):
    """The switch is a plain link: with JavaScript off the same search opens in English
    and back in Danish, and the browser's own language (da-DK here) changes nothing."""
    from tests import factories

    factories.seed_archive()
    context = browser.new_context(locale="da-DK", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + HJEMLOESE)
    assert page.locator("p.count").inner_text() == "5 punkter fundet"
    page.locator("nav.languages").get_by_role("link", name="English").click()
    assert page.url == live_server.url + "/en" + HJEMLOESE
    assert page.locator("p.count").inner_text() == "5 items found"
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("nav.languages").get_by_role("link", name="Dansk").click()
    assert page.url == live_server.url + HJEMLOESE
    assert page.locator("p.count").inner_text() == "5 punkter fundet"
    context.close()
