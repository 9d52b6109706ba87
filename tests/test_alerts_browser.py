"""A person in a real browser follows a search by e-mail, confirms through the link in the
e-mail the (real, local) SMTP server received, and unsubscribes from the digest."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ingest.store import ingest_bytes
from jobs.recovery import run_until_idle
from tests import alerts_support as support
from tests.conftest import new_page, sample_path

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context, page, errors = new_page(
        browser, locale="da-DK", viewport={"width": 1100, "height": 900}
    )
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def smtp(settings, live_server):
    settings.SITE_URL = live_server.url
    support.clear_queue()
    with support.smtp_server(settings) as mailbox:
        yield mailbox
    support.clear_queue()


def ingest(prefix):
    path = sample_path(prefix)
    ingest_bytes(path.read_bytes(), file_name=path.name)


def test_follow_confirm_and_unsubscribe(transactional_db, live_server, smtp, page):
    ingest("000")
    page.goto(live_server.url + "/soeg/?q=hjeml%C3%B8se")
    page.get_by_role("link", name="Følg søgningen pr. e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Følg pr. e-mail")
    expect(page.locator(".lead")).to_have_text(
        "Du får en e-mail, når der kommer nyt om: Søgningen »hjemløse«."
    )
    page.get_by_label("Din e-mailadresse").fill("anna@example.dk")
    page.get_by_role("button", name="Følg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek din e-mail")

    run_until_idle()
    [confirmation] = smtp.messages
    assert str(confirmation["To"]) == "anna@example.dk"
    page.goto(support.link_after(confirmation, "http"))  # the line with the link alone
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du følger nu")
    expect(page.get_by_role("status")).to_have_text("Søgningen »hjemløse«")

    ingest("001")
    call_command("send_alerts")
    digest = smtp.messages[1]
    assert "Godkendelse af etablering af alternative boligformer" in support.text_of(digest)
    page.goto(support.link_after(digest, "Afmeld dette:"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmeld")
    page.get_by_role("button", name="Afmeld").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er afmeldt")
    expect(page.locator("main li")).to_have_text(["Søgningen »hjemløse«"])
    page.get_by_role("link", name="Se dine abonnementer").click()
    expect(page.get_by_role("status")).to_have_text("Du følger ikke noget.")
