"""Search at scale on the seeds: results cached under the content version, the capped path
for very common words (estimated count and facets, relevance over the newest matches only),
exact facets below the cap, and search that keeps working when the cache does not."""

import logging
import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from archive import limits, versions
from archive.models import AgendaItem, Meeting, SourceDocument
from archive.search import cases, engine, facets, throttle
from archive.search.engine import run_search
from archive.search.query import Query
from ingest.store import ingest_bytes
from tests import factories
from tests.conftest import sample_path

pytestmark = pytest.mark.django_db

RESULT_LINK = re.compile(r'<h3><a href="(/moeder/\d+/punkt/\d+/)">')
# The meeting of 26 March 2026 (samples/000), which has several "budget" items.
MEETING_DATE = "2026-03-26"


def api_count(client, word):
    return client.get("/api/search", {"q": word}).json()["count"]


def delete_meeting():
    # A source document PROTECTs its meeting from deletion.
    SourceDocument.objects.filter(meeting__date=MEETING_DATE).delete()
    Meeting.objects.filter(date=MEETING_DATE).delete()


def orm_facets(matches):
    """{kind: {value: count}} of the matched items, counted independently of archive.search."""
    ids = list(matches.values_list("pk", flat=True))
    base = AgendaItem.objects.filter(pk__in=ids).annotate(year=ExtractYear("meeting_date"))
    fields = {"kind": "municipality__kind", "municipality": "municipality__slug"}
    fields |= {"committee": "committee_id"}
    fields |= {"year": "year", "outcome": "outcome"}
    return {
        kind: dict((str(v), n) for v, n in base.values_list(name).annotate(n=Count("id")))
        for kind, name in fields.items()
    }


def facet_counts(facets):
    return {kind: {f.value: f.count for f in values} for kind, values in facets.items()}


def relevance_order(rows):
    """(id, exact, rank, date, meeting id, position) rows in the order relevance shows them."""
    rows = sorted(rows, key=lambda r: (-r[1], -r[2], -r[3].toordinal(), -r[4], r[5]))
    return [r[0] for r in rows]


# --- The cache ----------------------------------------------------------------------------


def test_repeated_search_is_served_from_the_cache(seed_archive, django_assert_num_queries):
    items = AgendaItem.objects.public()
    first = run_search(items, {"q": "budget"})
    with django_assert_num_queries(2):  # the content version, the page's items
        again = run_search(items, {"q": "budget"})
    assert len(first.items) > 3
    assert [item.pk for item in again.items] == [item.pk for item in first.items]
    assert [str(item.best_snippet) for item in again.items] == [
        str(item.best_snippet) for item in first.items
    ]
    assert (again.count, facet_counts(again.facets)) == (first.count, facet_counts(first.facets))


def test_the_api_reuses_the_results_of_the_same_search_page(
    client, seed_archive, django_assert_num_queries
):
    links = RESULT_LINK.findall(client.get("/soeg/?q=budget").content.decode())
    with django_assert_num_queries(2):  # the content version, the page's items
        found = client.get("/api/search", {"q": "budget"}).json()
    assert [hit["url"].removeprefix("http://testserver") for hit in found["results"]] == links


def test_version_increases_when_a_meeting_changes(seed_archive):
    before = versions.current()
    meeting = Meeting.objects.get(date=MEETING_DATE)
    meeting.save()
    assert versions.current() > before


def test_cached_results_follow_deletes_at_once_and_new_minutes_within_a_minute(
    client, seed_archive, clock
):
    in_meeting = AgendaItem.objects.search("budget").filter(meeting_date=MEETING_DATE).count()
    assert in_meeting > 0
    before = api_count(client, "budget")  # now cached
    clock[0] += 30
    delete_meeting()  # a revision: no earlier result is served, however recent
    assert api_count(client, "budget") == before - in_meeting  # computed at this moment
    factories.seed_meeting("000")  # the meeting arrives again: an addition
    clock[0] += 59
    assert api_count(client, "budget") == before - in_meeting  # 59 s old: still served
    clock[0] += 2
    assert api_count(client, "budget") == before  # 61 s old: computed again


def test_an_edit_reaches_cached_results_at_once(client, seed_archive, clock):
    assert api_count(client, "vejbelysningsprojektet") == 0  # cached
    item = AgendaItem.objects.filter(meeting_date=MEETING_DATE).first()
    item.title = "Vejbelysningsprojektet"
    item.save()
    assert api_count(client, "vejbelysningsprojektet") == 1


