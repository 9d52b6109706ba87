"""E-mail alerts end to end: a real SMTP server (aiosmtpd) that the tests read, the real
ingest path, and the real job queue (a worker run in-process, or killed in a subprocess)."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote, urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from procrastinate.contrib.django.models import ProcrastinateJob

from alerts import delivery, tokens
from alerts.models import Delivery, OutboxMessage, Sighting, Subscriber, Subscription
from archive.models import AgendaItem, Committee
from ingest.store import ingest_bytes
from jobs.recovery import retry_stalled_now, run_until_idle
from tests import alerts_support as support
from tests.conftest import ROOT, sample_path
from tests.test_fuzz_views import FUZZ, HOSTILE, KEYS, VALUES

pytestmark = pytest.mark.django_db(transaction=True)

ANNA = "anna@example.dk"
BO = "bo@example.dk"
HJEMLOESE = {"follow": "search", "q": "hjemløse"}
CASE_1719 = {"follow": "case", "case": "00.00.00-P19-1719-10"}

# A small referat of the kind the text reader takes, and its corrected version: one item
# is inserted (moving the ones after it) and one decision is reworded.
MINUTES = """REFERAT Økonomiudvalget d. 10-06-2026

Mødedato Onsdag d. 10. juni 2026 kl. 16:00

Mødested Rådhuset

Punkt 1: Godkendelse af dagsorden

Beslutning

Godkendt.
{extra}
Punkt {n2}: Forebyggende hjemløseindsats 2026

15.00.00-A00-9-26

Sagsfremstilling

Der gives en orientering om indsatsen for hjemløse borgere.

Beslutning

{decision}

Punkt {n3}: Eventuelt

Beslutning

Intet.
"""
EXTRA = """
Punkt 2: Tillægsbevilling til vinterberedskab

Beslutning

