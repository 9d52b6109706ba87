"""Phrases answered from the index of adjacent words (archive/search/pairs.py, migration
0009): which links a query requires, that the index holds them for stored items, that
PostgreSQL asks it, and that a phrase finds exactly what the phrase check alone finds."""

import pytest
from django.db import connection

from archive import limits
from archive.models import AgendaItem
from archive.search.engine import run_search
from archive.search.pairs import answered_by_links, phrase_links
from archive.search.query import Query
from tests import factories


def test_links_of_a_phrase_and_its_stop_words():
    assert phrase_links("'social' <-> 'områd'") == ["1 social områd"]
    # "boliger til hele livet": a stop word between the first two words.
    assert phrase_links("'bolig' <2> 'hel' <-> 'livet'") == ["2 bolig hel", "1 hel livet"]
    # Three stop words in a row: that link is left to the recheck.
    assert phrase_links("'a' <4> 'b' <-> 'c'") == ["1 b c"]
    assert phrase_links("'o''neil' <-> 'sag'") == ["1 o'neil sag"]


def test_links_only_of_what_every_match_contains():
    assert phrase_links("'budget' & 'social' <-> 'områd'") == ["1 social områd"]
    assert phrase_links("'social' <-> 'områd' & 'a' <-> 'b'") == ["1 social områd", "1 a b"]
    # Under "or" or "-", or as a group of compounds, a phrase is required by no match.
    assert phrase_links("'social' <-> 'områd' | 'budget'") == []
    assert phrase_links("'budget' & !( 'social' <-> 'områd' )") == []
    assert phrase_links("( 'reform' | 'skattereform' ) <-> 'plan'") == []
    assert phrase_links("'reform' & 'plan'") == []
    assert phrase_links("'reform':* <-> 'plan'") == []


def test_two_word_phrases_are_answered_by_their_links_alone():
    assert answered_by_links("'social' <-> 'områd'")
    assert answered_by_links("'bolig' <2> 'hel'")  # a stop word between
    assert answered_by_links("'social' <-> 'områd' & 'a' <-> 'b'")
    # Holding "bolig hel" and "hel livet" is not holding "bolig til hele livet".
    assert not answered_by_links("'bolig' <2> 'hel' <-> 'livet'")
    # A word, a negation, an "or", a prefix, a link the index lacks: the vector decides.
    assert not answered_by_links("'budget' & 'social' <-> 'områd'")
    assert not answered_by_links("'social' <-> 'områd' & !'budget'")
    assert not answered_by_links("'social' <-> 'områd' | 'budget'")
    assert not answered_by_links("'reform':* <-> 'plan'")
    assert not answered_by_links("'a' <4> 'b'")
    assert not answered_by_links("'reform'")


@pytest.mark.django_db
def test_a_two_word_phrase_reads_no_vector_back_and_finds_what_the_check_finds():
    meeting = factories.meeting(date="2026-05-01")
    together = factories.item(meeting, title="Det sociale område i Greve")
    apart = factories.item(meeting, title="Det sociale og område for børn")
    stop_word = factories.item(meeting, title="Boliger for hele livet")
    public = AgendaItem.objects.public()
    for phrase, expected in [
        ('"sociale område"', {together.pk}),
        ('"boliger til hele"', {stop_word.pk}),
    ]:
        query = Query.prepare(phrase)
        assert query.by_pairs, phrase
        matching = public.matching(query)
        # The index's candidates are the matches: no recheck against the stored vector.
        assert "ts_match_vq" not in str(matching.query)
        alone = public.filter(search_vector=_tsquery(query.widened))
        assert set(matching.values_list("id", flat=True)) == expected, phrase
        assert set(alone.values_list("id", flat=True)) == expected, phrase
    assert apart.pk not in {i.pk for i in run_search(public, {"q": '"sociale område"'}).items}
    # A longer phrase is still rechecked.
    assert "ts_match_vq" in str(public.matching(Query.prepare('"boliger til hele livet"')).query)


