"""What a subscription follows, read from request parameters, and the items it matches.

A search is followed with the very filters of the search page (archive.filters), and
matched with the same search method the page uses (`AgendaItem.objects...search()`), so a
digest holds what the search page would show among the new items.
"""

import hashlib
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alerts.models import Subscription
from archive.filters import ItemFilter, SearchForm, Unknown
from archive.models import AgendaItem, Committee, Outcome, Person
from archive.people_queries import naming
from core.casenumbers import parse_case_number

SEARCH_PARAMS = (
    "q",
    "scope",
    "kind",
    "municipality",
    "committee",
    "date_from",
    "date_to",
    "year",
    "kle",
    "outcome",
    "closed",
)
MAX_QUERY = 300


class InvalidTarget(ValueError):
    """The parameters name nothing that can be followed; the message says why, in Danish."""


@dataclass
class Target:
    kind: str
    params: dict
    label: str

    @property
    def fingerprint(self) -> str:
        raw = json.dumps([self.kind, self.params], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def case_number(self) -> str:
        return self.params.get("case", "") if self.kind == Subscription.Kind.CASE else ""


def from_params(data) -> Target:
    """The target named by `follow` (search, case, committee or person) and its
    parameters."""
    kind = data.get("follow", "")
    if kind == Subscription.Kind.SEARCH:
        return _search(data)
    if kind == Subscription.Kind.CASE:
        return _case(data.get("case", ""))
    if kind == Subscription.Kind.COMMITTEE:
        return _committee(data.get("committee", ""))
    if kind == Subscription.Kind.PERSON:
        return _person(data.get("person", ""))
    raise InvalidTarget(_("Der er ikke angivet noget at følge."))


def _clean(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _search(data) -> Target:
    raw = {name: _clean(data.get(name, "")) for name in SEARCH_PARAMS}
    params = {name: value for name, value in raw.items() if value}
    params["q"] = params.get("q", "")[:MAX_QUERY]
    if params.get("scope") == "all":
        del params["scope"]
    form = SearchForm(params)
    filterset = ItemFilter(params, queryset=AgendaItem.objects.none())
    if not (form.is_valid() and filterset.is_valid()) or _names_nothing(filterset):
        raise InvalidTarget(_("Søgningen har ugyldige værdier og kan ikke følges."))
    if not params["q"]:
        del params["q"]
    if not params:
        raise InvalidTarget(_("Skriv et søgeord eller vælg et filter for at følge en søgning."))
    return Target(Subscription.Kind.SEARCH, params, _search_label(params, form, filterset))


def _names_nothing(filterset) -> bool:
    """A municipality or committee that is not in the archive: a search that could never
    match anything is not worth following (the search itself just finds nothing)."""
    data = filterset.form.cleaned_data
    return any(isinstance(data.get(name), Unknown) for name in ("municipality", "committee"))


def _search_label(params, form, filterset) -> str:
    data = filterset.form.cleaned_data
    parts = [f"»{params['q']}«"] if params.get("q") else [_("alle punkter")]
    if params.get("scope"):
        parts.append(str(dict(form.fields["scope"].choices)[params["scope"]]).lower())
    if data.get("kind"):
        parts.append(_("kun regioner") if data["kind"] == "region" else _("kun kommuner"))
    if data.get("municipality"):
        parts.append(data["municipality"].name)
    if data.get("committee"):
        parts.append(data["committee"].name)
    if data.get("date_from"):
        parts.append(_("fra %(date)s") % {"date": date_format(data["date_from"], "DATE_FORMAT")})
    if data.get("date_to"):
        parts.append(_("til %(date)s") % {"date": date_format(data["date_to"], "DATE_FORMAT")})
    if data.get("year"):
        parts.append(_("i %(year)s") % {"year": int(data["year"])})
    if data.get("kle"):
        parts.append(_("KLE %(kle)s") % {"kle": data["kle"]})
    if data.get("outcome"):
        parts.append(str(Outcome(data["outcome"]).label))
    if params.get("closed"):
        parts.append(_("kun lukkede punkter") if data["closed"] else _("kun åbne punkter"))
    return (_("Søgningen %(parts)s") % {"parts": ", ".join(parts)})[:500]


def _case(printed: str) -> Target:
    printed = _clean(printed)[:100]
    parsed = parse_case_number(printed)
    normalized = parsed.normalized if parsed else printed
    if not normalized:
        raise InvalidTarget(_("Der er ikke angivet et sagsnummer."))
    return Target(
        Subscription.Kind.CASE, {"case": normalized}, _("Sag %(case)s") % {"case": normalized}
    )


def _committee(pk: str) -> Target:
    committee = (
        Committee.objects.select_related("municipality").filter(pk=int(pk)).first()
        if str(pk).isdigit()
        else None
    )
    if committee is None:
        raise InvalidTarget(_("Udvalget findes ikke i arkivet."))
    label = _("Udvalget %(committee)s, %(municipality)s") % {
        "committee": committee.name,
        "municipality": committee.municipality.name,
    }
    return Target(Subscription.Kind.COMMITTEE, {"committee": committee.pk}, label)


def _person(slug: str) -> Target:
    person = Person.objects.select_related("municipality").filter(slug=str(slug)[:250]).first()
    if person is None or person.merged_into_id:
        raise InvalidTarget(_("Personen findes ikke i arkivet."))
    label = _("Når referaterne nævner %(name)s, %(municipality)s") % {
        "name": person.name,
        "municipality": person.municipality.name,
    }
    return Target(Subscription.Kind.PERSON, {"person": person.slug}, label)


def follow_query(subscription_or_target) -> str:
    """The query string of the follow page for this target (to subscribe again)."""
    params = {"follow": subscription_or_target.kind} | subscription_or_target.params
    return urlencode(params)


def page_url(subscription) -> str:
    """The archive page showing what the subscription follows."""
    params = subscription.params
    if subscription.kind == Subscription.Kind.CASE:
        return reverse("archive:case", args=[params["case"]])
    if subscription.kind == Subscription.Kind.COMMITTEE:
        committee = Committee.objects.select_related("municipality").filter(pk=params["committee"])
        return committee[0].get_absolute_url() if committee else reverse("archive:home")
    if subscription.kind == Subscription.Kind.PERSON:
        return reverse("archive:person", args=[params["person"]])
    return reverse("archive:search") + "?" + urlencode(params | {"sort": "date"})


def matching(subscription, items):
    """The items (a public AgendaItem QuerySet) the subscription follows."""
    params = subscription.params
    if subscription.kind == Subscription.Kind.CASE:
        return items.filter(case_number_normalized=params["case"])
    if subscription.kind == Subscription.Kind.COMMITTEE:
        return items.filter(committee_id=params["committee"])
    if subscription.kind == Subscription.Kind.PERSON:
        # What the person's page and feed list: the items whose minutes name them.
        person = Person.objects.filter(slug=params["person"]).first()
        if person is None:
            return items.none()
        return items.filter(pk__in=naming(person).values("pk"))
    filterset = ItemFilter(params, queryset=items)
    if not filterset.is_valid():
        # A municipality or committee removed from the archive since: nothing matches.
        return items.none()
    found = filterset.qs
    if params.get("q"):
        found = found.search(params["q"], scope=params.get("scope") or "all")
    return found
