"""The admin's upload forms: referater for the "Upload referat" workflow, and files for an
item ("Tilføj bilag"), and who may use them. The views are in `ingest.admin` and
`ingest.item_admin`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import Municipality
from ingest.parse.header import normalize_municipality
from ingest.parse.lines import squash

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


class AddFilesForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Filer"),
        help_text=gettext_lazy(
            "Bilag til punktet: PDF eller Word (.docx) bliver søgbare, når teksten er læst "
            "(skannede sider tekstgenkendes). Andre filer kan hentes, men søges ikke i."
        ),
        error_messages={"required": gettext_lazy("Vælg mindst én fil.")},
    )
