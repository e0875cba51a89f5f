"""The project's URLs plus the baselines the benchmarks compare against.

Each list endpoint has two baselines:

- a *hand-built* view that does the same work in plain Django: the same session authentication, the same
  per-user rate limit (its history in the cache), the same tenancy rule (`visible_body_ids`), the same rows in the same order, the same fields in the same formats,
  the same camelCase keys and the same `{"<plural>": [...], "pagination": {...}}` envelope with its count.
  The benchmark checks that its JSON equals the endpoint's before timing either;
- a *bare* view: the floor, one query of a few columns, no authentication, no count.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import Context, Template
from django.urls import path
from django.utils import timezone

from bodies.models.tenants import Body, Membership
from competence.models import CompetenceRecord
from competence.permissions import competence_records_listed_for, open_body_ids
from core.tenancy import visible_body_ids
from icr.urls import urlpatterns as project_urlpatterns
from reference.models import Activity, Sector, Standard

#: DRF's DATETIME_FORMAT in settings.REST_FRAMEWORK
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
PAGE_SIZE, MAX_PAGE_SIZE = 50, 500


def _datetime(value: datetime | None) -> str | None:
    return timezone.localtime(value).strftime(DATETIME_FORMAT) if value is not None else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _uuid(value: Any) -> str | None:
    return str(value) if value is not None else None


def _throttled(request: HttpRequest) -> bool:
    """The API's per-user rate limit as DRF's UserRateThrottle keeps it: the request history in the cache."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]
    count, period = rate.split("/")
    duration = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    key = f"throttle_user_{request.user.pk}"
    now = time.time()
    history = [moment for moment in cache.get(key, []) if moment > now - duration]
    if len(history) >= int(count):
        return True
    cache.set(key, [now, *history], duration)
    return False


def _visible(request: HttpRequest, queryset: QuerySet[Any], lookup: str) -> QuerySet[Any] | None:
    """The same rate limit and tenancy rule as the API's base views; None when the caller is not signed in or
    over the limit."""
    if not request.user.is_authenticated or _throttled(request):
        return None
    body_ids = visible_body_ids(request.user)
    return queryset if body_ids is None else queryset.filter(**{f"{lookup}__in": body_ids})


def _paginate(request: HttpRequest, queryset: QuerySet[Any]) -> tuple[list[Any], dict[str, Any]] | None:
    """`limit` and `page` as IcrPagination reads them; None for a page that does not exist."""
    try:
        limit = min(int(request.GET.get("limit", PAGE_SIZE)), MAX_PAGE_SIZE)
        if limit <= 0:
            limit = PAGE_SIZE
    except ValueError:
        limit = PAGE_SIZE
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return None
    total = queryset.count()
    page_count = max(1, math.ceil(total / limit)) if total else 1
    if number < 1 or number > page_count:
        return None
    rows = list(queryset[(number - 1) * limit : number * limit])
    return rows, {
        "total": total,
        "currentPage": number,
        "pageCount": page_count,
        "nextPage": number + 1 if number < page_count else None,
        "prevPage": number - 1 if number > 1 else None,
    }


def _respond(key: str, rows: Iterable[dict[str, Any]], pagination: dict[str, Any]) -> JsonResponse:
    return JsonResponse({key: list(rows), "pagination": pagination})


def _refused(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"code": "not_authenticated", "message": "Authentication credentials were not provided."}, status=401
    )


def _not_found() -> JsonResponse:
    return JsonResponse({"code": "not_found", "message": "Invalid page."}, status=404)


# --- bodies -------------------------------------------------------------------------------------------------

BODY_FIELDS = (
    "id",
    "legal_name",
    "short_name",
    "country",
    "kind",
    "registration_number",
    "address",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "time_zone",
    "logo",
    "agreement_reference",
    "agreement_signed_on",
    "status",
    "status_reason",
    "status_changed_at",
    "applied_at",
    "approved_at",
    "updated_at",
)
BODY_ORDERING = ("legal_name", "id")


def _m2m_keys(through: Any, source: str, target: str, owners: list[Any]) -> dict[Any, list[Any]]:
    found: dict[Any, list[Any]] = defaultdict(list)
    for owner, related in through.objects.filter(**{f"{source}__in": owners}).values_list(source, target):
        found[owner].append(related)
    return found


