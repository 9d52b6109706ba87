"""The closed set of decision outcomes. `archive.models.Outcome` gives them Danish labels;
`ingest.parse.outcomes` reads them from a decision's wording."""

from enum import StrEnum


class Outcome(StrEnum):
    APPROVED = "approved"
    RECOMMENDED = "recommended"  # recommended on to a higher body ("anbefaler over for Byrådet")
    NOTED = "noted"
    DISCUSSED = "discussed"
    POSTPONED = "postponed"
    REJECTED = "rejected"
    REFERRED = "referred"
    WITHHELD = "withheld"  # a decision was taken but is not released ("Beslutning ikke frigivet")
    NONE = "none"
    OTHER = "other"
