"""An agenda item's files in the admin: the list with what was read of each (and why not),
and an editor's upload of new bilag, each read in the background (`ingest.tasks`).

Replaces the archive's item admin (`archive.admin.AgendaItemAdmin`) with one that has the
files; imported by `ingest.admin` so that Django's admin discovery registers it.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.admin import AgendaItemAdmin
from archive.models import AgendaItem, Attachment, StoredFile
from ingest import attachments, tasks
from ingest.errors import IngestError
from ingest.upload_forms import UPLOAD_PERMISSION, AddFilesForm


class ItemFilesInline(admin.TabularInline):
    """The item's files with what was read of them ("tekst ikke genkendt" and why)."""

    model = Attachment
    fk_name = "item"
    fields = ["name", "role", "kind", "size", "pages", "text_state", "note", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("filer (bilag og punktets egen PDF)")

    def get_queryset(self, request):
        files = super().get_queryset(request).select_related("file")
        return files.defer("file__data", "file__text").order_by("role", "position")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("type"))
    def kind(self, obj):
        return obj.file.content_type if obj.file else _("kun et link")

    @admin.display(description=gettext_lazy("størrelse"))
    def size(self, obj):
        return filesizeformat(obj.file.size) if obj.file else "–"

    @admin.display(description=gettext_lazy("sider"))
    def pages(self, obj):
        return obj.file.page_count if obj.file and obj.file.page_count else "–"

    @admin.display(description=gettext_lazy("tekst"))
    def text_state(self, obj):
        return obj.file.get_text_status_display() if obj.file else "–"

    @admin.display(description=gettext_lazy("bemærkning"))
    def note(self, obj):
        return obj.file.text_note if obj.file else ""

    @admin.display(description=gettext_lazy("fil"))
    def download(self, obj):
        if obj.file is None:
            return (
                format_html('<a href="{}">{}</a>', obj.url, _("hos udgiveren")) if obj.url else ""
            )
        url = reverse("admin:archive_agendaitem_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Hent"))


admin.site.unregister(AgendaItem)


@admin.register(AgendaItem)
class ItemAdmin(AgendaItemAdmin):
    """The archive's item admin with the item's files, and "Tilføj bilag" for editors."""

    inlines = [ItemFilesInline]
    readonly_fields = ["add_files_link"]
    fieldsets = [
        *AgendaItemAdmin.fieldsets[:1],
        (gettext_lazy("Bilag"), {"fields": ["add_files_link"]}),
        *AgendaItemAdmin.fieldsets[1:],
    ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/bilag/", wrap(self.add_files_view), name="archive_agendaitem_add_files"),
            path("fil/<int:pk>/", wrap(self.file_view), name="archive_agendaitem_file"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("tilføj filer"))
    def add_files_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        url = reverse("admin:archive_agendaitem_add_files", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Tilføj bilag"))

    def add_files_view(self, request, pk):
        """Upload files as new bilag of the item; each new file gets a job reading its text."""
        if not request.user.has_perm(UPLOAD_PERMISSION):
            raise PermissionDenied
        item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
        form = AddFilesForm(request.POST, request.FILES) if request.method == "POST" else None
        if form is not None and form.is_valid():
            added = self._add_files(request, item, form.cleaned_data["files"])
            if added:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d fil er tilføjet. Teksten læses i baggrunden.",
                        "%(count)d filer er tilføjet. Teksten læses i baggrunden.",
                        added,
                    )
                    % {"count": added},
                )
                return redirect("admin:archive_agendaitem_change", item.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Tilføj bilag til punktet"),
            "item": item,
            "form": form or AddFilesForm(),
            "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
        }
        return TemplateResponse(request, "admin/archive/agendaitem/add_files.html", context)

    def _add_files(self, request, item, files) -> int:
        added = 0
        for upload_file in files:
            name = upload_file.name.rsplit("/", 1)[-1]
            try:
                attachments.check_size(name, upload_file.size)
                with transaction.atomic():
                    link, _new = attachments.add_to_item(
                        item, name, upload_file.read(), user=request.user
                    )
                    if link.file.text_status == StoredFile.Text.PENDING:
                        tasks.read_later([link.file_id])
            except IngestError as error:
                messages.error(request, error.message)
                continue
            self.log_change(request, item, [{"added": {"name": "bilag", "object": link.name}}])
            added += 1
        return added

    def file_view(self, request, pk):
        """A file of any item, also of closed items and withdrawn meetings: for editors."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        link = get_object_or_404(
            Attachment.objects.select_related("file"), pk=pk, file__isnull=False
        )
        response = HttpResponse(bytes(link.file.data), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, link.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
