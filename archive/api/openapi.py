"""The OpenAPI 3.1 description of the API, feeds and exports, built in code; its enums
and limits come from the models and archive.limits, so it cannot drift from them.

Served at /api/v1/openapi.json and rendered as the API's human page. The component
schemas are in archive/api/schemas.py.
"""

from django.utils.translation import gettext as _

from archive.api.params import DELIMITERS
from archive.api.schemas import (
    BODY_KIND,
    DATE,
    DATETIME,
    INTEGER,
    OUTCOME,
    STRING,
    ref,
    schemas,
)
from archive.limits import (
    CALENDAR_SIZE,
    COUNT_CAP,
    ESTIMATE_FROM,
    EXPORT_LIMIT,
    FEED_SIZE,
    ITEM_LIMIT,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MEETING_LIMIT,
    QUERY_PARAMETER_LENGTH,
)
from archive.search.query import SCOPES, SORTS

EMPTY = {"type": "string", "maxLength": 0}


def query_parameter(name, schema, description, example=None):
    """An optional query parameter. An empty value is the same as leaving it out (as an
    HTML form sends an unset field), so the schema allows it beside the real values."""
    if not (schema.get("type") == "string" and set(schema) <= {"type", "maxLength"}):
        schema = {"anyOf": [schema, EMPTY]}
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    parameter["description"] = description
    if example is not None:
        parameter["example"] = example
    return parameter


def text(longest: int) -> dict:
    """A string parameter of at most `longest` characters, as its form field checks."""
    return {"type": "string", "maxLength": longest}


def path_parameter(name, schema, description, example):
    """A required path parameter, with an example."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
        "example": example,
    }


def parameters():
    """The shared query parameters, referred to by name from the operations."""
    date = DATE
    return {
        "page": query_parameter(
            "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, _("Side, fra 1."), 1
        ),
        "page_size": query_parameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            _("Antal pr. side (højst 100)."),
        ),
        "q": query_parameter(
            "q",
            text(QUERY_PARAMETER_LENGTH),
            _(
                'Søgetekst: ord, "udtryk i anførselstegn", or, -ord; eller et journalnummer '
                "eller dets begyndelse."
            ),
            "hjemløse",
        ),
        "scope": query_parameter(
            "scope",
            {"type": "string", "enum": list(SCOPES)},
            _("Søg i al tekst, kun beslutninger, kun titler eller kun bilagenes tekst."),
        ),
        "sort": query_parameter(
            "sort",
            {"type": "string", "enum": list(SORTS)},
            _("Relevans (standard med søgetekst) eller dato, nyeste først."),
        ),
        "kind": query_parameter(
            "kind",
            BODY_KIND,
            _("Kun kommuners (kommune) eller kun regioners (region) møder og punkter."),
            "region",
        ),
        "municipality": query_parameter(
            "municipality", STRING, _("Kommunens id (kortnavn)."), "herning"
        ),
        "committee": query_parameter("committee", INTEGER, _("Udvalgets id.")),
        "date_from": query_parameter("date_from", date, _("Mødedato fra og med.")),
        "date_to": query_parameter("date_to", date, _("Mødedato til og med.")),
        "year": query_parameter(
            "year", {"type": "integer", "minimum": 1900, "maximum": 2100}, _("Mødeår.")
        ),
        "kle": query_parameter("kle", text(8), _("KLE-emne eller dets begyndelse."), "15.00"),
        "outcome": query_parameter("outcome", OUTCOME, _("Beslutningens udfald.")),
        "closed": query_parameter(
            "closed",
            {"type": "string", "enum": ["true", "false"]},
            _("Kun lukkede (true) eller åbne (false) punkter."),
        ),
        "case_number": query_parameter(
            "case_number", text(100), _("Sagsnummer, som trykt eller normaliseret.")
        ),
        "modified_since": query_parameter(
            "modified_since",
            DATETIME,
            _("Kun det, der er ændret dette tidspunkt eller senere (ISO 8601)."),
        ),
        "delimiter": query_parameter(
            "delimiter",
            {"type": "string", "enum": list(DELIMITERS)},
            _("Skilletegn i CSV (standard: semikolon, som dansk Excel forventer)."),
        ),
    }


SEARCH = ["q", "scope", "sort", "kind", "municipality", "committee", "date_from", "date_to"]
SEARCH += ["year", "kle", "outcome", "closed"]
FILTERS = [p for p in SEARCH if p not in ("q", "scope", "sort")]


def params(*names):
    """References to shared parameters."""
    return [{"$ref": "#/components/parameters/" + name} for name in names]


def json_content(schema_name):
    """A JSON body of the named schema."""
    return {"application/json": {"schema": ref(schema_name)}}


def responses(schema_name, *errors, content=None, page_errors=False):
    """The 200 response and the listed error responses: JSON errors, or with `page_errors`
    the site's HTML error page (a feed or calendar whose address names nothing)."""
    result = {"200": {"description": "OK", "content": content or json_content(schema_name)}}
    descriptions = {"400": _("Ugyldige parametre"), "404": _("Findes ikke")}
    for code in errors:
        error = HTML if page_errors else json_content("Error")
        result[code] = {"description": descriptions[code], "content": error}
    return result


