"""The benchmarks. Each returns printable lines; data is generated inside the throw-away database."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator

from django.test import Client, override_settings

from bench.__main__ import line, median_seconds


def bench_bodies(args: argparse.Namespace) -> Iterator[str]:
    """GET /api/v1/bodies/?limit=50 for a user who belongs to 60 of 300 bodies, against a bare JSON view."""
    from accounts.models import User
    from bodies.models import Body, Membership, Role
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
    from bodies.models import Body
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


SUITES: dict[str, Callable[[argparse.Namespace], Iterator[str]]] = {
    "bodies": bench_bodies,
    "pdf": bench_pdf,
    "sweep": bench_sweep,
}
