"""Ingest in Django's admin: source documents, their originals, re-parsing, and the
"Upload referat" workflow.

The workflow's logic lives in `ingest.upload`; here are only the form, the views and the
admin log. The original is evidence: never edited here, and only superusers may delete.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.admin import AgendaItemAdmin, ArchiveAdmin, download_link
from archive.models import (
    AgendaItem,
    Attachment,
    Committee,
    Meeting,
    Municipality,
    SourceDocument,
    StoredFile,
)
from ingest import attachments, store, tasks, upload
from ingest.errors import IngestError
from ingest.parse.header import normalize_municipality
from ingest.parse.lines import squash
from ingest.pipeline import PARSER_VERSION

log = logging.getLogger(__name__)
UPLOAD_PERMISSION = "archive.upload_minutes"
# Documents, and exports: First Agenda's JSON, an ESDH manifest, or a whole export packed.
ACCEPT = (
    ".pdf,.html,.htm,.md,.markdown,.txt,.docx,.json,.xml,.zip,.tar.gz,.tgz,"
    "application/pdf,text/html,text/plain,text/markdown,application/json,application/xml,"
    "text/xml,application/zip,application/gzip"
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, **kwargs):
        # Empty files are refused per file by ingest.upload, with the file's name.
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Filer"),
        help_text=gettext_lazy(
            "Et eller flere referater som PDF, HTML, Markdown eller tekst. Hold Ctrl (Mac: "
            "Cmd) nede for at vælge flere filer."
        ),
        error_messages={"required": gettext_lazy("Vælg mindst én fil med et referat.")},
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.all(),
        required=False,
        label=gettext_lazy("Kommune"),
        empty_label=gettext_lazy("– vælg kommune –"),
    )
    new_municipality = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("… eller ny kommune"),
        help_text=gettext_lazy(
            "Kun hvis kommunen ikke står i listen, fx „Vejle Kommune“. Den oprettes, når du "
            "gemmer referatet."
        ),
    )
    committee = forms.CharField(
        required=False,
        max_length=200,
        label=gettext_lazy("Udvalg (valgfrit)"),
        help_text=gettext_lazy(
            "Lad feltet stå tomt, så bruges det udvalg, der står i referatet. Udfyld det kun, "
            "hvis referatet ikke nævner udvalget."
        ),
        widget=forms.TextInput(attrs={"list": "known-committees", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        chosen, typed = data.get("municipality"), squash(data.get("new_municipality") or "")
        if chosen and typed:
            self.add_error(
                "new_municipality",
                _("Vælg enten en kommune i listen eller skriv en ny – ikke begge dele."),
            )
        elif not chosen and not typed:
            self.add_error(
                "municipality", _("Vælg kommunen i listen, eller skriv navnet på en ny kommune.")
            )
        elif typed:
            name = normalize_municipality(typed)
            known = Municipality.objects.filter(name__iexact=name).first()
            data["municipality_name"] = known.name if known else name
        else:
            data["municipality_name"] = chosen.name
        data["committee"] = squash(data.get("committee") or "")
        return data


@admin.register(SourceDocument)
class SourceDocumentAdmin(ArchiveAdmin):
    list_display = [
        "file_name",
        "meeting_link",
        "status",
        "format",
        "size_display",
        "uploaded_by",
        "uploaded_at",
        "parser_version",
        "download",
    ]
    list_filter = ["status", "format", "meeting__committee__municipality", "uploaded_by"]
    list_select_related = ["meeting__committee", "uploaded_by"]
    date_hierarchy = "uploaded_at"
    search_fields = ["file_name", "sha256", "meeting__committee__name"]
    fields = [
        "file_name",
        "download",
        "meeting",
        "status",
        "superseded_by",
        "uploaded_by",
        "uploaded_at",
        "sha256",
        "size_display",
        "format",
        "encoding",
        "parser_version",
        "warning_list",
    ]
    readonly_fields = fields
    actions = ["reparse_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("original")

    def has_add_permission(self, request):
        return False  # documents arrive through "Upload referat"

    def has_change_permission(self, request, obj=None):
        return False  # the original is evidence: never edited

    def has_reparse_permission(self, request):
        return request.user.has_perm("archive.change_sourcedocument")

    @admin.display(description=gettext_lazy("møde"), ordering="meeting__date")
    def meeting_link(self, obj):
        if obj.meeting is None:
            return "–"
        url = reverse("admin:archive_meeting_change", args=[obj.meeting_id])
        return format_html('<a href="{}">{}</a>', url, obj.meeting)

    @admin.display(description=gettext_lazy("størrelse"), ordering="size")
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=gettext_lazy("original"))
    def download(self, obj):
        return download_link(obj)

    @admin.display(description=gettext_lazy("advarsler fra indlæsningen"))
    def warning_list(self, obj):
        if not obj.warnings:
            return _("ingen")
        rows = ((upload.danish(warning),) for warning in obj.warnings)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", rows))

    @admin.action(
        description=gettext_lazy("Genindlæs valgte dokumenter med den nyeste indlæsning"),
        permissions=["reparse"],
    )
    def reparse_selected(self, request, queryset):
        done = changed = 0
        for source in queryset.select_related("meeting__committee__municipality"):
            if source.status != SourceDocument.Status.CURRENT or source.meeting is None:
                self.message_user(
                    request,
                    _(
                        "„%(name)s“ er sprunget over: det er erstattet af en nyere udgave, og "
                        "mødet viser den nyeste."
                    )
                    % {"name": source.file_name},
                    messages.WARNING,
                )
                continue
            result = store.reparse(source)
            if result.error:
                self.message_user(
                    request,
                    _("„%(name)s“ kunne ikke genindlæses, og mødet er uændret: %(error)s")
                    % {"name": source.file_name, "error": upload.danish(result.error)},
                    messages.ERROR,
                )
                continue
            done, changed = done + 1, changed + result.changed
            self.log_change(
                request,
                source,
                _("Genindlæst med parserversion %(version)s (%(before)d → %(after)d punkter)")
                % {"version": PARSER_VERSION, "before": result.before, "after": result.after},
            )
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(done)d dokument er genindlæst; %(changed)d møde fik ændret indhold.",
                    "%(done)d dokumenter er genindlæst; %(changed)d møder fik ændret indhold.",
                    done,
                )
                % {"done": done, "changed": changed},
                messages.SUCCESS,
            )

    # --- Extra views --------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="archive_sourcedocument_upload"),
            path(
                "upload/<str:token>/",
                wrap(self.preview_view),
                name="archive_sourcedocument_upload_preview",
            ),
            path(
                "<int:pk>/original/",
                wrap(self.original_view),
                name="archive_sourcedocument_original",
            ),
            *super().get_urls(),
        ]

    def original_view(self, request, pk):
        """The original exactly as received; always a download, never rendered here."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        source = get_object_or_404(SourceDocument, pk=pk)
        response = HttpResponse(bytes(source.original), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, source.file_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def upload_view(self, request):
        if not request.user.has_perm(UPLOAD_PERMISSION):
            return self._denied(request)
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if form.is_bound and form.is_valid():
            token = upload.prepare(
                form.cleaned_data["files"],
                user_id=request.user.pk,
                municipality=form.cleaned_data["municipality_name"],
                committee=form.cleaned_data["committee"],
            )
            return redirect("admin:archive_sourcedocument_upload_preview", token)
        committees = Committee.objects.order_by("name").values_list("name", flat=True).distinct()
        context = {
            "form": form,
            "title": _("Upload referat"),
            "committees": committees,
            "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
        }
        return self._render(request, "upload.html", context)

    def preview_view(self, request, token):
        if not request.user.has_perm(UPLOAD_PERMISSION):
            return self._denied(request)
        record = upload.load(token, request.user.pk)
        if record is None:
            messages.error(
                request,
                _(
                    "Uploaden findes ikke længere: den er enten gemt, annulleret eller over et "
                    "døgn gammel. Upload filerne igen."
                ),
            )
            return redirect("admin:archive_sourcedocument_upload")
        if request.method == "POST":
            return self._confirm(request, token, record)
        files = upload.preview(record)
        context = {
            "title": _("Kontrollér referatet, før det gemmes"),
            "files": files,
            "token": token,
            "record": record,
            "storable": [f for f in files if f.status in ("new", "upgrade", "replace")],
            "refused": [f for f in files if f.status in ("error", "duplicate")],
        }
        return self._render(request, "upload_preview.html", context)

    def _confirm(self, request, token, record):
        if "cancel" in request.POST:
            upload.discard(token)
            messages.info(request, _("Uploaden er annulleret. Intet er gemt i arkivet."))
            return redirect("admin:archive_sourcedocument_upload")
        replace = set(request.POST.getlist("replace"))
        again = redirect("admin:archive_sourcedocument_upload_preview", token)
        try:
            with transaction.atomic():
                results = upload.confirm(record, user=request.user, replace=replace)
                for result in results:
                    self._log_stored(request, result)
        except IngestError as error:
            messages.error(request, _("Intet er gemt. %(reason)s") % {"reason": error.message})
            return again
        except Exception:
            log.exception("upload %s failed while storing", token)
            messages.error(
                request,
                _(
                    "Der skete en fejl, mens referaterne blev gemt, så intet er gemt. Prøv at "
                    "gemme igen om lidt; sker det igen, så kontakt en administrator."
                ),
            )
            return again
        upload.discard(token)
        for result in results:
            self._report(request, result)
        return redirect("admin:archive_sourcedocument_upload")

    def _log_stored(self, request, result):
        outcome = result.outcome
        if outcome is None or outcome.status == store.DUPLICATE:
            return
        meetings = self.admin_site._registry[Meeting]
        self.log_addition(request, outcome.source, _("Uploadet i admin"))
        if outcome.status == store.CREATED:
            meetings.log_addition(request, outcome.meeting, _("Oprettet ved upload"))
        else:
            meetings.log_change(
                request,
                outcome.meeting,
                _("Erstattet af en ny udgave: %(name)s") % {"name": outcome.source.file_name},
            )

    def _report(self, request, result):
        outcome = result.outcome
        if outcome is None:
            messages.warning(
                request,
                _("„%(name)s“ er ikke gemt: %(reason)s.")
                % {"name": result.name, "reason": result.skipped},
            )
            return
        meeting = outcome.meeting
        texts = {
            store.CREATED: _("„{name}“ er gemt i arkivet: {meeting}."),
            store.REPLACED: _(
                "„{name}“ har erstattet den tidligere udgave af {meeting}. Den gamle original "
                "er gemt som erstattet."
            ),
            store.DUPLICATE: _("„{name}“ fandtes allerede i arkivet: {meeting}."),
        }
        messages.success(
            request,
            format_html(
                texts[outcome.status] + ' <a href="{url}">{see}</a> · <a href="{admin}">{edit}</a>',
                name=result.name,
                meeting=f"{meeting.committee.name}, {date_format(meeting.date, 'DATE_FORMAT')}",
                url=meeting.get_absolute_url(),
                see=_("Se mødet på arkivets side"),
                admin=reverse("admin:archive_meeting_change", args=[meeting.pk]),
                edit=_("Se det i admin"),
            ),
        )

    def _denied(self, request):
        context = {"title": _("Du kan ikke uploade referater")}
        return self._render(request, "upload_denied.html", context, status=403)

    def _render(self, request, template, context, status=200):
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(
            request, f"admin/archive/sourcedocument/{template}", context, status=status
        )


# --- Files of an item: the list with their text's state, and an editor's upload ---------


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


class AddFilesForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Filer"),
        help_text=gettext_lazy(
            "Bilag til punktet: PDF eller Word (.docx) bliver søgbare, når teksten er læst "
            "(skannede sider tekstgenkendes). Andre filer kan hentes, men søges ikke i."
        ),
        error_messages={"required": gettext_lazy("Vælg mindst én fil.")},
    )


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
