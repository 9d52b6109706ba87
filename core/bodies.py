"""Public bodies that publish minutes: a municipality (kommune) or a region."""

import re
from collections import Counter

KOMMUNE = "kommune"
REGION = "region"

REGION_NAME = re.compile(r"^region\b|\bregion(?:en|s)?\s*$|^regionsråd", re.I)


def kind_of(name: str) -> str:
    """ "Region Midtjylland", "Region Hovedstaden" are regions; the rest are municipalities."""
    return REGION if REGION_NAME.search(name.strip()) else KOMMUNE


# The 98 municipalities by their official names, and the five regions. Portals are addressed
# by a short form of the name (dagsordener.greve.dk, dagsordener.hoersholm.dk) or by an
# abbreviation the municipality uses for its web site (kk.dk, htk.dk): ALIASES.
MUNICIPALITIES = (
    "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Brøndby", "Brønderslev",
    "Dragør", "Egedal", "Esbjerg", "Fanø", "Favrskov", "Faxe", "Fredensborg", "Fredericia",
    "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø", "Faaborg-Midtfyn", "Gentofte",
    "Gladsaxe", "Glostrup", "Greve", "Gribskov", "Guldborgsund", "Haderslev", "Halsnæs",
    "Hedensted", "Helsingør", "Herlev", "Herning", "Hillerød", "Hjørring", "Holbæk",
    "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ikast-Brande", "Ishøj",
    "Jammerbugt", "Kalundborg", "Kerteminde", "Kolding", "Københavns", "Køge", "Langeland",
    "Lejre", "Lemvig", "Lolland", "Lyngby-Taarbæk", "Læsø", "Mariagerfjord", "Middelfart",
    "Morsø", "Norddjurs", "Nordfyns", "Nyborg", "Næstved", "Odder", "Odense", "Odsherred",
    "Randers", "Rebild", "Ringkøbing-Skjern", "Ringsted", "Roskilde", "Rudersdal", "Rødovre",
    "Samsø", "Silkeborg", "Skanderborg", "Skive", "Slagelse", "Solrød", "Sorø", "Stevns",
    "Struer", "Svendborg", "Syddjurs", "Sønderborg", "Thisted", "Tønder", "Tårnby",
    "Vallensbæk", "Varde", "Vejen", "Vejle", "Vesthimmerlands", "Viborg", "Vordingborg", "Ærø",
    "Aabenraa", "Aalborg", "Aarhus",
)  # fmt: skip
SPECIAL_NAMES = {"Bornholms": "Bornholms Regionskommune"}
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
ALIASES = {
    "kk": "Københavns Kommune",
    "htk": "Høje-Taastrup Kommune",
    "ltk": "Lyngby-Taarbæk Kommune",
    "fmk": "Faaborg-Midtfyn Kommune",
    "rksk": "Ringkøbing-Skjern Kommune",
    "brk": "Bornholms Regionskommune",
    "balk": "Ballerup Kommune",  # Ballerup's web and mail domain until the 2010s
    "bornholm": "Bornholms Regionskommune",
    "vhk": "Vesthimmerlands Kommune",
    "regionh": "Region Hovedstaden",
    "rsyd": "Region Syddanmark",
    "rm": "Region Midtjylland",
    "rn": "Region Nordjylland",
}
_LETTERS = {"æ": ("ae", "a", "e"), "ø": ("oe", "o"), "å": ("aa", "a"), "é": ("e",)}


def _spellings(name: str) -> set[str]:
    """The ways a name is written in a host name: "Hørsholm" -> hoersholm, horsholm."""
    forms = {""}
    for char in re.sub(r"[\s-]", "", name.lower()):
        forms = {form + alt for form in forms for alt in _LETTERS.get(char, (char,))}
    return forms


def _host_names() -> dict[str, str]:
    names = dict(ALIASES)
    for short in MUNICIPALITIES:
        official = f"{short} Kommune"
        for form in _spellings(short) | _spellings(short.removesuffix("s")):
            names.setdefault(form, official)
    names.update(
        {form: name for short, name in SPECIAL_NAMES.items() for form in _spellings(short)}
    )
    for short in REGIONS:
        for form in _spellings(short):
            names.setdefault(f"region{form}", f"Region {short}")
    return names


HOST_NAMES = _host_names()
# Host labels that name the portal, not the body: dagsordener.greve.dk, greve.dagsordener.dk,
# dagsordener-referater.hvidovre.dk, dagsordner.albertslund.dk, www.
PORTAL_LABEL = re.compile(r"^(?:www\d*|dagsord\w*|referat\w*|politi\w*|moede\w*|møde\w*|first\w*)$")
PORTAL_LABEL_PART = re.compile(r"dagsord|referat|firstagenda")


def name_from_host(host: str) -> str | None:
    """The municipality or region a portal's host name belongs to, or None.

    "dagsordener.greve.dk" -> "Greve Kommune"; "hoersholm.dagsordener.dk" -> "Hørsholm
    Kommune"; "dagsordener.regionh.dk" -> "Region Hovedstaden". Only known bodies: an
    unknown host gives None rather than a guess.
    """
    labels = [label for label in host.lower().strip(".").split(".")[:-1] if label]
    for label in labels:
        if PORTAL_LABEL.match(label) or PORTAL_LABEL_PART.search(label):
            continue
        for candidate in (label, label.removesuffix("kommune"), label.replace("-", "")):
            found = HOST_NAMES.get(candidate.replace("-", ""))
            if found:
                return found
    return None


def official_names() -> list[str]:
    """Every body's official name: "Greve Kommune", "Københavns Kommune", "Region Sjælland"."""
    names = [f"{short} Kommune" for short in MUNICIPALITIES]
    return names + list(SPECIAL_NAMES.values()) + [f"Region {short}" for short in REGIONS]


MENTION = re.compile(
    "|".join(
        re.escape(name).replace(r"\ ", r"\s+")
        for name in sorted(official_names(), key=len, reverse=True)
    )
)
DOMAIN = re.compile(r"(?<![\w.-])(?:[\w-]+@)?((?:[a-z0-9-]+\.)+dk)\b", re.I)


def named_in(text: str) -> str | None:
    """The body a text is evidently from: the one it names or mails from most, by a margin.

    Minutes talk about their neighbours too, so a body named no more than twice as often as
    the next one is not taken. Returns None when the text does not say.
    """
    votes = Counter(" ".join(mention.split()) for mention in MENTION.findall(text))
    for match in DOMAIN.finditer(text):
        name = name_from_host(match[1])
        if name:
            votes[name] += 1
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]
