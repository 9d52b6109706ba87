"""The one exception type the ingest package raises for bad input."""


class IngestError(Exception):
    """A document could not be ingested. The message is meant for the person who sent it.

    `message` is Danish first, then English, and names the reason; `source` names the file.
    `reason` is a short name for refusals of a kind that is known ("email", "meeting-list",
    "legacy-doc", ...: `ingest.parse.notminutes`), empty otherwise.
    """

    def __init__(self, message, source="", reason=""):
        super().__init__(message)
        self.message = message
        self.source = source
        self.reason = reason

    def __str__(self):
        return f"{self.source}: {self.message}" if self.source else self.message