def operation(tag, summary, description, parameters_, responses_):
    """A GET operation under a tag."""
    result = {"tags": [tag], "summary": summary, "responses": responses_}
    if description:
        result["description"] = description
    if parameters_:
        result["parameters"] = parameters_
    return {"get": result}


ATOM = {"application/atom+xml": {"schema": {"type": "string"}}}
CSV = {"text/csv": {"schema": {"type": "string"}}}
HTML = {"text/html": {"schema": {"type": "string"}}}


def paths() -> dict:
    """Every endpoint: the API, the feeds and the exports."""
    return _api_paths() | _feed_paths() | _export_paths() | _people_paths() | _calendar_paths()


def _api_paths() -> dict:
    api = "API"
    page = params("page", "page_size")
    slug = path_parameter("slug", STRING, _("Kommunens id."), "herning")
    return {
        "/api/v1/": operation(api, _("Indgang med links"), "", [], responses("System")),
        "/api/v1/openapi.json": operation(
            api,
            _("Denne beskrivelse (OpenAPI 3.1)"),
            "",
            [],
            {"200": {"description": "OK", "content": {"application/json": {}}}},
        ),
        "/api/v1/municipalities": operation(
            api, _("Kommuner (Body)"), "", page, responses("BodyList", "400")
        ),
        "/api/v1/municipalities/{slug}": operation(
            api, _("Én kommune"), "", [slug], responses("Body", "404")
        ),
        "/api/v1/committees": operation(
            api,
            _("Udvalg (Organization)"),
            "",
            params("municipality", "page", "page_size"),
            responses("OrganizationList", "400"),
        ),
        "/api/v1/committees/{id}": operation(
            api,
            _("Ét udvalg"),
            "",
            [path_parameter("id", INTEGER, _("Udvalgets id."), 1)],
            responses("Organization", "404"),
        ),
        "/api/v1/meetings": operation(
            api,
            _("Møder, nyeste først"),
            _("Sorteret som mødelisten på sitet, 50 pr. side som standard."),
            params(
                "kind",
                "municipality",
                "committee",
                "year",
                "date_from",
                "date_to",
                "modified_since",
            )
            + page,
            responses("MeetingList", "400"),
        ),
        "/api/v1/meetings/{id}": operation(
            api,
            _("Ét møde med alle dets punkter"),
            _(
                "Punkterne erstattes samlet, når et referat rettes eller genindlæses: hent "
                "mødet igen, når dets modified ændrer sig."
            ),
            [path_parameter("id", INTEGER, _("Mødets id."), 1)],
            responses("MeetingWithItems", "404"),
        ),
        "/api/v1/items": operation(
            api,
            _("Dagsordenspunkter, nyeste møde først"),
            _("Samme filtre og rækkefølge som søgningen sorteret efter dato, 20 pr. side."),
            params(*FILTERS, "case_number", "modified_since") + page,
            responses("AgendaItemList", "400"),
        ),
        "/api/v1/meetings/{meeting_id}/items/{position}": operation(
            api,
            _("Ét dagsordenspunkt med citat"),
            "",
            [
                path_parameter("meeting_id", INTEGER, _("Mødets id."), 1),
                path_parameter("position", INTEGER, _("Punktets placering på mødet."), 1),
            ],
            responses("AgendaItem", "404"),
        ),
        "/api/v1/cases/{case_number}": operation(
            api,
            _("En sag: alle punkter med sagsnummeret, ældste først"),
            _("Sagsnummeret må indeholde skråstreger."),
            [path_parameter("case_number", STRING, _("Sagsnummer."), "00.00.00-P19-1719-10")],
            responses("Case", "404"),
        ),
        "/api/v1/search": operation(
            api,
            _("Søgning"),
            _(
                "Samme parametre, rækkefølge og sider som søgesiden og /api/search. Over "
                "%(estimate)s træffere er count et skøn fra en stikprøve af tabellen, afrundet "
                "til to cifre, med count_is_exact=false; der vises højst %(cap)s træffere. "
                "Samme sag behandlet i flere udvalg (samme sagsnummer og titel) er ét træf med "
                "de øvrige udvalgs punkter i also; count tæller punkter, hit_count træf (null "
                "når de ikke er talt), og sider er sider af træf."
            )
            % {"estimate": ESTIMATE_FROM, "cap": COUNT_CAP},
            params(*SEARCH) + page,
            responses("SearchResults", "400"),
        ),
        "/api/search": operation(
            api,
            _("Søgning (oprindeligt format)"),
            _("Som /api/v1/search, uden id'er og links til API'et."),
            params(*SEARCH) + page,
            responses("LegacySearchResults", "400"),
        ),
    }


