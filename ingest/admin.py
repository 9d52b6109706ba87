"""Ingest in Django's admin: source documents, their originals, re-parsing, and the
"Upload referat" workflow.

The workflow's logic lives in `ingest.upload`, its forms in `ingest.upload_forms`; here are
only the views and the admin log. An item's files are `ingest.item_admin`. The original is
evidence: never edited here, and only superusers may delete.
"""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
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

from archive.admin import ArchiveAdmin, download_link
from archive.models import Committee, Meeting, SourceDocument
from ingest import item_admin, store, upload
from ingest.errors import IngestError
from ingest.pipeline import PARSER_VERSION
from ingest.upload_forms import UPLOAD_PERMISSION, UploadForm

# Registered with the admin on import: the item admin with its files ("Tilføj bilag").
__all__ = ["SourceDocumentAdmin", "item_admin"]
log = logging.getLogger(__name__)


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
