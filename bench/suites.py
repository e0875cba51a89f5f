"""The benchmarks. Each returns printable lines; data is generated inside the throw-away database.

- `lists`: each list endpoint against a hand-built view doing the same work and the bare floor (`bench.urls`);
- `growth`: each list at 10² and 10⁴ rows and at 10k and 200k guardian grants, with the growth ratios and
  PostgreSQL's planning and execution time of the list's query;
- `pdf`: a document rendered through the document service against WeasyPrint laying out the same HTML;
- `matrix`: the competence matrix page against a bare one-query table;
- `sweep`: the reminder sweep over a million deadlines.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from unittest import mock

from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.__main__ import compare, line, median_seconds, medians_interleaved, samples_interleaved

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


# --- lists: the same work by hand ---------------------------------------------------------------------------


def bench_lists(args: argparse.Namespace) -> Iterator[str]:
    """Each list endpoint, 50 rows, for a body administrator signed in (session) who belongs to 60 of 300
    bodies, ten of which have 40 people holding 10 competences each; against the hand-built view and the floor."""
    from bodies.models.tenants import Role
    from bodies.services import _sync_grants

    (user,) = _users("lists-admin", 1)
    (evaluator,) = _users("lists-evaluator", 1)
    bodies = _bodies("Lists", 300)
    for body in bodies[:60]:
        from bodies.models.tenants import Membership

        _sync_grants(Membership.objects.create(user=user, body=body, roles=[Role.BODY_ADMIN]))
    people = _users("lists-person", 400)
    memberships = _memberships(
        [(person, body) for body in bodies[:60:6] for person in people[:40]], [Role.AUDITOR]
    )
    _records(memberships, 10, evaluator)
    _analyze()
    client = _signed_in(user)
    with override_settings(ROOT_URLCONF=BENCH_URLS):
        for name in LISTS:
            rows, times = _measure_list(client, name, 50, args.repeat)
            yield compare(
                f"{name} list, {rows} rows (same JSON)", times["endpoint"], times["hand"], times["bare"]
            )


# --- growth: flat as tables grow ----------------------------------------------------------------------------


@dataclass
class GrowthWorld:
    staff: Any
    member: Any  # administrator of the big body, auditor in two more
    big_body: Any
    evaluator: Any


def _growth_world() -> GrowthWorld:
    from bodies.models.tenants import Role
    from bodies.services import _sync_grants

    (staff,) = _users("growth-staff", 1, is_staff=True)
    (member,) = _users("growth-member", 1)
    (evaluator,) = _users("growth-evaluator", 1)
    big_body, *others = _bodies("Growth", 3)
    from bodies.models.tenants import Membership

    _sync_grants(Membership.objects.create(user=member, body=big_body, roles=[Role.BODY_ADMIN]))
    for body in others:
        _sync_grants(Membership.objects.create(user=member, body=body, roles=[Role.AUDITOR]))
    return GrowthWorld(staff=staff, member=member, big_body=big_body, evaluator=evaluator)


#: people of the big body at least: the member's people list fills its 50-row page at every size
BIG_BODY_PEOPLE = 60
RECORDS_PER_PERSON = 40


def _grow_to(world: GrowthWorld, rows: int) -> None:
    """Grows every table a list reads to `rows` rows: bodies, memberships (people), competence records.

    The competence records all belong to the big body (40 per person), so the member sees every one of them,
    as registry staff do. The big body has at least 60 people, so every list the member reads has a full page
    at every size (a page of 50 costs more to write than a page of 5, whatever the table holds); the other
    people are spread over the other bodies.
    """
    from bodies.models.tenants import Body, Membership, Role
    from competence.models import CompetenceRecord
    from core.models import AuditEvent

    existing_bodies = Body.objects.count()
    new_bodies = (
        _bodies("Growth", rows - existing_bodies, start=existing_bodies) if rows > existing_bodies else []
    )
    bodies = new_bodies or list(Body.objects.exclude(pk=world.big_body.pk))
    people_needed = rows - Membership.objects.count()
    records_needed = rows - CompetenceRecord.objects.count()
    in_big_body = min(people_needed, max(BIG_BODY_PEOPLE, -(-records_needed // RECORDS_PER_PERSON)))
    people = _users(f"growth-p{rows}-", people_needed)
    big = _memberships([(p, world.big_body) for p in people[:in_big_body]], [Role.AUDITOR])
    _memberships([(p, bodies[i % len(bodies)]) for i, p in enumerate(people[in_big_body:])], [Role.AUDITOR])
    _records(big, RECORDS_PER_PERSON, world.evaluator, total=records_needed)
    _audit_events(world.big_body, rows - AuditEvent.objects.count())
    _analyze()


def _grants(count: int) -> int:
    """Tops the guardian grant table on bodies up to `count` rows: grants of people who have a membership (as
    grants are synced from memberships), each on a few bodies, no new users."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from bodies.models.tenants import Body, BodyUserObjectPermission, Membership

    table = BodyUserObjectPermission._meta.db_table
    have = set(BodyUserObjectPermission.objects.values_list("user_id", "permission_id", "content_object_id"))
    if len(have) >= count:
        return len(have)
    permissions = list(
        Permission.objects.filter(content_type=ContentType.objects.get_for_model(Body)).values_list(
            "pk", flat=True
        )
    )
    users = list(Membership.objects.order_by("user_id").values_list("user_id", flat=True).distinct())
    bodies = list(Body.objects.order_by("pk").values_list("pk", flat=True)[:50])
    buffer = io.StringIO()
    missing = count - len(have)
    for body in bodies:
        for user in users:
            for permission in permissions:
                if missing == 0:
                    break
                if (user, permission, body) not in have:
                    buffer.write(f"{user}\t{permission}\t{body}\n")
                    missing -= 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} (user_id, permission_id, content_object_id) FROM STDIN", buffer
        )
    _analyze()
    return BodyUserObjectPermission.objects.count()


