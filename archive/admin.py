"""The archive in Django's admin, in Danish: browse and publish.

Lists with filters and full-text search, and the editors' actions to withdraw and republish
meetings. Source documents, their originals, re-parsing and the "Upload referat" workflow
are ingest's (ingest/admin.py).

Meetings and items come from documents: they are not added or edited by hand here (a
correction is a new version uploaded), and only superusers may delete.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.models import AgendaItem, Committee, Meeting, Municipality, SourceDocument, Term
from archive.search.query import Query

admin.site.site_header = gettext_lazy("Referatarkiv – administration")
admin.site.site_title = gettext_lazy("Referatarkiv")
admin.site.index_title = gettext_lazy("Arkivets indhold")


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("år")
    parameter_name = "aar"
    date_field = "date"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(self.date_field, "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(**{f"{self.date_field}__year": int(self.value())})


class ItemYearFilter(YearFilter):
    date_field = "meeting_date"


class ArchiveAdmin(admin.ModelAdmin):
    """Deleting is for superusers: everything here is evidence of what was decided."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


def public_link(obj, text=None):
    """A link to the object's public page."""
    return format_html(
        '<a href="{}">{}</a>', obj.get_absolute_url(), text or _("Se på arkivets side")
    )


@admin.register(Municipality)
class MunicipalityAdmin(ArchiveAdmin):
    list_display = ["name", "slug", "committee_count", "meeting_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                committee_count=Count("committees", distinct=True),
                meeting_count=Count("committees__meetings", distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("udvalg"), ordering="committee_count")
    def committee_count(self, obj):
        return obj.committee_count

    @admin.display(description=gettext_lazy("møder"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count


@admin.register(Committee)
class CommitteeAdmin(ArchiveAdmin):
    list_display = ["name", "municipality", "meeting_count", "public_page"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "municipality__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_count=Count("meetings"))

    @admin.display(description=gettext_lazy("møder"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count

    @admin.display(description=gettext_lazy("offentlig side"))
    def public_page(self, obj):
        return public_link(obj)


def download_link(source):
    """A link to download the original (a view of ingest's SourceDocumentAdmin)."""
    url = reverse("admin:archive_sourcedocument_original", args=[source.pk])
    return format_html('<a href="{}">{}</a>', url, _("Hent original"))


class SourceDocumentInline(admin.TabularInline):
    model = SourceDocument
    fk_name = "meeting"
    fields = ["file_name", "status", "format", "uploaded_by", "uploaded_at", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("originaldokumenter (også erstattede udgaver)")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("original").select_related("uploaded_by")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("original"))
    def download(self, obj):
        return download_link(obj)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["position", "number", "title", "case_number", "outcome"]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ArchiveAdmin):
    list_display = [
        "date",
        "committee",
        "municipality",
        "kind",
        "item_count",
        "published",
        "public_page",
    ]
    list_display_links = ["date", "committee"]
    list_filter = ["published", "kind", "committee__municipality", "committee", YearFilter]
    list_select_related = ["committee__municipality"]
    date_hierarchy = "date"
    search_fields = ["committee__name", "committee__municipality__name", "location"]
    ordering = ["-date", "committee__name"]
    # Everything but `published` comes from the document; a correction is a new upload.
    fields = [
        "published",
        "committee",
        "kind",
        "date",
        "start_time",
        "location",
        "people",
        "absent_people",
        "created",
        "modified",
        "public_page",
    ]
    readonly_fields = [field for field in fields if field != "published"]
    inlines = [SourceDocumentInline, AgendaItemInline]
    actions = ["unpublish", "publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    def has_add_permission(self, request):
        return False

    @admin.display(description=gettext_lazy("kommune"), ordering="committee__municipality__name")
    def municipality(self, obj):
        return obj.committee.municipality

    @admin.display(description=gettext_lazy("punkter"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    @admin.display(description=gettext_lazy("offentlig side"))
    def public_page(self, obj):
        if not obj.published:
            return _("trukket tilbage – ikke offentlig")
        return public_link(obj)

    @admin.display(description=gettext_lazy("deltagere"))
    def people(self, obj):
        return _people(obj.participants)

    @admin.display(description=gettext_lazy("fraværende"))
    def absent_people(self, obj):
        return _people(obj.absent)

    @admin.action(
        description=gettext_lazy("Træk valgte møder tilbage fra den offentlige visning"),
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        count = self._set_published(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d møde er trukket tilbage. Det er ikke slettet: det kan ses her i "
                "admin og gøres offentligt igen.",
                "%(count)d møder er trukket tilbage. De er ikke slettet: de kan ses her i "
                "admin og gøres offentlige igen.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Offentliggør valgte møder igen"), permissions=["change"]
    )
    def publish(self, request, queryset):
        count = self._set_published(request, queryset, True)
        self.message_user(
            request,
            ngettext(
                "%(count)d møde er offentligt igen.", "%(count)d møder er offentlige igen.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def _set_published(self, request, queryset, value):
        field = str(Meeting._meta.get_field("published").verbose_name)
        changed = [meeting for meeting in queryset if meeting.published != value]
        for meeting in changed:
            meeting.published = value
            meeting.save(update_fields=["published", "modified"])
            self.log_change(request, meeting, [{"changed": {"fields": [field]}}])
        return len(changed)


def _people(rows):
    return ", ".join(f"{p['name']} ({p['party']})" if p.get("party") else p["name"] for p in rows)


@admin.register(AgendaItem)
class AgendaItemAdmin(ArchiveAdmin):
    list_display = [
        "short_title",
        "number",
        "meeting_date",
        "committee",
        "municipality",
        "outcome",
        "case_number",
    ]
    list_filter = ["municipality", "committee", "outcome", ItemYearFilter, "closed"]
    list_select_related = ["committee", "municipality"]
    date_hierarchy = "meeting_date"
    ordering = ["-meeting_date", "meeting_id", "position"]
    # The search box searches the stored full-text vector (get_search_results).
    search_fields = ["title"]
    search_help_text = gettext_lazy(
        "Søg som på arkivets forside: ord fra titel, beslutning og sagstekst (dansk "
        'bøjning og sammensatte ord findes også), "en frase" og -udeladt, eller et '
        "sagsnummer som 00.01.00-A00-29-25."
    )
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "meeting",
                    "position",
                    "number",
                    "title",
                    "closed",
                    "case_number",
                    "case_workers",
                    "outcome",
                    "decision",
                ]
            },
        ),
        (
            gettext_lazy("Tekst"),
            {
                "fields": [
                    "summary",
                    "case_text",
                    "recommendation",
                    "economy",
                    "legal_basis",
                    "decision_authority",
                    "other_sections",
                    "attachments",
                    "decision_parts",
                    "references",
                ]
            },
        ),
        (
            gettext_lazy("Udledt af mødet og sagsnummeret"),
            {
                "classes": ["collapse"],
                "fields": [
                    "municipality",
                    "committee",
                    "meeting_date",
                    "case_number_normalized",
                    "kle_subject",
                    "kle_facet",
                    "kle_serial",
                    "kle_year",
                ],
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # items are what the document says; a correction is a new upload

    @admin.display(description=gettext_lazy("titel"), ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 90 else obj.title[:89] + "…"

    def get_search_results(self, request, queryset, search_term):
        """Danish full-text search over the stored `search_vector` (or a case number)."""
        term = search_term.replace("\x00", "").strip()
        if not term:
            return queryset, False
        query = Query.prepare(term)
        if query.empty:
            return queryset.none(), False
        return queryset.search(query), False


@admin.register(Term)
class TermAdmin(ArchiveAdmin):
    list_display = ["word", "stem", "frequency"]
    search_fields = ["word"]
    ordering = ["-frequency", "word"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
