"""What an uploaded file is refused for, in words an editor reads (Danish), before anything
is parsed: too big, empty, not a document, or not what its name says; and whether the archive
holds the same bytes already. Part of the upload workflow (`ingest.upload`).
"""

import re
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from archive.models import SourceDocument
from ingest import bundles, pipeline
from ingest.errors import IngestError

# An export of a case system or First Agenda: a ZIP or tar.gz of one meeting, or one
# structured file (First Agenda's JSON, an ESDH manifest). Read by its own reader.
EXPORT = "export"
# What a file name promises, by extension. `sniff` names text, Markdown included, "text".
CLAIMS = {
    ".pdf": pipeline.PDF,
    ".docx": pipeline.DOCX,
    ".html": pipeline.HTML,
    ".htm": pipeline.HTML,
    ".txt": pipeline.TEXT,
    ".md": pipeline.TEXT,
    ".markdown": pipeline.TEXT,
}
# The ingest package's messages end in an English gloss: "(the file is empty)". Editors read
# Danish; the gloss starts with one of these words.
ENGLISH_GLOSS = re.compile(
    r"\s*\((?:the|a|an|no|internal|use|this|it|municipality)\b[^()]*(?:\([^()]*\)[^()]*)*\)", re.I
)


def family_name(family: str) -> str:
    return {
        pipeline.PDF: _("en PDF"),
        pipeline.HTML: _("en webside (HTML)"),
        pipeline.DOCX: _("et Word-dokument (.docx)"),
        pipeline.TEXT: _("almindelig tekst"),
        EXPORT: _("en eksport fra et sagssystem (ZIP, XML eller JSON)"),
    }.get(family, family)


def danish(message: str) -> str:
    """An ingest message without its English gloss, its command-line hints as form fields."""
    message = ENGLISH_GLOSS.sub("", message).strip()
    return message.replace("(--committee)", _("i feltet „Udvalg“")).replace(
        "(--municipality)", _("i feltet „Kommune“")
    )


def too_big(size: int) -> str:
    limit = settings.MAX_UPLOAD_BYTES
    return _(
        "Filen fylder %(size)s, men grænsen er %(limit)s. Del referatet op i flere filer, eller "
        "gem PDF'en i en mindre udgave (fx uden billeder), og upload den igen."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}


def check(data: bytes, file_name: str) -> str:
    """Refuse a file that is too big, empty, no document, or not what its name says.

    Returns the input family found in the bytes (pdf, html, text). An HTML file named .pdf
    is refused: a .pdf that is a web page is nearly always a download that went wrong (an
    error or login page), and storing it as the "original PDF" would mislead readers.
    """
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise IngestError(too_big(len(data)), file_name)
    if not data.strip():
        raise IngestError(
            _("Filen er tom. Gem referatet igen fra kommunens system, og upload den nye fil."),
            file_name,
        )
    if bundles.archive_kind(data) is not None or pipeline.structured_reader(data) is not None:
        family = EXPORT
    else:
        try:
            family = pipeline.sniff(data)
        except IngestError as error:
            raise IngestError(danish(error.message), file_name) from None
    claimed = CLAIMS.get(PurePath(file_name).suffix.lower())
    if claimed and claimed != family:
        raise IngestError(_mismatch(file_name, claimed, family), file_name)
    return family


def _mismatch(file_name, claimed, family):
    suffix = {
        pipeline.PDF: ".pdf",
        pipeline.HTML: ".html",
        pipeline.DOCX: ".docx",
        pipeline.TEXT: ".txt",
    }.get(family, ".zip")
    return _(
        "Filen hedder „%(name)s“, men indeholder %(actual)s, ikke %(claimed)s. Det sker ofte, "
        "når en download er gået galt. Hent referatet igen fra kommunens hjemmeside; er "
        "indholdet rigtigt, så giv filen endelsen %(suffix)s og upload den igen."
    ) % {
        "name": file_name,
        "actual": family_name(family),
        "claimed": family_name(claimed),
        "suffix": suffix,
    }


def find_duplicate(sha256: str) -> SourceDocument | None:
    return (
        SourceDocument.objects.select_related("meeting__committee__municipality")
        .filter(sha256=sha256)
        .first()
    )
