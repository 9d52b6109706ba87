"""Denmark's 98 municipalities and 5 regions: their official names and web domains.

Used to tell which body published a document when its own fields do not say: exports that
mention "Ballerup Kommune" throughout, or whose case workers write from @syddjurs.dk.
"""

import re
from collections import Counter

# The official names, as "<name> Kommune" (with Københavns and Bornholms Regionskommune).
NAMES = [
    "Albertslund",
    "Allerød",
    "Assens",
    "Ballerup",
    "Billund",
    "Brøndby",
    "Brønderslev",
    "Dragør",
    "Egedal",
    "Esbjerg",
    "Fanø",
    "Favrskov",
    "Faxe",
    "Fredensborg",
    "Fredericia",
    "Frederiksberg",
    "Frederikshavn",
    "Frederikssund",
    "Furesø",
    "Faaborg-Midtfyn",
    "Gentofte",
    "Gladsaxe",
    "Glostrup",
    "Greve",
    "Gribskov",
    "Guldborgsund",
    "Haderslev",
    "Halsnæs",
    "Hedensted",
    "Helsingør",
    "Herlev",
    "Herning",
    "Hillerød",
    "Hjørring",
    "Holbæk",
    "Holstebro",
    "Horsens",
    "Hvidovre",
    "Høje-Taastrup",
    "Hørsholm",
    "Ikast-Brande",
    "Ishøj",
    "Jammerbugt",
    "Kalundborg",
    "Kerteminde",
    "Kolding",
    "Køge",
    "Langeland",
    "Lejre",
    "Lemvig",
    "Lolland",
    "Lyngby-Taarbæk",
    "Læsø",
    "Mariagerfjord",
    "Middelfart",
    "Morsø",
    "Norddjurs",
    "Nordfyns",
    "Nyborg",
    "Næstved",
    "Odder",
    "Odense",
    "Odsherred",
    "Randers",
    "Rebild",
    "Ringkøbing-Skjern",
    "Ringsted",
    "Roskilde",
    "Rudersdal",
    "Rødovre",
    "Samsø",
    "Silkeborg",
    "Skanderborg",
    "Skive",
    "Slagelse",
    "Solrød",
    "Sorø",
    "Stevns",
    "Struer",
    "Svendborg",
    "Syddjurs",
    "Sønderborg",
    "Thisted",
    "Tønder",
    "Tårnby",
    "Vallensbæk",
    "Varde",
    "Vejen",
    "Vejle",
    "Vesthimmerlands",
    "Viborg",
    "Vordingborg",
    "Ærø",
    "Aabenraa",
    "Aalborg",
    "Aarhus",
]
MUNICIPALITIES = [f"{name} Kommune" for name in NAMES] + [
    "Københavns Kommune",
    "Bornholms Regionskommune",
]
REGIONS = [
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Nordjylland",
]
# Domains that are not simply the name (æ -> ae, ø -> oe, å -> aa, no hyphens).
DOMAIN_ALIASES = {
    "kk.dk": "Københavns Kommune",
    "ltk.dk": "Lyngby-Taarbæk Kommune",
    "htk.dk": "Høje-Taastrup Kommune",
    "rksk.dk": "Ringkøbing-Skjern Kommune",
    "balk.dk": "Ballerup Kommune",
    "brk.dk": "Bornholms Regionskommune",
    "fmk.dk": "Faaborg-Midtfyn Kommune",
    "regionh.dk": "Region Hovedstaden",
    "regionsjaelland.dk": "Region Sjælland",
    "rsyd.dk": "Region Syddanmark",
    "regionsyddanmark.dk": "Region Syddanmark",
    "rm.dk": "Region Midtjylland",
    "rn.dk": "Region Nordjylland",
}


def _domain(name: str) -> str:
    base = name.removesuffix(" Kommune").removesuffix("s Regionskommune")
    base = base.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return base.replace("-", "") + ".dk"


DOMAINS = {_domain(name): name for name in MUNICIPALITIES} | DOMAIN_ALIASES
DOMAINS["koebenhavn.dk"] = "Københavns Kommune"
DOMAINS.pop("koebenhavns.dk", None)
_ALL = MUNICIPALITIES + REGIONS
MENTION = re.compile(
    "|".join(re.escape(name) for name in sorted(_ALL, key=len, reverse=True))
    + r"|\bRegion\s+(?:Hovedstaden|Sjælland|Syddanmark|Midtjylland|Nordjylland)"
)
HOST = re.compile(r"(?:@|//|www\.|\b)((?:[a-z0-9-]+\.)*([a-z0-9-]+\.dk))\b", re.I)


def for_domain(host: str) -> str | None:
    """The body a web or mail domain belongs to: "dagsordener.greve.dk" -> "Greve Kommune"."""
    host = host.rsplit("@", 1)[-1].lower().strip(".")
    parts = host.split(".")
    for start in range(len(parts) - 1):
        name = DOMAINS.get(".".join(parts[start:]))
        if name:
            return name
    return None


def named_in(text: str) -> str | None:
    """The body a text is evidently from: the one it names or mails from most, by a margin.

    A single mention is not enough when another body is named as often: minutes talk about
    their neighbours too. Returns None when the text does not say.
    """
    votes = Counter(" ".join(m.split()) for m in MENTION.findall(text))
    for match in HOST.finditer(text):
        name = for_domain(match[1])
        if name:
            votes[name] += 1
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]