Godkendt.
"""


def minutes(corrected=False) -> bytes:
    if corrected:
        text = MINUTES.format(
            extra=EXTRA, n2=3, n3=4, decision="Taget til efterretning med bemærkninger."
        )
    else:
        text = MINUTES.format(extra="", n2=2, n3=3, decision="Taget til efterretning.")
    return text.encode()


@pytest.fixture(autouse=True)
def empty_queue():
    support.clear_queue()
    yield
    support.clear_queue()


@pytest.fixture
def smtp(settings):
    settings.SITE_URL = "http://testserver"
    with support.smtp_server(settings) as mailbox:
        yield mailbox


def ingest(prefix, **kwargs):
    path = sample_path(prefix)
    return ingest_bytes(path.read_bytes(), file_name=path.name, **kwargs)


def subscribe(client, smtp, email, **params):
    """Ask to follow, then confirm through the link in the e-mail; that e-mail."""
    before = len(smtp.messages)
    response = client.post("/foelg/", {"email": email, **params})
    assert response.status_code == 302
    run_until_idle()
    [confirmation] = smtp.messages[before:]
    path = support.link_to(confirmation, "/foelg/bekraeft/")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    return confirmation


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def digests(smtp, address):
    return [m for m in smtp.to(address) if subject(m).startswith("Nyt i Referatarkiv")]


def titles(message):
    return [line[2:] for line in support.text_of(message).splitlines() if line.startswith("* ")]


def send_alerts():
    """`manage.py send_alerts`; its exit status (1 when a delivery failed)."""
    try:
        call_command("send_alerts")
    except SystemExit as exit:
        return exit.code
    return 0


# --- What a follower receives -------------------------------------------------------------


def test_search_follower_gets_each_new_match_once(client, smtp):
    ingest("000")  # in the archive before the subscription: not news
    subscribe(client, smtp, ANNA, **HJEMLOESE)

    ingest("001")
    assert send_alerts() == 0
    [first] = digests(smtp, ANNA)
    assert titles(first) == [
        "Besøg og oplæg ved Blå Kors Pensionat",
        "Godkendelse af etablering af alternative boligformer til hjemløse borgere",
    ]
    assert subject(first) == "Nyt i Referatarkiv: 2 punkter – Søgningen »hjemløse«"
    text = support.text_of(first)
    assert "16. september 2025 · Beskæftigelsesudvalget, Herning Kommune · punkt 50" in text
    assert "<strong>Godkendelse af etablering af alternative boligformer" in support.html_of(first)

    assert send_alerts() == 0  # nothing new: nothing sent
    assert len(digests(smtp, ANNA)) == 1

    ingest("002")
    assert send_alerts() == 0
    assert [titles(m) for m in digests(smtp, ANNA)][1] == [
        "Politisk budgetopfølgning 31. marts 2022"
    ]

    # Unsubscribe as a mail program does (RFC 8058): a POST to the List-Unsubscribe link.
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(first["List-Unsubscribe"]).strip().strip("<>")
    response = client.post(
        support.path_of(url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Du er afmeldt" in response.content.decode()
    ingest("003")  # has a match, but nobody follows the search any more
    assert send_alerts() == 0
    assert len(digests(smtp, ANNA)) == 2
    assert Subscription.objects.get().status == Subscription.Status.ENDED


def test_corrected_meeting_sends_only_what_is_new(client, smtp):
    committee_page = "/kommune/testrup/oekonomiudvalget/"
    ingest_bytes(minutes(), file_name="oek.txt", municipality="Testrup Kommune")
    committee = Committee.objects.get(name="Økonomiudvalget")
    assert committee.get_absolute_url() == committee_page
    subscribe(client, smtp, ANNA, follow="committee", committee=committee.pk)
    assert send_alerts() == 0
    assert digests(smtp, ANNA) == []  # the meeting was there before the subscription

    before = set(AgendaItem.objects.values_list("id", flat=True))
    outcome = ingest_bytes(
        minutes(corrected=True),
        file_name="oek-rettet.txt",
        municipality="Testrup Kommune",
        replace=True,
    )
    assert outcome.status == "replaced"
    assert before.isdisjoint(AgendaItem.objects.values_list("id", flat=True))
    assert send_alerts() == 0
    [digest] = digests(smtp, ANNA)
    # Moved and reworded items are the same items; only the inserted one is news.
    assert titles(digest) == ["Tillægsbevilling til vinterberedskab"]
    assert "10. juni 2026 · Økonomiudvalget, Testrup Kommune · punkt 2" in support.text_of(digest)


def test_case_follower_is_told_right_after_the_ingest(client, smtp):
    ingest("000")
    subscribe(client, smtp, ANNA, **CASE_1719)

    ingest("002")  # its commit queues a job for the case's followers
    run_until_idle()  # the worker, not send_alerts
    [digest] = digests(smtp, ANNA)
    assert titles(digest) == ["Nøgletal på Social og beskæftigelsesområdet"]
    assert subject(digest) == "Nyt i Referatarkiv: 1 punkt – Sag 00.00.00-P19-1719-10"

    ingest("004")
    run_until_idle()
    assert [titles(m) for m in digests(smtp, ANNA)][1] == ["Nøgletal på beskæftigelsesområdet"]
    assert send_alerts() == 0
    assert len(digests(smtp, ANNA)) == 2


def test_one_digest_per_address_lists_each_item_once(client, smtp):
    committee_of_001 = {"follow": "committee"}
    ingest("000")
    committee_of_001["committee"] = Committee.objects.get().pk
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    subscribe(client, smtp, ANNA, **committee_of_001)

    ingest("001")
    assert send_alerts() == 0
    [digest] = digests(smtp, ANNA)
    assert subject(digest) == "Nyt i Referatarkiv: 7 punkter"
    text = support.text_of(digest)
    search_part, committee_part = text.split(
        "== Udvalget Beskæftigelsesudvalget, Herning Kommune =="
    )
    assert titles_in(search_part) == [
        "Besøg og oplæg ved Blå Kors Pensionat",
        "Godkendelse af etablering af alternative boligformer til hjemløse borgere",
    ]
    assert titles_in(committee_part) == [
        "Orientering om status på arbejdet i og omkring Bethaniagade",
        "Orientering om Dobbeldiagnosetilbud i Regionen",
        "Orientering om brugen af Socialt Frikort i Herning Kommune",
        "Godkendelse af forlængelse af den boligsociale helhedsplan i Herning – Plads til Forskel",
        "Meddelelser til og fra formanden og udvalgets medlemmer",
    ]
    assert Delivery.objects.count() == 7


def titles_in(text):
    return [line[2:] for line in text.splitlines() if line.startswith("* ")]


# --- Crashes and failures -------------------------------------------------------------


def test_dropped_connection_retries_with_backoff_and_sends_each_digest_once(client, smtp, settings):
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    subscribe(client, smtp, BO, **HJEMLOESE)
    settings.ALERTS_RETRY_SECONDS = 2
    ingest("001")

    smtp.drop_after = len(smtp.messages) + 1  # the server goes away after one more message
    started = time.time()
    assert send_alerts() == 1
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 0]
    failed = OutboxMessage.objects.get(to=BO, kind=OutboxMessage.Kind.DIGEST)
    assert (failed.status, failed.attempts) == (OutboxMessage.Status.QUEUED, 1)
    assert "SMTPServerDisconnected" in failed.last_error
    assert 1 <= failed.next_attempt_at.timestamp() - started <= 3

    smtp.drop_after = None  # the server is back
    assert send_alerts() == 0  # too early: the retry waits its turn
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 0]
    time.sleep(2.1)
    assert send_alerts() == 0
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]
    assert titles(digests(smtp, BO)[0]) == titles(digests(smtp, ANNA)[0])
    assert send_alerts() == 0
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]
    assert OutboxMessage.objects.get(to=BO, kind="digest").attempts == 2


def worker_environment(test_database_url, smtp):
    return dict(
        os.environ,
        DATABASE_URL=test_database_url,
        DEBUG="1",
        REDIS_URL="",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        SITE_URL="http://testserver",
    )


def kill_when_stalled(process, smtp):
    try:
        assert smtp.stalled.wait(timeout=90), "the sender never reached the stalled step"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    support.wait_for_released_claims()


def test_worker_killed_mid_send_is_recovered_and_sends_each_digest_once(
    client, smtp, test_database_url
):
    ingest("000")
    subscribe(client, smtp, ANNA, **CASE_1719)
    subscribe(client, smtp, BO, **CASE_1719)
    # The second digest hangs while the server considers its recipient.
    smtp.stall = ("rcpt", smtp.mail_commands + 2)
    ingest("002")  # queues the case followers' job

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker"],
        cwd=ROOT,
        env=worker_environment(test_database_url, smtp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kill_when_stalled(worker, smtp)
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 0]
    stuck = OutboxMessage.objects.get(to=BO, kind="digest")
    assert stuck.status == OutboxMessage.Status.QUEUED  # never handed over

    smtp.stall = None
    assert retry_stalled_now(seconds_since_heartbeat=0) == 1  # the killed worker's job
    run_until_idle()
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]
    assert titles(digests(smtp, BO)[0]) == ["Nøgletal på Social og beskæftigelsesområdet"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert send_alerts() == 0
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]


def test_sender_killed_after_handing_over_never_sends_twice(client, smtp, test_database_url):
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    subscribe(client, smtp, BO, **HJEMLOESE)
    ingest("001")
    # The server has the whole second digest, and is killed before it answers.
    smtp.stall = ("data", smtp.mail_commands + 2)

    sender = subprocess.Popen(
        [sys.executable, "manage.py", "send_alerts"],
        cwd=ROOT,
        env=worker_environment(test_database_url, smtp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kill_when_stalled(sender, smtp)
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]
    assert OutboxMessage.objects.get(to=BO, kind="digest").status == "handed_over"

    smtp.stall = None
    assert send_alerts() == 1  # reports the unconfirmed message ...
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]  # ... and does not resend it
    unconfirmed = OutboxMessage.objects.get(to=BO, kind="digest")
    assert unconfirmed.status == OutboxMessage.Status.UNCONFIRMED
    assert send_alerts() == 0
    assert [len(digests(smtp, a)) for a in (ANNA, BO)] == [1, 1]

    # An operator who knows it never arrived queues it again (the admin's "Send igen").
    assert delivery.requeue(OutboxMessage.objects.filter(pk=unconfirmed.pk)) == 1
    assert send_alerts() == 0
    resent = digests(smtp, BO)[1]
    assert resent["Message-ID"] == digests(smtp, BO)[0]["Message-ID"]


def test_refused_recipient_is_given_up(client, smtp, settings):
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    ingest("001")
    smtp.refuse = ANNA
    assert send_alerts() == 1
    failed = OutboxMessage.objects.get(kind="digest")
    assert (failed.status, failed.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert "550" in failed.last_error


# --- Links, tokens, limits, privacy ----------------------------------------------------


def test_forged_tampered_and_wrong_purpose_links_get_a_clear_page(client, smtp):
    confirmation = subscribe(client, smtp, ANNA, **HJEMLOESE)
    manage_path = support.link_to(confirmation, "/foelg/abonnementer/")
    token = manage_path.split("/")[-2]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (
        "/foelg/bekraeft/not-a-token/",
        f"/foelg/abonnementer/{tampered}/",
        f"/foelg/afmeld/{token}/",  # a manage link used to unsubscribe
        f"/foelg/bekraeft/{token}/",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "Linket er ugyldigt" in response.content.decode()
    response = client.post(f"/foelg/afmeld/{tampered}/")
    assert response.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
    assert client.get(manage_path).status_code == 200


def test_expired_links_say_so(client, smtp, settings):
    settings.ALERTS_CONFIRM_DAYS = 1 / 86400  # one second
    client.post("/foelg/", {"email": ANNA, **HJEMLOESE})
    run_until_idle()
    [confirmation] = smtp.messages
    path = support.link_to(confirmation, "/foelg/bekraeft/")
    time.sleep(2.1)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "Linket er udløbet" in page
        assert 'href="/foelg/mine/"' in page
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_requests_are_limited_per_client_and_per_address(client, settings):
    settings.ALERTS_RATE_PER_IP = 3
    settings.ALERTS_RATE_PER_ADDRESS = 2
    for n in range(3):
        response = client.post(
            "/foelg/", {"email": f"p{n}@example.dk", **HJEMLOESE}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 302
    response = client.post(
        "/foelg/", {"email": "p9@example.dk", **HJEMLOESE}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "For mange forsøg" in response.content.decode()

    # One address from many clients: a mailbox cannot be flooded either.
    statuses = [
        client.post("/foelg/mine/", {"email": ANNA}, REMOTE_ADDR=f"10.0.1.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert ProcrastinateJob.objects.count() == 5  # the refused requests queued nothing


def test_answers_reveal_nothing_about_an_address(client, smtp):
    subscribe(client, smtp, ANNA, **HJEMLOESE)  # active
    client.post("/foelg/", {"email": BO, **HJEMLOESE})  # pending
    run_until_idle()
    sent_before = len(smtp.messages)

    def answers(path, data, addresses):
        found = []
        for email in addresses:
            response = client.post(path, {"email": email, **data})
            # Only the clock differs.
            headers = {k: v for k, v in response.headers.items() if k not in ("Date", "Expires")}
            found.append((response.status_code, headers, response.content, response.cookies))
        return found

    # Active, pending, unknown: the very same answer.
    first, *rest = answers("/foelg/", HJEMLOESE, [ANNA, BO, "ny@example.dk"])
    assert first[0] == 302 and first[1]["Location"] == "/foelg/tjek-din-email/"
    assert rest == [first, first]
    first, *rest = answers("/foelg/mine/", {}, [ANNA, BO, "ingen@example.dk"])
    assert rest == [first, first]
    run_until_idle()
    # The e-mails went each to its own address; an address that follows nothing got none.
    received = [(str(m["To"]), subject(m)) for m in smtp.messages[sent_before:]]
    assert sorted(received) == [
        (ANNA, "Bekræft: Søgningen »hjemløse«"),
        (ANNA, "Dine abonnementer i Referatarkiv"),
        (BO, "Bekræft: Søgningen »hjemløse«"),
        (BO, "Dine abonnementer i Referatarkiv"),
        ("ny@example.dk", "Bekræft: Søgningen »hjemløse«"),
    ]


def test_manage_page_lists_subscriptions_and_stops_one(client, smtp):
    ingest("000")
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    confirmation = subscribe(client, smtp, ANNA, **CASE_1719)
    page = client.get(support.link_to(confirmation, "/foelg/abonnementer/"))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert "Søgningen »hjemløse«" in html and "Sag 00.00.00-P19-1719-10" in html
    case = Subscription.objects.get(kind="case")
    stop_case = reverse("alerts:unsubscribe", args=[tokens.unsubscribe(case.subscriber, case)])
    assert f'action="{stop_case}"' in html
    assert client.post(stop_case).status_code == 200
    statuses = dict(Subscription.objects.values_list("kind", "status"))
    assert statuses == {"search": "active", "case": "ended"}
    html = client.get(support.link_to(confirmation, "/foelg/abonnementer/")).content.decode()
    assert "Sag 00.00.00-P19-1719-10" not in html


def test_confirmation_email(client, smtp):
    client.post("/foelg/", {"email": " Anna@Example.DK ", **HJEMLOESE})
    run_until_idle()
    [message] = smtp.messages
    assert str(message["To"]) == ANNA
    assert subject(message) == "Bekræft: Søgningen »hjemløse«"
    text = support.text_of(message)
    assert "når der kommer nyt om: Søgningen »hjemløse«." in text
    assert "Linket virker i 7 dage." in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert support.link_to(message, "/foelg/bekraeft/") in support.html_of(message)
    assert Subscriber.objects.get().email == ANNA
    # Following the same search again is one subscription, not two.
    client.post("/foelg/", {"email": ANNA, **HJEMLOESE})
    run_until_idle()
    assert Subscription.objects.count() == 1
    assert len(smtp.messages) == 2


def test_follow_pages(client):
    ingest("000")
    response = client.get(
        "/foelg/",
        {
            "follow": "search",
            "q": "budget",
            "municipality": "herning",
            "outcome": "approved",
            "date_from": "2026-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Søgningen »budget«, Herning Kommune, fra 1. januar 2026, godkendt" in html
    assert '<label for="id_email">Din e-mailadresse</label>' in html
    assert '<input type="hidden" name="municipality" value="herning">' in html
    for params, message in (
        ({"follow": "search", "municipality": "ingen-steder"}, "ugyldige værdier"),
        ({"follow": "search"}, "Skriv et søgeord"),
        ({"follow": "committee", "committee": "999999"}, "Udvalget findes ikke"),
        ({}, "Der er ikke angivet noget at følge"),
    ):
        response = client.get("/foelg/", params)
        assert response.status_code == 400
        assert message in response.content.decode()
    response = client.post("/foelg/", {"email": "ikke-en-adresse", **HJEMLOESE})
    assert response.status_code == 400
    assert "Indtast en gyldig e-mail-adresse." in response.content.decode()

    # The archive's pages link to it.
    committee = Committee.objects.get()
    search = client.get("/soeg/", {"q": "budget"}).content.decode()
    assert 'href="/foelg/?follow=search&amp;q=budget"' in search
    case = client.get("/sag/00.00.00-P19-1719-10/").content.decode()
    assert 'href="/foelg/?follow=case&amp;case=00.00.00-P19-1719-10"' in case
    page = client.get(committee.get_absolute_url()).content.decode()
    assert f'href="/foelg/?follow=committee&amp;committee={committee.pk}"' in page


def test_sightings_identify_items_by_content_not_row(smtp):
    ingest_bytes(minutes(), file_name="oek.txt", municipality="Testrup Kommune")
    assert Sighting.objects.count() == 3
    ingest_bytes(
        minutes(corrected=True),
        file_name="oek2.txt",
        municipality="Testrup Kommune",
        replace=True,
    )
    assert Sighting.objects.count() == 4
    # A crash between the ingest's commit and its hook: catching up finds nothing missed.
    Sighting.objects.all().delete()
    from alerts import sightings

    assert sightings.catch_up() == 4


def test_unconfirmed_requests_and_idle_addresses_are_forgotten(client, smtp, settings):
    client.post("/foelg/", {"email": ANNA, **HJEMLOESE})
    run_until_idle()
    settings.ALERTS_CONFIRM_DAYS = 1 / 86400
    time.sleep(1.1)
    assert send_alerts() == 0
    assert Subscriber.objects.count() == 0
    assert Subscription.objects.count() == 0


EMAIL_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)"
)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (
            {"EMAIL_URL": "smtp://anna:hemm%40lig@mail.example.dk:587/?tls=True&timeout=9"},
            "alerts.mail.SMTPBackend mail.example.dk 587 anna hemm@lig True False 9",
        ),
        (
            {"EMAIL_URL": "smtp://anna:x@mail.example.dk:465/?ssl=True"},
            "alerts.mail.SMTPBackend mail.example.dk 465 anna x False True 30",
        ),
        (
            {"EMAIL_HOST": "smtp.example.dk", "EMAIL_HOST_USER": "bo", "EMAIL_HOST_PASSWORD": "y"},
            "alerts.mail.SMTPBackend smtp.example.dk 587 bo y True False 30",
        ),
        ({}, "django.core.mail.backends.console.EmailBackend localhost 25   False False 30"),
    ],
)
def test_email_settings_from_the_environment(environment, expected):
    base = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + EMAIL_SETTINGS],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"} | environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected


def test_deploy_check_warns_when_e_mail_would_go_nowhere():
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "SITE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "compatibility"],
        cwd=ROOT,
        env=base | {"DEBUG": "0", "SECRET_KEY": "x" * 60, "DEFAULT_FROM_EMAIL": ""},
        capture_output=True,
        text=True,
    )
    assert "(alerts.W001) E-mail skrives kun i loggen" in result.stderr
    assert "(alerts.W002) DEFAULT_FROM_EMAIL og SITE_URL" in result.stderr


FOLLOW_KEYS = [*KEYS, "follow", "case", "email"]
FOLLOW_VALUES = VALUES | st.sampled_from(["search", "case", "committee"])


@FUZZ
@given(params=st.lists(st.tuples(st.sampled_from(FOLLOW_KEYS), FOLLOW_VALUES), max_size=6))
def test_hostile_follow_parameters_never_fail(client, params):
    response = client.get("/foelg/?" + urlencode(params))
    assert response.status_code in (200, 400), params


@FUZZ
@given(segment=HOSTILE | st.text(min_size=1, max_size=300))
def test_hostile_links_never_fail(client, segment):
    for purpose in ("bekraeft", "abonnementer", "afmeld"):
        response = client.get(f"/foelg/{purpose}/{quote(segment, safe='')}/")
        assert response.status_code in (400, 404), (purpose, segment)


def test_follow_pages_have_a_strict_policy_and_no_inline_code(client, smtp):
    confirmation = subscribe(client, smtp, ANNA, **HJEMLOESE)
    paths = [
        "/foelg/?follow=search&q=hjeml%C3%B8se",
        "/foelg/tjek-din-email/",
        "/foelg/mine/",
        support.link_to(confirmation, "/foelg/bekraeft/"),
        support.link_to(confirmation, "/foelg/abonnementer/"),
        support.link_to(confirmation, "/foelg/afmeld/"),
        "/foelg/afmeld/forfalsket/",
    ]
    for path in paths:
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        html = response.content.decode()
        assert "<script" not in html and "<style" not in html and ' style="' not in html, path


def test_admin_shows_the_outbox_and_queues_a_message_again(client, smtp, django_user_model):
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    ingest("001")
    smtp.refuse = ANNA
    assert send_alerts() == 1
    admin = django_user_model.objects.create_superuser("admin", "admin@example.dk", "x")
    client.force_login(admin)
    for path in (
        "/admin/alerts/outboxmessage/",
        "/admin/alerts/subscription/",
        "/admin/alerts/subscriber/",
    ):
        assert client.get(path).status_code == 200, path
    failed = OutboxMessage.objects.get(kind="digest", status="failed")
    page = client.get(f"/admin/alerts/outboxmessage/{failed.pk}/change/").content.decode()
    assert "No such mailbox" in page
    response = client.post(
        "/admin/alerts/outboxmessage/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 e-mail sættes i kø igen." in response.content.decode()
    smtp.refuse = None
    assert send_alerts() == 0
    assert titles(digests(smtp, ANNA)[0])[0] == "Besøg og oplæg ved Blå Kors Pensionat"


def test_a_digest_waiting_for_a_retry_is_not_sent_after_unsubscribing(client, smtp, settings):
    subscribe(client, smtp, ANNA, **HJEMLOESE)
    settings.ALERTS_RETRY_SECONDS = 0
    ingest("001")
    smtp.drop_after = len(smtp.messages)  # the server goes away before the digest
    assert send_alerts() == 1
    waiting = OutboxMessage.objects.get(kind="digest")
    assert waiting.status == OutboxMessage.Status.QUEUED
    client.post(support.path_of(support.link_after(smtp.messages[-1], "Afmeld alt:")))
    smtp.drop_after = None
    assert send_alerts() == 1
    assert digests(smtp, ANNA) == []
    waiting.refresh_from_db()
    assert (waiting.status, waiting.last_error) == ("failed", "afmeldt inden afsendelsen")


def test_what_people_type_is_escaped_in_html_and_kept_in_text(client, smtp):
    client.post("/foelg/", {"email": ANNA, "follow": "search", "q": '"unge & ældre" <b>'})
    run_until_idle()
    [message] = smtp.messages
    assert subject(message) == 'Bekræft: Søgningen »"unge & ældre" <b>«'
    assert 'om: Søgningen »"unge & ældre" <b>«.' in support.text_of(message)
    assert "Søgningen »&quot;unge &amp; ældre&quot; &lt;b&gt;«" in support.html_of(message)


# --- Following a person ---------------------------------------------------------------------

PERSON_MINUTES = """REFERAT Økonomiudvalget d. {day}-06-2026

