"""The component schemas of the OpenAPI document: strict (every field required, no others
allowed), so that tests/test_api_v1.py can check every endpoint's real responses against
them. Enums come from the models that define them."""

from archive.models import Attendance, Meeting, Municipality, Outcome

REF = "#/components/schemas/"


def ref(name):
    """A reference to a component schema."""
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
    """The schema, or null."""
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
# Enums from the code that defines them, so the document cannot drift from it.
OUTCOME = {"type": "string", "enum": list(Outcome.values)}
MEETING_KIND = {"type": "string", "enum": list(Meeting.Kind.values)}
BODY_KIND = {"type": "string", "enum": list(Municipality.Kind.values)}


def const(value):
    """A string that is always this value."""
    return {"type": "string", "const": value}


def array(items):
    """A list of items of the schema."""
    return {"type": "array", "items": items}


def links(extra=None):
    """The fields of an object reference: id, name, its API url and its web page."""
    return {"id": INTEGER, "name": STRING, "url": URI, "web": URI} | (extra or {})


BODY_REF = {"id": STRING, "name": STRING, "url": URI, "web": URI}
ORGANIZATION_REF = links()
MEETING_REF = {"id": INTEGER, "date": DATE, "url": URI, "web": URI}
CASE_REF = {"case_number": STRING, "url": URI, "web": URI}
ORIGINAL = obj({"sha256": SHA256, "url": URI})
PERSON = obj({"name": STRING, "party": nullable(STRING)}, required=["name"])
MEETING = {
    "type": const("Meeting"),
    **MEETING_REF,
    "name": STRING,
    "kind": MEETING_KIND,
    "start": nullable(DATETIME),
    "location": STRING,
    "municipality": ref("BodyRef"),
    "committee": ref("OrganizationRef"),
    "participants": array(PERSON),
    "absent": array(PERSON),
    "item_count": INTEGER,
    "original": nullable(ref("Original")),
    "created": DATETIME,
    "modified": DATETIME,
}
ITEM_SUMMARY = {
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
TEXTS = ["summary", "case_text", "recommendation", "decision", "economy", "legal_basis"]
ITEM = ITEM_SUMMARY | {name: STRING for name in [*TEXTS, "decision_authority"]}
ITEM |= {
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
FACET = array(obj({"value": STRING, "label": STRING, "count": INTEGER}))
# Empty when nothing was searched for (a query of stop words only).
FACETS = obj(
    {name: FACET for name in ("kind", "municipality", "committee", "year", "outcome")},
    required=[],
)
EXPORT_META = {
    "source": URI,
    "generated": DATETIME,
    "limit": INTEGER,
    "parameters": {"type": "object", "additionalProperties": STRING},
    "count": INTEGER,
    "truncated": BOOLEAN,
}
LEGACY_HIT = obj(
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


def schemas() -> dict:
    """The document's component schemas: strict objects, every field required."""
    return _basic_schemas() | _object_schemas() | _list_schemas() | _people_schemas()


def _basic_schemas() -> dict:
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
        "BodyRef": obj(BODY_REF),
        "OrganizationRef": obj(ORGANIZATION_REF),
        "MeetingRef": obj(MEETING_REF),
        "CaseRef": obj(CASE_REF),
        "Original": ORIGINAL,
    }


def _object_schemas() -> dict:
    return {
        "Body": obj(
            {
                "type": const("Body"),
                **BODY_REF,
                "slug": STRING,
                "kind": BODY_KIND,
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
                **ORGANIZATION_REF,
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
        "Meeting": obj(MEETING),
        "MeetingWithItems": obj(MEETING | {"items": array(ref("AgendaItem"))}),
        "AgendaItemSummary": obj(ITEM_SUMMARY),
        "AgendaItem": obj(ITEM),
        "SearchHit": obj(
            ITEM_SUMMARY
            | {"snippet": STRING, "snippet_html": STRING, "attachment": nullable(ref("BilagHit"))}
            | {"also": array(ref("CaseCopy"))}
        ),
        # The page of a bilag that matched: the file's link opens a PDF at that page.
        "BilagHit": obj(
            {
                "name": STRING,
                "page": nullable(INTEGER),
                "url": URI,
                "recognised": BOOLEAN,
                "snippet": STRING,
                "snippet_html": STRING,
            }
        ),
        # Another committee's item on the same case, with the same title (search hits).
        "CaseCopy": obj(
            {
                "id": STRING,
                "url": URI,
                "web": URI,
                "date": DATE,
                "committee": obj({"id": INTEGER, "name": STRING}),
                "number": nullable(INTEGER),
                "title": STRING,
            }
        ),
        "Case": obj(
            {
                "type": const("Case"),
                **CASE_REF,
                "kle_subject": nullable(STRING),
                "kle_facet": nullable(STRING),
                "kle_year": nullable(INTEGER),
                "feed": URI,
                "modified": DATETIME,
                "items": array(ref("AgendaItemSummary")),
            }
        ),
    }


def _list_schemas() -> dict:
    return {
        "BodyList": page_of("Body"),
        "OrganizationList": page_of("Organization"),
        "MeetingList": page_of("Meeting"),
        "AgendaItemList": page_of("AgendaItem"),
        "SearchResults": page_of(
            "SearchHit",
            {
                "hit_count": nullable(INTEGER),
                "facets": FACETS,
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
                "results": array(LEGACY_HIT),
                "facets": FACETS,
                "suggestion": nullable(STRING),
                "message": nullable(STRING),
            }
        ),
        "AgendaItemExport": obj(EXPORT_META | {"results": array(ref("AgendaItem"))}),
        "MeetingExport": obj(EXPORT_META | {"results": array(ref("Meeting"))}),
    }


def page_of(name, extra=None):
    """A page of a list in the shared envelope."""
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


def _people_schemas() -> dict:
    """The people endpoints (archive/api/people.py)."""
    counts = {"attended": INTEGER, "missed": INTEGER, "invited": INTEGER}
    person = {
        "type": const("Person"),
        "id": STRING,
        "name": STRING,
        "party": nullable(STRING),
        "url": URI,
        "web": URI,
        "municipality": ref("BodyRef"),
        "meetings_attended": INTEGER,
        "meetings_missed": INTEGER,
        "meetings_invited": INTEGER,
        "first_meeting": DATE,
        "last_meeting": DATE,
        "feed": URI,
        "calendar": URI,
        "modified": DATETIME,
    }
    status = {"type": "string", "enum": [choice.value for choice in Attendance.Status]}
    kind = {"type": "string", "enum": [choice.value for choice in Meeting.Kind]}
    committee = {"id": INTEGER, "name": STRING, "url": URI, "web": URI}
    meeting = {"id": INTEGER, "date": DATE, "url": URI, "web": URI}
    return {
        "Person": obj(person),
        "PersonDetail": obj(
            person
            | {
                "parties": array(obj({"party": STRING, "first": DATE, "last": DATE})),
                "years": array(obj({"year": INTEGER} | counts)),
                "committees": array(obj(committee | {"first": DATE, "last": DATE} | counts)),
                "meetings": array(
                    obj(
                        meeting
                        | {
                            "kind": kind,
                            "committee": STRING,
                            "status": status,
                            "party": nullable(STRING),
                        }
                    )
                ),
                "mentioned_in": array(ref("AgendaItemSummary")),
            }
        ),
        "PersonList": page_of("Person"),
    }