@pytest.mark.django_db
def test_the_index_holds_the_links_of_a_stored_item():
    meeting = factories.meeting()
    factories.item(meeting, title="Boliger til hele livet i Greve", case_text="Sociale område")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT archive_word_pairs(search_vector) @@ archive_pair_query(%s::text[]) "
            "FROM archive_agendaitem",
            [["2 bol hel", "1 hel liv"]],
        )
        assert cursor.fetchone() == (True,)
        cursor.execute(
            "SELECT archive_word_pairs(search_vector) @@ archive_pair_query(%s::text[]) "
            "FROM archive_agendaitem",
            [["1 bol hel"]],
        )
        assert cursor.fetchone() == (False,)


@pytest.mark.django_db
def test_a_phrase_asks_the_index_of_adjacent_words():
    query = Query.prepare('"sociale område"')
    assert query.pairs == ("1 social områd",)
    sql, params = AgendaItem.objects.matching(query).query.sql_with_params()
    assert 'archive_word_pairs("archive_agendaitem"."search_vector") @@' in sql
    assert "archive_pair_query(" in sql
    # That condition is the expression of the index: PostgreSQL can answer it from there.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM archive_agendaitem "
            "WHERE archive_word_pairs(search_vector) @@ archive_pair_query(%s::text[])",
            [list(query.pairs)],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "item_word_pairs_idx" in plan


@pytest.mark.django_db
def test_a_phrase_finds_what_the_phrase_check_finds(seed_archive):
    meeting = factories.meeting(date="2026-05-01")
    apart = factories.item(meeting, title="Det sociale og område for børn")
    stop_word = factories.item(meeting, title="Boliger til hele livet")
    other_stop_word = factories.item(meeting, title="Boliger for hele livet")
    far = factories.item(meeting, title="Tilsyn og at i plejehjem")
    public = AgendaItem.objects.public()
    for phrase in [
        '"social effektinvestering"',
        '"boliger til hele livet"',
        '"tilsyn og at i plejehjem"',
    ]:
        query = Query.prepare(phrase)
        with_pairs = set(public.matching(query).values_list("id", flat=True))
        alone = set(
            public.filter(search_vector=_tsquery(query.widened)).values_list("id", flat=True)
        )
        assert with_pairs == alone, phrase
        assert with_pairs
    found = {i.pk for i in run_search(public, {"q": '"boliger til hele livet"'}).items}
    # A stop word stands for any stop word, as in PostgreSQL's own phrase search.
    assert {stop_word.pk, other_stop_word.pk} <= found
    assert apart.pk not in {i.pk for i in run_search(public, {"q": '"sociale område"'}).items}
    assert far.pk in {i.pk for i in run_search(public, {"q": '"tilsyn og at i plejehjem"'}).items}


def _tsquery(text):
    from archive.querysets import TsQuery

    return TsQuery(text)


@pytest.mark.django_db
def test_a_phrase_past_the_cap_ranks_its_newest_matches(monkeypatch):
    """Past the count cap, when the newest items hold too few matches to probe them, the
    phrase's candidates are checked newest first: the page is its matches by relevance."""
    monkeypatch.setattr(limits, "COUNT_CAP", 2)
    monkeypatch.setattr(limits, "MAX_PROBE", 0)
    meeting = factories.meeting(date="2026-05-01")
    texts = ["Det sociale område. " * n + "Budget." for n in (1, 3, 2, 5)]
    phrase = [factories.item(meeting, title=f"Punkt {n}", case_text=t) for n, t in enumerate(texts)]
    apart = factories.item(meeting, title="Sociale forhold i et område")
    results = run_search(AgendaItem.objects.public(), {"q": '"sociale område"'})
    assert not results.count_is_exact
    by_repetition = [phrase[3], phrase[1], phrase[2], phrase[0]]
    assert [i.pk for i in results.items] == [i.pk for i in by_repetition]
    assert apart.pk not in {i.pk for i in results.items}
