"""This capability's dashboard panels (declared with the kernel's `core.panels`): the body's ICR approval and
the quick links to its pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from core.panels import Panel, register

from .models import Accreditation
from .models.approval import AccreditationStatus, AccreditationVerification

if TYPE_CHECKING:
    from core.types import PortalRequest

    from .models.tenants import Body


def _approval_context(request: PortalRequest, body: Body) -> dict[str, Any]:
    """The approval status comes from the body itself; the accreditations that count (verified and active) and
    those waiting for the registry's verification are counted in one query."""
    counts = Accreditation.objects.for_body(body).aggregate(
        counting=Count(
            "pk",
            filter=Q(verification=AccreditationVerification.VERIFIED, status=AccreditationStatus.ACTIVE),
        ),
        pending=Count(
            "pk",
            filter=Q(verification=AccreditationVerification.PENDING, status=AccreditationStatus.ACTIVE),
        ),
    )
    return {"active_accreditations": counts["counting"], "pending_accreditations": counts["pending"]}


def _no_context(request: PortalRequest, body: Body) -> dict[str, Any]:
    return {}


register(
    Panel(
        key="bodies.approval",
        template_name="bodies/partials/_dashboard_approval.html",
        context=_approval_context,
        order=10,
    )
)
register(
    Panel(
        key="bodies.links",
        template_name="bodies/partials/_dashboard_links.html",
        context=_no_context,
        order=40,
    )
)
