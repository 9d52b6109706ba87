"""Date and time formats per language (FORMAT_MODULE_PATH): what `|date` and
`django.utils.formats.date_format` give when no format or a format name is asked for.
Anything not set here comes from Django's own locale formats."""
