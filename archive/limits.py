"""How much the archive does for one request: the caps and sizes that the search, the API,
the feeds and the exports share, and that the API's documentation prints.

Read them as `limits.NAME` at the moment of use, so that a test can lower one for the
whole archive at once.
"""

# Longest query text searched for; the rest is dropped.
MAX_QUERY_LENGTH = 300
# The longest `q` a request may send (the search reads its first MAX_QUERY_LENGTH
# characters): 500 characters of four-byte UTF-8, percent-encoded, still fit in the request
# line gunicorn accepts (config/gunicorn.py), so a query the OpenAPI document allows always
# reaches the archive.
QUERY_PARAMETER_LENGTH = 500
PAGE_SIZE = 20
# Counting every match of a very common word would scan too much; past this we say "10.000+".
COUNT_CAP = 10_000
# A count the table sample puts above ESTIMATE_FROM, on at least ESTIMATE_SAMPLE matches
# (a standard error of at most 10 %), is given as an estimate ("ca. 6.200") rather than
# counted: collecting thousands of rows to count them exactly was a third of the cost of
# a search for a common word, and nobody reads past the first pages of such a result.
ESTIMATE_FROM = 5_000
ESTIMATE_SAMPLE = 100
# Relevance (ts_rank) reads each ranked vector back from TOAST: ranking every match is what
# makes naive full-text search take seconds. So relevance orders the newest RANK_WINDOW
# matches (more for deep pages); older ones follow by date. Below the count cap the window
# is picked exactly from the scanned rows; above it, PostgreSQL picks the newest matches.
RANK_WINDOW = 500
# `newest_ranked` reads at most MAX_PROBE newest items per match it needs, and only when
# the sample's share of matches says that is deep enough, with a margin (PROBE_MARGIN);
# otherwise all matches are sorted by date instead.
MAX_PROBE = 45
PROBE_MARGIN = 1.3
# ... and only when that is cheaper than sorting all matches by date: reading a newest item
# and testing it costs about PROBE_COST times what collecting one match from the index does
# (4 µs against 1.1 µs at a million items, docs/performance.md). So the share of matches
# that makes the probe pay falls as the archive grows: 15 % at 100,000 items, 5 % at 1M.
PROBE_COST = 3.5
# A phrase's candidates (archive.search.pairs) are checked newest first among at most this
# many of them: past it, older matches follow by date as for any word.
PHRASE_PROBE = 50_000
# Past the count cap, facets are counted on a fixed sample of the table (rows with
# id % SAMPLE_BUCKETS below a threshold, served by an expression index, migration 0004) of
# about SAMPLE_ROWS rows, and scaled up, so a word found in most of a million items costs
# about what a rarer one does (docs/performance.md).
SAMPLE_BUCKETS = 256
SAMPLE_ROWS = 4_000

# The API's lists: the HTML meeting list shows 50 a page and the search page 20.
MEETING_PAGE_SIZE = 50
ITEM_PAGE_SIZE = PAGE_SIZE
MAX_PAGE, MAX_PAGE_SIZE = 1000, 100

# Entries in a feed.
FEED_SIZE = 50
# Most rows one export gives; narrow the search or the dates to get the rest.
EXPORT_LIMIT = 10_000

# People (archive/people.py, archive/api/people.py): items naming a person on the page and in
# the API, meetings in a person's API record, people per API page.
ITEM_LIMIT = 50
MEETING_LIMIT = 500
PEOPLE_PAGE_SIZE = 100
# Newest meetings in one calendar feed (all upcoming ones are the newest).
CALENDAR_SIZE = 500
# The bilag's text an item carries for search (AgendaItem.attachment_text): the first
# 200,000 characters of its bilag, in their order. A tsvector holds at most 1 MB, and the
# column is re-parsed whenever the item's row is written.
ATTACHMENT_TEXT_CHARS = 200_000