def test_a_new_meeting_moves_only_the_content_version(seed_archive):
    before = versions.state()
    factories.item(factories.meeting(date="2026-06-01"), title="Nyt punkt")
    added = versions.state()
    assert added.content > before.content and added.revision == before.revision
    Meeting.objects.filter(date="2026-06-01").get().save()  # an edit
    edited = versions.state()
    assert edited.content > added.content and edited.revision > added.revision


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_outlives_new_minutes_for_the_window_only(
    client, seed_archive_committed, clock, settings
):
    settings.CACHE_STATUS_HEADER = True
    meeting = Meeting.objects.get(date=MEETING_DATE)
    page = f"/moeder/{meeting.pk}/"
    assert client.get(page)["X-Cache"] == "miss"
    assert client.get(page)["X-Cache"] == "hit"
    factories.item(factories.meeting(date="2026-06-01"), title="Nyt punkt")  # another meeting
    clock[0] += 30
    assert client.get(page)["X-Cache"] == "hit"
    clock[0] += 31
    assert client.get(page)["X-Cache"] == "miss"
    assert client.get(page)["X-Cache"] == "hit"
    meeting.location = "Rådhuset, mødelokale 2"
    meeting.save()  # a revision: at once
    response = client.get(page)
    assert response["X-Cache"] == "miss"
    assert "mødelokale 2" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_committed_changes_reach_cached_results(client, seed_archive_committed, clock):
    in_meeting = AgendaItem.objects.search("budget").filter(meeting_date=MEETING_DATE).count()
    before = api_count(client, "budget")
    with transaction.atomic():
        delete_meeting()
        during = versions.current()
    # Bumped again on commit: a reader between the first bump and the commit may have
    # cached results that still held the meeting.
    assert versions.current() > during
    assert api_count(client, "budget") == before - in_meeting
    # An ingest of new minutes is an addition, bumped again on commit; nothing it does
    # counts as a revision, or every ingest would empty every cache.
    before_ingest = versions.state()
    ingest_bytes(sample_path("000").read_bytes(), file_name=sample_path("000").name)
    after = versions.state()
    assert api_count(client, "budget") == before - in_meeting  # within the minute
    assert after.content > before_ingest.content
    assert after.revision == before_ingest.revision
    with transaction.atomic():
        factories.item(factories.meeting(date="2026-06-01"), title="Budget for vinteren")
        during = versions.state()
    after = versions.state()
    assert after.content > during.content
    assert after.revision == during.revision


def test_search_works_when_the_cache_is_down(client, seed_archive):
    warnings = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = warnings.append
    logger = logging.getLogger("archive.caching")
    logger.addHandler(handler)
    try:
        # Nothing listens on port 1: every cache call is refused at once.
        down = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
        with override_settings(CACHES={"default": down | {"LOCATION": "redis://127.0.0.1:1/0"}}):
            assert isinstance(caches["default"], RedisCache)
            response = client.get("/soeg/?q=budget")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200
    assert len(RESULT_LINK.findall(response.content.decode())) > 3
    assert any(record.getMessage() == "cache unavailable" for record in warnings)


# --- Counting and facets ------------------------------------------------------------------


def test_facets_below_the_cap_are_exact_counts(seed_archive):
    items = AgendaItem.objects.public()
    results = run_search(items, {"q": "budget"})
    expected = orm_facets(items.search("budget"))
    assert results.count == sum(expected["outcome"].values()) > 3
    assert (results.count_is_exact, results.facets_are_exact) == (True, True)
    assert len(expected["municipality"]) > 1 and len(expected["year"]) > 1
    assert facet_counts(results.facets) == expected
    assert [f.value for f in results.facets["year"]] == sorted(expected["year"])


# --- Very common words: past the cap ------------------------------------------------------

COMMON = "kommune"
CAP, WINDOW, PAGE_SIZE = 5, 6, 3


@pytest.fixture
def capped(monkeypatch):
    """Limits small enough that a word in a third of the seeds is "very common"."""
    monkeypatch.setattr(limits, "COUNT_CAP", CAP)
    monkeypatch.setattr(limits, "ESTIMATE_FROM", CAP)
    monkeypatch.setattr(limits, "ESTIMATE_SAMPLE", CAP)
    monkeypatch.setattr(limits, "RANK_WINDOW", WINDOW)


