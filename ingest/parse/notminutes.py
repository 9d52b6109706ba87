"""What an uploaded document seems to be when it is not minutes: the reason for a refusal.

People upload what lies next to the minutes: a bilag (a printed e-mail, a table of cases),
a portal's list of meetings, a stylesheet saved with an HTML page. Each is recognised by the
general traits of its kind, in the shared text shape the document readers give (one block
per line, table cells joined by tabs), never by its file name:

- an e-mail starts with its header fields: "Fra:" and two of "Til:", "Emne:", "Sendt:",
  "Dato:", "Cc:" among its first lines (Outlook prints them so; minutes never start so);
- a stylesheet is CSS: most lines are selectors, braces and "property: value;" pairs;
- a list of meetings has many dates, each beside a committee or "Dagsorden"/"Referat", and
  no agenda items;
- a table without the structure of minutes: most lines are rows of cells, with no
  "Punkt"/"Beslutning"/"Sagsnr." to be seen.

`refuse_at_sight` runs before the minutes parser (e-mail and stylesheet are certain from
their first lines); `explain` runs when the parser found no minutes, to say what the file is
instead. Both raise or return `IngestError` with `reason` set (`EMAIL`, ...), which
`evaluate_ingest` expectation files name as `"refused": "<reason>"`.
"""

import re

from ingest.errors import IngestError

EMAIL = "email"
STYLESHEET = "stylesheet"
MEETING_LIST = "meeting-list"
TABLE = "table"

MESSAGES = {
    EMAIL: (
        "Filen ligner en e-mail (den begynder med Fra:, Til:, Emne:), altså et bilag, ikke et "
        "referat. Upload selve referatet; et bilag hører til sit punkt. (The file looks like "
        "a printed e-mail, an attachment, not minutes.)"
    ),
    STYLESHEET: (
        "Filen ligner et stylesheet (CSS) til en webside, ikke et referat. Upload selve "
        "referatet som PDF, Word eller HTML. (The file looks like a CSS stylesheet, not "
        "minutes.)"
    ),
    MEETING_LIST: (
        "Filen ligner en oversigt over møder (datoer og udvalg med links til dagsordener og "
        "referater), ikke et referat. Åbn mødet på portalen og upload dets referat. (The file "
        "looks like a list of meetings, not minutes.)"
    ),
    TABLE: (
        "Filen ligner et bilag med en tabel (fx en oversigt over sager), ikke et referat: den "
        "har hverken dagsordenspunkter, sagsnumre eller beslutninger. (The file looks like an "
        "attachment holding a table, not minutes.)"
    ),
}

HEAD_LINES = 12
EMAIL_FIELD = re.compile(
    r"^(?P<field>fra|from|til|to|emne|subject|sendt|sent|dato|date|cc|bcc|vedhæftet|"
    r"attachments?|prioritet|importance)\s*:",
    re.I,
)
EMAIL_FIELDS = {
    "fra": "from", "from": "from", "til": "to", "to": "to", "emne": "subject",
    "subject": "subject", "sendt": "sent", "sent": "sent", "dato": "sent", "date": "sent",
    "cc": "cc", "bcc": "cc",
}  # fmt: skip

CSS_LINE = re.compile(
    r"^(?:[^{}]{0,200}\{[^{}]*\}?|\}|[-\w]+\s*:\s*[^;{}]{0,200};?\s*\}?|@[a-z-]+\b.*|/\*.*|.*\*/)$",
    re.I,
)
DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}\.\s*(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?\s+\d{4})\b",
    re.I,
)
MEETING_WORD = re.compile(
    r"\b(?:dagsorden|referat|møde|udvalg(?:et)?|byråd(?:et)?|magistrat(?:en)?|"
    r"kommunalbestyrelse(?:n)?|råd(?:et)?|nævn(?:et)?)\b|udvalget\b",
    re.I,
)
# What minutes are made of: item headers, section headings standing alone, case lines.
MINUTES_WORDS = re.compile(
    r"^(?:punkt|pkt\.?)\s*\d+\b|^\d{1,3}\.\s+[A-ZÆØÅ]"
    r"|^(?:beslutning|indstilling|sagsfremstilling|resume|sagsbeskrivelse)\s*:?$"
    r"|^(?:sagsnr|sags\s*nr|j\.\s*nr)\.?\s*:?\s*\S*\d",
    re.I,
)
MEETING_LIST_ENTRIES = 5
TABLE_ROWS = 5


def refuse_at_sight(text: str) -> None:
    """IngestError for a document whose first lines show it is not minutes."""
    lines = _lines(text)
    for reason, test in ((EMAIL, _is_email), (STYLESHEET, _is_stylesheet)):
        if test(lines):
            raise refusal(reason)


def explain(text: str) -> IngestError | None:
    """Why a document the minutes parser could not read is not minutes, if it shows."""
    lines = _lines(text)
    for reason, test in ((MEETING_LIST, _is_meeting_list), (TABLE, _is_table)):
        if test(lines):
            return refusal(reason)
    return None


def refusal(reason: str) -> IngestError:
    return IngestError(MESSAGES[reason], reason=reason)


def _lines(text: str) -> list[str]:
    """Non-blank lines, spaces collapsed; the tabs between table cells kept."""
    return [re.sub(r"[^\S\t]+", " ", line).strip() for line in text.split("\n") if line.strip()]


def _is_email(lines: list[str]) -> bool:
    fields = set()
    for line in lines[:HEAD_LINES]:
        match = EMAIL_FIELD.match(line)
        if match and match["field"].lower() in EMAIL_FIELDS:
            fields.add(EMAIL_FIELDS[match["field"].lower()])
    return "from" in fields and len(fields & {"to", "subject", "sent", "cc"}) >= 2


def _is_stylesheet(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    css = sum(1 for line in lines if CSS_LINE.match(line))
    braces = sum(line.count("{") for line in lines)
    return braces >= 2 and css >= 0.8 * len(lines)


def _is_meeting_list(lines: list[str]) -> bool:
    """Dates, each with a meeting word on its line or the two lines after it, and nothing
    that opens an agenda item."""
    entries, dates = 0, set()
    for index, line in enumerate(lines):
        date = DATE.search(line)
        if not date or len(line) > 120:
            continue
        near = " ".join(lines[index : index + 3])
        if MEETING_WORD.search(near):
            entries += 1
            dates.add(date[0])
    items = sum(1 for line in lines if MINUTES_WORDS.match(line))
    return entries >= MEETING_LIST_ENTRIES and len(dates) >= 3 and items < entries / 4


def _is_table(lines: list[str]) -> bool:
    """Mostly rows of cells, and none of the words minutes are made of."""
    rows = [line for line in lines if "\t" in line]
    if len(rows) < TABLE_ROWS:
        return False
    return len(rows) >= 0.4 * len(lines) and not any(MINUTES_WORDS.match(line) for line in lines)
