"""The pages people read, with the number of queries each takes pinned."""

import pytest

from archive.models import AgendaItem, Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_lists_latest_meetings_and_coverage(client, seed_archive, django_assert_num_queries):
    with django_assert_num_queries(3):  # the content version, the latest meetings, coverage
        html = client.get("/").content.decode()
    assert "Beskæftigelses-, Social-, Handicap- og Psykiatriudvalget" in html
    assert "26. marts 2026" in html and "22. marts 2018" in html


def test_meeting_page(client, all_samples, django_assert_num_queries):
    meeting = Meeting.objects.get(date="2026-03-25")
    # the content version, the meeting, its items, its people
    with django_assert_num_queries(4):
        html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Onsdag 25. marts 2026 kl. 16:00" in html
    assert "Arly Eskildsen (F)" in html
    assert html.count('id="punkt-') == 14
    assert "Hent originaldokumentet" in html


def test_original_is_downloaded_byte_for_byte(client, seed_archive, sample_bytes):
    meeting = Meeting.objects.get(date="2026-03-25")
    response = client.get(f"/moeder/{meeting.pk}/original")
    assert response.content == sample_bytes("003")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_item_page_with_history_neighbours_and_references(
    client, seed_archive, django_assert_num_queries
):
    item = AgendaItem.objects.get(number=50, meeting_date__year=2025)
    with django_assert_num_queries(6):  # the content version and five for the page (its files)
        html = client.get(item.get_absolute_url()).content.decode()
    assert "Indstillingen er tiltrådt." in html
    assert "Punkt 68, Beskæftigelsesudvalget, 2024-10-22" in html  # a reference not in the archive
    assert "(ikke i arkivet)" in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_reference_to_a_meeting_in_the_archive_is_a_link(client, seed_archive):
    item = AgendaItem.objects.get(number=50, meeting_date__year=2025)
    target = AgendaItem.objects.get(number=49, meeting_date__year=2025)
    item.references = [{"number": 49, "committee": "Beskæftigelsesudvalget", "date": "2025-09-16"}]
    item.save()
    html = client.get(item.get_absolute_url()).content.decode()
    assert f'<a href="{target.get_absolute_url()}">Punkt 49' in html


def test_case_page_lists_the_case_in_date_order(client, seed_archive, django_assert_num_queries):
    with django_assert_num_queries(2):  # the content version, the case's items
        response = client.get("/sag/00.00.00-P19-1719-10/")
    items = response.context["items"]
    assert [i.meeting_date.isoformat() for i in items] == ["2018-03-22", "2022-05-24", "2026-03-26"]
    assert client.get("/sag/99.99.99-A00-1-99/").status_code == 404


def test_meeting_list_filters(client, seed_archive, django_assert_num_queries):
    # the content version, the chosen municipality, the count, the page, and the choices of
    # the two filter menus
    with django_assert_num_queries(6):
        response = client.get("/moeder/?municipality=herning&year=2022")
    assert [m.date.isoformat() for m in response.context["page"]] == ["2022-05-24"]
    assert client.get("/moeder/?year=nonsense").status_code == 400


def test_unpublished_meetings_are_hidden(client, seed_archive):
    meeting = Meeting.objects.get(date="2026-03-25")
    meeting.published = False
    meeting.save()
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert "Herlev" not in client.get("/soeg/?q=reform").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_query_that_times_out_gives_a_503_page(client):
    """A real statement timeout: another session holds a lock the search has to wait for."""
    import psycopg
    from django.db import connection

    factories.seed_meeting("000")
    params = connection.get_connection_params()
    params.pop("options", None)
    with psycopg.connect(**params) as other:
        other.execute("SET lock_timeout = '5s'")
        other.execute("LOCK TABLE archive_agendaitem IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 300")
        try:
            response = client.get("/soeg/?q=reform")
        finally:
            other.rollback()
            connection.close()  # the next request gets a fresh session with the normal timeout
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Arkivet er optaget lige nu" in response.content.decode()


def test_item_page_shows_danish_outcomes_per_point(client, seed_archive):
    item = AgendaItem.objects.get(number=27, meeting_date="2026-03-25")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Ad 1: <span" in html and ">taget til efterretning</span>" in html
    assert ">noted<" not in html and ">approved<" not in html
