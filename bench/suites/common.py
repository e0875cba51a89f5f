"""Data builders and measuring helpers the benchmark suites share."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.__main__ import medians_interleaved

BENCH_URLS = "bench.urls"
SCOPE_STANDARDS = 4
SCOPE_SECTORS = 10
#: list endpoint → (hand-built baseline, bare floor)
LISTS: dict[str, tuple[str, str, str]] = {
    "bodies": ("/api/v1/bodies/", "/bench/hand/bodies/", "/bench/bare/bodies/"),
    "people": ("/api/v1/people/", "/bench/hand/people/", "/bench/bare/people/"),
    "competence records": (
        "/api/v1/competence-records/",
        "/bench/hand/competence-records/",
        "/bench/bare/competence-records/",
    ),
}

#: the lists the growth suite follows (endpoint, bare floor): the three above, and the audit trail, whose
#: filter reads the guardian grant table (body_ids_with_perm) on every request
GROWTH_LISTS: dict[str, tuple[str, str]] = {
    **{name: (endpoint, bare) for name, (endpoint, _hand, bare) in LISTS.items()},
    "audit events": ("/api/v1/audit-events/", "/bench/bare/audit-events/"),
}


# --- data ---------------------------------------------------------------------------------------------------


def _users(prefix: str, count: int, **fields: Any) -> list[Any]:
    """Users without a password hash to compute (the benchmarks log in with force_login)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    unusable = make_password(None)
    return User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i:06d}@bench.example",
                full_name=f"{prefix.title()} {i:06d}",
                password=unusable,
                **fields,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def _bodies(prefix: str, count: int, start: int = 0) -> list[Any]:
    """Approved bodies with two activities and three sectors each, like a real body's profile."""
    from bodies.models.tenants import Body
    from reference.models import Activity, Sector

    bodies = Body.objects.bulk_create(
        [
            Body(
                legal_name=f"{prefix} Body {i:06d}",
                country="IS",
                kind=Body.Kind.VVB,
                contact_name="C",
                contact_email=f"c{i}@bench.example",
                status=Body.Status.APPROVED,
            )
            for i in range(start, start + count)
        ],
        batch_size=5000,
    )
    activities = list(Activity.objects.order_by("code").values_list("pk", flat=True)[:2])
    sectors = list(Sector.objects.filter(scheme="ghg").order_by("sort_key").values_list("pk", flat=True)[:3])
    Body.activities.through.objects.bulk_create(
        [Body.activities.through(body_id=b.pk, activity_id=a) for b in bodies for a in activities],
        batch_size=10000,
    )
    Body.sectors.through.objects.bulk_create(
        [Body.sectors.through(body_id=b.pk, sector_id=s) for b in bodies for s in sectors], batch_size=10000
    )
    return bodies


def _memberships(pairs: list[tuple[Any, Any]], roles: list[str]) -> list[Any]:
    from bodies.models.tenants import Membership

    return Membership.objects.bulk_create(
        [
            Membership(user=user, body=body, roles=roles, undertaking_signed_on=date(2025, 1, 1))
            for user, body in pairs
        ],
        batch_size=5000,
    )