def _feed_paths() -> dict:
    feeds = _("Feeds")
    slug = path_parameter("slug", STRING, _("Kommunens id."), "herning")
    return {
        "/soeg/feed": operation(
            feeds,
            _("Atom-feed med de nyeste punkter, der matcher en søgning"),
            _("Samme parametre som søgesiden; de %(n)s nyeste punkter.") % {"n": FEED_SIZE},
            params(*SEARCH),
            responses("", "400", content=ATOM),
        ),
        "/kommune/{slug}/feed": operation(
            feeds,
            _("Atom-feed med nye møder i en kommune"),
            "",
            [slug],
            responses("", "404", content=ATOM, page_errors=True),
        ),
        "/kommune/{municipality}/{committee}/feed": operation(
            feeds,
            _("Atom-feed med nye møder i et udvalg"),
            "",
            [
                path_parameter("municipality", STRING, _("Kommunens id."), "herning"),
                path_parameter("committee", STRING, _("Udvalgets kortnavn."), "udvalg"),
            ],
            responses("", "404", content=ATOM, page_errors=True),
        ),
        "/sag/{case_number}/feed": operation(
            feeds,
            _("Atom-feed med en sags punkter"),
            "",
            [path_parameter("case_number", STRING, _("Sagsnummer."), "00.00.00-P19-1719-10")],
            responses("", "404", content=ATOM, page_errors=True),
        ),
    }