def rows_scanned(queries) -> bool:
    """Whether a query read the matches' rows (facets.ROW) to count them."""
    scan = 'SELECT "archive_agendaitem"."id" AS "id", "archive_agendaitem"."meeting_date" AS'
    return any(q["sql"].startswith(scan) for q in queries)


def test_very_common_word_gets_estimated_count_and_sampled_facets(
    client, seed_archive, capped, django_assert_num_queries
):
    items = AgendaItem.objects.public()
    matches = items.search(Query.prepare(COMMON))
    assert matches.count() > 2 * CAP
    with django_assert_num_queries(8) as context:
        results = run_search(items, {"q": COMMON, "page_size": PAGE_SIZE})
    # No query reads the matches' rows to count them: the sample gives the count.
    assert not rows_scanned(context.captured_queries)
    # 54 items: the sample is the whole table, so the estimates are the exact counts.
    assert (results.count, results.count_is_exact) == (matches.count(), False)
    assert (results.facets_are_exact, facet_counts(results.facets)) == (False, orm_facets(matches))
    html = client.get("/soeg/", {"q": COMMON}).content.decode()
    assert f"Ca. {matches.count()} punkter fundet" in html


def test_a_broad_journal_number_prefix_is_estimated_from_the_sample(seed_archive, capped):
    """A KLE prefix can name a sixth of the archive ("15.00.00": 160,000 of a million
    items): like a very common word it is counted in the sample, not by collecting
    10,001 rows (52 of 180 ms at 1M). A whole journal number names a few items and is
    counted at once."""
    items = AgendaItem.objects.public()
    matches = items.search(Query.prepare("15.00.00"))
    assert matches.count() > 2 * CAP
    with CaptureQueriesContext(connection) as context:
        results = run_search(items, {"q": "15.00.00", "page_size": PAGE_SIZE})
    assert not rows_scanned(context.captured_queries)
    assert (results.count, results.count_is_estimate) == (matches.count(), True)
    assert [item.pk for item in results.items] == [
        item.pk for item in matches.ordered("date")[:PAGE_SIZE]
    ]
    whole = matches.order_by("-meeting_date").first().case_number
    with CaptureQueriesContext(connection) as context:
        results = run_search(items, {"q": whole})
    assert not any("MATERIALIZED" in q["sql"] for q in context.captured_queries)
    assert rows_scanned(context.captured_queries) and results.count_is_exact


def test_a_word_below_the_estimate_threshold_is_counted_exactly(seed_archive, monkeypatch):
    monkeypatch.setattr(limits, "ESTIMATE_SAMPLE", 1)
    items = AgendaItem.objects.public()
    count = items.search(Query.prepare(COMMON)).count()
    monkeypatch.setattr(limits, "ESTIMATE_FROM", count + 1)
    with CaptureQueriesContext(connection) as context:
        results = run_search(items, {"q": COMMON})
    assert rows_scanned(context.captured_queries)
    assert (results.count, results.count_is_exact, results.facets_are_exact) == (count, True, True)
    monkeypatch.setattr(limits, "ESTIMATE_FROM", count)
    versions.bump()  # a fresh search, not the cached one
    assert run_search(items, {"q": COMMON}).count_is_exact is False


def test_browsing_past_the_cap_says_more_than_not_about(client, seed_archive, capped):
    """Without a query the count stops at the cap: that is a lower bound, not an estimate."""
    results = run_search(AgendaItem.objects.public(), {})
    assert (results.count, results.count_is_exact, results.count_is_estimate) == (CAP, False, False)
    html = client.get("/soeg/").content.decode()
    assert f"Mere end {CAP} punkter fundet" in html
    assert "Ca. " not in html


