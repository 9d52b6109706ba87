"""Public bodies that publish minutes: a municipality (kommune) or a region."""

import re

KOMMUNE = "kommune"
REGION = "region"

REGION_NAME = re.compile(r"^region\b|\bregion(?:en|s)?\s*$|^regionsråd", re.I)


def kind_of(name: str) -> str:
    """ "Region Midtjylland", "Region Hovedstaden" are regions; the rest are municipalities."""
    return REGION if REGION_NAME.search(name.strip()) else KOMMUNE