def _export_paths() -> dict:
    exports = _("Eksport")
    return {
        "/soeg/eksport.csv": operation(
            exports,
            _("Søgeresultater som CSV"),
            _("Højst %(n)s rækker, UTF-8 med BOM.") % {"n": EXPORT_LIMIT},
            params(*SEARCH, "delimiter"),
            responses("", "400", content=CSV),
        ),
        "/soeg/eksport.json": operation(
            exports,
            _("Søgeresultater som JSON"),
            _("Højst %(n)s punkter.") % {"n": EXPORT_LIMIT},
            params(*SEARCH),
            responses("AgendaItemExport", "400"),
        ),
        "/moeder/eksport.csv": operation(
            exports,
            _("Mødeliste som CSV"),
            _("Højst %(n)s rækker, UTF-8 med BOM.") % {"n": EXPORT_LIMIT},
            params("kind", "municipality", "committee", "year", "date_from", "date_to")
            + params("modified_since", "delimiter"),
            responses("", "400", content=CSV),
        ),
        "/moeder/eksport.json": operation(
            exports,
            _("Mødeliste som JSON"),
            _("Højst %(n)s møder.") % {"n": EXPORT_LIMIT},
            params("kind", "municipality", "committee", "year", "date_from", "date_to")
            + params("modified_since"),
            responses("MeetingExport", "400"),
        ),
    }


def openapi_document(request):
    """The whole document, with this server's address."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("Referatarkiv – åbne data"),
            "version": "1",
            "description": _(
                "Læseadgang til kommunale udvalgsreferater: kommuner, udvalg, møder, "
                "dagsordenspunkter, sager og søgning, samt Atom-feeds og eksport."
            ),
        },
        "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
        "paths": paths(),
        "components": {"schemas": schemas(), "parameters": parameters()},
    }


def _people_paths() -> dict:
    """The people endpoints and a person's feed."""
    slug = path_parameter("slug", STRING, _("Personens id (kortnavn)."), "peter-nielsen-herlev")
    return {
        "/api/v1/people": operation(
            "API",
            _("Personer (Person) i referaternes deltagerlister"),
            _(
                "Navne matches inden for én kommune; se docs/people.md. Tællingerne gælder "
                "offentliggjorte møder."
            ),
            params("municipality", "committee")
            + [
                query_parameter("party", text(10), _("Partibogstav."), "A"),
                query_parameter("q", text(100), _("Del af navnet."), "nielsen"),
            ]
            + params("page", "page_size"),
            responses("PersonList", "400"),
        ),
        "/api/v1/people/{slug}": operation(
            "API",
            _("Én person: udvalg, møder pr. år, fremmøde og punkter, der nævner personen"),
            _("Højst %(meetings)s møder og %(items)s punkter.")
            % {"meetings": MEETING_LIMIT, "items": ITEM_LIMIT},
            [slug],
            responses("PersonDetail", "404"),
        ),
        "/personer/{slug}/feed": operation(
            _("Feeds"),
            _("Atom-feed med de nyeste punkter, der nævner en person"),
            "",
            [slug],
            responses("", "404", content=ATOM, page_errors=True),
        ),
    }


def _calendar_paths() -> dict:
    """The iCalendar feeds (archive/calendars.py)."""
    ics = {"text/calendar": {"schema": {"type": "string"}}}
    tag = _("Kalendere")
    municipality = path_parameter("municipality", STRING, _("Kommunens id."), "herning")
    return {
        "/kommune/{slug}/kalender.ics": operation(
            tag,
            _("iCalendar med kommunens møder"),
            _("De %(n)s nyeste møder, kommende møder fra dagsordenerne.") % {"n": CALENDAR_SIZE},
            [path_parameter("slug", STRING, _("Kommunens id."), "herning")],
            responses("", "404", content=ics, page_errors=True),
        ),
        "/kommune/{municipality}/{committee}/kalender.ics": operation(
            tag,
            _("iCalendar med udvalgets møder"),
            "",
            [
                municipality,
                path_parameter("committee", STRING, _("Udvalgets kortnavn."), "udvalg"),
            ],
            responses("", "404", content=ics, page_errors=True),
        ),
        "/personer/{slug}/kalender.ics": operation(
            tag,
            _("iCalendar med en persons møder"),
            _(
                "Møderne på personens lister og de kommende møder i udvalg, personen sad i det "
                "seneste år."
            ),
            [path_parameter("slug", STRING, _("Personens id (kortnavn)."), "peter-nielsen-herlev")],
            responses("", "404", content=ics, page_errors=True),
        ),
    }