Samples = dict[tuple[str, str], list[float]]


def _samples(clients: dict[str, Client], repeat: int) -> Samples:
    """Each list's times for each caller, and its bare floor's (`(who, "bare " + name)`), taking turns."""
    calls = {}
    for who, client in clients.items():
        for name, (endpoint, bare) in GROWTH_LISTS.items():
            calls[f"{who}|{name}"] = _get(client, f"{endpoint}?limit=50")
            calls[f"{who}|bare {name}"] = _get(client, bare)
    timed = samples_interleaved(calls, repeat)
    return {(key.split("|")[0], key.split("|")[1]): values for key, values in timed.items()}


def _before_after(
    clients: dict[str, Client], grow: Callable[[], Any], repeat: int, explain: Callable[[], Any]
) -> tuple[Samples, Samples, Any, Any]:
    """The lists' samples and `explain()` in the current state, then again after `grow()`.

    (Alternating the two states by rolling the growth back to a savepoint was tried: the rolled-back rows stay
    in the tables as dead tuples and slow the small state down, which flatters the growth.)"""
    small, explained_small = _samples(clients, repeat), explain()
    grow()
    return small, _samples(clients, repeat), explained_small, explain()


def bench_growth(args: argparse.Namespace) -> Iterator[str]:
    """Each list (50 rows a page) at 10² and 10⁴ rows, then at 10k and 200k guardian grants: the growth ratio
    (goal <= 1.2), and the planning/execution time PostgreSQL reports for the competence-records page query."""
    from competence.models import CompetenceRecord

    world = _growth_world()
    repeat = args.repeat
    from core.models import AuditEvent

    explained_lists = {
        "competence-records": (f"{LISTS['competence records'][0]}?limit=50", CompetenceRecord._meta.db_table),
        "audit-events": (f"{GROWTH_LISTS['audit events'][0]}?limit=50", AuditEvent._meta.db_table),
    }
    with override_settings(ROOT_URLCONF=BENCH_URLS):
        clients = {"staff": _signed_in(world.staff), "member": _signed_in(world.member)}

        def explain() -> dict[tuple[str, str], tuple[float, float, int]]:
            return {
                (listed, who): _explain(client, path, table)
                for listed, (path, table) in explained_lists.items()
                for who, client in clients.items()
            }

        _grow_to(world, 100)
        rows = _before_after(clients, lambda: _grow_to(world, 10_000), repeat, explain)
        _grants(10_000)
        grants = _before_after(clients, lambda: _grants(200_000), repeat, explain)
    for title, (_small, _large, explained_small, explained_large) in (
        (("10^2 rows", "10^4 rows"), rows),
        (("10k grants", "200k grants"), grants),
    ):
        for label, explained in zip(title, (explained_small, explained_large), strict=True):
            for (listed, who), (planning, execution, queries) in explained.items():
                yield (
                    f"{listed} page query, {who:<6} at {label:<11}: planning {planning:6.2f} ms, "
                    f"execution {execution:6.2f} ms ({queries} queries per request)"
                )
    yield (
        f"growth of each list (50-row page, {repeat} requests per state, each beside its bare floor): medians, "
        "fastest runs, and the median growth relative to the floor's (its work does not grow: 50 rows by primary "
        "key). The machine is shared and other processes' load moves the medians between the two states; the "
        "fastest run is the least disturbed, so the verdict reads its growth against the 1.2 goal"
    )
    median = statistics.median
    for title, (small, large, _es, _el) in (("rows 10^2 → 10^4", rows), ("grants 10k → 200k", grants)):
        for who in clients:
            for name in GROWTH_LISTS:
                a, b = small[(who, name)], large[(who, name)]
                floor = median(large[(who, f"bare {name}")]) / median(small[(who, f"bare {name}")])
                relative = median(b) / median(a) / floor
                fastest = min(b) / min(a)
                yield (
                    f"{name + ' list, ' + who:<32} {title:<18} median {median(a) * 1000:6.2f} → "
                    f"{median(b) * 1000:6.2f} ms ({median(b) / median(a):4.2f}x; floor {floor:4.2f}x)   "
                    f"relative to the floor {relative:4.2f}x   fastest {min(a) * 1000:6.2f} → {min(b) * 1000:6.2f} ms "
                    f"({fastest:4.2f}x) {'ok' if fastest <= 1.2 else 'ABOVE 1.2'}"
                )


