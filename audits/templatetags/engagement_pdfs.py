"""`{% engagement_pdf_buttons engagement %}`: the engagement page's "Audit plan (PDF)" and "Report (PDF)" buttons
(for those who may ask for each, from the status each needs) and the latest document of each kind."""

from __future__ import annotations

from typing import Any

from django import template

from documents.models import Document
from documents.registry import get_kind

from ..documents import AUDIT_PLAN_PDF, REPORT_PDF, client_final_report

register = template.Library()


@register.inclusion_tag("audits/engagements/_pdf_buttons.html", takes_context=True)
def engagement_pdf_buttons(context: dict[str, Any], engagement: Any) -> dict[str, Any]:
    user = context["request"].user
    latest: dict[str, Document] = {}
    for document in (
        Document.objects.visible_to(user)
        .for_subject(engagement)
        .filter(kind__in=[AUDIT_PLAN_PDF, REPORT_PDF])
        .order_by("-requested_at")
    ):
        latest.setdefault(document.kind, document)
    return {
        "engagement": engagement,
        "csrf_token": context.get("csrf_token"),
        "can_plan": get_kind(AUDIT_PLAN_PDF).can_request(user, engagement),
        "can_report": get_kind(REPORT_PDF).can_request(user, engagement),
        "plan_document": latest.get(AUDIT_PLAN_PDF),
        "report_document": latest.get(REPORT_PDF),
    }


@register.simple_tag
def engagement_client_report(engagement: Any) -> Document | None:
    """The final report a client user may download from the client view (see `client_final_report`)."""
    return client_final_report(engagement)
