"""The site's addresses.

The language is in the address: Danish pages at /…, the same pages in English at /en/…
(`i18n_patterns` with `prefix_default_language=False`; LocaleMiddleware never reads the
browser's Accept-Language for them). Paths are the same words in both languages, so a page
and its translation differ only by the prefix.

Unprefixed only, in one language: what machines read or editors use — healthz, the admin,
robots.txt, OpenSearch and the sitemaps (and /static/, served by whitenoise). The archive's
URL namespace (`archive:`) cannot be split between a prefixed and an unprefixed part, so its
feeds, exports and JSON API also answer under /en/, in English where they carry words (feed
titles, error messages, the OpenAPI descriptions); their documented unprefixed addresses
are unchanged.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from archive import views
from archive.sitemaps import SITEMAPS, opensearch, robots_txt

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("opensearch.xml", opensearch, name="opensearch"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    *i18n_patterns(
        path("foelg/", include("alerts.urls")),
        path("", include("archive.urls")),
        prefix_default_language=False,
    ),
]

handler404 = "archive.views.not_found"
handler500 = "archive.views.server_error"