# --- PDF ----------------------------------------------------------------------------------------------------


def _logo_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (11, 93, 59)).save(buffer, format="PNG")
    return buffer.getvalue()


def _render_against_weasyprint(
    kind: str, subject: Any, body: Any, actor: Any, repeat: int
) -> tuple[str, float, float, str]:
    """Times `document_render` for one document kind, and WeasyPrint alone laying out the HTML it produced."""
    from django.conf import settings
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from documents import rendering
    from documents.services import document_render, document_request

    captured: list[str] = []
    real_html_to_pdf = rendering.html_to_pdf

    def capturing(html: str) -> bytes:
        captured.append(html)
        return real_html_to_pdf(html)

    def render() -> None:
        with transaction.atomic():
            document = document_request(kind=kind, subject=subject, body=body, actor=actor)
        document_render(document_id=document.pk)

    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=False),
        mock.patch("documents.tasks.document_render_task.delay"),
        mock.patch("documents.rendering.html_to_pdf", capturing),
    ):
        with CaptureQueriesContext(connection) as requested, transaction.atomic():
            document = document_request(kind=kind, subject=subject, body=body, actor=actor)
        with CaptureQueriesContext(connection) as rendered:
            document_render(document_id=document.pk)
        html = captured[-1]

        def weasyprint_alone() -> None:
            fetcher = URLFetcher(allowed_protocols=("data",))
            HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher).write_pdf()

        times = medians_interleaved({"service": render, "weasyprint": weasyprint_alone}, repeat, warmup=1)
    queries = f"{len(requested.captured_queries)} + {len(rendered.captured_queries)} queries"
    return html, times["service"], times["weasyprint"], queries


