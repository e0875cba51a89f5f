"""The project's URLs, the benchmarks' baselines (`bench.urls`) and the client list's own: the API list and the
portal page, each written by hand doing the same work.

- `/bench/hand/clients/`: GET /api/v1/clients/ in plain Django — the same session authentication, rate limit,
  tenancy rule (`visible_body_ids`), rows, order, fields, sector references, camelCase keys and envelope; the
  benchmark checks its JSON equals the endpoint's before timing either;
- `/bench/bare/clients/`: the floor, one query of a few columns;
- `/bench/hand/clients-page/`: the portal's client list (`clients:list`) as a plain function: the active body's
  clients with their site counts, 50 a page with the count, the same template and context, without the portal's
  mixins (`PortalMixin`, `FilteredListMixin`, the search form's validation).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path

from bench.urls import (
    _datetime,
    _not_found,
    _paginate,
    _refused,
    _respond,
    _sector_refs,
    _visible,
)
from bench.urls import (
    urlpatterns as bench_urlpatterns,
)
from clients.forms import ClientSearchForm
from clients.models import Client
from clients.permissions import can_manage_clients

CLIENT_FIELDS = (
    "id",
    "body_id",
    "legal_name",
    "short_name",
    "country",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "effective_personnel",
    "kind",
    "notes",
    "created_at",
    "updated_at",
)


def hand_clients(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/clients/ written by hand."""
    queryset = _visible(request, Client.objects.order_by("legal_name", "id"), "body_id")
    if queryset is None:
        return _refused(request)
    page = _paginate(request, queryset.values_list(*CLIENT_FIELDS))
    if page is None:
        return _not_found()
    rows, pagination = page
    keys = [row[0] for row in rows]
    sectors: dict[Any, list[Any]] = {}
    for owner, sector in Client.sectors.through.objects.filter(client_id__in=keys).values_list(
        "client_id", "sector_id"
    ):
        sectors.setdefault(owner, []).append(sector)
    refs = _sector_refs({pk for ids in sectors.values() for pk in ids})
    out = [
        {
            "id": str(pk),
            "body": str(body_id),
            "legalName": legal_name,
            "shortName": short_name,
            "country": str(country),
            "registrationNumber": registration_number,
            "address": address,
            "contactName": contact_name,
            "contactEmail": contact_email,
            "contactPhone": contact_phone,
            "effectivePersonnel": effective_personnel,
            "kind": kind,
            "notes": notes,
            "sectors": [refs[sector] for sector in sorted(sectors.get(pk, []))],
            "createdAt": _datetime(created_at),
            "updatedAt": _datetime(updated_at),
        }
        for (
            pk,
            body_id,
            legal_name,
            short_name,
            country,
            registration_number,
            address,
            contact_name,
            contact_email,
            contact_phone,
            effective_personnel,
            kind,
            notes,
            created_at,
            updated_at,
        ) in rows
    ]
    return _respond("clients", out, pagination)


def bare_clients(request: HttpRequest) -> JsonResponse:
    rows = list(Client.objects.order_by("legal_name").values("id", "legal_name", "country", "kind")[:50])
    return JsonResponse({"clients": rows}, json_dumps_params={"default": str})


def hand_clients_page(request: HttpRequest) -> HttpResponse:
    """The portal's client list of the active body, first page, written as one plain function."""
    body = request.active.body  # type: ignore[attr-defined]
    queryset = (
        Client.objects.filter(body=body).annotate(site_count=Count("sites")).order_by("legal_name", "id")
    )
    paginator = Paginator(queryset, 50)
    page = paginator.page(1)
    context = {
        "clients": page.object_list,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "filter_form": ClientSearchForm(),
        "filter_query": "",
        "can_manage_clients": can_manage_clients(request.user, body),  # type: ignore[arg-type]
        "body": body,
        "membership": request.active.membership,  # type: ignore[attr-defined]
    }
    return render(request, "clients/client_list.html", context)


urlpatterns = [
    path("bench/hand/clients/", hand_clients),
    path("bench/bare/clients/", bare_clients),
    path("bench/hand/clients-page/", hand_clients_page),
    *bench_urlpatterns,
]