def _sector_refs(ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """Sectors as every endpoint names them: `{scheme, code, name, version}`, read once per response."""
    return {
        pk: {"scheme": scheme, "code": code, "name": name, "version": version}
        for pk, scheme, code, name, version in Sector.objects.filter(pk__in=set(ids)).values_list(
            "pk", "scheme", "code", "name", "version"
        )
    }


def hand_bodies(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/bodies/ written by hand."""
    queryset = _visible(request, Body.objects.order_by(*BODY_ORDERING), "pk")
    if queryset is None:
        return _refused(request)
    page = _paginate(request, queryset.values_list(*BODY_FIELDS))
    if page is None:
        return _not_found()
    rows, pagination = page
    keys = [row[0] for row in rows]
    activities = _m2m_keys(Body.activities.through, "body_id", "activity_id", keys)
    sectors = _m2m_keys(Body.sectors.through, "body_id", "sector_id", keys)
    # the reference rows named, each once (as the endpoint reads them): activities by code, sectors by scheme
    # and code, each with its name
    activity_refs = {
        code: {"code": code, "name": name}
        for code, name in Activity.objects.filter(
            code__in={code for codes in activities.values() for code in codes}
        ).values_list("code", "name")
    }
    sector_refs = _sector_refs({pk for ids in sectors.values() for pk in ids})
    media_url = Body._meta.get_field("logo").storage.url  # type: ignore[attr-defined]
    out = []
    for (
        pk,
        legal_name,
        short_name,
        country,
        kind,
        registration_number,
        address,
        website,
        contact_name,
        contact_email,
        contact_phone,
        time_zone,
        logo,
        agreement_reference,
        agreement_signed_on,
        status,
        status_reason,
        status_changed_at,
        applied_at,
        approved_at,
        updated_at,
    ) in rows:
        out.append(
            {
                "id": str(pk),
                "legalName": legal_name,
                "shortName": short_name,
                "country": str(country),
                "kind": kind,
                "registrationNumber": registration_number,
                "address": address,
                "website": website,
                "contactName": contact_name,
                "contactEmail": contact_email,
                "contactPhone": contact_phone,
                "timeZone": time_zone,
                "logo": request.build_absolute_uri(media_url(logo)) if logo else None,
                "agreementReference": agreement_reference,
                "agreementSignedOn": _date(agreement_signed_on),
                "activities": [activity_refs[code] for code in sorted(activities.get(pk, []))],
                "sectors": [sector_refs[sector] for sector in sorted(sectors.get(pk, []))],
                "status": status,
                "statusReason": status_reason,
                "statusChangedAt": _datetime(status_changed_at),
                "appliedAt": _datetime(applied_at),
                "approvedAt": _datetime(approved_at),
                "updatedAt": _datetime(updated_at),
            }
        )
    return _respond("bodies", out, pagination)


def bare_bodies(request: HttpRequest) -> JsonResponse:
    """The least a JSON list of 50 bodies can cost in Django: one query, no DRF, no permissions."""
    rows = list(
        Body.objects.order_by("legal_name").values("id", "legal_name", "country", "kind", "status")[:50]
    )
    return JsonResponse({"bodies": rows}, json_dumps_params={"default": str})


# --- people -------------------------------------------------------------------------------------------------

PERSON_ORDERING = ("user__full_name", "user__email", "body__legal_name", "pk")


def hand_people(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/people/ written by hand."""
    queryset = _visible(request, Membership.objects.order_by(*PERSON_ORDERING), "body_id")
    if queryset is None:
        return _refused(request)
    page = _paginate(
        request,
        queryset.values_list(
            "id",
            "user__email",
            "user__full_name",
            "user__phone",
            "user__languages",
            "user__countries",
            "body_id",
            "body__legal_name",
            "roles",
            "employment",
            "status",
            "undertaking_signed_on",
            "created_at",
        ),
    )
    if page is None:
        return _not_found()
    rows, pagination = page
    out = [
        {
            "id": str(pk),
            "person": {
                "email": email,
                "fullName": full_name,
                "phone": phone,
                "languages": list(languages),
                "countries": list(countries),
            },
            "body": {"id": str(body_id), "legalName": body_name},
            "roles": list(roles),
            "employment": employment,
            "status": status,
            "undertakingSignedOn": _date(undertaking_signed_on),
            "createdAt": _datetime(created_at),
        }
        for (
            pk,
            email,
            full_name,
            phone,
            languages,
            countries,
            body_id,
            body_name,
            roles,
            employment,
            status,
            undertaking_signed_on,
            created_at,
        ) in rows
    ]
    return _respond("people", out, pagination)


def bare_people(request: HttpRequest) -> JsonResponse:
    rows = list(Membership.objects.order_by("pk").values("id", "user_id", "body_id", "status")[:50])
    return JsonResponse({"people": rows}, json_dumps_params={"default": str})


# --- competence records -------------------------------------------------------------------------------------

#: the order of GET /api/v1/competence-records/
RECORD_ORDERING = ("-created_at", "-id")
#: what the team-facing summary leaves out of a colleague's record (as the endpoint's serializer)
CONFIDENTIAL = {"basis": [], "notes": "", "evaluatedBy": None, "evaluatedOn": None, "statusReason": ""}


def hand_competence_records(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/competence-records/ written by hand, with the same confidentiality rule: the records the caller
    sees listed, and a colleague's details left out where their body keeps them from the caller."""
    queryset = _visible(request, CompetenceRecord.objects.order_by(*RECORD_ORDERING), "body_id")
    if queryset is None:
        return _refused(request)
    queryset = queryset.filter(competence_records_listed_for(request.user))
    open_bodies = open_body_ids(request.user)
    full_bodies = None if open_bodies is None else set(open_bodies.values_list("pk", flat=True))  # type: ignore[union-attr]
    page = _paginate(
        request,
        queryset.values_list(
            "id",
            "body_id",
            "membership_id",
            "membership__user_id",
            "membership__user__email",
            "membership__user__full_name",
            "standard_id",
            "sector_id",
            "role",
            "basis",
            "notes",
            "evaluated_by_id",
            "evaluated_by__full_name",
            "evaluated_on",
            "valid_until",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ),
    )
    if page is None:
        return _not_found()
    rows, pagination = page
    # the few reference rows once each, not joined onto every record (as the endpoint reads them)
    standards = dict(Standard.objects.filter(code__in={row[6] for row in rows}).values_list("code", "name"))
    sectors = _sector_refs(row[7] for row in rows)
    own_id = request.user.pk
    out = [
        {
            "id": str(pk),
            "body": str(body_id),
            "person": {"id": str(membership_id), "email": email, "fullName": full_name},
            "standard": {"code": standard_code, "name": standards[standard_code]},
            "sector": sectors[sector_id],
            "role": role,
            "basis": list(basis),
            "notes": notes,
            "evaluatedBy": (
                {"id": str(evaluated_by_id), "fullName": evaluator_name}
                if evaluated_by_id is not None
                else None
            ),
            "evaluatedOn": _date(evaluated_on),
            "validUntil": _date(valid_until),
            "status": status,
            "statusReason": status_reason,
            "detailsHidden": False,
            "createdAt": _datetime(created_at),
            "updatedAt": _datetime(updated_at),
        }
        for (
            pk,
            body_id,
            membership_id,
            person_id,
            email,
            full_name,
            standard_code,
            sector_id,
            role,
            basis,
            notes,
            evaluated_by_id,
            evaluator_name,
            evaluated_on,
            valid_until,
            status,
            status_reason,
            created_at,
            updated_at,
        ) in rows
    ]
    for row, (_pk, body_id, _membership, person_id, *_rest) in zip(out, rows, strict=True):
        if full_bodies is not None and person_id != own_id and body_id not in full_bodies:
            row.update(CONFIDENTIAL, detailsHidden=True)
    return _respond("competenceRecords", out, pagination)


def bare_competence_records(request: HttpRequest) -> JsonResponse:
    rows = list(
        CompetenceRecord.objects.order_by("pk").values("id", "membership_id", "standard_id", "status")[:50]
    )
    return JsonResponse({"competenceRecords": rows}, json_dumps_params={"default": str})


# --- the audit trail ---------------------------------------------------------------------------------------


def bare_audit_events(request: HttpRequest) -> JsonResponse:
    from core.models import AuditEvent

    rows = list(AuditEvent.objects.order_by("pk").values("id", "action", "object_repr", "created_at")[:50])
    return JsonResponse({"auditEvents": rows}, json_dumps_params={"default": str})


# --- the competence matrix ----------------------------------------------------------------------------------

_MATRIX_TEMPLATE = Template(
    "<table>{% for row in rows %}<tr><th>{{ row.0 }}</th>{% for cell in row.1 %}<td>{{ cell }}</td>{% endfor %}"
    "</tr>{% endfor %}</table>"
)


def bare_matrix(request: HttpRequest) -> HttpResponse:
    """The least a people × scopes table can cost: one query, a dict, one template loop over the cells."""
    body_id = request.GET["body"]
    cells: dict[str, dict[tuple[str, int], str]] = {}
    columns: set[tuple[str, int]] = set()
    for person, standard, sector, status in CompetenceRecord.objects.filter(body_id=body_id).values_list(
        "person__full_name", "standard_id", "sector_id", "status"
    ):
        columns.add((standard, sector))
        cells.setdefault(person, {})[(standard, sector)] = status
    ordered = sorted(columns)
    rows = [(person, [held.get(c, "") for c in ordered]) for person, held in sorted(cells.items())]
    return HttpResponse(_MATRIX_TEMPLATE.render(Context({"rows": rows})))


urlpatterns = [
    path("bench/hand/bodies/", hand_bodies),
    path("bench/bare/bodies/", bare_bodies),
    path("bench/hand/people/", hand_people),
    path("bench/bare/people/", bare_people),
    path("bench/hand/competence-records/", hand_competence_records),
    path("bench/bare/competence-records/", bare_competence_records),
    path("bench/bare/audit-events/", bare_audit_events),
    path("bench/bare-matrix/", bare_matrix),
    *project_urlpatterns,
]
