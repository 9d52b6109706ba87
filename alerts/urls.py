from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.follow, name="follow"),
    path("tjek-din-email/", views.requested, name="requested"),
    path("mine/", views.request_link, name="request_link"),
    path("bekraeft/<str:token>/", views.confirm, name="confirm"),
    path("abonnementer/<str:token>/", views.manage, name="manage"),
    path("afmeld/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
