"""All search logic. Views, the API, feeds, exports and the admin call `engine.run_search`
or the AgendaItem QuerySet methods (archive.querysets); nothing else builds full-text queries.

    query       user text -> a prepared `Query` (journal number, or tsquery and its widening)
    vocabulary  the corpus's words (the Term table): counted at ingest, stemmed on demand,
                typed words looked up with their spelling variants (boernehave -> børnehave)
    compounds   compound words that contain a search term ("reform" -> beskæftigelsesreformen)
    spelling    "Mente du ..." suggestions from the vocabulary
    facets      counts per body kind, municipality, committee, year, outcome: exact or sampled
    snippets    highlighted text for the page shown: escaped first, then <mark>
    cases       copies of a case in several committees: one hit, the others under it
    throttle    how many searches a process computes at once
    engine      one page of results: count, facets, ranking window, snippets, cache

The lower four (query, vocabulary, compounds, throttle) import no models: the QuerySet
builds on them. See docs/search.md for the design and its measurements.
"""
