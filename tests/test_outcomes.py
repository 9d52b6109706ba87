"""Decision outcomes from Danish wording: recommendations, withheld and empty decisions."""

import pytest

from ingest.parse.outcomes import classify, overall, split_parts


@pytest.mark.parametrize(
    "decision, outcome",
    [
        # Passed on to the body that decides (Greve's First Agenda decisions, Slagelse, Aabenraa).
        ("Anbefales.", "recommended"),
        ("1.-6. anbefales.", "recommended"),
        ("Anbefales over for Byrådet.", "recommended"),
        ("Anbefales godkendt.", "recommended"),
        ("Forslagene 1-4 indstilles godkendt.", "recommended"),
        ("Indstilles til Byrådets godkendelse.", "recommended"),
        ("Udvalget anbefaler over for Byrådet, at forslaget godkendes.", "recommended"),
        ("Indstillingen blev anbefalet uden afstemning.", "recommended"),
        ("Anbefales taget til efterretning.", "recommended"),
        # The committee's own approval outweighs the part it recommends on.
        ("1. Godkendt.\n2. Anbefales.", "approved"),
        ("Godkendt som indstillet.", "approved"),
        ("Som indstillet.", "approved"),
        # Negation after the verb.
        ("Anbefales ikke.", "rejected"),
        ("Godkendes ikke.", "rejected"),
        ("Ikke anbefalet, idet udvalget ønsker finansieringen afklaret.", "rejected"),
        # First Agenda's placeholder for a decision taken but not published.
        ("Beslutning ikke frigivet", "withheld"),
        # Information items with nothing to inform about.
        ("Der var ingen orienteringer.", "none"),
        ("Ingen orienteringspunkter.", "none"),
        ("Der var ingen henvendelser til formanden.", "none"),
        ("Der har ikke været nogen henvendelser.", "none"),
        ("Intet at berette.", "none"),
        # Typing slips in real decisions.
        ("Orienteringen blev taget efterretning.", "noted"),
        ("Orienteringen blev taget til efterretningen.", "noted"),
        ("Tages til efterefterretning.", "noted"),
        ("Udvalget undlod at tage stilling.", "other"),
    ],
)
def test_outcome(decision, outcome):
    assert classify(decision) == outcome


def test_sub_points_recommend_and_reject():
    text = "Ad 1. Anbefales. Ad 2. Ikke anbefalet, idet udvalget ønsker finansieringen afklaret."
    parts = split_parts(text)
    assert [(p.point, p.outcome) for p in parts] == [(1, "recommended"), (2, "rejected")]
    assert overall(parts, text) == "rejected"
