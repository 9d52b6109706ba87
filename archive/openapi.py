"""The OpenAPI 3.1 description of the API, feeds and exports, built in code.

Served at /api/v1/openapi.json and rendered as the API's human page. The schemas are
strict (every field required, no others allowed) so that tests/test_api_v1.py can check
every endpoint's real responses against them.
"""

from django.utils.translation import gettext as _

from archive.exports import EXPORT_LIMIT
from archive.feeds import FEED_SIZE
from archive.search import COUNT_CAP, ESTIMATE_FROM

REF = "#/components/schemas/"


def ref(name):
    return {"$ref": REF + name}


def obj(properties: dict, required=None):
    """A closed object: all listed properties required unless `required` says otherwise."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
        "properties": properties,
    }


def nullable(schema):
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return schema | {"type": [schema["type"], "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
URI = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
OUTCOME = {
    "type": "string",
    "enum": [
        "approved",
        "recommended",
        "noted",
        "discussed",
        "postponed",
        "rejected",
        "referred",
        "withheld",
        "none",
        "other",
    ],
}


def const(value):
    return {"type": "string", "const": value}


def array(items):
    return {"type": "array", "items": items}


def links(extra=None):
    return {"id": INTEGER, "name": STRING, "url": URI, "web": URI} | (extra or {})


def schemas():
    body_ref = {"id": STRING, "name": STRING, "url": URI, "web": URI}
    organization_ref = links()
    meeting_ref = {"id": INTEGER, "date": DATE, "url": URI, "web": URI}
    case_ref = {"case_number": STRING, "url": URI, "web": URI}
    original = obj({"sha256": SHA256, "url": URI})
    person = obj({"name": STRING, "party": nullable(STRING)}, required=["name"])
    meeting = {
        "type": const("Meeting"),
        **meeting_ref,
        "name": STRING,
        "kind": {"type": "string", "enum": ["referat", "dagsorden"]},
        "start": nullable(DATETIME),
        "location": STRING,
        "municipality": ref("BodyRef"),
        "committee": ref("OrganizationRef"),
        "participants": array(person),
        "absent": array(person),
        "item_count": INTEGER,
        "original": nullable(ref("Original")),
        "created": DATETIME,
        "modified": DATETIME,
    }
    item_summary = {
        "type": const("AgendaItem"),
        "id": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
        "url": URI,
        "web": URI,
        "meeting": ref("MeetingRef"),
        "municipality": ref("BodyRef"),
        "committee": ref("OrganizationRef"),
        "date": DATE,
        "position": INTEGER,
        "number": nullable(INTEGER),
        "title": STRING,
        "closed": BOOLEAN,
        "case_number": nullable(STRING),
        "case": nullable(ref("CaseRef")),
        "kle_subject": nullable(STRING),
        "outcome": OUTCOME,
        "outcome_label": STRING,
        "modified": DATETIME,
    }
    texts = ["summary", "case_text", "recommendation", "decision", "economy", "legal_basis"]
    item = item_summary | {name: STRING for name in [*texts, "decision_authority"]}
    item |= {
        "other_sections": {"type": "object", "additionalProperties": STRING},
        "attachments": array(STRING),
        "decision_parts": array(
            obj({"point": INTEGER, "text": STRING, "outcome": STRING}, required=["point"])
        ),
        "references": array(
            obj({"number": nullable(INTEGER), "committee": STRING, "date": DATE}, required=[])
        ),
        "case_workers": array(STRING),
        "original": nullable(ref("Original")),
        "citation": STRING,
    }
    facet = array(obj({"value": STRING, "label": STRING, "count": INTEGER}))
    # Empty when nothing was searched for (a query of stop words only).
    facets = obj(
        {name: facet for name in ("municipality", "committee", "year", "outcome")}, required=[]
    )
    export_meta = {
        "source": URI,
        "generated": DATETIME,
        "limit": INTEGER,
        "parameters": {"type": "object", "additionalProperties": STRING},
        "count": INTEGER,
        "truncated": BOOLEAN,
    }
    legacy_hit = obj(
        {
            "url": URI,
            "municipality": STRING,
            "committee": STRING,
            "date": DATE,
            "position": INTEGER,
            "number": nullable(INTEGER),
            "title": STRING,
            "case_number": nullable(STRING),
            "outcome": OUTCOME,
            "snippet": STRING,
            "snippet_html": STRING,
        }
    )
    return {
        "Error": obj(
            {
                "error": STRING,
                "fields": {"type": "object", "additionalProperties": array(STRING)},
            },
            required=["error"],
        ),
        "System": obj(
            {
                "type": const("System"),
                "name": STRING,
                "version": STRING,
                **{
                    name: URI
                    for name in (
                        "openapi",
                        "documentation",
                        "municipalities",
                        "committees",
                        "meetings",
                        "items",
                        "search",
                    )
                },
            }
        ),
        "BodyRef": obj(body_ref),
        "OrganizationRef": obj(organization_ref),
        "MeetingRef": obj(meeting_ref),
        "CaseRef": obj(case_ref),
        "Original": original,
        "Body": obj(
            {
                "type": const("Body"),
                **body_ref,
                "slug": STRING,
                "committee_count": INTEGER,
                "committees": URI,
                "meetings": URI,
                "feed": URI,
                "modified": nullable(DATETIME),
            }
        ),
        "Organization": obj(
            {
                "type": const("Organization"),
                **organization_ref,
                "slug": STRING,
                "municipality": ref("BodyRef"),
                "meeting_count": INTEGER,
                "first_meeting": nullable(DATE),
                "last_meeting": nullable(DATE),
                "meetings": URI,
                "feed": URI,
                "modified": nullable(DATETIME),
            }
        ),
        "Meeting": obj(meeting),
        "MeetingWithItems": obj(meeting | {"items": array(ref("AgendaItem"))}),
        "AgendaItemSummary": obj(item_summary),
        "AgendaItem": obj(item),
        "SearchHit": obj(item_summary | {"snippet": STRING, "snippet_html": STRING}),
        "Case": obj(
            {
                "type": const("Case"),
                **case_ref,
                "kle_subject": nullable(STRING),
                "kle_facet": nullable(STRING),
                "kle_year": nullable(INTEGER),
                "feed": URI,
                "modified": DATETIME,
                "items": array(ref("AgendaItemSummary")),
            }
        ),
        "BodyList": page_of("Body"),
        "OrganizationList": page_of("Organization"),
        "MeetingList": page_of("Meeting"),
        "AgendaItemList": page_of("AgendaItem"),
        "SearchResults": page_of(
            "SearchHit",
            {
                "facets": facets,
                "facets_are_exact": BOOLEAN,
                "suggestion": nullable(STRING),
                "message": nullable(STRING),
            },
        ),
        "LegacySearchResults": obj(
            {
                "count": INTEGER,
                "count_is_exact": BOOLEAN,
                "page": INTEGER,
                "page_size": INTEGER,
                "results": array(legacy_hit),
                "facets": facets,
                "suggestion": nullable(STRING),
                "message": nullable(STRING),
            }
        ),
        "AgendaItemExport": obj(export_meta | {"results": array(ref("AgendaItem"))}),
        "MeetingExport": obj(export_meta | {"results": array(ref("Meeting"))}),
    }


def page_of(name, extra=None):
    return obj(
        {
            "count": INTEGER,
            "count_is_exact": BOOLEAN,
            "page": INTEGER,
            "page_size": INTEGER,
            "pages": INTEGER,
            "next": nullable(URI),
            "previous": nullable(URI),
            "results": array(ref(name)),
        }
        | (extra or {})
    )


def query_parameter(name, schema, description, example=None):
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    parameter["description"] = description
    if example is not None:
        parameter["example"] = example
    return parameter


def path_parameter(name, schema, description, example):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
        "example": example,
    }


def parameters():
    date = DATE
    return {
        "page": query_parameter(
            "page", {"type": "integer", "minimum": 1, "maximum": 1000}, _("Side, fra 1."), 1
        ),
        "page_size": query_parameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": 100},
            _("Antal pr. side (højst 100)."),
        ),
        "q": query_parameter(
            "q",
            STRING,
            _(
                'Søgetekst: ord, "udtryk i anførselstegn", or, -ord; eller et journalnummer '
                "eller dets begyndelse."
            ),
            "hjemløse",
        ),
        "scope": query_parameter(
            "scope",
            {"type": "string", "enum": ["all", "decisions", "titles"]},
            _("Søg i al tekst, kun beslutninger eller kun titler."),
        ),
        "sort": query_parameter(
            "sort",
            {"type": "string", "enum": ["relevance", "date"]},
            _("Relevans (standard med søgetekst) eller dato, nyeste først."),
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
        "kle": query_parameter("kle", STRING, _("KLE-emne eller dets begyndelse."), "15.00"),
        "outcome": query_parameter("outcome", OUTCOME, _("Beslutningens udfald.")),
        "closed": query_parameter(
            "closed",
            {"type": "string", "enum": ["true", "false"]},
            _("Kun lukkede (true) eller åbne (false) punkter."),
        ),
        "case_number": query_parameter(
            "case_number", STRING, _("Sagsnummer, som trykt eller normaliseret.")
        ),
        "modified_since": query_parameter(
            "modified_since",
            DATETIME,
            _("Kun det, der er ændret dette tidspunkt eller senere (ISO 8601)."),
        ),
        "delimiter": query_parameter(
            "delimiter",
            {"type": "string", "enum": ["semicolon", "comma", "tab"]},
            _("Skilletegn i CSV (standard: semikolon, som dansk Excel forventer)."),
        ),
    }


SEARCH = ["q", "scope", "sort", "municipality", "committee", "date_from", "date_to", "year"]
SEARCH += ["kle", "outcome", "closed"]
FILTERS = [p for p in SEARCH if p not in ("q", "scope", "sort")]


def params(*names):
    return [{"$ref": "#/components/parameters/" + name} for name in names]


def json_content(schema_name):
    return {"application/json": {"schema": ref(schema_name)}}


def responses(schema_name, *errors, content=None):
    result = {"200": {"description": "OK", "content": content or json_content(schema_name)}}
    descriptions = {"400": _("Ugyldige parametre"), "404": _("Findes ikke")}
    for code in errors:
        result[code] = {"description": descriptions[code], "content": json_content("Error")}
    return result


def operation(tag, summary, description, parameters_, responses_):
    result = {"tags": [tag], "summary": summary, "responses": responses_}
    if description:
        result["description"] = description
    if parameters_:
        result["parameters"] = parameters_
    return {"get": result}


ATOM = {"application/atom+xml": {"schema": {"type": "string"}}}
CSV = {"text/csv": {"schema": {"type": "string"}}}


def paths():
    api, feeds, exports = "API", _("Feeds"), _("Eksport")
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
            params("municipality", "committee", "year", "date_from", "date_to", "modified_since")
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
                "til to cifre, med count_is_exact=false; der vises højst %(cap)s træffere."
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
            responses("", content=ATOM),
        ),
        "/kommune/{municipality}/{committee}/feed": operation(
            feeds,
            _("Atom-feed med nye møder i et udvalg"),
            "",
            [
                path_parameter("municipality", STRING, _("Kommunens id."), "herning"),
                path_parameter("committee", STRING, _("Udvalgets kortnavn."), "udvalg"),
            ],
            responses("", content=ATOM),
        ),
        "/sag/{case_number}/feed": operation(
            feeds,
            _("Atom-feed med en sags punkter"),
            "",
            [path_parameter("case_number", STRING, _("Sagsnummer."), "00.00.00-P19-1719-10")],
            responses("", content=ATOM),
        ),
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
            params("municipality", "committee", "year", "date_from", "date_to")
            + params("modified_since", "delimiter"),
            responses("", "400", content=CSV),
        ),
        "/moeder/eksport.json": operation(
            exports,
            _("Mødeliste som JSON"),
            _("Højst %(n)s møder.") % {"n": EXPORT_LIMIT},
            params("municipality", "committee", "year", "date_from", "date_to")
            + params("modified_since"),
            responses("MeetingExport", "400"),
        ),
    }


def openapi_document(request):
    from archive import calendars, people_api

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
        "paths": paths() | people_api.openapi_paths() | calendars.openapi_paths(),
        "components": {
            "schemas": schemas() | people_api.openapi_schemas(),
            "parameters": parameters(),
        },
    }
