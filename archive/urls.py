from django.urls import path

from archive import calendars, exports, feeds, people_views, views
from archive.api import people as people_api
from archive.api import views as api

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("soeg/", views.search, name="search"),
    path("soeg/feed", feeds.SearchFeed(), name="search_feed"),
    path("soeg/eksport.csv", exports.search_csv, name="search_csv"),
    path("soeg/eksport.json", exports.search_json, name="search_json"),
    # The first search endpoint: /api/v1/search in its original shape.
    path("api/search", api.legacy_search, name="api_search"),
    path("moeder/", views.meeting_list, name="meetings"),
    path("moeder/eksport.csv", exports.meetings_csv, name="meetings_csv"),
    path("moeder/eksport.json", exports.meetings_json, name="meetings_json"),
    path("moeder/<int:pk>/", views.meeting_detail, name="meeting"),
    path("moeder/<int:pk>/original", views.meeting_original, name="meeting_original"),
    path("moeder/<int:meeting_id>/punkt/<int:position>/", views.item_detail, name="item"),
    # A bilag's bytes; "#page=N" after it opens a PDF at the page a search hit names.
    path("bilag/<int:pk>/fil", views.attachment_file, name="attachment_file"),
    # A case number may contain "/", so its feed is matched before the page.
    path("sag/<path:case_number>/feed", feeds.CaseFeed(), name="case_feed"),
    path("sag/<path:case_number>/", views.case_detail, name="case"),
    path("kommune/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("kommune/<slug:slug>/feed", feeds.MunicipalityMeetingsFeed(), name="municipality_feed"),
    path("kommune/<slug:municipality>/<slug:slug>/", views.committee_detail, name="committee"),
    path(
        "kommune/<slug:municipality>/<slug:slug>/feed",
        feeds.CommitteeMeetingsFeed(),
        name="committee_feed",
    ),
    # People (archive/people.py) and calendars (archive/calendars.py).
    path("personer/<slug:slug>/", people_views.person_detail, name="person"),
    path("personer/<slug:slug>/feed", people_views.PersonFeed(), name="person_feed"),
    path("personer/<slug:slug>/kalender.ics", calendars.person_calendar, name="person_calendar"),
    path(
        "kommune/<slug:slug>/kalender.ics",
        calendars.municipality_calendar,
        name="municipality_calendar",
    ),
    path(
        "kommune/<slug:municipality>/<slug:slug>/kalender.ics",
        calendars.committee_calendar,
        name="committee_calendar",
    ),
    path("api/v1/people", people_api.person_list, name="api_people"),
    path("api/v1/people/<slug:slug>", people_api.person_api_detail, name="api_person"),
    # Open data API, read-only; described by api/v1/openapi.json and the page at api/.
    path("api/", api.docs, name="api_docs"),
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/municipalities", api.municipality_list, name="api_municipalities"),
    path("api/v1/municipalities/<slug:slug>", api.municipality_detail, name="api_municipality"),
    path("api/v1/committees", api.committee_list, name="api_committees"),
    path("api/v1/committees/<int:pk>", api.committee_detail, name="api_committee"),
    path("api/v1/meetings", api.meeting_list, name="api_meetings"),
    path("api/v1/meetings/<int:pk>", api.meeting_detail, name="api_meeting"),
    path(
        "api/v1/meetings/<int:meeting_id>/items/<int:position>",
        api.item_detail,
        name="api_item",
    ),
    path("api/v1/items", api.item_list, name="api_items"),
    path("api/v1/cases/<path:case_number>", api.case_detail, name="api_case"),
    path("api/v1/search", api.search, name="api_v1_search"),
    path("api/v1/<path:rest>", api.api_not_found, name="api_not_found"),
]