def bench_pdf(args: argparse.Namespace) -> Iterator[str]:
    """The approval letter and a person's competence record rendered and stored through the document service,
    against WeasyPrint laying out the same HTML (with the body's logo inlined, as the service feeds it)."""
    from django.core.files.base import ContentFile

    from bodies.models.tenants import Body, Role
    from competence.documents import PERSON_RECORD
    from competence.models import PeriodicEvaluation, TrainingEntry
    from reference.models import Standard
    from tests.factories import (
        AccreditationFactory,
        BodyFactory,
        MembershipFactory,
        StaffFactory,
        UserFactory,
    )

    staff = StaffFactory(email="bench-staff@icr.example", full_name="Bench Staff")
    body = BodyFactory(status=Body.Status.APPROVED)
    body.logo.save("bench-logo.png", ContentFile(_logo_png()), save=True)
    for _ in range(3):
        AccreditationFactory(body=body)
    admin = UserFactory(full_name="Bench Admin")
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    (membership,) = _memberships([(UserFactory(full_name="Bench Auditor"), body)], [Role.AUDITOR])
    _records([membership], 12, admin)
    standard = Standard.objects.order_by("code").first()
    for index in range(4):
        TrainingEntry.objects.create(
            body=body,
            membership=membership,
            title=f"Course {index}",
            completed_on=date(2025, 1, 1) + timedelta(days=index * 30),
            hours=8,
            standard=standard,
        )
        PeriodicEvaluation.objects.create(
            body=body,
            membership=membership,
            evaluated_by=admin,
            evaluated_on=date(2025, 2, 1) + timedelta(days=index * 30),
            outcome="satisfactory",
        )
    repeat = max(5, args.repeat // 3)
    for label, kind, subject in (
        ("approval letter", "bodies.approval_letter", body),
        ("competence record (12 records)", PERSON_RECORD, membership),
    ):
        html, service, weasyprint, queries = _render_against_weasyprint(kind, subject, body, staff, repeat)
        yield (
            line(f"{label}: request + render ({queries}, {len(html) // 1024} KiB HTML)", service, weasyprint)
            + "   (baseline: WeasyPrint alone, same HTML)"
        )


# --- the rest -----------------------------------------------------------------------------------------------


def bench_sweep(args: argparse.Namespace) -> Iterator[str]:
    from bench.reminder_sweep import measure

    started = time.perf_counter()
    result = measure(n=args.deadlines)
    total = time.perf_counter() - started
    yield (
        f"reminder sweep over {result['deadlines']:,} deadlines: first run {result['first_sweep_seconds']:.2f} s "
        f"({result['first_sweep_notifications']:,} notifications), second run "
        f"{result['second_sweep_seconds']:.2f} s ({result['second_sweep_notifications']} notifications); "
        f"whole benchmark incl. generation {total:.1f} s"
    )


def bench_matrix(args: argparse.Namespace) -> Iterator[str]:
    """The competence matrix page for 500 people × 40 scopes, against a bare one-query table view."""
    import random

    from accounts.models import User
    from bodies.models.tenants import Body, Membership, Role
    from bodies.services import _sync_grants
    from competence.models import CompetenceRecord
    from reference.models import Sector, Standard

    rng = random.Random(14065)
    body = Body.objects.create(
        legal_name="Matrix Bench VVB",
        country="IS",
        kind=Body.Kind.VVB,
        contact_name="C",
        contact_email="m@bench.example",
        status=Body.Status.APPROVED,
    )
    admin = User.objects.create_user("matrix-admin@bench.example", "bench-password-123", full_name="Admin")
    _sync_grants(Membership.objects.create(user=admin, body=body, roles=[Role.BODY_ADMIN]))
    users = User.objects.bulk_create(
        [User(email=f"auditor{i:03d}@bench.example", full_name=f"Auditor {i:03d}") for i in range(500)]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(user=u, body=body, roles=[Role.AUDITOR], undertaking_signed_on=date(2025, 1, 1))
            for u in users
        ]
    )
    standards = list(Standard.objects.filter(sector_scheme="ghg").order_by("code")[:4])
    sectors = list(Sector.objects.filter(scheme="ghg").order_by("sort_key")[:10])
    scopes = [(st, se) for st in standards for se in sectors]  # 4 × 10 = 40 columns
    roles = [Role.LEAD_AUDITOR, Role.AUDITOR, Role.TECHNICAL_EXPERT]
    statuses = ["approved"] * 6 + ["proposed", "suspended", "expired"]
    records = []
    for m in memberships:
        for standard, sector in rng.sample(scopes, 10):
            status = rng.choice(statuses)
            records.append(
                CompetenceRecord(
                    body=body,
                    membership=m,
                    person_id=m.user_id,
                    standard=standard,
                    sector=sector,
                    role=rng.choice(roles),
                    basis=["training"],
                    valid_until=date(2027, 1, 1) + timedelta(rng.randint(0, 700)),
                    status=status,
                    evaluated_by=admin if status != "proposed" else None,
                    evaluated_on=date(2025, 6, 1) if status != "proposed" else None,
                )
            )
    CompetenceRecord.objects.bulk_create(records, batch_size=2000)
    client = _signed_in(admin)
    repeat = max(5, args.repeat // 3)
    with override_settings(ROOT_URLCONF=BENCH_URLS):
        page = client.get("/people/matrix/")
        assert page.status_code == 200, page.status_code
        cells = page.content.count(b"<td")
        matrix = median_seconds(lambda: client.get("/people/matrix/"), repeat)
        baseline = median_seconds(lambda: client.get(f"/bench/bare-matrix/?body={body.pk}"), repeat)
    yield line(f"competence matrix page, 500 people × 40 scopes ({cells:,} cells)", matrix, baseline)


SUITES: dict[str, Callable[[argparse.Namespace], Iterator[str]]] = {
    "lists": bench_lists,
    "pdf": bench_pdf,
    "matrix": bench_matrix,
    "sweep": bench_sweep,
    "growth": bench_growth,
}
#: suites that commit what they write: the sweep (its batches commit as in production; it deletes its rows
#: itself) and the growth (VACUUMed, as production's tables are; the throw-away database goes with it). They run
#: after the suites that roll theirs back.
COMMITTING = frozenset({"sweep", "growth"})
