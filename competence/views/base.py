"""What every competence page shares: the record-first base classes and the section tabs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from bodies.models.tenants import Membership
from core.portal import BodyScopedMixin

from ..permissions import can_change_people_records_policy, can_manage_competence
from ..selectors import person_list


def expiry_warning_days() -> int:
    """A competence shows "expires in N days" from the first expiry reminder on (60 days by default)."""
    before = [-offset for offset in settings.COMPETENCE_REMINDER_OFFSETS if offset < 0]
    return max(before, default=60)


class BodyObjectMixin(BodyScopedMixin):
    """A page about one record of the active body, in `self.object`. PortalMixin finds it before it checks
    `required_perm` or the method: another body's record is a 404, never a 403 or 405."""

    def check_object_access(self) -> None:
        self.object = self.get_object()


class MembershipObjectMixin(BodyObjectMixin):
    model = Membership

    def scoped_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("user", "body")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["person"] = self.object
        return context


class SectionMixin:
    """Pages under the section's tabs (people, matrix, team check, import); Import shows to its managers only."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["can_manage_competence_nav"] = can_manage_competence(
            self.request.user,  # type: ignore[attr-defined]
            self.body,  # type: ignore[attr-defined]
        )
        context["can_change_records_policy_nav"] = can_change_people_records_policy(
            self.request.user,  # type: ignore[attr-defined]
            self.body,  # type: ignore[attr-defined]
        )
        return context


def active_people(body: Any) -> list[Membership]:
    return list(person_list(body=body).filter(status=Membership.Status.ACTIVE))