def test_api_pages_and_next_link_stop_at_the_cap(client, seed_archive, capped, monkeypatch):
    matches = AgendaItem.objects.public().search(Query.prepare(COMMON)).count()
    first = client.get("/api/v1/search", {"q": COMMON, "page_size": 2}).json()
    # The count is the estimate; the pages cover only the first CAP matches.
    assert (first["count"], first["count_is_exact"]) == (matches, False)
    assert first["pages"] == -(-CAP // 2)
    last = client.get("/api/v1/search", {"q": COMMON, "page_size": 2, "page": first["pages"]})
    assert last.json()["next"] is None
    assert "page=2" in first["next"]


@pytest.mark.parametrize(("matches", "scale", "estimate"), [(123, 41.7, 5100), (3, 1.0, 3)])
def test_estimates_are_rounded_to_two_digits(matches, scale, estimate):
    assert facets.Sample({}, matches, scale).estimate == estimate


# The newest items hold the window; they do not; the sample says they cannot, so they are
# not even read. Without the window, all matches are sorted by date instead.
@pytest.mark.parametrize(
    ("max_probe", "margin", "probe_suffices"), [(20, 1.3, True), (1, 0, False), (2, 1.3, False)]
)
def test_very_common_word_ranks_its_newest_matches(
    seed_archive, capped, monkeypatch, max_probe, margin, probe_suffices
):
    monkeypatch.setattr(limits, "MAX_PROBE", max_probe)
    monkeypatch.setattr(limits, "PROBE_MARGIN", margin)
    items = AgendaItem.objects.public()
    results = run_search(items, {"q": COMMON, "page_size": PAGE_SIZE})

    by_date = ("-meeting_date", "-meeting_id", "position")
    rows = items.search(Query.prepare(COMMON)).order_by(*by_date)
    rows = list(rows.values_list("id", "exact", "rank", "meeting_date", "meeting_id", "position"))
    # Whether the newest MAX_PROBE * window items hold a window of matches, or the search
    # must fall back to sorting all matches by date.
    probed = set(items.order_by(*by_date).values_list("id", flat=True)[: max_probe * WINDOW])
    assert (len(probed & {r[0] for r in rows}) >= WINDOW) is probe_suffices
    newest_ranked = relevance_order(rows[:WINDOW])[:PAGE_SIZE]
    # The window matters: ranking every match, or none, would show another page.
    assert newest_ranked != relevance_order(rows)[:PAGE_SIZE]
    assert newest_ranked != [r[0] for r in rows[:PAGE_SIZE]]
    assert [item.pk for item in results.items] == newest_ranked


# --- Admission: searches take turns --------------------------------------------------------


@pytest.fixture
def slot_taken(settings):
    """Another thread of this process is computing a search."""
    settings.SEARCH_QUEUE_SECONDS = 0.05
    assert throttle._slots.acquire(timeout=1)
    yield
    throttle._slots.release()


def test_a_search_with_no_free_slot_gets_503_with_retry_after(client, seed_archive, slot_taken):
    page = client.get("/soeg/?q=budget")
    api = client.get("/api/search?q=budget")
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    assert "Arkivet er optaget" in page.content.decode()
    assert (api.status_code, api["Retry-After"]) == (503, "5")
    assert "optaget" in api.json()["error"]


def test_cached_results_and_pages_do_not_wait_for_a_slot(client, seed_archive, settings):
    client.get("/soeg/?q=budget")  # cached before the slot is taken
    run_search(AgendaItem.objects.public(), {"q": "vej"})
    settings.SEARCH_QUEUE_SECONDS = 0.05
    assert throttle._slots.acquire(timeout=1)
    try:
        assert client.get("/soeg/?q=budget").status_code == 200
        assert len(run_search(AgendaItem.objects.public(), {"q": "vej"}).items) > 0
        assert (
            client.get(Meeting.objects.get(date=MEETING_DATE).get_absolute_url()).status_code == 200
        )
    finally:
        throttle._slots.release()
    assert client.get("/soeg/?q=vej").status_code == 200


def test_the_probe_is_used_where_it_costs_less_than_sorting_every_match(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PROBE", 45)
    monkeypatch.setattr(limits, "PROBE_MARGIN", 1.3)
    monkeypatch.setattr(limits, "PROBE_COST", 3.5)
    # A phrase in 6 % of the items: 57,000 matches to sort at a million items, or about
    # 11,000 newest items to read; at 100,000 items the 6,000 matches are the cheaper way.
    assert engine.probe_pays(0.06, 500, 1_000_000)
    assert not engine.probe_pays(0.06, 500, 100_000)
    # A word in most items pays at either size; one too rare for the newest 45 windows never.
    assert engine.probe_pays(0.5, 500, 100_000)
    assert not engine.probe_pays(0.02, 500, 100_000_000)


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("budget", "item_sample_vector_idx"),
        ('"taget til efterretning"', "item_sample_word_pairs_idx"),
        ("15.00.00", "item_sample_case_number_idx"),
    ],
)
@pytest.mark.parametrize("table", [600_000, 3_000_000])
def test_a_large_archive_finds_its_sample_in_the_samples_own_index(
    seed_archive, monkeypatch, text, index, table
):
    """From 512,000 items on, the sample is at most two buckets of 256, and its matches come
    from the sample's own small index (migrations 0013, 0014) rather than from intersecting the
    word's whole posting list with the sample: 22 of 26 ms for a common word at 1M."""
    monkeypatch.setattr(facets, "table_rows", lambda: table)
    query, items = Query.prepare(text), AgendaItem.objects.public()
    matching = items.search(query) if query.case else items.matching(query)
    with CaptureQueriesContext(connection) as context:
        sample = facets.sampled_facets(matching)
    assert sample.scale == limits.SAMPLE_BUCKETS / (2 if table < 1_024_000 else 1)
    (statement,) = [q["sql"] for q in context.captured_queries if "MATERIALIZED" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        # 54 items: PostgreSQL would rather read them all, or intersect the full indexes.
        # The question is whether the sample's own index can answer the query at all, so
        # the others go (until the rollback) and a sequential scan is the last resort.
        # Any other index of the sample's rows would also do as a way to read them.
        others = ("item_search_vector_idx", "item_word_pairs_idx", "item_case_number_idx")
        others += ("item_case_copies_idx",)
        samples = ("item_sample_vector_idx", "item_sample_word_pairs_idx")
        samples += ("item_sample_case_number_idx", "item_sample_bucket_idx")
        for other in [name for name in (*others, *samples) if name != index]:
            cursor.execute(f"DROP INDEX {other}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    # "Bitmap Index Scan on …" or, on a table without statistics, "Index Scan using …".
    assert re.search(rf"Index Scan (on|using) {index}\b", plan), plan


def test_a_hits_copies_are_looked_up_by_number_municipality_and_date(seed_archive):
    """The copies of each hit on the page (archive.search.cases.with_copies) come from one
    index of journal number, municipality and date (migration 0015): the journal-number
    index alone read every item with the number, for a standing item hundreds of rows a
    hit, to test the municipality and the date (17 of 26 ms for a page at 1M items)."""
    query = Query.prepare("budget")
    ids = list(AgendaItem.objects.matching(query).values_list("id", flat=True)[:20])
    assert ids
    items = cases.with_copies(AgendaItem.objects.public()).filter(id__in=ids)
    sql, params = items.ranked(query).ordered("relevance")[:20].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # On a table this small a scan would do; the question is whether the index answers
        # all three conditions, so the journal-number indexes go until the rollback.
        # Every other index the lookup could start from goes (a fresh table without
        # statistics may prefer any of them and filter the rest).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'archive_agendaitem' "
            "AND indexname NOT IN ('item_case_copies_idx', 'archive_agendaitem_pkey') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        for (other,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {other}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    scan = re.compile(r"Index Scan (Backward )?using item_case_copies_idx\b")
    at = next((i for i, line in enumerate(plan) if scan.search(line)), None)
    assert at is not None, "\n".join(plan)
    condition = plan[at + 1]
    assert "Index Cond:" in condition
    for column in ("case_number_normalized", "municipality_id", "meeting_date"):
        assert column in condition, condition


def test_a_query_leaves_the_texts_its_hits_do_not_show_in_the_database(seed_archive, settings):
    """A hit shows its title, outcome and a snippet that PostgreSQL cut out: the long texts
    stay unread (5 of 15 ms for a page at 1M items). Browsing without a query makes the
    snippet from the summary or case text, so those two are read there."""
    settings.ARCHIVE_CACHE = False
    long_texts = {"case_text", "summary", "recommendation", "economy", "other_sections"}
    for page, sort in [(1, "relevance"), (2, "relevance"), (1, "date")]:
        params = {"q": "budget", "page": page, "page_size": 5, "sort": sort}
        found = run_search(AgendaItem.objects.public(), params)
        assert found.items
        for item in found.items:
            assert long_texts <= item.get_deferred_fields()
            assert "decision" not in item.get_deferred_fields()  # "Beslutning" badge
    browsed = run_search(AgendaItem.objects.public(), {}).items
    assert browsed
    for item in browsed:
        deferred = item.get_deferred_fields()
        assert {"recommendation", "economy"} <= deferred
        assert not {"summary", "case_text", "decision"} & deferred
