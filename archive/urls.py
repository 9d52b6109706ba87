from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("soeg/", views.search, name="search"),
    path("api/search", views.api_search, name="api_search"),
    path("moeder/", views.meeting_list, name="meetings"),
    path("moeder/<int:pk>/", views.meeting_detail, name="meeting"),
    path("moeder/<int:pk>/original", views.meeting_original, name="meeting_original"),
    path("moeder/<int:meeting_id>/punkt/<int:position>/", views.item_detail, name="item"),
    path("sag/<path:case_number>/", views.case_detail, name="case"),
    path("kommune/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("kommune/<slug:municipality>/<slug:slug>/", views.committee_detail, name="committee"),
]
