"""PDF renders against WeasyPrint laying out the same HTML."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from unittest import mock

from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bench.__main__ import line, medians_interleaved

from .common import (
    _memberships,
    _records,
)


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
    from .engagement_pdf import bench_engagement_report

    yield from bench_engagement_report(args, staff=staff)
