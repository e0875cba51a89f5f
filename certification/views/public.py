"""The public verification pages (no login): a number field (`verify:home`, `?number=`) and the page a QR code
opens (`verify:token`). They show only `certification.selectors.public`'s public facts, count each verification
for the body, and share the API's rate limit per client address (429 with a page saying so)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ..api.public import public_verify_throttled
from ..selectors.public import NUMBER_MAX_LENGTH
from ..services.public import public_verify_number, public_verify_token

HOME_TEMPLATE = "certification/public/verify.html"
RECORD_TEMPLATE = "certification/public/verify_token.html"


class NumberForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Certificate or statement number"),
        max_length=NUMBER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _too_many(request: HttpRequest, template: str, context: dict[str, Any], wait: int) -> HttpResponse:
    context["error"] = _(
        "Too many verifications from your address. Wait %(seconds)s seconds and try again."
    ) % {"seconds": wait}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_GET
def verify_home_view(request: HttpRequest) -> HttpResponse:
    """Public: enter a certificate or statement number; every body's record with that number is listed."""
    if "number" not in request.GET:
        return render(request, HOME_TEMPLATE, {"form": NumberForm(), "searched": False, "records": []})
    form = NumberForm(request.GET)
    context: dict[str, Any] = {"form": form, "searched": False, "records": []}
    if not form.is_valid():
        return render(request, HOME_TEMPLATE, context, status=400)
    wait = public_verify_throttled(request)
    if wait is not None:
        return _too_many(request, HOME_TEMPLATE, context, wait)
    lookup = public_verify_number(number=form.cleaned_data["number"])
    context.update(searched=True, records=lookup.records, number=form.cleaned_data["number"])
    return render(request, HOME_TEMPLATE, context)


@require_GET
def verify_token_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the certificate or statement a QR code names (404 when no record carries the token)."""
    wait = public_verify_throttled(request)
    if wait is not None:
        return _too_many(request, RECORD_TEMPLATE, {"record": None}, wait)
    lookup = public_verify_token(token=token)
    if not lookup.records:
        return render(request, RECORD_TEMPLATE, {"record": None}, status=404)
    return render(request, RECORD_TEMPLATE, {"record": lookup.records[0]})