def _records(memberships: list[Any], per_person: int, evaluator: Any, total: int | None = None) -> list[Any]:
    """`per_person` competence records for each membership, over distinct (standard, sector, role) scopes;
    `total` stops early."""
    from bodies.models.tenants import Role
    from competence.models import CompetenceRecord
    from reference.models import Sector, Standard

    standards = list(Standard.objects.filter(sector_scheme="ghg").order_by("code")[:SCOPE_STANDARDS])
    sectors = list(Sector.objects.filter(scheme="ghg").order_by("sort_key")[:SCOPE_SECTORS])
    roles = [Role.LEAD_AUDITOR, Role.AUDITOR, Role.TECHNICAL_EXPERT]
    scopes = [(st, se, ro) for ro in roles for st in standards for se in sectors]
    if per_person > len(scopes):
        raise ValueError(f"at most {len(scopes)} records per person")
    statuses = ["approved", "approved", "approved", "proposed", "suspended"]
    records = []
    for m_index, membership in enumerate(memberships):
        for r_index, (standard, sector, role) in enumerate(scopes[:per_person]):
            status = statuses[(m_index + r_index) % len(statuses)]
            evaluated = status != "proposed"
            records.append(
                CompetenceRecord(
                    body_id=membership.body_id,
                    membership=membership,
                    person_id=membership.user_id,
                    standard=standard,
                    sector=sector,
                    role=role,
                    basis=["training"],
                    valid_until=date(2027, 1, 1) + timedelta(days=(m_index * 7 + r_index) % 700),
                    status=status,
                    evaluated_by=evaluator if evaluated else None,
                    evaluated_on=date(2025, 6, 1) if evaluated else None,
                )
            )
    return CompetenceRecord.objects.bulk_create(records[:total], batch_size=5000)


def _audit_events(body: Any, count: int) -> None:
    """`count` more events in the body's audit chain (rows as the audit trail writes them; the hashes are not
    a real chain, which no list reads)."""
    from django.utils import timezone

    from core.models import AuditEvent

    if count <= 0:
        return
    start = AuditEvent.objects.filter(chain=str(body.pk)).count()
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                chain=str(body.pk),
                sequence=start + i + 1,
                body=body,
                actor=None,
                actor_label="system",
                action="bodies.body.profile_updated",
                object_type="bodies.body",
                object_id=str(body.pk),
                object_repr=body.legal_name,
                before={"website": ""},
                after={"website": f"https://bench-{i}.example"},
                created_at=now - timedelta(seconds=count - i),
                prev_hash="0" * 64,
                hash="0" * 64,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def _analyze() -> None:
    """Statistics for the planner, and (outside a transaction) the visibility map that lets a count read an
    index alone, as autovacuum leaves a production table."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, path: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
        return response

    return call


def _same_json(client: Client, endpoint: str, hand: str) -> int:
    """The hand-built view answers exactly what the endpoint answers; returns the number of rows."""
    ours, theirs = _get(client, endpoint)().json(), _get(client, hand)().json()
    if ours != theirs:
        key = next(k for k in ours if k != "pagination")
        first = next(
            (pair for pair in zip(ours[key], theirs.get(key, []), strict=False) if pair[0] != pair[1]), None
        )
        raise AssertionError(
            f"{hand} does not answer what {endpoint} answers: pagination {ours['pagination']} vs "
            f"{theirs.get('pagination')}, first differing row {json.dumps(first, default=str)[:800]}"
        )
    return len(next(v for k, v in ours.items() if k != "pagination"))


def _measure_list(client: Client, name: str, limit: int, repeat: int) -> tuple[int, dict[str, float]]:
    endpoint, hand, bare = (f"{path}?limit={limit}" for path in LISTS[name])
    rows = _same_json(client, endpoint, hand)
    times = medians_interleaved(
        {"endpoint": _get(client, endpoint), "hand": _get(client, hand), "bare": _get(client, bare)}, repeat
    )
    return rows, times


def _explain(client: Client, path: str, table: str) -> tuple[float, float, int]:
    """PostgreSQL's planning and execution time (ms) of the page query a list request sends, and its queries."""
    with CaptureQueriesContext(connection) as captured:
        _get(client, path)()
    page = [
        q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    if not page:
        return float("nan"), float("nan"), len(captured.captured_queries)
    with connection.cursor() as cursor:
        plans = []
        for _ in range(5):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {page[0]}")
            plan = cursor.fetchone()[0]
            plans.append(plan[0] if isinstance(plan, list) else json.loads(plan)[0])
    plans.sort(key=lambda p: p["Planning Time"] + p["Execution Time"])
    best = plans[len(plans) // 2]
    return best["Planning Time"], best["Execution Time"], len(captured.captured_queries)
