"""The benchmarks. Each returns printable lines; data is generated inside the throw-away database."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.test import Client, override_settings

from bench.__main__ import line, median_seconds


def bench_bodies(args: argparse.Namespace) -> Iterator[str]:
    """GET /api/v1/bodies/?limit=50 for a user who belongs to 60 of 300 bodies, against a bare JSON view."""
    from accounts.models import User
    from bodies.models.tenants import Body, Membership, Role
    from bodies.services import _sync_grants
    from reference.models import Activity, Sector

    user = User.objects.create_user("bench@example.org", "bench-password-123", full_name="Bench User")
    activities = list(Activity.objects.all())
    sectors = list(Sector.objects.filter(scheme="ghg")[:5])
    bodies = Body.objects.bulk_create(
        [
            Body(
                legal_name=f"Bench Body {i:03d}",
                country="IS",
                kind=Body.Kind.VVB,
                contact_name="C",
                contact_email=f"c{i}@bench.example",
                status=Body.Status.APPROVED,
            )
            for i in range(300)
        ]
    )
    for body in bodies:
        body.activities.set(activities[:2])
        body.sectors.set(sectors)
    for body in bodies[:60]:
        _sync_grants(Membership.objects.create(user=user, body=body, roles=[Role.BODY_ADMIN]))
    client = Client()
    client.force_login(user)
    with override_settings(ROOT_URLCONF="bench.urls"):
        response = client.get("/api/v1/bodies/?limit=50")
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["bodies"]) == 50
        endpoint = median_seconds(lambda: client.get("/api/v1/bodies/?limit=50"), args.repeat)
        baseline = median_seconds(lambda: client.get("/bench/bare-bodies/"), args.repeat)
    yield line("bodies list endpoint, 50 rows, with permissions", endpoint, baseline)


def bench_pdf(args: argparse.Namespace) -> Iterator[str]:
    """The approval letter rendered and stored through the document service, against a minimal WeasyPrint page."""
    from weasyprint import HTML

    from accounts.models import User
    from bodies.models.tenants import Body
    from documents.models import Document
    from documents.services import document_render
    from tests.factories import AccreditationFactory, BodyFactory

    staff = User.objects.create_user(
        "bench-staff@icr.example", "x" * 12, full_name="Bench Staff", is_staff=True
    )
    body = BodyFactory(status=Body.Status.APPROVED)
    AccreditationFactory(body=body)
    AccreditationFactory(body=body)
    repeat = max(5, args.repeat // 3)

    def render_letter() -> None:
        from django.db import transaction

        from documents.services import document_request

        with transaction.atomic():
            doc = document_request(kind="bodies.approval_letter", subject=body, body=body, actor=staff)
        document_render(document_id=doc.pk)

    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        from unittest import mock

        with mock.patch("documents.tasks.document_render_task.delay"):
            letter = median_seconds(render_letter, repeat, warmup=1)
    minimal = median_seconds(
        lambda: HTML(string="<html><body><p>Hello</p></body></html>").write_pdf(), repeat
    )
    pages = Document.objects.filter(kind="bodies.approval_letter").count()
    yield line(f"approval letter render ({pages} rendered)", letter, minimal)


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
    from datetime import date

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
    client = Client()
    client.force_login(admin)
    repeat = max(5, args.repeat // 3)
    with override_settings(ROOT_URLCONF="bench.urls"):
        page = client.get("/people/matrix/")
        assert page.status_code == 200, page.status_code
        cells = page.content.count(b"<td")
        matrix = median_seconds(lambda: client.get("/people/matrix/"), repeat)
        baseline = median_seconds(lambda: client.get(f"/bench/bare-matrix/?body={body.pk}"), repeat)
    yield line(f"competence matrix page, 500 people × 40 scopes ({cells:,} cells)", matrix, baseline)


SUITES: dict[str, Callable[[argparse.Namespace], Iterator[str]]] = {
    "matrix": bench_matrix,
    "bodies": bench_bodies,
    "pdf": bench_pdf,
    "sweep": bench_sweep,
}
