"""The follow pages: subscribe, confirm, manage and unsubscribe, without an account.

Nothing here tells whether an address follows anything: asking to follow (or for a link)
only puts a job in the queue and answers with the same page, whatever the address; the
e-mail goes to the address alone. Every page works without JavaScript.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts import ratelimit, subscribing, targets, tasks, tokens
from alerts.forms import EmailForm
from alerts.models import Subscriber, Subscription


def _too_many(request):
    response = render(request, "alerts/rate_limited.html", status=429)
    response["Retry-After"] = str(settings.ALERTS_RATE_WINDOW_SECONDS)
    return response


def _bad_link(request, error: tokens.BadToken):
    status = 410 if error.expired else 400
    return render(request, "alerts/bad_link.html", {"expired": error.expired}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request):
    """GET: the form for what the query names; POST: ask for a confirmation e-mail."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        target = targets.from_params(data)
    except targets.InvalidTarget as error:
        return render(request, "alerts/follow_invalid.html", {"message": str(error)}, status=400)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        valid = form.is_valid()
        email = form.cleaned_data["email"] if valid else None
        if not ratelimit.allow(request, email):
            return _too_many(request)
        if valid:
            tasks.request_subscription.defer(
                email=email, kind=target.kind, params=target.params, label=target.label
            )
            return redirect("alerts:requested")
    hidden = [("follow", target.kind), *((k, str(v)) for k, v in target.params.items())]
    context = {
        "form": form,
        "target": target,
        "hidden": hidden,
        "page_url": targets.page_url(target),
    }
    return render(request, "alerts/follow.html", context, status=400 if form.errors else 200)


@require_GET
def requested(request):
    return render(request, "alerts/requested.html")


@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request):
    """Ask for a link to one's subscriptions, by e-mail."""
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        valid = form.is_valid()
        if not ratelimit.allow(request, form.cleaned_data["email"] if valid else None):
            return _too_many(request)
        if valid:
            tasks.request_manage_link.defer(email=form.cleaned_data["email"])
            return redirect("alerts:requested")
    return render(
        request, "alerts/request_link.html", {"form": form}, status=400 if form.errors else 200
    )


def _manage_url(subscriber) -> str:
    return reverse("alerts:manage", args=[tokens.manage(subscriber)])


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button (link scanners in mail filters follow GET links, and must not
    subscribe anyone); POST confirms."""
    try:
        payload = tokens.read(tokens.CONFIRM, token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    subscription = (
        Subscription.objects.select_related("subscriber")
        .filter(pk=payload.get("s"), subscriber_id=payload.get("a"))
        .first()
    )
    if subscription is None:
        return _bad_link(request, tokens.BadToken(expired=True))
    context = {
        "subscription": subscription,
        "manage_url": _manage_url(subscription.subscriber),
        "page_url": targets.page_url(subscription),
    }
    if request.method == "POST":
        subscribing.confirm(subscription)
        return render(request, "alerts/confirmed.html", context)
    if subscription.status == Subscription.Status.ACTIVE:
        return render(request, "alerts/confirmed.html", context)
    return render(request, "alerts/confirm.html", context)


@never_cache
@require_GET
def manage(request, token):
    try:
        payload = tokens.read(tokens.MANAGE, token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    subscriber = Subscriber.objects.filter(pk=payload.get("a")).first()
    if subscriber is None:
        return _bad_link(request, tokens.BadToken(expired=True))
    running = subscriber.subscriptions.exclude(status=Subscription.Status.ENDED)
    rows = [
        {
            "subscription": sub,
            "page_url": targets.page_url(sub),
            "unsubscribe_url": reverse(
                "alerts:unsubscribe", args=[tokens.unsubscribe(subscriber, sub)]
            ),
        }
        for sub in running.order_by("created", "id")
    ]
    all_url = reverse("alerts:unsubscribe", args=[tokens.unsubscribe(subscriber)])
    return render(
        request,
        "alerts/manage.html",
        {"subscriber": subscriber, "rows": rows, "unsubscribe_all_url": all_url},
    )


# No CSRF token: mail programs send RFC 8058's one-click POST ("List-Unsubscribe=One-Click")
# with nothing but the link, and the signed link is what authorises it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks (a button); POST, from the page or a mail program's one-click, ends it."""
    try:
        payload = tokens.read(tokens.UNSUBSCRIBE, token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    subscriber = Subscriber.objects.filter(pk=payload.get("a")).first()
    if subscriber is None:
        return _bad_link(request, tokens.BadToken(expired=True))
    chosen = subscriber.subscriptions.all()
    if payload.get("s") is not None:
        chosen = chosen.filter(pk=payload["s"])
    context = {
        "subscriber": subscriber,
        "subscriptions": list(chosen.exclude(status=Subscription.Status.ENDED)),
        "all": payload.get("s") is None,
        "manage_url": _manage_url(subscriber),
    }
    if request.method == "POST":
        subscribing.end(chosen)
        return render(request, "alerts/unsubscribed.html", context)
    return render(request, "alerts/unsubscribe.html", context)