Mødedato Onsdag d. {day}. juni 2026 kl. 16:00

Mødested Rådhuset

Deltagere: Jens Hansen (A), Lise Holm (V)

Punkt 1: Godkendelse af dagsorden

Beslutning

Godkendt.

Punkt 2: {title}

Beslutning

{decision}
"""


def person_minutes(day, title, decision) -> bytes:
    return PERSON_MINUTES.format(day=day, title=title, decision=decision).encode()


def test_a_person_follower_gets_the_items_that_name_the_person(client, smtp):
    from archive.models import Person

    ingest_bytes(
        person_minutes(3, "Budget 2027", "Godkendt."),
        file_name="oeu-3.txt",
        municipality="Herning Kommune",
    )
    jens = Person.objects.get(name="Jens Hansen")
    page = client.get(reverse("archive:person", args=[jens.slug])).content.decode()
    assert f"/foelg/?follow=person&amp;person={jens.slug}" in page
    subscribe(client, smtp, ANNA, follow="person", person=jens.slug)

    ingest_bytes(
        person_minutes(10, "Ny cykelsti", "Godkendt. Jens Hansen (A) stemte imod."),
        file_name="oeu-10.txt",
        municipality="Herning Kommune",
    )
    assert send_alerts() == 0
    [digest] = digests(smtp, ANNA)
    assert titles(digest) == ["Ny cykelsti"]  # not "Godkendelse af dagsorden": no name there
    assert send_alerts() == 0
    assert len(digests(smtp, ANNA)) == 1


def test_following_an_unknown_person_is_refused_clearly(client):
    response = client.get("/foelg/", {"follow": "person", "person": "ingen-saadan"})
    assert "Personen findes ikke i arkivet." in response.content.decode()
