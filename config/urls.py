from django.contrib import admin
from django.urls import include, path

from archive import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("archive.urls")),
]

handler404 = "archive.views.not_found"
handler500 = "archive.views.server_error"
