"""A person in a real browser: search, narrow by a facet, open an item, follow its case.

Runs headless Chromium through Playwright: the system's Chromium when there is one
(`make test` installs Debian's when it may), else Playwright's own.
"""

import pytest
from playwright.sync_api import expect

from ingest.store import ingest_bytes
from tests.conftest import SAMPLES, new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context, page, errors = new_page(
        browser, locale="en-US", viewport={"width": 1200, "height": 900}
    )
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def archive(transactional_db):
    for path in sorted(SAMPLES.iterdir()):
        ingest_bytes(path.read_bytes(), file_name=path.name)


def test_search_facet_item_and_case_history(live_server, archive, page):
    page.goto(live_server.url + "/")
    page.get_by_label("Søg i referater og beslutninger").fill("hjemløse")
    page.get_by_role("button", name="Søg").click()
    expect(page.locator("p.count")).to_have_text("5 punkter fundet")

    page.locator(".facets").get_by_role("link", name="Herlev Kommune").click()
    expect(page.locator("p.count")).to_have_text("1 punkt fundet")
    expect(page).to_have_url(live_server.url + "/soeg/?q=hjeml%C3%B8se&municipality=herlev")

    page.get_by_role("link", name="Indsatser til håndtering af udgiftsudvikling").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        "Punkt 25: Indsatser til håndtering af udgiftsudvikling i Myndighed Handicap & Psykiatri"
    )
    # Danish dates even though the browser asks for English.
    expect(page.locator(".crumbs")).to_contain_text("25. marts 2026")

    history = page.locator(".case-history")
    expect(history).to_contain_text("00.01.00-A00-29-25")
    history.get_by_role("link", name="Status på arbejdet med handlingsplan").click()
    expect(heading).to_contain_text("Punkt 26: Status på arbejdet med handlingsplan")

    page.get_by_role("link", name="hele sagen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sag 00.01.00-A00-29-25")
    expect(page.locator("ol.timeline li")).to_have_count(2)


def test_typo_suggestion_and_decision_scope(live_server, archive, page):
    page.goto(live_server.url + "/soeg/?q=hjemlse")
    page.get_by_role("link", name="hjemløse").click()
    expect(page.locator("p.count")).to_have_text("5 punkter fundet")

    page.get_by_label("Søg i").select_option("decisions")
    page.get_by_label("Søgeord").fill("udskyde")
    page.get_by_role("button", name="Søg").click()
    expect(page.locator("p.count")).to_have_text("2 punkter fundet")
    expect(page.locator("mark").first).to_have_text("udskyde")
