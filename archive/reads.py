"""The connection for raw read-only SQL: the database the ORM reads from at this moment.

On the public read path that is the request's replica (config/routers.py, docs/scaling.md),
everywhere else the primary. Raw SQL does not pass through the router by itself; the search
package and the content version ask here, so a search reads one database throughout: its
vocabulary, its version and its matches. Writes keep using `django.db.connection`.
"""

from django.db import connections, router


def read_connection():
    """The connection a read-only query of the current code should use."""
    # The router decides from the request, not the model: any model would answer alike.
    return connections[router.db_for_read(None)]
