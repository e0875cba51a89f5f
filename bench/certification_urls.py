"""The project's URLs, the benchmarks' baselines (`bench.urls`) and the public verification's own:

- `/bench/hand/verify/?number=`: GET /api/v1/public/verify/?number= in plain Django — the same per-address rate
  limit (its history in the cache, as DRF's SimpleRateThrottle keeps it), the same look-up (certificates and
  statements by number, case-insensitive, across bodies, with their bodies, clients, standards, sectors and
  sites), the status as of today in each body's time zone, the same counting (`F()` increments on the record
  and the body's day) and the same JSON; the benchmark checks it equals the endpoint's before timing either;
- `/bench/bare/verify/?number=`: the floor, one query of a few columns of the certificates with that number.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse

from bench.urls import urlpatterns as bench_urlpatterns
from certification.models import CERTIFYING, Certificate, Statement, VerificationCount
from certification.selectors.public import CERTIFICATE_STATUS_LABELS
from clients.models import Site
from core.dates import today_in

LISTED = {"approved", "suspended"}


def _throttled(request: HttpRequest) -> bool:
    """PUBLIC_VERIFY_RATE per peer address, the history of request times in the cache (as the endpoint)."""
    count, period = settings.PUBLIC_VERIFY_RATE.split("/")
    duration = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    key = f"throttle_public_verify_{request.META.get('REMOTE_ADDR') or 'unknown'}"
    now = time.time()
    history = [moment for moment in cache.get(key, []) if moment > now - duration]
    if len(history) >= int(count):
        return True
    cache.set(key, [now, *history], duration)
    return False


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _count(rows: list[Any]) -> None:
    with transaction.atomic():
        per_day: dict[tuple[Any, date], int] = {}
        for row in rows:
            type(row).objects.filter(pk=row.pk).update(verification_count=F("verification_count") + 1)
            key = (row.body_id, today_in(row.body.time_zone))
            per_day[key] = per_day.get(key, 0) + 1
        for (body_id, day), count in per_day.items():
            if VerificationCount.objects.filter(body_id=body_id, day=day).update(count=F("count") + count):
                continue
            try:
                with transaction.atomic():
                    VerificationCount.objects.create(body_id=body_id, day=day, count=count)
            except IntegrityError:
                VerificationCount.objects.filter(body_id=body_id, day=day).update(count=F("count") + count)


def hand_verify(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/public/verify/?number= written by hand (certificates only: the benchmark's data has no
    statement with the number, and the endpoint's statement query is run here too)."""
    if _throttled(request):
        return JsonResponse({"code": "throttled"}, status=429)
    number = " ".join(request.GET.get("number", "").split())
    if not number or len(number) > 60:
        return JsonResponse({"code": "invalid"}, status=400)
    sites = Site.objects.only("id", "name", "country").order_by("name", "id")
    certificates = list(
        Certificate.objects.filter(number__iexact=number)
        .select_related("body", "client", "standard", "sector")
        .prefetch_related(Prefetch("sites", queryset=sites, to_attr="public_sites"))
        .order_by("body__legal_name", "id")
    )
    statements = list(Statement.objects.filter(number__iexact=number).select_related("body"))
    if statements:
        raise NotImplementedError("the hand-built baseline covers certificates only")
    out = []
    for certificate in certificates:
        status = certificate.status
        if status in (*CERTIFYING, "suspended") and certificate.expires_on < today_in(
            certificate.body.time_zone
        ):
            status = "expired"
        body = certificate.body
        sector = certificate.sector
        out.append(
            {
                "kind": "certificate",
                "number": certificate.number,
                "status": status,
                "statusLabel": str(CERTIFICATE_STATUS_LABELS[status]),  # type: ignore[index]
                "certifies": status in CERTIFYING,
                "verifyUrl": request.build_absolute_uri(reverse("verify:token", args=[certificate.token])),
                "clientName": certificate.client.legal_name,
                "body": {
                    "name": body.legal_name,
                    "publicUrl": request.build_absolute_uri(
                        reverse("bodies:directory-detail", args=[body.pk])
                    )
                    if body.status in LISTED
                    else None,
                },
                "scope": certificate.scope,
                "sites": [
                    {"name": site.name, "country": str(site.country)}
                    for site in certificate.public_sites  # type: ignore[attr-defined]
                ],
                "standard": {"code": certificate.standard.code, "name": certificate.standard.name},
                "sector": f"{sector.code} {sector.name}".strip() if sector is not None else "",
                "initialCertificationOn": _day(certificate.initial_certification_on),
                "expiresOn": _day(certificate.expires_on),
                "statusSince": _day(certificate.status_changed_on),
                "gapFrom": _day(certificate.gap_from),
                "gapTo": _day(certificate.gap_to),
                "version": certificate.version,
                "cycle": certificate.cycle,
                "issuedOn": _day(certificate.issued_on),
            }
        )
    if certificates:
        _count(certificates)
    return JsonResponse({"verifications": out})


def bare_verify(request: HttpRequest) -> JsonResponse:
    """The least a number look-up can cost: one query of a few columns, no throttle, no counting."""
    rows = list(
        Certificate.objects.filter(number=request.GET.get("number", "")).values(
            "number", "status", "expires_on", "client__legal_name"
        )
    )
    return JsonResponse({"verifications": rows}, json_dumps_params={"default": str})


urlpatterns = [
    path("bench/hand/verify/", hand_verify),
    path("bench/bare/verify/", bare_verify),
    *bench_urlpatterns,
]
