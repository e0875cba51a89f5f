"""The engagement report of 200 findings rendered through the documents engine, against WeasyPrint laying out the
same HTML and against WeasyPrint laying out a minimal one-page document (the floor of any PDF)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from bench.__main__ import line, median_seconds

from .pdf import _render_against_weasyprint

MINIMAL_PAGE = "<!doctype html><html><head><meta charset='utf-8'></head><body><p>ICR</p></body></html>"


def _minimal_page() -> None:
    from weasyprint import HTML

    HTML(string=MINIMAL_PAGE).write_pdf()


def bench_engagement_report(args: argparse.Namespace, *, staff: Any) -> Iterator[str]:
    """A verification report with 200 findings (each with a response) on a team of two, planned then drafted."""
    from audits.documents import REPORT_PDF
    from audits.models import FindingResponse
    from bodies.models.tenants import Role
    from tests.factories import EngagementFactory, FindingFactory, MembershipFactory, TeamMemberFactory

    engagement: Any = EngagementFactory(
        status="report_drafted", report_conclusions="No material misstatement."
    )
    lead: Any = MembershipFactory(body=engagement.body, roles=[Role.AUDITOR])
    TeamMemberFactory(engagement=engagement, membership=lead, role=Role.LEAD_AUDITOR)
    TeamMemberFactory(
        engagement=engagement,
        membership=MembershipFactory(body=engagement.body, roles=[Role.AUDITOR]),
        role=Role.AUDITOR,
    )
    for number in range(1, 201):
        finding: Any = FindingFactory(engagement=engagement, number=number)
        FindingResponse.objects.create(
            body=engagement.body,
            finding=finding,
            version=1,
            root_cause="No procedure",
            correction="Source added",
            corrective_action="Procedure P-7 written and trained",
            submitted_by=lead.user,
        )
    repeat = max(3, args.repeat // 10)
    html, service, weasyprint, queries = _render_against_weasyprint(
        REPORT_PDF, engagement, engagement.body, staff, repeat
    )
    minimal = median_seconds(_minimal_page, repeat, warmup=1)
    yield (
        line(
            f"engagement report (200 findings): request + render ({queries}, {len(html) // 1024} KiB HTML)",
            service,
            weasyprint,
        )
        + "   (baseline: WeasyPrint alone, same HTML)"
    )
    yield line("engagement report (200 findings) against the minimal page", service, minimal) + (
        "   (baseline: WeasyPrint laying out a one-paragraph page)"
    )
